import CSwixSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a piece of source text came from. Printed the way Nix prints origins in
/// positions: a file path, `«stdin»` or `«string»`.
public enum SourceOrigin: Hashable, Sendable {
    case file(String)
    case stdin
    case string
    case none

    public var description: String {
        switch self {
        case .file(let path): return path
        case .stdin: return "«stdin»"
        case .string: return "«string»"
        case .none: return "«none»"
        }
    }
}

/// One unit of source text: its origin, its bytes, and the directory that relative
/// path literals inside it are resolved against.
public final class Source: @unchecked Sendable {
    public let origin: SourceOrigin
    public let baseDirectory: String
    /// First position index of this source in the shared `PositionTable`.
    public internal(set) var base: UInt32 = 0

    /// The text, followed by `padding` zero bytes that the lexer may read past the
    /// end without bounds checks. Owned by the source and never written after init.
    let storage: UnsafeMutablePointer<UInt8>
    public let count: Int
    static let padding = 8

    /// The text (valid as long as the source lives).
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

    private var lineStartsCache: [Int]?

    public init(origin: SourceOrigin, bytes: [UInt8], baseDirectory: String) {
        self.origin = origin
        self.baseDirectory = baseDirectory
        count = bytes.count
        storage = .allocate(capacity: bytes.count + Source.padding)
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { storage.initialize(from: base, count: src.count) }
        }
        (storage + count).initialize(repeating: 0, count: Source.padding)
    }

    /// Reads a whole file straight into the source's storage (one copy, no
    /// intermediate arrays). Nil if it cannot be opened or read.
    public init?(origin: SourceOrigin, readingFile path: String, baseDirectory: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        var capacity = max(Int(st.st_size), 0) + 1
        var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + Source.padding)
        if capacity >= 4 << 20 { swix_advise_huge_pages(buffer, UInt(capacity)) }
        var n = 0
        while true {
            if n == capacity {
                // The file grew (or is not a regular file): read on into a larger buffer.
                let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2 + Source.padding)
                bigger.update(from: buffer, count: n)
                buffer.deallocate()
                buffer = bigger
                capacity *= 2
            }
            let r = read(fd, buffer + n, capacity - n)
            if r < 0 {
                if errno == EINTR { continue }
                buffer.deallocate()
                return nil
            }
            if r == 0 { break }
            n += r
        }
        (buffer + n).initialize(repeating: 0, count: Source.padding)
        self.origin = origin
        self.baseDirectory = baseDirectory
        storage = buffer
        count = n
    }

    deinit { storage.deallocate() }

    public convenience init(origin: SourceOrigin, text: String, baseDirectory: String) {
        self.init(origin: origin, bytes: Array(text.utf8), baseDirectory: baseDirectory)
    }

    /// Offsets at which lines start. Nix treats `\n`, `\r\n` and a lone `\r` as line ends,
    /// both for line numbers and for the excerpt shown under an error.
    var lineStarts: [Int] {
        if let cached = lineStartsCache { return cached }
        var starts = [0]
        var i = 0
        let n = count
        let bytes = self.bytes
        while i < n {
            let c = bytes[i]
            if c == UInt8(ascii: "\r") {
                if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                starts.append(i + 1)
            } else if c == UInt8(ascii: "\n") {
                starts.append(i + 1)
            }
            i += 1
        }
        lineStartsCache = starts
        return starts
    }

    /// 1-based line and column (in bytes) of an offset into this source.
    public func lineColumn(ofOffset offset: Int) -> (line: Int, column: Int) {
        let starts = lineStarts
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return (lo + 1, offset - starts[lo] + 1)
    }

    /// The text of a 1-based line without its line terminator, if the line exists.
    public func lineText(_ line: Int) -> [UInt8]? {
        let starts = lineStarts
        guard line >= 1 && line <= starts.count else { return nil }
        let start = starts[line - 1]
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") && bytes[end] != UInt8(ascii: "\r") {
            end += 1
        }
        // A final empty line only exists when the text ends with a line terminator;
        // Nix shows it as an empty excerpt line.
        return Array(bytes[start..<end])
    }
}

/// A position: an index into the global `PositionTable` (source base + byte offset).
/// Four bytes per position keep AST nodes small, like CppNix's `PosIdx`.
///
/// `@frozen` and inlinable: the evaluator passes positions through every call, and
/// reaching `Pos.none` through another module's lazily initialised global cost ~1%
/// of the instructions of call-heavy programs (perf on recursion_deep).
@frozen public struct Pos: Hashable, Sendable, Comparable {
    public let raw: UInt32
    @inlinable public init(raw: UInt32) { self.raw = raw }
    /// The absence of a position (`raw == 0`; every source starts at base 1 or later).
    @inlinable public static var none: Pos { Pos(raw: 0) }
    @inlinable public var isNone: Bool { raw == 0 }
    @inlinable public static func < (a: Pos, b: Pos) -> Bool { a.raw < b.raw }
}

/// A resolved position, ready to print as `origin:line:column`.
public struct ResolvedPos: Sendable, Equatable {
    public let source: Source?
    public let line: Int
    public let column: Int

    public static func == (a: ResolvedPos, b: ResolvedPos) -> Bool {
        a.source === b.source && a.line == b.line && a.column == b.column
    }

    public var description: String {
        guard let source else { return "«none»" }
        return "\(source.origin.description):\(line):\(column)"
    }
}

/// Maps `Pos` indices back to sources. Sources are appended; each one occupies the
/// index range `[base, base + count + 2)` so that "one past the end" stays inside it.
public final class PositionTable: @unchecked Sendable {
    public private(set) var sources: [Source] = []
    private var nextBase: UInt32 = 1

    public init() {}

    @discardableResult
    public func add(_ source: Source) -> Source {
        source.base = nextBase
        sources.append(source)
        nextBase &+= UInt32(source.count + 2)
        return source
    }

    public func source(of pos: Pos) -> Source? {
        guard !pos.isNone, !sources.isEmpty else { return nil }
        var lo = 0, hi = sources.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if sources[mid].base <= pos.raw { lo = mid } else { hi = mid - 1 }
        }
        return sources[lo].base <= pos.raw ? sources[lo] : nil
    }

    public func resolve(_ pos: Pos) -> ResolvedPos {
        guard let source = source(of: pos) else { return ResolvedPos(source: nil, line: 0, column: 0) }
        let (line, column) = source.lineColumn(ofOffset: Int(pos.raw - source.base))
        return ResolvedPos(source: source, line: line, column: column)
    }
}
