import CSwixSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints an AST in the text form of `nix-instantiate --parse` (CppNix's
/// `Expr::show`): fully parenthesised, attributes sorted by name, desugarings visible.
public struct ASTPrinter {
    let symbols: SymbolTable

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

    /// Prints one node of a tree.
    public func print(_ tree: SyntaxTree, _ r: NodeRef) -> String {
        print(Expr(tree: tree, root: r))
    }

    // MARK: Literals shared with value printing

    /// `printLiteralString`: double quotes with `\" \\ \n \r \t` and `\${` escaped.
    public static func writeString(_ p: UnsafeBufferPointer<UInt8>, _ out: ByteBuffer) {
        out.append(34)
        var runStart = 0
        let n = p.count
        var k = 0
        while k < n {
            let escape = escapeTable[Int(p[k])]
            if escape == 0 || (escape == 36 && (k + 1 >= n || p[k + 1] != 123)) { k += 1; continue }
            if k > runStart { out.append(UnsafeBufferPointer(rebasing: p[runStart..<k])) }
            out.append(92)
            out.append(escape)
            k += 1
            runStart = k
        }
        if n > runStart { out.append(UnsafeBufferPointer(rebasing: p[runStart..<n])) }
        out.append(34)
    }

    /// For each byte, the character after the backslash that escapes it (0: none).
    /// `$` is escaped only before `{`.
    static let escapeTable: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        t[34] = 34; t[92] = 92; t[10] = 110; t[13] = 114; t[9] = 116; t[36] = 36
        return t
    }()

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
        let out = ByteBuffer(capacity: 32)
        writeFloat(d, out)
        return String(decoding: out.buffer, as: UTF8.self)
    }

    /// `%g` straight into the buffer (no varargs boxing, no intermediate string).
    public static func writeFloat(_ d: Double, _ out: ByteBuffer) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 40) { buf in
            let n = swix_format_g(buf.baseAddress!, 40, d)
            buf.baseAddress!.withMemoryRebound(to: UInt8.self, capacity: 40) { p in
                out.append(UnsafeBufferPointer(start: p, count: Int(max(0, min(n, 39)))))
            }
        }
    }

    /// Decimal digits of an integer, written without allocating.
    public static func writeInt(_ v: Int64, _ out: ByteBuffer) {
        if v >= 0 && v < 10 {
            out.append(UInt8(48 + v))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buf in
            var k = 24
            var m = v.magnitude
            repeat {
                k -= 1
                buf[k] = UInt8(48 + m % 10)
                m /= 10
            } while m != 0
            if v < 0 {
                k -= 1
                buf[k] = 45
            }
            out.append(UnsafeBufferPointer(rebasing: buf[k..<24]))
        }
    }

    // MARK: Expressions

    func sym(_ s: Symbol, _ out: ByteBuffer) {
        if symbols.isPlainIdentifier(s) {
            symbols.withBytes(s) { out.append($0) }
        } else {
            ASTPrinter.writeIdentifier(symbols.bytes(s), out)
        }
    }

    func write(_ e: Expr, _ out: ByteBuffer) throws {
        let tree = e.tree
        try tree.nodes.withUnsafeBufferPointer { nodes in
            try tree.extra.withUnsafeBufferPointer { extra in
                try tree.bytes.withUnsafeBufferPointer { bytes in
                    let w = Walker(printer: self, tree: tree, nodes: nodes, extra: extra, bytes: bytes, out: out,
                                   order: IndexStack(), stack: StackGuard())
                    try w.write(e.root)
                }
            }
        }
    }

    /// The recursive printer over the tree's storage (borrowed for the walk).
    struct Walker {
        let printer: ASTPrinter
        let tree: SyntaxTree
        let nodes: UnsafeBufferPointer<Node>
        let extra: UnsafeBufferPointer<UInt32>
        let bytes: UnsafeBufferPointer<UInt8>
        let out: ByteBuffer
        let order: IndexStack
        /// The bounds of the thread the walk runs on.
        let stack: StackGuard

        func literal(_ n: Node) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[Int(n.a)..<Int(n.a + n.b)])
        }

        func write(_ r: NodeRef) throws {
            guard stack.hasRoom() else { throw TooDeep() }
            let n = nodes[Int(r.index)]
            switch n.kind {
            case .int:
                let v = Int64(bitPattern: UInt64(n.a) | UInt64(n.b) << 32)
                writeInt(v)
            case .bigInt, .path: out.append(literal(n))
            case .float:
                ASTPrinter.writeFloat(Double(bitPattern: UInt64(n.a) | UInt64(n.b) << 32), out)
            case .string: ASTPrinter.writeString(literal(n), out)
            case .variable: printer.sym(Symbol(id: n.a), out)
            case .curPos: out.append("__curPos")
            case .select:
                out.append(40)
                try write(NodeRef(n.a))
                out.append(").")
                try writePath(n.b, n.c)
                if n.d != UInt32.max {
                    out.append(" or (")
                    try write(NodeRef(n.d))
                    out.append(41)
                }
            case .hasAttr:
                out.append("((")
                try write(NodeRef(n.a))
                out.append(") ? ")
                try writePath(n.b, n.c)
                out.append(41)
            case .attrs:
                let a = tree.attrSets[Int(n.a)]
                if a.isRecursive { out.append("rec ") }
                out.append("{ ")
                try writeBindings(a)
                out.append(125)
            case .list:
                out.append("[ ")
                for k in 0..<Int(n.c) {
                    out.append(40)
                    try write(NodeRef(extra[Int(n.b) + k]))
                    out.append(") ")
                }
                out.append(93)
            case .lambda:
                let l = tree.lambdas[Int(n.a)]
                out.append(40)
                if let formals = l.formals {
                    out.append("{ ")
                    let ordered = formals.formals.sorted { printer.symbols.lexicographicallyPrecedes($0.name, $1.name) }
                    var first = true
                    for f in ordered {
                        if !first { out.append(", ") }
                        first = false
                        printer.sym(f.name, out)
                        if let d = f.defaultValue {
                            out.append(" ? ")
                            try write(d)
                        }
                    }
                    if formals.ellipsis {
                        if !first { out.append(", ") }
                        out.append("...")
                    }
                    out.append(" }")
                    if l.arg != nil { out.append(" @ ") }
                }
                if let arg = l.arg { printer.sym(arg, out) }
                out.append(": ")
                try write(l.body)
                out.append(41)
            case .call:
                out.append(40)
                try write(NodeRef(n.a))
                for k in 0..<Int(n.c) {
                    out.append(32)
                    try write(NodeRef(extra[Int(n.b) + k]))
                }
                out.append(41)
            case .letIn:
                out.append("(let ")
                try writeBindings(tree.attrSets[Int(n.a)])
                out.append("in ")
                try write(NodeRef(n.b))
                out.append(41)
            case .with:
                out.append("(with ")
                try write(NodeRef(n.a))
                out.append("; ")
                try write(NodeRef(n.b))
                out.append(41)
            case .ifThenElse:
                out.append("(if ")
                try write(NodeRef(n.a))
                out.append(" then ")
                try write(NodeRef(n.b))
                out.append(" else ")
                try write(NodeRef(n.c))
                out.append(41)
            case .assert:
                out.append("assert ")
                try write(NodeRef(n.a))
                out.append("; ")
                try write(NodeRef(n.b))
            case .not:
                out.append("(! ")
                try write(NodeRef(n.a))
                out.append(41)
            case .binary:
                out.append(40)
                try write(NodeRef(n.a))
                out.append(32)
                out.append(BinaryOp(rawValue: n.flag)!.text)
                out.append(32)
                try write(NodeRef(n.b))
                out.append(41)
            case .concatStrings:
                out.append(40)
                for k in 0..<Int(n.c) {
                    if k > 0 { out.append(" + ") }
                    try write(NodeRef(extra[Int(n.b) + 2 * k + 1]))
                }
                out.append(41)
            case .inheritFrom:
                // Only reachable through an `inherit (e)` definition, which prints its source itself.
                break
            }
        }

        func writeInt(_ v: Int64) { ASTPrinter.writeInt(v, out) }

        func writePath(_ start: UInt32, _ count: UInt32) throws {
            for k in 0..<Int(count) {
                if k > 0 { out.append(46) }
                switch AttrName(encoded: extra[Int(start) + k]) {
                case .symbol(let s): printer.sym(s, out)
                case .dynamic(let e):
                    out.append("\"${")
                    try write(e)
                    out.append("}\"")
                }
            }
        }

        /// `showBindings`: plain inherits, then `inherit (e)` groups in source order,
        /// then definitions sorted by name, then dynamic attributes in source order.
        func writeBindings(_ a: AttrSet) throws {
            let defs = a.attrs
            let mark = order.items.count
            defer { order.items.removeSubrange(mark...) }
            order.items.append(contentsOf: defs.indices)
            if defs.count > 1 {
                let symbols = printer.symbols
                order.items[mark...].sort { symbols.lexicographicallyPrecedes(defs[$0].name, defs[$1].name) }
            }
            // Indices into `self.order.items`, read one at a time: holding a slice while
            // the nested writes push onto the stack would copy it.
            let range = mark..<(mark + defs.count)
            let stack = self.order
            var anyInherited = false
            var anyInheritedFrom = false
            for j in range {
                switch defs[stack.items[j]].kind {
                case .inherited: anyInherited = true
                case .inheritedFrom: anyInheritedFrom = true
                case .plain: break
                }
            }
            if anyInherited {
                out.append("inherit")
                for j in range where defs[stack.items[j]].kind == .inherited {
                    out.append(32)
                    printer.sym(defs[stack.items[j]].name, out)
                }
                out.append("; ")
            }
            if anyInheritedFrom {
                var groups: [Int: [Symbol]] = [:]
                for j in range where defs[stack.items[j]].kind == .inheritedFrom {
                    let k = stack.items[j]
                    let sel = nodes[Int(defs[k].value.index)]
                    groups[Int(nodes[Int(sel.a)].a), default: []].append(defs[k].name)
                }
                for index in groups.keys.sorted() {
                    out.append("inherit (")
                    try write(a.inheritFromExprs[index])
                    out.append(41)
                    for name in groups[index]! {
                        out.append(32)
                        printer.sym(name, out)
                    }
                    out.append("; ")
                }
            }
            for j in range where defs[stack.items[j]].kind == .plain {
                let k = stack.items[j]
                printer.sym(defs[k].name, out)
                out.append(" = ")
                try write(defs[k].value)
                out.append("; ")
            }
            for d in a.dynamicAttrs {
                out.append("\"${")
                try write(d.name)
                out.append("}\" = ")
                try write(d.value)
                out.append("; ")
            }
        }
    }
}

/// A reusable stack of indices, so that walks need no array per node.
final class IndexStack {
    var items: [Int] = []
    init() { items.reserveCapacity(1024) }
}
