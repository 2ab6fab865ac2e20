#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expressions: `expr_function`, `expr_if`, pipes, operators, application,
/// selection and the simple expressions (Grammar/nix.ebnf §Expressions).
extension Parser {
    /// Binding power of a binary operator token (Grammar/precedence.md); 0 if none.
    /// Higher binds tighter. `!` sits at 7 and unary minus at 12 as prefix operators.
    @inline(__always)
    static func infixPrecedence(_ k: TokenKind) -> Int {
        switch k {
        case .impl: return 1
        case .or: return 2
        case .and: return 3
        case .eq, .neq: return 4
        case .less, .greater, .leq, .geq: return 5
        case .update: return 6
        case .plus, .minus: return 8
        case .star, .slash: return 9
        case .concat: return 10
        case .question: return 11
        default: return 0
        }
    }

    static let notPrecedence = 7
    static let negatePrecedence = 12

    /// `expr`
    func parseExpr() throws -> NodeRef {
        let t = peek()
        guard stack.hasRoom() else { throw tooDeep(t) }
        switch t.kind {
        case .id:
            let next = peek(1).kind
            if next == .colon {
                advance(); advance()
                let body = try parseExpr()
                return lambdaNode(Lambda(arg: intern(t), formals: nil, body: body, pos: pos(t)))
            }
            if next == .at {
                advance(); advance()
                let formals = try parseFormalSet(afterAt: true)
                try expect(.colon, [.colon])
                let body = try parseExpr()
                let arg = intern(t)
                try validateFormals(formals, lambdaPos: pos(t), arg: arg)
                return lambdaNode(Lambda(arg: arg, formals: formals.formals, body: body, pos: pos(t)))
            }
        case .lbrace:
            if looksLikeFormals() {
                let formals = try parseFormalSet(afterAt: false)
                if peek().kind == .at {
                    advance()
                    let argTok = try expect(.id, [.id])
                    try expect(.colon, [.colon])
                    let body = try parseExpr()
                    let arg = intern(argTok)
                    try validateFormals(formals, lambdaPos: pos(t), arg: arg)
                    return lambdaNode(Lambda(arg: arg, formals: formals.formals, body: body, pos: pos(t)))
                }
                try expect(.colon, [.colon, .at])
                let body = try parseExpr()
                try validateFormals(formals, lambdaPos: pos(t), arg: nil)
                return lambdaNode(Lambda(arg: nil, formals: formals.formals, body: body, pos: pos(t)))
            }
        case .kwAssert:
            advance()
            let cond = try parseExpr()
            try expect(.semicolon, [.semicolon])
            let body = try parseExpr()
            return node(.assert, pos(t), a: cond.index, b: body.index)
        case .kwWith:
            advance()
            let scope = try parseExpr()
            try expect(.semicolon, [.semicolon])
            let body = try parseExpr()
            return node(.with, pos(t), a: scope.index, b: body.index)
        case .kwLet:
            if peek(1).kind != .lbrace {
                advance()
                let attrs = AttrSet(isRecursive: false, pos: .none)
                try parseBindings(into: attrs, until: .kwIn, expecting: [.kwIn, .kwInherit])
                advance()
                let body = try parseExpr()
                if !attrs.dynamicAttrs.isEmpty {
                    throw ParseError("dynamic attributes not allowed in let", at: pos(t))
                }
                return node(.letIn, pos(t), a: tree.addAttrSet(attrs), b: body.index)
            }
        case .kwIf:
            advance()
            let cond = try parseExpr()
            try expect(.kwThen, [.kwThen])
            let then = try parseExpr()
            try expect(.kwElse, [.kwElse])
            let otherwise = try parseExpr()
            return node(.ifThenElse, pos(t), a: cond.index, b: then.index, c: otherwise.index)
        default:
            break
        }
        // Fast path: most expressions are a lone operand (`name = "value";`). Parse
        // it, and only enter the operator machinery if something follows.
        if Parser.startsSimple(t.kind) {
            let operand = try parseSelect()
            if Parser.endsExpression(peek().kind) { return operand }
            return try parsePipes(first: (operand, t))
        }
        return try parsePipes()
    }

