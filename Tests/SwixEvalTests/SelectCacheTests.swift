import Testing
@testable import SwixEval
import SwixSyntax

/// `SelectNode`'s inline cache: a path of static names selected again from the
/// same set answers from the cache; from other sets it walks again, and a node
/// whose sets keep changing stops caching. Errors are never cached, nor is a
/// selection with a default. Expected results were recorded with
/// `nix-instantiate --eval --strict -E` (Nix 2.8).
@Suite("Selection cache")
struct SelectCacheTests {
    static let cases: [(String, String)] = [
        (#"let deep = { a.b.c = 1; a.b.d = 2; }; in map (i: deep.a.b.c + deep.a.b.d + i) [ 1 2 3 ]"#,
         #"[ 4 5 6 ]"#),
        (#"let mk = i: { a.b = i; }; in map (i: (mk i).a.b) (builtins.genList (x: x) 40)"#,
         #"[ 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 ]"#),
        (#"let sets = builtins.genList (i: { a.b = i; }) 3; pick = i: (builtins.elemAt sets (i - i / 3 * 3)).a.b; in map pick (builtins.genList (x: x) 30)"#,
         #"[ 0 1 2 0 1 2 0 1 2 0 1 2 0 1 2 0 1 2 0 1 2 0 1 2 0 1 2 0 1 2 ]"#),
        (#"let s = { a.b = throw "boom"; a.c = 3; }; in [ (builtins.tryEval s.a.b).success (builtins.tryEval s.a.b).success s.a.c ]"#,
         #"[ false false 3 ]"#),
        (#"let s = { x.y = builtins.trace "forced once" 5; }; f = _: s.x.y; in map f [ 1 2 3 ]"#,
         #"[ 5 5 5 ]"#),
        (#"let s = rec { a.b = c; c = 7; }; t = s // { a.b = 8; }; in [ s.a.b t.a.b s.a.b t.a.b ]"#,
         #"[ 7 8 7 8 ]"#),
        (#"let f = s: s.p.q; in [ (f { p.q = 1; }) (f { p.q = 2; }) (f { p = { q = 3; }; }) ]"#,
         #"[ 1 2 3 ]"#),
        (#"let s = { a.b = { c = 1; }; }; in [ (s.a.b.c or 0) (s.a.b.d or 5) s.a.b.c ]"#,
         #"[ 1 5 1 ]"#),
        (#"let layers = builtins.foldl' (acc: i: acc // { "k${toString i}" = i; }) { a = { b = 1; }; } (builtins.genList (x: x) 50); in builtins.foldl' (n: i: n + layers.a.b + layers."k${toString (i - i / 50 * 50)}") 0 (builtins.genList (x: x) 200)"#,
         #"5100"#),
    ]

    @Test(arguments: cases)
    func cachedSelectionsMatchNix(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1, "\(c.0)")
    }
}
