/// A destination for a stream of bytes, such as a NAR being serialised.
///
/// Store computations produce byte streams that are usually consumed at once: a NAR is
/// hashed as it is produced (so that a large file is never held in memory whole), and only
/// occasionally kept (`nix-store --dump`, tests). Writers therefore talk to a sink rather
/// than build an array. `write` may throw so that a sink backed by a file descriptor can
/// report its failures; the in-memory sinks here never throw.
public protocol ByteSink: AnyObject {
    /// Consumes `bytes`. The buffer is only valid for the duration of the call.
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    /// Consumes the bytes of any collection, copying only when it has no contiguous storage.
    public func write<C: Collection<UInt8>>(contentsOf bytes: C) throws {
        let done: Void? = try bytes.withContiguousStorageIfAvailable { buffer in
            try write(UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            try Array(bytes).withUnsafeBytes { try write($0) }
        }
    }
}

/// A sink that keeps everything written to it, for when the bytes themselves are wanted.
public final class ByteArraySink: ByteSink {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) {
        self.bytes.append(contentsOf: bytes)
    }
}
