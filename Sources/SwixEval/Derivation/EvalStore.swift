import SwixStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
    }

    /// `.drv` path → what was written. (Keyed by bytes, hashed as `ByteKey` hashes:
    /// every derivation looks up each of its inputs, and `String`'s SipHash over a
    /// store path cost ~800 instructions a lookup.)
    private var derivations: [ByteKey: DerivationRecord] = [:]

    func derivation(_ path: [UInt8]) -> DerivationRecord? { derivations[ByteKey(path)] }
    func derivation(_ path: String) -> DerivationRecord? { derivation(Array(path.utf8)) }
    /// Text objects (`builtins.toFile`): path → contents.
    private(set) var texts: [String: [UInt8]] = [:]
    /// Every store path written, with its references (sorted).
    private(set) var references: [String: [String]] = [:]
    /// Source path copied to the store → its store path (CppNix's `srcToStore`).
    var sourceCache: [[UInt8]: String] = [:]

    func addDerivation(path: String, _ derivation: StoreDerivation, text: [UInt8], references refs: [String],
                       hashModulo: DrvHashModulo) {
        derivations[ByteKey(Array(path.utf8))] = DerivationRecord(outputNames: derivation.outputNames, text: text, hashModulo: hashModulo)
        references[path] = refs
    }

    func addText(path: String, contents: [UInt8], references refs: [String]) {
        texts[path] = contents
        references[path] = refs
    }

    func addSource(path: String, references refs: [String] = []) {
        if references[path] == nil { references[path] = refs }
    }

    func isValid(_ path: String) -> Bool { references[path] != nil }

    /// The references of a store object this store wrote (none for other paths).
    func references(of path: String) -> [String] { references[path] ?? [] }

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
            for r in references[p] ?? [] where seen.insert(r).inserted {
                stack.append(r)
            }
        }
        return seen.sorted { $0.utf8Precedes($1) }
    }

    // MARK: Per-evaluator instances

    /// Stores by evaluator. An entry holds its evaluator weakly, so a new evaluator
    /// allocated where a dead one lived gets a fresh store.
    private final class Entry {
        weak var owner: Evaluator?
        let store: EvalStore
        init(owner: Evaluator, store: EvalStore) {
            self.owner = owner
            self.store = store
        }
    }

    nonisolated(unsafe) private static var table: [ObjectIdentifier: Entry] = [:]
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        m.initialize(to: pthread_mutex_t())
        pthread_mutex_init(m, nil)
        return m
    }()

    static func of(_ ev: Evaluator) -> EvalStore {
        let id = ObjectIdentifier(ev)
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let e = table[id], e.owner === ev { return e.store }
        let store = EvalStore()
        table[id] = Entry(owner: ev, store: store)
        return store
    }

    /// The store of `ev`, if it has written anything.
    static func existing(_ ev: Evaluator) -> EvalStore? {
        let id = ObjectIdentifier(ev)
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let e = table[id], e.owner === ev { return e.store }
        return nil
    }

    static func release(_ ev: Evaluator) {
        let id = ObjectIdentifier(ev)
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let e = table[id], e.owner === ev { table[id] = nil }
    }
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
