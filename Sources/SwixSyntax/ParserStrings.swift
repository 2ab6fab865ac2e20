#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strings, indented strings and paths, with their interpolations
/// (Grammar/nix.ebnf §Strings and §Paths).
extension Parser {
    /// The contents of a `"…"` string or `"…"` attribute name: either plain text or
    /// a list of parts to concatenate (CppNix's `ToBeStringyExpr`).
    enum StringBody {
        /// Plain text: offset and length in the tree's byte pool.
        case plain(UInt32, UInt32)
        /// Parts pushed on the scratch stack above the mark; build it at once.
        case interpolated(mark: Int, Pos)

        func toNode(_ p: Parser) -> NodeRef {
            switch self {
            case .plain(let o, let n): return p.node(.string, .none, a: o, b: n)
            case .interpolated(let mark, let pos): return p.concat(partsFrom: mark, forceString: true, pos)
            }
        }
    }

    /// Parses the inside of a double-quoted string after its opening quote, and the closing quote.
    func parseStringBody(open: Token) throws -> StringBody {
        let mark = scratch.count
        var start = Pos.none
        while true {
            let t = peek()
            switch t.kind {
            case .quote:
                advance()
                if scratch.count == mark { return .plain(tree.byteCount, 0) }
                return .interpolated(mark: mark, start)
            case .str:
                advance()
                let o = tree.byteCount
                if unescape(bytes(t)) { try checkNoNullByte(o, tree.byteCount - o, at: t) }
                let n = tree.byteCount - o
                if scratch.count == mark && peek().kind == .quote {
                    advance()
                    return .plain(o, n)
                }
                if start.isNone { start = pos(t) }
                pushPart(pos(t), node(.string, .none, a: o, b: n))
            case .dollarCurly:
                advance()
                if start.isNone { start = pos(t) }
                let e = try parseExpr()
                try expect(.rbrace, [.rbrace])
                pushPart(pos(t), e)
            default:
                throw syntaxError(t, expecting: [.quote])
            }
        }
    }

