import Foundation
@testable import SwixStore

// Expected values in this suite were computed with Nix 2.8 (`nix-hash`, `nix-store --dump`,
// `nix-instantiate --eval`) and recorded as literals, so the tests run without Nix.

/// A fresh temporary directory, removed when the returned object is released.
final class TempDir {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/swix-store-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Creates a regular file at `relative` (parent directories included).
    @discardableResult
    func file(_ relative: String, _ contents: [UInt8], executable: Bool = false) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: full, contents: Data(contents)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        try FileManager.default.setAttributes(
            [.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: full)
        return full
    }

    @discardableResult
    func file(_ relative: String, _ contents: String, executable: Bool = false) throws -> String {
        try file(relative, Array(contents.utf8), executable: executable)
    }

    @discardableResult
    func directory(_ relative: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }

    @discardableResult
    func symlink(_ relative: String, to target: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
        return full
    }
}

/// The bytes of `(i * 7 + 3) % 251` for `i` in `0..<count`: a pattern without short
/// periods that span NAR chunk boundaries.
func patternBytes(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8((($0 * 7) + 3) % 251) }
}

func hex(_ text: String) -> [UInt8] {
    Base16.decode(text)!
}
