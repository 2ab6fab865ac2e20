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
        let out = ByteBuffer()
        try? write(e, out)
        return String(decoding: out.buffer, as: UTF8.self)
    }

    /// The printed bytes, or `TooDeep` when the tree is nested beyond the stack.
    public func bytes(_ e: Expr) throws -> [UInt8] {
        let out = ByteBuffer(capacity: 1 << 16)
        try write(e, out)
        return out.bytes
    }

    /// Prints into an existing buffer.
    public func write(_ e: Expr, into out: ByteBuffer) throws {
        try write(e, out)
    }

    // MARK: Literals shared with value printing

    /// `printLiteralString`: double quotes with `\" \\ \n \r \t` and `\${` escaped.
    public static func writeString(_ p: UnsafeBufferPointer<UInt8>, _ out: ByteBuffer) {
        out.append(34)
        var runStart = 0
        let n = p.count
        var k = 0
        while k < n {
            let c = p[k]
            let escape: UInt8
            switch c {
            case 34, 92: escape = c
            case 10: escape = 110
            case 13: escape = 114
            case 9: escape = 116
            case 36 where k + 1 < n && p[k + 1] == 123: escape = 36
            default: k += 1; continue
            }
            if k > runStart { out.append(UnsafeBufferPointer(rebasing: p[runStart..<k])) }
            out.append(92)
            out.append(escape)
            k += 1
            runStart = k
        }
        if n > runStart { out.append(UnsafeBufferPointer(rebasing: p[runStart..<n])) }
        out.append(34)
    }

    public static func writeString(_ s: [UInt8], _ out: ByteBuffer) {
        s.withUnsafeBufferPointer { writeString($0, out) }
    }

    public static func writeString<C: Collection>(_ s: C, _ out: ByteBuffer) where C.Element == UInt8 {
        writeString(Array(s), out)
    }

    static let reservedKeywords: [[UInt8]] = ["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit"].map { Array($0.utf8) }

    /// A valid identifier that is not a keyword prints without quotes.
    public static func isPlainIdentifier(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = s.first, Lexer.isIdStart(first) else { return false }
        for c in s where !Lexer.isIdChar(c) { return false }
        if s.count >= 2 && s.count <= 7 && reservedKeywords.contains(where: { $0.elementsEqual(s) }) { return false }
        return true
    }

    /// `printIdentifier`: bare when it lexes as an identifier and is no keyword, quoted otherwise.
    public static func writeIdentifier<C: Collection>(_ s: C, _ out: ByteBuffer) where C.Element == UInt8 {
        let bytes = Array(s)
        bytes.withUnsafeBufferPointer { p in
            if p.isEmpty {
                out.append(34); out.append(34)
            } else if isPlainIdentifier(p) {
                out.append(contentsOf: p)
            } else if reservedKeywords.contains(where: { $0.elementsEqual(p) }) {
                out.append(34); out.append(contentsOf: p); out.append(34)
            } else {
                writeString(p, out)
            }
        }
    }

    public static func identifier<C: Collection>(_ s: C) -> String where C.Element == UInt8 {
        let out = ByteBuffer(capacity: 64)
        writeIdentifier(s, out)
        return String(decoding: out.buffer, as: UTF8.self)
    }

    /// C++ `ostream << double` (`%g`, six significant digits).
    public static func formatFloat(_ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        _ = withVaList([d]) { vsnprintf(&buf, 64, "%g", $0) }
        let len = buf.firstIndex(of: 0) ?? buf.count
        return String(decoding: buf[..<len].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Expressions

    func sym(_ s: Symbol, _ out: ByteBuffer) {
        if symbols.isPlainIdentifier(s) {
            symbols.withBytes(s) { out.append(contentsOf: $0) }
        } else {
            ASTPrinter.writeIdentifier(symbols.bytes(s), out)
        }
    }

    func write(_ e: Expr, _ out: ByteBuffer) throws {
        guard stack.hasRoom() else { throw TooDeep() }
        switch e {
        case .int(let v): out.append(contentsOf: String(v).utf8)
        case .bigInt(let digits): out.append(contentsOf: digits)
        case .float(let d): out.append(contentsOf: ASTPrinter.formatFloat(d).utf8)
        case .string(let s): ASTPrinter.writeString(s, out)
        case .path(let p): out.append(contentsOf: p)
        case .variable(let s, _): sym(s, out)
        case .curPos: out.append("__curPos")
        case .select(let target, let path, let def, _):
            out.append(40)
            try write(target, out)
            out.append(").")
            try writePath(path, out)
            if let def {
                out.append(" or (")
                try write(def, out)
                out.append(41)
            }
        case .hasAttr(let target, let path, _):
            out.append("((")
            try write(target, out)
            out.append(") ? ")
            try writePath(path, out)
            out.append(41)
        case .attrs(let a):
            if a.isRecursive { out.append("rec ") }
            out.append("{ ")
            try writeBindings(a, out)
            out.append(125)
        case .list(let elems):
            out.append("[ ")
            for el in elems {
                out.append(40)
                try write(el, out)
                out.append(") ")
            }
            out.append(93)
        case .lambda(let l):
            out.append(40)
            if let formals = l.formals {
                out.append("{ ")
                let ordered = formals.formals.sorted { symbols.lexicographicallyPrecedes($0.name, $1.name) }
                var first = true
                for f in ordered {
                    if !first { out.append(", ") }
                    first = false
                    sym(f.name, out)
                    if let d = f.defaultValue {
                        out.append(" ? ")
                        try write(d, out)
                    }
                }
                if formals.ellipsis {
                    if !first { out.append(", ") }
                    out.append("...")
                }
                out.append(" }")
                if l.arg != nil { out.append(" @ ") }
            }
            if let arg = l.arg { sym(arg, out) }
            out.append(": ")
            try write(l.body, out)
            out.append(41)
        case .call(let fn, let args, _):
            out.append(40)
            try write(fn, out)
            for a in args {
                out.append(32)
                try write(a, out)
            }
            out.append(41)
        case .letIn(let attrs, let body, _):
            out.append("(let ")
            try writeBindings(attrs, out)
            out.append("in ")
            try write(body, out)
            out.append(41)
        case .with(let scope, let body, _):
            out.append("(with ")
            try write(scope, out)
            out.append("; ")
            try write(body, out)
            out.append(41)
        case .ifThenElse(let c, let t, let f, _):
            out.append("(if ")
            try write(c, out)
            out.append(" then ")
            try write(t, out)
            out.append(" else ")
            try write(f, out)
            out.append(41)
        case .assert(let c, let body, _):
            out.append("assert ")
            try write(c, out)
            out.append("; ")
            try write(body, out)
        case .not(let x, _):
            out.append("(! ")
            try write(x, out)
            out.append(41)
        case .binary(let op, let l, let r, _):
            out.append(40)
            try write(l, out)
            out.append(32)
            out.append(contentsOf: op.text.utf8)
            out.append(32)
            try write(r, out)
            out.append(41)
        case .concatStrings(let parts, _, _):
            out.append(40)
            var first = true
            for p in parts {
                if !first { out.append(" + ") }
                first = false
                try write(p.expr, out)
            }
            out.append(41)
        case .inheritFrom:
            // Only reachable through an `inherit (e)` definition, which prints its source itself.
            break
        }
    }

    func writePath(_ path: [AttrName], _ out: ByteBuffer) throws {
        var first = true
        for name in path {
            if !first { out.append(46) }
            first = false
            switch name {
            case .symbol(let s): sym(s, out)
            case .dynamic(let e):
                out.append("\"${")
                try write(e, out)
                out.append("}\"")
            }
        }
    }

    /// `showBindings`: plain inherits, then `inherit (e)` groups in source order,
    /// then definitions sorted by name, then dynamic attributes in source order.
    func writeBindings(_ a: AttrSet, _ out: ByteBuffer) throws {
        let defs = a.attrs
        let order = defs.indices.sorted { symbols.lexicographicallyPrecedes(defs[$0].name, defs[$1].name) }
        let sorted = order.lazy.map { defs[$0] }
        let inherits = sorted.filter { $0.kind == .inherited }
        if !inherits.isEmpty {
            out.append("inherit")
            for d in inherits {
                out.append(32)
                sym(d.name, out)
            }
            out.append("; ")
        }
        var groups: [Int: [Symbol]] = [:]
        for d in sorted where d.kind == .inheritedFrom {
            if case .select(.inheritFrom(let index, _), _, _, _) = d.value {
                groups[index, default: []].append(d.name)
            }
        }
        for index in groups.keys.sorted() {
            out.append("inherit (")
            try write(a.inheritFromExprs[index], out)
            out.append(41)
            for name in groups[index]! {
                out.append(32)
                sym(name, out)
            }
            out.append("; ")
        }
        for d in sorted where d.kind == .plain {
            sym(d.name, out)
            out.append(" = ")
            try write(d.value, out)
            out.append("; ")
        }
        for d in a.dynamicAttrs {
            out.append("\"${")
            try write(d.name, out)
            out.append("}\" = ")
            try write(d.value, out)
            out.append("; ")
        }
    }
}
