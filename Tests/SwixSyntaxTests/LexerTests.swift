import Testing
@testable import SwixSyntax

// The lexer follows CppNix's flex scanner (src/libexpr/lexer.l): longest match
// wins, ties go to the earlier rule (keywords before identifiers).

@Suite("Lexer: identifiers and keywords")
struct LexerIdentifierTests {
    @Test func identifiersWithQuoteAndDash() {
        #expect(toks("foo-bar a' x'' _a-1'") == [
            Tok(.id, 0, 7), Tok(.id, 8, 10), Tok(.id, 11, 14), Tok(.id, 15, 20),
        ])
    }

    @Test func identifierMayNotStartWithDigitDashOrQuote() {
        #expect(kinds("1a") == [.int, .id])
        #expect(kinds("-a") == [.minus, .id])
        #expect(kinds("'a") == [.invalid, .id])
    }

    @Test(arguments: [
        ("if", TokenKind.kwIf), ("then", .kwThen), ("else", .kwElse), ("assert", .kwAssert),
        ("with", .kwWith), ("let", .kwLet), ("in", .kwIn), ("rec", .kwRec),
        ("inherit", .kwInherit), ("or", .kwOr),
    ])
    func keywords(_ word: String, _ kind: TokenKind) {
        #expect(toks(word) == [Tok(kind, 0, word.utf8.count)])
    }

    @Test func keywordPrefixesAreIdentifiers() {
        // Longest match: `iffy` is one identifier, not `if` + `fy`.
        #expect(toks("iffy letter inherited order rec' with-x in_") == [
            Tok(.id, 0, 4), Tok(.id, 5, 11), Tok(.id, 12, 21), Tok(.id, 22, 27),
            Tok(.id, 28, 32), Tok(.id, 33, 39), Tok(.id, 40, 43),
        ])
    }

    @Test func keywordsAreCaseSensitive() {
        #expect(kinds("If THEN Let") == [.id, .id, .id])
    }

    @Test func curPosIsAnIdentifierToken() {
        #expect(toks("__curPos") == [Tok(.id, 0, 8)])
    }
}

@Suite("Lexer: numbers")
struct LexerNumberTests {
    @Test func integers() {
        #expect(toks("0 42 007") == [Tok(.int, 0, 1), Tok(.int, 2, 4), Tok(.int, 5, 8)])
    }

    @Test(arguments: ["1.5", ".5", "1.", "1.5e3", "0.5", "1.5E-3", "2.e+7", ".5e3", "10.25e10"])
    func floats(_ literal: String) {
        #expect(toks(literal) == [Tok(.float, 0, literal.utf8.count)])
    }

    @Test func leadingZeroBeforeFractionSplits() {
        // `(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))…` cannot start `01.5`: int `01`, float `.5`.
        #expect(toks("01.5") == [Tok(.int, 0, 2), Tok(.float, 2, 4)])
        #expect(toks("00.5") == [Tok(.int, 0, 2), Tok(.float, 2, 4)])
    }

    @Test func exponentNeedsAFraction() {
        // `1e3` is the integer 1 followed by the identifier `e3`.
        #expect(toks("1e3") == [Tok(.int, 0, 1), Tok(.id, 1, 3)])
        #expect(toks("1e-3") == [Tok(.int, 0, 1), Tok(.id, 1, 4)])
    }

    @Test func incompleteExponentIsNotPartOfTheFloat() {
        #expect(toks("1.5e") == [Tok(.float, 0, 3), Tok(.id, 3, 4)])
        #expect(toks("1.5e+") == [Tok(.float, 0, 3), Tok(.id, 3, 4), Tok(.plus, 4, 5)])
    }

    @Test func zeroDotIsIntegerThenDot() {
        #expect(toks("0.") == [Tok(.int, 0, 1), Tok(.dot, 1, 2)])
        #expect(toks("0.x") == [Tok(.int, 0, 1), Tok(.dot, 1, 2), Tok(.id, 2, 3)])
    }

    @Test func twoFloatsInARow() {
        #expect(toks("1.5.6") == [Tok(.float, 0, 3), Tok(.float, 3, 5)])
    }

