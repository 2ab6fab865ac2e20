import SwixSyntax

/// The base environment: constants and primops, registered by family (one file
/// each under `Builtins/`). A name starting with `__` is global as such and is
/// `builtins.<name without __>`; other names are global and in `builtins` as is.
enum Builtins {
    /// For each builtin whose body begins by forcing one argument, unconditionally,
    /// that argument's index (see `PrimOp.strictArgument`). Only the first forced
    /// argument qualifies: between the first and a second one the body checks the
    /// first, and may fail before the second is ever evaluated.
    static var strictArguments: [String: Int] {
        var table: [String: Int] = [:]
        for name in ["__length", "__stringLength", "toString", "__attrNames", "__attrValues", "__head", "__tail",
                     "__concatLists", "__listToAttrs", "__bitAnd", "__bitOr", "__bitXor", "__add", "__sub", "__mul",
                     "__div", "__substring", "__concatStringsSep", "__match", "__split", "__hashString", "__getAttr",
                     "__hasAttr", "removeAttrs", "__intersectAttrs", "__catAttrs", "__compareVersions", "baseNameOf",
                     "dirOf", "__unsafeDiscardStringContext", "__replaceStrings", "isNull", "__isBool", "__isInt",
                     "__isFloat", "__isString", "__isPath", "__isList", "__isAttrs", "__isFunction", "__typeOf", "__seq",
                     "__deepSeq", "__trace", "throw", "abort", "__fromJSON", "__functionArgs"] {
            table[name] = 0
        }
        for name in ["map", "__filter", "__genList", "__elemAt", "__elem", "__sort", "__mapAttrs"] {
            table[name] = 1
        }
        return table
    }

    static func install(into ev: Evaluator) {
        var entries: [(String, Value)] = []
        func add(_ p: PrimOp) { entries.append((p.name, .primop(p))) }
        func constant(_ name: String, _ v: Value) { entries.append((name, v)) }

        constant("true", .bool(true))
        constant("false", .bool(false))
        constant("null", .null)
        let strict = strictArguments
        for family in families {
            for p in family() {
                if let k = strict[p.name] { p.strictArgument = k }
                add(p)
            }
        }
        for (name, value) in constants(ev) { constant(name, value) }

        var builtinsAttrs: [Attr] = []
        for (name, value) in entries {
            let sym = ev.symbols.intern(name)
            ev.globals[sym] = value
            let inner = name.hasPrefix("__") ? String(name.dropFirst(2)) : name
            builtinsAttrs.append(Attr(name: ev.symbols.intern(inner), value: value, pos: .none))
        }
        // `builtins` contains itself.
        let thunk = Thunk(value: .null)
        builtinsAttrs.append(Attr(name: ev.symbols.intern("builtins"), value: .thunk(thunk), pos: .none))
        let set = Attrs.unsorted(builtinsAttrs)
        thunk.value = .attrs(set)
        ev.globals[ev.symbols.intern("builtins")] = .attrs(set)
    }

    /// Every family of primops (one file each in this folder).
    static var families: [() -> [PrimOp]] { [arithmetic, control, types, paths, attrsets, debug, lists, derivations, serialization, strings, flakeRefs, unsupported] }

    /// Constants other than true/false/null (families that need the evaluator).
    static func constants(_ ev: Evaluator) -> [(String, Value)] {
        var all: [(String, Value)] = [("__nixPath", .thunk(Thunk(node: NixPathNode(), env: Env.make(parent: nil, size: 0))))]
        all += debugConstants()
        do {
            all += try derivationConstants(ev)
        } catch {
            // Our own Nix source for `derivation` must always evaluate.
            preconditionFailure("derivation: \(error.message)")
        }
        return all
    }

