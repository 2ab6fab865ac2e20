/// Strings, indented strings and paths, with their interpolations
/// (Grammar/nix.ebnf §Strings and §Paths).
extension Parser {
    /// The contents of a `"…"` string or `"…"` attribute name: either plain text or
    /// a list of parts to concatenate (CppNix's `ToBeStringyExpr`).
    enum StringBody {
        case plain([UInt8])
        case interpolated([StringPart], Pos)

        func toExpr() -> Expr {
            switch self {
            case .plain(let b): return .string(b)
            case .interpolated(let parts, let p): return .concatStrings(parts, forceString: true, p)
            }
        }
    }

    /// Parses the inside of a double-quoted string after its opening quote, and the closing quote.
    func parseStringBody(open: Token) throws -> StringBody {
        var parts: [StringPart] = []
        var firstText: [UInt8]?
        var start = Pos.none
        while true {
            let t = peek()
            switch t.kind {
            case .quote:
                advance()
                if parts.isEmpty { return .plain(firstText ?? []) }
                return .interpolated(parts, start)
            case .str:
                advance()
                if start.isNone { start = pos(t) }
                let text = unescape(bytes(t))
                if parts.isEmpty && firstText == nil && peek().kind == .quote {
                    firstText = text
                } else {
                    parts.append(StringPart(pos: pos(t), expr: .string(text)))
                }
            case .dollarCurly:
                advance()
                if start.isNone { start = pos(t) }
                let e = try parseExpr()
                try expect(.rbrace, [.rbrace])
                parts.append(StringPart(pos: pos(t), expr: e))
            default:
                throw syntaxError(t, expecting: [.quote])
            }
        }
    }