    @Test func negativeNumbersAreMinusThenNumber() {
        #expect(kinds("-1 -1.5") == [.minus, .int, .minus, .float])
    }
}

@Suite("Lexer: paths")
struct LexerPathTests {
    @Test func relativePath() {
        #expect(toks("./a") == [Tok(.path, 0, 3), Tok(.pathEnd, 3, 3)])
    }

    @Test func pathWithoutDotPrefix() {
        #expect(toks("a/b") == [Tok(.path, 0, 3), Tok(.pathEnd, 3, 3)])
        #expect(toks("a.b/c-d_e+f") == [Tok(.path, 0, 11), Tok(.pathEnd, 11, 11)])
    }

    @Test func absolutePath() {
        #expect(toks("/abs/x.nix") == [Tok(.path, 0, 10), Tok(.pathEnd, 10, 10)])
    }

    @Test func parentAndCurrentDirectoryPaths() {
        #expect(toks("./.") == [Tok(.path, 0, 3), Tok(.pathEnd, 3, 3)])
        #expect(toks("../..") == [Tok(.path, 0, 5), Tok(.pathEnd, 5, 5)])
    }

    @Test func homePath() {
        #expect(toks("~/h") == [Tok(.hpath, 0, 3), Tok(.pathEnd, 3, 3)])
        #expect(toks("~/a/b.c") == [Tok(.hpath, 0, 7), Tok(.pathEnd, 7, 7)])
    }

    @Test func numbersAndSignsCanStartPaths() {
        // `1/2` is a path in Nix, not a division.
        #expect(toks("1/2") == [Tok(.path, 0, 3), Tok(.pathEnd, 3, 3)])
        #expect(toks("1.5/a") == [Tok(.path, 0, 5), Tok(.pathEnd, 5, 5)])
        #expect(toks("-a/b") == [Tok(.path, 0, 4), Tok(.pathEnd, 4, 4)])
        #expect(toks("+x/y") == [Tok(.path, 0, 4), Tok(.pathEnd, 4, 4)])
    }

    @Test func divisionNeedsSpaces() {
        #expect(kinds("1 / 2") == [.int, .slash, .int])
        #expect(kinds("a/ b") == [.id, .slash, .id])
    }

    @Test func pathEndsBeforeNonPathCharacter() {
        #expect(toks("./a;") == [Tok(.path, 0, 3), Tok(.pathEnd, 3, 3), Tok(.semicolon, 3, 4)])
        #expect(toks("(./a)") == [
            Tok(.lparen, 0, 1), Tok(.path, 1, 4), Tok(.pathEnd, 4, 4), Tok(.rparen, 4, 5),
        ])
    }

    @Test func interpolationAfterFirstSegment() {
        // `{PATH_SEG}\$\{` wins over `{PATH}`: the path token is `./a/`, then `${`.
        #expect(toks("./a/${x}") == [
            Tok(.path, 0, 4), Tok(.dollarCurly, 4, 6), Tok(.id, 6, 7), Tok(.rbrace, 7, 8),
            Tok(.pathEnd, 8, 8),
        ])
    }

    @Test func interpolationAtPathStart() {
        #expect(toks("./${x}") == [
            Tok(.path, 0, 2), Tok(.dollarCurly, 2, 4), Tok(.id, 4, 5), Tok(.rbrace, 5, 6),
            Tok(.pathEnd, 6, 6),
        ])
        #expect(toks("~/${x}") == [
            Tok(.hpath, 0, 2), Tok(.dollarCurly, 2, 4), Tok(.id, 4, 5), Tok(.rbrace, 5, 6),
            Tok(.pathEnd, 6, 6),
        ])
    }

    @Test func interpolationAfterSeveralSegments() {
        // `a/b/` is a `{PATH}` with a trailing slash (a `{PATH_SEG}` has only one slash).
        #expect(toks("a/b/${x}") == [
            Tok(.path, 0, 4), Tok(.dollarCurly, 4, 6), Tok(.id, 6, 7), Tok(.rbrace, 7, 8),
            Tok(.pathEnd, 8, 8),
        ])
    }

    @Test func textAfterInterpolation() {
        #expect(toks("./a/${x}/b.nix${y}.c") == [
            Tok(.path, 0, 4), Tok(.dollarCurly, 4, 6), Tok(.id, 6, 7), Tok(.rbrace, 7, 8),
            Tok(.str, 8, 14), Tok(.dollarCurly, 14, 16), Tok(.id, 16, 17), Tok(.rbrace, 17, 18),
            Tok(.str, 18, 20), Tok(.pathEnd, 20, 20),
        ])
    }

    @Test func trailingSlashAtEndOfInput() {
        let tokens = lexAll("./a/")
        #expect(tokens.map(\.kind) == [.path, .lexError])
        // At the end of input Nix reports the position of the path itself.
        #expect(tokens.last?.start == 0)
    }

    @Test func trailingSlashBeforeOtherCharacter() {
        let lexer = Lexer(bytes: Array("./a/ + 1".utf8))
        #expect(lexer.next().kind == .path)
        let err = lexer.next()
        #expect(err.kind == .lexError)
        #expect(err.start == 4)
        #expect(lexer.errorMessages[err.start] == "path has a trailing slash")
    }

    @Test func trailingSlashAfterInterpolation() {
        let tokens = lexAll("./a/${x}/")
        #expect(tokens.map(\.kind) == [.path, .dollarCurly, .id, .rbrace, .str, .lexError])
        #expect(tokens.last?.start == 8)
    }

    @Test func lonelyTildeAndSlashes() {
        #expect(kinds("~") == [.invalid])
        #expect(kinds("/") == [.slash])
        #expect(kinds("//a") == [.update, .id])
        #expect(kinds("a//b") == [.id, .update, .id])
    }
}

