import Testing
@testable import SwixEval
import SwixSyntax

/// Small plain sets in lazy positions are built at once, not behind a thunk
/// (`AttrsNode.lazy`), except while a `let` or `rec` scope is being filled
/// (`lazyBinding`): values inside stay lazy, siblings of the scope resolve, and
/// nothing unused is evaluated. Expected results were recorded with
/// `nix-instantiate --eval --strict -E` (Nix 2.8).
@Suite("Plain sets built at once")
struct PlainSetTests {
    static let cases: [(String, String)] = [
        (#"let a = { b = c; }; c = 1; in a.b"#,
         #"1"#),
        (#"(rec { a = { b = c; }; c = 1; }).a.b"#,
         #"1"#),
        (#"let x = { y = { z = x.w; }; w = 5; }; in x.y.z"#,
         #"5"#),
        (#"let f = s: s.a.b; in f { a = { b = 1; }; }"#,
         #"1"#),
        (#"(rec { a = { inherit c; }; c = 2; }).a.c"#,
         #"2"#),
        (#"let s = { a = { b = throw "x"; c = 1; }; }; in s.a.c"#,
         #"1"#),
        (#"{ a = { b = abort "never"; }; }.a ? b"#,
         #"true"#),
        (#"with { a = { b = 3; }; }; a.b"#,
         #"3"#),
        (#"let l = [ { a = 1; } { a = { b = 2; }; } ]; in (builtins.elemAt l 1).a.b"#,
         #"2"#),
        (#"let f = x: { inner = { v = x; w = { u = x + 1; }; }; }; in map (i: (f i).inner.w.u) [ 1 2 3 ]"#,
         #"[ 2 3 4 ]"#),
        (#"let s = { inherit ({ p = { q = 1; }; }) p; }; in s.p.q"#,
         #"1"#),
        (#"builtins.length (builtins.attrNames { a.b.c = 1; a.b.d = 2; a.e = { f = 3; }; })"#,
         #"1"#),
    ]

    @Test(arguments: cases)
    func plainSetsMatchNix(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1, "\(c.0)")
    }
}
