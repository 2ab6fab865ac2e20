import SwixSyntax

/// List builtins: `map`, `filter`, `foldl'`, `genList`, `elemAt`, `head`, `tail`,
/// `concatLists`, `concatMap`, `all`, `any`, `elem`, `sort`, `partition`, `groupBy`,
/// `listToAttrs`, `genericClosure` and `zipAttrsWith` (`length` is in `types`).
///
/// Laziness follows CppNix: `map`, `genList` and `zipAttrsWith` build their results
/// from unevaluated applications (application thunks); the others call the
/// function at once. Functions are called without a call-site position, as CppNix's
/// primops call them with `noPos`. (`Evaluator.callPrimOp` adds the
/// `while calling the 'NAME' builtin` frame.)
extension Builtins {
    static func lists() -> [PrimOp] {
        [
            PrimOp("map", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let list = try ListOps.list(ev, a[1], "while evaluating the second argument passed to builtins.map")
                if list.count == 0 { return .list(list) }
                let f = try ListOps.function(ev, a[0], "while evaluating the first argument passed to builtins.map")
                var out: [Value] = []
                out.reserveCapacity(list.count)
                let node = ApplicationNode(f, pos: ListOps.determinePos(f, fallback: .none))
                for x in list.elements {
                    out.append(.thunk(Thunk(application: node, argument: x)))
                }
                return .list(NixList(out))
            },

            PrimOp("__filter", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let list = try ListOps.list(ev, a[1], "while evaluating the second argument passed to builtins.filter")
                if list.count == 0 { return .list(list) }
                let f = try ListOps.function(ev, a[0], "while evaluating the first argument passed to builtins.filter")
                var out: [Value] = []
                // Elements read in place: copied into the call, and into the result
                // when kept (iterating the array copied each once more).
                try list.elements.withUnsafeBufferPointer { (xs) throws(EvalError) in
                    for k in 0..<xs.count {
                        let r = try ev.call(f, xs[k], .none)
                        if try ListOps.bool(ev, r, "while evaluating the return value of the filtering function passed to builtins.filter") {
                            out.append(xs[k])
                        }
                    }
                }
                return out.count == list.count ? .list(list) : .list(NixList(out))
            },

            PrimOp("__foldl'", arity: 3) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let op = try ListOps.function(ev, a[0], "while evaluating the first argument passed to builtins.foldlStrict")
                let list = try ListOps.list(ev, a[2], "while evaluating the third argument passed to builtins.foldlStrict")
                if list.count == 0 { return try ev.force(a[1], .none) }
                // Every application is evaluated at once (`call` returns a value in
                // weak head normal form), so the accumulator never builds a chain.
                var acc = a[1]
                if case .lambda(let c) = op, let inner = ev.plainCurried(c) {
                    // `acc: x: …`, the usual operator: the closure and its inner lambda
                    // are looked at once, and the elements are borrowed from the list.
                    // The accumulator is moved into each call (`consume`; passed as it
                    // was, it was copied, and the copy's original destroyed when the
                    // result replaced it: a retain and a release per element). A
                    // variable of the closure's own: a captured one cannot be consumed.
                    acc = try list.elements.withUnsafeBufferPointer { (xs) throws(EvalError) -> Value in
                        var value = acc
                        for k in 0..<xs.count { value = try ev.callCurried(c, inner, consume value, xs[k], .none) }
                        return value
                    }
                } else {
                    for x in list.elements {
                        acc = try ev.call2(op, consume acc, x, .none)
                    }
                }
                return try ev.force(acc, .none)
            },

            PrimOp("__genList", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let n = try ListOps.int(ev, a[1], "while evaluating the second argument passed to builtins.genList")
                guard case .small(let len) = n, len >= 0, len <= Int64(Int32.max) else {
                    throw EvalError("cannot create list of size \(n.description)")
                }
                let f = try ListOps.function(ev, a[0], "while evaluating the first argument passed to builtins.genList")
                if len == 0 { return .list(.empty) }
                var out: [Value] = []
                out.reserveCapacity(Int(len))
                let node = ApplicationNode(f, pos: ListOps.determinePos(f, fallback: .none))
                for i in 0..<len {
                    out.append(.thunk(Thunk(application: node, argument: .int(i))))
                }
                return .list(NixList(out))
            },

            PrimOp("__elemAt", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let n = try ListOps.int(ev, a[1], "while evaluating the second argument passed to 'builtins.elemAt'")
                let list = try ListOps.list(ev, a[0], "while evaluating the first argument passed to 'builtins.elemAt'")
                guard case .small(let i) = n, i >= 0, i < Int64(list.count) else {
                    throw EvalError("'builtins.elemAt' called with index \(n.description) on a list of size \(list.count)")
                }
                // Forced in place: a forced element is copied once, not twice.
                return try list.elements.withUnsafeBufferPointer { (xs) throws(EvalError) -> Value in
                    try ev.force(at: xs.baseAddress! + Int(i), .none)
                }
            },

            PrimOp("__head", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let list = try ListOps.list(ev, a[0], "while evaluating the first argument passed to 'builtins.head'")
                if list.count == 0 { throw EvalError("'builtins.head' called on an empty list") }
                return try list.elements.withUnsafeBufferPointer { (xs) throws(EvalError) -> Value in
                    try ev.force(at: xs.baseAddress!, .none)
                }
            },

            PrimOp("__tail", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let list = try ListOps.list(ev, a[0], "while evaluating the first argument passed to 'builtins.tail'")
                if list.count == 0 { throw EvalError("'builtins.tail' called on an empty list") }
                if list.count == 1 { return .list(.empty) }
                return .list(NixList(Array(list.elements[1...])))
            },

            PrimOp("__concatLists", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let outer = try ListOps.list(ev, a[0], "while evaluating the first argument passed to builtins.concatLists")
                var lists: [NixList] = []
                lists.reserveCapacity(outer.count)
                for v in outer.elements {
                    lists.append(try ListOps.list(ev, v, "while evaluating a value of the list passed to builtins.concatLists"))
                }
                return ListOps.concatenate(lists)
            },

            PrimOp("__concatMap", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let f = try ListOps.function(ev, a[0], "while evaluating the first argument passed to builtins.concatMap")
                let list = try ListOps.list(ev, a[1], "while evaluating the second argument passed to builtins.concatMap")
                var lists: [NixList] = []
                lists.reserveCapacity(list.count)
                // CppNix reports a result that is no list at the result's position,
                // else the function's: worked out for that error only (matching the
                // function as a lambda copied it, a retain and a release per element).
                for x in list.elements {
                    let r = try ev.call(f, x, .none)
                    if case .list(let l) = r {
                        lists.append(l)
                        continue
                    }
                    lists.append(try ListOps.list(ev, r, "while evaluating the return value of the function passed to builtins.concatMap",
                                                  tracePos: ListOps.determinePos(r, fallback: ListOps.determinePos(f, fallback: .none))))
                }
                return ListOps.concatenate(lists)
            },

            PrimOp("__all", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                try ListOps.anyOrAll(ev, a, any: false)
            },

            PrimOp("__any", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                try ListOps.anyOrAll(ev, a, any: true)
            },

            PrimOp("__elem", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let list = try ListOps.list(ev, a[1], "while evaluating the second argument passed to builtins.elem")
                // The needle taken out once (an argument read is a copy), the elements
                // read in place.
                let needle = a[0]
                return try list.elements.withUnsafeBufferPointer { (xs) throws(EvalError) -> Value in
                    for k in 0..<xs.count where try ev.equal(needle, xs[k], .none) { return .bool(true) }
                    return .bool(false)
                }
            },

            PrimOp("__sort", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let list = try ListOps.list(ev, a[1], "while evaluating the second argument passed to builtins.sort")
                if list.count == 0 { return .list(list) }
                let f = try ListOps.function(ev, a[0], "while evaluating the first argument passed to builtins.sort")
                var items: [Value] = []
                items.reserveCapacity(list.count)
                for x in list.elements { items.append(try ev.force(x, .none)) }
                if case .primop(let p) = f, p.name == "__lessThan" {
                    // As CppNix: `lessThan` is compared directly, without calls.
                    try ListOps.mergeSort(&items) { (x: Value, y: Value) throws(EvalError) -> Bool in
                        try ListOps.compare(ev, x, y, "while evaluating the ordering function passed to builtins.sort")
                    }
                } else {
                    // The comparator's arguments are copied into raw memory the call
                    // takes them from (see `Evaluator.call2(_:takingArgumentsFrom:and:_:)`).
                    let arguments = UnsafeMutablePointer<Value>.allocate(capacity: 2)
                    defer { arguments.deallocate() }
                    try ListOps.mergeSort(&items) { (x: Value, y: Value) throws(EvalError) -> Bool in
                        arguments.initialize(to: x)
                        (arguments + 1).initialize(to: y)
                        let r = try ev.call2(f, takingArgumentsFrom: arguments, and: arguments + 1, .none)
                        return try ListOps.bool(ev, r, "while evaluating the return value of the sorting function passed to builtins.sort")
                    }
                }
                return .list(NixList(items))
            },

            PrimOp("__partition", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let f = try ListOps.function(ev, a[0], "while evaluating the first argument passed to builtins.partition")
                let list = try ListOps.list(ev, a[1], "while evaluating the second argument passed to builtins.partition")
                var right: [Value] = [], wrong: [Value] = []
                for x in list.elements {
                    _ = try ev.force(x, .none)
                    let r = try ev.call(f, x, .none)
                    if try ListOps.bool(ev, r, "while evaluating the return value of the partition function passed to builtins.partition") {
                        right.append(x)
                    } else {
                        wrong.append(x)
                    }
                }
                return .attrs(Attrs.unsorted([
                    Attr(name: ev.symbols.intern("right"), value: .list(NixList(right)), pos: .none),
                    Attr(name: ev.symbols.intern("wrong"), value: .list(NixList(wrong)), pos: .none),
                ]))
            },

            PrimOp("__groupBy", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let f = try ListOps.function(ev, a[0], "while evaluating the first argument passed to builtins.groupBy")
                let list = try ListOps.list(ev, a[1], "while evaluating the second argument passed to builtins.groupBy")
                var groupOf: [Symbol: Int] = [:]
                var names: [Symbol] = []
                var groups: [[Value]] = []
                for x in list.elements {
                    let r = try ev.call(f, x, .none)
                    let name = try ListOps.stringNoContext(
                        ev, r, .none, "while evaluating the return value of the grouping function passed to builtins.groupBy")
                    let sym = ev.symbols.intern(name)
                    if let k = groupOf[sym] {
                        groups[k].append(x)
                    } else {
                        groupOf[sym] = groups.count
                        names.append(sym)
                        groups.append([x])
                    }
                }
                var attrs: [Attr] = []
                attrs.reserveCapacity(groups.count)
                for k in 0..<groups.count {
                    attrs.append(Attr(name: names[k], value: .list(NixList(groups[k])), pos: .none))
                }
                attrs.sort { $0.name < $1.name }
                return .attrs(Attrs.sorted(attrs))
            },

            PrimOp("__listToAttrs", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let list = try ListOps.list(ev, a[0], "while evaluating the argument passed to builtins.listToAttrs")
                let sName = Symbol.name, sValue = Symbol.value
                // First every name (CppNix's order of evaluation), then the values of
                // the first occurrence of each name.
                var entries: [ListToAttrsEntry] = []
                entries.reserveCapacity(list.count)
                for (k, x) in list.elements.enumerated() {
                    let set = try ListOps.attrs(ev, x, "while evaluating an element of the list passed to builtins.listToAttrs")
                    guard let nameAttr = set.attr(sName) else {
                        throw ListOps.missing(ev, sName, "in a {name=...; value=...;} pair")
                    }
                    let name = try ListOps.stringNoContext(
                        ev, nameAttr.value, nameAttr.pos,
                        "while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs")
                    entries.append(ListToAttrsEntry(name: ev.symbols.intern(name), index: k, set: set))
                }
                // Names often come in order already (one pair, or generated ones).
                if !ListToAttrsEntry.inOrder(entries) {
                    entries.sort { $0.name < $1.name || ($0.name == $1.name && $0.index < $1.index) }
                }
                var out: [Attr] = []
                out.reserveCapacity(entries.count)
                for e in entries {
                    if let last = out.last, last.name == e.name { continue }
                    guard let valueAttr = e.set.attr(sValue) else {
                        throw ListOps.missing(ev, sValue, "in a {name=...; value=...;} pair")
                    }
                    out.append(Attr(name: e.name, value: valueAttr.value, pos: valueAttr.pos))
                }
                return .attrs(Attrs.sorted(out))
            },

            PrimOp("__zipAttrsWith", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let f = try ListOps.function(ev, a[0], "while evaluating the first argument passed to builtins.zipAttrsWith")
                let list = try ListOps.list(ev, a[1], "while evaluating the second argument passed to builtins.zipAttrsWith")
                var sets: [Attrs] = []
                sets.reserveCapacity(list.count)
                var groupOf: [Symbol: Int] = [:]
                var names: [Symbol] = []
                var groups: [[Value]] = []
                for x in list.elements {
                    sets.append(try ListOps.attrs(
                        ev, x, "while evaluating a value of the list passed as second argument to builtins.zipAttrsWith"))
                }
                for set in sets {
                    for attr in set.attrs {
                        if let k = groupOf[attr.name] {
                            groups[k].append(attr.value)
                        } else {
                            groupOf[attr.name] = groups.count
                            names.append(attr.name)
                            groups.append([attr.value])
                        }
                    }
                }
                let env = ev.emptyEnv
                var out: [Attr] = []
                out.reserveCapacity(groups.count)
                for k in 0..<groups.count {
                    let name = Value.string(ev.nameString(names[k]))
                    let node = ListApply2Node(f, name, .list(NixList(groups[k])))
                    out.append(Attr(name: names[k], value: .thunk(Thunk(node: node, env: env)), pos: .none))
                }
                out.sort { $0.name < $1.name }
                return .attrs(Attrs.sorted(out))
            },

            PrimOp("__genericClosure", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                try ListOps.genericClosure(ev, a[0])
            },
        ]
    }
}

