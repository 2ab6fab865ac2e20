import SwixSyntax

/// A Nix value. Payloads are inline scalars or one class reference, so a `Value`
/// is two words and copying one never allocates.
public enum Value {
    case null
    case bool(Bool)
    case int(Int64)
    /// An integer beyond 64 bits (never one that fits in `Int64`).
    case bigInt(BigInt)
    case float(Double)
    case string(NixString)
    case path(NixPath)
    case list(NixList)
    case attrs(Attrs)
    case lambda(Closure)
    case primop(PrimOp)
    case primopApp(PrimOpApp)
    /// Not yet evaluated (or being evaluated). Values inside lists, attribute sets
    /// and environments may be thunks; `Evaluator.force` removes them.
    case thunk(Thunk)
    /// Only ever in the slot of a `let` binding: not evaluated yet, or being
    /// evaluated (`LetVariableNode`; no thunk is allocated for it). They never
    /// leave the slot, but print and describe themselves as the thunk they stand for.
    case unevaluatedBinding
    case bindingUnderEvaluation

    /// The type name `builtins.typeOf` returns.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "string"
        case .path: return "path"
        case .list: return "list"
        case .attrs: return "set"
        case .lambda, .primop, .primopApp: return "lambda"
        case .thunk, .unevaluatedBinding, .bindingUnderEvaluation: return "thunk"
        }
    }

    /// The phrase Nix uses in type errors ("expected a set but found an integer").
    public var typeDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a Boolean"
        case .int, .bigInt: return "an integer"
        case .float: return "a float"
        case .string: return "a string"
        case .path: return "a path"
        case .list: return "a list"
        case .attrs: return "a set"
        case .lambda: return "a function"
        case .primop: return "a built-in function"
        case .primopApp: return "a partially applied built-in function"
        case .thunk, .unevaluatedBinding, .bindingUnderEvaluation: return "a thunk"
        }
    }
}

/// A string: bytes (Nix strings are byte strings) and the store paths it refers to.
public final class NixString {
    public let bytes: [UInt8]
    public let context: StringContext

    public init(_ bytes: [UInt8], context: StringContext = .empty) {
        self.bytes = bytes
        self.context = context
    }

