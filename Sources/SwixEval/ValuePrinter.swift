import SwixSyntax

/// Prints values.
///
/// - `print` is `nix-instantiate --eval`'s output: `{ a = 1; }`, `[ 1 2 ]`, quoted
///   strings, `<LAMBDA>`, `<PRIMOP>`, `«thunk»` for what was not evaluated and
///   `«repeated»` for a set or list met again. As in CppNix, a set is "the same"
///   when it is the same set, but a list when it is held by the same cell: the thunk
///   it was reached through (else the list itself). A variable's list reached again
///   through the variable is repeated; a copy made by evaluating another expression
///   to it is not (so `let x = [ x ]; in x` prints `[ [ «repeated» ] ]`).
/// - `brief` is the form inside error messages (CppNix's `errorPrintOptions`):
///   functions as `«lambda @ file:line:col»` / `«primop map»`, at most 10
///   attributes or list items and 1024 string bytes (the rest "elided"), 10 levels
///   deep, and nothing forced.
public struct ValuePrinter {
    let ev: Evaluator
    let errorStyle: Bool

    public init(_ ev: Evaluator) {
        self.ev = ev
        errorStyle = false
    }

    init(_ ev: Evaluator, errorStyle: Bool) {
        self.ev = ev
        self.errorStyle = errorStyle
    }

    public func print(_ v: Value) -> String {
        let out = ByteBuffer(capacity: 256)
        var seen = Set<ObjectIdentifier>()
        write(v, out, &seen, depth: 0)
        return String(decoding: out.buffer, as: UTF8.self)
    }

    /// The form for error messages.
    public func brief(_ v: Value) -> String {
        ValuePrinter(ev, errorStyle: true).print(v)
    }

    static let maxDepth = 10, maxItems = 10, maxStringLength = 1024

    func elided(_ n: Int, _ one: String, _ many: String, _ out: ByteBuffer) {
        out.append(contentsOf: "«\(n) \(n == 1 ? one : many) elided»".utf8)
    }

    /// `cell` is the thunk `v` was read from, if any (the identity of a list).
    func write(_ v: Value, _ out: ByteBuffer, _ seen: inout Set<ObjectIdentifier>, depth: Int, cell: Thunk? = nil) {
        switch v {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): ASTPrinter.writeInt(i, out)
        case .bigInt(let b): out.append(contentsOf: b.decimalUTF8)
        case .float(let d): ASTPrinter.writeFloat(d, out)
        case .string(let s):
            if errorStyle && s.bytes.count > ValuePrinter.maxStringLength {
                ASTPrinter.writeString(Array(s.bytes.prefix(ValuePrinter.maxStringLength)), out)
                out.append(32)
                elided(s.bytes.count - ValuePrinter.maxStringLength, "byte", "bytes", out)
            } else {
                ASTPrinter.writeString(s.bytes, out)
            }
        case .path(let p): out.append(contentsOf: p.bytes)
        case .lambda(let c):
            if errorStyle {
                var text = "«lambda"
                if let name = c.lambda.name { text += " " + ev.symbols[name] }
                if !c.lambda.pos.isNone { text += " @ " + ev.describe(c.lambda.pos) }
                out.append(contentsOf: (text + "»").utf8)
            } else {
                out.append("<LAMBDA>")
            }
        case .primop(let p):
            if errorStyle { out.append(contentsOf: "«primop \(p.displayName)»".utf8) } else { out.append("<PRIMOP>") }
        case .primopApp(let app):
            if errorStyle {
                out.append(contentsOf: "«partially applied primop \(app.primop.displayName)»".utf8)
            } else {
                out.append("<PRIMOP-APP>")
            }
        case .thunk(let t):
            switch t.state {
            case .done: write(t.value, out, &seen, depth: depth, cell: t)
            case .blackhole: out.append("«potential infinite recursion»")
            case .pending: out.append("«thunk»")
            }
        case .unevaluatedBinding: out.append("«thunk»")
        case .bindingUnderEvaluation: out.append("«potential infinite recursion»")
        case .list(let l):
            if l.count == 0 { out.append("[ ]"); return }
            guard seen.insert(cell.map(ObjectIdentifier.init) ?? l.identity).inserted else {
                out.append("«repeated»")
                return
            }
            if errorStyle && depth >= ValuePrinter.maxDepth { out.append("[ ... ]"); return }
            out.append("[ ")
            for (k, e) in l.elements.enumerated() {
                if errorStyle && k == ValuePrinter.maxItems {
                    elided(l.count - k, "item", "items", out)
                    out.append(32)
                    break
                }
                write(e, out, &seen, depth: depth + 1)
                out.append(32)
            }
            out.append(93)
        case .attrs(let a):
            if a.count == 0 { out.append("{ }"); return }
            guard seen.insert(ObjectIdentifier(a)).inserted else { out.append("«repeated»"); return }
            if errorStyle && depth >= ValuePrinter.maxDepth { out.append("{ ... }"); return }
            out.append("{ ")
            let sorted = a.sortedByName(ev.symbols)
            for (k, attr) in sorted.enumerated() {
                if errorStyle && k == ValuePrinter.maxItems {
                    elided(sorted.count - k, "attribute", "attributes", out)
                    out.append(32)
                    break
                }
                ASTPrinter.writeIdentifier(ev.symbols.bytes(attr.name), out)
                out.append(" = ")
                write(attr.value, out, &seen, depth: depth + 1)
                out.append("; ")
            }
            out.append(125)
        }
    }
}

extension PrimOp {
    /// The name users know (`map`, `length`): without the `__` of globals.
    var displayName: String { name.hasPrefix("__") ? String(name.dropFirst(2)) : name }
}
