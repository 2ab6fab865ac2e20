#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Nix Archive (NAR) serialisation, the canonical byte form of a file system tree whose
/// SHA-256 is the "NAR hash" behind `builtins.path`, `filterSource`, recursive
/// fixed-output derivations and `nix-hash`.
///
/// The format is a sequence of strings, each written as its length (u64, little endian)
/// followed by its bytes and zero padding to a multiple of 8. A tree is
///
///     "nix-archive-1" node
///     node      = "(" "type" body ")"
///     body      = "regular" ["executable" ""] "contents" <file bytes as one string>
///               | "symlink" "target" <target>
///               | "directory" { "entry" "(" "name" <name> "node" node ")" }
///
/// Only what NARs deliberately capture is recorded: the owner-execute bit of regular
/// files, symlink targets, and directory entries sorted bytewise by name (so the archive
/// does not depend on the order `readdir` happens to return). Timestamps, ownership and
/// other permission bits are left out, which is what makes the hash reproducible.
public enum NAR {
    /// The magic string every NAR starts with.
    public static let versionMagic = "nix-archive-1"

    /// Decides, for each path below the root, whether it goes into the archive (the
    /// `filter` of `builtins.path`/`filterSource`). It receives the path as the root path
    /// joined with the entry names by `/`; an excluded directory is skipped whole. The root
    /// itself is always included. Errors it throws abort the dump.
    public typealias PathFilter = (String) throws -> Bool

    /// Writes the NAR of the file system object at `path` (not following a symlink there)
    /// to `sink`, streaming file contents in chunks.
    public static func dump(path: String, to sink: some ByteSink, filter: PathFilter? = nil) throws {
        let writer = NARWriter(sink: sink)
        defer { writer.release() }
        try writer.token(.magic)
        try writer.dumpNode(Array(path.utf8), filter: filter)
        try writer.flush()
    }

    /// Writes the NAR of a single regular file with the given contents, without touching
    /// the file system (Nix's `dumpString`, extended with the executable bit).
    public static func dump<C: Collection<UInt8>>(
        contents: C, executable: Bool = false, to sink: some ByteSink
    ) throws {
        let writer = NARWriter(sink: sink)
        defer { writer.release() }
        try writer.token(.magic)
        try writer.token(.open)
        try writer.token(.type)
        try writer.token(.regular)
        if executable {
            try writer.token(.executable)
            try writer.token(.empty)
        }
        try writer.token(.contents)
        try writer.string(contents)
        try writer.token(.close)
        try writer.flush()
    }

    /// The `algorithm` digest of the NAR of `path`, and the NAR's size in bytes (Nix's
    /// `hashPath`).
    public static func hashPath(
        _ path: String, algorithm: HashAlgorithm = .sha256, filter: PathFilter? = nil
    ) throws -> (hash: Hash, size: UInt64) {
        let sink = HashSink(algorithm)
        try dump(path: path, to: sink, filter: filter)
        let size = sink.byteCount
        return (sink.finish(), size)
    }

    /// The SHA-256 NAR hash of `path`, as `nix-hash --type sha256 <path>` computes it.
    public static func narHash(path: String, filter: PathFilter? = nil) throws -> Hash {
        try hashPath(path, filter: filter).hash
    }

    /// The SHA-256 NAR hash of one regular file holding `contents`.
    public static func narHash<C: Collection<UInt8>>(contents: C, executable: Bool = false) -> Hash {
        let sink = HashSink(.sha256)
        // Neither a HashSink nor the in-memory writer can fail.
        try! dump(contents: contents, executable: executable, to: sink)
        return sink.finish()
    }

    /// The NAR of `path` as bytes (what `nix-store --dump` prints). Meant for small trees
    /// and tests; hashing should stream through `hashPath` instead.
    public static func bytes(path: String, filter: PathFilter? = nil) throws -> [UInt8] {
        let sink = ByteArraySink()
        try dump(path: path, to: sink, filter: filter)
        return sink.bytes
    }
}

/// Length prefixes and padding: every string in a NAR is its length as a little-endian
/// u64, its bytes, then zeros up to the next multiple of 8.
enum NARFrame {
    static func lengthPrefix(_ count: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt64(count).littleEndian) { Array($0) }
    }

    static func paddingCount(_ count: Int) -> Int {
        (8 - count % 8) % 8
    }

    /// The complete frame of `bytes`.
    static func frame(_ bytes: [UInt8]) -> [UInt8] {
        lengthPrefix(bytes.count) + bytes + [UInt8](repeating: 0, count: paddingCount(bytes.count))
    }
}

