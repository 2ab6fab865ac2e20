/// Strings, indented strings and paths, with their interpolations
/// (Grammar/nix.ebnf §Strings and §Paths).
extension Parser {
    /// The contents of a `"…"` string or `"…"` attribute name: either plain text or
    /// a list of parts to concatenate (CppNix's `ToBeStringyExpr`).
    enum StringBody {
        /// Plain text: offset and length in the tree's byte pool.
        case plain(UInt32, UInt32)
        case interpolated([(Pos, NodeRef)], Pos)

        func toNode(_ p: Parser) -> NodeRef {
            switch self {
            case .plain(let o, let n): return p.node(.string, .none, a: o, b: n)
            case .interpolated(let parts, let pos): return p.concat(parts, forceString: true, pos)
            }
        }
    }

    /// Parses the inside of a double-quoted string after its opening quote, and the closing quote.
    func parseStringBody(open: Token) throws -> StringBody {
        var parts: [(Pos, NodeRef)] = []
        var start = Pos.none
        while true {
            let t = peek()
            switch t.kind {
            case .quote:
                advance()
                if parts.isEmpty { return .plain(tree.byteCount, 0) }
                return .interpolated(parts, start)
            case .str:
                advance()
                let o = tree.byteCount
                unescape(bytes(t))
                let n = tree.byteCount - o
                try checkNoNullByte(o, n, at: t)
                if parts.isEmpty && peek().kind == .quote {
                    advance()
                    return .plain(o, n)
                }
                if start.isNone { start = pos(t) }
                parts.append((pos(t), node(.string, .none, a: o, b: n)))
            case .dollarCurly:
                advance()
                if start.isNone { start = pos(t) }
                let e = try parseExpr()
                try expect(.rbrace, [.rbrace])
                parts.append((pos(t), e))
            default:
                throw syntaxError(t, expecting: [.quote])
            }
        }
    }

    /// Appends the unescaped text to the byte pool. Escapes of double-quoted strings:
    /// `\n \r \t`, `\c` is `c`; a raw CR or CR LF becomes LF.
    func unescape(_ raw: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var k = 0
        let end = raw.count
        while k < end {
            let c = raw[k]
            if c != 92 && c != 13 { k += 1; continue }
            if k > runStart { tree.appendBytes(UnsafeBufferPointer(rebasing: raw[runStart..<k])) }
            k += 1
            if c == 92 {
                if k < end {
                    switch raw[k] {
                    case 110: tree.appendByte(10)
                    case 114: tree.appendByte(13)
                    case 116: tree.appendByte(9)
                    default: tree.appendByte(raw[k])
                    }
                    k += 1
                }
            } else {
                tree.appendByte(10)
                if k < end && raw[k] == 10 { k += 1 }
            }
            runStart = k
        }
        if end > runStart { tree.appendBytes(UnsafeBufferPointer(rebasing: raw[runStart..<end])) }
    }

    /// CppNix rejects string literals containing NUL bytes (`forceNoNullByte`).
    func checkNoNullByte(_ o: UInt32, _ n: UInt32, at t: Token) throws {
        let text = tree.bytes[Int(o)..<Int(o + n)]
        guard text.contains(0) else { return }
        var shown: [UInt8] = []
        for c in text {
            if c == 0 { shown.append(contentsOf: [0xE2, 0x90, 0x80]) } else { shown.append(c) }
        }
        throw ParseError("input string '\(String(decoding: shown, as: UTF8.self))' cannot be represented as Nix string because it contains null bytes",
                         at: pos(t))
    }

    /// A piece of an indented string before indentation stripping.
    enum IndPart {
        /// Source text (token range) that takes part in indentation stripping.
        case raw(Token)
        /// Literal bytes that do not (escapes, `''$`, …), as a range of the byte pool.
        case literal(UInt32, UInt32)
        case interpolation(NodeRef)
    }

