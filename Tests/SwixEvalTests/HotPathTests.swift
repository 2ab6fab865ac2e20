import Testing
@testable import SwixEval
import SwixSyntax

/// The evaluator's in-place fast paths (integer operands read from slots, closures
/// called borrowed from a slot, selections borrowing the sets they walk) against the
/// general paths they short-cut: the same values and the same errors, whether the
/// variable holds a value, an unforced thunk or a forced one. Expected results were
/// recorded with `nix-instantiate --eval --strict -E` (Nix 2.8), except the big
/// integers (swix promotes on overflow on purpose).
@Suite("Hot paths")
struct HotPathTests {
    static let cases: [(String, String)] = [
        // Integer operands: literal, variable holding a value, unforced thunk, forced thunk.
        ("let a = 1 + 2; b = a * 3; in [ (b - a) (a < b) (b / a) (a == 3) (a != 3) ]", "[ 6 true 3 true false ]"),
        ("let a = 4; b = a; in builtins.seq b [ (a + b) (b - 1) (b * b) (10 / b) ]", "[ 8 3 16 2 ]"),
        ("let n = 9223372036854775807; in [ (n + n) (n * 2) (0 - n - n) ]",
         "[ 18446744073709551614 18446744073709551614 -18446744073709551614 ]"),
        ("let n = 5; z = 0; in n / z", "error: division by zero"),
        ("let a = \"x\"; b = 1; in a + b", "error: cannot coerce an integer to a string: 1"),
        ("let a = 1.5; b = 2; in [ (a + b) (b - a) (a < b) (b == 2.0) ]", "[ 3.5 0.5 true true ]"),
        ("let a = throw \"left\"; in a + 1", "error: left"),
        ("let a = 1; b = throw \"right\"; in a - b", "error: right"),
        // Closures called from a slot: a value, a forced thunk, an unforced thunk, curried.
        ("let f = x: x + 1; g = f; in [ (g (g 1)) (f 0) ]", "[ 3 1 ]"),
        ("let f = a: b: a - b; g = f 10; in [ (f 10 3) (g 4) ]", "[ 7 6 ]"),
        ("let f = { a, b ? 2 }: a * b; in [ (f { a = 3; }) (f { a = 3; b = 5; }) ]", "[ 6 15 ]"),
        ("let f = 1; in f 2", "error: attempt to call something which is not a function but an integer: 1"),
        ("let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 15", "610"),
        // Selections on variables: static, computed, with `or`, through thunks.
        ("let s = { a.b = 1; }; in builtins.seq s [ s.a.b (s.a.c or 2) (s.x.y or 3) ]", "[ 1 2 3 ]"),
        ("let s = { a = { b = 2; }; }; n = \"b\"; in [ s.a.${n} (s.a.${n + \"x\"} or 4) ]", "[ 2 4 ]"),
        ("let s = { a = 1; }; in builtins.seq s s.a.b", "error: expected a set but found an integer: 1"),
        ("let s = { a = 1; }; in builtins.seq s (s.a.b or 5)", "5"),
        ("let s = { a = { }; }; in builtins.seq s s.a.q", "error: attribute 'q' missing"),
        // Builtins called directly: a global one, one in a variable, forced or not,
        // given all their arguments or fewer.
        ("let inherit (builtins) elemAt length; in [ (elemAt [ 1 2 3 ] 1) (length [ 1 2 ]) (toString 5) ]", "[ 2 2 \"5\" ]"),
        ("let e = builtins.elemAt; f = e [ 7 8 ]; in builtins.seq e [ (e [ 4 5 ] 0) (f 1) (map (e [ 1 2 ]) [ 1 0 ]) ]", "[ 4 8 [ 2 1 ] ]"),
        // `builtins.NAME` is the builtin itself from lowering on; a default, a
        // shadowing binding or a missing name keep the selection.
        ("[ (builtins.elemAt [ 1 2 ] 1) (builtins.nonexistent or 5) ((builtins.foo or builtins.head) [ 3 ]) (builtins.builtins.head [ 6 ]) ]",
         "[ 2 5 3 6 ]"),
        ("[ (let builtins = { head = x: 7; }; in builtins.head [ 1 ]) (with { builtins = 1; }; builtins.head [ 4 ]) ]", "[ 7 4 ]"),
        ("builtins.nonexistent", "error: attribute 'nonexistent' missing"),
        // (Current Nix's message, which the conformance corpus expects; 2.8 said
        // "list index 5 is out of bounds".)
        ("let inherit (builtins) elemAt; in elemAt [ 1 2 3 ] 5", "error: 'builtins.elemAt' called with index 5 on a list of size 3"),
        ("map (x: x) 1", "error: expected a list but found an integer: 1"),
        // Equality reads elements in place: functions equal only as the same object
        // in a container, directly or through a forced thunk.
        ("let f = x: x; in [ ([ f ] == [ f ]) ({ a = f; } == { a = f; }) ([ (x: x) ] == [ (x: x) ]) (f == f) ]",
         "[ true true false false ]"),
        ("let f = x: x; l = [ f ]; s = { a = 1; }; in [ (l == l) ([ l ] == [ l ]) ([ s ] == [ s ]) ({ x = s; } == { x = s; }) ]",
         "[ true true true true ]"),
        ("let f = x: x; a = { inherit f; }; b = { f = a.f; }; t = map (x: x) [ (y: y) ]; in [ (a == b) (t == t) ]",
         "[ false true ]"),
        ("[ ([ builtins.map ] == [ builtins.map ]) ([ (builtins.map (x: x)) ] == [ (builtins.map (x: x)) ]) ]", "[ false false ]"),
        // `with` variables in lazy positions: once the scopes' sets are evaluated, the
        // attribute's own value is passed on (CppNix's `maybeThunk`), innermost scope
        // first, never over a lexical binding; errors stay where they were.
        ("with { x = 1; }; with { x = 2; y = 3; }; builtins.seq y [ x ((z: z) x) ]", "[ 2 2 ]"),
        ("let s = { a = 1; }; in with s; (x: 2) a", "2"),
        ("with { a = throw \"boom\"; b = 1; }; builtins.seq b ((x: x) a)", "error: boom"),
        ("let s = { a = 2; }; in builtins.seq s (with s; [ a (a + 1) ((f: f a) (v: v * 10)) ])", "[ 2 3 20 ]"),
        ("with { a = 1; }; with { b = 2; }; builtins.seq b (builtins.seq a (map (f: f a) [ (v: v + b) ]))", "[ 3 ]"),
        ("let x = 5; in with { x = 1; y = 2; }; builtins.seq y [ x y ]", "[ 5 2 ]"),
        // `toString` of a known integer inside an interpolation writes its digits
        // directly; anything else goes through the builtin.
        ("let i = 42; n = -7; in [ \"p${toString i}\" \"${toString n}x\" \"a${toString (i * 2)}b${toString 0}\" \"${toString i}\" (\"x\" + toString i) \"${toString \"s\"}\" ]",
         "[ \"p42\" \"-7x\" \"a84b0\" \"42\" \"x42\" \"s\" ]"),
        ("let m = -9223372036854775807 - 1; in \"${toString m}|${toString 9223372036854775807}\"",
         "\"-9223372036854775808|9223372036854775807\""),
        ("let i = 3; s = { a = 1; }; in \"${toString i}${toString s}\"", "error: cannot coerce a set to a string: { a = 1; }"),
        // Integers computed by the call's argument (a builtin, arithmetic on a thunk)
        // and other values alike (floats as current Nix prints them: 2.8 wrote 1.500000).
        (#"let x = 4; f = y: "v${toString (y * 2)}.${toString 1.5}.${toString [ 1 2 ]}.${toString null}.${toString true}.${toString (builtins.bitAnd y 3)}"; in map f [ 1 x 7 ]"#,
         #"[ "v2.1.5.1 2..1.1" "v8.1.5.1 2..1.0" "v14.1.5.1 2..1.3" ]"#),
        (#"let xs = builtins.genList (i: i + 1) 3; in map (i: "${toString i}-${toString (i * 100000000000)}") xs"#,
         #"[ "1-100000000000" "2-200000000000" "3-300000000000" ]"#),
        (#"let f = y: "v${toString (throw "boom")}"; in f 1"#, "error: boom"),
        // A variable's unforced thunk as the argument: forced as the builtin forces
        // it, then an integer's digits, anything else through the builtin.
        (#"let f = y: "v${toString y}"; in map f [ 1 (1 + 1) "s" null true [ 1 2 ] { __toString = s: "T"; } ]"#,
         #"[ "v1" "v2" "vs" "v" "v1" "v1 2" "vT" ]"#),
        (#"let f = y: "v${toString y}${toString y}"; xs = builtins.genList (i: i * 3) 3; in map f xs"#,
         #"[ "v00" "v33" "v66" ]"#),
        (#"let f = y: "v${toString y}"; in f (throw "boom")"#, "error: boom"),
        (#"let f = y: "v${toString y}"; in f { }"#, "error: cannot coerce a set to a string: { }"),
        // Curried functions given three arguments or more: one environment per
        // argument down the chain of plain lambdas, the rest applied to the result.
        ("let f = a: b: c: d: a * 1000 + b * 100 + c * 10 + d; in [ (f 1 2 3 4) ((f 1 2) 3 4) ((f 1) 2 3 4) (f 1 2 3 4) ]",
         "[ 1234 1234 1234 1234 ]"),
        ("let g = a: b: c: (x: x * a + b + c); in [ (g 1 2 3 4) (g 2 0 0 5) ]", "[ 9 10 ]"),
        ("let f = a: { b }: c: a + b + c; in f 1 { b = 2; } 3", "6"),
        ("let f = a: b: c: builtins.add; in f 1 2 3 4 5", "9"),
        (#"let f = a: b: c: throw "x${toString c}"; in f 1 2 3"#, "error: x3"),
        ("let f = a: b: c: d: (e: a + b + c + d + e); in map (f 1 2 3 4) [ 10 20 ]", "[ 20 30 ]"),
        (#"let f = a: b: c: c; in f (throw "a") (throw "b") 3"#, "3"),
        ("let go = n: acc: k: if n == 0 then acc else go (n - 1) (acc + k) k; in go 1000 0 2", "2000"),
        // `<` on strings reads variables' strings and string constants in place;
        // anything else (a thunk not yet forced, another type) the usual way.
        (#"let c = "5"; in [ (c < "0") ("9" < c) (c >= "0") (c <= "9") ("a" < "b") ("b" < "a") ("" < "a") ("a" < "") ]"#,
         "[ false false true true true false true false ]"),
        (#"map (c: c >= "0" && c <= "9") [ "1" "x" "" "99" ]"#, "[ true false false false ]"),
        (#"let f = c: d: [ (c < d) (d < c) ]; in f "abc" "abd""#, "[ true false ]"),
        (#"let s = "a"; t = s + "b"; in [ (s < t) (t < s) ]"#, "[ true false ]"),
        (#"let c = throw "t"; in c < "x""#, "error: t"),
        (#"let c = "x"; in c < 1"#, #"error: cannot compare a string with an integer; values are "x" and 1"#),
        // List builtins read the elements in place: unforced, forced, failing.
        ("let l = map (x: x * 2) [ 1 2 3 ]; in [ (builtins.elemAt l 1) (builtins.head l) (builtins.elem 4 l) (builtins.elem 5 l) (builtins.any (x: x > 5) l) (builtins.all (x: x > 1) l) (builtins.filter (x: x != 4) l) ]",
         "[ 4 2 true false true true [ 2 6 ] ]"),
        (#"builtins.elemAt [ 1 (throw "e") ] 1"#, "error: e"),
        (#"builtins.head [ (throw "h") ]"#, "error: h"),
        (#"builtins.any (x: x) [ false (throw "a") ]"#, "error: a"),
        (#"builtins.elem (throw "n") [ 1 ]"#, "error: n"),
        ("builtins.elem 1 [ ]", "false"),
        // `==` compares forced operands as they are and forces thunks first, at any
        // depth of lists and sets.
        (#"let a = { x = [ 1 { y = "s"; } ]; }; b = { x = [ 1 { y = "s"; } ]; }; in [ (a == b) (a.x == b.x) ((builtins.head a.x) == 1) (a == { x = [ 1 { y = "t"; } ]; }) ]"#,
         "[ true true true false ]"),
        ("let a = 1 + 1; in [ (a == 2) (2 == a) (a == a) (a != 3) ]", "[ true true true true ]"),
        ("let l = map (x: x * 2) [ 1 2 ]; in [ (l == [ 2 4 ]) ([ 2 4 ] == l) (l == [ 2 5 ]) (l == l) ]", "[ true true false true ]"),
        ("let f = x: x; in [ (f == f) ({ inherit f; } == { inherit f; }) ]", "[ false true ]"),
        (#"let s = builtins.fromJSON (builtins.toJSON { a = [ 1 2.5 "x" null true { b = -3; } ]; }); in s == { a = [ 1 2.5 "x" null true { b = -3; } ]; }"#,
         "true"),
        // `?` on a variable's set, borrowed in place: forced or not, nested, computed
        // names, a non-set on the way, a last attribute that is never forced.
        ("let s = { a.b.c = 1; }; in builtins.seq s [ (s ? a.b.c) (s ? a.b.d) (s ? a.x.c) (s ? z) ]",
         "[ true false false false ]"),
        ("let s = { a = { b = 1; }; }; in [ (s ? a.b) (s ? a.c) ]", "[ true false ]"),
        ("let s = { a = { b = 1; }; }; in builtins.seq s.a (s ? a.b)", "true"),
        ("let s = { a = 1; }; in s ? a.b", "false"),
        ("let s = 1; in s ? a", "false"),
        (#"let s = { a.b = 1; }; n = "b"; in [ (s ? a.${n}) (s ? ${"a"}.c) ]"#, "[ true false ]"),
        (#"let s = { a = throw "x"; }; in s ? a"#, "true"),
        (#"let s = { a = throw "x"; }; in s ? a.b"#, "error: x"),
        ("[ ({ a.b = 1; } ? a.b) ({ a = 2; } ? a.b) ]", "[ true false ]"),
        (#"(throw "t") ? a"#, "error: t"),
        // Calls of `with` variables: a closure or builtin found in evaluated scopes is
        // called borrowed from its set; a function still behind a thunk, a set not
        // evaluated yet, or a value that is no function the usual way.
        ("with { add = a: b: a + b; inc = x: x + 1; }; [ (add 1 2) (inc 3) ]", "[ 3 4 ]"),
        ("with builtins; [ (length [ 1 2 ]) (elemAt [ 5 6 ] 1) (add 2 3) ]", "[ 2 6 5 ]"),
        ("let s = { f = x: x * 2; }; in with s; f 21", "42"),
        ("with { f = (x: x) (y: y + 1); }; f 1", "2"),
        ("with { f = a: b: c: a + b + c; }; f 1 2 3", "6"),
        ("with { f = 1; }; f 2", "error: attempt to call something which is not a function but an integer: 1"),
        // Calls through `call`/`call2` (builtins applying functions), `foldl'` moving
        // its accumulator, curried calls of a local.
        ("builtins.foldl' (a: b: a + b) 0 [ 1 2 3 ]", "6"),
        ("builtins.foldl' builtins.add 0 [ 1 2 3 ]", "6"),
        (#"builtins.foldl' (a: b: a + b) "" [ "x" "y" ]"#, #""xy""#),
        ("let f = x: y: x + y; in [ (map (f 1) [ 1 2 ]) (builtins.sort (a: b: a < b) [ 3 1 2 ]) ]", "[ [ 2 3 ] [ 1 2 3 ] ]"),
        ("let f = a: b: c: d: a - b - c - d; in f 10 1 2 3", "4"),
        // Strings appended borrowed; a thunk's environment given back when forcing fails.
        (#"builtins.concatStringsSep ", " [ "a" (toString 1) ("b" + "c") ]"#, #""a, 1, bc""#),
        (#"builtins.concatStringsSep "," [ "a" 1 ]"#, "error: cannot coerce an integer to a string: 1"),
        (#"let a = "x"; in [ ("a" + a + toString 3) "${a}${"y"}" ]"#, #"[ "ax3" "xy" ]"#),
        (#"let x = throw "e"; in [ (builtins.tryEval x) (builtins.tryEval x) ]"#,
         "[ { success = false; value = false; } { success = false; value = false; } ]"),
        // Set and `let` bindings evaluated in the new scope or the enclosing one.
        ("rec { a = 1; b = a + 1; inherit (builtins) length; c = length [ b ]; }", "{ a = 1; b = 2; c = 1; length = <PRIMOP>; }"),
        ("let inherit (builtins) add; x = add 1 2; y = x; in [ x y ]", "[ 3 3 ]"),
    ]

    @Test(arguments: cases)
    func fastPathsAgreeWithTheGeneralOnes(_ c: (String, String)) {
        #expect(evaluationOutcome(c.0) == c.1, "\(c.0)")
    }

    /// The frames of an error in the forced argument are those of the builtin's own
    /// forcing (the call's frame, then the argument's), as before the fast path.
    @Test func toStringOfAThunkKeepsTheBuiltinsFrame() throws {
        let program = try TestProgram(#"let f = y: "v${toString y}"; in f (throw "boom")"#)
        let rendered = runWithLargeStack { program.strictOutputOrDiagnostic() }
        let frames = rendered.split(separator: "\n").filter { $0.contains("…") }.map { String($0.drop(while: { $0 == " " })) }
        #expect(frames == ["… in an operand of '+'", "… while calling the 'toString' builtin",
                           "… while calling the 'throw' builtin"], "\(rendered)")
    }
}
