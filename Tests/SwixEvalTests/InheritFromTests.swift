import Testing
@testable import SwixEval
import SwixSyntax

/// `inherit (e) x`: a source that is a variable or a static selection from one
/// is selected from directly by each name (no slot, no thunk of its own); any
/// other source is evaluated once, in a slot the names select from. Mixed in one
/// set or `let`, each name must still find its own source. Values were recorded
/// with `nix-instantiate --eval --strict -E` (Nix 2.8).
@Suite("inherit from sources")
struct InheritFromTests {
    static let cases: [(String, String)] = [
        (#"let a = { x = 1; y = 2; }; f = _: { z = 3; }; in { inherit (a) x; inherit (f 0) z; inherit (a) y; }"#,
         #"{ x = 1; y = 2; z = 3; }"#),
        (#"rec { a = { x = 1; }; g = _: { w = 4; }; inherit (g 0) w; inherit (a) x; s = w + x; }.s"#,
         #"5"#),
        (#"let a = { x = 1; }; g = _: { w = 4; }; inherit (g 0) w; inherit (a) x; in w + x"#,
         #"5"#),
        (#"let a = { b.c = { x = 5; }; }; in { inherit (a.b.c) x; }.x"#,
         #"5"#),
        (#"let a = { b.c = { x = 5; }; }; in (rec { inherit (a.b.c) x; y = x + 1; }).y"#,
         #"6"#),
        (#"let s = { a = 1; }; in let inherit (s) a; inherit ({ b = a + 1; }) b; in [ a b ]"#,
         #"[ 1 2 ]"#),
    ]

    @Test(arguments: cases)
    func inheritedNamesFindTheirSources(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1, "\(c.0)")
    }
}

/// `x.a.b` on a variable whose thunk is not forced yet: the variable is forced in
/// its slot and the names selected in place. Values, errors and their frames are
/// those of the general path (recorded with Nix 2.8 `--show-trace` where shown).
@Suite("selection from a variable not yet evaluated")
struct SelectFromPendingVariableTests {
    static let cases: [(String, String)] = [
        (#"let f = d: d.key; in map f [ { key = 1; } (let x = { key = 2; }; in x) ]"#, #"[ 1 2 ]"#),
        (#"let f = d: d.a.b + d.a.b; in f { a.b = 3; }"#, #"6"#),
        (#"let f = d: [ d.key d.key ]; in f (builtins.head [ { key = 4; } ])"#, #"[ 4 4 ]"#),
        (#"let keys = builtins.genList (i: { k = if i == 0 then 0 else (builtins.elemAt keys (i - 1)).k + 1; }) 3000; f = d: d.k; in f (builtins.elemAt keys 2999)"#, #"2999"#),
    ]

    @Test(arguments: cases)
    func selects(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1, "\(c.0)")
    }

    @Test func errorsAsBefore() {
        let notASet = evaluationOutcome(#"let f = d: d.key; in f 1"#)
        #expect(notASet.contains("expected a set but found an integer"), "\(notASet)")
        let missing = evaluationOutcome(#"let f = d: d.key; in f { }"#)
        #expect(missing.contains("attribute 'key' missing"), "\(missing)")
        let thrown = evaluationOutcome(#"let f = d: d.key; in f (throw "boom")"#)
        #expect(thrown.contains("boom"), "\(thrown)")
        let loop = evaluationOutcome(#"let f = d: d.key; in f (let x = x; in x)"#)
        #expect(loop.contains("infinite recursion encountered"), "\(loop)")
    }
}
