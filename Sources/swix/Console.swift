#if canImport(Glibc)
import Glibc
#endif

/// Where a command's input comes from and its output goes: the process's standard
/// streams, or buffers (for tests).
final class Console: @unchecked Sendable {
    private let buffered: Bool
    private(set) var out: [UInt8] = []
    private(set) var err: [UInt8] = []
    private let input: [UInt8]?

    private init(buffered: Bool, input: [UInt8]?) {
        self.buffered = buffered
        self.input = input
    }

    var isStandard: Bool { !buffered }

    static var standard: Console { Console(buffered: false, input: nil) }

    static func capturing(stdin: [UInt8] = []) -> Console { Console(buffered: true, input: stdin) }

    func write(_ bytes: [UInt8]) {
        if buffered { out.append(contentsOf: bytes) } else { Console.writeAll(1, bytes) }
    }

    func write(_ s: String) { write(Array(s.utf8)) }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        if buffered { out.append(contentsOf: bytes) } else { Console.writeAll(1, bytes) }
    }

    func error(_ s: String) {
        let bytes = Array(s.utf8)
        if buffered { err.append(contentsOf: bytes) } else { Console.writeAll(2, bytes) }
    }

    var outText: String { String(decoding: out, as: UTF8.self) }
    var errText: String { String(decoding: err, as: UTF8.self) }

    /// All of standard input.
    func readStdin() -> [UInt8] {
        if let input { return input }
        return Console.readAll(0)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { writeAll(fd, $0) }
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, base + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }

    static func readAll(_ fd: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }
}