@Suite("Lexer: search paths and URIs")
struct LexerSearchPathURITests {
    @Test func searchPaths() {
        #expect(toks("<nixpkgs>") == [Tok(.spath, 0, 9)])
        #expect(toks("<nixpkgs/lib>") == [Tok(.spath, 0, 13)])
        #expect(toks("<a.b-c+d_e>") == [Tok(.spath, 0, 11)])
    }

    @Test func incompleteSearchPathsAreComparisons() {
        #expect(kinds("<a") == [.less, .id])
        #expect(kinds("<>") == [.less, .greater])
        #expect(kinds("a < b") == [.id, .less, .id])
        #expect(kinds("<a/>") == [.less, .id, .slash, .greater])
    }

    @Test func uris() {
        #expect(toks("x:x") == [Tok(.uri, 0, 3)])
        #expect(toks("http://a.b/c") == [Tok(.uri, 0, 12)])
        #expect(toks("git+ssh://git@host/r.git?ref=a&rev=b") == [Tok(.uri, 0, 36)])
        #expect(toks("a.b-c:d") == [Tok(.uri, 0, 7)])
    }

    @Test func colonWithoutURIBodyIsNoURI() {
        #expect(kinds("x: x") == [.id, .colon, .id])
        #expect(kinds("x:") == [.id, .colon])
        #expect(kinds("x:{") == [.id, .colon, .lbrace])
    }

    @Test func uriEndsAtNonURICharacter() {
        #expect(toks("[http://a/b]") == [Tok(.lbracket, 0, 1), Tok(.uri, 1, 11), Tok(.rbracket, 11, 12)])
    }
}

@Suite("Lexer: operators and punctuation")
struct LexerOperatorTests {
    @Test(arguments: [
        ("->", TokenKind.impl), ("//", .update), ("++", .concat), ("|>", .pipeInto), ("<|", .pipeFrom),
        ("...", .ellipsis), ("==", .eq), ("!=", .neq), ("<=", .leq), (">=", .geq), ("&&", .and),
        ("||", .or), ("${", .dollarCurly),
    ])
    func twoAndThreeCharacterOperators(_ op: String, _ kind: TokenKind) {
        let t = toks(op)
        #expect(t.first == Tok(kind, 0, op.utf8.count))
    }

    @Test(arguments: [
        ("<", TokenKind.less), (">", .greater), ("+", .plus), ("-", .minus), ("*", .star), ("/", .slash),
        ("?", .question), (":", .colon), ("@", .at), (";", .semicolon), ("!", .bang), (".", .dot),
        ("(", .lparen), (")", .rparen), ("{", .lbrace), ("}", .rbrace), ("[", .lbracket), ("]", .rbracket),
        ("=", .assign), (",", .comma), ("\"", .quote),
    ])
    func singleCharacterOperators(_ op: String, _ kind: TokenKind) {
        #expect(toks(op).first == Tok(kind, 0, 1))
    }