    /// `''…''` after the opening token.
    func parseIndentedString(open: Token) throws -> NodeRef {
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
                let o = tree.byteCount
                switch flavor {
                case .raw:
                    if bytes(t).contains(0) {
                        let (ro, rn) = tree.addBytes(bytes(t))
                        try checkNoNullByte(ro, rn, at: t)
                    }
                    parts.append((pos(t), .raw(t)))
                    continue
                case .dollar: tree.appendByte(36)
                case .quotes: tree.appendByte(39); tree.appendByte(39)
                case .quote: tree.appendByte(39)
                case .escape: unescape(UnsafeBufferPointer(rebasing: bytes(t).dropFirst(2)))
                }
                parts.append((pos(t), .literal(o, tree.byteCount - o)))
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
    func stripIndentation(_ startPos: Pos, _ parts: [(Pos, IndPart)]) -> NodeRef {
        if parts.isEmpty { return node(.string, .none, a: tree.byteCount, b: 0) }
        var atStartOfLine = true
        var minIndent = 1_000_000
        var curIndent = 0
        for (_, part) in parts {
            guard case .raw(let t) = part else {
                if atStartOfLine {
                    atStartOfLine = false
                    minIndent = min(minIndent, curIndent)
                }
                continue
            }
            for c in bytes(t) {
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

        var out: [(Pos, NodeRef)] = []
        atStartOfLine = true
        var curDropped = 0
        var remaining = parts.count
        func emit(_ src: UnsafeBufferPointer<UInt8>) {
            for c in src {
                if atStartOfLine {
                    if c == 32 {
                        if curDropped >= minIndent { tree.appendByte(c) }
                        curDropped += 1
                    } else if c == 10 {
                        curDropped = 0
                        tree.appendByte(c)
                    } else {
                        atStartOfLine = false
                        curDropped = 0
                        tree.appendByte(c)
                    }
                } else {
                    tree.appendByte(c)
                    if c == 10 { atStartOfLine = true }
                }
            }
        }
        for (p, part) in parts {
            defer { remaining -= 1 }
            let o = tree.byteCount
            switch part {
            case .interpolation(let e):
                atStartOfLine = false
                curDropped = 0
                out.append((p, e))
                continue
            case .raw(let t):
                emit(bytes(t))
            case .literal(let lo, let ln):
                // Copied first: emitting appends to the pool it lives in.
                let copy = Array(tree.bytes[Int(lo)..<Int(lo + ln)])
                copy.withUnsafeBufferPointer { emit($0) }
            }
            var n = tree.byteCount - o
            if remaining == 1 {
                // Drop a final line that holds only spaces.
                let written = tree.bytes[Int(o)..<Int(o + n)]
                if let nl = written.lastIndex(of: 10), written[(nl + 1)...].allSatisfy({ $0 == 32 }) {
                    n = UInt32(nl + 1) - o
                }
            }
            if n > 0 { out.append((p, node(.string, .none, a: o, b: n))) }
        }
        if out.isEmpty { return node(.string, .none, a: tree.byteCount, b: 0) }
        // A single string part, even one that came from `${"…"}`, is returned as is.
        if out.count == 1 && tree.kind(out[0].1) == .string { return out[0].1 }
        return concat(out, forceString: true, startPos)
    }

    // MARK: Paths

    /// `path_start PATH_END` or `path_start string_parts_interpolated PATH_END`.
    func parsePath() throws -> NodeRef {
        let t = advance()
        let literal = Array(bytes(t))[...]
        let canonical: [UInt8]
        if t.kind == .hpath {
            canonical = Array(homeDirectory.utf8) + literal.dropFirst()
        } else if literal.first == 47 {
            canonical = Parser.canonicalize(literal, trailingSlash: literal.count > 1 && literal.last == 47)
        } else {
            let combined = Array(source.baseDirectory.utf8) + [47] + literal
            canonical = Parser.canonicalize(combined[...], trailingSlash: literal.count > 1 && literal.last == 47)
        }
        let (o, n) = tree.addBytes(canonical)
        let start = node(.path, pos(t), a: o, b: n)
        if peek().kind == .pathEnd {
            advance()
            return start
        }
        var parts: [(Pos, NodeRef)] = [(pos(t), start)]
        var interpolated = false
        while true {
            let p = peek()
            switch p.kind {
            case .pathEnd:
                advance()
                return concat(parts, forceString: false, pos(t))
            case .str:
                advance()
                parts.append((pos(p), stringNode(bytes(p))))
                // `string_parts_interpolated` cannot be a lone text part: `/a//b` is an error.
                if !interpolated && peek().kind != .dollarCurly {
                    throw syntaxError(peek(), expecting: [.dollarCurly])
                }
            case .dollarCurly:
                advance()
                interpolated = true
                let e = try parseExpr()
                try expect(.rbrace, [.rbrace])
                parts.append((pos(p), e))
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