    static func arithmetic() -> [PrimOp] {
        // Current Nix names the operation in its argument contexts ("the first
        // argument of the addition", "the second operand of the division") and gives
        // neither those frames nor the type error a position: the builtin's own
        // "while calling" frame carries it.
        func numeric(_ name: String, _ operation: String, _ argument: String,
                     _ ints: @escaping (NixInt, NixInt) throws(NixArithmeticError) -> NixInt,
                     _ floats: @escaping (Double, Double) -> Double) -> PrimOp {
            let firstContext = "while evaluating the first \(argument) of the \(operation)"
            let secondContext = "while evaluating the second \(argument) of the \(operation)"
            return PrimOp(name, arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let x = try ev.force(a[0], pos), y = try ev.force(a[1], pos)
                // Division reads its divisor as a float first (to refuse zero).
                if name == "__div" {
                    switch y {
                    case .int(0), .float(0): throw EvalError("division by zero")
                    case .int, .bigInt, .float: break
                    default: throw ev.typeError("a float", y, .none).addTrace(secondContext)
                    }
                }
                switch (x, y) {
                case (.float, _), (_, .float):
                    let p = try ev.toDouble(x, pos), q = try ev.toDouble(y, pos)
                    if name == "__div" && q == 0 { throw EvalError("division by zero", at: pos) }
                    return .float(floats(p, q))
                case (.int(let p), .int(let q)):
                    // The common case, without building error contexts.
                    do {
                        return Evaluator.value(try ints(.small(p), .small(q)))
                    } catch {
                        throw EvalError("division by zero", at: pos)
                    }
                default:
                    let p = try ev.forceInt(x, .none, firstContext)
                    let q = try ev.forceInt(y, .none, secondContext)
                    do {
                        return Evaluator.value(try ints(p, q))
                    } catch {
                        throw EvalError("division by zero", at: pos)
                    }
                }
            }
        }
        return [
            numeric("__add", "addition", "argument", { (a, b) throws(NixArithmeticError) in NixInteger.add(a, b) }, +),
            numeric("__sub", "subtraction", "argument", { (a, b) throws(NixArithmeticError) in NixInteger.sub(a, b) }, -),
            numeric("__mul", "multiplication", "argument", { (a, b) throws(NixArithmeticError) in NixInteger.mul(a, b) }, *),
            numeric("__div", "division", "operand", { (a, b) throws(NixArithmeticError) in try NixInteger.div(a, b) }, /),
            PrimOp("__lessThan", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                .bool(try ev.lessThan(a[0], a[1], pos))
            },
        ]
    }

    static func control() -> [PrimOp] {
        [
            PrimOp("__seq", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                _ = try ev.force(a[0], pos)
                return try ev.force(a[1], pos)
            },
            PrimOp("__deepSeq", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                try ev.forceDeep(a[0], pos)
                return try ev.force(a[1], pos)
            },
            PrimOp("toString", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let (b, c) = try ev.coerceToString(a[0], pos, "while evaluating the first argument passed to builtins.toString",
                                                   interpolation: false)
                return .string(NixString(b, context: c))
            },
        ]
    }

    static func types() -> [PrimOp] {
        func test(_ name: String, _ predicate: @escaping (Value) -> Bool) -> PrimOp {
            PrimOp(name, arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                .bool(predicate(try ev.force(a[0], pos)))
            }
        }
        return [
            test("isNull") { if case .null = $0 { return true }; return false },
            test("__isBool") { if case .bool = $0 { return true }; return false },
            test("__isInt") { switch $0 { case .int, .bigInt: return true; default: return false } },
            test("__isFloat") { if case .float = $0 { return true }; return false },
            test("__isString") { if case .string = $0 { return true }; return false },
            test("__isPath") { if case .path = $0 { return true }; return false },
            test("__isList") { if case .list = $0 { return true }; return false },
            test("__isAttrs") { if case .attrs = $0 { return true }; return false },
            test("__isFunction") { switch $0 { case .lambda, .primop, .primopApp: return true; default: return false } },
            PrimOp("__typeOf", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                .string(NixString(try ev.force(a[0], pos).typeName))
            },
            PrimOp("__length", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                .int(Int64(try ev.forceList(a[0], .none, "while evaluating the first argument passed to builtins.length").count))
            },
        ]
    }
}

extension Evaluator {
    /// `a < b` (`__lessThan`): numbers, strings, paths, and lists lexicographically,
    /// with CppNix's errors for anything else (`ListOps.compare`, shared with `sort`).
    func lessThan(_ a: Value, _ b: Value, _ pos: Pos) throws(EvalError) -> Bool {
        try ListOps.compare(self, a, b, "")
    }
}

/// `__nixPath`: the search path as a list of `{ prefix; path; }`, computed when
/// first used (the CLI sets the search path after the evaluator is created).
final class NixPathNode: Node {
    init() { super.init(pos: .none) }
    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        let prefix = ev.symbols.intern("prefix"), path = ev.symbols.intern("path")
        return .list(NixList(ev.searchPath.map { entry in
            .attrs(Attrs.unsorted([
                Attr(name: prefix, value: .string(NixString(entry.prefix)), pos: .none),
                Attr(name: path, value: .string(NixString(entry.path)), pos: .none),
            ]))
        }))
    }
}