// MARK: - Lazy applications

/// `f a b`, unevaluated: the attributes of `zipAttrsWith`.
private final class ListApply2Node: Node {
    let function: Value
    let first: Value
    let second: Value

    init(_ function: Value, _ first: Value, _ second: Value) {
        self.function = function
        self.first = first
        self.second = second
        super.init(pos: ListOps.determinePos(function, fallback: .none))
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let g = try ListOps.apply(ev, function, first, pos)
        return try ListOps.apply(ev, g, second, pos)
    }
}

// MARK: - Helpers

/// List algorithms shared by the builtins; `compare` is also the core `<`.
enum ListOps {
    /// CppNix's `Value::determinePos`: a lambda's position, else `fallback`.
    static func determinePos(_ v: Value, fallback: Pos) -> Pos {
        if case .lambda(let c) = v { return c.lambda.pos }
        return fallback
    }

    /// Calls `f x` for an application thunk. CppNix forces those at the function's
    /// position, so a failing lambda gets `from call site` there (with --show-trace).
    @inline(__always)
    static func apply(_ ev: Evaluator, _ f: Value, _ x: Value, _ pos: Pos) throws(EvalError) -> Value {
        try ev.call(f, x, pos)
    }

    // MARK: Forcing with CppNix's contexts

    static func typeError(_ ev: Evaluator, _ expected: String, _ v: Value, _ pos: Pos) -> EvalError {
        EvalError("expected \(expected) but found \(showType(v)): \(ListsValuePrinter.print(ev, v))", at: pos, kind: .typeError)
    }

