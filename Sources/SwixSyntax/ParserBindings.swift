/// Attribute sets and `let` bindings: `binds`, `inherit`, attribute paths, and the
/// merging of nested paths (`a.b = 1; a.c = 2;`) with Nix's duplicate checks
/// (Grammar/nix.ebnf §Bindings).
extension Parser {
    /// Tokens that can begin an attribute name.
    static let attrStart: [TokenKind] = [.id, .kwOr, .dollarCurly, .quote]

    /// Parses bindings up to (not including) `terminator`. `expecting` is what Bison
    /// reports when neither a binding nor the terminator follows.
    func parseBindings(into attrs: AttrSet, until terminator: TokenKind, expecting: [TokenKind]) throws {
        while true {
            let t = peek()
            switch t.kind {
            case terminator:
                return
            case .kwInherit:
                advance()
                try parseInherit(into: attrs)
            case .id, .kwOr:
                // Fast path for the common `name = value;`.
                if peek(1).kind == .assign {
                    advance()
                    advance()
                    let name = intern(t)
                    let value = try parseExpr()
                    try expect(.semicolon, [.semicolon])
                    if attrs.find(name) == nil {
                        attrs.append(AttrDef(name: name, value: value, pos: pos(t), kind: .plain))
                        setName(value, name)
                    } else {
                        try addAttr(attrs, path: [.symbol(name)], pathPos: pos(t), value: value)
                    }
                    continue
                }
                fallthrough
            case .dollarCurly, .quote:
                let mark = scratch.count
                try parseAttrPath()
                let path = scratch[mark...].map { AttrName(encoded: $0) }
                scratch.removeSubrange(mark...)
                try expect(.assign, [.dot, .assign])
                let value = try parseExpr()
                try expect(.semicolon, [.semicolon])
                try addAttr(attrs, path: path, pathPos: pos(t), value: value)
            default:
                throw syntaxError(t, expecting: expecting)
            }
        }
    }

    /// `inherit a b;` or `inherit (e) a b;` (after the keyword).
    func parseInherit(into attrs: AttrSet) throws {
        var fromIndex: Int?
        var fromPos = Pos.none
        if peek().kind == .lparen {
            advance()
            fromPos = pos(peek())
            let from = try parseExpr()
            try expect(.rparen, [.rparen])
            attrs.inheritFromExprs.append(from)
            fromIndex = attrs.inheritFromExprs.count - 1
        }
        while true {
            let t = peek()
            let name: Symbol
            switch t.kind {
            case .semicolon:
                advance()
                return
            case .id, .kwOr:
                advance()
                name = intern(t)
            case .quote, .dollarCurly:
                guard case .symbol(let s) = try parseAttrName() else {
                    throw ParseError("dynamic attributes not allowed in inherit", at: pos(t))
                }
                name = s
            default:
                throw syntaxError(t, expecting: [.semicolon] + Parser.attrStart)
            }
            let namePos = pos(t)
            if let j = attrs.find(name) {
                throw ParseError("attribute '\(show(name))' already defined at \(describe(attrs.attrs[j].pos))", at: namePos)
            }
            if let index = fromIndex {
                let from = node(.inheritFrom, fromPos, a: UInt32(index))
                let value = select(from, name, namePos)
                attrs.append(AttrDef(name: name, value: value, pos: namePos, kind: .inheritedFrom))
            } else {
                attrs.append(AttrDef(name: name, value: variable(name, namePos), pos: namePos, kind: .inherited))
            }
        }
    }

    /// `attrpath`: one or more attribute names separated by dots, pushed onto the
    /// scratch stack (encoded as in `extra`).
    func parseAttrPath() throws {
        let first = try parseAttrName()
        scratch.append(first.encoded)
        while peek().kind == .dot {
            advance()
            let name = try parseAttrName()
            scratch.append(name.encoded)
        }
    }

    /// `attr | string_attr`: an identifier, `or`, `"…"`, or `${…}`.
    func parseAttrName() throws -> AttrName {
        let t = peek()
        switch t.kind {
        case .id, .kwOr:
            advance()
            return .symbol(intern(t))
        case .quote:
            advance()
            let body = try parseStringBody(open: t)
            if case .plain(let o, let n) = body {
                return .symbol(tree.bytes.withUnsafeBufferPointer {
                    symbols.intern(UnsafeBufferPointer(rebasing: $0[Int(o)..<Int(o + n)]))
                })
            }
            return .dynamic(body.toNode(self))
        case .dollarCurly:
            advance()
            let e = try parseExpr()
            try expect(.rbrace, [.rbrace])
            // `${"name"}` is a static name (NixOS/nix#14642).
            if tree.kind(e) == .string { return .symbol(symbols.intern(Array(tree.literalBytes(e)))) }
            return .dynamic(e)
        default:
            throw syntaxError(t, expecting: Parser.attrStart)
        }
    }

