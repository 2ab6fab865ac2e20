import SwixStore
import SwixSyntax

/// Bytewise order, the order `std::string` and `std::set<std::string>` keep in CppNix
/// (environment variables, output names, store paths in a `.drv`).
@inline(__always)
func bytewiseLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in SwixStore.bytewiseLess(pa, pb) } }
}

// The elements of a derivation's arrays are structs, not tuples: an array of
// tuples is copied and destroyed through the runtime's generic tuple witnesses,
// element by element and field by field (~9,000 instructions to destroy one
// derivation of derivations_dag).

/// One environment variable of a derivation.
struct EnvironmentVariable {
    var key: [UInt8]
    var value: [UInt8]
}

/// An input derivation (its `.drv` path, or its hash modulo in hex where the hash
/// modulo replaces it) and the names of the outputs used, sorted.
struct DerivationInput {
    var path: [UInt8]
    var outputs: [[UInt8]]
}

/// A derivation's output by name.
struct NamedOutput {
    var name: [UInt8]
    var output: StoreDerivation.Output
}

/// A derivation's environment while `derivationStrict` builds it: kept sorted by
/// name (bytewise), as the `.drv` lists it. The attributes arrive in that order, so
/// they are appended; only the few variables added afterwards (outputs, `__json`)
/// are searched for.
struct DerivationEnvironment {
    private(set) var entries: [EnvironmentVariable] = []

    private func position(of key: [UInt8]) -> (index: Int, found: Bool) {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if bytewiseLess(entries[mid].key, key) { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < entries.count && entries[lo].key == key)
    }

    subscript(key: [UInt8]) -> [UInt8]? {
        let (i, found) = position(of: key)
        return found ? entries[i].value : nil
    }

    mutating func reserve(_ count: Int) { entries.reserveCapacity(count) }

    /// Whether `key` sorts after every key set so far (then it is new, and goes last).
    /// The last key is compared in place: `entries.last` copied the entry, a
    /// retain and release of both its arrays.
    @inline(__always)
    private func comesLast(_ key: [UInt8]) -> Bool {
        entries.withUnsafeBufferPointer { e in
            guard e.count > 0 else { return true }
            return e[e.count - 1].key.withUnsafeBufferPointer { lastKey in
                key.withUnsafeBufferPointer { SwixStore.bytewiseLess(lastKey, $0) }
            }
        }
    }

    /// Sets `key` (replacing its value if it is set already).
    mutating func set(_ key: [UInt8], _ value: [UInt8]) { store(key, value, replacing: true) }

    /// Sets `key` unless it is set already (an attribute in name order: appended).
    mutating func setIfAbsent(_ key: [UInt8], _ value: [UInt8]) { store(key, value, replacing: false) }

    @inline(__always)
    private mutating func store(_ key: [UInt8], _ value: [UInt8], replacing: Bool) {
        if comesLast(key) {
            entries.append(EnvironmentVariable(key: key, value: value))
            return
        }
        let (i, found) = position(of: key)
        if !found { entries.insert(EnvironmentVariable(key: key, value: value), at: i) } else if replacing { entries[i].value = value }
    }
}

/// A store derivation: what `derivationStrict` writes as `NAME.drv` (CppNix's
/// `Derivation`), with the ATerm serialisation and the "hash modulo" that input-addressed
/// output paths are computed from.
///
/// Everything a `.drv` holds is kept sorted the way CppNix's `std::map`/`std::set` keep it
/// (bytewise), so `unparse` writes the fields in order.
struct StoreDerivation {
    /// How one output's path is determined.
    enum Output {
        /// Input-addressed: the path comes from the hash modulo of the derivation.
        case inputAddressed(path: String)
        /// Fixed-output: the path comes from the expected content hash.
        case fixed(method: ContentAddressMethod, hash: Hash, path: String)
        /// Input-addressed, path not computed yet (while hashing the masked derivation).
        case deferred

        /// `r:sha256`, `sha256` (`FixedOutputHash::printMethodAlgo`).
        static func methodAlgo(_ method: ContentAddressMethod, _ hash: Hash) -> String {
            let prefix: String
            switch method {
            case .flat: prefix = ""
            case .recursive: prefix = "r:"
            case .text: prefix = "text:"
            }
            return prefix + hash.algorithm.name
        }
    }