    /// `forceFunction`: any error while forcing gets the context frame.
    static func function(_ ev: Evaluator, _ v: Value, _ context: @autoclosure () -> String) throws(EvalError) -> Value {
        // (Values already of the wanted type are read as they are, here and below:
        // `force` takes its argument owned, a copy of the value for nothing.)
        switch v {
        case .lambda, .primop, .primopApp: return v
        default: break
        }
        do throws(EvalError) {
            let w = try ev.force(v, .none)
            switch w {
            case .lambda, .primop, .primopApp: return w
            case .attrs(let a) where a.get(ev.sFunctor) != nil: return w
            default: throw typeError(ev, "a function", w, .none)
            }
        } catch {
            throw error.addTrace(context())
        }
    }

    /// `forceList`: only a type error gets the context frame.
    static func list(_ ev: Evaluator, _ v: Value, _ context: @autoclosure () -> String, tracePos: Pos = .none) throws(EvalError) -> NixList {
        if case .list(let l) = v { return l }
        let w = try ev.force(v, .none)
        guard case .list(let l) = w else { throw typeError(ev, "a list", w, .none).addTrace(context(), at: tracePos) }
        return l
    }

    /// `forceAttrs`: only a type error gets the context frame.
    static func attrs(_ ev: Evaluator, _ v: Value, _ context: @autoclosure () -> String) throws(EvalError) -> Attrs {
        if case .attrs(let a) = v { return a }
        let w = try ev.force(v, .none)
        guard case .attrs(let a) = w else { throw typeError(ev, "a set", w, .none).addTrace(context()) }
        return a
    }

