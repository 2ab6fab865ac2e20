import SwixStore

/// What an evaluation has "written to the store": swix has no store yet, so the
/// store objects an evaluation creates — `.drv` files, `builtins.toFile` texts, copied
/// sources — are remembered here, per evaluator, with their references. This is what
/// CppNix reads back from its store: a `.drv`'s text for `builtins.readFile`, the
/// closure of a `.drv` whose path is used as a string (context `=`), the hash modulo
/// of input derivations.
///
/// The store directory is the logical `/nix/store`; nothing is written to disk.
final class EvalStore {
    let storeDir = StoreDirectory.default

    /// What is kept of a derivation written: not the whole `StoreDerivation`, whose
    /// environment (the largest part, many small arrays) nothing reads again.
    /// (Its references are in `references`, with every other store object's.)
    struct DerivationRecord {
        let outputNames: [[UInt8]]
        let text: [UInt8]
        /// The hash modulo with output paths filled in (what inputs are hashed with).
        let hashModulo: DrvHashModulo
        /// The `.drv` file's references (sorted): its sources and input derivations.
        let references: [[UInt8]]
    }

    /// `.drv` path → what was written. (Keyed by bytes, hashed as `ByteKey` hashes:
    /// every derivation looks up each of its inputs, and `String`'s SipHash over a
    /// store path cost ~800 instructions a lookup.)
    private var derivations: [ByteKey: DerivationRecord] = [:]

    func derivation(_ path: [UInt8]) -> DerivationRecord? { derivations[ByteKey(path)] }
    func derivation(_ path: String) -> DerivationRecord? { derivation(Array(path.utf8)) }
    /// Text objects (`builtins.toFile`): path → contents.
    private(set) var texts: [String: [UInt8]] = [:]
    /// Every store path written but derivations, with its references (sorted).
    /// (A derivation's are in its record: inserting a `String` key here cost
    /// ~1,800 instructions per derivation.)
    private var otherReferences: [String: [String]] = [:]
    /// Source path copied to the store → its store path (CppNix's `srcToStore`).
    var sourceCache: [[UInt8]: String] = [:]

    func addDerivation(path: String, _ derivation: StoreDerivation, text: [UInt8], references refs: [[UInt8]],
                       hashModulo: DrvHashModulo) {
        derivations[ByteKey(Array(path.utf8))] = DerivationRecord(outputNames: derivation.outputNames, text: text,
                                                                  hashModulo: hashModulo, references: refs)
    }

    func addText(path: String, contents: [UInt8], references refs: [String]) {
        texts[path] = contents
        otherReferences[path] = refs
    }

    func addSource(path: String, references refs: [String] = []) {
        if otherReferences[path] == nil && derivation(path) == nil { otherReferences[path] = refs }
    }

    func isValid(_ path: String) -> Bool { storedReferences(of: path) != nil }

    /// The references of a store object this store wrote (none for other paths).
    func references(of path: String) -> [String] { storedReferences(of: path) ?? [] }

    /// The references of a store object this store wrote; nil for other paths.
    private func storedReferences(of path: String) -> [String]? {
        otherReferences[path] ?? derivation(path)?.references.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The contents of a store object written as one file (a `.drv` or a text).
    func fileContents(_ path: String) -> [UInt8]? {
        if let d = derivation(path) { return d.text }
        return texts[path]
    }

    /// `computeFSClosure`: `path` and everything it refers to, transitively, sorted.
    /// Paths this store did not write are taken to have no references.
    func closure(of path: String) -> [String] {
        var seen: Set<String> = [path]
        var stack = [path]
        while let p = stack.popLast() {
            for r in references(of: p) where seen.insert(r).inserted {
                stack.append(r)
            }
        }
        return seen.sorted { $0.utf8Precedes($1) }
    }

    // MARK: Per-evaluator instances

    /// The store of `ev`, made on first use. (Kept by the evaluator: a table of
    /// stores by evaluator, behind a lock, cost ~500 instructions per derivation.)
    static func of(_ ev: Evaluator) -> EvalStore {
        if let store = ev.evalStore { return store }
        let store = EvalStore()
        ev.evalStore = store
        return store
    }

    /// The store of `ev`, if it has written anything.
    static func existing(_ ev: Evaluator) -> EvalStore? { ev.evalStore }

    static func release(_ ev: Evaluator) { ev.evalStore = nil }
}

extension Evaluator {
    /// The text of a store derivation (`….drv`) or a `builtins.toFile` file this
    /// evaluation wrote, by its absolute store path; nil for anything else. Swix keeps
    /// these in memory instead of a store, so `builtins.readFile` consults this first.
    public func derivationText(forPath path: String) -> String? {
        storeFileContents(forPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Like `derivationText(forPath:)`, as bytes (a `toFile` text need not be UTF-8).
    public func storeFileContents(forPath path: String) -> [UInt8]? {
        EvalStore.existing(self)?.fileContents(path)
    }

    /// Forgets the store objects this evaluator wrote (call when discarding an
    /// evaluator in a long-running process; a one-shot run need not bother).
    public func releaseStoreObjects() {
        EvalStore.release(self)
    }
}
