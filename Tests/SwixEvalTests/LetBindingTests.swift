import Testing
@testable import SwixEval
import SwixSyntax

/// `let` bindings that wait in their slots without a thunk (`LetBindings.swift`):
/// evaluated through their variable, made into a thunk when used lazily first,
/// black holes while evaluated, evaluated again after a failure. Expected results
/// were recorded with `nix-instantiate --eval --strict -E` (Nix 2.8).
@Suite("Let bindings")
struct LetBindingTests {
    static let cases: [(String, String)] = [
        // Evaluated in place, in any order, through chains of variables.
        ("let a = b; b = c; c = 3 + 4; in a", "7"),
        ("let a0 = 1; a1 = a0 + 1; a2 = a1 * a1; in [ a2 a1 a0 ]", "[ 4 2 1 ]"),
        // Wanted lazily before being evaluated: one thunk, shared by every lazy use.
        ("let xs = [ x x ]; x = { }; in builtins.elemAt xs 0 == builtins.elemAt xs 1", "true"),
        ("let f = y: [ y y ]; x = 1 + 1; in f x", "[ 2 2 ]"),
        ("let s = { inherit x; }; x = 2 * 3; in [ s.x x ]", "[ 6 6 ]"),
        // Being evaluated: reading it again is infinite recursion, using it lazily is fine.
        ("let x = x + 1; in x", "error: infinite recursion encountered"),
        ("let f = y: y; x = f x; in x", "error: infinite recursion encountered"),
        ("let a = { inherit b; }; b = a.b; in a.b", "error: infinite recursion encountered"),
        ("let x = { a = x; }; in x.a.a.a ? a", "true"),
        ("let x = { self = x; v = 1; }; in x.self.self.v", "1"),
        // A failure leaves it unevaluated: evaluated (and failing) again.
        ("let r = builtins.tryEval x; x = throw \"t\"; in [ r (builtins.tryEval x) ]",
         "[ { success = false; value = false; } { success = false; value = false; } ]"),
        ("let x = throw \"t\"; r = builtins.tryEval x; l = [ x ]; in [ r (builtins.tryEval (builtins.head l)) ]",
         "[ { success = false; value = false; } { success = false; value = false; } ]"),
        // Nested lets, variables of outer lets, `inherit (e)`.
        ("let a = 1 + 1; in let b = a + 1; in let c = a + b; in c", "5"),
        ("let s = { p = 1; }; inherit (s) p; q = p + 1; in q", "2"),
        ("let g = n: let h = n * 2; in h + n; in map g [ 1 2 3 ]", "[ 3 6 9 ]"),
    ]

    @Test(arguments: cases)
    func bindingsBehaveAsThunks(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1, "\(c.0)")
    }

    /// Functions bound in a `let` or `rec` set that name nothing of it close over
    /// the enclosing scope (no environment ↔ closure cycle); the others over it.
    static let functionCases: [(String, String)] = [
        ("let x = 1; f = y: y + 1; in f x", "2"),
        ("let x = 1; in let x = 2; f = y: x + y; in f 0", "2"),
        ("let f = n: if n == 0 then 0 else f (n - 1); in f 5", "0"),
        ("(rec { a = 1; f = x: x + 1; g = x: a + x; r = [ (f 1) (g 1) ]; }).r", "[ 2 2 ]"),
        ("let a = 5; s = { inherit a; f = x: x; }; in s.f s.a", "5"),
        ("let x = 9; f = y: let z = y; in { inherit z; }; in (f 4).z", "4"),
        ("let v = 7; f = { y ? v }: y; in f { }", "7"),
        ("let s = { v = 3; }; f = x: with s; v + x; in f 1", "4"),
        // Functions deeper inside: in a set bound by a `let`, under several scopes.
        ("let s = { v = 1; g = x: x; }; in s.g 2", "2"),
        ("let self = { a = 1; f = x: self.a + x; }; in self.f 1", "2"),
        ("(p: let q = 1; in r: let s = 2; in t: p + t) 1 2 3", "4"),
        ("let z = 5; in with { a = 1; }; let f = x: a + x; in f 1", "2"),
    ]

    @Test(arguments: functionCases)
    func functionsInScopes(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1, "\(c.0)")
    }

    @Test func functionNamingNothingOfItsLetClosesOverTheEnclosingScope() throws {
        // The call's environment has one slot (y), the let's two (f, g).
        let outer = try TestProgram("(y: let f = x: x; g = 2; in f) 1").evaluate()
        guard case .lambda(let c) = outer else { Issue.record("not a function"); return }
        #expect(c.env.header.count == 1)
        let inner = try TestProgram("(y: let f = x: g; g = 2; in f) 1").evaluate()
        guard case .lambda(let d) = inner else { Issue.record("not a function"); return }
        #expect(d.env.header.count == 2)
        // Inside a set inside the `let`, and past two `let`s.
        let nested = try TestProgram("(y: let s = { g = x: y; }; t = 1; in s.g) 1").evaluate()
        guard case .lambda(let e) = nested else { Issue.record("not a function"); return }
        #expect(e.env.header.count == 1 && e.lambda.skip == 1)
        let twice = try TestProgram("(y: let a = 1; b = 2; in let c = 3; in x: y) 1").evaluate()
        guard case .lambda(let f) = twice else { Issue.record("not a function"); return }
        #expect(f.env.header.count == 1 && f.lambda.skip == 2)
    }

    /// A lazy use during the evaluation shares the binding's value: printed as the
    /// same set (`«repeated»`), as nix-instantiate prints it.
    @Test func lazyUseDuringEvaluationSharesTheValue() throws {
        let program = try TestProgram("let x = { self = x; }; in x")
        let value = try program.evaluate()
        #expect(ValuePrinter(program.evaluator).print(value) == "{ self = «repeated»; }")
    }
}