    /// `forceBool`: any error while forcing gets the context frame.
    static func bool(_ ev: Evaluator, _ v: Value, _ context: @autoclosure () -> String) throws(EvalError) -> Bool {
        if case .bool(let b) = v { return b }
        do throws(EvalError) {
            let w = try ev.force(v, .none)
            guard case .bool(let b) = w else { throw typeError(ev, "a Boolean", w, .none) }
            return b
        } catch {
            throw error.addTrace(context())
        }
    }

    /// `forceInt`: any error while forcing gets the context frame.
    static func int(_ ev: Evaluator, _ v: Value, _ context: @autoclosure () -> String) throws(EvalError) -> NixInt {
        if case .int(let i) = v { return .small(i) }
        do throws(EvalError) {
            let w = try ev.force(v, .none)
            switch w {
            case .int(let i): return .small(i)
            case .bigInt(let b): return NixInt(b)
            default: throw typeError(ev, "an integer", w, .none)
            }
        } catch {
            throw error.addTrace(context())
        }
    }

    /// `forceStringNoCtx`: the error and the context frame are both at `pos`.
    static func stringNoContext(_ ev: Evaluator, _ v: Value, _ pos: Pos, _ context: @autoclosure () -> String) throws(EvalError) -> [UInt8] {
        let s: NixString
        do throws(EvalError) {
            let w = try ev.force(v, pos)
            guard case .string(let str) = w else { throw typeError(ev, "a string", w, pos) }
            s = str
        } catch {
            throw error.addTrace(context(), at: pos)
        }
        if let first = s.context.elements.first {
            throw EvalError("the string '\(s.string)' is not allowed to refer to a store path (such as '\(displayContext(first))')")
                .addTrace(context(), at: pos)
        }
        return s.bytes
    }