    var name: String
    /// Output name → output, sorted by name.
    var outputs: [NamedOutput] = []
    /// `.drv` path → output names it needs, both sorted.
    var inputDrvs: [DerivationInput] = []
    /// Sorted store paths.
    var inputSrcs: [String] = []
    var platform: [UInt8] = []
    var builder: [UInt8] = []
    var args: [[UInt8]] = []
    /// Sorted by key, keys unique.
    var env: [EnvironmentVariable] = []

    var isFixedOutput: Bool {
        !outputs.isEmpty && outputs.allSatisfy { if case .fixed = $0.output { return true } else { return false } }
    }

    var outputNames: [[UInt8]] { outputs.map { $0.name } }

    /// The store paths a `.drv` file refers to: its sources and input derivations
    /// (outputs are not references).
    /// Sorted bytewise, each once: the sources and the input derivations are each
    /// sorted already, and merged. (A `.drv` in the closure of a `drvPath` used as a
    /// string is both.)
    var references: [[UInt8]] {
        let sources = inputSrcs.map { Array($0.utf8) }
        var refs: [[UInt8]] = []
        refs.reserveCapacity(sources.count + inputDrvs.count)
        var i = 0, j = 0
        while i < sources.count || j < inputDrvs.count {
            let next: [UInt8]
            if j < inputDrvs.count && (i == sources.count || bytewiseLess(inputDrvs[j].path, sources[i])) {
                next = inputDrvs[j].path; j += 1
            } else {
                next = sources[i]; i += 1
            }
            if refs.last != next { refs.append(next) }
        }
        return refs
    }

    // MARK: ATerm

    /// The `.drv` text (`Derivation::unparse`). With `maskOutputs`, output paths and the
    /// environment variables named after outputs are written empty; `actualInputs`
    /// replaces `inputDrvs` (hash modulo of each input → its outputs).
    func unparse(maskOutputs: Bool, actualInputs: [DerivationInput]? = nil) -> [UInt8] {
        let s = ByteBuffer(capacity: 4096)
        write(into: s, maskOutputs: maskOutputs, actualInputs: actualInputs)
        return s.bytes
    }

    /// `unparse` into a byte buffer (appending to an array went through its
    /// uniqueness and capacity checks for every piece of the text, three texts
    /// per derivation).
    func write(into s: ByteBuffer, maskOutputs: Bool, actualInputs: [DerivationInput]? = nil) {
        writeHead(into: s, maskOutputs: maskOutputs)
        writeInputs(into: s, actualInputs: actualInputs)
        var offsets: [Int] = []
        writeTail(into: s, maskOutputs: maskOutputs, outputValueOffsets: &offsets)
    }

    /// `Derive([outputs],[`: the text up to the input derivations.
    func writeHead(into s: ByteBuffer, maskOutputs: Bool) {
        s.append("Derive([")
        for (k, o) in outputs.enumerated() {
            if k > 0 { s.append(UInt8(ascii: ",")) }
            s.append(UInt8(ascii: "("))
            Self.writeUnquoted(s, o.name)
            switch o.output {
            case .inputAddressed(let path):
                s.append(UInt8(ascii: ",")); Self.writeUnquoted(s, maskOutputs ? "" : path)
                s.append(UInt8(ascii: ",")); Self.writeUnquoted(s, [])
                s.append(UInt8(ascii: ",")); Self.writeUnquoted(s, [])
            case .fixed(let method, let hash, let path):
                s.append(UInt8(ascii: ",")); Self.writeUnquoted(s, maskOutputs ? "" : path)
                s.append(UInt8(ascii: ",")); Self.writeUnquoted(s, Output.methodAlgo(method, hash))
                s.append(UInt8(ascii: ",")); Self.writeUnquoted(s, hash.base16)
            case .deferred:
                s.append(UInt8(ascii: ",")); Self.writeUnquoted(s, [])
                s.append(UInt8(ascii: ",")); Self.writeUnquoted(s, [])
                s.append(UInt8(ascii: ",")); Self.writeUnquoted(s, [])
            }
            s.append(UInt8(ascii: ")"))
        }
        s.append("],[")
    }

    /// The input derivations: `inputDrvs`, or `actualInputs` in their place.
    func writeInputs(into s: ByteBuffer, actualInputs: [DerivationInput]?) {
        // The paths are written from their strings (arrays made of them for each
        // of the three texts were most of this function's allocations).
        func input(_ k: Int, _ key: [UInt8], _ outputs: [[UInt8]]) {
            if k > 0 { s.append(UInt8(ascii: ",")) }
            s.append(UInt8(ascii: "("))
            Self.writeUnquoted(s, key)
            s.append(UInt8(ascii: ","))
            Self.writeUnquotedList(s, outputs)
            s.append(UInt8(ascii: ")"))
        }
        if let actualInputs {
            for (k, i) in actualInputs.enumerated() { input(k, i.path, i.outputs) }
        } else {
            for (k, i) in inputDrvs.enumerated() { input(k, i.path, i.outputs) }
        }
    }