    /// Appends the unescaped text to the byte pool and tells whether it holds a NUL
    /// byte. Escapes of double-quoted strings: `\\n \\r \\t`, `\\c` is `c`; a raw CR or
    /// CR LF becomes LF.
    @discardableResult
    func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        var runStart = 0
        var k = 0
        let end = raw.count
        var sawNul = false
        while k < end {
            let c = raw[k]
            if c > 92 || (c != 92 && c != 13 && c != 0) { k += 1; continue }
            if c == 0 { sawNul = true; k += 1; continue }
            if k > runStart { tree.appendBytes(UnsafeBufferPointer(rebasing: raw[runStart..<k])) }
            k += 1
            if c == 92 {
                if k < end {
                    switch raw[k] {
                    case 110: tree.appendByte(10)
                    case 114: tree.appendByte(13)
                    case 116: tree.appendByte(9)
                    case 0: sawNul = true; tree.appendByte(0)
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
        return sawNul
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

    /// Pieces of an indented string before indentation stripping are pushed on the
    /// scratch stack as four words: position, tag, and two operands.
    enum IndPartTag: UInt32 {
        /// Source text (token range `a..<b`) that takes part in indentation stripping.
        case raw
        /// Literal bytes that do not (escapes, `''$`, …): byte pool range (offset a, length b).
        case literal
        /// An interpolation: node `a`.
        case interpolation
    }

    @inline(__always)
    func push4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) {
        scratch.append(a)
        scratch.append(b)
        scratch.append(c)
        scratch.append(d)
    }

    /// `''…''` after the opening token.
    func parseIndentedString(open: Token) throws -> NodeRef {
        let mark = scratch.count
        while true {
            let t = peek()
            switch t.kind {
            case .indStringClose:
                advance()
                return stripIndentation(pos(open), mark)
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
                    push4(pos(t).raw, IndPartTag.raw.rawValue, t.start, t.end)
                    continue
                case .dollar: tree.appendByte(36)
                case .quotes: tree.appendByte(39); tree.appendByte(39)
                case .quote: tree.appendByte(39)
                case .escape: unescape(UnsafeBufferPointer(rebasing: bytes(t).dropFirst(2)))
                }
                push4(pos(t).raw, IndPartTag.literal.rawValue, o, tree.byteCount - o)
            case .dollarCurly:
                advance()
                let e = try parseExpr()
                try expect(.rbrace, [.rbrace])
                push4(pos(t).raw, IndPartTag.interpolation.rawValue, e.index, 0)
            default:
                throw syntaxError(t, expecting: [.indStr, .dollarCurly, .indStringClose])
            }
        }
    }

    /// Removes the common leading indentation, as CppNix's `stripIndentation`:
    /// whitespace-only last lines don't count, interpolations and escapes end the
    /// leading whitespace of their line, and a final whitespace-only line is dropped.
    func stripIndentation(_ startPos: Pos, _ mark: Int) -> NodeRef {
        let partCount = (scratch.count - mark) / 4
        defer { scratch.removeSubrange(mark...) }
        if partCount == 0 { return node(.string, .none, a: tree.byteCount, b: 0) }
        @inline(__always) func part(_ k: Int) -> (pos: Pos, tag: IndPartTag, a: UInt32, b: UInt32) {
            let base = mark + 4 * k
            return (Pos(raw: scratch[base]), IndPartTag(rawValue: scratch[base + 1])!, scratch[base + 2], scratch[base + 3])
        }
        @inline(__always) func rawText(_ a: UInt32, _ b: UInt32) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: lexer.buf + Int(a), count: Int(b - a))
        }

        var atStartOfLine = true
        var minIndent = 1_000_000
        var curIndent = 0
        for k in 0..<partCount {
            let p = part(k)
            guard p.tag == .raw else {
                if atStartOfLine {
                    atStartOfLine = false
                    minIndent = min(minIndent, curIndent)
                }
                continue
            }
            let text = rawText(p.a, p.b)
            var i = 0
            while i < text.count {
                if atStartOfLine {
                    let c = text[i]
                    if c == 32 {
                        curIndent += 1
                    } else if c == 10 {
                        curIndent = 0
                    } else {
                        atStartOfLine = false
                        minIndent = min(minIndent, curIndent)
                    }
                    i += 1
                } else {
                    // The rest of the line does not matter: on to the next one
                    // (`afterNextNewline` returns more than `i`, or the end).
                    i = ParserStrings.afterNextNewline(text, i)
                    if text[i - 1] == 10 {
                        atStartOfLine = true
                        curIndent = 0
                    }
                }
            }
        }

        // The stripped parts go above the raw parts on the scratch stack.
        let outMark = scratch.count
        atStartOfLine = true
        var curDropped = 0
        func emit(_ src: UnsafeBufferPointer<UInt8>) {
            var i = 0
            while i < src.count {
                if atStartOfLine {
                    let c = src[i]
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
                    i += 1
                } else {
                    // The rest of the line, its newline included, in one piece
                    // (appended byte by byte, it cost ~20 instructions a byte).
                    let end = ParserStrings.afterNextNewline(src, i)
                    tree.appendBytes(UnsafeBufferPointer(rebasing: src[i..<end]))
                    if src[end - 1] == 10 { atStartOfLine = true }
                    i = end
                }
            }
        }
        for k in 0..<partCount {
            let p = part(k)
            let o = tree.byteCount
            switch p.tag {
            case .interpolation:
                atStartOfLine = false
                curDropped = 0
                pushPart(p.pos, NodeRef(p.a))
                continue
            case .raw:
                emit(rawText(p.a, p.b))
            case .literal:
                // Copied first: emitting appends to the pool it lives in.
                let copy = Array(tree.bytes[Int(p.a)..<Int(p.a + p.b)])
                copy.withUnsafeBufferPointer { emit($0) }
            }
            var n = tree.byteCount - o
            if k == partCount - 1 {
                // Drop a final line that holds only spaces.
                let written = tree.bytes[Int(o)..<Int(o + n)]
                if let nl = written.lastIndex(of: 10), written[(nl + 1)...].allSatisfy({ $0 == 32 }) {
                    n = UInt32(nl + 1) - o
                }
            }
            if n > 0 { pushPart(p.pos, node(.string, .none, a: o, b: n)) }
        }
        let outParts = (scratch.count - outMark) / 2
        if outParts == 0 { return node(.string, .none, a: tree.byteCount, b: 0) }
        // A single string part, even one that came from `${"…"}`, is returned as is.
        if outParts == 1, tree.kind(NodeRef(scratch[outMark + 1])) == .string { return NodeRef(scratch[outMark + 1]) }
        return concat(partsFrom: outMark, forceString: true, startPos)
    }

    // MARK: Paths

    /// `path_start PATH_END` or `path_start string_parts_interpolated PATH_END`.
    func parsePath() throws -> NodeRef {
        let t = advance()
        let literal = Array(bytes(t))[...]
        try lintPath(literal, home: t.kind == .hpath, at: pos(t))
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
        let mark = scratch.count
        pushPart(pos(t), start)
        var interpolated = false
        while true {
            let p = peek()
            switch p.kind {
            case .pathEnd:
                advance()
                return concat(partsFrom: mark, forceString: false, pos(t))
            case .str:
                advance()
                pushPart(pos(p), stringNode(bytes(p)))
                // `string_parts_interpolated` cannot be a lone text part: `/a//b` is an error.
                if !interpolated && peek().kind != .dollarCurly {
                    throw syntaxError(peek(), expecting: [.dollarCurly])
                }
            case .dollarCurly:
                advance()
                interpolated = true
                let e = try parseExpr()
                try expect(.rbrace, [.rbrace])
                pushPart(pos(p), e)
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

enum ParserStrings {
    /// The index after the first newline at or after `i` in `text`, or its end.
    @inline(__always)
    static func afterNextNewline(_ text: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        guard i < text.count, let base = text.baseAddress,
              let nl = memchr(base + i, 10, text.count - i) else { return text.count }
        return base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
    }
}