    /// `NixStringContextElem::display`.
    static func displayContext(_ e: [UInt8]) -> String {
        let s = String(decoding: e, as: UTF8.self)
        if s.hasPrefix("=") { return String(s.dropFirst()) + " (deep)" }
        if s.hasPrefix("!"), let bang = s.dropFirst().firstIndex(of: "!") {
            let output = s[s.index(after: s.startIndex)..<bang]
            return String(s[s.index(after: bang)...]) + "^" + output
        }
        return s
    }

    /// `getAttr`'s error.
    static func missing(_ ev: Evaluator, _ name: Symbol, _ context: @autoclosure () -> String) -> EvalError {
        let e = EvalError("attribute '\(ev.symbols[name])' missing", kind: .typeError)
        return context().isEmpty ? e : e.addTrace(context())
    }

    /// CppNix's `showType(const Value &)`.
    static func showType(_ v: Value) -> String {
        switch v {
        case .string(let s): return s.context.isEmpty ? "a string" : "a string with context"
        case .primop(let p): return "the built-in function '\(shortName(p.name))'"
        case .primopApp(let app): return "the partially applied built-in function '\(shortName(app.primop.name))'"
        case .lambda: return "a function"
        case .thunk(let t): return t.state == .blackhole ? "a black hole" : "a thunk"
        default: return v.typeDescription
        }
    }

    static func shortName(_ name: String) -> String {
        name.hasPrefix("__") ? String(name.dropFirst(2)) : name
    }

    // MARK: List building

    static func concatenate(_ lists: [NixList]) -> Value {
        var total = 0
        var nonEmpty: NixList?
        for l in lists where l.count > 0 {
            total += l.count
            nonEmpty = l
        }
        guard let some = nonEmpty else { return .list(.empty) }
        if some.count == total { return .list(some) }
        return .list(lists.withUnsafeBufferPointer { NixList.concatenating($0, total: total) })
    }

    static func anyOrAll(_ ev: Evaluator, _ a: PrimOpArgs, any: Bool) throws(EvalError) -> Value {
        let f = try function(ev, a[0], any ? "while evaluating the first argument passed to builtins.any"
                                           : "while evaluating the first argument passed to builtins.all")
        let list = try list(ev, a[1], any ? "while evaluating the second argument passed to builtins.any"
                                          : "while evaluating the second argument passed to builtins.all")
        let resultContext = any ? "while evaluating the return value of the function passed to builtins.any"
                                : "while evaluating the return value of the function passed to builtins.all"
        // The elements read through a buffer pointer: each is copied once, into the
        // call (iterating the array copied it first).
        return try list.elements.withUnsafeBufferPointer { (xs) throws(EvalError) -> Value in
            for k in 0..<xs.count {
                let r = try ev.call(f, xs[k], .none)
                if try bool(ev, r, resultContext) == any {
                    return .bool(any)
                }
            }
            return .bool(!any)
        }
    }

    // MARK: Sorting

    /// Stable merge sort: binary insertion sort on short runs, merges skipped when
    /// the halves are already in order (linear on sorted input). Whatever the
    /// comparator answers, the result is a permutation of the input; its errors
    /// propagate.
    static func mergeSort(_ items: inout [Value], _ less: (Value, Value) throws(EvalError) -> Bool) throws(EvalError) {
        let n = items.count
        if n < 2 { return }
        var scratch = [Value](repeating: .null, count: n / 2 + 1)
        try items.withUnsafeMutableBufferPointer { (v: inout UnsafeMutableBufferPointer<Value>) throws(EvalError) in
            try scratch.withUnsafeMutableBufferPointer { (tmp: inout UnsafeMutableBufferPointer<Value>) throws(EvalError) in
                try sortRange(v, tmp, 0, n, less)
            }
        }
    }

    private static let insertionLimit = 12

