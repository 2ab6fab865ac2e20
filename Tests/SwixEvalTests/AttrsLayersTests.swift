import Testing
@testable import SwixEval
import SwixSyntax

/// Layered `//` (`Attrs.updated(with:)`): every sequence of updates must give the
/// set a plain merge gives, whichever layers it keeps.
@Suite("Attribute set layers")
struct AttrsLayersTests {
    private func attr(_ name: UInt32, _ value: Int64) -> Attr {
        Attr(name: Symbol(id: name), value: .int(value), pos: .none)
    }

    private func contents(_ a: Attrs) -> [String] {
        a.attrs.map { attr in
            guard case .int(let v) = attr.value else { return "?" }
            return "\(attr.name.id)=\(v)"
        }
    }

    /// A deterministic pseudo-random sequence (no global RNG in tests).
    private struct Lcg {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test func randomUpdatesMatchAFlatMerge() {
        var rng = Lcg(state: 42)
        for round in 0..<40 {
            var layered = Attrs.empty
            var reference: [UInt32: Int64] = [:]
            for step in 0..<(20 + round * 5) {
                // Small updates mostly, now and then a big one, names overlapping.
                let size = rng.next(10) == 0 ? 1 + rng.next(60) : 1 + rng.next(3)
                var update: [Attr] = []
                for _ in 0..<size {
                    update.append(attr(UInt32(rng.next(200)), Int64(step * 1000 + rng.next(1000))))
                }
                let set = Attrs.unsorted(update)
                layered = layered.updated(with: set)
                for a in set.attrs { if case .int(let v) = a.value { reference[a.name.id] = v } }
                // Lookups work on the layers without flattening them.
                let probe = UInt32(rng.next(200))
                let expected = reference[probe]
                if case .int(let got)? = layered.get(Symbol(id: probe)) {
                    #expect(got == expected)
                } else {
                    #expect(expected == nil)
                }
            }
            let expected = reference.keys.sorted().map { "\($0)=\(reference[$0]!)" }
            #expect(contents(layered) == expected)
            #expect(layered.count == reference.count)
        }
    }

    @Test func updatesOfAnUnchangedBaseDoNotAffectIt() {
        let base = Attrs.sorted([attr(1, 1), attr(2, 2)])
        let a = base.updated(with: Attrs.sorted([attr(2, 20)]))
        let b = base.updated(with: Attrs.sorted([attr(3, 30)]))
        #expect(contents(base) == ["1=1", "2=2"])
        #expect(contents(a) == ["1=1", "2=20"])
        #expect(contents(b) == ["1=1", "2=2", "3=30"])
    }

    @Test func languageLevel() {
        let program = """
            let
              grown = builtins.foldl' (acc: i: acc // { "k${toString i}" = i; } // (if i == 5 then { k1 = 100; } else { }))
                { } (builtins.genList (i: i) 50);
            in [ (builtins.length (builtins.attrNames grown)) grown.k1 grown.k49 (grown ? k50) (grown.k7 or 0)
                 (builtins.attrValues ({ a = 1; } // { b = 2; } // { a = 3; })) ]
            """
        let out = runWithLargeStack { (try? TestProgram(program).strictOutput()) ?? "error" }
        #expect(out == "[ 50 100 49 false 7 [ 3 2 ] ]") // nix-instantiate 2.8
    }
}
