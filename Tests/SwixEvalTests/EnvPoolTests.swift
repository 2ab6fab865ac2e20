import Testing
@testable import SwixEval
import SwixSyntax

/// Environments of returned calls are reused (`EnvPool`): only those nothing
/// captured. Closures, sets and thunks that outlive their call must keep their
/// own environment, whatever calls come after. Expected results were recorded
/// with `nix-instantiate --eval --strict -E` (Nix 2.8).
@Suite("Environment pool")
struct EnvPoolTests {
    static let cases: [(String, String)] = [
        // Closures made by a call, called after later calls reused environments.
        ("let fs = map (x: y: x + y) [ 1 2 3 ]; in map (f: f 10) fs", "[ 11 12 13 ]"),
        ("let mk = n: { get = _: n; }; a = mk 1; b = mk 2; c = mk 3; in [ (a.get null) (b.get null) (c.get null) ]",
         "[ 1 2 3 ]"),
        ("let f = n: let d = n * 2; in x: d + x; gs = builtins.genList f 5; in map (g: g 1) gs", "[ 1 3 5 7 9 ]"),
        ("map (f: f 100) (builtins.foldl' (acc: x: acc ++ [ (y: x + y) ]) [ ] [ 1 2 3 ])", "[ 101 102 103 ]"),
        // Functions with formals: defaults naming other formals, `@` patterns kept by a closure.
        ("let f = { a, b ? a + 1 }: [ a b ]; in [ (f { a = 1; }) (f { a = 5; b = 0; }) (f { a = 2; }) ]",
         "[ [ 1 2 ] [ 5 0 ] [ 2 3 ] ]"),
        ("let f = { a, b ? a * 10 }@args: x: args.a + b + x; g = f { a = 1; }; h = f { a = 2; }; in [ (g 1) (h 1) (g 2) ]",
         "[ 12 23 13 ]"),
        // Recursion: environments returned to the pool in bulk, then reused.
        ("let count = n: if n == 0 then 0 else 1 + count (n - 1); in [ (count 100) (count 1000) (count 10) ]",
         "[ 100 1000 10 ]"),
        // Lazy values that keep a call's or a `let`'s scope: sets, lists, `rec` cycles.
        ("let lazy = x: { v = x; }; ls = map lazy [ 1 2 3 ]; in map (s: s.v) ls", "[ 1 2 3 ]"),
        ("let f = x: let y = x + 1; z = y * 2; in [ y z ]; in map f [ 1 2 3 ]", "[ [ 2 4 ] [ 3 6 ] [ 4 8 ] ]"),
        ("let f = x: let self = { a = x; b = self.a + 1; }; in self; in map (s: s.b) (map f [ 1 2 ])", "[ 2 3 ]"),
        // Thunks of dead sets and scopes are reused (`ThunkPool`), more of them
        // than the pool keeps; unforced ones never run; live ones stay put.
        ("builtins.foldl' (a: b: a + b) 0 (map (i: (rec { a = i; b = a + 1; c = b * 2; }).c) (builtins.genList (x: x) 300))",
         "90300"),
        ("let f = i: let s = { a = i * 2; b = throw \"unused\"; }; in s.a; in map f [ 1 2 3 ]", "[ 2 4 6 ]"),
        ("let keep = builtins.genList (i: { v = i + 1; }) 3; drop = map (i: ({ w = i; }).w) [ 7 8 9 ]; in [ drop (map (s: s.v) keep) ]",
         "[ [ 7 8 9 ] [ 1 2 3 ] ]"),
        ("let f = n: { a = n; b = x: n + x; }; gs = map (i: (f i).b) [ 1 2 3 ]; in map (g: g 10) gs", "[ 11 12 13 ]"),
        // A call that failed leaves its environment to the usual release.
        ("let t = builtins.tryEval (let f = x: throw \"no\"; in f 1); g = x: x * 3; in [ t.success (g 2) (g 4) ]",
         "[ false 6 12 ]"),
    ]

    @Test(arguments: cases)
    func capturedEnvironmentsSurviveReuse(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1, "\(c.0)")
    }

    /// The pool is used at all: a call's environment comes back for the next call
    /// (the same object), and one captured by a closure does not.
    @Test func returnedEnvironmentsAreReused() throws {
        let program = try TestProgram("1")
        let ev = program.evaluator
        let parent = Env.make(parent: nil, size: 0)
        let first = Env.make(parent: parent, argument: .int(1), from: ev.envPool)
        let firstAddress = ObjectIdentifier(first)
        ev.envPool.recycle(consume first)
        let captured = Env.make(parent: parent, argument: .int(2), from: ev.envPool)
        #expect(ObjectIdentifier(captured) == firstAddress)
        #expect(captured.slots.pointee.isInt(2))
        let keeper = [captured]   // a second reference: not returned to the pool
        ev.envPool.recycle(consume captured)
        let third = Env.make(parent: parent, argument: .int(3), from: ev.envPool)
        #expect(ObjectIdentifier(third) != ObjectIdentifier(keeper[0]))
        #expect(keeper[0].slots.pointee.isInt(2))
    }

    /// A pending thunk that dies with the only environment holding it is the
    /// next thunk made (on this thread); one still referenced elsewhere is not.
    @Test func deadThunksAreReused() throws {
        let program = try TestProgram("1")
        _ = program.evaluator
        let node = ConstantNode(.int(5))
        let scope = Env.make(parent: nil, size: 0)
        // Earlier tests on this thread may have filled the pool: empty it first.
        var taken: [Thunk] = []
        while ThunkPool.pooledCount > 0 { taken.append(ThunkPool.make(lowered: node, env: scope)) }
        defer { withExtendedLifetime(taken) {} }
        var holder: Env? = Env.make(parent: nil, size: 1)
        holder!.slots.pointee = .thunk(ThunkPool.make(lowered: node, env: scope))
        let address = thunkIdentity(holder!.slots)
        holder = nil
        let reused = ThunkPool.make(lowered: node, env: scope)
        #expect(ObjectIdentifier(reused) == address)
        #expect(reused.state == .pending)

        var other: Env? = Env.make(parent: nil, size: 1)
        other!.slots.pointee = .thunk(reused)
        other = nil   // `reused` is still referenced here: not pooled
        #expect(ObjectIdentifier(ThunkPool.make(lowered: node, env: scope)) != address)
        #expect(reused.state == .pending)
    }

    private func thunkIdentity(_ slot: UnsafeMutablePointer<Value>) -> ObjectIdentifier? {
        if case .thunk(let t) = slot.pointee { return ObjectIdentifier(t) }
        return nil
    }
}

private extension Value {
    func isInt(_ n: Int64) -> Bool {
        if case .int(let v) = self { return v == n }
        return false
    }
}