    @Test func operatorsWithoutSpaces() {
        #expect(kinds("a -> b") == [.id, .impl, .id])
        // `-` is an identifier character: `a->b` is `a-` `>` `b`.
        #expect(toks("a->b") == [Tok(.id, 0, 2), Tok(.greater, 2, 3), Tok(.id, 3, 4)])
        #expect(kinds("a-1") == [.id])
        #expect(kinds("a++b") == [.id, .concat, .id])
        #expect(kinds("a|>f") == [.id, .pipeInto, .id])
        #expect(kinds("f<|a") == [.id, .pipeFrom, .id])
        #expect(kinds("a==b") == [.id, .eq, .id])
        #expect(kinds("!a") == [.bang, .id])
        #expect(kinds("a.b") == [.id, .dot, .id])
        #expect(kinds("{...}") == [.lbrace, .ellipsis, .rbrace])
    }

    @Test func singleAmpersandAndBarAreInvalid() {
        #expect(kinds("&") == [.invalid])
        #expect(kinds("|") == [.invalid])
        #expect(kinds("$") == [.invalid])
    }

    @Test func tokenDisplayNames() {
        #expect(TokenKind.int.displayName == "integer")
        #expect(TokenKind.float.displayName == "floating-point literal")
        #expect(TokenKind.eof.displayName == "end of file")
        #expect(TokenKind.hpath.displayName == "'~/…' path")
        #expect(TokenKind.spath.displayName == "'<…>' path")
        #expect(TokenKind.dollarCurly.displayName == "'${'")
        #expect(TokenKind.indStringOpen.displayName == "start of an indented string")
        #expect(TokenKind.kwOr.displayName == "'or'")
        #expect(TokenKind.invalid.displayName == "invalid token")
    }

    @Test func tokenOrderFollowsBison() {
        // Expected-token lists are sorted by raw value, like Bison's symbol numbers.
        #expect(TokenKind.id.rawValue < TokenKind.kwOr.rawValue)
        #expect(TokenKind.kwOr.rawValue < TokenKind.dollarCurly.rawValue)
        #expect(TokenKind.dollarCurly.rawValue < TokenKind.quote.rawValue)
        #expect(TokenKind.rbrace.rawValue < TokenKind.comma.rawValue)
        #expect(TokenKind.colon.rawValue < TokenKind.at.rawValue)
    }
}

@Suite("Lexer: strings")
struct LexerStringTests {
    @Test func plainString() {
        #expect(toks("\"abc\"") == [Tok(.quote, 0, 1), Tok(.str, 1, 4), Tok(.quote, 4, 5)])
    }

    @Test func emptyString() {
        #expect(toks("\"\"") == [Tok(.quote, 0, 1), Tok(.quote, 1, 2)])
    }