    func describe(_ p: Pos) -> String {
        // Positions inside the current source only: resolve directly.
        guard !p.isNone, p.raw >= base else { return "«none»" }
        let (line, column) = source.lineColumn(ofOffset: Int(p.raw - base))
        return "\(source.origin.description):\(line):\(column)"
    }

    func showPath(_ path: ArraySlice<AttrName>) -> String {
        path.map { name -> String in
            switch name {
            case .symbol(let s): return show(s)
            case .dynamic(let e): return "\"${" + ASTPrinter(symbols: symbols).print(Expr(tree: tree, root: e)) + "}\""
            }
        }.joined(separator: ".")
    }

    /// Adds `path = value` to `attrs`, creating or descending into nested sets.
    func addAttr(_ attrs: AttrSet, path: [AttrName], pathPos: Pos, value: NodeRef) throws {
        // The common case: `name = value;` with a new name.
        if path.count == 1, case .symbol(let s) = path[0], attrs.find(s) == nil {
            attrs.append(AttrDef(name: s, value: value, pos: pathPos, kind: .plain))
            setName(value, s)
            return
        }
        var current = attrs
        for k in 0..<(path.count - 1) {
            switch path[k] {
            case .symbol(let s):
                if let j = current.find(s) {
                    guard tree.kind(current.attrs[j].value) == .attrs, let nested = tree.attrSet(current.attrs[j].value) else {
                        throw ParseError("attribute '\(showPath(path[...k]))' already defined at \(describe(current.attrs[j].pos))",
                                         at: pathPos)
                    }
                    current = nested
                } else {
                    let nested = AttrSet()
                    current.append(AttrDef(name: s, value: attrsNode(nested), pos: pathPos, kind: .plain))
                    current = nested
                }
            case .dynamic(let e):
                let nested = AttrSet()
                current.dynamicAttrs.append(DynamicAttrDef(name: e, value: attrsNode(nested), pos: pathPos))
                current = nested
            }
        }
        switch path[path.count - 1] {
        case .symbol(let s):
            var fullPath = path
            try addAttr(current, path: &fullPath, symbol: s,
                        def: AttrDef(name: s, value: value, pos: pathPos, kind: .plain))
        case .dynamic(let e):
            current.dynamicAttrs.append(DynamicAttrDef(name: e, value: value, pos: pathPos))
        }
    }

    /// Defines `symbol` in `attrs`; two attribute-set literals for one name merge.
    /// `path` ends with `symbol` and is only used in the error message.
    func addAttr(_ attrs: AttrSet, path: inout [AttrName], symbol: Symbol, def: AttrDef) throws {
        guard let j = attrs.find(symbol) else {
            attrs.append(def)
            setName(def.value, symbol)
            return
        }
        guard tree.kind(def.value) == .attrs, tree.kind(attrs.attrs[j].value) == .attrs,
              let incoming = tree.attrSet(def.value), let existing = tree.attrSet(attrs.attrs[j].value) else {
            throw ParseError("attribute '\(showPath(path[...]))' already defined at \(describe(attrs.attrs[j].pos))",
                             at: def.pos)
        }
        // Merge `incoming` into `existing` (CppNix ignores `rec` on the incoming set).
        let offset = existing.inheritFromExprs.count
        let incomingDefs = incoming.attrs
        for k in incoming.indicesInSymbolOrder {
            let ad = incomingDefs[k]
            if ad.kind == .inheritedFrom, case .select(let from, _, _) = tree.view(ad.value),
               tree.kind(from) == .inheritFrom {
                tree.nodes[Int(from.index)].a += UInt32(offset)
            }
            path.append(.symbol(ad.name))
            try addAttr(existing, path: &path, symbol: ad.name, def: ad)
            path.removeLast()
        }
        existing.dynamicAttrs.append(contentsOf: incoming.dynamicAttrs)
        existing.inheritFromExprs.append(contentsOf: incoming.inheritFromExprs)
        incoming.removeAll()
    }
}