    public convenience init(_ s: String) {
        self.init(Array(s.utf8))
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// The store paths a string depends on (`getContext`): plain paths, derivation
/// outputs (`!out!/nix/store/…drv`), and whole derivations (`=…drv`).
public struct StringContext: Equatable, Sendable {
    public var elements: [[UInt8]]

    public static let empty = StringContext(elements: [])
    public var isEmpty: Bool { elements.isEmpty }

    /// The union of two contexts, sorted and without duplicates.
    public func union(_ other: StringContext) -> StringContext {
        if other.isEmpty { return self }
        if isEmpty { return other }
        return .normalizing(elements + other.elements)
    }
}

/// An absolute, canonical path.
public final class NixPath {
    public let bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// A list: a contiguous array of (possibly unevaluated) values.
///
/// A struct around the array, not a class: the array's storage is already one
/// reference-counted object, so a list is one allocation (a class holding the array
/// was two, and every element access went through both). The list's identity, by
/// which CppNix compares and tracks lists (`identical`, «repeated»), is that storage.
public struct NixList {
    public let elements: [Value]
    @inline(__always) public init(_ elements: [Value]) { self.elements = elements }
    @inline(__always) public var count: Int { elements.count }
    public static var empty: NixList { NixList([]) }

    /// The identity of the list's storage. (Empty lists share one storage: they are
    /// all identical, as they are equal.)
    @inline(__always)
    var identity: ObjectIdentifier { ObjectIdentifier(unsafeBitCast(elements, to: AnyObject.self)) }

    /// Whether two lists are the very same list.
    @inline(__always)
    func isIdentical(to other: NixList) -> Bool { identity == other.identity }

    /// The elements of `lists` one after the other, copied element by element:
    /// `+` and `append(contentsOf:)` of value arrays copy through the runtime's
    /// generic `swift_arrayInitWithCopy` (a value-witness call per element and
    /// ~50 instructions per array), several times the inline copies here for the
    /// short lists most `++` and `concatMap` results are.
    static func concatenating(_ lists: UnsafeBufferPointer<NixList>, total: Int) -> NixList {
        var out: [Value] = []
        out.reserveCapacity(total)
        for l in lists { l.appendElements(to: &out) }
        return NixList(out)
    }

    /// `a ++ b`, copied as `concatenating(_:total:)` copies.
    static func concatenating(_ a: NixList, _ b: NixList) -> NixList {
        var out: [Value] = []
        out.reserveCapacity(a.count + b.count)
        a.appendElements(to: &out)
        b.appendElements(to: &out)
        return NixList(out)
    }

    @inline(__always)
    private func appendElements(to out: inout [Value]) {
        elements.withUnsafeBufferPointer { e in
            for k in 0..<e.count { out.append(e[k]) }
        }
    }
}

/// A function value: a lambda node and the environment it closes over.
public final class Closure {
    let lambda: LambdaNode
    let env: Env
    init(lambda: LambdaNode, env: Env) {
        self.lambda = lambda
        self.env = env
    }
}

/// A value whose evaluation is deferred: an expression and its environment until
/// forced, then the result (updated in place, so it is computed once). While it is
/// being computed it is a black hole: forcing it again is infinite recursion.
public final class Thunk {
    enum State: UInt8 { case pending, blackhole, done }
    // `value` (9 bytes) first and `state` in the byte after it: 48-byte objects
    // instead of 64 (Swift lays stored properties out in this order).
    var value: Value
    var state: State
    /// Whether the thunk holds a reference on `node`: only on a node made at run
    /// time (a builtin's application node, an error to rethrow), which nothing
    /// else keeps. The nodes of lowered trees, the thunks of expressions, live as
    /// long as their evaluator (`Evaluator.loweredRoots`) and are not counted: a
    /// retain when the thunk is made and a release when it is forced, saved on
    /// every thunk.
    fileprivate var ownsNode: Bool
    /// The expression, until the thunk is forced (see `ownsNode`).
    var node: Unmanaged<Node>?
    /// The environment, until the thunk is forced: a counted reference, kept by
    /// hand so that forcing can move it out, evaluate in it borrowed and release
    /// it once (as an `Env?`, the compiler copied it for the evaluation: a retain
    /// and a second release per force).
    var envReference: Unmanaged<Env>?

    /// The environment, until the thunk is forced (the counted `envReference`).
    var env: Env? {
        get { envReference?.takeUnretainedValue() }
        set {
            let old = envReference
            envReference = newValue.map { nonatomicallyRetained($0) }
            if let old { nonatomicRelease(old.toOpaque()) }
        }
    }

    /// A thunk of `node`, a node made at run time, which the thunk keeps alive.
    init(node: Node, env: Env) {
        state = .pending
        ownsNode = true
        self.node = nonatomicallyRetained(node)
        envReference = nonatomicallyRetained(env)
        value = .null
    }

    /// A thunk of `node`, a node of a lowered tree (which outlives the thunk).
    @inline(__always)
    init(lowered node: Node, env: Env) {
        state = .pending
        ownsNode = false
        self.node = .passUnretained(node)
        envReference = nonatomicallyRetained(env)
        value = .null
    }

    init(value: Value) {
        state = .done
        ownsNode = false
        self.value = value
    }

    deinit {
        if ownsNode, let node { nonatomicRelease(node.toOpaque()) }
        if let envReference { nonatomicRelease(envReference.toOpaque()) }
    }

    /// Gives up the thunk's reference on `node` once it has been evaluated for good.
    @inline(__always)
    func releaseNode(_ node: Unmanaged<Node>) {
        if ownsNode {
            ownsNode = false
            nonatomicRelease(node.toOpaque())
        }
    }

    /// The address of `value` inside the object: its first stored property, after
    /// the 16-byte object header (checked by `ValueLayout.check`). Valid while the
    /// thunk is alive; lets `force` move the argument out and write the result into
    /// storage that holds nothing.
    @inline(__always)
    var valueAddress: UnsafeMutablePointer<Value> {
        UnsafeMutableRawPointer(Unmanaged.passUnretained(self).toOpaque())
            .advanced(by: ValueLayout.thunkValueOffset).assumingMemoryBound(to: Value.self)
    }

    /// Empties a thunk that nothing else references, for `ThunkPool`: its value
    /// destroyed, its environment and (owned) node released, `next` kept in its
    /// node field (the pool's link). Destroying and releasing may free objects
    /// that return thunks to the pool themselves; `next` is read after that.
    @inline(__always)
    func clearForPool(next: () -> UnsafeMutableRawPointer?) {
        let p = valueAddress
        p.destroyValue()
        p.initialize(to: .null)
        env = nil
        if ownsNode, let node { nonatomicRelease(node.toOpaque()) }
        ownsNode = false
        state = .done
        node = next().map { Unmanaged<Node>.fromOpaque($0) }
    }

    /// The link of a pooled thunk (see `clearForPool`).
    @inline(__always)
    var pooledNext: UnsafeMutableRawPointer? { node?.toOpaque() }

    /// Makes a pooled thunk a pending thunk of `node` (a lowered tree's) in `env`.
    @inline(__always)
    func reuse(lowered node: Node, env: Env) {
        self.node = .passUnretained(node)
        envReference = nonatomicallyRetained(env)   // a pooled thunk holds none
        state = .pending
    }

    /// An unevaluated application `f x` (the elements of `map` and `genList`):
    /// the node knows `f`, and until the thunk is forced `value` holds `x`.
    /// One allocation per element instead of a thunk plus a node.
    init(application node: ApplicationNode, argument: Value) {
        state = .pending
        ownsNode = true
        self.node = nonatomicallyRetained(node)
        envReference = nil
        value = argument
    }
}

extension Value {
    /// The closure of a function value, not retained: valid while this value is
    /// (a borrowed parameter: for the call). Nil for anything else.
    @inline(__always)
    var unretainedClosure: Unmanaged<Closure>? {
        withUnsafePointer(to: self) { p in
            p.tag == ValueLayout.lambdaTag ? Unmanaged.fromOpaque(UnsafeRawPointer(p).load(as: UnsafeRawPointer.self)) : nil
        }
    }

    /// The string of a string value, not retained (as `unretainedClosure`).
    @inline(__always)
    var unretainedString: Unmanaged<NixString>? {
        withUnsafePointer(to: self) { $0.borrowedString }
    }
}

/// Borrowing reads of a stored `Value`: the integer or the object (set, closure,
/// thunk) it holds, without copying the value (a copy is a retain now and a release
/// later: measured, 2-3 of each per step of `a.b.c`). They read the enum's
/// layout directly: the payload word first, then the case tag, as this
/// compiler lays out `Value` (checked by `checkLayout()` when an evaluator
/// starts). A borrowed object is valid only while the stored value is.
extension UnsafePointer where Pointee == Value {
    @inline(__always)
    var tag: UInt8 { UnsafeRawPointer(self).load(fromByteOffset: 8, as: UInt8.self) }

    /// The payload word (an object's address for the object cases).
    @inline(__always)
    var payload: UInt { UnsafeRawPointer(self).load(as: UInt.self) }

    /// The integer stored here, directly or as a forced thunk's value.
    @inline(__always)
    var forcedInt: Int64? {
        let t = tag
        if t == ValueLayout.intTag { return UnsafeRawPointer(self).load(as: Int64.self) }
        guard t == ValueLayout.thunkTag else { return nil }
        let thunk = Unmanaged<Thunk>.fromOpaque(UnsafeRawPointer(self).load(as: UnsafeRawPointer.self))
        return thunk._withUnsafeGuaranteedRef { th in
            th.state == .done ? withUnsafePointer(to: &th.value) { $0.tag == ValueLayout.intTag ? UnsafeRawPointer($0).load(as: Int64.self) : nil } : nil
        }
    }

    /// The object of the value stored here when its case has tag `wanted` (a
    /// class payload), directly or as a forced thunk's value, which the thunk
    /// keeps alive; nil otherwise.
    @inline(__always)
    func forcedObject(_ wanted: UInt8) -> UnsafeRawPointer? {
        let t = tag
        if t == wanted { return UnsafeRawPointer(self).load(as: UnsafeRawPointer.self) }
        guard t == ValueLayout.thunkTag else { return nil }
        let thunk = Unmanaged<Thunk>.fromOpaque(UnsafeRawPointer(self).load(as: UnsafeRawPointer.self))
        return thunk._withUnsafeGuaranteedRef { th in
            guard th.state == .done else { return nil }
            return withUnsafePointer(to: &th.value) { $0.tag == wanted ? UnsafeRawPointer($0).load(as: UnsafeRawPointer.self) : nil }
        }
    }

    @inline(__always)
    var borrowedAttrs: Unmanaged<Attrs>? {
        guard tag == ValueLayout.attrsTag else { return nil }
        return Unmanaged.fromOpaque(UnsafeRawPointer(self).load(as: UnsafeRawPointer.self))
    }

    /// The string held here (not through a thunk).
    @inline(__always)
    var borrowedString: Unmanaged<NixString>? {
        guard tag == ValueLayout.stringTag else { return nil }
        return Unmanaged.fromOpaque(UnsafeRawPointer(self).load(as: UnsafeRawPointer.self))
    }

    @inline(__always)
    var borrowedThunk: Unmanaged<Thunk>? {
        guard tag == ValueLayout.thunkTag else { return nil }
        return Unmanaged.fromOpaque(UnsafeRawPointer(self).load(as: UnsafeRawPointer.self))
    }

    /// The value stored here as a lazy position passes it on: a forced thunk's
    /// value, anything else (a pending thunk too) as it is. Read in place:
    /// copying the stored value out to look at it retained a thunk and released
    /// it again, around the copy of its value.
    @inline(__always)
    var lazyValue: Value {
        if let t = borrowedThunk, let v = t._withUnsafeGuaranteedRef({ $0.state == .done ? $0.value : nil }) { return v }
        return pointee
    }

    /// The value stored here if it is known without evaluating anything (a forced
    /// thunk's value, or anything but a thunk); nil for a pending thunk.
    @inline(__always)
    var knownValue: Value? {
        guard let t = borrowedThunk else { return pointee }
        return t._withUnsafeGuaranteedRef { $0.state == .done ? $0.value : nil }
    }

    /// Whether this is a thunk not evaluated yet (pending or being evaluated).
    @inline(__always)
    var isUnforcedThunk: Bool {
        guard let t = borrowedThunk else { return false }
        return t._withUnsafeGuaranteedRef { $0.state != .done }
    }

    /// The closure held here, directly or as a forced thunk's value; nil for
    /// anything else.
    @inline(__always)
    var borrowedForcedClosure: Unmanaged<Closure>? {
        forcedObject(ValueLayout.lambdaTag).map { Unmanaged.fromOpaque($0) }
    }

    /// The set held here, directly or as a forced thunk's value; nil for anything
    /// else, including an unforced thunk.
    @inline(__always)
    var borrowedForcedAttrs: Unmanaged<Attrs>? {
        forcedObject(ValueLayout.attrsTag).map { Unmanaged.fromOpaque($0) }
    }

    /// The builtin held here, directly or as a forced thunk's value.
    @inline(__always)
    var borrowedForcedPrimOp: Unmanaged<PrimOp>? {
        forcedObject(ValueLayout.primopTag).map { Unmanaged.fromOpaque($0) }
    }
}

extension UnsafeMutablePointer where Pointee == Value {
    /// Destroys the value stored here, leaving the memory uninitialised. A value
    /// without an object (an integer, a Boolean, a float, null, a binding
    /// placeholder) is left as it is, inline: `deinitialize(count:)` went through
    /// the generic value witness (two calls and an indirect one) for every slot of
    /// every environment, most of which hold integers or nothing.
    @inline(__always)
    func destroyValue() {
        if ValueLayout.holdsNoObject(UnsafePointer(self).tag) { return }
        _ = move()
    }
}

enum ValueLayout {
    /// The tags of the cases whose payload is no object (bool 0, int 1, float 3)
    /// and the one tag all payload-less cases share (12): copying or destroying
    /// such a value is copying or forgetting its bytes.
    static let objectFreeTags: UInt32 = 1 << 0 | 1 << 1 | 1 << 3 | 1 << 12

    @inline(__always)
    static func holdsNoObject(_ tag: UInt8) -> Bool {
        tag < 32 && (objectFreeTags >> UInt32(tag)) & 1 != 0
    }

    /// Whether a value with this tag may hold, directly or further in, a reference
    /// to an environment (what `ScopeCollector` looks for): a thunk, a set, a list
    /// or a function. (Strings, paths, numbers and builtins hold none; a partial
    /// application of a builtin is not looked into, so its references count as
    /// outside ones.)
    @inline(__always)
    static func mayReferToScope(_ tag: UInt8) -> Bool {
        tag == thunkTag || tag == attrsTag || tag == listTag || tag == lambdaTag
    }

    static let intTag: UInt8 = 1
    static let attrsTag: UInt8 = 7
    static let lambdaTag: UInt8 = 8
    static let primopTag: UInt8 = 9
    static let thunkTag: UInt8 = 11
    static let listTag: UInt8 = 6
    static let stringTag: UInt8 = 4
    static let primopAppTag: UInt8 = 10

    // Object layouts `ScopeCollector` reads in place (checked below).
    static let thunkValueOffset = 16
    static let thunkStateOffset = 25
    static let thunkEnvOffset = 40
    static let closureEnvOffset = 24
    static let listCountOffset = 16
    /// Where an `Attr`'s value is (after its 4-byte name, aligned). A constant, not
    /// `MemoryLayout<Attr>.offset(of: \Attr.value)`: a key path literal is one object
    /// shared by all threads, and this module's reference counting is not atomic
    /// (tests run evaluators on several threads at once).
    static let attrValueOffset = 8
    static let listElementsOffset = 32

    /// Verifies the layout the borrowing reads assume.
    static func check() {
        precondition(MemoryLayout<Value>.size == 9, "Value layout: size")
        // A list's identity is its array's storage object (`NixList.identity`).
        let first = NixList([.null]), second = NixList([.null])
        precondition(MemoryLayout<[Value]>.size == MemoryLayout<AnyObject>.size
                     && first.isIdentical(to: NixList(first.elements)) && !first.isIdentical(to: second),
                     "List layout: identity")
        func probe(_ v: Value, _ tag: UInt8) {
            withUnsafePointer(to: v) { p in
                precondition(p.tag == tag, "Value layout: tag of \(v.typeName)")
                switch v {
                case .attrs(let a): precondition(p.borrowedAttrs?.takeUnretainedValue() === a, "Value layout: attrs payload")
                case .thunk(let t): precondition(p.borrowedThunk?.takeUnretainedValue() === t, "Value layout: thunk payload")
                case .int(let i): precondition(p.forcedInt == i, "Value layout: int payload")
                case .lambda(let c): precondition(p.borrowedForcedClosure?.takeUnretainedValue() === c
                                                  && v.unretainedClosure?.takeUnretainedValue() === c, "Value layout: lambda payload")
                case .primop(let o): precondition(p.borrowedForcedPrimOp?.takeUnretainedValue() === o, "Value layout: primop payload")
                case .string(let o): precondition(p.borrowedString?.takeUnretainedValue() === o
                                                  && v.unretainedString?.takeUnretainedValue() === o, "Value layout: string payload")
                default: break
                }
            }
        }
        // The cases `holdsNoObject` lets go without destroying them, and some it must not.
        for v in [Value.null, .bool(true), .int(3), .float(1.5), .unevaluatedBinding, .bindingUnderEvaluation] {
            precondition(withUnsafePointer(to: v) { holdsNoObject($0.tag) }, "Value layout: object-free tag of \(v.typeName)")
        }
        for v in [Value.attrs(Attrs.empty), .string(NixString([])), .list(NixList([.null])), .thunk(Thunk(value: .null)),
                  .path(NixPath([47])), .bigInt(BigInt(Int64.max))] {
            precondition(withUnsafePointer(to: v) { !holdsNoObject($0.tag) }, "Value layout: object tag of \(v.typeName)")
        }
        precondition(MemoryLayout<Attr>.offset(of: \Attr.value) == attrValueOffset, "Attr layout: value offset")
        precondition(MemoryLayout<Attrs.Header>.offset(of: \Attrs.Header.scope) == Attrs.scopeOffset, "Attrs layout: scope offset")
        let set = Attrs.sorted([Attr(name: Symbol(id: 3), value: .int(1), pos: .none), Attr(name: Symbol(id: 5), value: .int(2), pos: .none)])
        let setAddress = UnsafeRawPointer(Unmanaged.passUnretained(set).toOpaque())
        precondition(set.withUnsafeMutablePointerToHeader { UnsafeRawPointer($0) } == setAddress + Attrs.headerOffset
                     && set.withUnsafeMutablePointerToElements { UnsafeRawPointer($0) } == setAddress + Attrs.elementsOffset,
                     "Attrs layout: header and elements")
        var definedAt = Pos.none
        precondition(Attrs.valuePointer(in: .passUnretained(set), Symbol(id: 5), &definedAt)?.forcedInt == 2
                     && Attrs.valuePointer(in: .passUnretained(set), Symbol(id: 4), &definedAt) == nil, "Attrs layout: search in place")
        precondition(Value.attrs(Attrs.empty).unretainedClosure == nil && Value.int(8).unretainedClosure == nil,
                     "Value layout: closure of a non-function")
        probe(.attrs(Attrs.empty), attrsTag)
        probe(.thunk(Thunk(value: .null)), thunkTag)
        probe(.int(-1234567890123), intTag)
        probe(.string(NixString([65])), stringTag)
        let lambda = LambdaNode(arg: nil, formals: nil, ellipsis: false, body: ConstantNode(.null), name: nil, pos: .none)
        probe(.lambda(Closure(lambda: lambda, env: Env.make(parent: nil, size: 0))), lambdaTag)
        probe(.primop(PrimOp("probe", arity: 1) { _, _, _ throws(EvalError) in .null }), primopTag)
        probe(.primopApp(PrimOpApp(primop: PrimOp("probe", arity: 2) { _, _, _ throws(EvalError) in .null }, args: PrimOpArgs(.null))),
              primopAppTag)
        precondition(withUnsafePointer(to: Value.thunk(Thunk(value: .int(42)))) { $0.forcedInt } == 42, "Value layout: forced thunk int")
        let thunk = Thunk(value: .int(7))
        precondition(withUnsafeMutablePointer(to: &thunk.value) { $0 } == thunk.valueAddress, "Thunk layout: value address")
        let env = Env.make(parent: nil, size: 0)
        let pending = Thunk(node: ConstantNode(.null), env: env)
        let pendingBase = UnsafeRawPointer(Unmanaged.passUnretained(pending).toOpaque())
        precondition(pendingBase.load(fromByteOffset: thunkStateOffset, as: Thunk.State.self) == .pending
                     && UnsafeRawPointer(Unmanaged.passUnretained(thunk).toOpaque()).load(fromByteOffset: thunkStateOffset, as: Thunk.State.self) == .done
                     && pendingBase.load(fromByteOffset: thunkEnvOffset, as: UnsafeRawPointer?.self)
                        == UnsafeRawPointer(Unmanaged.passUnretained(env).toOpaque()),
                     "Thunk layout: state and environment")
        let closure = Closure(lambda: lambda, env: env)
        precondition(UnsafeRawPointer(Unmanaged.passUnretained(closure).toOpaque()).load(fromByteOffset: closureEnvOffset, as: UnsafeRawPointer.self)
                     == UnsafeRawPointer(Unmanaged.passUnretained(env).toOpaque()), "Closure layout: environment")
        let list = Value.list(NixList([.int(5), .int(6), .int(7)]))
        withUnsafePointer(to: list) { p in
            precondition(p.tag == listTag, "Value layout: list tag")
            let storage = UnsafeRawPointer(p).load(as: UnsafeRawPointer.self)
            precondition(storage.load(fromByteOffset: listCountOffset, as: Int.self) == 3
                         && UnsafePointer((storage + listElementsOffset).assumingMemoryBound(to: Value.self) + 2).forcedInt == 7,
                         "List layout: count and elements")
        }
        // `swift_retainCount` counts strong references: one more container holding
        // the environment shows as one more.
        withExtendedLifetime((env, pending, closure)) {
            let address = UnsafeRawPointer(Unmanaged.passUnretained(env).toOpaque())
            let before = ScopeCollector.retainCount(address)
            let holder = Thunk(node: ConstantNode(.null), env: env)
            let after = ScopeCollector.retainCount(address)
            withExtendedLifetime(holder) {
                precondition(before >= 1 && after == before + 1, "Reference counts: swift_retainCount")
            }
        }
    }
}
