import Testing
@testable import SwixEval
import SwixSyntax

/// Lookups in large sets (`Attrs.searchLarge`: interpolation steps, then binary
/// search) must find every name and no other, however the ids are spread.
@Suite("Large set search")
struct LargeSetSearchTests {
    private struct Lcg {
        var state: UInt64
        mutating func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % bound
        }
    }

    /// Checks, in a set of the ids in `present`, every id in it and every id next to
    /// one (present or not), and the ends of the id range.
    private func check(_ present: [UInt32]) {
        let ids = Array(Set(present)).sorted()
        let set = Attrs.sorted(ids.map { Attr(name: Symbol(id: $0), value: .int(Int64($0) * 3), pos: .none) })
        let members = Set(ids)
        var probes: Set<UInt32> = [0, UInt32.max]
        for id in ids {
            probes.insert(id)
            if id > 0 { probes.insert(id - 1) }
            if id < UInt32.max { probes.insert(id + 1) }
        }
        for probe in probes {
            let found = set.get(Symbol(id: probe))
            if members.contains(probe) {
                guard case .int(let v)? = found else {
                    Issue.record("id \(probe) not found among \(ids.count)")
                    return
                }
                #expect(v == Int64(probe) * 3)
            } else {
                #expect(found == nil, "id \(probe) found but absent")
            }
        }
    }

    @Test func evenlySpreadIds() {
        check((0..<5000).map { UInt32($0 * 10 + 7) })
        check((0..<64).map { UInt32($0) })
    }

    @Test func clusteredAndSkewedIds() {
        // A dense run, a few far outliers, and gaps growing geometrically: guesses
        // land far from the name, and the binary search finishes the job.
        var ids = (0..<3000).map { UInt32($0) }
        ids += [100_000, 100_001, 2_000_000, 4_000_000_000]
        check(ids)
        check((0..<40).map { UInt32(1) << UInt32($0 % 32) &+ UInt32($0) })
        check((0..<200).map { UInt32($0 * $0 * $0) })
    }

    @Test func randomIds() {
        var rng = Lcg(state: 7)
        for round in 0..<20 {
            let count = 64 + Int(rng.next(2000))
            let range = UInt64(count) * (1 + rng.next(round % 2 == 0 ? 4 : 400))
            check((0..<count).map { _ in UInt32(rng.next(range)) })
        }
    }
}