    /// Tokens that cannot continue an expression: after an operand, nothing more to do.
    @inline(__always)
    static func endsExpression(_ k: TokenKind) -> Bool {
        switch k {
        case .semicolon, .rbracket, .rbrace, .rparen, .comma, .kwIn, .kwThen, .kwElse, .eof: return true
        default: return false
        }
    }

    /// `expr_pipe_from | expr_pipe_into | expr_op`. `a |> f` is `f a` (left
    /// associative), `f <| a` is `f a` (right associative); the two do not mix.
    /// `first`: an operand already parsed at the start of the expression.
    func parsePipes(first: (NodeRef, Token)? = nil) throws -> NodeRef {
        var lhs = try parseOperators(minPrecedence: 1, first: first)
        switch peek().kind {
        case .pipeInto:
            while peek().kind == .pipeInto {
                let op = advance()
                let fn = try parseOperators(minPrecedence: 1)
                lhs = makeCall(fn, lhs, pos(op))
            }
            return lhs
        case .pipeFrom:
            var chain: [(NodeRef, Token)] = []
            while peek().kind == .pipeFrom {
                chain.append((lhs, advance()))
                lhs = try parseOperators(minPrecedence: 1)
            }
            for (fn, op) in chain.reversed() { lhs = makeCall(fn, lhs, pos(op)) }
            return lhs
        default:
            return lhs
        }
    }

    /// Like CppNix's `makeCall`: applying a call adds one more argument to it.
    func makeCall(_ fn: NodeRef, _ arg: NodeRef, _ p: Pos) -> NodeRef {
        let n = tree.nodes[Int(fn.index)]
        if n.kind == .call {
            let mark = scratch.count
            scratch.append(contentsOf: tree.extra[Int(n.b)..<Int(n.b + n.c)])
            scratch.append(arg.index)
            return call(NodeRef(n.a), argsFrom: mark, n.pos)
        }
        return call(fn, arg, p)
    }

    /// `expr_op` by precedence climbing.
    func parseOperators(minPrecedence: Int, first parsed: (NodeRef, Token)? = nil) throws -> NodeRef {
        let first = parsed?.1 ?? peek()
        guard stack.hasRoom() else { throw tooDeep(first) }
        var lhs: NodeRef
        if let parsed {
            lhs = try parseApplication(first: parsed)
        } else {
            switch first.kind {
            case .bang:
                advance()
                let operand = try parseOperators(minPrecedence: Parser.notPrecedence + 1)
                lhs = node(.not, .none, a: operand.index)
            case .minus:
                advance()
                let operand = try parseOperators(minPrecedence: Parser.negatePrecedence + 1)
                lhs = call(variable(sSub, .none), node(.int, .none), operand, pos(first))
            default:
                lhs = try parseApplication()
            }
        }
        var lhsStart = first.start
        var lastNonAssoc = 0
        while true {
            let op = peek()
            let prec = Parser.infixPrecedence(op.kind)
            if prec == 0 || prec < minPrecedence { break }
            // %nonassoc: `a == b == c` and `a < b < c` are syntax errors in Nix.
            if prec == lastNonAssoc { throw syntaxError(op, expecting: []) }
            advance()
            let opPos = pos(op)
            if op.kind == .question {
                let mark = scratch.count
                try parseAttrPath()
                let (start, count) = commit(mark)
                lhs = node(.hasAttr, opPos, a: lhs.index, b: start, c: count)
                // `?` is %nonassoc in Bison, but its right side is an attribute path,
                // so the rule never conflicts: `a ? b ? c` is `(a ? b) ? c`.
                lastNonAssoc = 0
                lhsStart = first.start
                continue
            }
            let rightAssoc = op.kind == .impl || op.kind == .update || op.kind == .concat
            let rhsStart = peek().start
            let rhs = try parseOperators(minPrecedence: rightAssoc ? prec : prec + 1)
            switch op.kind {
            case .eq: lhs = binary(.eq, lhs, rhs, opPos)
            case .neq: lhs = binary(.neq, lhs, rhs, opPos)
            case .and: lhs = binary(.and, lhs, rhs, opPos)
            case .or: lhs = binary(.or, lhs, rhs, opPos)
            case .impl: lhs = binary(.impl, lhs, rhs, opPos)
            case .update: lhs = binary(.update, lhs, rhs, opPos)
            case .concat: lhs = binary(.concatLists, lhs, rhs, opPos)
            case .less: lhs = call(variable(sLessThan, .none), lhs, rhs, opPos)
            case .greater: lhs = call(variable(sLessThan, .none), rhs, lhs, opPos)
            case .leq: lhs = node(.not, .none, a: call(variable(sLessThan, .none), rhs, lhs, opPos).index)
            case .geq: lhs = node(.not, .none, a: call(variable(sLessThan, .none), lhs, rhs, opPos).index)
            case .plus: lhs = concat((pos(lhsStart), lhs), (pos(rhsStart), rhs), forceString: false, opPos)
            case .minus: lhs = call(variable(sSub, .none), lhs, rhs, opPos)
            case .star: lhs = call(variable(sMul, .none), lhs, rhs, opPos)
            case .slash: lhs = call(variable(sDiv, .none), lhs, rhs, opPos)
            default: break
            }
            lastNonAssoc = (prec == 4 || prec == 5) ? prec : 0
            lhsStart = first.start
        }
        return lhs
    }

