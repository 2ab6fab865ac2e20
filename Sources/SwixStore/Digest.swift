import COpenSSL

// Message digests come from the system's libcrypto: data in memory through the
// low-level one-shot functions (`swix_digest_oneshot`: no context to allocate per
// call), streams (`HashSink`: files, NAR serialisations) through the EVP interface,
// the one entry point OpenSSL keeps stable across 1.1 and 3.x for every algorithm
// Nix needs.

extension HashAlgorithm {
    /// The index `swix_digest` and `swix_digest_oneshot` know this algorithm by.
    var openSSLIndex: Int32 {
        switch self {
        case .md5: return 0
        case .sha1: return 1
        case .sha256: return 2
        case .sha512: return 3
        }
    }

    /// OpenSSL's descriptor for this algorithm, fetched once (`swix_digest`).
    var evpDescriptor: OpaquePointer {
        guard let md = swix_digest(openSSLIndex) else { preconditionFailure("OpenSSL has no \(self) digest") }
        return md
    }
}

/// One-shot digests of data held in memory (Nix's `hashString`).
public enum Digest {
    /// The `algorithm` digest of the bytes in `buffer`.
    public static func hash(_ algorithm: HashAlgorithm, _ buffer: UnsafeRawBufferPointer) -> Hash {
        let out = [UInt8].written(count: algorithm.size) { out in
            let ok = swix_digest_oneshot(algorithm.openSSLIndex, buffer.baseAddress, buffer.count, out)
            precondition(ok == 1, "OpenSSL digest failed")
        }
        return Hash(algorithm: algorithm, bytes: out)
    }

    /// The `algorithm` digest of `bytes` (the concrete case of the generic
    /// `hash(_:_:)` below, which other modules call unspecialised).
    public static func hash(_ algorithm: HashAlgorithm, _ bytes: [UInt8]) -> Hash {
        bytes.withUnsafeBytes { hash(algorithm, $0) }
    }

    /// The `algorithm` digest of a collection of bytes (an array, a string's UTF-8 view, …).
    public static func hash<C: Collection<UInt8>>(_ algorithm: HashAlgorithm, _ bytes: C) -> Hash {
        if let hash = bytes.withContiguousStorageIfAvailable({ hash(algorithm, UnsafeRawBufferPointer($0)) }) {
            return hash
        }
        return Array(bytes).withUnsafeBytes { hash(algorithm, $0) }
    }

    /// The `algorithm` digest of the UTF-8 encoding of `string`.
    public static func hash(_ algorithm: HashAlgorithm, string: String) -> Hash {
        var string = string
        return string.withUTF8 { hash(algorithm, UnsafeRawBufferPointer($0)) }
    }

    /// The `algorithm` digest of a file's contents, read in chunks so that large files are
    /// never held in memory (Nix's `hashFile`, used by `builtins.hashFile` and flat
    /// fixed-output ingestion).
    public static func hashFile(_ algorithm: HashAlgorithm, path: String) throws(SystemError) -> Hash {
        let sink = HashSink(algorithm)
        try FileSystem.readFile(path) { sink.write($0) }
        return sink.finish()
    }
}

/// An incremental digest: bytes are fed in as they are produced and the hash is taken at
/// the end. This is what NAR serialisation streams into, mirroring Nix's `HashSink`.
public final class HashSink: ByteSink {
    public let algorithm: HashAlgorithm
    /// The number of bytes consumed so far (Nix reports it alongside a NAR hash as the
    /// NAR size).
    public private(set) var byteCount: UInt64 = 0
    private let context: OpaquePointer
    private var finished = false

    public init(_ algorithm: HashAlgorithm) {
        self.algorithm = algorithm
        guard let context = EVP_MD_CTX_new(),
              EVP_DigestInit_ex(context, algorithm.evpDescriptor, nil) == 1
        else { preconditionFailure("OpenSSL digest initialisation failed") }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "HashSink used after finish()")
        guard !bytes.isEmpty else { return }
        byteCount += UInt64(bytes.count)
        let ok = EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
        precondition(ok == 1, "OpenSSL digest update failed")
    }

    /// Feeds the bytes of any collection.
    public func write<C: Collection<UInt8>>(_ bytes: C) {
        if bytes.withContiguousStorageIfAvailable({ write(UnsafeRawBufferPointer($0)) }) == nil {
            Array(bytes).withUnsafeBytes { write($0) }
        }
    }

    /// The digest of everything written. The sink cannot be written to afterwards.
    public func finish() -> Hash {
        precondition(!finished, "HashSink.finish() called twice")
        finished = true
        return final(of: context)
    }

    /// The digest of everything written so far, leaving the sink usable.
    public func currentHash() -> Hash {
        precondition(!finished, "HashSink used after finish()")
        guard let copy = EVP_MD_CTX_new() else { preconditionFailure("OpenSSL allocation failed") }
        defer { EVP_MD_CTX_free(copy) }
        precondition(EVP_MD_CTX_copy_ex(copy, context) == 1, "OpenSSL digest copy failed")
        return final(of: copy)
    }

    private func final(of context: OpaquePointer) -> Hash {
        let out = [UInt8].written(count: algorithm.size) { out in
            var length: UInt32 = 0
            let ok = EVP_DigestFinal_ex(context, out, &length)
            precondition(ok == 1 && Int(length) == algorithm.size, "OpenSSL digest finalisation failed")
        }
        return Hash(algorithm: algorithm, bytes: out)
    }
}
