#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
    /// Byte-wise order of the UTF-8 encodings, the order of `std::string` (store paths,
    /// names in a `.drv`). `utf8.lexicographicallyPrecedes` gives the same answer
    /// element by element through the generic collection path, several times slower;
    /// `<` orders by Unicode canonical equivalence, which may differ.
    @inlinable
    public func utf8Precedes(_ other: String) -> Bool {
        var a = self, b = other
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                let n = Swift.min(pa.count, pb.count)
                let c = n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n)
                return c != 0 ? c < 0 : pa.count < pb.count
            }
        }
    }
}
