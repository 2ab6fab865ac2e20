import Foundation
import SwixSyntax

// Shared helpers for the SwixSyntax tests.

/// One lexed token in a form that is easy to compare.
struct Tok: Equatable, CustomStringConvertible {
    var kind: TokenKind
    var start: Int
    var end: Int

    init(_ kind: TokenKind, _ start: Int, _ end: Int) {
        self.kind = kind
        self.start = start
        self.end = end
    }

    var description: String { "\(kind)[\(start)..<\(end)]" }
}

/// All tokens of `text` up to (and including) the first `.eof` or `.lexError`.
func lexAll(_ text: String, limit: Int = 10_000) -> [Token] {
    let lexer = Lexer(bytes: Array(text.utf8))
    var out: [Token] = []
    for _ in 0..<limit {
        let t = lexer.next()
        out.append(t)
        if t.kind == .eof || t.kind == .lexError { break }
    }
    return out
}

/// Token kinds of `text`, without the final `.eof`.
func kinds(_ text: String) -> [TokenKind] {
    var k = lexAll(text).map(\.kind)
    if k.last == .eof { k.removeLast() }
    return k
}

/// Tokens with their byte ranges, without the final `.eof`.
func toks(_ text: String) -> [Tok] {
    var t = lexAll(text).map { Tok($0.kind, Int($0.start), Int($0.end)) }
    if t.last?.kind == .eof { t.removeLast() }
    return t
}

/// The source text a token covers.
func text(of token: Token, in source: String) -> String {
    let bytes = Array(source.utf8)
    return String(decoding: bytes[Int(token.start)..<Int(token.end)], as: UTF8.self)
}

/// Everything a parse needs, kept together so that diagnostics can be rendered.
struct ParseHarness {
    let symbols = SymbolTable()
    let positions = PositionTable()
    var baseDirectory = "/base"
    var homeDirectory = "/home/u"
    var origin: SourceOrigin = .stdin

    /// Parses `text`; with `scopeCheck`, also rejects undefined variables as `--parse` does.
    func parse(_ text: String, scopeCheck: Bool = false) throws -> Expr {
        try parse(bytes: Array(text.utf8), scopeCheck: scopeCheck)
    }

    func parse(bytes: [UInt8], scopeCheck: Bool = false) throws -> Expr {
        let source = Source(origin: origin, bytes: bytes, baseDirectory: baseDirectory)
        positions.add(source)
        let expr = try Parser(source: source, symbols: symbols, homeDirectory: homeDirectory).parse()
        if scopeCheck { try ScopeChecker(symbols: symbols).check(expr) }
        return expr
    }

    /// The `nix-instantiate --parse` text of `text`.
    func show(_ text: String, scopeCheck: Bool = false) throws -> String {
        try show(bytes: Array(text.utf8), scopeCheck: scopeCheck)
    }

    func show(bytes: [UInt8], scopeCheck: Bool = false) throws -> String {
        ASTPrinter(symbols: symbols).print(try parse(bytes: bytes, scopeCheck: scopeCheck))
    }

    func render(_ d: Diagnostic) -> String {
        DiagnosticRenderer.render(d, positions: positions)
    }

    /// The diagnostic for `text` (parse errors and, with `scopeCheck`, undefined
    /// variables), or nil when it parses.
    func failure(_ text: String, scopeCheck: Bool = true) -> Diagnostic? {
        do {
            _ = try parse(text, scopeCheck: scopeCheck)
            return nil
        } catch let d as Diagnostic {
            return d
        } catch {
            return Diagnostic("unexpected error type: \(error)")
        }
    }

    /// Message and `line:column` of the failure for `text`.
    func failureAt(_ text: String, scopeCheck: Bool = true) -> (message: String, at: String)? {
        guard let d = failure(text, scopeCheck: scopeCheck) else { return nil }
        let p = positions.resolve(d.pos)
        return (d.message, "\(p.line):\(p.column)")
    }
}

/// `show` with a fresh harness (base directory `/base`, home `/home/u`).
func show(_ text: String, scopeCheck: Bool = false) throws -> String {
    try ParseHarness().show(text, scopeCheck: scopeCheck)
}

/// Message and `line:column` of the error for `text`, with a fresh harness.
func failureAt(_ text: String, scopeCheck: Bool = true) -> (message: String, at: String)? {
    ParseHarness().failureAt(text, scopeCheck: scopeCheck)
}

/// The rendered error for `text` (stdin origin), with a fresh harness.
func rendered(_ text: String, scopeCheck: Bool = true) -> String? {
    let h = ParseHarness()
    return h.failure(text, scopeCheck: scopeCheck).map(h.render)
}