    func binary(_ op: BinaryOp, _ l: NodeRef, _ r: NodeRef, _ p: Pos) -> NodeRef {
        node(.binary, p, a: l.index, b: r.index, flag: op.rawValue)
    }

    /// Tokens that can begin an `expr_select` (and so an argument of an application).
    @inline(__always)
    static func startsSimple(_ k: TokenKind) -> Bool {
        switch k {
        case .id, .int, .float, .quote, .indStringOpen, .path, .hpath, .spath, .uri,
             .lparen, .kwLet, .kwRec, .lbrace, .lbracket:
            return true
        default:
            return false
        }
    }

    /// `expr_app`: a select expression applied to further select expressions.
    func parseApplication(first: (NodeRef, Token)? = nil) throws -> NodeRef {
        let start = first?.1 ?? peek()
        var fn: NodeRef
        if let first {
            fn = first.0
        } else {
            if !Parser.startsSimple(start.kind) { throw syntaxError(start, expecting: []) }
            fn = try parseSelect()
        }
        if !Parser.startsSimple(peek().kind) { return fn }
        let mark = scratch.count
        var callPos = pos(start)
        let n = tree.nodes[Int(fn.index)]
        if n.kind == .call {
            // `(f a) b` extends the parenthesised call, as CppNix's makeCall does.
            callPos = n.pos
            fn = NodeRef(n.a)
            scratch.append(contentsOf: tree.extra[Int(n.b)..<Int(n.b + n.c)])
        }
        while Parser.startsSimple(peek().kind) {
            let arg = try parseSelect()
            scratch.append(arg.index)
        }
        return call(fn, argsFrom: mark, callPos)
    }

    /// `expr_select`: `e.a.b`, `e.a.b or default`, and the legacy `e or` (a call of `or`).
    func parseSelect() throws -> NodeRef {
        let start = peek()
        let simple = try parseSimple()
        let t = peek()
        if t.kind == .dot {
            advance()
            let mark = scratch.count
            try parseAttrPath()
            if peek().kind == .kwOr {
                advance()
                guard Parser.startsSimple(peek().kind) else { throw syntaxError(peek(), expecting: []) }
                let def = try parseSelect()
                return select(simple, pathFrom: mark, def, pos(start))
            }
            return select(simple, pathFrom: mark, nil, pos(start))
        }
        if t.kind == .kwOr {
            advance()
            return call(simple, variable(sOr, pos(start)), pos(start))
        }
        return simple
    }

