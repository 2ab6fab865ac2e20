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