    /// `],[sources],platform,builder,[args],[env])`: the text after the input
    /// derivations. `outputValueOffsets` receives, for each environment variable named
    /// after an output whose value is masked, where in `s` its (empty) value stands.
    func writeTail(into s: ByteBuffer, maskOutputs: Bool, outputValueOffsets: inout [Int]) {
        s.append("],[")
        for (k, path) in inputSrcs.enumerated() {
            if k > 0 { s.append(UInt8(ascii: ",")) }
            Self.writeUnquoted(s, path)
        }
        s.append(UInt8(ascii: "]"))
        s.append(UInt8(ascii: ",")); Self.writeUnquoted(s, platform)
        s.append(UInt8(ascii: ",")); Self.writeEscaped(s, builder)
        s.append(UInt8(ascii: ",")); s.append(UInt8(ascii: "["))
        for (k, a) in args.enumerated() {
            if k > 0 { s.append(UInt8(ascii: ",")) }
            Self.writeEscaped(s, a)
        }
        s.append("],[")
        for (k, e) in env.enumerated() {
            if k > 0 { s.append(UInt8(ascii: ",")) }
            s.append(UInt8(ascii: "("))
            Self.writeEscaped(s, e.key)
            s.append(UInt8(ascii: ","))
            if maskOutputs && outputs.contains(where: { $0.name == e.key }) {
                s.append(UInt8(ascii: "\""))
                outputValueOffsets.append(s.count)
                s.append(UInt8(ascii: "\""))
            } else {
                Self.writeEscaped(s, e.value)
            }
            s.append(UInt8(ascii: ")"))
        }
        s.append("])")
    }

    /// `"…"` with `"`, `\`, newline, carriage return and tab escaped; every other byte
    /// as is (`printString`).
    static func writeEscaped(_ s: ByteBuffer, _ bytes: [UInt8]) {
        s.append(UInt8(ascii: "\""))
        // Runs of bytes that need no escape are copied whole (most values are one run);
        // the scan looks at eight bytes at a time (this writer runs three times per
        // derivation: ~7% of derivations_dag when it appended byte by byte).
        bytes.withUnsafeBufferPointer { b in
            var runStart = 0
            var i = 0
            while i < b.count {
                // Eight bytes at a time: skip words holding no byte to escape.
                if i + 8 <= b.count {
                    let w = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                    if !mayNeedEscape(w) { i += 8; continue }
                }
                let end = min(i + 8, b.count)
                while i < end {
                    if needsEscape(b[i]) {
                        if runStart < i { s.append(contentsOf: UnsafeBufferPointer(rebasing: b[runStart..<i])) }
                        s.append(UInt8(ascii: "\\"))
                        switch b[i] {
                        case 10: s.append(UInt8(ascii: "n"))
                        case 13: s.append(UInt8(ascii: "r"))
                        case 9: s.append(UInt8(ascii: "t"))
                        default: s.append(b[i])
                        }
                        runStart = i + 1
                    }
                    i += 1
                }
            }
            if runStart < b.count { s.append(contentsOf: UnsafeBufferPointer(rebasing: b[runStart...])) }
        }
        s.append(UInt8(ascii: "\""))
    }

