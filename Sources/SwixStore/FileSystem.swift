#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file system operation, worded like Nix's `SysError`: what was being done,
/// then the C library's description of `errno` (e.g. "opening file '/x': No such file or
/// directory"). Failures that are not system calls (an unsupported file type, a file that
/// shrank while being read) carry no `errno`.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let errno: Int32?

    public init(_ message: String, errno: Int32? = nil) {
        self.message = message
        self.errno = errno
    }

    /// "`what`: <strerror(code)>".
    static func posix(_ what: String, _ code: Int32) -> SystemError {
        SystemError("\(what): \(String(cString: strerror(code)))", errno: code)
    }

    public var description: String { message }
}

/// Thin wrappers over the POSIX calls NAR serialisation and file hashing need.
///
/// Paths are handled as raw bytes, not `String`, because file names on Linux are byte
/// strings that need not be UTF-8 and a NAR records them byte for byte; going through
/// Foundation would also follow symlinks or reorder entries behind our back.
enum FileSystem {
    /// Size of the chunks file contents are read in: big enough to amortise system calls,
    /// small enough that a multi-gigabyte file never sits in memory.
    static let chunkSize = 65536

    /// Calls `body` with `path` as a NUL-terminated C string.
    static func withCString<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        var terminated = path
        terminated.append(0)
        return try terminated.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// `path` as text for messages (invalid UTF-8 shown with replacement characters).
    static func display(_ path: [UInt8]) -> String {
        String(decoding: path, as: UTF8.self)
    }

    /// The status of `path` itself, not following a final symlink.
    static func linkStatus(_ path: [UInt8]) throws(SystemError) -> stat {
        var status = stat()
        let result = withCString(path) { lstat($0, &status) }
        if result != 0 { throw .posix("getting status of '\(display(path))'", errno) }
        return status
    }

    /// Opens `path` read-only, failing the way Nix's `readFile` does.
    static func openForReading(_ path: [UInt8]) throws(SystemError) -> Int32 {
        var fd: Int32
        repeat {
            fd = withCString(path) { open($0, O_RDONLY | O_CLOEXEC) }
        } while fd < 0 && errno == EINTR
        if fd < 0 { throw .posix("opening file '\(display(path))'", errno) }
        return fd
    }

    /// Reads up to `buffer.count` bytes, retrying on interruption; 0 means end of file.
    static func readSome(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, path: [UInt8]) throws(SystemError) -> Int {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw .posix("reading file '\(display(path))'", errno) }
        }
    }

    /// Streams the whole of the file at `path` to `consume`, chunk by chunk.
    static func readFile(
        _ path: String, _ consume: (UnsafeRawBufferPointer) -> Void
    ) throws(SystemError) {
        let bytes = Array(path.utf8)
        let fd = try openForReading(bytes)
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = try readSome(fd, buffer, path: bytes)
            if n == 0 { return }
            consume(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
        }
    }

    /// The names in directory `path`, without `.` and `..`, in no particular order.
    static func readDirectory(_ path: [UInt8]) throws(SystemError) -> [[UInt8]] {
        guard let dir = withCString(path, { opendir($0) }) else {
            throw .posix("opening directory '\(display(path))'", errno)
        }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw .posix("reading directory '\(display(path))'", errno) }
                return names
            }
            // The name is read in place, up to its terminating zero: a record is only
            // as long as its name, so copying the whole 256-byte `d_name` field read
            // past the end of short records.
            let field = UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!
            let length = strlen(field.assumingMemoryBound(to: CChar.self))
            let name = Array(UnsafeBufferPointer(start: field.assumingMemoryBound(to: UInt8.self), count: length))
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
    }

    /// The target of the symlink at `path`, as raw bytes.
    static func readLink(_ path: [UInt8], sizeHint: Int) throws(SystemError) -> [UInt8] {
        var capacity = max(sizeHint + 1, 256)
        while true {
            var target = [UInt8](repeating: 0, count: capacity)
            let n = withCString(path) { cPath in
                target.withUnsafeMutableBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { readlink(cPath, $0.baseAddress!, capacity) }
                }
            }
            if n < 0 { throw .posix("reading symbolic link '\(display(path))'", errno) }
            // A result that fills the buffer may have been truncated: try a larger one.
            if n < capacity { return Array(target[..<n]) }
            capacity *= 2
        }
    }
}
