import SwixSyntax
import SwixStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One element of a string context, decoded: `/nix/store/…` (a path), `=/nix/store/….drv`
/// (a derivation with its whole closure) or `!OUTPUT!/nix/store/….drv` (an output).
enum ContextElement {
    case opaque(String)
    case drvDeep(String)
    case built(drvPath: [UInt8], output: [UInt8])

    init(_ raw: [UInt8]) {
        if raw.first == UInt8(ascii: "=") {
            self = .drvDeep(String(decoding: raw.dropFirst(), as: UTF8.self))
        } else if raw.first == UInt8(ascii: "!"), let bang = raw.dropFirst().firstIndex(of: UInt8(ascii: "!")) {
            self = .built(drvPath: Array(raw[(bang + 1)...]), output: Array(raw[1..<bang]))
        } else {
            self = .opaque(String(decoding: raw, as: UTF8.self))
        }
    }

    /// `NixStringContextElem::to_string`: base names, `!out!…drv`, `=…drv`.
    var encoded: String {
        func base(_ p: String) -> String {
            p.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? p
        }
        switch self {
        case .opaque(let p): return base(p)
        case .drvDeep(let p): return "=" + base(p)
        case .built(let p, let o): return "!" + String(decoding: o, as: UTF8.self) + "!" + base(String(decoding: p, as: UTF8.self))
        }
    }

    /// `NixStringContextElem::display`: full paths, `…drv^out`, `…drv (deep)`.
    var display: String {
        switch self {
        case .opaque(let p): return p
        case .drvDeep(let p): return p + " (deep)"
        case .built(let p, let o): return String(decoding: p, as: UTF8.self) + "^" + String(decoding: o, as: UTF8.self)
        }
    }
}

