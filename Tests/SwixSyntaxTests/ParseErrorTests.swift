import Testing
import SwixSyntax

// Error messages follow current CppNix (Bison `parse.error detailed` token names,
// "unexpected end of file" reported at the end of the input). The installed
// nix-instantiate 2.8 agrees on message, line and column for all of these except
// for its older token names (`INT` for `integer`, …), its end-of-file position
// (the end of the last token) and its older duplicate-attribute positions.

/// Expects `input` to fail with `message` at `at` ("line:column").
private func expectFailure(_ input: String, _ message: String, at: String, scopeCheck: Bool = true,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    guard let f = failureAt(input, scopeCheck: scopeCheck) else {
        Issue.record("expected an error for \(input)", sourceLocation: sourceLocation)
        return
    }
    #expect(f.message == message, "input: \(input)", sourceLocation: sourceLocation)
    #expect(f.at == at, "input: \(input)", sourceLocation: sourceLocation)
}

@Suite("Parse errors: syntax")
struct SyntaxErrorTests {
    @Test(arguments: [
        // Unexpected tokens where an expression should start (no expected list).
        ("&& true", "syntax error, unexpected '&&'", "1:1"),
        ("== 1", "syntax error, unexpected '=='", "1:1"),
        ("++ []", "syntax error, unexpected '++'", "1:1"),
        ("if then", "syntax error, unexpected 'then'", "1:4"),
        ("assert ;", "syntax error, unexpected ';'", "1:8"),
        ("with;", "syntax error, unexpected ';'", "1:5"),
        ("{ a = ; }", "syntax error, unexpected ';'", "1:7"),
        ("[ if ]", "syntax error, unexpected 'if'", "1:3"),
        ("[ 1 ++ 2 ]", "syntax error, unexpected '++'", "1:5"),
        ("[ x: x ]", "syntax error, unexpected ':'", "1:4"),
        ("[ -1 ]", "syntax error, unexpected '-'", "1:3"),
        ("\"${}\"", "syntax error, unexpected '}'", "1:4"),
        ("''${}''", "syntax error, unexpected '}'", "1:5"),
        ("./a/${}", "syntax error, unexpected '}'", "1:7"),
        ("{ a ? }: 1", "syntax error, unexpected '}'", "1:7"),
        ("{ a ? 1, b ? }: 1", "syntax error, unexpected '}'", "1:14"),
        ("`", "syntax error, unexpected invalid token", "1:1"),
        ("~", "syntax error, unexpected invalid token", "1:1"),
        // Trailing garbage after a complete expression.
        ("{ a = 1; } }", "syntax error, unexpected '}', expecting end of file", "1:12"),
        ("[ 1 2 ] ]", "syntax error, unexpected ']', expecting end of file", "1:9"),
        ("(1 + 2))", "syntax error, unexpected ')', expecting end of file", "1:8"),
        ("1 2 3 ;", "syntax error, unexpected ';', expecting end of file", "1:7"),
        ("f x: 1", "syntax error, unexpected ':', expecting end of file", "1:4"),
        ("1 $ 2", "syntax error, unexpected invalid token, expecting end of file", "1:3"),
        ("1 & 2", "syntax error, unexpected invalid token, expecting end of file", "1:3"),
        ("1 | 2", "syntax error, unexpected invalid token, expecting end of file", "1:3"),
        ("a |> f <| b", "syntax error, unexpected '<|', expecting end of file", "1:8"),
        ("f <| a |> b", "syntax error, unexpected '|>', expecting end of file", "1:8"),
        // Expected-token lists.
        ("{ a = 1 }", "syntax error, unexpected '}', expecting ';'", "1:9"),
        ("let a = 1 in a", "syntax error, unexpected 'in', expecting ';'", "1:11"),
        ("if 1 else 2", "syntax error, unexpected 'else', expecting 'then'", "1:6"),
        ("{ a b }", "syntax error, unexpected identifier, expecting '.' or '='", "1:5"),
        ("{ a ... }", "syntax error, unexpected '...', expecting '.' or '='", "1:5"),
        ("let a = 1; b in a", "syntax error, unexpected 'in', expecting '.' or '='", "1:14"),
        ("{ 1 = x; }", "syntax error, unexpected integer, expecting 'inherit'", "1:3"),
        ("{ 1.5 = x; }", "syntax error, unexpected floating-point literal, expecting 'inherit'", "1:3"),
        ("{ = 1; }", "syntax error, unexpected '=', expecting 'inherit'", "1:3"),
        ("{ a.b. = 1; }", "syntax error, unexpected '=', expecting identifier or 'or' or '${' or '\"'", "1:8"),
        ("x: x ? 1", "syntax error, unexpected integer, expecting identifier or 'or' or '${' or '\"'", "1:8"),
        ("a.if", "syntax error, unexpected 'if', expecting identifier or 'or' or '${' or '\"'", "1:3"),
        ("a.~/foo", "syntax error, unexpected '~/…' path, expecting identifier or 'or' or '${' or '\"'", "1:3"),
        ("a.''x''", "syntax error, unexpected start of an indented string, expecting identifier or 'or' or '${' or '\"'", "1:3"),
        ("{ x, y : 1 }: x", "syntax error, unexpected ':', expecting '}' or ','", "1:8"),
        ("{ a, ..., b }: a", "syntax error, unexpected ',', expecting '}'", "1:9"),
        ("{ ...,  }: 1", "syntax error, unexpected ',', expecting '}'", "1:6"),
        ("{ ... } @ : 1", "syntax error, unexpected ':', expecting identifier", "1:11"),
        ("a @ b: 1", "syntax error, unexpected identifier, expecting '{'", "1:5"),
        ("f let a = 1; in a", "syntax error, unexpected identifier, expecting '{'", "1:7"),
        ("rec a", "syntax error, unexpected identifier, expecting '{'", "1:5"),
        ("{ inherit (x; }", "syntax error, unexpected ';', expecting ')'", "1:13"),
        ("{ inherit a.b; }", "syntax error, unexpected '.'", "1:12"),
        ("{ inherit (a) b.c; }", "syntax error, unexpected '.'", "1:16"),
        ("{ or }: 1", "syntax error, unexpected '}', expecting '.' or '='", "1:6"),
        ("let\n  a = 1;\n  in = 2;\nin a", "syntax error, unexpected '='", "3:6"),
    ])
    func syntaxErrors(_ input: String, _ message: String, _ at: String) {
        expectFailure(input, message, at: at)
    }

