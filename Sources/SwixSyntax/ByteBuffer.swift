import CSwixSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable byte buffer for printers: appends are a bounds check and a `memcpy`,
/// without the generic machinery of `Array.append(contentsOf:)` (which dominated
/// the profile of `--parse` printing).
public final class ByteBuffer {
    public private(set) var base: UnsafeMutablePointer<UInt8>
    public private(set) var count = 0
    private var capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        if self.capacity >= 4 << 20 { swix_advise_huge_pages(base, UInt(self.capacity)) }
    }

    deinit { base.deallocate() }

    @inline(__always)
    private func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        if newCapacity >= 4 << 20 { swix_advise_huge_pages(newBase, UInt(newCapacity)) }
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    public func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    public func append(_ p: UnsafeBufferPointer<UInt8>) {
        guard let src = p.baseAddress, p.count > 0 else { return }
        reserve(p.count)
        memcpy(base + count, src, p.count)
        count += p.count
    }

    @inline(__always)
    public func append(contentsOf p: UnsafeBufferPointer<UInt8>) { append(p) }

    @inline(__always)
    public func append(_ s: StaticString) {
        append(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    public func append<C: Collection>(contentsOf bytes: C) where C.Element == UInt8 {
        if let done = bytes.withContiguousStorageIfAvailable({ append($0) }) { return done }
        for b in bytes { append(b) }
    }

    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    public var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}
