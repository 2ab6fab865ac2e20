/// A hand-written recursive-descent parser for the Nix language, with precedence
/// climbing for operators (see `Grammar/nix.ebnf` and `Grammar/README.md` for the
/// productions each function implements).
///
/// Syntax errors carry the message CppNix's Bison parser would produce: the
/// unexpected token and, when there are at most four, the tokens Bison's state
/// machine would accept at that point. Each `expect…` call names that set.
public final class Parser {
    let source: Source
    let symbols: SymbolTable
    let lexer: Lexer
    let base: UInt32
    let homeDirectory: String
    /// The `lint-*` settings this parse obeys.
    let lint: Lint
    let stack = StackGuard()
    /// Where the nodes go; shared by all sources parsed into the same tree.
    public let tree: SyntaxTree

    var tokens: [Token] = []
    var cursor = 0
    /// For large inputs, the lexer runs ahead on its own thread.
    var pipe: TokenPipe?
    /// A stack for lists under construction (call arguments, list elements, string
    /// parts, attribute paths). Each construct pushes above a mark and moves its
    /// items into the tree when done, so nested constructs need no temporary arrays.
    var scratch: [UInt32] = []

    // Names the desugarings refer to.
    let sSub, sMul, sDiv, sLessThan, sFindFile, sNixPath, sBody, sOr: Symbol

    public init(source: Source, symbols: SymbolTable, homeDirectory: String = "/homeless-shelter",
                tree: SyntaxTree = SyntaxTree(), lint: Lint = Lint()) {
        self.lint = lint
        self.tree = tree
        self.source = source
        self.symbols = symbols
        self.lexer = Lexer(source: source)
        self.base = source.base
        self.homeDirectory = homeDirectory
        sSub = symbols.intern("__sub")
        sMul = symbols.intern("__mul")
        sDiv = symbols.intern("__div")
        sLessThan = symbols.intern("__lessThan")
        sFindFile = symbols.intern("__findFile")
        sNixPath = symbols.intern("__nixPath")
        sBody = symbols.intern("body")
        sOr = symbols.intern("or")
        tokens.reserveCapacity(source.count >= TokenPipe.threshold ? 2 * TokenPipe.chunkSize : 1024)
        scratch.reserveCapacity(4096)
        tree.reserve(forSourceBytes: source.count)
        if source.count >= TokenPipe.threshold { pipe = TokenPipe(lexer: lexer) }
    }

    deinit { pipe?.cancel() }

    /// Parses the whole source as one expression.
    public func parse() throws -> Expr {
        let e = try parseExpr()
        let t = peek()
        if t.kind != .eof { throw syntaxError(t, expecting: [.eof]) }
        return Expr(tree: tree, root: e)
    }

    /// Convenience: registers `source` in `positions` and parses it.
    public static func parse(_ source: Source, symbols: SymbolTable, positions: PositionTable,
                             homeDirectory: String = "/homeless-shelter", tree: SyntaxTree = SyntaxTree(),
                             lint: Lint = Lint()) throws -> Expr {
        if source.base == 0 { positions.add(source) }
        return try Parser(source: source, symbols: symbols, homeDirectory: homeDirectory, tree: tree, lint: lint).parse()
    }

    // MARK: Token stream

    @inline(__always)
    func peek(_ k: Int = 0) -> Token {
        while tokens.count <= cursor + k { fill() }
        return tokens[cursor + k]
    }

    func fill() {
        guard let pipe else {
            tokens.append(lexer.next())
            return
        }
        if let chunk = pipe.take() {
            tokens.append(contentsOf: chunk)
        } else {
            tokens.append(Token(.eof, lexer.count, lexer.count))
        }
    }

    @inline(__always)
    @discardableResult
    func advance() -> Token {
        let t = peek()
        cursor += 1
        // Drop consumed tokens now and then so that huge inputs do not keep them all.
        // Two consumed tokens stay: error positions may refer to them.
        if cursor >= 4096 && cursor * 2 >= tokens.count {
            tokens.removeFirst(cursor - 2)
            cursor = 2
        }
        return t
    }

    /// Consumes a token of `kind` or fails with Bison's message for the set `expecting`.
    @inline(__always)
    @discardableResult
    func expect(_ kind: TokenKind, _ expecting: [TokenKind]) throws -> Token {
        let t = peek()
        guard t.kind == kind else { throw syntaxError(t, expecting: expecting) }
        return advance()
    }

    @inline(__always) func pos(_ offset: UInt32) -> Pos { Pos(raw: base &+ offset) }
    @inline(__always) func pos(_ t: Token) -> Pos { pos(t.start) }

