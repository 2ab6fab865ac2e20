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
    /// Context frames, innermost first (printed outermost first).
    public var traces: [TraceFrame]
    /// Names to offer in "Did you mean …?" (already trimmed and ordered).
    public var suggestions: [String]

    public init(_ message: String, at pos: Pos = .none, traces: [TraceFrame] = [], suggestions: [String] = []) {
        self.message = message
        self.pos = pos
        self.traces = traces
        self.suggestions = suggestions
    }
}

/// CppNix's "Did you mean …?" choice: candidates within edit distance 2 of the
/// query, closest first (then alphabetical), at most five.
public enum Suggestions {
    public static func best(_ query: String, among candidates: [String]) -> [String] {
        let q = Array(query.utf8)
        var scored: [(Int, String)] = []
        for c in Set(candidates) {
            scored.append((levenshtein(q, Array(c.utf8)), c))
        }
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8)) }
        return scored.prefix { $0.0 <= 2 }.prefix(5).map(\.1)
    }

    static func levenshtein(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var v0 = Array(0...b.count)
        var v1 = [Int](repeating: 0, count: b.count + 1)
        for i in 0..<a.count {
            v1[0] = i + 1
            for j in 0..<b.count {
                v1[j + 1] = min(v0[j + 1] + 1, v1[j] + 1, a[i] == b[j] ? v0[j] : v0[j] + 1)
            }
            swap(&v0, &v1)
        }
        return v0[b.count]
    }

    /// "x", "one of x or y", "one of x, y or z".
    public static func phrase(_ s: [String]) -> String {
        if s.count == 1 { return s[0] }
        return "one of " + s.dropLast().joined(separator: ", ") + " or " + s.last!
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
    public static func render(_ d: Diagnostic, positions: PositionTable, prefix: String = "error",
                              showTrace: Bool = true) -> String {
        var body: [String] = []
        // Traces print outermost first. Without --show-trace CppNix stops after a
        // few (a frame with a position counts twice).
        var count = 0
        var truncated = false
        // Frames seen since the last "duplicate frames omitted" note, and the
        // repeats waiting to be printed or summarised.
        var seen = Set<String>()
        var skipped: [TraceFrame] = []
        func printFrame(_ frame: TraceFrame) {
            body.append("")
            // A message of several lines keeps its own layout under the padding.
            body.append(contentsOf: ("… " + frame.message).split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            let loc = location(positions.resolve(frame.pos), indent: "  ")
            if !loc.isEmpty { count += 1 }
            body.append(contentsOf: loc)
        }
        func flushSkipped() {
            if skipped.isEmpty { return }
            if skipped.count <= 5 {
                for f in skipped { printFrame(f) }
            } else {
                body.append("")
                body.append("(\(skipped.count) duplicate frames omitted)")
                seen.removeAll()
            }
            skipped.removeAll()
        }
        for frame in d.traces.reversed() where !frame.message.isEmpty {
            if !showTrace && count > 3 {
                truncated = true
                break
            }
            let key = "\(frame.pos.raw)\u{0}\(frame.message)"
            if seen.contains(key) {
                skipped.append(frame)
                continue
            }
            seen.insert(key)
            flushSkipped()
            count += 1
            printFrame(frame)
        }
        flushSkipped()
        if truncated {
            body.append("")
            body.append("(stack trace truncated; use '--show-trace' to show the full, detailed trace)")
        }
        var messageLines = d.message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if !d.traces.isEmpty {
            // After a trace the message gets its own "error:" prefix, indented.
            body.append("")
            messageLines[0] = prefix + ": " + messageLines[0]
        }
        body.append(contentsOf: messageLines)
        body.append(contentsOf: location(positions.resolve(d.pos), indent: ""))
        if !d.suggestions.isEmpty {
            body.append("Did you mean \(Suggestions.phrase(d.suggestions))?")
        }
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
        return terminalText(out.joined(separator: "\n"))
    }

    /// What CppNix's logger does to every message before writing it
    /// (`filterANSIEscapes`): tabs expand to the next multiple of 8 of the display
    /// width counted from the start of the message (newlines count as zero width),
    /// and carriage returns are dropped.
    public static func terminalText(_ s: String) -> String {
        let bytes = Array(s.utf8)
        guard bytes.contains(9) || bytes.contains(13) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var width = 0
        var k = 0
        while k < bytes.count {
            let c = bytes[k]
            if c == 9 {
                repeat {
                    width += 1
                    out.append(32)
                } while width % 8 != 0
                k += 1
            } else if c == 13 {
                k += 1
            } else {
                let (w, n) = displayWidth(bytes, k)
                width += w
                out.append(contentsOf: bytes[k..<(k + n)])
                k += n
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Display width and length in bytes of the UTF-8 character at `k`
    /// (control characters 0, East Asian wide characters 2, combining marks 0).
    static func displayWidth(_ b: [UInt8], _ k: Int) -> (Int, Int) {
        let c = b[k]
        if c < 0x80 { return (c < 0x20 || c == 0x7f ? 0 : 1, 1) }
        var n = 1
        var ch: UInt32
        if c & 0xe0 == 0xc0 { n = 2; ch = UInt32(c & 0x1f) }
        else if c & 0xf0 == 0xe0 { n = 3; ch = UInt32(c & 0x0f) }
        else if c & 0xf8 == 0xf0 { n = 4; ch = UInt32(c & 0x07) }
        else { return (1, 1) }
        for j in 1..<n {
            guard k + j < b.count, b[k + j] & 0xc0 == 0x80 else { return (j, j) }
            ch = ch << 6 | UInt32(b[k + j] & 0x3f)
        }
        switch ch {
        case 0x300...0x36f, 0x200b...0x200f, 0xfe00...0xfe0f: return (0, n)
        case 0x1100...0x115f, 0x2e80...0xa4cf, 0xac00...0xd7a3, 0xf900...0xfaff, 0xfe30...0xfe4f,
             0xff00...0xff60, 0xffe0...0xffe6, 0x1f300...0x1f64f, 0x1f900...0x1f9ff, 0x20000...0x3fffd:
            return (2, n)
        default: return (1, n)
        }
    }

    static func chompRight(_ s: String) -> String {
        var s = Substring(s)
        while let c = s.last, c == " " || c == "\t" || c == "\n" || c == "\r" { s = s.dropLast() }
        return String(s)
    }
}
