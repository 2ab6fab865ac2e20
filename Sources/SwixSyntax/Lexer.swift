/// The tokenizer. It follows CppNix's flex scanner rule for rule: in the default
/// state every candidate rule is measured and the longest match wins (ties go to
/// the earlier rule, which only matters for keywords versus identifiers), and a
/// stack of start conditions tracks strings, indented strings, paths with
/// interpolation and `${ … }` nesting.
///
/// The lexer is independent of the parser's state, so the parser may look ahead
/// any number of tokens.
public final class Lexer {
    enum Mode: UInt8 { case initial, normal, string, indString, inPath, inPathSlash }

    let buf: UnsafePointer<UInt8>
    public let count: Int
    var i = 0
    var modes: [Mode] = [.initial]
    /// Messages of `.lexError` tokens, by token start offset.
    public private(set) var errorMessages: [UInt32: String] = [:]
    /// Keeps the text alive when it belongs to a `Source`; nil when the lexer owns a copy.
    private let source: Source?

    /// Bytes after the input that are always readable, so that fixed look-ahead needs no bounds checks.
    static let padding = 8

    /// Lexes a copy of `bytes`.
    public init(bytes: [UInt8]) {
        let n = bytes.count
        count = n
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: n + Lexer.padding)
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { copy.initialize(from: base, count: n) }
        }
        (copy + n).initialize(repeating: 0, count: Lexer.padding)
        buf = UnsafePointer(copy)
        source = nil
    }

    /// Lexes a source's text in place (it is already padded).
    public init(source: Source) {
        count = source.count
        buf = UnsafePointer(source.storage)
        self.source = source
    }

    deinit {
        if source == nil { UnsafeMutablePointer(mutating: buf).deallocate() }
    }

    /// The byte at `k`, or 0 past the end (reads up to `padding` past the end are free).
    @inline(__always) func at(_ k: Int) -> UInt8 { k < count ? buf[k] : 0 }

    // MARK: Character classes

    @inline(__always) static func isIdStart(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95
    }
    @inline(__always) static func isIdChar(_ c: UInt8) -> Bool {
        isIdStart(c) || (c >= 48 && c <= 57) || c == 39 || c == 45
    }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    /// `[a-zA-Z0-9._\-+]`
    @inline(__always) static func isPathChar(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)
            || c == 46 || c == 95 || c == 45 || c == 43
    }
    /// `[a-zA-Z0-9%/?:@&=+$,\-_.!~*']`
    @inline(__always) static func isURIChar(_ c: UInt8) -> Bool {
        if (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) { return true }
        switch c {
        case 37, 47, 63, 58, 64, 38, 61, 43, 36, 44, 45, 95, 46, 33, 126, 42, 39: return true
        default: return false
        }
    }

    // MARK: Rule matchers (each returns the length of the match at `s`, 0 if none)

    @inline(__always) func skipPathChars(_ s: Int) -> Int {
        var j = s
        while j < count && Lexer.isPathChar(buf[j]) { j += 1 }
        return j
    }

    // Whether a path or URI rule can match from a position depends only on where
    // the run of path (or scheme) characters around it ends. When a rule fails,
    // remember that end: every later start inside the same run fails too. Without
    // this, `a.a.a.a…` would rescan the rest of the run at every token (quadratic).
    var pathFailsBefore = 0
    var segmentFailsBefore = 0
    var uriFailsBefore = 0

    /// `{PATH_CHAR}*(\/{PATH_CHAR}+)+\/?`
    func matchPath(_ s: Int) -> Int {
        if s < pathFailsBefore { return 0 }
        var j = skipPathChars(s)
        if at(j) != 47 { pathFailsBefore = j; return 0 }
        var segments = 0
        while at(j) == 47 && j + 1 < count && Lexer.isPathChar(buf[j + 1]) {
            j = skipPathChars(j + 1)
            segments += 1
        }
        guard segments > 0 else { pathFailsBefore = skipPathChars(s); return 0 }
        if at(j) == 47 { j += 1 }
        return j - s
    }

    /// `{PATH_CHAR}*\/\$\{`: returns the length of the path segment (without `${`).
    func matchPathSegmentBeforeInterpolation(_ s: Int) -> Int {
        if s < segmentFailsBefore { return 0 }
        let j = skipPathChars(s)
        if at(j) == 47 && at(j + 1) == 36 && at(j + 2) == 123 { return j + 1 - s }
        segmentFailsBefore = j
        return 0
    }

    /// `\~(\/{PATH_CHAR}+)+\/?`
    func matchHomePath(_ s: Int) -> Int {
        guard at(s) == 126 else { return 0 }
        var j = s + 1
        var segments = 0
        while at(j) == 47 && j + 1 < count && Lexer.isPathChar(buf[j + 1]) {
            j = skipPathChars(j + 1)
            segments += 1
        }
        guard segments > 0 else { return 0 }
        if at(j) == 47 { j += 1 }
        return j - s
    }

    /// `\<{PATH_CHAR}+(\/{PATH_CHAR}+)*\>`
    func matchSearchPath(_ s: Int) -> Int {
        var j = s + 1
        guard j < count && Lexer.isPathChar(buf[j]) else { return 0 }
        j = skipPathChars(j)
        while at(j) == 47 && j + 1 < count && Lexer.isPathChar(buf[j + 1]) {
            j = skipPathChars(j + 1)
        }
        return at(j) == 62 ? j + 1 - s : 0
    }

    /// `[a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+`
    func matchURI(_ s: Int) -> Int {
        let c = at(s)
        guard (c >= 97 && c <= 122) || (c >= 65 && c <= 90) else { return 0 }
        if s < uriFailsBefore { return 0 }
        var j = s + 1
        while j < count {
            let d = buf[j]
            if (d >= 97 && d <= 122) || (d >= 65 && d <= 90) || Lexer.isDigit(d) || d == 43 || d == 45 || d == 46 {
                j += 1
            } else { break }
        }
        guard at(j) == 58, j + 1 < count, Lexer.isURIChar(buf[j + 1]) else {
            uriFailsBefore = j
            return 0
        }
        j += 1
        while j < count && Lexer.isURIChar(buf[j]) { j += 1 }
        return j - s
    }

    /// `(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?`
    func matchFloat(_ s: Int) -> Int {
        var j = s
        let c = at(j)
        if c >= 49 && c <= 57 {
            while j < count && Lexer.isDigit(buf[j]) { j += 1 }
            guard at(j) == 46 else { return 0 }
            j += 1
            while j < count && Lexer.isDigit(buf[j]) { j += 1 }
        } else {
            if c == 48 { j += 1 }
            guard at(j) == 46, Lexer.isDigit(at(j + 1)) else { return 0 }
            j += 1
            while j < count && Lexer.isDigit(buf[j]) { j += 1 }
        }
        let e = at(j)
        if e == 69 || e == 101 {
            var k = j + 1
            if at(k) == 43 || at(k) == 45 { k += 1 }
            if Lexer.isDigit(at(k)) {
                while k < count && Lexer.isDigit(buf[k]) { k += 1 }
                j = k
            }
        }
        return j - s
    }

    // MARK: Mode stack

    @inline(__always) func push(_ m: Mode) { modes.append(m) }
    @inline(__always) func pop() { if modes.count > 1 { modes.removeLast() } }
    @inline(__always) func replaceTop(_ m: Mode) { modes[modes.count - 1] = m }

    /// An error token; lexing ends there (later calls return `.eof`).
    func error(_ message: String, at start: Int, end: Int? = nil) -> Token {
        errorMessages[UInt32(truncatingIfNeeded: start)] = message
        i = count
        modes = [.initial]
        return Token(.lexError, start, end ?? start + 1)
    }

    // MARK: Scanning

    /// The next token. At the end of input it returns `.eof` (repeatedly).
    public func next() -> Token {
        let token: Token
        switch modes[modes.count - 1] {
        case .initial, .normal: token = lexNormal()
        case .string: token = lexString()
        case .indString: token = lexIndString()
        case .inPath, .inPathSlash: token = lexInPath()
        }
        lastTokenStart = Int(token.start)
        return token
    }

    func lexNormal() -> Token {
        // Whitespace and comments.
        while i < count {
            let c = buf[i]
            if c == 32 || c == 9 || c == 10 || c == 13 {
                i += 1
            } else if c == 35 {
                while i < count && buf[i] != 10 && buf[i] != 13 { i += 1 }
            } else if c == 47 && at(i + 1) == 42 {
                // `/* … */`; an unterminated one is no comment at all (it lexes as '/' '*').
                var j = i + 2
                var closed = false
                while j + 1 < count {
                    if buf[j] == 42 && buf[j + 1] == 47 { closed = true; break }
                    j += 1
                }
                if !closed { break }
                i = j + 2
            } else {
                break
            }
        }
        let s = i
        guard s < count else { return Token(.eof, count, count) }
        let c = buf[s]

        if Lexer.isIdStart(c) {
            var j = s + 1
            while j < count && Lexer.isIdChar(buf[j]) { j += 1 }
            let idLen = j - s
            // A path or URI can only be longer than the identifier if the identifier
            // is followed by one of these (see Grammar/README.md, "Longest match").
            let after = at(j)
            if after != 47 && after != 58 && after != 46 && after != 43 {
                i = j
                return Token(keyword(s, idLen), s, j)
            }
            let pathLen = matchPath(s)
            let segLen = matchPathSegmentBeforeInterpolation(s)
            let uriLen = matchURI(s)
            if uriLen > idLen && uriLen > pathLen && uriLen > segLen + 2 {
                i = s + uriLen
                return Token(.uri, s, i)
            }
            if let tok = pathCandidate(s, pathLen: pathLen, segLen: segLen, beat: idLen) { return tok }
            i = j
            return Token(keyword(s, idLen), s, j)
        }
        if Lexer.isDigit(c) {
            var j = s + 1
            while j < count && Lexer.isDigit(buf[j]) { j += 1 }
            let intLen = j - s
            let after = at(j)
            if after != 47 && after != 46 && after != 43 && after != 101 && after != 69
                && !Lexer.isPathChar(after) {
                i = j
                return Token(.int, s, j)
            }
            let floatLen = matchFloat(s)
            let best = max(intLen, floatLen)
            if let tok = pathCandidate(s, pathLen: matchPath(s), segLen: matchPathSegmentBeforeInterpolation(s), beat: best) {
                return tok
            }
            if floatLen > intLen {
                i = s + floatLen
                return Token(.float, s, i)
            }
            i = j
            return Token(.int, s, j)
        }

        switch c {
        case 46: // .
            let floatLen = matchFloat(s)
            let dots = (at(s + 1) == 46 && at(s + 2) == 46) ? 3 : 0
            if let tok = pathCandidate(s, pathLen: matchPath(s), segLen: matchPathSegmentBeforeInterpolation(s), beat: max(floatLen, dots)) {
                return tok
            }
            if dots == 3 && dots >= floatLen { i = s + 3; return Token(.ellipsis, s, i) }
            if floatLen > 0 { i = s + floatLen; return Token(.float, s, i) }
            i = s + 1
            return Token(.dot, s, i)
        case 45, 43: // - +
            let op: Int = (c == 45 && at(s + 1) == 62) || (c == 43 && at(s + 1) == 43) ? 2 : 0
            if let tok = pathCandidate(s, pathLen: matchPath(s), segLen: matchPathSegmentBeforeInterpolation(s), beat: max(op, 1)) {
                return tok
            }
            if op == 2 { i = s + 2; return Token(c == 45 ? .impl : .concat, s, i) }
            i = s + 1
            return Token(c == 45 ? .minus : .plus, s, i)
        case 47: // /
            let op = at(s + 1) == 47 ? 2 : 1
            if let tok = pathCandidate(s, pathLen: matchPath(s), segLen: matchPathSegmentBeforeInterpolation(s), beat: op) {
                return tok
            }
            i = s + op
            return Token(op == 2 ? .update : .slash, s, i)
        case 126: // ~
            let hpathLen = matchHomePath(s)
            let startLen = (at(s + 1) == 47 && at(s + 2) == 36 && at(s + 3) == 123) ? 2 : 0
            if startLen > 0 && startLen + 2 > hpathLen {
                i = s + 2
                push(.inPathSlash)
                return Token(.hpath, s, i)
            }
            if hpathLen > 0 {
                i = s + hpathLen
                push(buf[i - 1] == 47 ? .inPathSlash : .inPath)
                return Token(.hpath, s, i)
            }
            i = s + 1
            return Token(.invalid, s, i)
        case 60: // <
            let sp = matchSearchPath(s)
            if sp > 2 { i = s + sp; return Token(.spath, s, i) }
            let n = at(s + 1)
            if n == 61 { i = s + 2; return Token(.leq, s, i) }
            if n == 124 { i = s + 2; return Token(.pipeFrom, s, i) }
            i = s + 1
            return Token(.less, s, i)
        case 62: // >
            if at(s + 1) == 61 { i = s + 2; return Token(.geq, s, i) }
            i = s + 1
            return Token(.greater, s, i)
        case 61: // =
            if at(s + 1) == 61 { i = s + 2; return Token(.eq, s, i) }
            i = s + 1
            return Token(.assign, s, i)
        case 33: // !
            if at(s + 1) == 61 { i = s + 2; return Token(.neq, s, i) }
            i = s + 1
            return Token(.bang, s, i)
        case 38: // &
            if at(s + 1) == 38 { i = s + 2; return Token(.and, s, i) }
            i = s + 1
            return Token(.invalid, s, i)
        case 124: // |
            let n = at(s + 1)
            if n == 124 { i = s + 2; return Token(.or, s, i) }
            if n == 62 { i = s + 2; return Token(.pipeInto, s, i) }
            i = s + 1
            return Token(.invalid, s, i)
        case 36: // $
            if at(s + 1) == 123 { i = s + 2; push(.normal); return Token(.dollarCurly, s, i) }
            i = s + 1
            return Token(.invalid, s, i)
        case 123: i = s + 1; push(.normal); return Token(.lbrace, s, i)
        case 125:
            i = s + 1
            if modes[modes.count - 1] != .initial { pop() }
            return Token(.rbrace, s, i)
        case 34: i = s + 1; push(.string); return Token(.quote, s, i)
        case 39: // '
            if at(s + 1) == 39 {
                var j = s + 2
                while at(j) == 32 && j < count { j += 1 }
                i = at(j) == 10 && j < count ? j + 1 : s + 2
                push(.indString)
                return Token(.indStringOpen, s, i)
            }
            i = s + 1
            return Token(.invalid, s, i)
        case 58: i = s + 1; return Token(.colon, s, i)
        case 64: i = s + 1; return Token(.at, s, i)
        case 59: i = s + 1; return Token(.semicolon, s, i)
        case 40: i = s + 1; return Token(.lparen, s, i)
        case 41: i = s + 1; return Token(.rparen, s, i)
        case 91: i = s + 1; return Token(.lbracket, s, i)
        case 93: i = s + 1; return Token(.rbracket, s, i)
        case 44: i = s + 1; return Token(.comma, s, i)
        case 42: i = s + 1; return Token(.star, s, i)
        case 63: i = s + 1; return Token(.question, s, i)
        default:
            i = s + 1
            return Token(.invalid, s, i)
        }
    }

    /// A path token if a path rule beats the other candidates (`beat` is their best length).
    @inline(__always)
    func pathCandidate(_ s: Int, pathLen: Int, segLen: Int, beat: Int) -> Token? {
        // `{PATH_SEG}\$\{` matches the segment plus `${`; it rewinds and yields the segment.
        if segLen > 0 && segLen + 2 > beat && segLen + 2 > pathLen {
            i = s + segLen
            push(.inPathSlash)
            return Token(.path, s, i)
        }
        if pathLen > 0 && pathLen > beat {
            i = s + pathLen
            push(buf[i - 1] == 47 ? .inPathSlash : .inPath)
            return Token(.path, s, i)
        }
        return nil
    }

    func keyword(_ s: Int, _ n: Int) -> TokenKind {
        @inline(__always) func eq(_ w: StaticString) -> Bool {
            guard w.utf8CodeUnitCount == n else { return false }
            let p = w.utf8Start
            for k in 0..<n where buf[s + k] != p[k] { return false }
            return true
        }
        switch n {
        case 2:
            if eq("if") { return .kwIf }
            if eq("in") { return .kwIn }
            if eq("or") { return .kwOr }
        case 3:
            if eq("let") { return .kwLet }
            if eq("rec") { return .kwRec }
        case 4:
            if eq("then") { return .kwThen }
            if eq("else") { return .kwElse }
            if eq("with") { return .kwWith }
        case 6:
            if eq("assert") { return .kwAssert }
        case 7:
            if eq("inherit") { return .kwInherit }
        default: break
        }
        return .id
    }

    /// Inside `"…"`: a run of text, `${`, or the closing quote.
    func lexString() -> Token {
        let s = i
        if s >= count { return Token(.eof, count, count) }
        let c = buf[s]
        if c == 34 { i = s + 1; pop(); return Token(.quote, s, i) }
        if c == 36 && at(s + 1) == 123 { i = s + 2; push(.normal); return Token(.dollarCurly, s, i) }
        var j = s
        scan: while j < count {
            switch buf[j] {
            case 34: break scan
            case 92: // backslash escapes any byte; a trailing one is left for the parser to reject
                if j + 1 < count { j += 2 } else { break scan }
            case 36:
                let n = at(j + 1)
                if j + 1 >= count || n == 123 { break scan }
                if n == 34 { j += 1; break scan }
                if n == 92 {
                    if j + 2 < count { j += 3 } else { break scan }
                } else {
                    j += 2
                }
            default: j += 1
            }
        }
        if j == s { i = count; return Token(.eof, count, count) }
        i = j
        return Token(.str, s, j)
    }

    /// Inside `''…''`.
    func lexIndString() -> Token {
        let s = i
        if s >= count { return Token(.eof, count, count) }
        let c = buf[s]
        if c == 39 && at(s + 1) == 39 {
            let n = at(s + 2)
            if s + 2 < count && n == 36 { i = s + 3; return Token(.indStr, s, i, flavor: IndStrFlavor.dollar.rawValue) }
            if s + 2 < count && n == 39 { i = s + 3; return Token(.indStr, s, i, flavor: IndStrFlavor.quotes.rawValue) }
            if s + 2 < count && n == 92 && s + 3 < count {
                i = s + 4
                return Token(.indStr, s, i, flavor: IndStrFlavor.escape.rawValue)
            }
            i = s + 2
            pop()
            return Token(.indStringClose, s, i)
        }
        if c == 36 && at(s + 1) == 123 && s + 1 < count { i = s + 2; push(.normal); return Token(.dollarCurly, s, i) }
        var j = s
        scan: while j < count {
            let d = buf[j]
            if d == 36 {
                guard j + 1 < count else { break scan }
                let n = buf[j + 1]
                if n == 123 || n == 39 { break scan }
                j += 2
            } else if d == 39 {
                guard j + 1 < count else { break scan }
                let n = buf[j + 1]
                if n == 39 || n == 36 { break scan }
                j += 2
            } else {
                j += 1
            }
        }
        if j > s { i = j; return Token(.indStr, s, j, flavor: IndStrFlavor.raw.rawValue) }
        // A lone `$` or `'` that the run could not take.
        i = s + 1
        return Token(.indStr, s, i, flavor: c == 36 ? IndStrFlavor.dollar.rawValue : IndStrFlavor.quote.rawValue)
    }

    /// After a path token: more path text, `${`, or the end of the path.
    func lexInPath() -> Token {
        let s = i
        let slash = modes[modes.count - 1] == .inPathSlash
        if at(s) == 36 && at(s + 1) == 123 && s + 1 < count {
            i = s + 2
            replaceTop(.inPath)
            push(.normal)
            return Token(.dollarCurly, s, i)
        }
        // `{PATH}|{PATH_SEG}|{PATH_CHAR}+`
        let plain = skipPathChars(s) - s
        let path = matchPath(s)
        var seg = 0
        do {
            let j = skipPathChars(s)
            if at(j) == 47 && j < count { seg = j + 1 - s }
        }
        let len = max(plain, path, seg)
        if len > 0 {
            i = s + len
            replaceTop(buf[i - 1] == 47 ? .inPathSlash : .inPath)
            return Token(.str, s, i)
        }
        if slash {
            // Nix reports the character after the slash; at the end of input, the path itself.
            return error("path has a trailing slash", at: s < count ? s : lastTokenStart, end: s + 1)
        }
        pop()
        return Token(.pathEnd, s, s)
    }

    /// Start of the most recent token, for the end-of-input trailing-slash error.
    var lastTokenStart = 0
}
