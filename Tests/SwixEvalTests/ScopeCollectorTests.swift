import Testing
@testable import SwixEval
import SwixSyntax

/// `rec` sets whose environment only their own unforced thunks still refer to are
/// reclaimed when the set goes (`ScopeCollector`); anything that can still reach
/// the environment keeps it. Values were recorded with
/// `nix-instantiate --eval --strict -E` (Nix 2.8).
@Suite("rec scope collection")
struct ScopeCollectorTests {
    /// Thunks, sets, lists and closures of a `rec` set that outlive it, reached in
    /// every way a program can take them out of the set.
    static let escapes: [(String, String)] = [
        ("builtins.attrValues (rec { a = 1; b = a + 1; c = [ b ]; })", "[ 1 2 [ 2 ] ]"),
        ("(rec { a = 1; b = { c = a; }; }).b", "{ c = 1; }"),
        ("(rec { a = 1; f = x: a + x; }).f 2", "3"),
        ("let s = rec { a = 1; b = [ a (a + 1) ]; }; in builtins.elemAt s.b 1", "2"),
        ("map (s: s.y) (map (i: rec { x = i; y = x * 2; z = [ y ]; }) [ 1 2 3 ])", "[ 2 4 6 ]"),
        ("builtins.mapAttrs (n: v: v) (rec { a = 1; b = a + 1; })", "{ a = 1; b = 2; }"),
        ("let f = i: (rec { a = i; b = [ a (a + 1) ]; c = { d = b; }; }).c; in map (x: builtins.elemAt x.d 1) (map f [ 1 2 ])",
         "[ 2 3 ]"),
        ("(rec { a = 1; b = rec { c = a; d = c; e = [ d ]; }; }).b.e", "[ 1 ]"),
        ("let l = (rec { a = 1; l = [ (a + 1) (a + 2) ]; }).l; in builtins.elemAt l 1", "3"),
        ("let s = rec { a = 1; b = a + 1; } // { c = 3; }; in s.b + s.c", "5"),
        ("let s = builtins.removeAttrs (rec { a = 1; b = a + 1; c = b + 1; }) [ \"a\" ]; in s.c", "3"),
        ("(rec { a = 1; inherit (b) c; b = { c = a + 1; }; }).c", "2"),
        ("(rec { x = 1; \"${\"y\"}\" = x + 1; }).y", "2"),
        ("let fs = map (i: (rec { a = i; f = y: a + y; g = [ (f 1) ]; }).f) [ 1 2 ]; in map (f: f 10) fs", "[ 11 12 ]"),
    ]

    @Test(arguments: escapes)
    func whatEscapesTheSetStaysUsable(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1, "\(c.0)")
    }

    /// Many sets, each leaving one thunk unforced (a cycle with its environment),
    /// still compute the right sum.
    @Test func unforcedThunksOfManySetsAreHarmless() {
        let program = """
            let mk = i: rec { id = i; dirs = [ "${toString id}/bin" "${toString id}/lib" ]; n = builtins.stringLength (builtins.elemAt dirs 1); };
            in builtins.foldl' (acc: i: acc + (mk i).n) 0 (builtins.genList (i: i) 2000)
            """
        #expect(evaluationOutcome(program) == "14890")
    }

    /// The environment of a set that left a thunk unforced is freed with the set.
    @Test func aCycleIsBrokenWhenTheSetGoes() throws {
        let program = try TestProgram("rec { a = 1; b = [ (a + 1) (a + 2) ]; }")
        final class Probe { weak var scope: Env? }
        let probe = Probe()
        /// The set, after forcing one element of `b` and leaving the other pending
        /// (it refers to the set's environment, which the probe watches).
        func evaluatedSet() throws(EvalError) -> Value {
            let value = try program.evaluate()
            guard case .attrs(let set) = value,
                  case .list(let list) = try program.evaluator.force(set.get(program.evaluator.symbols.intern("b"))!, .none)
            else { return .null }
            _ = try program.evaluator.force(list.elements[1], .none)
            if case .thunk(let pending) = list.elements[0] { probe.scope = pending.env }
            return value
        }
        var value: Value? = try runWithLargeStack { Result { () throws(EvalError) -> Value in try evaluatedSet() } }.get()
        #expect(probe.scope != nil)
        #expect(value.map { if case .attrs = $0 { true } else { false } } == true)
        value = nil
        #expect(probe.scope == nil)
    }
}
