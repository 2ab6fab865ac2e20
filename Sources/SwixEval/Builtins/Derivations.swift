import SwixSyntax
import SwixStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Derivations and the store: `derivationStrict` (and `derivation`, defined in Nix on top
/// of it, see `Derivation/DerivationFunction.swift`), `placeholder`, `toFile`,
/// `storePath`, `path` and `filterSource`.
///
/// Store paths and `.drv` texts are computed exactly as CppNix 2.8 computes them (store
/// directory `/nix/store`); what would be written to the store is kept in memory per
/// evaluator (`Derivation/EvalStore.swift`), so `builtins.readFile` of a `drvPath` can
/// return the ATerm text (`Evaluator.storeFileContents(forPath:)`).
extension Builtins {
    static func derivations() -> [PrimOp] {
        [
            PrimOp("derivationStrict", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                try ev.derivationStrict(a[0])
            },
            PrimOp("placeholder", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let output = try ev.forceStringWithoutContext(a[0], .none, "while evaluating the first argument passed to builtins.placeholder")
                return .string(NixString(Array(Evaluator.hashPlaceholder(output).utf8)))
            },
            PrimOp("__toFile", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                try ev.toFile(a[0], a[1])
            },
            PrimOp("__storePath", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                try ev.storePath(a[0])
            },
            PrimOp("__path", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                try ev.pathBuiltin(a[0])
            },
            PrimOp("__filterSource", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                var context = ContextAccumulator()
                let path = try ev.coerceToPathWithContext(
                    a[1], .none, "while evaluating the second argument (the path to filter) passed to 'builtins.filterSource'", &context)
                let filter = try ev.force(a[0], .none)
                switch filter {
                case .lambda, .primop, .primopApp: break
                case .attrs(let s) where s.get(ev.sFunctor) != nil: break
                default:
                    throw ev.typeError("a function", filter, .none).addTrace("while evaluating the first argument passed to builtins.filterSource")
                }
                let text = String(decoding: path, as: UTF8.self)
                return try ev.addPath(name: Evaluator.baseName(text), path: text, filter: filter, method: .recursive,
                                      expectedHash: nil, context: context)
            },
        ]
    }

    /// Constants of this family: `derivation`, a Nix function (evaluated from source)
    /// around `derivationStrict`.
    static func derivationConstants(_ ev: Evaluator) throws(EvalError) -> [(String, Value)] {
        [("derivation", try ev.makeDerivationFunction())]
    }
}

extension Evaluator {
    /// `placeholder`: `/` and the base-32 SHA-256 of `nix-output:NAME`.
    static func hashPlaceholder(_ output: [UInt8]) -> String {
        "/" + Digest.hash(.sha256, Array("nix-output:".utf8) + output).nix32
    }

    // MARK: derivationStrict

    func derivationStrict(_ arg: Value) throws(EvalError) -> Value {
        let attrs = try forceAttrs(arg, .none, "while evaluating the argument passed to builtins.derivationStrict")
        guard let nameAttr = attrs.attr(.name) else {
            throw EvalError("attribute 'name' missing")
                .addTrace("in the attrset passed as argument to builtins.derivationStrict")
        }
        let nameBytes: [UInt8]
        do {
            nameBytes = try forceStringWithoutContext(nameAttr.value, .none,
                                                      "while evaluating the `name` attribute passed to builtins.derivationStrict")
        } catch {
            throw error.addTrace("while evaluating the derivation attribute 'name'", at: nameAttr.pos)
        }
        let drvName = String(decoding: nameBytes, as: UTF8.self)
        do {
            return try derivationStrict(name: drvName, attrs)
        } catch {
            throw error.addTrace("while evaluating derivation '\(drvName)'\n  whose name attribute is located at \(describe(nameAttr.pos))")
        }
    }

    /// Checks a derivation name early, for a clearer message than the store path's
    /// (the rules of Nix 2.8, which still accepts a leading dot; newer Nix's wording).
    private func checkDerivationName(_ name: String) throws(EvalError) {
        var problem: String?
        if name.isEmpty {
            problem = "name must not be empty"
        } else if name.utf8.count > StorePathName.maxLength {
            problem = "name '\(name)' must be no longer than \(StorePathName.maxLength) characters"
        } else if let bad = name.unicodeScalars.first(where: { !($0.isASCII && StorePathName.isAllowed(UInt8($0.value))) }) {
            problem = "name '\(name)' contains illegal character '\(bad)'"
        }
        if let problem {
            throw EvalError("invalid derivation name: \(problem). Please pass a different 'name'.")
        }
    }

    private func storeError(_ e: StorePathError) -> EvalError { EvalError(e.message) }

    /// The attribute names `derivationStrict` treats specially.
    enum SpecialAttribute {
        case contentAddressed, impure, args, builder, system, outputHash, outputHashAlgo, outputHashMode, outputs
        /// Ignored (with a warning) under `__structuredAttrs`.
        case referenceCheck
        case structuredAttrs
    }

    /// Which special attribute `name` is, if any: found by symbol, without making a
    /// string of every attribute name. The special names are all static symbols
    /// (`StaticSymbols`), so one bit test answers for every other attribute.
    @inline(__always)
    private func specialAttribute(_ name: Symbol) -> SpecialAttribute? {
        if derivationSpecialKinds.isEmpty { makeSpecialAttributeTable() }
        guard name.id < 64, derivationSpecialMask >> UInt64(name.id) & 1 != 0 else { return nil }
        return derivationSpecialKinds[Int(name.id)]
    }

    private func makeSpecialAttributeTable() {
        let table: [(String, SpecialAttribute)] = [
            ("__contentAddressed", .contentAddressed), ("__impure", .impure), ("args", .args),
            ("builder", .builder), ("system", .system), ("outputHash", .outputHash),
            ("outputHashAlgo", .outputHashAlgo), ("outputHashMode", .outputHashMode), ("outputs", .outputs),
            ("allowedReferences", .referenceCheck), ("allowedRequisites", .referenceCheck),
            ("disallowedReferences", .referenceCheck), ("disallowedRequisites", .referenceCheck),
            ("maxSize", .referenceCheck), ("maxClosureSize", .referenceCheck),
            ("__structuredAttrs", .structuredAttrs),
        ]
        var kinds = [SpecialAttribute?](repeating: nil, count: 64)
        for (name, kind) in table {
            let id = Int(symbols.intern(name).id)
            precondition(id < 64, "derivation attribute '\(name)' is not a static symbol")
            kinds[id] = kind
            derivationSpecialMask |= 1 << UInt64(id)
        }
        derivationSpecialKinds = kinds
    }

    private func derivationStrict(name drvName: String, _ attrs: Attrs) throws(EvalError) -> Value {
        try checkDerivationName(drvName)
        let store = EvalStore.of(self)

        let sStructuredAttrs = Symbol.structuredAttrs
        let sIgnoreNulls = Symbol.ignoreNulls
        var structured = false
        if let v = attrs.get(sStructuredAttrs) {
            structured = try forceBool(v, .none, "while evaluating the `__structuredAttrs` attribute passed to builtins.derivationStrict")
        }
        var ignoreNulls = false
        if let v = attrs.get(sIgnoreNulls) {
            ignoreNulls = try forceBool(v, .none, "while evaluating the `__ignoreNulls` attribute passed to builtins.derivationStrict")
        }

        var drv = StoreDerivation(name: drvName)
        var env = DerivationEnvironment()
        var json: [UInt8] = [UInt8(ascii: "{")]
        var jsonCount = 0
        var context = ContextAccumulator()
        var outputHash: [UInt8]?
        var outputHashAlgo: HashAlgorithm?
        var ingestionMethod: ContentAddressMethod?
        var outputs: [[UInt8]] = [Array("out".utf8)]

        // The attributes in name order, read from the set by position (not copied
        // into a sorted array first).
        let all = attrs.attrs
        let order = all.names.withUnsafeBufferPointer { symbols.lexicographicOrder($0) }
        env.reserve(order.count + 2)
        for index in order {
            let attr = all[index]
            if attr.name == sIgnoreNulls { continue }
            let key = Array(symbols.bytes(attr.name))
            var keyText: String { symbols[attr.name] }
            let special = specialAttribute(attr.name)

            func handleHashMode(_ s: [UInt8]) throws(EvalError) {
                switch String(decoding: s, as: UTF8.self) {
                case "recursive", "nar": ingestionMethod = .recursive
                case "flat": ingestionMethod = .flat
                case "text":
                    throw EvalError("experimental Nix feature 'dynamic-derivations' is disabled (text-hashed derivation '\(drvName)', outputHashMode = \"text\"); add '--extra-experimental-features dynamic-derivations' to enable it")
                case "git":
                    throw EvalError("experimental Nix feature 'git-hashing' is disabled; add '--extra-experimental-features git-hashing' to enable it")
                default:
                    throw EvalError("invalid value '\(String(decoding: s, as: UTF8.self))' for 'outputHashMode' attribute")
                }
            }

            func handleOutputs(_ names: [[UInt8]]) throws(EvalError) {
                var seen: [[UInt8]] = []
                for j in names {
                    if seen.contains(j) {
                        throw EvalError("duplicate derivation output '\(String(decoding: j, as: UTF8.self))'")
                    }
                    if j == Array("drvPath".utf8) {
                        throw EvalError("invalid derivation output name 'drvPath'")
                    }
                    seen.append(j)
                }
                if seen.isEmpty {
                    throw EvalError("derivation cannot have an empty set of outputs")
                }
                outputs = seen
            }

            do throws(EvalError) {
                if ignoreNulls, case .null = try force(attr.value, .none) { continue }
                switch special {
                case .contentAddressed:
                    if try forceBool(attr.value, .none, "") {
                        throw EvalError("experimental Nix feature 'ca-derivations' is disabled; add '--extra-experimental-features ca-derivations' to enable it")
                    }
                case .impure:
                    if try forceBool(attr.value, .none, "") {
                        throw EvalError("experimental Nix feature 'impure-derivations' is disabled; add '--extra-experimental-features impure-derivations' to enable it")
                    }
                case .args:
                    // The builder's command line arguments.
                    let list = try forceList(attr.value, .none, "")
                    for e in list.elements {
                        drv.args.append(try coerceForDerivation(e, &context, "while evaluating an element of the argument list"))
                    }
                default:
                    if structured {
                        if attr.name == sStructuredAttrs { continue }
                        if jsonCount > 0 { json.append(UInt8(ascii: ",")) }
                        jsonCount += 1
                        Evaluator.writeJSONString(key, &json)
                        json.append(UInt8(ascii: ":"))
                        try writeDerivationJSON(attr.value, attr.pos, &context, &json)
                        switch special {
                        case .builder:
                            let s = try forceString(attr.value, .none, "")
                            context.insert(contentsOf: s.context)
                            drv.builder = s.bytes
                        case .system:
                            drv.platform = try forceStringWithoutContext(attr.value, .none, "")
                        case .outputHash:
                            outputHash = try forceStringWithoutContext(attr.value, .none, "")
                        case .outputHashAlgo:
                            outputHashAlgo = HashAlgorithm(name: String(decoding: try forceStringWithoutContext(attr.value, .none, ""), as: UTF8.self))
                        case .outputHashMode:
                            try handleHashMode(try forceStringWithoutContext(attr.value, .none, ""))
                        case .outputs:
                            let list = try forceList(attr.value, .none, "")
                            var names: [[UInt8]] = []
                            for e in list.elements { names.append(try forceStringWithoutContext(e, .none, "")) }
                            try handleOutputs(names)
                        case .referenceCheck:
                            emitWarning("'structuredAttrs' disables the effect of the derivation attribute '\(keyText)'; use 'outputChecks.<output>.\(keyText)' instead",
                                        at: attr.pos, traces: ["while evaluating derivation '\(drvName)'"])
                        default:
                            break
                        }
                    } else {
                        let s = try coerceForDerivation(attr.value, &context, "")
                        env.setIfAbsent(key, s)
                        switch special {
                        case .builder: drv.builder = s
                        case .system: drv.platform = s
                        case .outputHash: outputHash = s
                        case .outputHashAlgo: outputHashAlgo = HashAlgorithm(name: String(decoding: s, as: UTF8.self))
                        case .outputHashMode: try handleHashMode(s)
                        case .outputs: try handleOutputs(Evaluator.tokenize(s))
                        default: break
                        }
                    }
                }
            } catch {
                throw error.addTrace("while evaluating attribute '\(keyText)' of derivation '\(drvName)'", at: attr.pos)
            }
        }

        if structured {
            json.append(UInt8(ascii: "}"))
            env.set(Array("__json".utf8), json)
        }

        // Everything the strings refer to becomes an input. Outputs of input
        // derivations are collected as (path, output) pairs and grouped by sorting.
        var built: [(drvPath: [UInt8], output: [UInt8])] = []
        var inputSrcs: [String] = []
        for raw in context.normalized() {
            switch ContextElement(raw) {
            case .drvDeep(let drvPath):
                // The builder gets the derivation file itself, so it may read its whole
                // closure: every path of it is an input, every derivation with all outputs.
                guard store.derivation(drvPath) != nil else {
                    throw EvalError("path '\(drvPath)' is not valid")
                }
                for p in store.closure(of: drvPath) {
                    inputSrcs.append(p)
                    if p.hasSuffix(".drv") {
                        guard let record = store.derivation(p) else { throw EvalError("path '\(p)' is not valid") }
                        let bytes = Array(p.utf8)
                        for o in record.outputNames { built.append((bytes, o)) }
                    }
                }
            case .built(let drvPath, let output):
                built.append((drvPath, output))
            case .opaque(let path):
                do {
                    _ = try store.storeDir.parseStorePath(path)
                } catch {
                    throw storeError(error)
                }
                inputSrcs.append(path)
            }
        }
        built.sort { sameBytes($0.drvPath, $1.drvPath) ? bytewiseLess($0.output, $1.output) : bytewiseLess($0.drvPath, $1.drvPath) }
        for b in built {
            if let last = drv.inputDrvs.last, sameBytes(last.path, b.drvPath) {
                if !sameBytes(last.outputs[last.outputs.count - 1], b.output) {
                    drv.inputDrvs[drv.inputDrvs.count - 1].outputs.append(b.output)
                }
            } else {
                drv.inputDrvs.append(DerivationInput(path: b.drvPath, outputs: [b.output]))
            }
        }
        inputSrcs.sort { $0.utf8Precedes($1) }
        for p in inputSrcs where drv.inputSrcs.last != p { drv.inputSrcs.append(p) }

        if drv.builder.isEmpty { throw EvalError("required attribute 'builder' missing") }
        if drv.platform.isEmpty { throw EvalError("required attribute 'system' missing") }
        if drvName.hasSuffix(".drv") {
            throw EvalError("derivation names are allowed to end in '.drv' only if they produce a single derivation file")
        }

        // Both hashes modulo of an input-addressed derivation (for its output paths,
        // then the record for dependents) need the inputs replaced by their own hashes;
        // a fixed-output derivation's hash needs neither. (Computed here, not by a
        // local function: capturing `drv` boxed it and copied it, every array in it
        // retained and released, at each use.)
        let actualInputs = outputHash != nil ? []
            : try drv.actualInputs { (p: [UInt8]) throws(EvalError) -> DrvHashModulo in try self.inputHashModulo(p, store) }

        let sortedOutputs = outputs.sorted(by: bytewiseLess)
        // The texts of an input-addressed derivation, which share most of their work.
        var texts: StoreDerivation.InputAddressedTexts?
        if let outputHash {
            // A fixed-output derivation: its path depends on the expected contents only.
            if outputs != [Array("out".utf8)] {
                throw EvalError("multiple outputs are not supported in fixed-output derivations")
            }
            let parsed: (hash: Hash, warning: String?)
            do {
                parsed = try Hash.parseAllowingEmpty(String(decoding: outputHash, as: UTF8.self), algorithm: outputHashAlgo)
            } catch {
                throw EvalError(error.message)
            }
            if let warning = parsed.warning { emitWarning(warning) }
            let method = ingestionMethod ?? .flat
            let outPath: StorePath
            do {
                outPath = try store.storeDir.makeFixedOutputPath(method: method, hash: parsed.hash, name: drvName)
            } catch {
                throw storeError(error)
            }
            let printed = store.storeDir.print(outPath)
            env.set(Array("out".utf8), Array(printed.utf8))
            drv.outputs = [NamedOutput(name: Array("out".utf8), output: .fixed(method: method, hash: parsed.hash, path: printed))]
            drv.env = env.entries
        } else {
            // Input-addressed: the output paths come from the hash of the derivation with
            // them left empty.
            for o in sortedOutputs { env.set(o, []) }
            drv.outputs = sortedOutputs.map { NamedOutput(name: $0, output: .deferred) }
            drv.env = env.entries
            var shared = StoreDerivation.InputAddressedTexts(masked: drv)
            let modulo = shared.maskedHashModulo(drv, actualInputs: actualInputs)
            var filled: [NamedOutput] = []
            for o in sortedOutputs {
                let id = String(decoding: o, as: UTF8.self)
                let path: StorePath
                do {
                    path = try store.storeDir.makeOutputPath(id: id, drvHash: modulo.hash(for: o)!, name: drvName)
                } catch {
                    throw storeError(error)
                }
                let printed = store.storeDir.print(path)
                env.set(o, Array(printed.utf8))
                filled.append(NamedOutput(name: o, output: .inputAddressed(path: printed)))
            }
            drv.outputs = filled
            drv.env = env.entries
            shared.fillOutputs(drv)
            texts = shared
        }

        // "Write" the .drv: a text object referring to its inputs.
        let text = texts?.text(drv) ?? drv.unparse(maskOutputs: false)
        let references = drv.references
        let drvStorePath: StorePath
        do {
            drvStorePath = try store.storeDir.makeTextPath(name: drvName + ".drv", contents: text, sortedReferences: references)
        } catch {
            throw storeError(error)
        }
        let drvPath = store.storeDir.print(drvStorePath)
        if store.derivation(drvPath) == nil {
            let modulo = if let texts { texts.hashModulo(drv, actualInputs: actualInputs) }
                         else { try drv.hashModulo(maskOutputs: false, actualInputs: actualInputs) }
            store.addDerivation(path: drvPath, drv, text: text, references: references, hashModulo: modulo)
        }

        var result: [Attr] = []
        let drvPathBytes = Array(drvPath.utf8)
        result.append(Attr(name: .drvPath,
                           value: .string(NixString(drvPathBytes, context: StringContext(elements: [[UInt8(ascii: "=")] + drvPathBytes]))),
                           pos: .none))
        for o in drv.outputs {
            guard let path = env[o.name] else { continue }
            let ctx: [UInt8] = [UInt8(ascii: "!")] + o.name + [UInt8(ascii: "!")] + drvPathBytes
            result.append(Attr(name: symbols.intern(o.name), value: .string(NixString(path, context: StringContext(elements: [ctx]))),
                               pos: .none))
        }
        return .attrs(Attrs.unsorted(result))
    }

    /// The hash modulo of an input derivation this evaluation instantiated.
    private func inputHashModulo(_ drvPath: [UInt8], _ store: EvalStore) throws(EvalError) -> DrvHashModulo {
        guard let record = store.derivation(drvPath) else {
            throw EvalError("path '\(String(decoding: drvPath, as: UTF8.self))' is not valid")
        }
        return record.hashModulo
    }

    /// Splits on spaces, tabs, newlines and carriage returns (`tokenizeString`).
    static func tokenize(_ s: [UInt8]) -> [[UInt8]] {
        s.split(whereSeparator: { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }).map(Array.init)
    }

    // MARK: toFile, storePath, path

    func toFile(_ nameArg: Value, _ contentsArg: Value) throws(EvalError) -> Value {
        let nameBytes = try forceStringWithoutContext(nameArg, .none, "while evaluating the first argument passed to builtins.toFile")
        let contents = try forceString(contentsArg, .none, "while evaluating the second argument passed to builtins.toFile")
        let name = String(decoding: nameBytes, as: UTF8.self)
        var refs: [String] = []
        for raw in contents.context.elements {
            let element = ContextElement(raw)
            guard case .opaque(let p) = element else {
                throw EvalError("files created by builtins.toFile may not reference derivations, but \(name) references \(element.encoded)")
            }
            refs.append(p)
        }
        let store = EvalStore.of(self)
        let path: StorePath
        do {
            path = try store.storeDir.makeTextPath(name: name, contents: contents.bytes, references: refs)
        } catch {
            throw storeError(error)
        }
        let printed = store.storeDir.print(path)
        store.addText(path: printed, contents: contents.bytes,
                      references: Array(Set(refs)).sorted { $0.utf8Precedes($1) })
        let bytes = Array(printed.utf8)
        return .string(NixString(bytes, context: StringContext(elements: [bytes])))
    }

    func storePath(_ arg: Value) throws(EvalError) -> Value {
        var context = ContextAccumulator()
        var path = try coerceToPathWithContext(arg, .none, "while evaluating the first argument passed to 'builtins.storePath'", &context)
        let store = EvalStore.of(self)
        var text = String(decoding: path, as: UTF8.self)
        // Symlinks are resolved unless the path is itself directly in the store.
        if !store.storeDir.isStorePath(text), let resolved = Evaluator.realPath(text) {
            text = resolved
            path = Array(text.utf8)
        }
        guard store.storeDir.isInStore(text) else {
            throw EvalError("path '\(text)' is not in the Nix store")
        }
        let storePath: StorePath
        do {
            storePath = try store.storeDir.toStorePath(text).storePath
        } catch {
            throw storeError(error)
        }
        context.insert(Array(store.storeDir.print(storePath).utf8))
        return .string(NixString(path, context: context.stringContext))
    }

    /// `realpath`, or nil when the path does not exist.
    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    func pathBuiltin(_ arg: Value) throws(EvalError) -> Value {
        let attrs = try forceAttrs(arg, .none, "while evaluating the argument passed to 'builtins.path'")
        var path: [UInt8]?
        var name = ""
        var filter: Value?
        var method = ContentAddressMethod.recursive
        var expectedHash: Hash?
        var context = ContextAccumulator()
        for attr in attrs.attrs {
            switch symbols[attr.name] {
            case "path":
                path = try coerceToPathWithContext(attr.value, attr.pos, "while evaluating the 'path' attribute passed to 'builtins.path'",
                                                   &context)
            case "name":
                name = String(decoding: try forceStringWithoutContext(attr.value, attr.pos,
                                                                      "while evaluating the `name` attribute passed to builtins.path"),
                              as: UTF8.self)
            case "filter":
                let f = try force(attr.value, attr.pos)
                switch f {
                case .lambda, .primop, .primopApp: break
                case .attrs(let s) where s.get(sFunctor) != nil: break
                default:
                    throw typeError("a function", f, attr.pos).addTrace("while evaluating the `filter` parameter passed to builtins.path")
                }
                filter = f
            case "recursive":
                method = try forceBool(attr.value, attr.pos, "while evaluating the `recursive` attribute passed to builtins.path")
                    ? .recursive : .flat
            case "sha256":
                let s = try forceStringWithoutContext(attr.value, attr.pos, "while evaluating the `sha256` attribute passed to builtins.path")
                do {
                    let parsed = try Hash.parseAllowingEmpty(String(decoding: s, as: UTF8.self), algorithm: .sha256)
                    if let warning = parsed.warning { emitWarning(warning) }
                    expectedHash = parsed.hash
                } catch {
                    throw EvalError(error.message)
                }
            default:
                throw EvalError("unsupported argument '\(symbols[attr.name])' to 'builtins.path'", at: attr.pos)
            }
        }
        guard let path else {
            throw EvalError("missing required 'path' attribute in the first argument to 'builtins.path'")
        }
        let text = String(decoding: path, as: UTF8.self)
        if name.isEmpty { name = Evaluator.baseName(text) }
        return try addPath(name: name, path: text, filter: filter, method: method, expectedHash: expectedHash, context: context)
    }

    /// `addPath` (`builtins.path`, `filterSource`): the store path of `path` under `name`,
    /// with `filter` deciding which files go in. Only computed, never written.
    func addPath(name: String, path: String, filter: Value?, method: ContentAddressMethod,
                 expectedHash: Hash?, context: ContextAccumulator) throws(EvalError) -> Value {
        let store = EvalStore.of(self)
        do throws(EvalError) {
            var expectedPath: String?
            if let expectedHash {
                do {
                    expectedPath = store.storeDir.print(try store.storeDir.makeFixedOutputPath(method: method, hash: expectedHash, name: name))
                } catch {
                    throw storeError(error)
                }
            }
            let result: String
            if let expectedPath, store.isValid(expectedPath) {
                result = expectedPath
            } else {
                var narFilter: NAR.PathFilter?
                if let filter {
                    narFilter = { (p: String) throws -> Bool in
                        try self.callPathFilter(filter, p)
                    }
                }
                result = try addSourceToStore(name: name, path: path, method: method, filter: narFilter, keepReferences: true, .none)
                if let expectedPath, expectedPath != result {
                    throw EvalError("store path mismatch in (possibly filtered) path added from '\(path)'")
                }
            }
            let bytes = Array(result.utf8)
            return .string(NixString(bytes, context: StringContext(elements: [bytes])))
        } catch {
            throw error.addTrace("while adding path '\(path)'")
        }
    }

    /// Calls a path filter with the path and its type (`regular`, `directory`,
    /// `symlink`, `unknown`).
    private func callPathFilter(_ filter: Value, _ path: String) throws(EvalError) -> Bool {
        var st = stat()
        let type: String
        if lstat(path, &st) != 0 {
            throw EvalError("getting status of '\(path)': \(String(cString: strerror(errno)))")
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: type = "regular"
        case S_IFDIR: type = "directory"
        case S_IFLNK: type = "symlink"
        default: type = "unknown"
        }
        let partial = try call(filter, .string(NixString(path)), .none)
        let r = try call(try force(partial, .none), .string(NixString(type)), .none)
        return try forceBool(r, .none, "while evaluating the return value of the path filter function")
    }
}
