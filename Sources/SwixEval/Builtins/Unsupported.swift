import SwixSyntax

/// Builtins swix deliberately leaves out: the network fetchers and fetching flakes. They exist
/// (so `builtins ? fetchGit` is true and code that only mentions them still works), and
/// calling one fails at once with an error that says why, instead of hanging on the
/// network or pretending to be a missing attribute.
extension Builtins {
    static func unsupported() -> [PrimOp] {
        func refuse(_ name: String, _ reason: String) -> PrimOp {
            let shown = name.hasPrefix("__") ? String(name.dropFirst(2)) : name
            return PrimOp(name, arity: 1) { (_: Evaluator, _: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                throw EvalError("'\(shown)' is not supported by swix: \(reason)", at: pos)
            }
        }
        let network = "it would fetch from the network; add the source to the store or use a local path instead"
        let flakes = "swix does not implement flakes"
        return [
            refuse("__fetchurl", network),
            refuse("fetchTarball", network),
            refuse("fetchGit", network),
            refuse("fetchMercurial", network),
            refuse("fetchTree", network),
            refuse("__fetchClosure", network),
            refuse("__getFlake", flakes),
        ]
    }
}
