import Testing
import SwixSyntax

// The expected texts are what `nix-instantiate --parse` prints (checked against
// the installed nix-instantiate 2.8 where its output format agrees with current
// Nix; see the notes on individual tests where it does not).

/// Checks that `input` parses and prints as `expected` (no scope check).
private func check(_ input: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let out = try show(input)
        #expect(out == expected, "input: \(input)", sourceLocation: sourceLocation)
    } catch let d as Diagnostic {
        Issue.record("unexpected error for \(input): \(d.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error for \(input): \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Parser: operator precedence and associativity (Grammar/precedence.md)")
struct PrecedenceTests {
    @Test(arguments: [
        // Multiplicative operators bind tighter than additive ones.
        ("a + b * c", "(a + (__mul b c))"),
        ("(a + b) * c", "(__mul (a + b) c)"),
        // %left: - / * + group to the left.
        ("a - b - c", "(__sub (__sub a b) c)"),
        ("a / b / c", "(__div (__div a b) c)"),
        ("a / b * c", "(__mul (__div a b) c)"),
        ("a + b + c", "((a + b) + c)"),
        // %right: ++ // -> group to the right.
        ("a ++ b ++ c ++ d", "(a ++ (b ++ (c ++ d)))"),
        ("a // b // c", "(a // (b // c))"),
        ("a -> b -> c", "(a -> (b -> c))"),
        // %left: && ||.
        ("a || b || c", "((a || b) || c)"),
        ("a && b && c", "((a && b) && c)"),
        ("a || b && c", "(a || (b && c))"),
        ("a && b || c && d", "((a && b) || (c && d))"),
        ("a -> b || c", "(a -> (b || c))"),
        // Levels: == below <, below //, below +.
        ("a == b && c", "((a == b) && c)"),
        ("a < b == c", "((__lessThan a b) == c)"),
        ("a == b < c", "(a == (__lessThan b c))"),
        ("a // b == c", "((a // b) == c)"),
        ("a + b // c", "((a + b) // c)"),
        ("a ++ b * c", "(__mul (a ++ b) c)"),
        ("a ++ b ? c", "(a ++ ((b) ? c))"),
        ("a + b ? c", "(a + ((b) ? c))"),
    ])
    func binaryOperators(_ input: String, _ expected: String) {
        check(input, expected)
    }

    @Test func notTakesInTighterOperators() {
        // `!` sits between `//` and `+`: it takes in `+`, `*`, `?`, `++` but not `//` or `==`.
        check("!a + b", "(! (a + b))")
        check("!a ? b", "(! ((a) ? b))")
        check("a * !b + c", "(__mul a (! (b + c)))")
        check("!a // b", "((! a) // b)")
        check("!a == b", "((! a) == b)")
        check("!a && b", "((! a) && b)")
        check("a -> !b -> a", "(a -> ((! b) -> a))")
        check("!!a", "(! (! a))")
    }

    @Test func negationBindsTighterThanHasAttr() {
        check("-a ? b", "(((__sub 0 a)) ? b)")
        check("-a ++ b", "((__sub 0 a) ++ b)")
        check("- a.b", "(__sub 0 (a).b)")
        check("-f x", "(__sub 0 (f x))")
        check("-a.b or c", "(__sub 0 (a).b or (c))")
        check("- ! a + a", "(__sub 0 (! (a + a)))")
    }

    @Test func minusBetweenOperandsIsSubtraction() {
        check("a - b", "(__sub a b)")
        check("f -x", "(__sub f x)")
        check("1 - -1", "(__sub 1 (__sub 0 1))")
        check("- -1", "(__sub 0 (__sub 0 1))")
        check("a * -b", "(__mul a (__sub 0 b))")
        check("-1", "(__sub 0 1)")
        check("-1.5", "(__sub 0 1.5)")
    }

    @Test func comparisonsDesugarToLessThan() {
        check("a < b", "(__lessThan a b)")
        check("a > b", "(__lessThan b a)")
        check("a <= b", "(! (__lessThan b a))")
        check("a >= b", "(! (__lessThan a b))")
        check("a == b", "(a == b)")
        check("a != b", "(a != b)")
    }

    @Test func hasAttrChains() {
        // `?` is %nonassoc, but its right side is a path, so it never conflicts.
        check("a ? b ? c", "((((a) ? b)) ? c)")
        check("a ? b.c && a", "(((a) ? b.c) && a)")
        check("a.b.c ? d", "(((a).b.c) ? d)")
        check("a ? \"x\" ? y", "((((a) ? x)) ? y)")
        check("a ? b == c", "(((a) ? b) == c)")
    }

    @Test func hasAttrWithStringAndDynamicPaths() {
        check("a ? \"b c\"", "((a) ? \"b c\")")
        check("a ? ${\"b\"}", "((a) ? b)")
        check("a ? ${b}", "((a) ? \"${b}\")")
        check("a ? \"x${b}\"", "((a) ? \"${(\"x\" + b)}\")")
        check("a ? b.${c}.\"d\"", "((a) ? b.\"${c}\".d)")
        check("a ? or", "((a) ? or)")
    }

    @Test func arithmeticOnLiterals() {
        check("1 + 2", "(1 + 2)")
        check("1 + 2 * 3 - 4 / 5", "(__sub (1 + (__mul 2 3)) (__div 4 5))")
        check("\"a\" + \"b\"", "(\"a\" + \"b\")")
    }
}

@Suite("Parser: pipes")
struct PipeTests {
    @Test func pipeIntoIsLeftAssociative() {
        check("a |> f", "(f a)")
        check("a |> f |> g", "(g (f a))")
    }

    @Test func pipeFromIsRightAssociative() {
        check("f <| a", "(f a)")
        check("f <| g <| a", "(f (g a))")
    }

    @Test func pipesExtendCalls() {
        // Like CppNix's makeCall: piping into a call adds an argument to it.
        check("a |> f b", "(f b a)")
        check("f a |> g", "(g (f a))")
        check("f b <| a", "(f b a)")
    }

    @Test func pipesAreLooserThanAllOperators() {
        check("a + 1 |> f", "(f (a + 1))")
        check("a -> b |> f", "(f (a -> b))")
        check("x < y |> y", "(y (__lessThan x y))")
    }

    @Test func pipeInsideLambdaBodyAndElse() {
        check("x: x |> f", "(x: (f x))")
        check("if c then a else b |> f", "(if c then a else (f b))")
    }
}

@Suite("Parser: application and selection")
struct ApplicationTests {
    @Test func applicationIsOneCallNode() {
        check("f a b c", "(f a b c)")
        check("f (g 1) 2", "(f (g 1) 2)")
        check("f (x: x) [ 1 2 ] { }", "(f (x: x) [ (1) (2) ] { })")
    }

    @Test func parenthesisedCallIsExtended() {
        // CppNix's makeCall appends to an existing call: `(f a) b` is `(f a b)`.
        check("(f a) b", "(f a b)")
        check("((f a) b) c", "(f a b c)")
        check("(f) a", "(f a)")
    }

    @Test func callInArgumentIsNotMerged() {
        check("f (a b)", "(f (a b))")
        check("(x.y) z", "((x).y z)")
    }

    @Test func selection() {
        check("a.b", "(a).b")
        check("a.b.c", "(a).b.c")
        check("{ a = 1; }.a", "({ a = 1; }).a")
        check("{ a = 1; } . a", "({ a = 1; }).a")
        check("a.or", "(a).or")
        check("a.\"b c\".d", "(a).\"b c\".d")
        check("a.\"if\"", "(a).\"if\"")
    }

    @Test func selectionWithDefault() {
        check("a.b or 1", "(a).b or (1)")
        check("a.b or a.c or 3", "(a).b or ((a).c or (3))")
        check("a.b or 1 + 2", "((a).b or (1) + 2)")
        check("f a.b or 1", "(f (a).b or (1))")
        check("[ x.a or 1 x.b ]", "[ ((x).a or (1)) ((x).b) ]")
    }

    @Test func legacyOrCall() {
        // `x or` without a selection applies `x` to the variable `or`.
        check("x or", "(x or)")
        check("map or x", "(map or x)")
        check("[ x or ]", "[ ((x or)) ]")
        check("(x or) 1", "(x or 1)")
    }

    @Test func selectBindsTighterThanApplication() {
        check("f a.b c.d", "(f (a).b (c).d)")
        check("f x.y.z", "(f (x).y.z)")
    }

    @Test func dotFollowedByDigitsIsAFloatArgument() {
        // `x.1` lexes as `x` then the float `.1`.
        check("x.1", "(x 0.1)")
    }

    @Test func listElementsAreSelects() {
        check("[ f 1 (f 2) ]", "[ (f) (1) ((f 2)) ]")
        check("[ (-1) ]", "[ ((__sub 0 1)) ]")
        check("[ ]", "[ ]")
        check("[ [ ] [ [ ] ] ]", "[ ([ ]) ([ ([ ]) ]) ]")
    }
}

@Suite("Parser: attribute sets")
struct AttrSetTests {
    @Test func attributesAreSortedByName() {
        check("{ b = 1; a = 2; c = 3; }", "{ a = 2; b = 1; c = 3; }")
        check("{ }", "{ }")
        check("{}", "{ }")
    }

    @Test func nestedPathsMerge() {
        check("{ a.b = 1; a.c = 2; }", "{ a = { b = 1; c = 2; }; }")
        check("{ a.b.c = 1; a.b.d = 2; a.e = 3; }", "{ a = { b = { c = 1; d = 2; }; e = 3; }; }")
    }

    @Test func literalSetMergesWithPath() {
        check("{ a = { b = 1; }; a.c = 2; }", "{ a = { b = 1; c = 2; }; }")
        check("{ a.c = 2; a = { b = 1; }; }", "{ a = { b = 1; c = 2; }; }")
        // `rec` of the first set is kept (NixOS/nix#9020).
        check("{ a = rec { b = 1; }; a.c = 2; }", "{ a = rec { b = 1; c = 2; }; }")
        check("{ a = { b = 1; }; a = { c = 2; }; }", "{ a = { b = 1; c = 2; }; }")
    }

    @Test func dynamicPathsInsideNestedSets() {
        check("{ a.${x} = 1; a.b = 2; }", "{ a = { b = 2; \"${x}\" = 1; }; }")
        check("{ ${x}.a = 1; }", "{ \"${x}\" = { a = 1; }; }")
    }

    @Test func inherit() {
        check("{ inherit a b; c = 1; }", "{ inherit a b; c = 1; }")
        check("{ inherit; }", "{ }")
        check("{ inherit or; }", "{ inherit or; }")
    }

    @Test func inheritFrom() {
        // Current Nix prints `inherit (e) names;` groups (2.8 printed `x = (e).x;`).
        check("{ inherit (s) b a; c = 1; }", "{ inherit (s) a b; c = 1; }")
        check("{ inherit (s) a; inherit (t) b; inherit c; }", "{ inherit c; inherit (s) a; inherit (t) b; }")
        check("{ inherit (s) \"a\" ${\"b\"}; }", "{ inherit (s) a b; }")
    }

    @Test func inheritFromSourceIsParsedAsExpression() {
        check("{ inherit ((f x).y) z; }", "{ inherit (((f x)).y) z; }")
        check("{ inherit (f x) z; }", "{ inherit ((f x)) z; }")
    }

    @Test func recursiveSet() {
        check("rec { a = 1; b = a + 1; }", "rec { a = 1; b = (a + 1); }")
        check("rec { }", "rec { }")
    }

    @Test func staticStringAttributeNames() {
        check("{ \"a\" = 1; }", "{ a = 1; }")
        check("{ ${\"b\"} = 2; }", "{ b = 2; }")
        check("{ \"a b\" = 1; \"if\" = 2; \"\" = 3; \"a-b'\" = 4; \"1a\" = 5; }",
              "{ \"\" = 3; \"1a\" = 5; \"a b\" = 1; a-b' = 4; \"if\" = 2; }")
        check("{ \"a.b\" = 1; }", "{ \"a.b\" = 1; }")
        check("{ or = 1; }", "{ or = 1; }")
    }

    @Test func dynamicAttributeNames() {
        // `${x}` prints as "${x}", `"${x}"` as a one-part concatenation.
        check("{ ${x} = 1; }", "{ \"${x}\" = 1; }")
        check("{ \"${x}\" = 1; }", "{ \"${(x)}\" = 1; }")
        check("{ \"${\"a\"}\" = 1; }", "{ \"${(\"a\")}\" = 1; }")
        check("{ \"a${x}\" = 1; }", "{ \"${(\"a\" + x)}\" = 1; }")
        check("{ \"a\" = 1; ${\"b\"} = 2; \"${x}\" = 3; ${x} = 4; }",
              "{ a = 1; b = 2; \"${(x)}\" = 3; \"${x}\" = 4; }")
    }

    @Test func dynamicSelectPath() {
        check("x.\"a\".${\"b\"}.\"${x}\".${x}", "(x).a.b.\"${(x)}\".\"${x}\"")
    }

    @Test func valuesAreFullExpressions() {
        check("{ a = x: x; }", "{ a = (x: x); }")
        check("{ a = if c then 1 else 2; }", "{ a = (if c then 1 else 2); }")
        check("{ a = let b = 1; in b; }", "{ a = (let b = 1; in b); }")
    }
}

@Suite("Parser: let, with, assert, if")
struct BindingFormTests {
    @Test func letIn() {
        check("let a = 1; b = a; in b", "(let a = 1; b = a; in b)")
        check("let in 1", "(let in 1)")
        check("let inherit (x) a; b = 2; in a", "(let inherit (x) a; b = 2; in a)")
        check("let a.b = 1; a.c = 2; in a", "(let a = { b = 1; c = 2; }; in a)")
    }

    @Test func dynamicAttributeNestedInLetIsAllowed() {
        check("let a.${x} = 1; in a", "(let a = { \"${x}\" = 1; }; in a)")
    }

    @Test func legacyLet() {
        check("let { body = 1; }", "(rec { body = 1; }).body")
        check("let { x = 1; body = x; }", "(rec { body = x; x = 1; }).body")
        check("f let { body = 1; }", "(f (rec { body = 1; }).body)")
    }

    @Test func with() {
        check("with a; b", "(with a; b)")
        check("with {}; a + b", "(with { }; (a + b))")
    }

    @Test func assert() {
        check("assert a; b", "assert a; b")
        check("assert a -> b; assert c; d", "assert (a -> b); assert c; d")
    }

    @Test func ifThenElse() {
        check("if a then b else c", "(if a then b else c)")
        check("if a then if b then c else d else e", "(if a then (if b then c else d) else e)")
    }

    @Test func bodiesExtendToTheRight() {
        check("with a; b + c", "(with a; (b + c))")
        check("assert a; b // c", "assert a; (b // c)")
        check("let a = 1; in a + 1", "(let a = 1; in (a + 1))")
        check("if a then b else c + d", "(if a then b else (c + d))")
    }
}

@Suite("Parser: functions")
struct FunctionTests {
    @Test func simpleLambda() {
        check("x: x", "(x: x)")
        check("x: y: x", "(x: (y: x))")
        check("x : x", "(x: x)")
    }

    @Test func formalsAreSortedByName() {
        // Current Nix prints formals in lexicographic order (2.8 kept source order).
        check("{ b, a }: a", "({ a, b }: a)")
        check("{ z, a ? z, m ? { }, ... }: m", "({ a ? z, m ? { }, z, ... }: m)")
    }

    @Test func formalsWithDefaultsAndEllipsis() {
        check("{ a, b ? 1, ... }: a", "({ a, b ? 1, ... }: a)")
        check("{ ... }: 1", "({ ... }: 1)")
        check("{ }: 1", "({  }: 1)")
        check("{}: 1", "({  }: 1)")
        check("{ a, }: a", "({ a }: a)")
        check("{ a ? x: x }: a", "({ a ? (x: x) }: a)")
    }

    @Test func atPatterns() {
        check("{ a, b ? 1, ... } @ args: a", "({ a, b ? 1, ... } @ args: a)")
        check("args @ { a }: a", "({ a } @ args: a)")
        check("args@{ a, b ? a }: b", "({ a, b ? a } @ args: b)")
        check("a @ { }: 1", "({  } @ a: 1)")
        check("{ } @ a: 1", "({  } @ a: 1)")
    }

    @Test func lambdaBodyExtendsToTheRight() {
        check("x: x + 1", "(x: (x + 1))")
        check("f (x: x) 1", "(f (x: x) 1)")
    }
}

@Suite("Parser: strings")
struct StringTests {
    @Test func escapes() {
        check(#""a\nb\tc\rd\\e\"f\g""#, #""a\nb\tc\rd\\e\"fg""#)
        check(#""\u""#, #""u""#)
        check("\"a\\\nb\"", #""a\nb""#)
    }

    @Test func dollarSigns() {
        // Current Nix escapes `$` only before `{` (2.8 escaped every `$`).
        check(#""$""#, #""$""#)
        check(#""$$""#, #""$$""#)
        check(#""\$""#, #""$""#)
        check(#""$${x}""#, #""$\${x}""#)
        check(#""\${x}""#, #""\${x}""#)
    }

    @Test func carriageReturnsBecomeNewlines() {
        check("\"a\r\nb\rc\"", #""a\nb\nc""#)
        check(#""a\r\nb""#, #""a\r\nb""#)
    }

    @Test func interpolation() {
        check("\"${x}\"", "(x)")
        check("\"a${x}\"", "(\"a\" + x)")
        check("\"${x}b${x}\"", "(x + \"b\" + x)")
        check("\"${x}${x}\"", "(x + x)")
        check("\"a${\"b\"}c\"", "(\"a\" + \"b\" + \"c\")")
        check("\"\"", "\"\"")
    }

    @Test func nestedInterpolation() {
        check("\"a${\"b${c}\"}\"", "(\"a\" + (\"b\" + c))")
    }

    @Test func uriLiteralIsAString() {
        check("http://example.org/foo?bar=1&baz=$x", "\"http://example.org/foo?bar=1&baz=$x\"")
        check("x:x", "\"x:x\"")
    }

    @Test func nonASCIIText() {
        check("\"héllo ✓\"", "\"héllo ✓\"")
    }
}

@Suite("Parser: indented strings")
struct IndentedStringTests {
    @Test(arguments: [
        // Common indentation is removed.
        ("''\n  a\n  b\n''", #""a\nb\n""#),
        ("''\n    a\n  b\n''", #""  a\nb\n""#),
        // Empty lines do not count towards the indentation.
        ("''\n  a\n\n  b\n''", #""a\n\nb\n""#),
        // A whitespace-only line does count... only its excess stays.
        ("''\n  a\n   \n  b\n''", #""a\n \nb\n""#),
        // The first line (after the opener) counts too.
        ("''a\n  b''", #""a\n  b""#),
        ("''  a\n    b''", #""a\n  b""#),
        // Spaces and the newline right after `''` are dropped.
        ("''  \n  a\n''", #""a\n""#),
        // The final whitespace-only line is dropped.
        ("''\n  a\n  ''", #""a\n""#),
        ("''\n  a\n ''", #""a\n""#),
        ("''\n  a\n  b''", #""a\nb""#),
        // Tabs are not indentation.
        ("''\n\ttab\n''", #""\ttab\n""#),
        ("''\n  a\n  \tb\n''", #""a\n\tb\n""#),
        // Empty strings.
        ("''''", #""""#),
        ("''   ''", #""""#),
        ("''\n''", #""""#),
        ("''\n\n''", #""\n""#),
        ("''\n   x\n  y\n ''", #"" x\ny\n""#),
        ("''\n\n   x\n  y\n ''", #""\n x\ny\n""#),
    ])
    func indentationStripping(_ input: String, _ expected: String) {
        check(input, expected)
    }

    @Test func interpolationEndsLeadingWhitespace() {
        check("''\n  ${x}\n  b\n''", "(x + \"\\nb\\n\")")
        check("''\n    ${x} y\n  b''", "(\"  \" + x + \" y\\nb\")")
        check("''\n  a ${x}\n   c\n''", "(\"a \" + x + \"\\n c\\n\")")
        check("''\n    ${x}\n  a\n''", "(\"  \" + x + \"\\na\\n\")")
    }

    @Test func emptyPartsAreDropped() {
        // Current Nix drops empty text parts (2.8 kept a leading "").
        check("''  ${x}\n  b''", "(x + \"\\nb\")")
        check("''\n  ${x}\n''", "(x + \"\\n\")")
        check("''${x}''", "(x)")
        // CppNix's stripIndentation returns a single ExprString part as is.
        check("''${\"a\"}''", "\"a\"")
    }

    @Test func escapes() {
        check("''a''$b'''c''\\nd''\\te ''\\'' ''", "(\"a\" + \"$\" + \"b\" + \"''\" + \"c\" + \"\\n\" + \"d\" + \"\\t\" + \"e \" + \"'\" + \"' \")")
        check("''\n  foo\n  ''\\n  bar\n''", "(\"foo\\n\" + \"\\n\" + \"bar\\n\")")
        check("''\n  '''x'''\n''", "(\"''\" + \"x\" + \"''\" + \"\\n\")")
        check("''\n  ''${x}\n''", "(\"$\" + \"{x}\\n\")")
        check("''a'''b''", "(\"a\" + \"''\" + \"b\")")
        check("''a''$''", "(\"a\" + \"$\")")
    }

    @Test func escapesEndLeadingWhitespace() {
        check("''\n  ''\\  a\n''", "(\" \" + \" a\\n\")")
    }

    @Test func escapedCarriageReturnLeavesNewlineAsText() {
        // `''\` escapes one character; the LF after an escaped CR begins a new line
        // for indentation purposes.
        check("''\n    a''\\\r\n  b\n''", "(\"  a\" + \"\\r\" + \"\\nb\\n\")")
    }

    @Test func quotesAndDollarsAreText() {
        check("''\n  a'b$c\n''", #""a'b$c\n""#)
        check("''$${x}''", #""$\${x}""#)
        check("'' $ ' ''$ ${x} ''", "(\"$ ' \" + \"$\" + \" \" + x + \" \")")
        check("''\"quoted\"''", #""\"quoted\"""#)
    }

    @Test func crlfLinesAreNotNormalised() {
        // Only double-quoted strings normalise CR; indented strings keep it.
        check("''\r\n  a\r\n  b\r\n''", #""\r\n  a\r\n  b\r\n""#)
    }
}

@Suite("Parser: numbers")
struct NumberTests {
    @Test(arguments: [
        ("1.0", "1"), ("1.", "1"), ("0.1", "0.1"), (".5", "0.5"), ("1.5e3", "1500"), ("0.5e+2", "50"),
        ("123456789.123", "1.23457e+08"), ("1.0e300", "1e+300"), ("0.000001", "1e-06"), ("1.5e-7", "1.5e-07"),
        ("3.14159265", "3.14159"), ("100000.0", "100000"), ("1000000.0", "1e+06"),
    ])
    func floatsPrintLikeCppStreams(_ input: String, _ expected: String) {
        check(input, expected)
    }

    @Test func integers() {
        check("0", "0")
        check("00012", "12")
        check("9223372036854775807", "9223372036854775807")
    }

    @Test func integerAndFloatSplit() {
        check("01.5", "(1 0.5)")
        check("1 1.5", "(1 1.5)")
    }

    @Test func bigIntegersKeepTheirDigits() {
        // Beyond Int64 swix keeps the literal's digits (CppNix reports "invalid integer").
        check("9223372036854775808", "9223372036854775808")
        check("99999999999999999999", "99999999999999999999")
        check("000123456789012345678901234567890", "123456789012345678901234567890")
        check("-9223372036854775808", "(__sub 0 9223372036854775808)")
    }
}

@Suite("Parser: paths")
struct PathTests {
    @Test func relativePathsAreResolvedAgainstTheBaseDirectory() {
        check("./a", "/base/a")
        check("a/b", "/base/a/b")
        check("a+b/c-d_e.f", "/base/a+b/c-d_e.f")
    }

    @Test func pathsAreCanonicalised() {
        check("./a/../b", "/base/b")
        check("./.", "/base")
        check("./..", "/")
        check("../..", "/")
        check("/a/./b/../../c", "/c")
        check("/a/../../b", "/b")
        check("/.", "/")
    }

    @Test func absolutePaths() {
        check("/abs", "/abs")
        check("/nix/store/x-y.drv", "/nix/store/x-y.drv")
    }

    @Test func homePathsAreNotCanonicalised() {
        check("~/h", "/home/u/h")
        check("~/a/../b", "/home/u/a/../b")
    }

    @Test func interpolatedPaths() {
        check("./a/${x}", "(/base/a/ + x)")
        check("./${x}", "(/base/ + x)")
        check("./a/${x}.nix", "(/base/a/ + x + \".nix\")")
        check("./foo/${x}/bar", "(/base/foo/ + x + \"/bar\")")
        check("/a/${x}", "(/a/ + x)")
        check("~/a/${x}", "(/home/u/a/ + x)")
        check("a/b/${x}", "(/base/a/b/ + x)")
    }

    @Test func canonicalisationKeepsTrailingSlashOfInterpolatedStart() {
        check("./a/../b/${x}", "(/base/b/ + x)")
        check("./../${x}", "(/ + x)")
    }

    @Test func searchPaths() {
        check("<nixpkgs>", "(__findFile __nixPath \"nixpkgs\")")
        check("<nixpkgs/lib>", "(__findFile __nixPath \"nixpkgs/lib\")")
        check("<a.b-c>", "(__findFile __nixPath \"a.b-c\")")
    }

    @Test func baseDirectoryComesFromTheSource() throws {
        var h = ParseHarness()
        h.baseDirectory = "/some/where/deep"
        #expect(try h.show("../x") == "/some/where/x")
        h.baseDirectory = "/"
        #expect(try h.show("./x") == "/x")
    }

    @Test func homeDirectoryComesFromTheParser() throws {
        var h = ParseHarness()
        h.homeDirectory = "/Users/me"
        #expect(try h.show("~/.config/nix") == "/Users/me/.config/nix")
    }

    @Test func canonicalizeFunction() {
        func c(_ s: String, _ slash: Bool = false) -> String {
            String(decoding: Parser.canonicalize(Array(s.utf8)[...], trailingSlash: slash), as: UTF8.self)
        }
        #expect(c("/") == "/")
        #expect(c("//a///b/") == "/a/b")
        #expect(c("/a/b/", true) == "/a/b/")
        #expect(c("/", true) == "/")
        #expect(c("/a/./b/.././c") == "/a/c")
        #expect(c("/../..") == "/")
    }
}

@Suite("Parser: special identifiers")
struct SpecialIdentifierTests {
    @Test func curPos() {
        check("__curPos", "__curPos")
        check("  __curPos", "__curPos")
        check("x.__curPos", "(x).__curPos")
        check("{ __curPos = 1; }", "{ __curPos = 1; }")
        check("[ __curPos __curPosX ]", "[ (__curPos) (__curPosX) ]")
    }

    @Test func keywordLikeIdentifiers() {
        check("iffy", "iffy")
        check("letter", "letter")
        check("{ inherited = 1; }", "{ inherited = 1; }")
        check("a'", "a'")
        check("foo-bar", "foo-bar")
        check("x: x-1", "(x: x-1)")
    }

    @Test func identifiersNeedingQuotesArePrintedQuoted() {
        check("{ \"with\" = 1; \"a/b\" = 2; }", "{ \"a/b\" = 2; \"with\" = 1; }")
        check("x.\"assert\"", "(x).\"assert\"")
    }
}

@Suite("Parser: comments and whitespace")
struct CommentTests {
    @Test func commentsAreIgnored() {
        check("# c\n1 /* d */ + /**/ 2 # e", "(1 + 2)")
        check("/* a */ { /* b */ a /* c */ = /* d */ 1; }", "{ a = 1; }")
    }

    @Test func crlfSource() {
        check("{\r\n  a = 1;\r\n  b = 2;\r\n}\r\n", "{ a = 1; b = 2; }")
    }

    @Test func emptyCommentIsAComment() {
        check("1 /**/", "1")
    }
}