    @Test(arguments: [
        ("a == b == c", "syntax error, unexpected '=='", "1:8"),
        ("a != b == c", "syntax error, unexpected '=='", "1:8"),
        ("a < b < c", "syntax error, unexpected '<'", "1:7"),
        ("a <= b > c", "syntax error, unexpected '>'", "1:8"),
        ("a >= b <= c", "syntax error, unexpected '<='", "1:8"),
        ("a == b + c == d", "syntax error, unexpected '=='", "1:12"),
    ])
    func nonAssociativeOperators(_ input: String, _ message: String, _ at: String) {
        expectFailure(input, message, at: at, scopeCheck: false)
    }

    @Test(arguments: [
        // At the end of input (after trailing whitespace and comments).
        ("1 +", "syntax error, unexpected end of file", "1:4"),
        ("(1", "syntax error, unexpected end of file, expecting ')'", "1:3"),
        ("[ 1 2", "syntax error, unexpected end of file", "1:6"),
        ("if true then 1", "syntax error, unexpected end of file, expecting 'else'", "1:15"),
        ("{ a, b }", "syntax error, unexpected end of file, expecting ':' or '@'", "1:9"),
        ("x: x.", "syntax error, unexpected end of file, expecting identifier or 'or' or '${' or '\"'", "1:6"),
        ("x: x.a or", "syntax error, unexpected end of file", "1:10"),
        ("let in", "syntax error, unexpected end of file", "1:7"),
        ("assert 1", "syntax error, unexpected end of file, expecting ';'", "1:9"),
        ("(\n# no content\n", "syntax error, unexpected end of file", "3:1"),
        ("(1 /* comment */  ", "syntax error, unexpected end of file, expecting ')'", "1:19"),
        ("", "syntax error, unexpected end of file", "1:1"),
        // Unterminated strings: after the text (and after a dangling `$` or `\`).
        ("\"abc", "syntax error, unexpected end of file, expecting '\"'", "1:5"),
        ("\"${\"", "syntax error, unexpected end of file, expecting '\"'", "1:5"),
        ("a 1\"$", "syntax error, unexpected end of file, expecting '\"'", "1:6"),
        ("\"a\\", "syntax error, unexpected end of file, expecting '\"'", "1:4"),
        ("''abc", "syntax error, unexpected end of file, expecting indented string or '${' or end of an indented string", "1:6"),
    ])
    func unexpectedEndOfFile(_ input: String, _ message: String, _ at: String) {
        expectFailure(input, message, at: at, scopeCheck: false)
    }

