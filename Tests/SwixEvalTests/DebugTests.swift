import Testing
@testable import SwixEval
import SwixSyntax
#if canImport(Glibc)
import Glibc
#endif

/// The outcome of evaluating one expression: the printed value (after `forceDeep`)
/// or the rendered error, and what the debugging builtins wrote.
private struct Outcome {
    var value: String?
    var error: String?
    var output: String
}

/// Parses and evaluates `source` like `nix-instantiate --eval --strict -E`,
/// capturing the output of trace/warn (the evaluator's message settings).
private func run(_ source: String, traceVerbose: Bool = false, abortOnWarn: Bool = false) -> Outcome {
    final class Capture { var text = "" }
    let captured = Capture()
    let program: TestProgram
    do {
        program = try TestProgram(source, baseDirectory: "/tmp")
    } catch {
        return Outcome(value: nil, error: "parse error: \(error)", output: "")
    }
    program.evaluator.messageSink = { captured.text += $0 }
    program.evaluator.traceVerbose = traceVerbose
    program.evaluator.abortOnWarn = abortOnWarn
    do {
        let printed = try program.strictOutput()
        return Outcome(value: printed, error: nil, output: captured.text)
    } catch {
        return Outcome(value: nil, error: DiagnosticRenderer.render(error.diagnostic, positions: program.positions),
                       output: captured.text)
    }
}

private func eval(_ source: String) -> String {
    let o = run(source)
    return o.value ?? o.error ?? ""
}

@Suite("Debug builtins", .serialized)
struct DebugTests {
    // MARK: trace / traceVerbose

