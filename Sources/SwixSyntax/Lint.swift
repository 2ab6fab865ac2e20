/// The `lint-*` settings of current Nix: literals that parse but that a project may
/// want flagged (`--lint-absolute-path-literals`, `--lint-short-path-literals`,
/// `--lint-url-literals`, each `ignore`, `warn` or `fatal`).
///
/// They are process-wide, like Nix's settings, because every parse (the command
/// line's file and each `import`) must obey them and report to the same place.
public enum Lint {
    public enum Level: String, Sendable { case ignore, warn, fatal }

    nonisolated(unsafe) public static var absolutePathLiterals = Level.ignore
    nonisolated(unsafe) public static var shortPathLiterals = Level.ignore
    nonisolated(unsafe) public static var urlLiterals = Level.ignore
    /// Receives each warning; the command line renders it with its position table.
    nonisolated(unsafe) public static var warn: (Diagnostic) -> Void = { _ in }

    static var isActive: Bool {
        absolutePathLiterals != .ignore || shortPathLiterals != .ignore || urlLiterals != .ignore
    }
}

extension Parser {
    /// Checks a path literal (its first token, as written) against the lint settings.
    func lintPath(_ literal: ArraySlice<UInt8>, home: Bool, at position: Pos) throws {
        guard Lint.isActive else { return }
        let text = String(decoding: literal, as: UTF8.self)
        if home || literal.first == UInt8(ascii: "/") {
            let kind = home ? "home" : "absolute"
            try report(Lint.absolutePathLiterals,
                       "\(kind) path literals are not portable. Consider replacing path literal '\(text)' by a string, relative path, or parameter (lint-absolute-path-literals)",
                       at: position)
        } else if !text.hasPrefix("./") && !text.hasPrefix("../") {
            try report(Lint.shortPathLiterals,
                       "relative path literal '\(text)' should be prefixed with '.' for clarity: './\(text)' (lint-short-path-literals)",
                       at: position)
        }
    }

    /// Checks an unquoted URL literal against the lint settings.
    func lintURL(_ literal: UnsafeBufferPointer<UInt8>, at position: Pos) throws {
        guard Lint.urlLiterals != .ignore else { return }
        let text = String(decoding: literal, as: UTF8.self)
        let verb = Lint.urlLiterals == .fatal ? "disallowed" : "discouraged"
        try report(Lint.urlLiterals,
                   "URL literals are \(verb). Consider using a string literal \"\(text)\" instead (lint-url-literals)",
                   at: position)
    }

    private func report(_ level: Lint.Level, _ message: String, at position: Pos) throws {
        switch level {
        case .ignore: return
        case .warn: Lint.warn(Diagnostic(message, at: position))
        case .fatal: throw ParseError(message, at: position)
        }
    }
}
