#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise order (`memcmp`, then the shorter first): the order of `std::string`.
@inlinable
public func bytewiseLess(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = Swift.min(a.count, b.count)
    let c = n == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, n)
    return c != 0 ? c < 0 : a.count < b.count
}

extension String {
    /// Byte-wise order of the UTF-8 encodings, the order of `std::string` (store paths,
    /// names in a `.drv`). `utf8.lexicographicallyPrecedes` gives the same answer
    /// element by element through the generic collection path, several times slower;
    /// `<` orders by Unicode canonical equivalence, which may differ.
    @inlinable
    public func utf8Precedes(_ other: String) -> Bool {
        var a = self, b = other
        return a.withUTF8 { pa in b.withUTF8 { pb in bytewiseLess(pa, pb) } }
    }
}
