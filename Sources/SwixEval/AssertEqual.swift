import SwixSyntax

extension Evaluator {
    /// Explains why two values are not equal, for `assert a == b` (CppNix's
    /// `assertEqValues`): walks both like `equal` and throws at the first
    /// difference, with frames for the list element or attribute compared.
    /// Returns normally when they are equal after all.
    func assertEqual(_ a: Value, _ b: Value, _ pos: Pos) throws(EvalError) {
        let x = try force(a, pos), y = try force(b, pos)
        if identical(a, b) { return }
        let printer = ValuePrinter(self)
        func fail(_ message: String) -> EvalError { EvalError(message, at: .none, kind: .assertion) }

        if isNumber(x) && isNumber(y) {
            if try equal(x, y, pos) { return }
            throw fail("\(x.typeDescription) with value '\(printer.print(x))' is not equal to \(y.typeDescription) with value '\(printer.print(y))'")
        }
        if x.typeName != y.typeName || isFunction(x) != isFunction(y) {
            throw fail("\(x.typeDescription) of value '\(printer.print(x))' is not equal to \(y.typeDescription) of value '\(printer.print(y))'")
        }
        switch (x, y) {
        case (.int, _), (.bigInt, _):
            if try !equal(x, y, pos) { throw fail("integer '\(printer.print(x))' is not equal to integer '\(printer.print(y))'") }
        case (.bool(let p), .bool(let q)):
            if p != q { throw fail("boolean '\(printer.print(x))' is not equal to boolean '\(printer.print(y))'") }
        case (.string(let p), .string(let q)):
            if p.bytes != q.bytes { throw fail("string '\(printer.print(x))' is not equal to string '\(printer.print(y))'") }
        case (.path(let p), .path(let q)):
            if p.bytes != q.bytes { throw fail("path '\(printer.print(x))' is not equal to path '\(printer.print(y))'") }
        case (.null, .null):
            return
        case (.list(let p), .list(let q)):
            if p.count != q.count {
                throw fail("list of size '\(p.count)' is not equal to list of size '\(q.count)', left hand side is '\(printer.print(x))', right hand side is '\(printer.print(y))'")
            }
            for k in 0..<p.count {
                do throws(EvalError) {
                    try assertEqual(p.elements[k], q.elements[k], pos)
                } catch {
                    throw error.addTrace("while comparing list element \(k)", at: pos)
                }
            }
        case (.attrs(let p), .attrs(let q)):
            if isDerivation(p) && isDerivation(q), let po = p.get(sOutPath), let qo = q.get(sOutPath) {
                do throws(EvalError) {
                    try assertEqual(po, qo, pos)
                    return
                } catch {
                    throw error.addTrace("while comparing a derivation by its 'outPath' attribute", at: pos)
                }
            }
            if p.count != q.count {
                throw fail("attribute names of attribute set '\(printer.print(x))' differs from attribute set '\(printer.print(y))'")
            }
            for k in 0..<p.count {
                let l = p.attrs[k], r = q.attrs[k]
                if l.name != r.name {
                    if q.get(l.name) == nil {
                        throw fail("attribute name '\(symbols[l.name])' is contained in '\(printer.print(x))', but not in '\(printer.print(y))'")
                    }
                    throw fail("attribute name '\(symbols[r.name])' is missing in '\(printer.print(x))', but is contained in '\(printer.print(y))'")
                }
                do throws(EvalError) {
                    try assertEqual(l.value, r.value, pos)
                } catch {
                    error.addTrace("where right hand side is", at: r.pos)
                    error.addTrace("where left hand side is", at: l.pos)
                    throw error.addTrace("while comparing attribute '\(symbols[l.name])'", at: pos)
                }
            }
        default:
            // Functions: equal only when identical (checked above).
            throw fail("distinct functions and immediate comparisons of identical functions compare as unequal")
        }
    }

    func isNumber(_ v: Value) -> Bool {
        switch v {
        case .int, .bigInt, .float: return true
        default: return false
        }
    }

    func isFunction(_ v: Value) -> Bool {
        switch v {
        case .lambda, .primop, .primopApp: return true
        default: return false
        }
    }
}
