import Foundation
import Testing
@testable import SwixStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tree the recorded `nix-hash`/`builtins.path` values were computed from:
///
///     Z            "upper"
///     a.txt        "hello\n"
///     dangle    -> dangling-target
///     empty/
///     run.sh       "#!/bin/sh\necho hi\n"  (executable)
///     sub/deeper/B "x"
///     sub/deeper/a "y"
///     sub/eight    "12345678"               (exactly one padding unit)
///     sub/link  -> ../a.txt
///     zero         ""
private func makeTree(in dir: TempDir) throws -> String {
    try dir.file("t/Z", "upper")
    try dir.file("t/a.txt", "hello\n")
    try dir.symlink("t/dangle", to: "dangling-target")
    try dir.directory("t/empty")
    try dir.file("t/run.sh", "#!/bin/sh\necho hi\n", executable: true)
    try dir.file("t/sub/deeper/B", "x")
    try dir.file("t/sub/deeper/a", "y")
    try dir.file("t/sub/eight", "12345678")
    try dir.symlink("t/sub/link", to: "../a.txt")
    try dir.file("t/zero", "")
    return dir.path + "/t"
}

private func isSymlink(_ path: String) -> Bool {
    (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
}

@Suite("NAR serialisation")
struct NARTests {
    @Test func treeHashMatchesNixHash() throws {
        let dir = try TempDir()
        let root = try makeTree(in: dir)
        // nix-hash --type sha256 --base32 t
        let (hash, size) = try NAR.hashPath(root)
        #expect(hash.nix32 == "16ccrhbbv99yb5878d79nbqr5s0d0mypd878dl6ly2qxlyw5safw")
        #expect(hash.base16 == "dc295db8a71d0b4f0d6de8a0767d050de892f1b2e9347450593ea5bd16cc8c99")
        #expect(size == 2376) // nix-store --dump t | wc -c
        #expect(try NAR.narHash(path: root) == hash)
        // nix-hash --type md5 / sha1 / sha512
        #expect(try NAR.hashPath(root, algorithm: .md5).hash.base16 == "c857b87b05d37f34250d8bd20ba75de1")
        #expect(try NAR.hashPath(root, algorithm: .sha1).hash.nix32 == "bbm7vjv7ylgb4lr8qvkv6c1ghp3xb7a6")
        #expect(try NAR.hashPath(root, algorithm: .sha512).hash.nix32
            == "13hbvmd47x6khiwy9adngcvspvb5lm331018xckd5dlfbclhj8dfarvafkjp7ylc9a7nhb227gsm63dglz90vq0sxxkwvbjsbmnwpjw")
        // builtins.path { path = …/t; }
        #expect(store(try StoreDirectory.default.makeSourcePath(name: "t", narHash: hash))
            == "/nix/store/4h6ic2g98d67y5j57x418rd8y4ggm5bd-t")
    }

    @Test func filtersSeeFullPathsAndPruneDirectories() throws {
        let dir = try TempDir()
        let root = try makeTree(in: dir)
        var seen: [String] = []
        // builtins.filterSource (p: t: baseNameOf p != "sub" && t != "symlink") t
        let filtered = try NAR.narHash(path: root) { path in
            seen.append(path)
            return !path.hasSuffix("/sub") && !isSymlink(path)
        }
        #expect(store(try StoreDirectory.default.makeSourcePath(name: "t", narHash: filtered))
            == "/nix/store/svyq0jg0wv7zn2jyc8myz39p340c7q9d-t")
        #expect(seen.contains(root + "/sub"))
        #expect(!seen.contains(root + "/sub/eight")) // pruned with its directory
        #expect(!seen.contains(root))                // the root is never asked about
        #expect(seen.first == root + "/Z")           // entries come in byte order

        // builtins.path { path = t; filter = p: t: p != "…/sub/deeper"; name = "filtered"; }
        let deeper = try NAR.narHash(path: root) { $0 != root + "/sub/deeper" }
        #expect(store(try StoreDirectory.default.makeSourcePath(name: "filtered", narHash: deeper))
            == "/nix/store/hdmj46yrmdxpggcd3gmh9bxsi79gp5hh-filtered")
    }

    @Test func filterErrorsAbortTheDump() throws {
        struct Stop: Error {}
        let dir = try TempDir()
        let root = try makeTree(in: dir)
        #expect(throws: Stop.self) {
            try NAR.narHash(path: root) { _ in throw Stop() }
        }
    }

    @Test func dumpMatchesNixStoreDumpByteForByte() throws {
        let dir = try TempDir()
        try dir.directory("small/d")
        try dir.file("small/f", "hi\n")
        try dir.file("small/x", "#!x\n", executable: true)
        try dir.symlink("small/l", to: "f")
        // nix-store --dump small | base64 -w0
        let expected = try Base64.decode(
            "DQAAAAAAAABuaXgtYXJjaGl2ZS0xAAAAAQAAAAAAAAAoAAAAAAAAAAQAAAAAAAAAdHlwZQAAAAAJAAAAAAAAAGRpcmVjdG9yeQAAAAAAAAAFAAAAAAAAAGVudHJ5AAAAAQAAAAAAAAAoAAAAAAAAAAQAAAAAAAAAbmFtZQAAAAABAAAAAAAAAGQAAAAAAAAABAAAAAAAAABub2RlAAAAAAEAAAAAAAAAKAAAAAAAAAAEAAAAAAAAAHR5cGUAAAAACQAAAAAAAABkaXJlY3RvcnkAAAAAAAAAAQAAAAAAAAApAAAAAAAAAAEAAAAAAAAAKQAAAAAAAAAFAAAAAAAAAGVudHJ5AAAAAQAAAAAAAAAoAAAAAAAAAAQAAAAAAAAAbmFtZQAAAAABAAAAAAAAAGYAAAAAAAAABAAAAAAAAABub2RlAAAAAAEAAAAAAAAAKAAAAAAAAAAEAAAAAAAAAHR5cGUAAAAABwAAAAAAAAByZWd1bGFyAAgAAAAAAAAAY29udGVudHMDAAAAAAAAAGhpCgAAAAAAAQAAAAAAAAApAAAAAAAAAAEAAAAAAAAAKQAAAAAAAAAFAAAAAAAAAGVudHJ5AAAAAQAAAAAAAAAoAAAAAAAAAAQAAAAAAAAAbmFtZQAAAAABAAAAAAAAAGwAAAAAAAAABAAAAAAAAABub2RlAAAAAAEAAAAAAAAAKAAAAAAAAAAEAAAAAAAAAHR5cGUAAAAABwAAAAAAAABzeW1saW5rAAYAAAAAAAAAdGFyZ2V0AAABAAAAAAAAAGYAAAAAAAAAAQAAAAAAAAApAAAAAAAAAAEAAAAAAAAAKQAAAAAAAAAFAAAAAAAAAGVudHJ5AAAAAQAAAAAAAAAoAAAAAAAAAAQAAAAAAAAAbmFtZQAAAAABAAAAAAAAAHgAAAAAAAAABAAAAAAAAABub2RlAAAAAAEAAAAAAAAAKAAAAAAAAAAEAAAAAAAAAHR5cGUAAAAABwAAAAAAAAByZWd1bGFyAAoAAAAAAAAAZXhlY3V0YWJsZQAAAAAAAAAAAAAAAAAACAAAAAAAAABjb250ZW50cwQAAAAAAAAAIyF4CgAAAAABAAAAAAAAACkAAAAAAAAAAQAAAAAAAAApAAAAAAAAAAEAAAAAAAAAKQAAAAAAAAA=")
        #expect(expected.count == 872)
        let bytes = try NAR.bytes(path: dir.path + "/small")
        #expect(bytes == expected)
        #expect(try NAR.narHash(path: dir.path + "/small").nix32
            == "0inhch4q0ml318ajwxdw97g9plqmdpfacg2bipfjjk06bm769fmz")

        // nix-store --dump small/f
        let file = try Base64.decode(
            "DQAAAAAAAABuaXgtYXJjaGl2ZS0xAAAAAQAAAAAAAAAoAAAAAAAAAAQAAAAAAAAAdHlwZQAAAAAHAAAAAAAAAHJlZ3VsYXIACAAAAAAAAABjb250ZW50cwMAAAAAAAAAaGkKAAAAAAABAAAAAAAAACkAAAAAAAAA")
        #expect(try NAR.bytes(path: dir.path + "/small/f") == file)
        let inMemory = ByteArraySink()
        try NAR.dump(contents: Array("hi\n".utf8), to: inMemory)
        #expect(inMemory.bytes == file)
    }

    @Test func singleObjects() throws {
        let dir = try TempDir()
        let single = try dir.file("single.txt", "hello\n")
        let exec = try dir.file("exec.sh", "echo\n", executable: true)
        let link = try dir.symlink("link", to: "some/where")
        let empty = try dir.directory("emptydir")
        // nix-hash --type sha256 --base32 …
        #expect(try NAR.narHash(path: single).nix32 == "04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw")
        #expect(try NAR.narHash(path: exec).nix32 == "12qdld9wk9p5bcl94bl9xssqwjpw1kz3rrzfd5qb49001qsgs9vf")
        #expect(try NAR.narHash(path: link).nix32 == "0gbvir5bsp8bwr1i1zpp4nir3ihafk63hdi8cj0awa1gna53mqzn")
        #expect(try NAR.narHash(path: empty).nix32 == "0sjjj9z1dhilhpc8pq4154czrb79z9cm044jvn75kxcjv6v5l2m5")
        // The same NARs without touching the disk.
        #expect(NAR.narHash(contents: Array("hello\n".utf8)).nix32
            == "04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw")
        #expect(NAR.narHash(contents: Array("echo\n".utf8), executable: true).nix32
            == "12qdld9wk9p5bcl94bl9xssqwjpw1kz3rrzfd5qb49001qsgs9vf")

        // builtins.path { path = single.txt; } and { …; recursive = false; }
        let storeDir = StoreDirectory.default
        #expect(store(try storeDir.makeFixedOutputPath(
            method: .recursive, hash: NAR.narHash(path: single), name: "single.txt"))
            == "/nix/store/3pc7hb0hqzcfgkc3k2097aj7wbyvl382-single.txt")
        #expect(store(try storeDir.makeFixedOutputPath(
            method: .flat, hash: Digest.hashFile(.sha256, path: single), name: "single.txt"))
            == "/nix/store/f9j2652hq6jqn96qaz70pr1qyccs3d66-single.txt")
    }

    @Test func largeFilesStreamInChunks() throws {
        let dir = try TempDir()
        let data = patternBytes(200_003)
        let path = try dir.file("big.bin", data)
        let (hash, size) = try NAR.hashPath(path)
        // nix-hash --type sha256 --base32 big.bin
        #expect(hash.nix32 == "1s24bspzb7l06gfsykrrlb0nkc9yjm98w1qlq1qxb1b00bgq27bg")
        #expect(size == UInt64(96 + 200_003 + 5 + 16))
        #expect(NAR.narHash(contents: data) == hash)
        // builtins.path { path = big.bin; }
        #expect(store(try StoreDirectory.default.makeSourcePath(name: "big.bin", narHash: hash))
            == "/nix/store/xd95cvb2bhfrqnjmgwlnz04a7chvn2jx-big.bin")
    }

    @Test func namesAreRawBytesSortedBytewise() throws {
        let dir = try TempDir()
        let root = try dir.directory("weird")
        try dir.file("weird/z", "3")
        try dir.file("weird/é", "2")
        // A name that is not UTF-8: the single byte 0xFF.
        let name = Array(root.utf8) + [UInt8(ascii: "/"), 0xFF, 0]
        let fd = name.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        }
        #expect(fd >= 0)
        #expect(write(fd, "1", 1) == 1)
        close(fd)
        // nix-hash --type sha256 --base32 weird
        #expect(try NAR.narHash(path: root).nix32 == "129clrx98gzq7nxikvsq2viww4m516yq7g3s8x0kpm1zm15qmfa4")
    }

    @Test func errors() throws {
        #expect(throws: SystemError("getting status of '/nonexistent/swix': No such file or directory", errno: 2)) {
            try NAR.narHash(path: "/nonexistent/swix")
        }
        let dir = try TempDir()
        let fifo = dir.path + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(throws: SystemError("file '\(fifo)' has an unsupported type")) {
            try NAR.narHash(path: dir.path)
        }
    }
}

private func store(_ path: StorePath) -> String {
    StoreDirectory.default.print(path)
}