    private static func sortRange(_ v: UnsafeMutableBufferPointer<Value>, _ tmp: UnsafeMutableBufferPointer<Value>,
                                  _ lo: Int, _ hi: Int,
                                  _ less: (Value, Value) throws(EvalError) -> Bool) throws(EvalError) {
        if hi - lo <= insertionLimit {
            try insertionSort(v, lo, hi, less)
            return
        }
        let mid = lo + (hi - lo) / 2
        try sortRange(v, tmp, lo, mid, less)
        try sortRange(v, tmp, mid, hi, less)
        // Already in order: nothing to merge.
        if !(try less(v[mid], v[mid - 1])) { return }
        let leftCount = mid - lo
        for k in 0..<leftCount { tmp[k] = v[lo + k] }
        var i = 0, j = mid, k = lo
        while i < leftCount && j < hi {
            // Equal elements keep their order: the left one goes first.
            if try less(v[j], tmp[i]) {
                v[k] = v[j]
                j += 1
            } else {
                v[k] = tmp[i]
                i += 1
            }
            k += 1
        }
        while i < leftCount {
            v[k] = tmp[i]
            i += 1
            k += 1
        }
    }

    /// Binary insertion sort (stable: an element goes after its equals).
    private static func insertionSort(_ v: UnsafeMutableBufferPointer<Value>, _ lo: Int, _ hi: Int,
                                      _ less: (Value, Value) throws(EvalError) -> Bool) throws(EvalError) {
        var i = lo + 1
        while i < hi {
            let x = v[i]
            if try less(x, v[i - 1]) {
                // Upper bound of x in v[lo..<i-1].
                var a = lo, b = i - 1
                while a < b {
                    let m = (a + b) / 2
                    if try less(x, v[m]) { b = m } else { a = m + 1 }
                }
                var k = i
                while k > a {
                    v[k] = v[k - 1]
                    k -= 1
                }
                v[a] = x
            }
            i += 1
        }
    }

    // MARK: Comparison (CppNix's CompareValues)

    /// `a < b` as `lessThan`, `sort lessThan` and `genericClosure` compare: numbers,
    /// strings, paths, lists lexicographically; anything else is an error.
    static func compare(_ ev: Evaluator, _ a: Value, _ b: Value, _ context: @autoclosure () -> String) throws(EvalError) -> Bool {
        do throws(EvalError) {
            let x = try ev.force(a, .none), y = try ev.force(b, .none)
            switch (x, y) {
            case (.int(let p), .int(let q)): return p < q
            case (.int, .bigInt), (.bigInt, .int), (.bigInt, .bigInt):
                return NixInteger.lessThan(try ev.forceInt(x, .none, ""), try ev.forceInt(y, .none, ""))
            case (.float(let p), .float(let q)): return p < q
            case (.float, .int), (.float, .bigInt), (.int, .float), (.bigInt, .float):
                return try ev.toDouble(x, .none) < ev.toDouble(y, .none)
            case (.string(let p), .string(let q)): return bytewiseLess(p.bytes, q.bytes)
            case (.path(let p), .path(let q)): return bytewiseLess(p.bytes, q.bytes)
            case (.list(let p), .list(let q)):
                var k = 0
                while true {
                    if k == q.count { return false }
                    if k == p.count { return true }
                    if !(try ev.equal(p.elements[k], q.elements[k], .none)) {
                        return try compare(ev, p.elements[k], q.elements[k], "while comparing two list elements")
                    }
                    k += 1
                }
            default:
                break
            }
            let px = ListsValuePrinter.print(ev, x), py = ListsValuePrinter.print(ev, y)
            if x.typeName != y.typeName {
                throw EvalError("cannot compare \(showType(x)) with \(showType(y)); values are \(px) and \(py)")
            }
            throw EvalError("cannot compare \(showType(x)) with \(showType(y)); values of that type are incomparable (values are \(px) and \(py))")
        } catch {
            if !context().isEmpty { error.addTrace(context()) }
            throw error
        }
    }

    // MARK: genericClosure

