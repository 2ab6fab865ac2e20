#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints an AST in the text form of `nix-instantiate --parse` (CppNix's
/// `Expr::show`): fully parenthesised, attributes sorted by name, desugarings visible.
public struct ASTPrinter {
    let symbols: SymbolTable
    let stack = StackGuard()

    public init(symbols: SymbolTable) {
        self.symbols = symbols
    }

    public struct TooDeep: Error {}

    public func print(_ e: Expr) -> String {
        var out: [UInt8] = []
        try? write(e, &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The printed bytes, or `TooDeep` when the tree is nested beyond the stack.
    public func bytes(_ e: Expr) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try write(e, &out)
        return out
    }

    // MARK: Literals shared with value printing

    /// `printLiteralString`: double quotes with `\" \\ \n \r \t` and `\${` escaped.
    public static func writeString<C: Collection>(_ s: C, _ out: inout [UInt8]) where C.Element == UInt8 {
        out.append(34)
        var it = s.makeIterator()
        var pending = it.next()
        while let c = pending {
            let next = it.next()
            switch c {
            case 34, 92: out.append(92); out.append(c)
            case 10: out.append(92); out.append(110)
            case 13: out.append(92); out.append(114)
            case 9: out.append(92); out.append(116)
            case 36 where next == 123: out.append(92); out.append(36)
            default: out.append(c)
            }
            pending = next
        }
        out.append(34)
    }

    static let reservedKeywords: [[UInt8]] = ["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit"].map { Array($0.utf8) }

    /// `printIdentifier`: bare when it lexes as an identifier and is no keyword, quoted otherwise.
    public static func writeIdentifier<C: Collection>(_ s: C, _ out: inout [UInt8]) where C.Element == UInt8 {
        if s.isEmpty { out.append(34); out.append(34); return }
        if reservedKeywords.contains(where: { $0.elementsEqual(s) }) {
            out.append(34); out.append(contentsOf: s); out.append(34)
            return
        }
        guard let first = s.first, Lexer.isIdStart(first), s.allSatisfy(Lexer.isIdChar) else {
            writeString(s, &out)
            return
        }
        out.append(contentsOf: s)
    }

    public static func identifier<C: Collection>(_ s: C) -> String where C.Element == UInt8 {
        var out: [UInt8] = []
        writeIdentifier(s, &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// C++ `ostream << double` (`%g`, six significant digits).
    public static func formatFloat(_ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        _ = withVaList([d]) { vsnprintf(&buf, 64, "%g", $0) }
        let len = buf.firstIndex(of: 0) ?? buf.count
        return String(decoding: buf[..<len].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Expressions

    func sym(_ s: Symbol, _ out: inout [UInt8]) {
        ASTPrinter.writeIdentifier(symbols.bytes(s), &out)
    }

    func write(_ e: Expr, _ out: inout [UInt8]) throws {
        guard stack.hasRoom() else { throw TooDeep() }
        switch e {
        case .int(let v): out.append(contentsOf: String(v).utf8)
        case .bigInt(let digits): out.append(contentsOf: digits)
        case .float(let d): out.append(contentsOf: ASTPrinter.formatFloat(d).utf8)
        case .string(let s): ASTPrinter.writeString(s, &out)
        case .path(let p): out.append(contentsOf: p)
        case .variable(let s, _): sym(s, &out)
        case .curPos: out.append(contentsOf: "__curPos".utf8)
        case .select(let target, let path, let def, _):
            out.append(40)
            try write(target, &out)
            out.append(contentsOf: ").".utf8)
            try writePath(path, &out)
            if let def {
                out.append(contentsOf: " or (".utf8)
                try write(def, &out)
                out.append(41)
            }
        case .hasAttr(let target, let path, _):
            out.append(contentsOf: "((".utf8)
            try write(target, &out)
            out.append(contentsOf: ") ? ".utf8)
            try writePath(path, &out)
            out.append(41)
        case .attrs(let a):
            if a.isRecursive { out.append(contentsOf: "rec ".utf8) }
            out.append(contentsOf: "{ ".utf8)
            try writeBindings(a, &out)
            out.append(125)
        case .list(let elems):
            out.append(contentsOf: "[ ".utf8)
            for el in elems {
                out.append(40)
                try write(el, &out)
                out.append(contentsOf: ") ".utf8)
            }
            out.append(93)
        case .lambda(let l):
            out.append(40)
            if let formals = l.formals {
                out.append(contentsOf: "{ ".utf8)
                let ordered = formals.formals.sorted { symbols.lexicographicallyPrecedes($0.name, $1.name) }
                var first = true
                for f in ordered {
                    if !first { out.append(contentsOf: ", ".utf8) }
                    first = false
                    sym(f.name, &out)
                    if let d = f.defaultValue {
                        out.append(contentsOf: " ? ".utf8)
                        try write(d, &out)
                    }
                }
                if formals.ellipsis {
                    if !first { out.append(contentsOf: ", ".utf8) }
                    out.append(contentsOf: "...".utf8)
                }
                out.append(contentsOf: " }".utf8)
                if l.arg != nil { out.append(contentsOf: " @ ".utf8) }
            }
            if let arg = l.arg { sym(arg, &out) }
            out.append(contentsOf: ": ".utf8)
            try write(l.body, &out)
            out.append(41)
        case .call(let fn, let args, _):
            out.append(40)
            try write(fn, &out)
            for a in args {
                out.append(32)
                try write(a, &out)
            }
            out.append(41)
        case .letIn(let attrs, let body, _):
            out.append(contentsOf: "(let ".utf8)
            try writeBindings(attrs, &out)
            out.append(contentsOf: "in ".utf8)
            try write(body, &out)
            out.append(41)
        case .with(let scope, let body, _):
            out.append(contentsOf: "(with ".utf8)
            try write(scope, &out)
            out.append(contentsOf: "; ".utf8)
            try write(body, &out)
            out.append(41)
        case .ifThenElse(let c, let t, let f, _):
            out.append(contentsOf: "(if ".utf8)
            try write(c, &out)
            out.append(contentsOf: " then ".utf8)
            try write(t, &out)
            out.append(contentsOf: " else ".utf8)
            try write(f, &out)
            out.append(41)
        case .assert(let c, let body, _):
            out.append(contentsOf: "assert ".utf8)
            try write(c, &out)
            out.append(contentsOf: "; ".utf8)
            try write(body, &out)
        case .not(let x, _):
            out.append(contentsOf: "(! ".utf8)
            try write(x, &out)
            out.append(41)
        case .binary(let op, let l, let r, _):
            out.append(40)
            try write(l, &out)
            out.append(32)
            out.append(contentsOf: op.text.utf8)
            out.append(32)
            try write(r, &out)
            out.append(41)
        case .concatStrings(let parts, _, _):
            out.append(40)
            var first = true
            for p in parts {
                if !first { out.append(contentsOf: " + ".utf8) }
                first = false
                try write(p.expr, &out)
            }
            out.append(41)
        case .inheritFrom:
            // Only reachable through an `inherit (e)` definition, which prints its source itself.
            break
        }
    }

    func writePath(_ path: [AttrName], _ out: inout [UInt8]) throws {
        var first = true
        for name in path {
            if !first { out.append(46) }
            first = false
            switch name {
            case .symbol(let s): sym(s, &out)
            case .dynamic(let e):
                out.append(contentsOf: "\"${".utf8)
                try write(e, &out)
                out.append(contentsOf: "}\"".utf8)
            }
        }
    }

    /// `showBindings`: plain inherits, then `inherit (e)` groups in source order,
    /// then definitions sorted by name, then dynamic attributes in source order.
    func writeBindings(_ a: AttrSet, _ out: inout [UInt8]) throws {
        let sorted = a.attrs.sorted { symbols.lexicographicallyPrecedes($0.name, $1.name) }
        let inherits = sorted.filter { $0.kind == .inherited }
        if !inherits.isEmpty {
            out.append(contentsOf: "inherit".utf8)
            for d in inherits {
                out.append(32)
                sym(d.name, &out)
            }
            out.append(contentsOf: "; ".utf8)
        }
        var groups: [Int: [Symbol]] = [:]
        for d in sorted where d.kind == .inheritedFrom {
            if case .select(.inheritFrom(let index, _), _, _, _) = d.value {
                groups[index, default: []].append(d.name)
            }
        }
        for index in groups.keys.sorted() {
            out.append(contentsOf: "inherit (".utf8)
            try write(a.inheritFromExprs[index], &out)
            out.append(41)
            for name in groups[index]! {
                out.append(32)
                sym(name, &out)
            }
            out.append(contentsOf: "; ".utf8)
        }
        for d in sorted where d.kind == .plain {
            sym(d.name, &out)
            out.append(contentsOf: " = ".utf8)
            try write(d.value, &out)
            out.append(contentsOf: "; ".utf8)
        }
        for d in a.dynamicAttrs {
            out.append(contentsOf: "\"${".utf8)
            try write(d.name, &out)
            out.append(contentsOf: "}\" = ".utf8)
            try write(d.value, &out)
            out.append(contentsOf: "; ".utf8)
        }
    }
}