/// The fixed strings of the format, pre-framed so that each costs one append.
enum NARToken: Int, CaseIterable {
    case magic, open, close, type, regular, executable, empty, contents
    case directory, entry, name, node, symlink, target

    var text: String {
        switch self {
        case .magic: return NAR.versionMagic
        case .open: return "("
        case .close: return ")"
        case .type: return "type"
        case .regular: return "regular"
        case .executable: return "executable"
        case .empty: return ""
        case .contents: return "contents"
        case .directory: return "directory"
        case .entry: return "entry"
        case .name: return "name"
        case .node: return "node"
        case .symlink: return "symlink"
        case .target: return "target"
        }
    }

    /// Frames indexed by `rawValue`.
    static let frames: [[UInt8]] = allCases.map { NARFrame.frame(Array($0.text.utf8)) }
}

/// Buffers the many small framing writes of a NAR and hands the sink large blocks; file
/// contents bigger than the buffer bypass it and go to the sink straight from the read
/// buffer, so each byte of a large file is copied once.
final class NARWriter<Sink: ByteSink> {
    private let sink: Sink
    private var buffer: [UInt8] = []
    private let capacity = FileSystem.chunkSize
    private let readBuffer: UnsafeMutableRawBufferPointer

    init(sink: Sink) {
        self.sink = sink
        buffer.reserveCapacity(capacity)
        readBuffer = .allocate(byteCount: FileSystem.chunkSize, alignment: 8)
    }

    /// Frees the read buffer; the writer must not be used afterwards.
    func release() {
        readBuffer.deallocate()
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try sink.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    func token(_ token: NARToken) throws {
        try append(NARToken.frames[token.rawValue])
    }

    private func append<C: Collection<UInt8>>(_ bytes: C) throws {
        if buffer.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try sink.write(contentsOf: bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private func raw(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try sink.write(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private func padding(_ count: Int) throws {
        let pad = NARFrame.paddingCount(count)
        if pad > 0 { try append(repeatElement(0 as UInt8, count: pad)) }
    }

    /// Writes `bytes` as one length-prefixed, padded string.
    func string<C: Collection<UInt8>>(_ bytes: C) throws {
        try append(NARFrame.lengthPrefix(bytes.count))
        try append(bytes)
        try padding(bytes.count)
    }

    /// Serialises the object at `path`, recursing into directories.
    func dumpNode(_ path: [UInt8], filter: NAR.PathFilter?) throws {
        let status = try FileSystem.linkStatus(path)
        try token(.open)
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            try token(.type)
            try token(.regular)
            if status.st_mode & S_IXUSR != 0 {
                try token(.executable)
                try token(.empty)
            }
            try token(.contents)
            try contents(of: path, size: Int(status.st_size))
        case S_IFDIR:
            try token(.type)
            try token(.directory)
            let names = try FileSystem.readDirectory(path).sorted { $0.lexicographicallyPrecedes($1) }
            for name in names {
                var child = path
                child.append(UInt8(ascii: "/"))
                child.append(contentsOf: name)
                if let filter, try !filter(FileSystem.display(child)) { continue }
                try token(.entry)
                try token(.open)
                try token(.name)
                try string(name)
                try token(.node)
                try dumpNode(child, filter: filter)
                try token(.close)
            }
        case S_IFLNK:
            try token(.type)
            try token(.symlink)
            try token(.target)
            try string(FileSystem.readLink(path, sizeHint: Int(status.st_size)))
        default:
            throw SystemError("file '\(FileSystem.display(path))' has an unsupported type")
        }
        try token(.close)
    }

    /// Streams the `size` bytes `lstat` reported for the file at `path`. A file that
    /// shrinks meanwhile is an error, as in Nix; bytes beyond `size` are ignored.
    private func contents(of path: [UInt8], size: Int) throws {
        try append(NARFrame.lengthPrefix(size))
        let fd = try FileSystem.openForReading(path)
        defer { close(fd) }
        var left = size
        while left > 0 {
            let want = min(left, readBuffer.count)
            var got = 0
            while got < want {
                let n = try FileSystem.readSome(
                    fd, UnsafeMutableRawBufferPointer(rebasing: readBuffer[got..<want]), path: path)
                if n == 0 { throw SystemError("unexpected end-of-file") }
                got += n
            }
            try raw(UnsafeRawBufferPointer(rebasing: readBuffer[..<want]))
            left -= want
        }
        try padding(size)
    }
}
