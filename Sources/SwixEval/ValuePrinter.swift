import SwixSyntax

/// Prints values the way `nix-instantiate --eval` does: `{ a = 1; }`, `[ 1 2 ]`,
/// quoted strings, `<LAMBDA>`, `<PRIMOP>`, `«thunk»` for what was not evaluated and
/// `«repeated»` for a set or list met again.
public struct ValuePrinter {
    let ev: Evaluator

    public init(_ ev: Evaluator) {
        self.ev = ev
    }

    public func print(_ v: Value) -> String {
        let out = ByteBuffer(capacity: 256)
        var seen = Set<ObjectIdentifier>()
        write(v, out, &seen, depth: 0)
        return String(decoding: out.buffer, as: UTF8.self)
    }

    /// A short form for error messages.
    public func brief(_ v: Value) -> String {
        switch v {
        case .attrs(let a): return a.count == 0 ? "{ }" : "{ … }"
        case .list(let l): return l.count == 0 ? "[ ]" : "[ … ]"
        default: return print(v)
        }
    }

    func write(_ v: Value, _ out: ByteBuffer, _ seen: inout Set<ObjectIdentifier>, depth: Int) {
        switch v {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): ASTPrinter.writeInt(i, out)
        case .bigInt(let b): out.append(contentsOf: b.decimalUTF8)
        case .float(let d): ASTPrinter.writeFloat(d, out)
        case .string(let s): ASTPrinter.writeString(s.bytes, out)
        case .path(let p): out.append(contentsOf: p.bytes)
        case .lambda: out.append("<LAMBDA>")
        case .primop: out.append("<PRIMOP>")
        case .primopApp: out.append("<PRIMOP-APP>")
        case .thunk(let t):
            if t.state == .done {
                write(t.value, out, &seen, depth: depth)
            } else {
                out.append("«thunk»")
            }
        case .list(let l):
            guard seen.insert(ObjectIdentifier(l)).inserted else { out.append("«repeated»"); return }
            out.append("[ ")
            for e in l.elements {
                write(e, out, &seen, depth: depth + 1)
                out.append(32)
            }
            out.append(93)
        case .attrs(let a):
            guard seen.insert(ObjectIdentifier(a)).inserted else { out.append("«repeated»"); return }
            out.append("{ ")
            let sorted = a.attrs.sorted { ev.symbols.lexicographicallyPrecedes($0.name, $1.name) }
            for attr in sorted {
                ASTPrinter.writeIdentifier(ev.symbols.bytes(attr.name), out)
                out.append(" = ")
                write(attr.value, out, &seen, depth: depth + 1)
                out.append("; ")
            }
            out.append(125)
        }
    }
}
