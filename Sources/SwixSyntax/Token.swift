/// Token kinds. The raw values follow the symbol numbering of CppNix's Bison grammar
/// (declared tokens first, then character tokens in order of first use), so that a
/// list of expected tokens sorted by raw value reads exactly like Nix's messages.
public enum TokenKind: UInt8, Sendable {
    case eof = 0
    case invalid = 2
    case id, str, indStr, int, float, path, hpath, spath, pathEnd, uri
    case kwIf, kwThen, kwElse, kwAssert, kwWith, kwLet, kwIn, kwRec, kwInherit
    case eq, neq, leq, geq, update, concat, and, or, impl, kwOr
    case pipeFrom, pipeInto, dollarCurly, indStringOpen, indStringClose, ellipsis
    case less, greater, plus, minus, star, slash, question
    case colon, at, semicolon, bang, dot, quote, lparen, rparen, lbrace, rbrace
    case lbracket, rbracket, assign, comma
    /// Not a grammar symbol: the lexer found an error (its message is in the token).
    case lexError = 200

    /// The name Nix's parser uses in "unexpected …, expecting …" messages.
    public var displayName: String {
        switch self {
        case .eof: return "end of file"
        case .invalid, .lexError: return "invalid token"
        case .id: return "identifier"
        case .str: return "string"
        case .indStr: return "indented string"
        case .int: return "integer"
        case .float: return "floating-point literal"
        case .path: return "path"
        case .hpath: return "'~/…' path"
        case .spath: return "'<…>' path"
        case .pathEnd: return "end of path"
        case .uri: return "URI"
        case .kwIf: return "'if'"
        case .kwThen: return "'then'"
        case .kwElse: return "'else'"
        case .kwAssert: return "'assert'"
        case .kwWith: return "'with'"
        case .kwLet: return "'let'"
        case .kwIn: return "'in'"
        case .kwRec: return "'rec'"
        case .kwInherit: return "'inherit'"
        case .eq: return "'=='"
        case .neq: return "'!='"
        case .leq: return "'<='"
        case .geq: return "'>='"
        case .update: return "'//'"
        case .concat: return "'++'"
        case .and: return "'&&'"
        case .or: return "'||'"
        case .impl: return "'->'"
        case .kwOr: return "'or'"
        case .pipeFrom: return "'<|'"
        case .pipeInto: return "'|>'"
        case .dollarCurly: return "'${'"
        case .indStringOpen: return "start of an indented string"
        case .indStringClose: return "end of an indented string"
        case .ellipsis: return "'...'"
        case .less: return "'<'"
        case .greater: return "'>'"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .question: return "'?'"
        case .colon: return "':'"
        case .at: return "'@'"
        case .semicolon: return "';'"
        case .bang: return "'!'"
        case .dot: return "'.'"
        case .quote: return "'\"'"
        case .lparen: return "'('"
        case .rparen: return "')'"
        case .lbrace: return "'{'"
        case .rbrace: return "'}'"
        case .lbracket: return "'['"
        case .rbracket: return "']'"
        case .assign: return "'='"
        case .comma: return "','"
        }
    }
}

/// How an indented-string fragment is to be read (see `Lexer.lexIndString`).
public enum IndStrFlavor: UInt8, Sendable {
    /// Verbatim text that takes part in indentation stripping.
    case raw
    /// `''$` or a lone `$`: a literal dollar.
    case dollar
    /// `'''`: two single quotes.
    case quotes
    /// A lone `'`.
    case quote
    /// `''\c`: an escaped character (the token covers `''\c`).
    case escape
}

/// A token: kind, a flavour byte for indented-string pieces, and its byte range.
/// Values (names, numbers, string contents) are read from the source on demand.
public struct Token: Sendable {
    public var kind: TokenKind
    public var flavor: UInt8
    public var start: UInt32
    public var end: UInt32

    @inline(__always)
    public init(_ kind: TokenKind, _ start: Int, _ end: Int, flavor: UInt8 = 0) {
        self.kind = kind
        self.flavor = flavor
        self.start = UInt32(truncatingIfNeeded: start)
        self.end = UInt32(truncatingIfNeeded: end)
    }
}