    static func genericClosure(_ ev: Evaluator, _ arg: Value) throws(EvalError) -> Value {
        let args = try attrs(ev, arg, "while evaluating the first argument passed to builtins.genericClosure")
        let sStartSet = ev.symbols.intern("startSet"), sOperator = ev.symbols.intern("operator"), sKey = ev.symbols.intern("key")
        let attrContext = "in the attrset passed as argument to builtins.genericClosure"
        guard let startSetValue = args.get(sStartSet) else { throw missing(ev, sStartSet, attrContext) }
        let startSet = try list(ev, startSetValue,
                                "while evaluating the 'startSet' attribute passed as argument to builtins.genericClosure")
        if startSet.count == 0 { return .list(startSet) }
        guard let opValue = args.get(sOperator) else { throw missing(ev, sOperator, attrContext) }
        let op = try function(ev, opValue,
                              "while evaluating the 'operator' attribute passed as argument to builtins.genericClosure")

        var work: [Value] = startSet.elements
        var next = 0
        var result: [Value] = []
        var seen = ClosureKeys()
        while next < work.count {
            let raw = work[next]
            next += 1
            if next > 4096 && next * 2 > work.count {
                work.removeFirst(next)
                next = 0
            }
            let element: Value
            let set: Attrs
            do throws(EvalError) {
                element = try ev.force(raw, .none)
                guard case .attrs(let a) = element else { throw typeError(ev, "a set", element, .none) }
                set = a
            } catch {
                throw error.addTrace("in genericClosure element \(ListsValuePrinter.print(ev, raw))")
            }
            guard let keyValue = set.get(sKey) else {
                throw missing(ev, sKey, "").addTrace("in genericClosure element \(ListsValuePrinter.print(ev, element))")
            }
            let key = try ev.force(keyValue, .none)
            if !(try seen.insert(ev, key: key, element: element)) { continue }
            result.append(element)

            do throws(EvalError) {
                let r = try ev.call(op, element, .none)
                let more = try list(ev, r, "while evaluating the return value of the `operator` passed to builtins.genericClosure")
                for x in more.elements {
                    _ = try ev.force(x, .none)
                    work.append(x)
                }
            } catch {
                throw error.addTrace("while calling operator on genericClosure element \(ListsValuePrinter.print(ev, element))")
            }
        }
        return .list(NixList(result))
    }
}

/// The keys `genericClosure` has seen, compared as CppNix's `std::map` with
/// `CompareValues` does (two keys are the same when neither is less). Keys that are
/// all integers, all strings or all paths live in a hash set; anything else (floats,
/// lists, mixed types) in an array sorted by the comparator.
private struct ClosureKeys {
    enum Kind { case empty, ints, strings, paths, ordered }

    var kind = Kind.empty
    var intKeys = Set<Int64>()
    var byteKeys = ByteSet()
    /// Every inserted key and its element, in insertion order.
    var keys: [Value] = []
    var elements: [Value] = []
    /// For `.ordered`: indices into `keys`, sorted by key.
    var order: [Int] = []

    /// Inserts `key` unless an equivalent key is there; returns whether it was new.
    mutating func insert(_ ev: Evaluator, key: Value, element: Value) throws(EvalError) -> Bool {
        switch (kind, key) {
        case (.empty, .int(let i)), (.ints, .int(let i)):
            kind = .ints
            if !intKeys.insert(i).inserted { return false }
        case (.empty, .string(let s)), (.strings, .string(let s)):
            kind = .strings
            if !byteKeys.insert(s.bytes) { return false }
        case (.empty, .path(let p)), (.paths, .path(let p)):
            kind = .paths
            if !byteKeys.insert(p.bytes) { return false }
        case (.ordered, _):
            return try insertOrdered(ev, key: key, element: element)
        default:
            // A key of another kind: from now on, the general comparison. The keys
            // so far are all of one kind, so sorting them cannot fail.
            kind = .ordered
            intKeys = []
            byteKeys = []
            let ks = keys
            order = Array(keys.indices)
            order.sort { (i: Int, j: Int) -> Bool in (try? ListOps.compare(ev, ks[i], ks[j], "")) ?? false }
            return try insertOrdered(ev, key: key, element: element)
        }
        keys.append(key)
        elements.append(element)
        return true
    }

    private mutating func insertOrdered(_ ev: Evaluator, key: Value, element: Value) throws(EvalError) -> Bool {
        // The first index whose key is greater than `key` (std::map's descent
        // compares the new key first), then whether the key before it is equivalent.
        var lo = 0, hi = order.count
        do throws(EvalError) {
            while lo < hi {
                let mid = (lo + hi) / 2
                if try ListOps.compare(ev, key, keys[order[mid]], "") { hi = mid } else { lo = mid + 1 }
            }
            if lo > 0, !(try ListOps.compare(ev, keys[order[lo - 1]], key, "")) { return false }
        } catch {
            // Name the element whose key cannot be compared with this one.
            for k in order where (try? ListOps.compare(ev, key, keys[k], "")) == nil {
                error.addTrace("with element \(ListsValuePrinter.print(ev, elements[k]))")
                error.addTrace("while comparing element \(ListsValuePrinter.print(ev, element))")
                throw error
            }
            error.addTrace("while checking key of element \(ListsValuePrinter.print(ev, element))")
            throw error
        }
        order.insert(keys.count, at: lo)
        keys.append(key)
        elements.append(element)
        return true
    }
}

// MARK: - Printing values in error messages

/// CppNix's `ValuePrinter` with `errorPrintOptions`: at most 10 levels deep, 10
/// attributes and 10 list items in all, strings cut after 1024 bytes; nothing is
/// forced (`«thunk»`), functions print as `«lambda @ pos»` / `«primop name»`.
private struct ListsValuePrinter {
    static let maxDepth = 10, maxAttrs = 10, maxListItems = 10, maxStringLength = 1024