    @Test func renderedSyntaxError() {
        #expect(rendered("{\n  a = 1\n  b = 2;\n}\n") == """
            error: syntax error, unexpected '=', expecting ';'
                   at «stdin»:3:5:
                        2|   a = 1
                        3|   b = 2;
                         |     ^
                        4| }
            """)
    }

    @Test func renderedEndOfFileOnEmptyLine() {
        #expect(rendered("(\n# no content\n") == """
            error: syntax error, unexpected end of file
                   at «stdin»:3:1:
                        2| # no content
                        3|
                         | ^
            """)
    }
}

@Suite("Parse errors: attributes and formals")
struct SemanticParseErrorTests {
    @Test(arguments: [
        ("{ a = 1; a = 2; }", "attribute 'a' already defined at «stdin»:1:3", "1:10"),
        ("{ a.b = 1; a.b = 2; }", "attribute 'a.b' already defined at «stdin»:1:3", "1:12"),
        // A non-set prefix: the message names the path up to the conflict.
        ("{ a = 1; a.b = 2; }", "attribute 'a' already defined at «stdin»:1:3", "1:10"),
        ("{ a.b = 1; a = 3; }", "attribute 'a' already defined at «stdin»:1:3", "1:12"),
        // Merging a set literal into a path reports the full path.
        ("{ a.b = 1; a = { b = 2; }; }", "attribute 'a.b' already defined at «stdin»:1:3", "1:18"),
        ("{ a = { b = 1; c = 1; }; a = { b = 2; }; }", "attribute 'a.b' already defined at «stdin»:1:9", "1:32"),
        ("{\n  x.z = 3;\n  x = { y = 3; z = 3; };\n}", "attribute 'x.z' already defined at «stdin»:2:3", "3:16"),
        ("{ services.ssh.port = 22; services.ssh.port = 23; }",
         "attribute 'services.ssh.port' already defined at «stdin»:1:3", "1:27"),
        ("let x = 1; x = 2; in x", "attribute 'x' already defined at «stdin»:1:5", "1:12"),
        ("rec { a = 1; a = 2; }", "attribute 'a' already defined at «stdin»:1:7", "1:14"),
        // Inherited names are reported at the name.
        ("{ x = 1; inherit x; }", "attribute 'x' already defined at «stdin»:1:3", "1:18"),
        ("{ inherit x; inherit x; }", "attribute 'x' already defined at «stdin»:1:11", "1:22"),
        ("{ inherit (x) a; inherit (x) a; }", "attribute 'a' already defined at «stdin»:1:15", "1:30"),
        ("{ inherit a; a = 1; }", "attribute 'a' already defined at «stdin»:1:11", "1:14"),
        ("{ \"a\" = 1; ${\"a\"} = 2; }", "attribute 'a' already defined at «stdin»:1:3", "1:12"),
        ("{ \"a b\" = 1; \"a b\" = 2; }", "attribute '\"a b\"' already defined at «stdin»:1:3", "1:14"),
        ("{ \"if\".x = 1; \"if\".x = 2; }", "attribute '\"if\".x' already defined at «stdin»:1:3", "1:15"),
    ])
    func duplicateAttributes(_ input: String, _ message: String, _ at: String) {
        expectFailure(input, message, at: at, scopeCheck: false)
    }

    @Test func duplicateAttributeInNestedLegacyLet() {
        expectFailure("let {\n  as = { x = 1; };\n  bs = {\n    x = 2;\n    inherit (as) x;\n  };\n  body = bs;\n}",
                      "attribute 'x' already defined at «stdin»:4:5", at: "5:18")
    }

    @Test(arguments: [
        ("{ x, y, x }: 1", "duplicate formal function argument 'x'", "1:9"),
        ("{x, y, x}: x", "duplicate formal function argument 'x'", "1:8"),
        ("{ a ? 1, a ? 2 }: a", "duplicate formal function argument 'a'", "1:10"),
        // The `@` name clashing with a formal is reported at the lambda.
        ("x @ { x }: 1", "duplicate formal function argument 'x'", "1:1"),
        ("{ x, ... } @ x: 1", "duplicate formal function argument 'x'", "1:1"),
        ("y: args@{args, z}: z", "duplicate formal function argument 'args'", "1:4"),
    ])
    func duplicateFormals(_ input: String, _ message: String, _ at: String) {
        expectFailure(input, message, at: at, scopeCheck: false)
    }

    @Test func duplicateFormalsAreCheckedBeforeTheBody() {
        // The body's own syntax is fine; the formals are rejected.
        expectFailure("{ a, a }: { }", "duplicate formal function argument 'a'", at: "1:6")
    }

    @Test(arguments: [
        ("let ${\"a\"} = 1; in 1", nil as String?),
        ("let \"${toString 1}\" = 1; in 1", "1:1"),
        ("x: let ${x} = 1; in 1", "1:4"),
        ("x:\n  let a = 1;\n      \"${x}\" = 2;\n  in a", "2:3"),
    ])
    func dynamicAttributesNotAllowedInLet(_ input: String, _ at: String?) {
        if let at {
            expectFailure(input, "dynamic attributes not allowed in let", at: at, scopeCheck: false)
        } else {
            #expect(failureAt(input, scopeCheck: false) == nil, "a static ${\"a\"} is allowed")
        }
    }

    @Test(arguments: [
        ("x: { inherit ${x}; }", "1:14"),
        ("x: { inherit \"${x}\"; }", "1:14"),
        ("x: { inherit (x) a \"b${x}\"; }", "1:20"),
        ("x: let inherit ${x}; in 1", "1:16"),
    ])
    func dynamicAttributesNotAllowedInInherit(_ input: String, _ at: String) {
        expectFailure(input, "dynamic attributes not allowed in inherit", at: at, scopeCheck: false)
    }

    @Test func staticStringsAreAllowedInInherit() throws {
        #expect(try show("x: { inherit \"a\" ${\"b\"}; }") == "(x: { inherit a b; })")
    }

    @Test(arguments: [
        ("./a/", "1:1"),
        ("./a/ + 1", "1:5"),
        ("{\n  src = ./src/;\n}", "2:15"),
        ("/", nil),
        ("./a/${x}/", "1:9"),
        ("~/a/", "1:1"),
        ("x: [ ./a/${x}/ ]", "1:15"),
    ] as [(String, String?)])
    func pathTrailingSlash(_ input: String, _ at: String?) {
        if let at {
            expectFailure(input, "path has a trailing slash", at: at, scopeCheck: false)
        } else {
            #expect(failureAt(input, scopeCheck: false)?.message != "path has a trailing slash")
        }
    }

    @Test func pathWithDoubleSlashIsASyntaxError() {
        // `/a/` `/b` lexes as a path followed by a string part without
        // interpolation, which the grammar (`string_parts_interpolated`) rejects.
        expectFailure("(/a//b)", "syntax error, unexpected end of path, expecting '${'", at: "1:5", scopeCheck: false)
        expectFailure("./a//b", "syntax error, unexpected end of path, expecting '${'", at: "1:1", scopeCheck: false)
    }

    @Test func pathWithDoubleSlashAndInterpolationIsFine() throws {
        #expect(try show("x: /a//b/${x}") == "(x: (/a/ + \"/b/\" + x))")
    }
}

@Suite("Parse errors: undefined variables")
struct UndefinedVariableTests {
    @Test(arguments: [
        ("x: y", "undefined variable 'y'", "1:4"),
        ("{ a = b; }", "undefined variable 'b'", "1:7"),
        ("rec { a = b; }", "undefined variable 'b'", "1:11"),
        ("let a = c; in 1", "undefined variable 'c'", "1:9"),
        ("let { body = x; }", "undefined variable 'x'", "1:14"),
        ("{ a ? b }: a", "undefined variable 'b'", "1:7"),
        ("x: { inherit (y) x; }", "undefined variable 'y'", "1:15"),
        ("x @ { y ? x }: z", "undefined variable 'z'", "1:16"),
        ("let inherit a; in 1", "undefined variable 'a'", "1:13"),
        ("{ inherit \"a\" ${\"b\"}; }", "undefined variable 'a'", "1:11"),
        ("{ ${a} = 1; }", "undefined variable 'a'", "1:5"),
        ("x: x.${y}", "undefined variable 'y'", "1:8"),
        ("x: x ? ${y}", "undefined variable 'y'", "1:10"),
        ("\"${a}\"", "undefined variable 'a'", "1:4"),
        ("./a/${b}", "undefined variable 'b'", "1:7"),
        ("x: x or", "undefined variable 'or'", "1:4"),
        ("1e3", "undefined variable 'e3'", "1:2"),
        ("x: x-1", "undefined variable 'x-1'", "1:4"),
        // `inherit` in a rec set or let takes the name from the enclosing scope.
        ("let x = 1; in rec { inherit x; y = z; }", "undefined variable 'z'", "1:36"),
        ("let {\n  x = {gcc}: { inherit gcc; };\n  body = ({\n    inherit gcc;\n  }).gcc;\n}",
         "undefined variable 'gcc'", "4:13"),
    ])
    func undefinedVariables(_ input: String, _ message: String, _ at: String) {
        expectFailure(input, message, at: at)
    }

    @Test(arguments: [
        "with {}; a + b",
        "x: with x; y",
        "{ a, b ? a }: b",
        "args @ { a ? args }: a",
        "rec { a = b; b = 1; }",
        "let a = b; b = 1; in a",
        "let inherit (builtins) map; in map",
        "x: { inherit x; }",
        "[ true false null builtins import map __sub __lessThan derivation toString ]",
        "{ a = 1; }.a or 2",
    ])
    func boundVariables(_ input: String) {
        #expect(failureAt(input) == nil, "input: \(input)")
    }

    @Test func orDefaultIsScopeChecked() {
        expectFailure("{ }.a or missing", "undefined variable 'missing'", at: "1:10")
    }

    @Test func renderedUndefinedVariable() {
        #expect(rendered("x: y\n") == """
            error: undefined variable 'y'
                   at «stdin»:1:4:
                        1| x: y
                         |    ^
                        2|
            """)
    }

    @Test func firstUndefinedVariableInSourceOrder() {
        // Without names known beforehand, attributes are visited in order of first appearance.
        expectFailure("{ b = x; a = y; }", "undefined variable 'x'", at: "1:7")
    }
}

@Suite("Parse errors: literals")
struct LiteralErrorTests {
    @Test(arguments: ["1.0e400", "1.0e-400", "2.5e-310"])
    func floatOutOfRange(_ literal: String) {
        // CppNix: `strtod` sets ERANGE → "invalid float '…'" at the literal.
        expectFailure("x: [ 1.5 \(literal) ]", "invalid float '\(literal)'", at: "1:10", scopeCheck: false)
    }

    @Test func nulByteInStringIsRejected() throws {
        // CppNix: "input string 'a␀b' cannot be represented as Nix string because it
        // contains null bytes", at the string text.
        let h = ParseHarness()
        do {
            _ = try h.show(bytes: Array("\"a\u{0}b\"".utf8))
            Issue.record("expected an error")
        } catch let d as Diagnostic {
            #expect(d.message == "input string 'a\u{2400}b' cannot be represented as Nix string because it contains null bytes")
            #expect(h.positions.resolve(d.pos).column == 2)
        }
    }

    @Test func nulByteOutsideStringsIsInvalid() {
        expectFailure("1 \u{0} 2", "syntax error, unexpected invalid token, expecting end of file", at: "1:3")
    }
}

@Suite("Parse errors: rendering")
struct RenderingTests {
    @Test func originsInPositions() {
        var h = ParseHarness()
        h.origin = .file("/tmp/x/default.nix")
        let d = h.failure("{ a = 1;\n  a = 2; }", scopeCheck: false)
        #expect(d.map(h.render) == """
            error: attribute 'a' already defined at /tmp/x/default.nix:1:3
                   at /tmp/x/default.nix:2:3:
                        1| { a = 1;
                        2|   a = 2; }
                         |   ^
            """)
        h.origin = .string
        #expect(h.failure("x: y").map(h.render)?.contains("at «string»:1:4:") == true)
    }

    @Test func lineNumbersArePaddedToFiveColumns() {
        // `%5d`: short numbers are right-aligned in five columns, longer ones widen.
        let input = String(repeating: "\n", count: 99_999) + "x: y"
        #expect(rendered(input) == [
            "error: undefined variable 'y'",
            "       at «stdin»:100000:4:",
            "        99999|",
            "        100000| x: y",
            "             |    ^",
        ].joined(separator: "\n"))
        #expect(rendered("\n\n\n\n\n\n\n\n\nx: y")?.contains("\n           10| x: y\n") == true)
    }

    @Test func carriageReturnsEndLines() {
        #expect(failureAt("x: {\r\n  a = y;\r\n}")?.at == "2:7")
        #expect(failureAt("x: {\r  a = y;\r}")?.at == "2:7")
        #expect(rendered("x: {\r  a = y;\r}") == """
            error: undefined variable 'y'
                   at «stdin»:2:7:
                        1| x: {
                        2|   a = y;
                         |       ^
                        3| }
            """)
    }

    @Test func columnsCountBytes() {
        // "é" is two bytes: the column of `y` is 8, not 7.
        #expect(failureAt("\"é\" + y")?.at == "1:8")
    }

    @Test func diagnosticsWithoutPositionRenderOnlyTheMessage() {
        let positions = PositionTable()
        #expect(DiagnosticRenderer.render(Diagnostic("something went wrong"), positions: positions)
                == "error: something went wrong")
    }

    @Test func multiLineMessagesAreIndented() {
        let positions = PositionTable()
        #expect(DiagnosticRenderer.render(Diagnostic("first\nsecond"), positions: positions)
                == "error: first\n       second")
    }

    @Test func positionsOfSeveralSources() throws {
        let h = ParseHarness()
        _ = try h.show("1 + 2")
        let d = h.failure("\n  x: y")
        #expect(d.map(h.render)?.hasPrefix("error: undefined variable 'y'\n       at «stdin»:2:6:") == true)
    }
}

@Suite("Parse errors: deep nesting")
struct DeepNestingTests {
    static let depth = 200_000

    static func parens(_ n: Int) -> String {
        String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)
    }

    /// "ok: <printed>" or "error: <message>"; the process must not crash.
    static func outcome(_ text: String) -> String {
        let h = ParseHarness()
        do {
            let e = try h.parse(text, scopeCheck: true)
            let out = try ASTPrinter(symbols: h.symbols).bytes(e)
            return "ok: " + String(decoding: out, as: UTF8.self)
        } catch let d as Diagnostic {
            return "error: " + d.message
        } catch is ASTPrinter.TooDeep {
            return "error: too deep to print"
        } catch {
            return "other: \(error)"
        }
    }

    @Test func deepParenthesesOnLargeStack() {
        let text = DeepNestingTests.parens(DeepNestingTests.depth)
        let result = runWithLargeStack { DeepNestingTests.outcome(text) }
        #expect(result == "ok: 1" || result == "error: stack overflow; expression nested too deeply", "\(result.prefix(200))")
    }

    @Test func deepParenthesesOnDefaultThread() {
        let result = DeepNestingTests.outcome(DeepNestingTests.parens(DeepNestingTests.depth))
        #expect(result == "ok: 1" || result == "error: stack overflow; expression nested too deeply", "\(result.prefix(200))")
    }

    @Test func tooDeepErrorHasAPosition() {
        let h = ParseHarness()
        let text = DeepNestingTests.parens(2_000_000)
        let d = runWithLargeStack(stackSize: 16 << 20) { h.failure(text) }
        #expect(d?.message == "stack overflow; expression nested too deeply")
        if let d {
            let p = h.positions.resolve(d.pos)
            #expect(p.line == 1 && p.column > 1)
        }
    }

    @Test func deepListsPrint() {
        let n = 100_000
        let text = String(repeating: "[", count: n) + String(repeating: "]", count: n)
        let expected = "ok: " + String(repeating: "[ (", count: n - 1) + "[ ]" + String(repeating: ") ]", count: n - 1)
        let result = runWithLargeStack { DeepNestingTests.outcome(text) }
        #expect(result == expected, "\(result.prefix(200))")
    }

    @Test func deepListsOnDefaultThreadDoNotCrash() {
        let n = 100_000
        let text = String(repeating: "[", count: n) + String(repeating: "]", count: n)
        let result = DeepNestingTests.outcome(text)
        #expect(result.hasPrefix("ok: [ ([ ([ (") || result.hasPrefix("error: "), "\(result.prefix(200))")
    }

    @Test func longFlatInputsAreFine() {
        // Width, not depth: 100,000 list elements and a 100,000-term sum.
        let list = "[" + String(repeating: " 1", count: 100_000) + " ]"
        let listOut = DeepNestingTests.outcome(list)
        #expect(listOut.count == 4 + 2 + 100_000 * 4 + 1)
        #expect(listOut.hasPrefix("ok: [ (1) (1) "))
        // `+` is left-associative: the sum nests 100,000 levels deep on its left.
        let n = 100_000
        let sum = "1" + String(repeating: " + 1", count: n)
        let result = runWithLargeStack { DeepNestingTests.outcome(sum) }
        let expected = "ok: " + String(repeating: "(", count: n) + "1" + String(repeating: " + 1)", count: n)
        let matches = result == expected
        #expect(matches, "got \(result.prefix(80))…\(result.suffix(40))")
    }
}