    @Test func traceString() {
        let o = run(#"builtins.trace "Hello" 123"#)
        #expect(o.value == "123")
        #expect(o.output == "trace: Hello\n")
    }

    @Test func traceValueDoesNotForceInside() {
        // eval-okay-print
        let o = run("with builtins; trace [ (1 + 1) ] [ null toString (deepSeq \"x\") (a: a) ]")
        #expect(o.output == "trace: [ «thunk» ]\n")
        #expect(o.value == "[ null <PRIMOP> <PRIMOP-APP> <LAMBDA> ]")
    }

    @Test func tracePotentialInfiniteRecursion() {
        let o = run("let x = builtins.trace { x = x; } true; in x")
        #expect(o.value == "true")
        #expect(o.output == "trace: { x = «potential infinite recursion»; }\n")
    }

    @Test func traceRepeated() {
        let o = run("let x = { repeating = x; tracing = builtins.trace x true; }; in x.tracing")
        #expect(o.output == "trace: { repeating = «repeated»; tracing = «potential infinite recursion»; }\n")
    }

    /// A list is repeated when met again in the same cell: the variable passed to
    /// `trace` is that cell, an expression evaluating to the list is another.
    @Test func traceRepeatedListsByCell() {
        #expect(run("let x = [ x ]; in builtins.trace x 1").output == "trace: [ «repeated» ]\n")
        #expect(run("let x = [ x x ]; in builtins.trace x 1").output == "trace: [ «repeated» «repeated» ]\n")
        #expect(run("builtins.trace (let x = [ x ]; in x) 1").output == "trace: [ [ «repeated» ] ]\n")
    }

    @Test func traceEvaluatedValues() {
        let o = run(#"let l = [ 1 2.5 null true "a\${" ]; in builtins.seq (builtins.length l) (builtins.trace { b = l; a = l; "c d" = "s"; } 0)"#)
        #expect(o.output == #"trace: { a = [ 1 2.5 null true "a\${" ]; b = «repeated»; "c d" = "s"; }"# + "\n")
    }

    @Test func traceFunctions() {
        let o = run("let f = x: x; in builtins.trace [ builtins.typeOf (builtins.add f) ] 0")
        #expect(o.output == "trace: [ «thunk» «thunk» ]\n")
        let p = run("let f = x: x; in builtins.trace f (builtins.trace builtins.typeOf (builtins.trace (builtins.add 1) 0))")
        #expect(p.output == "trace: «lambda f @ «string»:1:9»\ntrace: «primop typeOf»\ntrace: «partially applied primop add»\n")
        #expect(run("builtins.trace (x: x) 0").output == "trace: «lambda @ «string»:1:17»\n")
    }

    @Test func traceErrorInFirstArgument() {
        #expect(eval(#"builtins.trace (throw "boom") 1"#) == """
        error:
               … while calling the 'trace' builtin
                 at «string»:1:1:
                    1| builtins.trace (throw "boom") 1
                     | ^

               … while calling the 'throw' builtin
                 at «string»:1:17:
                    1| builtins.trace (throw "boom") 1
                     |                 ^

               error: boom
        """)
    }

    @Test func traceVerbose() {
        let off = run(#"builtins.traceVerbose "Hello" 123"#)
        #expect(off.value == "123")
        #expect(off.output == "")
        let on = run(#"builtins.traceVerbose "Hello" 123"#, traceVerbose: true)
        #expect(on.value == "123")
        #expect(on.output == "trace: Hello\n")
    }

    // MARK: warn

    @Test func warn() {
        let o = run(#"builtins.warn "Hello" 123"#)
        #expect(o.value == "123")
        #expect(o.output == "evaluation warning: Hello\n")
    }

    @Test func warnIndentation() {
        // eval-okay-warn-indentation, eval-okay-warn-indentation2
        #expect(run(#"builtins.warn "foo\nbar" null"#).output == "evaluation warning: foo\n                    bar\n")
        #expect(run(#"builtins.warn "\nfoo\nbar" null"#).output == "evaluation warning:\nfoo\nbar\n")
        #expect(run(#"builtins.warn "a  \n\nb\n\n" null"#).output == "evaluation warning: a\n\n                    b\n")
    }

    @Test func warnNonString() {
        let o = run("let x = builtins.warn { x = x; } true; in x")
        #expect(o.output == "")
        #expect(o.error == """
        error:
               … while calling the 'warn' builtin
                 at «string»:1:9:
                    1| let x = builtins.warn { x = x; } true; in x
                     |         ^

               … while evaluating the first argument; the message passed to builtins.warn

               error: expected a string but found a set: { x = «potential infinite recursion»; }
        """)
    }

    @Test func abortOnWarn() {
        let o = run(#"builtins.addErrorContext "while doing ${"something"} interesting" (builtins.warn "Hello" 123)"#,
                    abortOnWarn: true)
        #expect(o.output == "evaluation warning: Hello\n")
        let e = o.error ?? ""
        #expect(e.contains("       … while doing something interesting\n"))
        #expect(e.contains("""
               … while calling the 'warn' builtin
                 at «string»:1:68:
                    1| builtins.addErrorContext "while doing ${"something"} interesting" (builtins.warn "Hello" 123)
                     |                                                                    ^

               error: aborting to reveal stack trace of warning, as abort-on-warn is set
        """))
        #expect(e.hasSuffix("error: aborting to reveal stack trace of warning, as abort-on-warn is set"))
        // Not something tryEval catches.
        #expect(run(#"builtins.tryEval (builtins.warn "w" 1)"#, abortOnWarn: true).value == nil)
    }

    // MARK: addErrorContext

    @Test func addErrorContextWithoutError() {
        #expect(eval(#"builtins.addErrorContext "ctx" { a = 1; }"#) == "{ a = 1; }")
        #expect(eval(#"builtins.addErrorContext 1 2"#) == "2")
    }

    @Test func addErrorContextAddsFrame() {
        // The context is the outermost frame (CppNix adds no "while calling the
        // 'addErrorContext' builtin" frame: its `addTrace = false`).
        let e = eval(#"builtins.addErrorContext "Hello %" (throw "Foo")"#)
        #expect(e.contains("       … Hello %\n"))
        #expect(e.hasSuffix("""
               … while calling the 'throw' builtin
                 at «string»:1:37:
                    1| builtins.addErrorContext "Hello %" (throw "Foo")
                     |                                     ^

               error: Foo
        """))
        // Nested contexts, outermost first.
        let n = eval(#"builtins.addErrorContext "outer" (builtins.addErrorContext "inner" (throw "Foo"))"#)
        let frames = n.split(separator: "\n").filter { $0.contains("… outer") || $0.contains("… inner") }
        #expect(frames.map { $0.trimmingPrefix(while: { $0 == " " }) } == ["… outer", "… inner"])
    }

    @Test func addErrorContextOnlyForTheValueItself() {
        // Attributes of the value are evaluated later, outside the context.
        #expect(eval(#"builtins.addErrorContext "ctx" { a = throw "x"; }"#).contains("… ctx") == false)
    }

    @Test func addErrorContextKeepsTheErrorKind() {
        #expect(eval(#"builtins.tryEval (builtins.addErrorContext "c" (throw "x"))"#) == "{ success = false; value = false; }")
    }

    // MARK: tryEval

    @Test func tryEval() {
        // eval-okay-tryeval
        #expect(eval(#"{ x = builtins.tryEval "x"; y = builtins.tryEval (assert false; "y"); z = builtins.tryEval (throw "bla"); }"#)
                == #"{ x = { success = true; value = "x"; }; y = { success = false; value = false; }; z = { success = false; value = false; }; }"#)
        #expect(eval("builtins.tryEval 1") == "{ success = true; value = 1; }")
        #expect(eval(#"(builtins.tryEval { a = throw "x"; }).success"#) == "true")
        #expect(eval(#"builtins.tryEval (builtins.tryEval (throw "x"))"#)
                == "{ success = true; value = { success = false; value = false; }; }")
    }

    @Test func tryEvalDoesNotCatchAbortOrTypeErrors() {
        #expect(eval(#"builtins.tryEval (abort "no")"#) == """
        error:
               … while calling the 'tryEval' builtin
                 at «string»:1:1:
                    1| builtins.tryEval (abort "no")
                     | ^

               … while calling the 'abort' builtin
                 at «string»:1:19:
                    1| builtins.tryEval (abort "no")
                     |                   ^

               error: evaluation aborted with the following error message: 'no'
        """)
        #expect(run(#"builtins.tryEval (1 + "a")"#).value == nil)
        #expect(run("builtins.tryEval (let x = x; in x)").value == nil)
    }

    // MARK: break, throw, abort

    @Test func breakReturnsItsArgument() {
        #expect(eval("builtins.break (1 + 2)") == "3")
    }

    @Test func throwMessage() {
        // eval-fail-not-throws (the frame of `throw`)
        #expect(eval(#"let m = "uh"; in throw "${m} oh!""#) == """
        error:
               … while calling the 'throw' builtin
                 at «string»:1:18:
                    1| let m = "uh"; in throw "${m} oh!"
                     |                  ^

               error: uh oh!
        """)
    }

    @Test func throwNeedsAString() {
        #expect(eval("throw 1").hasSuffix("error: cannot coerce an integer to a string: 1"))
        #expect(eval("abort true").hasSuffix("error: cannot coerce a Boolean to a string: true"))
    }

    @Test func abortMessage() {
        // eval-fail-abort
        #expect(eval(#"if true then abort "this should fail" else 1"#) == """
        error:
               … while calling the 'abort' builtin
                 at «string»:1:14:
                    1| if true then abort "this should fail" else 1
                     |              ^

               error: evaluation aborted with the following error message: 'this should fail'
        """)
    }

    // MARK: getEnv and constants

    @Test func getEnv() {
        setenv("SWIX_DEBUG_TEST_VAR", "hello", 1)
        #expect(eval(#"builtins.getEnv "SWIX_DEBUG_TEST_VAR""#) == #""hello""#)
        #expect(eval(#"builtins.getEnv "SWIX_NO_SUCH_VARIABLE_X""#) == #""""#)
    }

    @Test func getEnvNeedsAString() {
        // eval-fail-getEnv-1
        #expect(eval("builtins.getEnv [ ]") == """
        error:
               … while calling the 'getEnv' builtin
                 at «string»:1:1:
                    1| builtins.getEnv [ ]
                     | ^

               … while evaluating the first argument passed to builtins.getEnv

               error: expected a string but found a list: [ ]
        """)
    }

    @Test func constants() {
        #expect(eval("builtins.langVersion") == "6")
        #expect(eval("builtins.nixVersion") == #""2.36.0""#)
        #expect(eval("builtins.typeOf builtins.currentTime") == #""int""#)
        #expect(eval("builtins.currentTime > 1600000000") == "true")
        #expect(eval("builtins.currentSystem") == "\"\(DebugSettings.currentSystem)\"")
        #expect(eval("builtins ? currentSystem && !(builtins ? __currentSystem)") == "true")
        let store = getenv("NIX_STORE_DIR").map { String(cString: $0) } ?? "/nix/store"
        #expect(eval("builtins.storeDir") == "\"\(store)\"")
    }

    // MARK: bitAnd, bitOr, bitXor

    @Test func bitwise() {
        #expect(eval("[ (builtins.bitAnd 12 10) (builtins.bitOr 12 10) (builtins.bitXor 12 10) (builtins.bitAnd (-1) 255) (builtins.bitOr (-8) 3) (builtins.bitXor (-1) 0) ]")
                == "[ 8 14 6 255 -5 -1 ]")
        // Beyond 64 bits (swix keeps exact integers).
        #expect(eval("builtins.bitOr (9223372036854775807 * 4) 1") == "36893488147419103229")
        #expect(eval("builtins.bitAnd (9223372036854775807 * 4) 255") == "252")
        // Arguments that are forced thunks (list elements, variables) or not yet
        // evaluated take the 64-bit shortcut or the general path alike (Nix 2.8).
        #expect(eval("let f = x: builtins.bitAnd x 6; in map f [ 3 (1 + 4) 7 ]") == "[ 2 4 6 ]")
        #expect(eval("let xs = builtins.genList (i: i * 3) 5; in map (x: [ (builtins.bitOr x 1) (builtins.bitXor 5 x) ]) xs")
                == "[ [ 1 5 ] [ 3 6 ] [ 7 3 ] [ 9 12 ] [ 13 9 ] ]")
    }

    @Test func bitwiseNeedsIntegers() {
        // eval-fail-bitAnd-1, eval-fail-bitXor-2
        #expect(eval("builtins.bitAnd 1.1 2") == """
        error:
               … while calling the 'bitAnd' builtin
                 at «string»:1:1:
                    1| builtins.bitAnd 1.1 2
                     | ^

               … while evaluating the first argument passed to builtins.bitAnd

               error: expected an integer but found a float: 1.1
        """)
        #expect(eval("builtins.bitXor 1 2.2").contains("… while evaluating the second argument passed to builtins.bitXor"))
    }

    // MARK: floor, ceil

    @Test func floorCeil() {
        #expect(eval("[ (builtins.floor 23.5) (builtins.ceil 23.5) (builtins.floor (-23.5)) (builtins.ceil (-23.5)) (builtins.floor 23) (builtins.ceil (-7)) (builtins.floor 0.0) (builtins.ceil (-0.5)) ]")
                == "[ 23 24 -24 -23 23 -7 0 0 ]")
        // Integers come back exactly; huge floats become big integers.
        #expect(eval("builtins.floor 9223372036854775807") == "9223372036854775807")
        #expect(eval("builtins.ceil 1.0e30") == "1000000000000000019884624838656")
        #expect(eval("builtins.floor (-1.0e19)") == "-10000000000000000000")
    }

    @Test func floorCeilErrors() {
        // eval-fail-floor-1
        #expect(eval(#"builtins.floor "foo""#) == """
        error:
               … while calling the 'floor' builtin
                 at «string»:1:1:
                    1| builtins.floor "foo"
                     | ^

               … while evaluating the first argument passed to builtins.floor

               error: expected a float but found a string: "foo"
        """)
        #expect(eval("builtins.ceil (1.0e308 * 10)").hasSuffix("error: NixFloat argument inf is not in the range of NixInt"))
        #expect(eval("builtins.floor (-1.0e308 * 10)").hasSuffix("error: NixFloat argument -inf is not in the range of NixInt"))
    }
}
