/// Function heads: `x:`, `{ a, b ? d, ... }:`, and the `@` patterns
/// (Grammar/nix.ebnf §Functions).
extension Parser {
    struct ParsedFormals {
        var formals: Formals
        /// Formals in source order with their positions, for duplicate detection.
        var inSourceOrder: [Formal]
    }

    /// At `{` in expression position: does a formal parameter set start here?
    /// Mirrors the parser's decision on its look-ahead: `{ }` followed by `:`/`@`,
    /// `{ ...`, or `{ id` followed by `,`, `?` or `}`.
    func looksLikeFormals() -> Bool {
        let a = peek(1).kind
        switch a {
        case .rbrace:
            let b = peek(2).kind
            return b == .colon || b == .at
        case .ellipsis:
            return true
        case .id:
            let b = peek(2).kind
            return b == .comma || b == .question || b == .rbrace
        default:
            return false
        }
    }

    /// `formal_set`: `{` formals `}`. After `x @` the brace is required.
    func parseFormalSet(afterAt: Bool) throws -> ParsedFormals {
        try expect(.lbrace, [.lbrace])
        var list: [Formal] = []
        var ellipsis = false
        // After `{` or `,`: a formal, `...`, or `}`.
        var expectingHere: [TokenKind] = [.id, .ellipsis, .rbrace]
        loop: while true {
            let t = peek()
            switch t.kind {
            case .rbrace:
                advance()
                break loop
            case .ellipsis:
                advance()
                ellipsis = true
                try expect(.rbrace, [.rbrace])
                break loop
            case .id:
                advance()
                var def: NodeRef?
                if peek().kind == .question {
                    advance()
                    def = try parseExpr()
                }
                list.append(Formal(name: intern(t), defaultValue: def, pos: pos(t)))
                let sep = peek()
                if sep.kind == .comma {
                    advance()
                    expectingHere = [.id, .ellipsis, .rbrace]
                    continue loop
                }
                if sep.kind == .rbrace {
                    advance()
                    break loop
                }
                throw syntaxError(sep, expecting: [.rbrace, .comma])
            default:
                throw syntaxError(t, expecting: expectingHere)
            }
        }
        let sorted = list.sorted { ($0.name, $0.pos) < ($1.name, $1.pos) }
        return ParsedFormals(formals: Formals(formals: sorted, ellipsis: ellipsis), inSourceOrder: list)
    }

    /// Duplicate formals (the first by name order is reported, at its second
    /// occurrence), and an `@` name that is also a formal (reported at the lambda).
    func validateFormals(_ parsed: ParsedFormals, lambdaPos: Pos, arg: Symbol?) throws {
        let f = parsed.formals.formals
        var duplicate: (Symbol, Pos)?
        if f.count > 1 {
            for k in 0..<(f.count - 1) where f[k].name == f[k + 1].name {
                let candidate = (f[k].name, f[k + 1].pos)
                if let d = duplicate {
                    if candidate < d { duplicate = candidate }
                } else {
                    duplicate = candidate
                }
            }
        }
        if let (name, p) = duplicate {
            throw ParseError("duplicate formal function argument '\(symbols[name])'", at: p)
        }
        if let arg, parsed.formals.has(arg) {
            throw ParseError("duplicate formal function argument '\(symbols[arg])'", at: lambdaPos)
        }
    }
}