    /// Escapes of double-quoted strings: `\n \r \t`, `\c` is `c`; a raw CR or CR LF is LF.
    func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        // Most strings have no escapes and no carriage returns: copy them whole.
        var plain = true
        for c in raw where c == 92 || c == 13 { plain = false; break }
        if plain { return Array(raw) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        let end = raw.count
        while k < end {
            let c = raw[k]
            k += 1
            if c == 92 && k < end {
                let e = raw[k]
                k += 1
                switch e {
                case 110: out.append(10)
                case 114: out.append(13)
                case 116: out.append(9)
                default: out.append(e)
                }
            } else if c == 13 {
                out.append(10)
                if k < end && raw[k] == 10 { k += 1 }
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// A piece of an indented string before indentation stripping.
    enum IndPart {
        case text([UInt8], hasIndentation: Bool)
        case interpolation(Expr)
    }

    /// `''…''` after the opening token.
    func parseIndentedString(open: Token) throws -> Expr {
        var parts: [(Pos, IndPart)] = []
        while true {
            let t = peek()
            switch t.kind {
            case .indStringClose:
                advance()
                return stripIndentation(pos(open), parts)
            case .indStr:
                advance()
                let flavor = IndStrFlavor(rawValue: t.flavor) ?? .raw
                switch flavor {
                case .raw: parts.append((pos(t), .text(Array(bytes(t)), hasIndentation: true)))
                case .dollar: parts.append((pos(t), .text([36], hasIndentation: false)))
                case .quotes: parts.append((pos(t), .text([39, 39], hasIndentation: false)))
                case .quote: parts.append((pos(t), .text([39], hasIndentation: false)))
                case .escape: parts.append((pos(t), .text(unescape(UnsafeBufferPointer(rebasing: bytes(t).dropFirst(2))), hasIndentation: false)))
                }
            case .dollarCurly:
                advance()
                let e = try parseExpr()
                try expect(.rbrace, [.rbrace])
                parts.append((pos(t), .interpolation(e)))
            default:
                throw syntaxError(t, expecting: [.indStr, .dollarCurly, .indStringClose])
            }
        }
    }

    /// Removes the common leading indentation, as CppNix's `stripIndentation`:
    /// whitespace-only last lines don't count, interpolations and escapes end the
    /// leading whitespace of their line, and a final whitespace-only line is dropped.
    func stripIndentation(_ startPos: Pos, _ parts: [(Pos, IndPart)]) -> Expr {
        if parts.isEmpty { return .string([]) }
        var atStartOfLine = true
        var minIndent = 1_000_000
        var curIndent = 0
        for (_, part) in parts {
            guard case .text(let s, let hasIndentation) = part, hasIndentation else {
                if atStartOfLine {
                    atStartOfLine = false
                    minIndent = min(minIndent, curIndent)
                }
                continue
            }
            for c in s {
                if atStartOfLine {
                    if c == 32 {
                        curIndent += 1
                    } else if c == 10 {
                        curIndent = 0
                    } else {
                        atStartOfLine = false
                        minIndent = min(minIndent, curIndent)
                    }
                } else if c == 10 {
                    atStartOfLine = true
                    curIndent = 0
                }
            }
        }

        var out: [StringPart] = []
        atStartOfLine = true
        var curDropped = 0
        var remaining = parts.count
        for (p, part) in parts {
            defer { remaining -= 1 }
            switch part {
            case .interpolation(let e):
                atStartOfLine = false
                curDropped = 0
                out.append(StringPart(pos: p, expr: e))
            case .text(let t, _):
                var s2: [UInt8] = []
                s2.reserveCapacity(t.count)
                for c in t {
                    if atStartOfLine {
                        if c == 32 {
                            if curDropped >= minIndent { s2.append(c) }
                            curDropped += 1
                        } else if c == 10 {
                            curDropped = 0
                            s2.append(c)
                        } else {
                            atStartOfLine = false
                            curDropped = 0
                            s2.append(c)
                        }
                    } else {
                        s2.append(c)
                        if c == 10 { atStartOfLine = true }
                    }
                }
                if remaining == 1, let nl = s2.lastIndex(of: 10), s2[(nl + 1)...].allSatisfy({ $0 == 32 }) {
                    s2.removeSubrange((nl + 1)...)
                }
                if !s2.isEmpty { out.append(StringPart(pos: p, expr: .string(s2))) }
            }
        }
        if out.isEmpty { return .string([]) }
        if out.count == 1, case .string = out[0].expr { return out[0].expr }
        return .concatStrings(out, forceString: true, startPos)
    }

    // MARK: Paths

    /// `path_start PATH_END` or `path_start string_parts_interpolated PATH_END`.
    func parsePath() throws -> Expr {
        let t = advance()
        let literal = Array(bytes(t))[...]
        let start: Expr
        if t.kind == .hpath {
            start = .path(Array(homeDirectory.utf8) + literal.dropFirst())
        } else if literal.first == 47 {
            start = .path(Parser.canonicalize(literal, trailingSlash: literal.count > 1 && literal.last == 47))
        } else {
            let combined = Array(source.baseDirectory.utf8) + [47] + literal
            start = .path(Parser.canonicalize(combined[...], trailingSlash: literal.count > 1 && literal.last == 47))
        }
        if peek().kind == .pathEnd {
            advance()
            return start
        }
        var parts = [StringPart(pos: pos(t), expr: start)]
        while true {
            let p = peek()
            switch p.kind {
            case .pathEnd:
                advance()
                return .concatStrings(parts, forceString: false, pos(t))
            case .str:
                advance()
                parts.append(StringPart(pos: pos(p), expr: .string(Array(bytes(p)))))
            case .dollarCurly:
                advance()
                let e = try parseExpr()
                try expect(.rbrace, [.rbrace])
                parts.append(StringPart(pos: pos(p), expr: e))
            default:
                throw syntaxError(p, expecting: [.str, .pathEnd, .dollarCurly])
            }
        }
    }

    /// Lexical canonicalisation of an absolute path (CppNix's `CanonPath`): no empty
    /// or `.` segments, `..` removes the previous segment, no trailing slash unless asked.
    public static func canonicalize(_ path: ArraySlice<UInt8>, trailingSlash: Bool) -> [UInt8] {
        var segments: [ArraySlice<UInt8>] = []
        var k = path.startIndex
        let end = path.endIndex
        while k < end {
            while k < end && path[k] == 47 { k += 1 }
            let s = k
            while k < end && path[k] != 47 { k += 1 }
            if s == k { break }
            let seg = path[s..<k]
            if seg.count == 1 && seg.first == 46 { continue }
            if seg.count == 2 && seg.first == 46 && seg.last == 46 {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(seg)
        }
        var out: [UInt8] = []
        out.reserveCapacity(path.count)
        for seg in segments {
            out.append(47)
            out.append(contentsOf: seg)
        }
        if out.isEmpty { out.append(47) }
        if trailingSlash && out != [47] { out.append(47) }
        return out
    }
}
