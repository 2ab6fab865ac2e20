import CSwixSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable byte buffer for printers: appends are a bounds check and a `memcpy`,
/// without the generic machinery of `Array.append(contentsOf:)` (which dominated
/// the profile of `--parse` printing).
///
/// The appends are `@inlinable` (with the storage they touch `@usableFromInline`):
/// the JSON lexer and printer in another module append byte by byte.
public final class ByteBuffer {
    @usableFromInline var storage: UnsafeMutablePointer<UInt8>
    @usableFromInline var used = 0
    @usableFromInline var capacity: Int

    @inlinable public var base: UnsafeMutablePointer<UInt8> { storage }
    @inlinable public var count: Int { used }

    public init(capacity: Int = 4096) {
        self.capacity = Swift.max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
        if self.capacity >= 4 << 20 { swix_advise_huge_pages(storage, UInt(self.capacity)) }
    }

    deinit { storage.deallocate() }

    @inlinable @inline(__always)
    func reserve(_ extra: Int) {
        if used + extra > capacity { grow(used + extra) }
    }

    @usableFromInline
    func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        if newCapacity >= 4 << 20 { swix_advise_huge_pages(newBase, UInt(newCapacity)) }
        newBase.update(from: storage, count: used)
        storage.deallocate()
        storage = newBase
        capacity = newCapacity
    }

    @inlinable @inline(__always)
    public func append(_ byte: UInt8) {
        reserve(1)
        storage[used] = byte
        used += 1
    }

    @inlinable @inline(__always)
    public func append(_ p: UnsafeBufferPointer<UInt8>) {
        guard let src = p.baseAddress, p.count > 0 else { return }
        reserve(p.count)
        (storage + used).update(from: src, count: p.count)
        used += p.count
    }

    @inlinable @inline(__always)
    public func append(contentsOf p: UnsafeBufferPointer<UInt8>) { append(p) }

    @inlinable @inline(__always)
    public func append(_ s: StaticString) {
        append(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    public func append<C: Collection>(contentsOf bytes: C) where C.Element == UInt8 {
        if let done = bytes.withContiguousStorageIfAvailable({ append($0) }) { return done }
        for b in bytes { append(b) }
    }

    /// Empties the buffer, keeping its storage.
    @inlinable @inline(__always)
    public func removeAll() { used = 0 }

    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    @inlinable public var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: used) }
}