    /// The token's text. It points into the lexer's copy of the source, which lives
    /// as long as the parser.
    @inline(__always)
    func bytes(_ t: Token) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: lexer.buf + Int(t.start), count: Int(t.end &- t.start))
    }

    @inline(__always)
    func intern(_ t: Token) -> Symbol {
        symbols.intern(bytes(t))
    }

    // MARK: Errors

    func syntaxError(_ t: Token, expecting: [TokenKind]) -> ParseError {
        if t.kind == .lexError {
            return ParseError(lexer.errorMessages[t.start] ?? "syntax error", at: pos(t.start))
        }
        var message = "syntax error, unexpected " + t.kind.displayName
        var kinds: [TokenKind] = []
        for k in expecting where !kinds.contains(k) { kinds.append(k) }
        kinds.sort { $0.rawValue < $1.rawValue }
        if !kinds.isEmpty && kinds.count <= 4 {
            message += ", expecting " + kinds.map(\.displayName).joined(separator: " or ")
        }
        var offset = t.start
        if t.kind == .pathEnd && cursor >= 2 {
            // CppNix re-reads the character after a path with `yyless(0)` and restores
            // the previous location, so "end of path" is reported at the previous
            // token; at the end of input (nothing re-read) at the one before that.
            offset = t.start < UInt32(source.count) ? tokens[cursor - 1].start : tokens[cursor - 2].start
        }
        if t.kind == .eof {
            // Nix reports "unexpected end of file" at the end of the input, after any
            // dangling `$` or `\\` that ended a string.
            offset = UInt32(source.count)
        }
        return ParseError(message, at: pos(offset))
    }

    func tooDeep(_ t: Token) -> ParseError {
        ParseError("stack overflow; expression nested too deeply", at: pos(t.start))
    }

    // MARK: Node construction

    @inline(__always)
    func node(_ kind: NodeKind, _ p: Pos, a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0, flag: UInt8 = 0) -> NodeRef {
        tree.add(kind, p, a: a, b: b, c: c, d: d, flag: flag)
    }

    @inline(__always)
    func variable(_ s: Symbol, _ p: Pos) -> NodeRef { node(.variable, p, a: s.id) }

    /// Moves the scratch items above `mark` into the tree; returns their range.
    @inline(__always)
    func commit(_ mark: Int) -> (start: UInt32, count: UInt32) {
        let start = UInt32(tree.extra.count)
        let count = scratch.count - mark
        tree.extra.append(contentsOf: scratch[mark...])
        scratch.removeSubrange(mark...)
        return (start, UInt32(count))
    }

    /// A call of `fn` with the scratch items above `mark` as arguments.
    func call(_ fn: NodeRef, argsFrom mark: Int, _ p: Pos) -> NodeRef {
        let (start, count) = commit(mark)
        return node(.call, p, a: fn.index, b: start, c: count)
    }

    func call(_ fn: NodeRef, _ a: NodeRef, _ p: Pos) -> NodeRef {
        let start = UInt32(tree.extra.count)
        tree.extra.append(a.index)
        return node(.call, p, a: fn.index, b: start, c: 1)
    }

    func call(_ fn: NodeRef, _ a: NodeRef, _ b: NodeRef, _ p: Pos) -> NodeRef {
        let start = UInt32(tree.extra.count)
        tree.extra.append(a.index)
        tree.extra.append(b.index)
        return node(.call, p, a: fn.index, b: start, c: 2)
    }

    func stringNode(_ bytes: UnsafeBufferPointer<UInt8>, _ p: Pos = .none) -> NodeRef {
        let (o, n) = tree.addBytes(bytes)
        return node(.string, p, a: o, b: n)
    }

    func stringNode(_ bytes: [UInt8], _ p: Pos = .none) -> NodeRef {
        bytes.withUnsafeBufferPointer { stringNode($0, p) }
    }

    func attrsNode(_ set: AttrSet) -> NodeRef {
        node(.attrs, set.pos, a: tree.addAttrSet(set))
    }

    func lambdaNode(_ l: Lambda) -> NodeRef {
        node(.lambda, l.pos, a: tree.addLambda(l))
    }

    /// A selection with the attribute path from the scratch items above `mark`.
    func select(_ target: NodeRef, pathFrom mark: Int, _ def: NodeRef?, _ p: Pos) -> NodeRef {
        let (start, count) = commit(mark)
        return node(.select, p, a: target.index, b: start, c: count, d: def?.index ?? UInt32.max)
    }

    func select(_ target: NodeRef, _ name: Symbol, _ p: Pos) -> NodeRef {
        let start = UInt32(tree.extra.count)
        tree.extra.append(AttrName.symbol(name).encoded)
        return node(.select, p, a: target.index, b: start, c: 1, d: UInt32.max)
    }

    /// Pushes a string part (position and node) onto the scratch stack.
    @inline(__always)
    func pushPart(_ p: Pos, _ r: NodeRef) {
        scratch.append(p.raw)
        scratch.append(r.index)
    }

    /// Concatenation of the (position, node) pairs on the scratch stack above `mark`.
    func concat(partsFrom mark: Int, forceString: Bool, _ p: Pos) -> NodeRef {
        let (start, count) = commit(mark)
        return node(.concatStrings, p, b: start, c: count / 2, flag: forceString ? 1 : 0)
    }

    func concat(_ a: (Pos, NodeRef), _ b: (Pos, NodeRef), forceString: Bool, _ p: Pos) -> NodeRef {
        let mark = scratch.count
        pushPart(a.0, a.1)
        pushPart(b.0, b.1)
        return concat(partsFrom: mark, forceString: forceString, p)
    }

    /// CppNix's `setName`: a lambda bound to an attribute remembers the name, and so
    /// does a lambda that is its body.
    func setName(_ r: NodeRef, _ name: Symbol) {
        var cur = r
        while let l = tree.lambda(cur) {
            l.name = name
            cur = l.body
        }
    }

    /// Prints an identifier the way Nix quotes attribute names in messages.
    func show(_ s: Symbol) -> String {
        ASTPrinter.identifier(symbols.bytes(s))
    }
}
