/// The `lint-*` settings of current Nix: literals that parse but that a project may
/// want flagged (`--lint-absolute-path-literals`, `--lint-short-path-literals`,
/// `--lint-url-literals`, each `ignore`, `warn` or `fatal`).
///
/// Every parse of a run (the command line's file and each `import`) must obey the
/// same settings and report to the same place: the command line gives them to its
/// parser and to the evaluator, which gives them to the parsers of imports. (Not
/// process-wide: runs in one process, such as tests, keep their own.)
public struct Lint {
    public enum Level: String, Sendable { case ignore, warn, fatal }

    public var absolutePathLiterals = Level.ignore
    public var shortPathLiterals = Level.ignore
    public var urlLiterals = Level.ignore
    /// Receives each warning; the command line renders it with its position table.
    public var warn: (Diagnostic) -> Void = { _ in }

    public init() {}

    var isActive: Bool {
        absolutePathLiterals != .ignore || shortPathLiterals != .ignore || urlLiterals != .ignore
    }
}

extension Parser {
    /// Checks a path literal (its first token, as written) against the lint settings.
    func lintPath(_ literal: ArraySlice<UInt8>, home: Bool, at position: Pos) throws {
        guard lint.isActive else { return }
        let text = String(decoding: literal, as: UTF8.self)
        if home || literal.first == UInt8(ascii: "/") {
            let kind = home ? "home" : "absolute"
            try report(lint.absolutePathLiterals,
                       "\(kind) path literals are not portable. Consider replacing path literal '\(text)' by a string, relative path, or parameter (lint-absolute-path-literals)",
                       at: position)
        } else if !text.hasPrefix("./") && !text.hasPrefix("../") {
            try report(lint.shortPathLiterals,
                       "relative path literal '\(text)' should be prefixed with '.' for clarity: './\(text)' (lint-short-path-literals)",
                       at: position)
        }
    }

    /// Checks an unquoted URL literal against the lint settings.
    func lintURL(_ literal: UnsafeBufferPointer<UInt8>, at position: Pos) throws {
        guard lint.urlLiterals != .ignore else { return }
        let text = String(decoding: literal, as: UTF8.self)
        let verb = lint.urlLiterals == .fatal ? "disallowed" : "discouraged"
        try report(lint.urlLiterals,
                   "URL literals are \(verb). Consider using a string literal \"\(text)\" instead (lint-url-literals)",
                   at: position)
    }

    private func report(_ level: Lint.Level, _ message: String, at position: Pos) throws {
        switch level {
        case .ignore: return
        case .warn: lint.warn(Diagnostic(message, at: position))
        case .fatal: throw ParseError(message, at: position)
        }
    }
}