    @Test func interpolation() {
        #expect(toks("\"a${b}c\"") == [
            Tok(.quote, 0, 1), Tok(.str, 1, 2), Tok(.dollarCurly, 2, 4), Tok(.id, 4, 5),
            Tok(.rbrace, 5, 6), Tok(.str, 6, 7), Tok(.quote, 7, 8),
        ])
    }

    @Test func nestedBracesInsideInterpolation() {
        #expect(kinds("\"${ { a = 1; }.a }\"") == [
            .quote, .dollarCurly, .lbrace, .id, .assign, .int, .semicolon, .rbrace, .dot, .id, .rbrace, .quote,
        ])
    }

    @Test func nestedStringInsideInterpolation() {
        #expect(kinds("\"a${\"b${c}\"}d\"") == [
            .quote, .str, .dollarCurly, .quote, .str, .dollarCurly, .id, .rbrace, .quote, .rbrace, .str, .quote,
        ])
    }

    @Test func doubleDollarIsLiteral() {
        // `$$` matches `\$[^\{\"\\]`, so `$${x}` is all text.
        #expect(toks("\"$${x}\"") == [Tok(.quote, 0, 1), Tok(.str, 1, 6), Tok(.quote, 6, 7)])
    }

    @Test func escapedDollarCurly() {
        #expect(toks("\"\\${x}\"") == [Tok(.quote, 0, 1), Tok(.str, 1, 6), Tok(.quote, 6, 7)])
    }

    @Test func dollarBeforeClosingQuote() {
        #expect(toks("\"a$\"") == [Tok(.quote, 0, 1), Tok(.str, 1, 3), Tok(.quote, 3, 4)])
        #expect(toks("\"$\"") == [Tok(.quote, 0, 1), Tok(.str, 1, 2), Tok(.quote, 2, 3)])
    }

    @Test func escapesStayInOneToken() {
        let src = #""a\"b\\c\n\${""#
        #expect(toks(src) == [Tok(.quote, 0, 1), Tok(.str, 1, 13), Tok(.quote, 13, 14)])
    }

    @Test func unterminatedStringEndsWithEOF() {
        #expect(kinds("\"abc") == [.quote, .str])
        #expect(kinds("\"a$") == [.quote, .str])
    }

    @Test func stringsDoNotContainComments() {
        #expect(toks("\"# not /* a */ comment\"") == [Tok(.quote, 0, 1), Tok(.str, 1, 22), Tok(.quote, 22, 23)])
    }
}

@Suite("Lexer: indented strings")
struct LexerIndentedStringTests {
    func flavors(_ text: String) -> [IndStrFlavor?] {
        lexAll(text).filter { $0.kind == .indStr }.map { IndStrFlavor(rawValue: $0.flavor) }
    }

    @Test func openingTokenSwallowsFirstNewline() {
        // `\'\'(\ *\n)?`: spaces and the newline after `''` belong to the opener.
        #expect(toks("''  \n  a\n''") == [
            Tok(.indStringOpen, 0, 5), Tok(.indStr, 5, 9), Tok(.indStringClose, 9, 11),
        ])
        #expect(toks("''  a''") == [Tok(.indStringOpen, 0, 2), Tok(.indStr, 2, 5), Tok(.indStringClose, 5, 7)])
    }

    @Test func escapedDollar() {
        #expect(toks("''''$''") == [
            Tok(.indStringOpen, 0, 2), Tok(.indStr, 2, 5), Tok(.indStringClose, 5, 7),
        ])
        #expect(flavors("''''$''") == [.dollar])
    }

    @Test func escapedQuotes() {
        #expect(toks("'''''''") == [
            Tok(.indStringOpen, 0, 2), Tok(.indStr, 2, 5), Tok(.indStringClose, 5, 7),
        ])
        #expect(flavors("'''''''") == [.quotes])
    }

    @Test func escapedCharacter() {
        #expect(toks("''''\\n''") == [
            Tok(.indStringOpen, 0, 2), Tok(.indStr, 2, 6), Tok(.indStringClose, 6, 8),
        ])
        #expect(flavors("''a''\\tb''") == [.raw, .escape, .raw])
    }

    @Test func escapedCarriageReturnIsOneCharacter() {
        // `\'\'\\{ANY}` takes exactly one character after `''\`: a CR, not CR LF.
        // The LF starts the next text token (and so a new line for indentation).
        #expect(toks("''''\\\r\n''") == [
            Tok(.indStringOpen, 0, 2), Tok(.indStr, 2, 6), Tok(.indStr, 6, 7), Tok(.indStringClose, 7, 9),
        ])
    }

    @Test func escapedNewline() {
        #expect(toks("''''\\\n''") == [
            Tok(.indStringOpen, 0, 2), Tok(.indStr, 2, 6), Tok(.indStringClose, 6, 8),
        ])
    }

    @Test func interpolation() {
        #expect(toks("''a${b}c''") == [
            Tok(.indStringOpen, 0, 2), Tok(.indStr, 2, 3), Tok(.dollarCurly, 3, 5), Tok(.id, 5, 6),
            Tok(.rbrace, 6, 7), Tok(.indStr, 7, 8), Tok(.indStringClose, 8, 10),
        ])
    }

    @Test func singleQuotesAndDollarsInText() {
        // `'a` and `$a` are ordinary text; `$$` too.
        #expect(toks("''it's $a $$ ''") == [
            Tok(.indStringOpen, 0, 2), Tok(.indStr, 2, 13), Tok(.indStringClose, 13, 15),
        ])
    }

    @Test func loneQuoteBeforeDollarCurly() {
        // `'${` : the run cannot take `'$`, so a lone `'`, then the interpolation.
        let t = lexAll("'''${x}''")
        #expect(t.map(\.kind) == [.indStringOpen, .indStr, .dollarCurly, .id, .rbrace, .indStringClose, .eof])
        #expect(IndStrFlavor(rawValue: t[1].flavor) == .quote)
    }

    @Test func doubleDollarBeforeCurly() {
        // `$$` matches `\$[^\{\']`, so `$${x}` is one run of text.
        #expect(toks("''$${x}''") == [Tok(.indStringOpen, 0, 2), Tok(.indStr, 2, 7), Tok(.indStringClose, 7, 9)])
        #expect(flavors("''$${x}''") == [.raw])
    }

    @Test func doubleQuotesAreText() {
        #expect(toks("''\"a\"''") == [Tok(.indStringOpen, 0, 2), Tok(.indStr, 2, 5), Tok(.indStringClose, 5, 7)])
    }

    @Test func unterminated() {
        #expect(kinds("''abc") == [.indStringOpen, .indStr])
    }
}

