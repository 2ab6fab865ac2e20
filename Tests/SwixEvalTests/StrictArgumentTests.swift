import Testing
@testable import SwixEval
import SwixSyntax

/// A builtin given all its arguments gets the one it forces first evaluated at the
/// call site instead of as a thunk (`PrimOp.strictArgument`). Nothing of that may
/// show: values, the order of `trace` output, errors and their frames, `tryEval`
/// are as if the builtin had forced a thunk. Values and trace output were recorded
/// with `nix-instantiate --eval --strict -E` (Nix 2.8).
@Suite("Strict builtin arguments")
struct StrictArgumentTests {
    /// The printed value (or the rendered error) and the trace output.
    private func run(_ source: String) -> (result: String, output: String) {
        final class Capture { var text = "" }
        let captured = Capture()
        return runWithLargeStack {
            guard let program = try? TestProgram(source) else { return ("parse error", "") }
            program.evaluator.messageSink = { captured.text += $0 }
            return (program.strictOutputOrDiagnostic(), captured.text)
        }
    }

    static let values: [(String, String, String)] = [
        ("builtins.map (builtins.trace \"f\" (x: x)) (builtins.trace \"l\" [ 1 ])", "[ 1 ]", "trace: l\ntrace: f\n"),
        ("builtins.elemAt [ 1 2 ] (builtins.trace \"i\" 1)", "2", "trace: i\n"),
        ("let l = builtins.length; in l (builtins.trace \"arg\" [ 1 ])", "1", "trace: arg\n"),
        ("builtins.seq (builtins.trace \"first\" 1) (builtins.trace \"second\" 2)", "2", "trace: first\ntrace: second\n"),
        ("builtins.genList (x: x) (builtins.length [ 1 2 ])", "[ 0 1 ]", ""),
        ("builtins.stringLength (toString (builtins.bitAnd 6 3))", "1", ""),
        ("builtins.filter (x: x > 1) (builtins.map (x: x + 1) [ 0 1 2 ])", "[ 2 3 ]", ""),
        ("builtins.tryEval (builtins.length (throw \"x\"))", "{ success = false; value = false; }", ""),
        // A failed strict argument leaves nothing behind: the same call succeeds after.
        ("let f = x: builtins.length (if x then throw \"no\" else [ 1 ]); in [ (builtins.tryEval (f true)).success (f false) ]",
         "[ false 1 ]", ""),
        // The builtin reached through a set, through a partial application, and not
        // given all its arguments at once.
        ("[ (builtins.length (builtins.attrNames { a = 1; })) ((builtins.map (x: x)) (builtins.trace \"p\" [ 2 ])) ]",
         "[ 1 [ 2 ] ]", "trace: p\n"),
    ]

    @Test(arguments: values)
    func valuesAndTraceOrderAreUnchanged(_ c: (String, String, String)) {
        let r = run(c.0)
        #expect(r.result == c.1, "\(c.0)")
        #expect(r.output == c.2, "\(c.0)")
    }

    /// An error while evaluating the argument gets the builtin's frame after its
    /// own, as when the builtin forces a thunk.
    @Test func errorsKeepTheBuiltinsFrame() {
        let r = run("builtins.length (throw \"x\")")
        let lines = r.result.split(separator: "\n").map { String($0.drop(while: { $0 == " " })) }
        #expect(lines.first == "error:")
        #expect(lines.contains("… while calling the 'length' builtin"))
        #expect(lines.contains("… while calling the 'throw' builtin"))
        #expect(lines.last == "error: x")
        let builtinFrame = lines.firstIndex(of: "… while calling the 'length' builtin")
        let throwFrame = lines.firstIndex(of: "… while calling the 'throw' builtin")
        #expect(builtinFrame != nil && throwFrame != nil && builtinFrame! < throwFrame!)
    }

    /// A type error in the evaluated argument is the builtin's, with its context.
    @Test func typeErrorsAreTheBuiltins() {
        let r = run("builtins.length ({ a = 1; } // { })")
        #expect(r.result.contains("expected a list but found a set"))
        #expect(r.result.contains("while evaluating the first argument passed to builtins.length"))
    }

    /// The table names builtins that exist, with an index within their arity.
    @Test func strictArgumentsNameRealBuiltins() throws {
        let program = try TestProgram("1")
        for (name, index) in Builtins.strictArguments {
            guard case .primop(let p)? = program.evaluator.globals[program.evaluator.symbols.intern(name)] else {
                Issue.record("no builtin \(name)")
                continue
            }
            #expect(index < p.arity, "\(name)")
            #expect(p.strictArgument == index, "\(name)")
        }
    }
}