/// C's `printf` for one double (`%f` is what `std::to_string` uses, `%g` what an
/// `ostream` writes by default).
func formatDouble(_ d: Double, _ format: String) -> String {
    var buf = [CChar](repeating: 0, count: 512)
    let n = withVaList([d]) { args in
        buf.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, args) }
    }
    let count = max(0, min(Int(n), buf.count - 1))
    return String(decoding: buf[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension Evaluator {
    /// A warning printed the way CppNix's logger prints one (`warning: …`), with an
    /// optional position and trace frames (innermost first), through
    /// `DebugSettings.sink` (standard error).
    func emitWarning(_ message: String, at pos: Pos = .none, traces: [String] = []) {
        let d = Diagnostic(message, at: pos, traces: traces.map { TraceFrame($0) })
        messageSink(DiagnosticRenderer.render(d, positions: positions, prefix: "warning") + "\n")
    }

    /// `forceStringNoCtx`: a string that must not refer to store paths.
    func forceStringWithoutContext(_ v: Value, _ pos: Pos, _ context: @autoclosure () -> String) throws(EvalError) -> [UInt8] {
        let s = try forceString(v, pos, context())
        if let first = s.context.elements.first {
            throw EvalError("the string '\(s.string)' is not allowed to refer to a store path (such as '\(ContextElement(first).display)')",
                            at: pos).addTrace(context())
        }
        return s.bytes
    }

    /// Guards a recursion of the evaluator's own (JSON, coercion of nested lists) with the
    /// same limits as calls: `max-call-depth` and the native stack.
    @inline(__always)
    func enterNested(_ pos: Pos) throws(EvalError) {
        callDepth += 1
        if callDepth > maxNestingDepth || callDepth > maxCallDepth || !stack.hasRoom() {
            callDepth -= 1
            throw EvalError("stack overflow; max-call-depth exceeded", at: pos, kind: .stackOverflow)
        }
    }

    // MARK: Copying sources

    /// Copies the file or directory `path` to the store, as interpolating a path value
    /// into a string does (`"${./foo}"`, CppNix's `copyPathToStore`): its store path is
    /// the source path of its NAR hash, named after its base name. Nothing is written;
    /// the path is only computed (and remembered, so the file is hashed once). The
    /// result carries the store path as context.
    public func copyPathToStore(_ path: [UInt8], _ pos: Pos) throws(EvalError) -> NixString {
        let storePath = try copyPathToStorePath(path, pos)
        return NixString(Array(storePath.utf8), context: StringContext(elements: [Array(storePath.utf8)]))
    }

    /// The store path `copyPathToStore` gives (without context).
    func copyPathToStorePath(_ path: [UInt8], _ pos: Pos) throws(EvalError) -> String {
        let store = EvalStore.of(self)
        if let cached = store.sourceCache[path] { return cached }
        let text = String(decoding: path, as: UTF8.self)
        if text.hasSuffix(".drv") {
            throw EvalError("file names are not allowed to end in '.drv'", at: pos)
        }
        let name = Evaluator.baseName(text)
        let result = try addSourceToStore(name: name, path: text, method: .recursive, filter: nil, keepReferences: false, pos)
        store.sourceCache[path] = result
        return result
    }

    /// `baseNameOf` for absolute paths: the last component (trailing slashes ignored).
    static func baseName(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        if let slash = p.lastIndex(of: "/") { return String(p[p.index(after: slash)...]) }
        return String(p)
    }

    /// The store path of `path` added as `name` by `method` (recursive: NAR SHA-256 with
    /// the filter applied; flat: SHA-256 of a regular file's bytes). Store objects this
    /// evaluation wrote (texts, `.drv` files) are read from memory; with `keepReferences`
    /// (`builtins.path`, `filterSource`) the copy keeps their references, as CppNix's
    /// `addPath` does.
    func addSourceToStore(name: String, path: String, method: ContentAddressMethod,
                          filter: NAR.PathFilter?, keepReferences: Bool, _ pos: Pos) throws(EvalError) -> String {
        let store = EvalStore.of(self)
        var references: [String] = []
        let hash: Hash
        if let contents = store.fileContents(path) {
            // An object of this evaluation's in-memory store: a single regular file.
            if keepReferences && method == .recursive { references = store.references(of: path) }
            hash = method == .flat ? Digest.hash(.sha256, contents) : NAR.narHash(contents: contents)
        } else {
            // Current Nix checks existence first and says so without a position.
            var st = stat()
            if lstat(path, &st) != 0 && errno == ENOENT {
                throw EvalError("path '\(path)' does not exist")
            }
            do {
                if method == .flat {
                    hash = try Digest.hashFile(.sha256, path: path)
                } else {
                    hash = try NAR.narHash(path: path, filter: filter)
                }
            } catch let e as EvalError {
                throw e
            } catch let e as SystemError {
                throw EvalError(e.message, at: pos)
            } catch {
                throw EvalError("\(error)", at: pos)
            }
        }
        let storePath: StorePath
        do {
            if references.isEmpty {
                storePath = try store.storeDir.makeFixedOutputPath(method: method, hash: hash, name: name)
            } else {
                storePath = try store.storeDir.makeSourcePath(name: name, narHash: hash, references: references)
            }
        } catch {
            throw EvalError(error.message, at: pos)
        }
        let printed = store.storeDir.print(storePath)
        store.addSource(path: printed, references: references)
        return printed
    }

    // MARK: Coercions

    /// `coerceToString` as `derivationStrict` uses it for environment values and
    /// arguments (CppNix's `coerceMore` and `copyToStore`): `true` is `"1"`, `false` and
    /// `null` are empty, numbers are printed (floats as C's `%f`), lists are joined
    /// with spaces, paths are copied to the store. Context goes into `context`.
    func coerceForDerivation(_ v: Value, _ context: inout ContextAccumulator, _ errorContext: String,
                             _ pos: Pos = .none) throws(EvalError) -> [UInt8] {
        if case .string(let s) = v {
            context.insert(contentsOf: s.context)
            return s.bytes
        }
        let w = try force(v, pos)
        switch w {
        case .string(let s):
            context.insert(contentsOf: s.context)
            return s.bytes
        case .path(let p):
            let storePath = try copyPathToStorePath(p.bytes, pos)
            context.insert(Array(storePath.utf8))
            return Array(storePath.utf8)
        case .attrs(let a):
            if let f = a.get(sToString) {
                let r = try call(try force(f, pos), w, pos)
                return try coerceForDerivation(r, &context, errorContext, pos)
            }
            if let o = a.get(sOutPath) {
                return try coerceForDerivation(o, &context, errorContext, pos)
            }
        case .bool(let b): return b ? [UInt8(ascii: "1")] : []
        case .null: return []
        case .int(let i): return decimalBytes(i)
        case .bigInt(let b): return b.decimalUTF8
        case .float(let d): return Array(formatDouble(d, "%f").utf8)
        case .list(let l):
            var result: [UInt8] = []
            // About a store path per element (lists of packages): not reallocated as it grows.
            result.reserveCapacity(64 * l.count)
            try enterNested(pos)
            defer { callDepth -= 1 }
            for (n, e) in l.elements.enumerated() {
                do {
                    result.append(contentsOf: try coerceForDerivation(e, &context, "while evaluating one element of the list", pos))
                } catch {
                    throw error.addTrace(errorContext, at: pos)
                }
                if n < l.count - 1 {
                    if case .list(let inner) = (try force(e, pos)), inner.count == 0 { continue }
                    result.append(UInt8(ascii: " "))
                }
            }
            return result
        default:
            break
        }
        throw EvalError("cannot coerce \(w.typeDescription) to a string: \(ValuePrinter(self).brief(w))", at: .none, kind: .typeError)
            .addTrace(errorContext, at: pos)
    }

    /// `coerceToPath`: a path value, or a string (or set with `__toString`/`outPath`)
    /// holding an absolute path; the string's context goes into `context`.
    func coerceToPathWithContext(_ v: Value, _ pos: Pos, _ errorContext: String,
                                 _ context: inout ContextAccumulator) throws(EvalError) -> [UInt8] {
        let w = try force(v, pos)
        if case .path(let p) = w { return p.bytes }
        let (bytes, c): ([UInt8], StringContext)
        do {
            (bytes, c) = try coerceToString(w, pos, errorContext, interpolation: true)
        } catch {
            throw error.addTrace(errorContext, at: pos)
        }
        context.insert(contentsOf: c)
        guard bytes.first == UInt8(ascii: "/") else {
            throw EvalError("string '\(String(decoding: bytes, as: UTF8.self))' doesn't represent an absolute path", at: pos)
                .addTrace(errorContext, at: pos)
        }
        return SwixSyntax.Parser.canonicalize(bytes[...], trailingSlash: false)
    }

    // MARK: JSON (structured attributes)

    /// Appends `v` as JSON the way Nix 2.8 writes `__json`: no spaces, object keys
    /// sorted, strings escaped like `toJSON`, floats with six significant digits, paths
    /// copied to the store, derivations as their `outPath`.
    func writeDerivationJSON(_ v: Value, _ pos: Pos, _ context: inout ContextAccumulator,
                             _ out: inout [UInt8]) throws(EvalError) {
        try enterNested(pos)
        defer { callDepth -= 1 }
        let w = try force(v, pos)
        switch w {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): appendDecimal(i, to: &out)
        case .bigInt(let b): out.append(contentsOf: b.decimalUTF8)
        case .float(let d): out.append(contentsOf: formatDouble(d, "%g").utf8)
        case .string(let s):
            context.insert(contentsOf: s.context)
            Evaluator.writeJSONString(s.bytes, &out)
        case .path(let p):
            let storePath = try copyPathToStorePath(p.bytes, pos)
            context.insert(Array(storePath.utf8))
            Evaluator.writeJSONString(Array(storePath.utf8), &out)
        case .attrs(let a):
            if let f = a.get(sToString) {
                let r = try call(try force(f, pos), w, pos)
                let (bytes, c) = try coerceToString(r, pos, "", interpolation: true)
                context.insert(contentsOf: c)
                Evaluator.writeJSONString(bytes, &out)
                return
            }
            if let o = a.get(sOutPath) {
                try writeDerivationJSON(o, pos, &context, &out)
                return
            }
            out.append(UInt8(ascii: "{"))
            let sorted = a.sortedByName(symbols)
            for (k, attr) in sorted.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                Evaluator.writeJSONString(Array(symbols.bytes(attr.name)), &out)
                out.append(UInt8(ascii: ":"))
                do {
                    try writeDerivationJSON(attr.value, attr.pos, &context, &out)
                } catch {
                    throw error.addTrace("while evaluating attribute '\(symbols[attr.name])'", at: attr.pos)
                }
            }
            out.append(UInt8(ascii: "}"))
        case .list(let l):
            out.append(UInt8(ascii: "["))
            for (k, e) in l.elements.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                do {
                    try writeDerivationJSON(e, pos, &context, &out)
                } catch {
                    throw error.addTrace("while evaluating list element at index \(k)", at: pos)
                }
            }
            out.append(UInt8(ascii: "]"))
        case .lambda, .primop, .primopApp, .thunk, .unevaluatedBinding, .bindingUnderEvaluation:
            throw EvalError("cannot convert \(w.typeDescription) to JSON", at: pos, kind: .typeError)
        }
    }

    /// A JSON string: `"` and `\` escaped, `\n` `\r` `\t`, other control bytes as
    /// `\u00XX`, everything else (UTF-8 included) as is.
    static func writeJSONString(_ bytes: [UInt8], _ out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for c in bytes {
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(c)
            case 10: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 13: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 9: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<32:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
