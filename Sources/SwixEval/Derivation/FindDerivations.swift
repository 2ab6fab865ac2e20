import SwixSyntax
import SwixStore

/// One derivation `nix-instantiate` found: its store derivation and the output the
/// value selects (`out` unless it is `drv.dev` and the like).
public struct FoundDerivation {
    public let drvPath: String
    public let outputName: String
}

extension Evaluator {
    /// The derivations a value stands for, as `nix-instantiate` (and `nix-env`) finds
    /// them (CppNix's `getDerivations`): a derivation; in a set, the attributes that
    /// are derivations, and sets marked `recurseForDerivations = true` searched in
    /// turn; in a list, every element. Functions are called with `autoArgs`. The same
    /// derivation set reached twice counts once.
    public func findDerivations(_ v: Value, autoArgs: Attrs) throws(EvalError) -> [FoundDerivation] {
        var search = DerivationSearch(ev: self, autoArgs: autoArgs)
        try search.search(v, depth: 0)
        var found: [FoundDerivation] = []
        for drv in search.found { found.append(try instantiated(drv)) }
        return found
    }

    /// The store derivation of a derivation value (`drvPath`, which must name a `.drv`
    /// directly in the store) and its `outputName`.
    private func instantiated(_ drv: Attrs) throws(EvalError) -> FoundDerivation {
        let context = "while evaluating the 'drvPath' attribute of a derivation"
        guard let attr = drv.attr(symbols.intern("drvPath")) else {
            throw EvalError("derivation does not contain a 'drvPath' attribute")
        }
        let (bytes, _) = try coerceToString(attr.value, attr.pos, context, interpolation: true, copyToStore: true)
        let text = String(decoding: bytes, as: UTF8.self)
        guard let storePath = try? EvalStore.of(self).storeDir.parseStorePath(text) else {
            throw EvalError("path '\(text)' is not in the Nix store", at: attr.pos).addTrace(context, at: attr.pos)
        }
        guard storePath.isDerivation else {
            throw EvalError("store path '\(storePath.baseName)' is not a valid derivation path").addTrace(context, at: attr.pos)
        }
        var outputName = ""
        if let output = drv.attr(symbols.intern("outputName")) {
            outputName = String(decoding: try forceStringWithoutContext(output.value, output.pos,
                                                                        "while evaluating the output name of a derivation"),
                                as: UTF8.self)
        }
        if outputName.isEmpty { throw EvalError("derivation '\(text)' lacks an 'outputName' attribute") }
        return FoundDerivation(drvPath: text, outputName: outputName)
    }
}

/// The walk of `findDerivations`.
private struct DerivationSearch {
    let ev: Evaluator
    let autoArgs: Attrs
    /// Derivation sets already taken.
    var done = Set<ObjectIdentifier>()
    var found: [Attrs] = []

    /// Forces `v` and takes it if it is a derivation (CppNix's `getDerivation`);
    /// whether it is something else, which the caller may search.
    mutating func take(_ v: Value) throws(EvalError) -> Bool {
        guard case .attrs(let a) = try ev.force(v, .none), ev.isDerivation(a) else { return true }
        if done.insert(ObjectIdentifier(a)).inserted { found.append(a) }
        return false
    }

    mutating func search(_ vIn: Value, depth: Int) throws(EvalError) {
        if depth > ev.maxNestingDepth { throw EvalError("stack overflow; max-call-depth exceeded", kind: .stackOverflow) }
        let v = try ev.autoCall(try ev.force(vIn, .none), autoArgs)
        guard try take(v) else { return }
        switch v {
        case .attrs(let a):
            // Nix's hook for combining channels: every attribute is searched.
            let combineChannels = a.get(ev.symbols.intern("_combineChannels")) != nil
            let recurse = ev.symbols.intern("recurseForDerivations")
            // In name order, as Nix does (it keeps the first of clashing names).
            let sorted = a.sortedByName(ev.symbols)
            for attr in sorted {
                let name = ev.symbols.string(attr.name)
                guard DerivationSearch.isAttrPathComponent(name) else { continue }
                do {
                    if combineChannels {
                        try search(attr.value, depth: depth + 1)
                    } else if try take(attr.value),
                              case .attrs(let inner) = try ev.force(attr.value, .none),
                              let flag = inner.attr(recurse),
                              try ev.forceBool(flag.value, flag.pos, "while evaluating the attribute `recurseForDerivations`") {
                        try search(attr.value, depth: depth + 1)
                    }
                } catch {
                    throw error.addTrace("while evaluating the attribute '\(name)'", at: attr.pos)
                }
            }
        case .list(let l):
            for e in l.elements where try take(e) {
                try search(e, depth: depth + 1)
            }
        default:
            throw EvalError("expression does not evaluate to a derivation (or a set or list of those)", kind: .typeError)
        }
    }

    /// Names Nix considers (`[A-Za-z_][A-Za-z0-9_+-]*`); others are skipped.
    static func isAttrPathComponent(_ name: String) -> Bool {
        guard let first = name.utf8.first, URLEncoding.isAlpha(first) || first == UInt8(ascii: "_") else { return false }
        return name.utf8.allSatisfy { URLEncoding.isAlpha($0) || URLEncoding.isDigit($0) || "-_+".utf8.contains($0) }
    }
}