    /// Whether a word of eight bytes may hold a byte `writeEscaped` escapes: one
    /// below 14 (tab, newline, carriage return), `"` or `\\` (the classic
    /// "has a byte less than / equal to" bit tricks; false positives only cost a
    /// byte-wise look at the word).
    @inline(__always)
    private static func mayNeedEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let below14 = (w &- ones &* 14) & ~w & highs
        let q = w ^ (ones &* 34), bs = w ^ (ones &* 92)
        let quote = (q &- ones) & ~q & highs
        let backslash = (bs &- ones) & ~bs & highs
        return below14 | quote | backslash != 0
    }

    /// The bytes `writeEscaped` escapes: `\` and, as bits of a mask, tab (9),
    /// newline (10), carriage return (13) and `"` (34).
    @inline(__always)
    private static func needsEscape(_ c: UInt8) -> Bool {
        c == 92 || (c < 64 && (0x4_0000_2600 as UInt64) >> c & 1 == 1)
    }

    /// `"…"` without escaping (`printUnquotedString`: store paths, output names, hashes).
    static func writeUnquoted(_ s: ByteBuffer, _ bytes: [UInt8]) {
        s.append(UInt8(ascii: "\""))
        bytes.withUnsafeBufferPointer { s.append($0) }
        s.append(UInt8(ascii: "\""))
    }

    /// `writeUnquoted` of a string's UTF-8 bytes.
    static func writeUnquoted(_ s: ByteBuffer, _ text: String) {
        s.append(UInt8(ascii: "\""))
        s.append(contentsOf: text.utf8)
        s.append(UInt8(ascii: "\""))
    }

    static func writeUnquotedList(_ s: ByteBuffer, _ items: [[UInt8]]) {
        s.append(UInt8(ascii: "["))
        for (k, i) in items.enumerated() {
            if k > 0 { s.append(UInt8(ascii: ",")) }
            writeUnquoted(s, i)
        }
        s.append(UInt8(ascii: "]"))
    }
}

/// The hash modulo of a derivation, per output (CppNix's `DrvHash` of kind `Regular`:
/// swix has no content-addressed or impure derivations, which need experimental
/// features).
struct DrvHashModulo {
    var hashes: [(output: [UInt8], hash: Hash)]
    /// Each hash in lower-case hex, as dependents' `.drv` texts name it: written
    /// once here instead of once per dependent.
    let hex: [[UInt8]]

    init(hashes: [(output: [UInt8], hash: Hash)]) {
        self.hashes = hashes
        // One derivation's outputs share one hash (all but fixed outputs): encoded once.
        var hex: [[UInt8]] = []
        hex.reserveCapacity(hashes.count)
        for (k, h) in hashes.enumerated() {
            hex.append(k > 0 && h.hash.bytes == hashes[k - 1].hash.bytes ? hex[k - 1] : Base16.encodedBytes(h.hash.bytes))
        }
        self.hex = hex
    }

    func hash(for output: [UInt8]) -> Hash? {
        hashes.first { $0.output == output }?.hash
    }

    /// The hex of the hash of `output`.
    func hexHash(for output: [UInt8]) -> [UInt8]? {
        hashes.firstIndex { $0.output == output }.map { hex[$0] }
    }
}

extension StoreDerivation {
    /// The three texts of an input-addressed derivation, written with the work they share
    /// done once. They differ only in the output paths (empty in the first, which the
    /// paths are computed from) and in the input derivations (their hashes modulo in the
    /// first and third, their paths in the `.drv` itself): everything after the inputs,
    /// the environment above all, is escaped once (`maskedTail`), and the unmasked tail
    /// made from it by filling in the output paths where their variables' values stand.
    /// (Writing each text whole was ~7% of derivations_dag.)
    struct InputAddressedTexts {
        private let maskedTail = ByteBuffer(capacity: 4096)
        private var outputValueOffsets: [Int] = []
        private var filledTail: ByteBuffer?

        /// `drv` with its outputs deferred and their environment variables empty.
        init(masked drv: StoreDerivation) {
            drv.writeTail(into: maskedTail, maskOutputs: true, outputValueOffsets: &outputValueOffsets)
        }

        /// The hash modulo of the derivation with its outputs masked (what its output
        /// paths are computed from).
        func maskedHashModulo(_ drv: StoreDerivation, actualInputs: [DerivationInput]) -> DrvHashModulo {
            let hash = textHash(drv, maskOutputs: true, actualInputs, maskedTail)
            return DrvHashModulo(hashes: drv.outputs.map { ($0.name, hash) })
        }

        /// Takes the output paths: `drv` now has them in its outputs and environment.
        mutating func fillOutputs(_ drv: StoreDerivation) {
            let filled = ByteBuffer(capacity: maskedTail.count + 64 * outputValueOffsets.count)
            var from = 0
            var values = drv.env.lazy.filter { e in drv.outputs.contains { $0.name == e.key } }.map { $0.value }.makeIterator()
            for offset in outputValueOffsets {
                filled.append(UnsafeBufferPointer(rebasing: maskedTail.buffer[from..<offset]))
                // A store path needs no escaping (its characters are letters, digits and `+-._?=`).
                if let value = values.next() { value.withUnsafeBufferPointer { filled.append($0) } }
                from = offset
            }
            filled.append(UnsafeBufferPointer(rebasing: maskedTail.buffer[from...]))
            filledTail = filled
        }

