import Testing
@testable import SwixEval
import SwixSyntax

/// `let` scopes that only what their own bindings hold still refers to once the
/// body has its value (`let p = { a = 1; b = p.a + 1; }; in p.a`) are reclaimed
/// at the end of the `let` (`LetNode.eval`, through `ScopeCollector`); anything
/// that can still reach the scope keeps it. Values were recorded with
/// `nix-instantiate --eval --strict -E` (Nix 2.8).
@Suite("let scope collection")
struct LetScopeCollectionTests {
    /// Sets, thunks, lists and closures of `let` bindings that outlive the `let`,
    /// and `let`s left with cycles, reached in the ways a program can take them.
    static let programs: [(String, String)] = [
        ("let p = { a = 1; b = p.a + 1; }; in p.b", "2"),
        ("let p = { a = 1; b = p.a + 1; }; in p", "{ a = 1; b = 2; }"),
        ("let p = { a = 1; b = [ (p.a + 1) ]; }; in p.b", "[ 2 ]"),
        ("let f = x: g x + y; g = x: x * 2; y = 1; in map f [ 1 2 ]", "[ 3 5 ]"),
        ("(let f = x: g x; g = x: x * 2; in f) 4", "8"),
        ("let x = 1; p = { a = x; b = x + 1; c = [ (x + 2) ]; }; in [ p.c ]", "[ [ 3 ] ]"),
        ("map (i: let p = { a = i; b = p.a + 1; }; in p) [ 1 2 ]", "[ { a = 1; b = 2; } { a = 2; b = 3; } ]"),
        ("map (i: let p = { a = i; b = p.a + 1; }; in p.a) [ 1 2 ]", "[ 1 2 ]"),
        ("let a = let b = { c = a0 + 1; d = b.c; }; in b; a0 = 1; in a.d", "2"),
        ("let p = i: { q = i; r = p; }; in ((p 1).r 2).q", "2"),
        ("(let s = { a = 1; f = x: s.a + x; }; in s.f) 5", "6"),
        ("builtins.foldl' (acc: i: acc + (let p = { a = i; b = p.a * 2; c = [ (p.b + 1) ]; }; in p.b)) 0 (builtins.genList (i: i) 2000)",
         "3998000"),
        ("(let s = { a = 1; b = with s; a + 1; }; in s).b", "2"),
        ("let a = 1; s = { inherit a; b = s.a + 1; }; in s.b", "2"),
        ("let p = { a = 1; b = throw \"x\"; }; in p.a", "1"),
        ("let g = i: let s = { v = i; w = [ (s.v + 1) (s.v + 2) ]; h = y: s.v + y; }; in s; in map (s: [ (builtins.elemAt s.w 1) (s.h 10) ]) (map g [ 1 2 ])",
         "[ [ 3 11 ] [ 4 12 ] ]"),
        ("let mk = i: let self = { n = i; deps = if i == 0 then [ ] else [ (mk (i - 1)) ]; rank = 1 + builtins.foldl' (r: d: if d.rank > r then d.rank else r) 0 self.deps; }; in self; in (mk 30).rank",
         "31"),
        ("let x = { y = let z = { w = x.v + 1; }; in z; v = 2; }; in x.y.w", "3"),
    ]

    @Test(arguments: programs)
    func whatOutlivesTheLetStaysUsable(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1, "\(c.0)")
    }

    /// An environment whose slot holds a set whose pending thunk refers back to
    /// the environment (through a child scope, as a call inside the `let` makes
    /// it): a cycle, freed once only the collector's caller holds it.
    @Test func aCycleThroughAChildScopeIsBroken() {
        let node = ConstantNode(.int(1), pos: .none)
        final class Probe { weak var scope: Env? }
        let probe = Probe()
        /// The scope, its slot holding a set whose thunk is pending in a child
        /// scope (made in a function of its own: a debug build keeps locals alive
        /// to the end of theirs, and they would count as references from outside).
        func makeCycle(keeping kept: inout Thunk?) -> Env {
            let scope = Env.make(parent: nil, size: 1)
            let pending = Thunk(lowered: node, env: Env.make(parent: scope, size: 1))
            scope.slots[0] = .attrs(Attrs.sorted([Attr(name: Symbol(id: 1), value: .thunk(pending), pos: .none)]))
            if kept != nil { kept = pending }
            return scope
        }
        func collectScope(keepingThunk: Bool) -> Thunk? {
            var kept: Thunk? = keepingThunk ? Thunk(value: .null) : nil
            let scope = makeCycle(keeping: &kept)
            probe.scope = scope
            ScopeCollector.collect(UnsafeRawPointer(Unmanaged.passUnretained(scope).toOpaque()), setReferences: 1)
            return kept
        }
        // Nothing outside: the slot is emptied, and the scope goes with its caller.
        _ = collectScope(keepingThunk: false)
        #expect(probe.scope == nil)
        // The thunk is still held outside: the scope stays, with what it holds.
        let kept = collectScope(keepingThunk: true)
        #expect(probe.scope != nil)
        #expect(kept?.env?.parent === probe.scope)
        if case .attrs = probe.scope?.slots[0] {} else { Issue.record("the kept scope lost its slot") }
    }
}
