import Testing
@testable import SwixEval
import SwixSyntax

/// The core language (scopes, functions and formals, attribute sets, `with`, strings,
/// arithmetic, comparisons, errors). Expected results were recorded with
/// `nix-instantiate --eval --strict -E` (Nix 2.8); where swix follows current Nix or
/// diverges on purpose, the line says so.
@Suite("Core language")
struct LanguageTests {
    static let cases: [(String, String)] = [
        ("({ x ? y, y ? x }: y) { x = \"c\"; }", "\"c\""),
        ("({ x ? y, y ? x }: x) { y = \"d\"; }", "\"d\""),
        ("({ x ? y, y ? 2 }: x) { }", "2"),
        ("({ x ? y, y ? x }: x) { }", "error: infinite recursion encountered"),
        ("({ a, ... }@args: args.b) { a = 1; b = 2; }", "2"),
        ("(args@{ a ? 3 }: args) { }", "{ }"),
        ("let f = { a }: a; in f { a = 1; b = 2; }", "error: function 'f' called with unexpected argument 'b'"), // current Nix's wording
        ("let x = 1; y = x + 1; in [ x y ]", "[ 1 2 ]"),
        // «repeated»: a list is the same when held by the same cell (a variable's
        // thunk), a set when it is the same set (eval-okay-print; checked with Nix 2.8).
        ("let x = [ x ]; in x", "[ [ «repeated» ] ]"),
        ("let x = [ x x ]; in x", "[ [ «repeated» «repeated» ] «repeated» ]"),
        ("let x = [ x ]; in [ x x ]", "[ [ «repeated» ] «repeated» ]"),
        ("let l = [ 1 ]; in [ l l ]", "[ [ 1 ] «repeated» ]"),
        ("let l = [ 1 ]; in [ l (builtins.seq 1 l) ]", "[ [ 1 ] [ 1 ] ]"),
        ("with builtins; [ null toString (deepSeq \"x\") (a: a) (let x = [ x ]; in x) ]",
         "[ null <PRIMOP> <PRIMOP-APP> <LAMBDA> [ [ «repeated» ] ] ]"),
        ("let a = { b = a; }; in [ a a.b ]", "[ { b = «repeated»; } «repeated» ]"),
        ("rec { x = { y = x; }; }", "{ x = { y = «repeated»; }; }"),
        // Arguments computed without a thunk (`Node.argument`) give what the thunk would.
        ("(x: x) (9223372036854775807 + 1)", "9223372036854775808"), // big integers: swix's divergence
        ("(x: 1) (1 / 0)", "1"),
        ("let a = { b = throw \"no\"; }; in (x: 1) a.b", "1"),
        ("let n = 5; f = x: x; in [ (f (n - 1)) (f (n * 2)) (f (n < 6)) (f (n == 5)) (f (!(n == 5))) (f (if n == 5 then \"y\" else throw \"n\")) ]",
         "[ 4 10 true true false \"y\" ]"),
        // Integers to decimal bytes (`decimalBytes`), as nix-instantiate 2.8 prints them.
        ("map toString [ 0 7 10 (-1) (-10) 123456789 9223372036854775807 (-9223372036854775807 - 1) ]",
         "[ \"0\" \"7\" \"10\" \"-1\" \"-10\" \"123456789\" \"9223372036854775807\" \"-9223372036854775808\" ]"),
        ("builtins.toJSON [ 0 (-5) 42 (-9223372036854775807 - 1) ]", "\"[0,-5,42,-9223372036854775808]\""),
        // Curried calls without intermediate closures (`Evaluator.call2`).
        ("let f = a: b: a - b; in [ (f 5 3) (builtins.foldl' f 100 [ 1 2 3 ]) ((a: b: c: d: a * 1000 + b * 100 + c * 10 + d) 1 2 3 4) ]",
         "[ 2 94 1234 ]"),
        ("let f = a: { b }: a + b; in f 1 { b = 2; }", "3"),
        ("let f = a: b: throw \"x${toString a}\"; in f 1 2", "error: x1"),
        // Selection through nested sets (borrowed walk) and its errors, as current Nix.
        ("let s = { a = { b = 1; }; }; in s.a.c", "error: attribute 'c' missing"),
        ("let s = { a = { b = 1; }; }; in s.a.b.c", "error: expected a set but found an integer: 1"),
        ("let s = rec { a = { b = a.b; }; }; in s.a.b", "error: infinite recursion encountered"),
        ("let s = { a = throw \"x\"; }; in s.a.b", "error: x"),
        ("let s = { a = { b = 2; }; }; t = s // { c = 3; }; u = t // { a = { b = 4; }; }; in [ t.a.b t.c u.a.b u.c ]", "[ 2 3 4 3 ]"),
        ("let s = { a.b.c = 1; }; in [ s.a.b.c (s.a.x.y or 2) ]", "[ 1 2 ]"),
        ("let s = { a.b.c = 1; }; in s.a.b.c.d", "error: expected a set but found an integer: 1"),
        ("let s = { a.b = 3; }; f = x: x; in [ (f s.a.b) (f (s.a.c or 4)) (f (s ? a)) (f (s.a.b == null)) ]", "[ 3 4 true false ]"),
        ("let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 20", "6765"),
        ("rec { a = b + 1; b = 2; }.a", "3"),
        ("let a = { x = 1; }; in a.y or \"default\"", "\"default\""),
        ("{ a.b.c = 1; a.b.d = 2; }", "{ a = { b = { c = 1; d = 2; }; }; }"),
        ("{ a = 1; } // { b = 2; a = 3; }", "{ a = 3; b = 2; }"),
        ("with { x = 1; }; with { x = 2; y = 3; }; [ x y ]", "[ 2 3 ]"),
        ("let x = 5; in with { x = 1; }; x", "5"),
        ("({ x = { y = 1; }; }) ? x.y", "true"),
        ("let s = \"b\"; in { a = 1; ${s} = 2; \"c d\" = 3; }", "{ a = 1; b = 2; \"c d\" = 3; }"),
        ("let inherit ({ a = 1; b = 2; }) a b; in a + b", "3"),
        ("\"a${toString 1}b${\"c\"}\"", "\"a1bc\""),
        ("''\n  indented\n    more ''${x} '''\n''", "\"indented\\n  more \\${x} ''\\n\""),
        ("9223372036854775807 + 1", "9223372036854775808"), // swix promotes to a big integer; 2.8 wraps
        ("(-9223372036854775807 - 1) / -1", "9223372036854775808"), // swix promotes to a big integer
        ("3 * 1.5", "4.5"),
        ("7 / 2", "3"),
        ("7.0 / 2", "3.5"),
        ("-7 / 2", "-3"), // (truncates toward zero)
        ("1 < 2 && \"a\" < \"b\" && [ 1 2 ] < [ 1 3 ]", "true"),
        ("[ 1 2 ] ++ [ 3 ]", "[ 1 2 3 ]"),
        ("\"x\" + ./foo", "error: path '/foo' does not exist"), // current Nix's wording
        ("./foo + \"bar\"", "/foobar"),
        ("assert 1 == 1; \"ok\"", "\"ok\""),
        ("assert 1 == 2; \"no\"", "error: an integer with value '1' is not equal to an integer with value '2'"), // current Nix explains a failed `==` assertion
        ("let x = x; in x", "error: infinite recursion encountered"),
        ("throw \"boom\"", "error: boom"),
        ("abort \"bye\"", "error: evaluation aborted with the following error message: 'bye'"),
        ("{ a = 1; }.b", "error: attribute 'b' missing"),
        ("1 + \"a\"", "error: cannot add a string to an integer"),
        ("(x: x) 1 2", "error: attempt to call something which is not a function but an integer: 1"), // current Nix prints the value
        ("[ (1 == 1.0) ({ a = 1; } == { a = 1; }) ((x: x) == (x: x)) ]", "[ true true false ]"),
        ("let f = a: b: a - b; in f 10 3", "7"),
        ("builtins.tryEval (throw \"x\")", "{ success = false; value = false; }"),
        ("builtins.tryEval (assert false; 1)", "{ success = false; value = false; }"),
        ("let a = 1; in let a = 2; in a", "2"),
        ("1.0", "1"),
        ("0.1 + 0.2", "0.3"),
        ("1.0e20", "1e+20"),
        ("123456789.123", "1.23457e+08"),
        ("builtins.fetchGit \"https://example.com/x\"", "error: 'fetchGit' is not supported by swix: it would fetch from the network; add the source to the store or use a local path instead"), // swix: no network
        ("builtins ? getFlake", "true"),
        ("[ 1 2 ] |> builtins.length", "2"), // pipe operators (current Nix, experimental there)
    ]

    @Test(arguments: cases)
    func evaluates(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1)
    }

    /// Runaway recursion through curried calls (`Evaluator.call2`) and plain calls
    /// ends in the depth error, with a small `--max-call-depth`.
    @Test(arguments: ["let f = a: b: 1 + f a b; in f 1 2", "let f = a: 1 + f a; in f 1", "let f = { a }: 1 + f { inherit a; }; in f { a = 1; }"])
    func callDepthLimit(_ text: String) {
        let rendered = runWithLargeStack { () -> String in
            guard let program = try? TestProgram(text) else { return "parse error" }
            program.evaluator.maxCallDepth = 1000
            return (try? program.strictOutputOrDiagnostic()) ?? "error"
        }
        #expect(rendered.contains("error: stack overflow; max-call-depth exceeded"))
    }
}