        /// The `.drv` file's text (after `fillOutputs`).
        func text(_ drv: StoreDerivation) -> [UInt8] {
            assemble(drv, maskOutputs: false, nil, filledTail!).bytes
        }

        /// The hash modulo with the output paths in (after `fillOutputs`): what dependents
        /// hash this derivation as.
        func hashModulo(_ drv: StoreDerivation, actualInputs: [DerivationInput]) -> DrvHashModulo {
            let hash = textHash(drv, maskOutputs: false, actualInputs, filledTail!)
            return DrvHashModulo(hashes: drv.outputs.map { ($0.name, hash) })
        }

        private func textHash(_ drv: StoreDerivation, maskOutputs: Bool, _ actualInputs: [DerivationInput],
                              _ tail: ByteBuffer) -> Hash {
            let s = assemble(drv, maskOutputs: maskOutputs, actualInputs, tail)
            // (The buffer's storage lives as long as `s`: kept alive until hashed.)
            return withExtendedLifetime(s) { Digest.hash(.sha256, UnsafeRawBufferPointer(s.buffer)) }
        }

        /// A whole text: the head and inputs written, the tail copied.
        private func assemble(_ drv: StoreDerivation, maskOutputs: Bool, _ actualInputs: [DerivationInput]?,
                              _ tail: ByteBuffer) -> ByteBuffer {
            let s = ByteBuffer(capacity: tail.count + 1024)
            drv.writeHead(into: s, maskOutputs: maskOutputs)
            drv.writeInputs(into: s, actualInputs: actualInputs)
            s.append(tail.buffer)
            return s
        }
    }
}

extension StoreDerivation {
    /// `hashDerivationModulo`: for a fixed-output derivation, a hash of its output's
    /// content address and path (so that dependents do not change when only how it is
    /// fetched changes); otherwise the SHA-256 of the ATerm with every input derivation
    /// replaced by its own hash modulo. `inputHash` gives the hash modulo of an input
    /// `.drv`.
    func hashModulo(maskOutputs: Bool,
                    actualInputs: @autoclosure () throws(EvalError) -> [DerivationInput]) throws(EvalError) -> DrvHashModulo {
        if isFixedOutput {
            var hashes: [(output: [UInt8], hash: Hash)] = []
            for o in outputs {
                guard case .fixed(let method, let hash, let path) = o.output else { continue }
                let text = "fixed:out:" + Output.methodAlgo(method, hash) + ":" + hash.base16 + ":" + path
                hashes.append((o.name, Digest.hash(.sha256, string: text)))
            }
            return DrvHashModulo(hashes: hashes)
        }
        let text = ByteBuffer(capacity: 4096)
        write(into: text, maskOutputs: maskOutputs, actualInputs: try actualInputs())
        let hash = withExtendedLifetime(text) { Digest.hash(.sha256, UnsafeRawBufferPointer(text.buffer)) }
        return DrvHashModulo(hashes: outputs.map { ($0.name, hash) })
    }

    /// The input derivations as the hash modulo sees them: each `.drv` path replaced by
    /// the hex of its own hash modulo (`inputHash`), the outputs of inputs with equal
    /// hashes merged, sorted. (Lower-case hex digits sort as the hash bytes do.)
    func actualInputs(_ inputHash: ([UInt8]) throws(EvalError) -> DrvHashModulo) throws(EvalError) -> [DerivationInput] {
        var pairs: [(hex: [UInt8], output: [UInt8])] = []
        pairs.reserveCapacity(inputDrvs.count)
        for input in inputDrvs {
            let res = try inputHash(input.path)
            for output in input.outputs {
                guard let h = res.hexHash(for: output) else {
                    throw EvalError("derivation '\(String(decoding: input.path, as: UTF8.self))' does not have an output named '\(String(decoding: output, as: UTF8.self))'")
                }
                pairs.append((h, output))
            }
        }
        pairs.sort { $0.hex != $1.hex ? bytewiseLess($0.hex, $1.hex) : bytewiseLess($0.output, $1.output) }
        var actual: [DerivationInput] = []
        actual.reserveCapacity(pairs.count)
        for (hex, output) in pairs {
            if let last = actual.last, last.path == hex {
                if last.outputs.last != output { actual[actual.count - 1].outputs.append(output) }
            } else {
                actual.append(DerivationInput(path: hex, outputs: [output]))
            }
        }
        return actual
    }
}