    /// `expr_simple`
    func parseSimple() throws -> NodeRef {
        let t = peek()
        guard stack.hasRoom() else { throw tooDeep(t) }
        switch t.kind {
        case .id:
            advance()
            if t.end - t.start == 8 && bytes(t).elementsEqual("__curPos".utf8) { return node(.curPos, pos(t)) }
            return variable(intern(t), pos(t))
        case .int:
            advance()
            return integerLiteral(t)
        case .float:
            advance()
            guard let value = floatLiteral(t) else {
                throw ParseError("invalid float '\(String(decoding: bytes(t), as: UTF8.self))'", at: pos(t))
            }
            let bits = value.bitPattern
            return node(.float, .none, a: UInt32(truncatingIfNeeded: bits), b: UInt32(truncatingIfNeeded: bits >> 32))
        case .quote:
            advance()
            return try parseStringBody(open: t).toNode(self)
        case .indStringOpen:
            advance()
            return try parseIndentedString(open: t)
        case .path, .hpath:
            return try parsePath()
        case .spath:
            advance()
            let name = UnsafeBufferPointer(rebasing: bytes(t).dropFirst().dropLast())
            return call(variable(sFindFile, .none), variable(sNixPath, .none), stringNode(name), pos(t))
        case .uri:
            advance()
            try lintURL(bytes(t), at: pos(t))
            return stringNode(bytes(t))
        case .lparen:
            advance()
            let e = try parseExpr()
            try expect(.rparen, [.rparen])
            return e
        case .kwLet:
            advance()
            try expect(.lbrace, [.lbrace])
            let attrs = AttrSet(isRecursive: true, pos: pos(t))
            try parseBindings(into: attrs, until: .rbrace, expecting: [.kwInherit, .rbrace])
            advance()
            return select(attrsNode(attrs), sBody, pos(t))
        case .kwRec:
            advance()
            try expect(.lbrace, [.lbrace])
            let attrs = AttrSet(isRecursive: true, pos: pos(t))
            try parseBindings(into: attrs, until: .rbrace, expecting: [.kwInherit, .rbrace])
            advance()
            return attrsNode(attrs)
        case .lbrace:
            advance()
            let attrs = AttrSet(isRecursive: false, pos: pos(t))
            if peek().kind == .rbrace {
                advance()
                return attrsNode(attrs)
            }
            // `'{' binds1 '}'`: Bison reports only 'inherit' as expected after `{` and
            // after each binding (its default reductions leave that state).
            try parseBindings(into: attrs, until: .rbrace, expecting: [.kwInherit])
            advance()
            return attrsNode(attrs)
        case .lbracket:
            advance()
            let mark = scratch.count
            while true {
                let k = peek().kind
                if k == .rbracket { break }
                if !Parser.startsSimple(k) { throw syntaxError(peek(), expecting: []) }
                let el = try parseSelect()
                scratch.append(el.index)
            }
            advance()
            let (start, count) = commit(mark)
            return node(.list, pos(t), b: start, c: count)
        default:
            throw syntaxError(t, expecting: [])
        }
    }

    func integerLiteral(_ t: Token) -> NodeRef {
        var value: Int64 = 0
        for c in bytes(t) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c &- 48))
            if o1 || o2 {
                // Beyond 64 bits: keep the digits without leading zeros.
                let digits = bytes(t).drop { $0 == 48 }
                let (o, n) = tree.addBytes(UnsafeBufferPointer(rebasing: digits))
                return node(.bigInt, .none, a: o, b: n)
            }
            value = a
        }
        let bits = UInt64(bitPattern: value)
        return node(.int, .none, a: UInt32(truncatingIfNeeded: bits), b: UInt32(truncatingIfNeeded: bits >> 32))
    }

    /// `strtod`, with its range errors (overflow, and underflow to a subnormal or
    /// zero) reported as invalid, as CppNix does.
    func floatLiteral(_ t: Token) -> Double? {
        var text = Array(bytes(t))
        text.append(0)
        errno = 0
        let value = text.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { strtod($0, nil) }
        }
        return errno == 0 ? value : nil
    }
}
