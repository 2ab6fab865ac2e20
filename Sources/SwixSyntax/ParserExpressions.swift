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
    func parseExpr() throws -> Expr {
        let t = peek()
        guard stack.hasRoom() else { throw tooDeep(t) }
        switch t.kind {
        case .id:
            let next = peek(1).kind
            if next == .colon {
                advance(); advance()
                let body = try parseExpr()
                let lambda = Lambda(arg: intern(t), formals: nil, body: body, pos: pos(t))
                return .lambda(lambda)
            }
            if next == .at {
                advance(); advance()
                let formals = try parseFormalSet(afterAt: true)
                try expect(.colon, [.colon])
                let body = try parseExpr()
                let arg = intern(t)
                try validateFormals(formals, lambdaPos: pos(t), arg: arg)
                return .lambda(Lambda(arg: arg, formals: formals.formals, body: body, pos: pos(t)))
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
                    return .lambda(Lambda(arg: arg, formals: formals.formals, body: body, pos: pos(t)))
                }
                try expect(.colon, [.colon, .at])
                let body = try parseExpr()
                try validateFormals(formals, lambdaPos: pos(t), arg: nil)
                return .lambda(Lambda(arg: nil, formals: formals.formals, body: body, pos: pos(t)))
            }
        case .kwAssert:
            advance()
            let cond = try parseExpr()
            try expect(.semicolon, [.semicolon])
            let body = try parseExpr()
            return .assert(cond, body, pos(t))
        case .kwWith:
            advance()
            let scope = try parseExpr()
            try expect(.semicolon, [.semicolon])
            let body = try parseExpr()
            return .with(scope, body, pos(t))
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
                return .letIn(attrs, body, pos(t))
            }
        case .kwIf:
            advance()
            let cond = try parseExpr()
            try expect(.kwThen, [.kwThen])
            let then = try parseExpr()
            try expect(.kwElse, [.kwElse])
            let otherwise = try parseExpr()
            return .ifThenElse(cond, then, otherwise, pos(t))
        default:
            break
        }
        return try parsePipes()
    }

    /// `expr_pipe_from | expr_pipe_into | expr_op`. `a |> f` is `f a` (left
    /// associative), `f <| a` is `f a` (right associative); the two do not mix.
    func parsePipes() throws -> Expr {
        var lhs = try parseOperators(minPrecedence: 1)
        switch peek().kind {
        case .pipeInto:
            while peek().kind == .pipeInto {
                let op = advance()
                let fn = try parseOperators(minPrecedence: 1)
                lhs = makeCall(fn, lhs, pos(op))
            }
            return lhs
        case .pipeFrom:
            var chain: [(Expr, Token)] = []
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
    func makeCall(_ fn: Expr, _ arg: Expr, _ p: Pos) -> Expr {
        if case .call(let f, var args, let callPos) = fn {
            args.append(arg)
            return .call(f, args, callPos)
        }
        return .call(fn, [arg], p)
    }

    /// `expr_op` by precedence climbing.
    func parseOperators(minPrecedence: Int) throws -> Expr {
        let first = peek()
        guard stack.hasRoom() else { throw tooDeep(first) }
        var lhs: Expr
        switch first.kind {
        case .bang:
            advance()
            let operand = try parseOperators(minPrecedence: Parser.notPrecedence + 1)
            lhs = .not(operand, .none)
        case .minus:
            advance()
            let operand = try parseOperators(minPrecedence: Parser.negatePrecedence + 1)
            lhs = .call(.variable(sSub, .none), [.int(0), operand], pos(first))
        default:
            lhs = try parseApplication()
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
                let path = try parseAttrPath()
                lhs = .hasAttr(lhs, path, opPos)
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
            case .eq: lhs = .binary(.eq, lhs, rhs, opPos)
            case .neq: lhs = .binary(.neq, lhs, rhs, opPos)
            case .and: lhs = .binary(.and, lhs, rhs, opPos)
            case .or: lhs = .binary(.or, lhs, rhs, opPos)
            case .impl: lhs = .binary(.impl, lhs, rhs, opPos)
            case .update: lhs = .binary(.update, lhs, rhs, opPos)
            case .concat: lhs = .binary(.concatLists, lhs, rhs, opPos)
            case .less: lhs = .call(.variable(sLessThan, .none), [lhs, rhs], opPos)
            case .greater: lhs = .call(.variable(sLessThan, .none), [rhs, lhs], opPos)
            case .leq: lhs = .not(.call(.variable(sLessThan, .none), [rhs, lhs], opPos), .none)
            case .geq: lhs = .not(.call(.variable(sLessThan, .none), [lhs, rhs], opPos), .none)
            case .plus:
                lhs = .concatStrings([StringPart(pos: pos(lhsStart), expr: lhs),
                                      StringPart(pos: pos(rhsStart), expr: rhs)], forceString: false, opPos)
            case .minus: lhs = .call(.variable(sSub, .none), [lhs, rhs], opPos)
            case .star: lhs = .call(.variable(sMul, .none), [lhs, rhs], opPos)
            case .slash: lhs = .call(.variable(sDiv, .none), [lhs, rhs], opPos)
            default: break
            }
            lastNonAssoc = (prec == 4 || prec == 5) ? prec : 0
            lhsStart = first.start
        }
        return lhs
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
    func parseApplication() throws -> Expr {
        let start = peek()
        if !Parser.startsSimple(start.kind) { throw syntaxError(start, expecting: []) }
        var fn = try parseSelect()
        if !Parser.startsSimple(peek().kind) { return fn }
        var args: [Expr] = []
        var callPos = pos(start)
        if case .call(let f, let a, let p) = fn {
            // `(f a) b` extends the parenthesised call, as CppNix's makeCall does.
            fn = f
            args = a
            callPos = p
        }
        while Parser.startsSimple(peek().kind) {
            args.append(try parseSelect())
        }
        return .call(fn, args, callPos)
    }

    /// `expr_select`: `e.a.b`, `e.a.b or default`, and the legacy `e or` (a call of `or`).
    func parseSelect() throws -> Expr {
        let start = peek()
        let simple = try parseSimple()
        let t = peek()
        if t.kind == .dot {
            advance()
            let path = try parseAttrPath()
            if peek().kind == .kwOr {
                advance()
                guard Parser.startsSimple(peek().kind) else { throw syntaxError(peek(), expecting: []) }
                let def = try parseSelect()
                return .select(simple, path, orDefault: def, pos(start))
            }
            return .select(simple, path, orDefault: nil, pos(start))
        }
        if t.kind == .kwOr {
            advance()
            return .call(simple, [.variable(sOr, pos(start))], pos(start))
        }
        return simple
    }

    /// `expr_simple`
    func parseSimple() throws -> Expr {
        let t = peek()
        guard stack.hasRoom() else { throw tooDeep(t) }
        switch t.kind {
        case .id:
            advance()
            if t.end - t.start == 8 && bytes(t).elementsEqual("__curPos".utf8) { return .curPos(pos(t)) }
            return .variable(intern(t), pos(t))
        case .int:
            advance()
            return integerLiteral(t)
        case .float:
            advance()
            return .float(floatLiteral(t))
        case .quote:
            advance()
            return try parseStringBody(open: t).toExpr()
        case .indStringOpen:
            advance()
            return try parseIndentedString(open: t)
        case .path, .hpath:
            return try parsePath()
        case .spath:
            advance()
            let name = Array(bytes(t).dropFirst().dropLast())
            return .call(.variable(sFindFile, .none), [.variable(sNixPath, .none), .string(name)], pos(t))
        case .uri:
            advance()
            return .string(Array(bytes(t)))
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
            return .select(.attrs(attrs), [.symbol(sBody)], orDefault: nil, pos(t))
        case .kwRec:
            advance()
            try expect(.lbrace, [.lbrace])
            let attrs = AttrSet(isRecursive: true, pos: pos(t))
            try parseBindings(into: attrs, until: .rbrace, expecting: [.kwInherit, .rbrace])
            advance()
            return .attrs(attrs)
        case .lbrace:
            advance()
            let attrs = AttrSet(isRecursive: false, pos: pos(t))
            if peek().kind == .rbrace {
                advance()
                return .attrs(attrs)
            }
            // `'{' binds1 '}'`: Bison reports only 'inherit' as expected after `{` and
            // after each binding (its default reductions leave that state).
            try parseBindings(into: attrs, until: .rbrace, expecting: [.kwInherit])
            advance()
            return .attrs(attrs)
        case .lbracket:
            advance()
            var elems: [Expr] = []
            while true {
                let k = peek().kind
                if k == .rbracket { break }
                if !Parser.startsSimple(k) { throw syntaxError(peek(), expecting: []) }
                elems.append(try parseSelect())
            }
            advance()
            return .list(elems)
        default:
            throw syntaxError(t, expecting: [])
        }
    }

    func integerLiteral(_ t: Token) -> Expr {
        var value: Int64 = 0
        for c in bytes(t) {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c &- 48))
            if o1 || o2 {
                // Beyond 64 bits: keep the digits without leading zeros.
                let digits = bytes(t).drop { $0 == 48 }
                return .bigInt(Array(digits))
            }
            value = a
        }
        return .int(value)
    }

    func floatLiteral(_ t: Token) -> Double {
        let text = String(decoding: bytes(t), as: UTF8.self)
        return Double(text) ?? Double.infinity
    }
}
