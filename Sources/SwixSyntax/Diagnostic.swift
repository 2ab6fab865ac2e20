/// One line of context under an error: `… while evaluating …` with an optional position.
public struct TraceFrame: Sendable {
    public var message: String
    public var pos: Pos
    public init(_ message: String, pos: Pos = .none) {
        self.message = message
        self.pos = pos
    }
}

/// An error with a position, rendered in CppNix's shape:
///
///     error: <message>
///            at <origin>:<line>:<col>:
///                 2| previous line
///                 3| offending line
///                  |     ^
///                 4| next line
public struct Diagnostic: Error, Sendable {
    public var message: String
    public var pos: Pos
    public var traces: [TraceFrame]

    public init(_ message: String, at pos: Pos = .none, traces: [TraceFrame] = []) {
        self.message = message
        self.pos = pos
        self.traces = traces
    }
}

public typealias ParseError = Diagnostic

public enum DiagnosticRenderer {
    /// `%5d`: right-aligned line numbers, at least five wide.
    static func pad(_ n: Int) -> String {
        let s = String(n)
        return s.count >= 5 ? s : String(repeating: " ", count: 5 - s.count) + s
    }

    /// The `at …:` line and the code excerpt for a position (empty when unknown).
    public static func location(_ pos: ResolvedPos, indent: String) -> [String] {
        guard let source = pos.source else { return [] }
        var lines = ["\(indent)at \(pos.description):"]
        if pos.line > 1, let prev = source.lineText(pos.line - 1) {
            lines.append(" \(pad(pos.line - 1))| " + String(decoding: prev, as: UTF8.self))
        }
        if let cur = source.lineText(pos.line) {
            lines.append(" \(pad(pos.line))| " + String(decoding: cur, as: UTF8.self))
            if pos.column > 0 {
                lines.append("      |" + String(repeating: " ", count: pos.column) + "^")
            }
            if let next = source.lineText(pos.line + 1) {
                lines.append(" \(pad(pos.line + 1))| " + String(decoding: next, as: UTF8.self))
            }
        }
        return lines
    }

    /// The full text Nix prints for an error (without a trailing newline).
    public static func render(_ d: Diagnostic, positions: PositionTable, prefix: String = "error") -> String {
        var body: [String] = []
        for frame in d.traces.reversed() where !frame.message.isEmpty {
            body.append("")
            body.append("… " + frame.message)
            let loc = location(positions.resolve(frame.pos), indent: "  ")
            if !loc.isEmpty {
                body.append(contentsOf: loc)
                body.append("")
            }
        }
        if !d.traces.isEmpty { body.append("") }
        let messageLines = d.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        body.append(contentsOf: messageLines)
        body.append(contentsOf: location(positions.resolve(d.pos), indent: ""))
        // Every line after the first is indented under the "error: " prefix, and
        // trailing blanks are dropped, as CppNix's `indent` + `chomp` do.
        let head = prefix + ": "
        let pad = String(repeating: " ", count: head.count)
        var out: [String] = []
        for (k, line) in body.enumerated() {
            let full = (k == 0 ? head : pad) + line
            out.append(chompRight(full))
        }
        while let last = out.last, last.isEmpty { out.removeLast() }
        return out.joined(separator: "\n")
    }

    static func chompRight(_ s: String) -> String {
        var s = Substring(s)
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