    let ev: Evaluator
    let out = ByteBuffer(capacity: 128)
    var seen = Set<ObjectIdentifier>()
    var attrsPrinted = 0
    var itemsPrinted = 0

    static func print(_ ev: Evaluator, _ v: Value) -> String {
        var p = ListsValuePrinter(ev: ev)
        p.write(v, depth: 0)
        return String(decoding: p.out.buffer, as: UTF8.self)
    }

    private func elided(_ n: Int, _ single: String, _ plural: String) {
        text("«\(n) \(n == 1 ? single : plural) elided»")
    }

    private func text(_ s: String) {
        out.append(contentsOf: s.utf8)
    }

    /// `cell` is the thunk `v` was read from, if any: a list is repeated when met
    /// again in the same cell (CppNix tracks the `Value` holding it), a set when it
    /// is the same set.
    mutating func write(_ v: Value, depth: Int, cell: Thunk? = nil) {
        switch v {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): ASTPrinter.writeInt(i, out)
        case .bigInt(let b): out.append(contentsOf: b.decimalUTF8)
        case .float(let d): ASTPrinter.writeFloat(d, out)
        case .string(let s):
            if s.bytes.count > Self.maxStringLength {
                ASTPrinter.writeString(s.bytes[0..<Self.maxStringLength], out)
                out.append(32)
                elided(s.bytes.count - Self.maxStringLength, "byte", "bytes")
            } else {
                ASTPrinter.writeString(s.bytes, out)
            }
        case .path(let p): out.append(contentsOf: p.bytes)
        case .lambda(let c):
            text("«lambda")
            if let name = c.lambda.name { text(" " + ev.symbols[name]) }
            text(" @ " + ev.describe(c.lambda.pos) + "»")
        case .primop(let p): text("«primop \(ListOps.shortName(p.name))»")
        case .primopApp(let app): text("«partially applied primop \(ListOps.shortName(app.primop.name))»")
        case .thunk(let t):
            switch t.state {
            case .done: write(t.value, depth: depth, cell: t)
            case .blackhole: text("«potential infinite recursion»")
            case .pending: text("«thunk»")
            }
        case .unevaluatedBinding: text("«thunk»")
        case .bindingUnderEvaluation: text("«potential infinite recursion»")
        case .attrs(let a):
            guard seen.insert(ObjectIdentifier(a)).inserted else { text("«repeated»"); return }
            guard depth < Self.maxDepth else { out.append("{ ... }"); return }
            out.append("{")
            let symbols = ev.symbols
            let sorted = a.attrs.sorted { x, y in
                let ix = Self.isImportant(symbols.bytes(x.name)), iy = Self.isImportant(symbols.bytes(y.name))
                if ix != iy { return ix }
                return symbols.lexicographicallyPrecedes(x.name, y.name)
            }
            var printed = 0
            for attr in sorted {
                out.append(32)
                if attrsPrinted >= Self.maxAttrs {
                    elided(sorted.count - printed, "attribute", "attributes")
                    break
                }
                ASTPrinter.writeIdentifier(symbols.bytes(attr.name), out)
                out.append(" = ")
                write(attr.value, depth: depth + 1)
                out.append(";")
                attrsPrinted += 1
                printed += 1
            }
            out.append(" }")
        case .list(let l):
            if l.count > 0 {
                guard seen.insert(cell.map(ObjectIdentifier.init) ?? l.identity).inserted else { text("«repeated»"); return }
            }
            guard depth < Self.maxDepth else { out.append("[ ... ]"); return }
            out.append("[")
            var printed = 0
            for e in l.elements {
                out.append(32)
                if itemsPrinted >= Self.maxListItems {
                    elided(l.count - printed, "item", "items")
                    break
                }
                write(e, depth: depth + 1)
                itemsPrinted += 1
                printed += 1
            }
            out.append(" ]")
        }
    }

    private static func isImportant(_ name: ArraySlice<UInt8>) -> Bool {
        name.elementsEqual("type".utf8) || name.elementsEqual("_type".utf8)
    }
}

/// A pair of `listToAttrs`: its name, where it was in the list, and the set that
/// holds its value. (A struct: an array of tuples holding an object was sorted and
/// destroyed through the runtime's generic tuple witnesses.)
private struct ListToAttrsEntry {
    let name: Symbol
    let index: Int
    let set: Attrs

    /// Whether the names are strictly increasing (no sort needed, no duplicates).
    static func inOrder(_ entries: [ListToAttrsEntry]) -> Bool {
        entries.withUnsafeBufferPointer { e in
            for k in 1..<max(e.count, 1) where !(e[k - 1].name < e[k].name) { return false }
            return true
        }
    }
}