@Suite("Lexer: whitespace and comments")
struct LexerCommentTests {
    @Test func lineComment() {
        #expect(toks("# comment\n1 # more") == [Tok(.int, 10, 11)])
    }

    @Test func lineCommentEndsAtCarriageReturn() {
        #expect(toks("#c\r1") == [Tok(.int, 3, 4)])
    }

    @Test func blockComment() {
        #expect(toks("/* a\n b */ 1 /**/ 2 /* * / */") == [Tok(.int, 11, 12), Tok(.int, 18, 19)])
    }

    @Test func blockCommentsDoNotNest() {
        #expect(kinds("/* /* */ 1 */") == [.int, .star, .slash])
    }

    @Test func unterminatedBlockCommentIsSlashStar() {
        #expect(toks("/* x") == [Tok(.slash, 0, 1), Tok(.star, 1, 2), Tok(.id, 3, 4)])
    }

    @Test func whitespaceKinds() {
        #expect(toks(" \t\r\n1") == [Tok(.int, 4, 5)])
    }

    @Test func emptyInput() {
        #expect(toks("") == [])
        #expect(lexAll("").map { Tok($0.kind, Int($0.start), Int($0.end)) } == [Tok(.eof, 0, 0)])
        #expect(lexAll("  # only a comment").map(\.kind) == [.eof])
    }

    @Test func eofRepeats() {
        let lexer = Lexer(bytes: Array("x".utf8))
        #expect(lexer.next().kind == .id)
        #expect(lexer.next().kind == .eof)
        #expect(lexer.next().kind == .eof)
    }
}

@Suite("Lexer: invalid input")
struct LexerInvalidTests {
    @Test func invalidBytes() {
        #expect(toks("`") == [Tok(.invalid, 0, 1)])
        #expect(toks("\u{7f}") == [Tok(.invalid, 0, 1)])
        #expect(toks("%") == [Tok(.invalid, 0, 1)])
        #expect(toks("\\") == [Tok(.invalid, 0, 1)])
    }

    @Test func nonASCIIBytesAreInvalidOneByOne() {
        // "é" is two UTF-8 bytes; each is an invalid token of its own.
        #expect(toks("é") == [Tok(.invalid, 0, 1), Tok(.invalid, 1, 2)])
    }

    @Test func nonASCIIInsideStringsIsText() {
        #expect(toks("\"é\"") == [Tok(.quote, 0, 1), Tok(.str, 1, 3), Tok(.quote, 3, 4)])
    }

    @Test func lexingContinuesAfterInvalidToken() {
        #expect(kinds("1 ` 2") == [.int, .invalid, .int])
    }

    @Test func tokenTextHelper() {
        let src = "let x = ./a/b; in x"
        let t = lexAll(src)
        #expect(t.map { text(of: $0, in: src) }.prefix(4) == ["let", "x", "=", "./a/b"])
    }
}
