import Foundation
import Testing
@testable import swix

/// Runs `swix instantiate ARGS` in-process with `stdin` as standard input.
private func run(_ args: [String], stdin: String = "") -> (code: Int32, out: String, err: String) {
    let console = Console.capturing(stdin: Array(stdin.utf8))
    let code = Instantiate.execute(args, console: console)
    return (code, console.outText, console.errText)
}

/// A fresh temporary directory (removed by the caller).
private func makeTempDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("swix-cli-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.resolvingSymlinksInPath()
}

private var cwd: String { FileManager.default.currentDirectoryPath }

@Suite("swix instantiate --parse")
struct InstantiateParseTests {
    @Test func parseFromStdin() {
        let r = run(["--parse", "-"], stdin: "1 + 2")
        #expect(r.code == 0)
        #expect(r.out == "(1 + 2)\n")
        #expect(r.err == "")
    }

    @Test func parseOnlyIsAnAlias() {
        let r = run(["--parse-only", "-"], stdin: "{ b = 1; a = 2; }")
        #expect(r.code == 0)
        #expect(r.out == "{ a = 2; b = 1; }\n")
    }

    @Test func flagOrderDoesNotMatter() {
        let r = run(["-", "--parse"], stdin: "x: x")
        #expect(r.code == 0)
        #expect(r.out == "(x: x)\n")
    }

    @Test func parseExpression() {
        let r = run(["--parse", "-E", "let a = 1; in a"])
        #expect(r.code == 0)
        #expect(r.out == "(let a = 1; in a)\n")
        #expect(run(["--parse", "--expr", "[ 1 2 ]"]).out == "[ (1) (2) ]\n")
    }

    @Test func multipleExpressions() {
        let r = run(["--parse", "-E", "1", "-E", "2 + 3", "x: x"])
        #expect(r.code == 0)
        #expect(r.out == "1\n(2 + 3)\n(x: x)\n")
    }

    @Test func expressionPathsResolveAgainstTheWorkingDirectory() {
        let r = run(["--parse", "-E", "./a/../b"])
        #expect(r.code == 0)
        #expect(r.out == (cwd == "/" ? "/b\n" : cwd + "/b\n"))
    }

    @Test func stdinPathsResolveAgainstTheWorkingDirectory() {
        let r = run(["--parse", "-"], stdin: "./x")
        #expect(r.out == (cwd == "/" ? "/x\n" : cwd + "/x\n"))
    }

    @Test func homePathsUseHOME() {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/homeless-shelter"
        let r = run(["--parse", "-E", "~/.config"])
        #expect(r.code == 0)
        #expect(r.out == home + "/.config\n")
    }

    @Test func parseFile() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("default.nix")
        try "{ src = ./src; up = ../x; }\n".write(to: file, atomically: true, encoding: .utf8)
        let r = run(["--parse", file.path])
        #expect(r.code == 0)
        let parent = dir.deletingLastPathComponent().path
        #expect(r.out == "{ src = \(dir.path)/src; up = \(parent == "/" ? "" : parent)/x; }\n")
    }

    @Test func parseDirectoryReadsDefaultNix() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "42".write(to: dir.appendingPathComponent("default.nix"), atomically: true, encoding: .utf8)
        let r = run(["--parse", dir.path])
        #expect(r.code == 0)
        #expect(r.out == "42\n")
    }

    @Test func parseSeveralFiles() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.nix"), b = dir.appendingPathComponent("b.nix")
        try "1".write(to: a, atomically: true, encoding: .utf8)
        try "2".write(to: b, atomically: true, encoding: .utf8)
        let r = run(["--parse", a.path, b.path])
        #expect(r.code == 0)
        #expect(r.out == "1\n2\n")
    }

    @Test func deepNestingParsesOnTheCLIStack() {
        let n = 200_000
        let text = String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)
        let r = run(["--parse", "-"], stdin: text)
        // Either it fits in the CLI's large stack, or the stack guard stops it cleanly
        // (debug builds use much more stack per level than release builds).
        if r.code == 0 {
            #expect(r.out == "1\n")
            #expect(r.err == "")
        } else {
            #expect(r.code == 1)
            #expect(r.out == "")
            #expect(r.err.hasPrefix("error: stack overflow; expression nested too deeply\n       at «stdin»:1:"))
        }
    }

    @Test func deepListsPrintThroughTheCLI() {
        let n = 100_000
        let r = run(["--parse", "-"], stdin: String(repeating: "[", count: n) + String(repeating: "]", count: n))
        #expect(r.code == 0)
        let ok = r.out == String(repeating: "[ (", count: n - 1) + "[ ]" + String(repeating: ") ]", count: n - 1) + "\n"
        #expect(ok)
    }

    @Test func bigInputOutputIsComplete() {
        let text = "[" + (0..<50_000).map { " \($0)" }.joined() + " ]"
        let r = run(["--parse", "-"], stdin: text)
        #expect(r.code == 0)
        #expect(r.out.hasPrefix("[ (0) (1) (2) "))
        #expect(r.out.hasSuffix(" (49999) ]\n"))
    }
}

@Suite("swix instantiate errors")
struct InstantiateErrorTests {
    @Test func syntaxErrorFromStdin() {
        let r = run(["--parse", "-"], stdin: "{ a = 1 }\n")
        #expect(r.code == 1)
        #expect(r.out == "")
        #expect(r.err == """
            error: syntax error, unexpected '}', expecting ';'
                   at «stdin»:1:9:
                        1| { a = 1 }
                         |         ^
                        2|

            """)
    }

    @Test func undefinedVariableFromExpression() {
        let r = run(["--parse", "-E", "x: y"])
        #expect(r.code == 1)
        #expect(r.out == "")
        #expect(r.err == """
            error: undefined variable 'y'
                   at «string»:1:4:
                        1| x: y
                         |    ^

            """)
    }

    @Test func usageErrorsPointToTheHelp() {
        // As current Nix (conformance corpus: eval-fail-hashString-2).
        let r = run(["--eval", "-E", "builtins.hashString \"foo\" \"x\""])
        #expect(r.code == 1)
        #expect(r.err.hasSuffix("""
                   error: unknown hash algorithm 'foo', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'
            Try 'nix-instantiate --help' for more information.

            """))
    }

    @Test func errorInFileNamesTheFile() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.nix")
        try "{\n  a = 1;\n  a = 2;\n}\n".write(to: file, atomically: true, encoding: .utf8)
        let r = run(["--parse", file.path])
        #expect(r.code == 1)
        #expect(r.err == """
            error: attribute 'a' already defined at \(file.path):2:3
                   at \(file.path):3:3:
                        2|   a = 1;
                        3|   a = 2;
                         |   ^
                        4| }

            """)
    }

    @Test func relativeFileNameIsMadeAbsolute() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("e.nix")
        try "(".write(to: file, atomically: true, encoding: .utf8)
        // A path relative to the working directory, with a `..` to canonicalise.
        let relative = String(repeating: "../", count: cwd.split(separator: "/").count) + "." + file.path
        let r = run(["--parse", relative])
        #expect(r.code == 1)
        #expect(r.err.hasPrefix("error: syntax error, unexpected end of file\n       at \(file.path):1:2:"))
    }

    @Test func missingFile() {
        let r = run(["--parse", "/nonexistent/swix-test/missing.nix"])
        #expect(r.code == 1)
        #expect(r.out == "")
        #expect(r.err.hasPrefix("error: "))
        #expect(r.err.contains("/nonexistent/swix-test/missing.nix"))
    }

    @Test func firstErrorStopsTheRun() {
        // Inputs are parsed and printed one by one, as nix-instantiate does (checked
        // with 2.8): the first expression is printed, the error stops the run.
        let r = run(["--parse", "-E", "1", "(", "2"])
        #expect(r.code == 1)
        #expect(r.out == "1\n")
        #expect(r.err.hasPrefix("error: syntax error, unexpected end of file\n       at «string»:1:2:"))
    }

    @Test func errorsInLaterSourcesResolveTheirOwnPositions() {
        let r = run(["--parse", "-E", "1 + 2", "\n\n  x: y"])
        #expect(r.code == 1)
        #expect(r.err.hasPrefix("error: undefined variable 'y'\n       at «string»:3:6:"))
    }

    @Test func trailingSlashErrorViaCLI() {
        let r = run(["--parse", "-"], stdin: "./a/")
        #expect(r.code == 1)
        #expect(r.err == """
            error: path has a trailing slash
                   at «stdin»:1:1:
                        1| ./a/
                         | ^

            """)
    }

    @Test func firstUndefinedVariableFollowsNixSymbolOrder() {
        // CppNix interns its static symbols (`name`, `value`, `args`, …) and the
        // builtins' names before parsing, and visits attributes by symbol id, so
        // `name` is checked before `z` here.
        let r = run(["--parse", "-E", "{ z = a; name = b; }"])
        #expect(r.err.hasPrefix("error: undefined variable 'b'"))
        let f = run(["--parse", "-E", "{ z, name, z, name }: 1"])
        #expect(f.err.hasPrefix("error: duplicate formal function argument 'name'"))
    }
}

@Suite("swix instantiate command line")
struct InstantiateCommandLineTests {
    @Test func unknownFlag() {
        let r = run(["--parse", "--frobnicate", "-"])
        #expect(r.code == 1)
        #expect(r.out == "")
        #expect(r.err == "error: unrecognised flag '--frobnicate'\nTry 'nix-instantiate --help' for more information.\n")
    }

    @Test func unknownShortFlag() {
        let r = run(["-Z"])
        #expect(r.code == 1)
        #expect(r.err.hasPrefix("error: unrecognised flag '-Z'\n"))
    }

    @Test func flagMissingItsArgument() {
        let r = run(["--parse", "-E", "1", "-A"])
        #expect(r.code == 1)
        #expect(r.out == "")
        #expect(r.err.hasPrefix("error: "))
        #expect(r.err.contains("-A"))
    }

    @Test func help() {
        let r = run(["--help"])
        #expect(r.code == 0)
        #expect(r.out.contains("--parse"))
        #expect(r.out.contains("nix-instantiate"))
        #expect(r.err == "")
        #expect(run(["-h"]).code == 0)
    }

    @Test func helpWinsOverInputs() {
        let r = run(["--parse", "-E", "(", "--help"])
        #expect(r.code == 0)
        #expect(r.out.contains("Usage"))
    }

    @Test func version() {
        let r = run(["--version"])
        #expect(r.code == 0)
        #expect(r.out.hasPrefix("nix-instantiate (swix) "))
    }

    @Test func doubleDashEndsFlags() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("--weird.nix")
        try "7".write(to: file, atomically: true, encoding: .utf8)
        let r = run(["--parse", "--", file.path])
        #expect(r.code == 0)
        #expect(r.out == "7\n")
    }

    @Test(arguments: [
        ["--parse", "--show-trace", "-"],
        ["--parse", "--no-show-trace", "-"],
        ["--parse", "-I", "nixpkgs=/x", "-"],
        ["--parse", "--arg", "a", "1", "--argstr", "b", "c", "-"],
        ["--parse", "--extra-experimental-features", "pipe-operators", "-"],
        ["--parse", "--max-call-depth", "100", "-"],
        ["--parse", "--lint-url-literals", "warn", "-"],
    ])
    func acceptedFlags(_ args: [String]) {
        let r = run(args, stdin: "a: a")
        #expect(r.code == 0, "\(args): \(r.err)")
        #expect(r.out == "(a: a)\n")
    }

    @Test func invalidFlagValues() {
        #expect(run(["--parse", "--max-call-depth", "zero", "-"], stdin: "1").code == 1)
        #expect(run(["--parse", "--lint-url-literals", "loud", "-"], stdin: "1").code == 1)
    }
}

/// The default mode: the store derivations of the value's derivations (paths as
/// `nix-instantiate` 2.8 prints them).
@Suite("swix instantiate (derivations)")
struct InstantiateDerivationsTests {
    static let derivations = """
        { a = derivation { name = "simple"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; };
          b = derivation { name = "two"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "dev" "out" ]; };
          c = { recurseForDerivations = true; d = derivation { name = "nested"; system = "x"; builder = "/bin/sh"; }; };
          e = { f = derivation { name = "hidden"; system = "x"; builder = "/bin/sh"; }; };
          n = 1; }
        """
    static let warning = "warning: you did not specify '--add-root'; the result might be removed by the garbage collector\n"

    @Test func printsTheDerivationsOfASet() {
        // Sets are searched only where `recurseForDerivations` says so; an output
        // other than `out` is named after `!`.
        let r = run(["-E", Self.derivations])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out == """
            /nix/store/6n1nxr2pnbalfx90m7wsxyh2pm0l0cs1-simple.drv
            /nix/store/v4hix592xnksjlvf2xqdbr4z9m4w8r68-two.drv!dev
            /nix/store/igxpj68p174rhdlsxrxcaf66bhy4rdy9-nested.drv

            """)
        #expect(r.err == Self.warning)
    }

    @Test func autoArgumentsAreEvaluatedOnce() {
        // Auto-calling, the derivation search and each `-A` share one set of
        // `--arg` values: the trace shows once (checked with nix-instantiate 2.8).
        let r = run(["--arg", "x", "builtins.trace \"arg\" 2", "-A", "a", "-A", "b", "-E",
                     "{ x ? 1 }: { a = derivation { name = \"a${toString x}\"; system = \"x\"; builder = \"/bin/sh\"; };"
                     + " b = derivation { name = \"b\"; system = \"x\"; builder = \"/bin/sh\"; }; }"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out == "/nix/store/fypsn5sybgdxwlj934jn0w0nx5c39xm2-a2.drv\n/nix/store/rsmkjaqd3amh9h77cs1arcvrf5kvwk6r-b.drv\n")
        #expect(r.err == "trace: arg\n" + Self.warning)
    }

    @Test func selectsWithAttributePaths() {
        let r = run(["-E", Self.derivations, "-A", "b.out", "-A", "c.d"])
        #expect(r.out == "/nix/store/v4hix592xnksjlvf2xqdbr4z9m4w8r68-two.drv\n/nix/store/igxpj68p174rhdlsxrxcaf66bhy4rdy9-nested.drv\n")
        #expect(r.err == Self.warning)
    }

    @Test func listsAndDuplicates() {
        let r = run(["-E", "let d = derivation { name = \"l\"; system = \"x\"; builder = \"/bin/sh\"; }; in [ d [ d ] { x = d; } ]"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out == "/nix/store/8rhfrzsacxdw7zgd4bbk9i1sg5v1pa62-l.drv\n")
    }

    @Test func refusesWhatIsNoDerivation() {
        let r = run(["-E", "[ 1 ]"])
        #expect(r.code == 1)
        #expect(r.err.contains("error: expression does not evaluate to a derivation (or a set or list of those)"))
    }

    @Test func drvPathMustNameAStoreDerivation() {
        // (lang/non-eval-fail-bad-drvPath.nix)
        let r = run(["--show-trace", "-E", """
            let p = { type = "derivation"; name = "x"; outputName = "out";
                      drvPath = "${builtins.storeDir}/2chwzswhhmpxbgc981i2vcz7xj4d1in9-cachix-1.7.3-bin"; }; in p
            """])
        #expect(r.code == 1)
        #expect(r.err.contains("… while evaluating the 'drvPath' attribute of a derivation"))
        #expect(r.err.contains("error: store path '2chwzswhhmpxbgc981i2vcz7xj4d1in9-cachix-1.7.3-bin' is not a valid derivation path"))
        #expect(run(["-E", #"{ type = "derivation"; drvPath = "/tmp/x.drv"; }"#]).err.contains("error: path '/tmp/x.drv' is not in the Nix store"))
    }

    @Test func gcRootsNeedAStore() {
        let r = run(["--add-root", "/tmp/swix-root", "-E", Self.derivations, "-A", "a"])
        #expect(r.code == 1)
        #expect(r.err.contains("cannot add the garbage collector root '/tmp/swix-root'"))
        // A store that holds nothing gets no roots, as in Nix.
        let dummy = run(["--store", "dummy://", "--add-root", "/tmp/swix-root", "-E", Self.derivations, "-A", "a"])
        #expect(dummy.code == 0)
        #expect(dummy.out == "/nix/store/6n1nxr2pnbalfx90m7wsxyh2pm0l0cs1-simple.drv\n")
        #expect(dummy.err == "")
    }
}

/// End-to-end checks of the built executable (skipped if it has not been built).
@Suite("swix executable")
struct ExecutableTests {
    static let binary: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/swix")

    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }

    static func execute(_ executable: URL, _ args: [String], stdin: String) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errPipe
        try p.run()
        inPipe.fileHandleForWriting.write(Data(stdin.utf8))
        try inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// `executable instantiate --eval --strict -E expr` with extra environment
    /// variables: its exit status and standard output.
    static func evaluate(_ executable: URL, _ expr: String, environment: [String: String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = ["instantiate", "--eval", "--strict", "-E", expr]
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    // The page supply (page_supply.c) populates the heap ahead of the evaluator on
    // another core: an evaluation that grows its heap by a few hundred MiB gives the
    // same result with it and without it (`SWIX_PAGE_SUPPLY=0`).
    @Test(.enabled(if: ExecutableTests.available))
    func pageSupplyChangesNoResult() throws {
        let expr = "let l = builtins.genList (i: { x = i; s = toString i; }) 150000; "
            + "in builtins.foldl' (a: e: a + e.x + builtins.stringLength e.s) 0 l"
        var results: [String] = []
        for setting in ["1", "0"] {
            let (code, out) = try ExecutableTests.evaluate(ExecutableTests.binary, expr, environment: ["SWIX_PAGE_SUPPLY": setting])
            #expect(code == 0)
            results.append(out)
        }
        #expect(results == ["11250713890\n", "11250713890\n"])
    }

    // The release build's short paths for retains, releases and allocation
    // (reference_counting.c, object_allocation.c, linked with --wrap) and the
    // evaluation stack's huge pages (`SWIX_HUGE_STACK`): a deep recursion building
    // and dropping sets, lists and strings gives CppNix's result (nix-instantiate
    // 2.8) through each binary that is built, with the huge pages asked for and not.
    @Test func shortPathsChangeNoResult() throws {
        let root = ExecutableTests.binary.deletingLastPathComponent().deletingLastPathComponent()
        let binaries = ["debug", "release"].map { root.appendingPathComponent("\($0)/swix") }
            .filter { FileManager.default.isExecutableFile(atPath: $0.path) }
        let expr = """
            let f = n: if n == 0 then { s = ""; c = 0; } else let r = f (n - 1); in \
            { s = builtins.substring 0 12 (toString n + r.s); c = r.c + builtins.length (map (x: x * n) [ n n ]); }; \
            xs = builtins.genList (i: { v = toString i; }) 50000; \
            in [ (f 20000).c (f 20000).s (builtins.foldl' (a: e: a + builtins.stringLength e.v) 0 xs) ]
            """
        for binary in binaries {
            for setting in ["1", "0"] {
                let (code, out) = try ExecutableTests.evaluate(binary, expr, environment: ["SWIX_HUGE_STACK": setting])
                #expect(code == 0, "\(binary.path) SWIX_HUGE_STACK=\(setting)")
                #expect(out == "[ 40000 \"200001999919\" 238890 ]\n")
            }
        }
    }

    // Lint levels are process-wide, so these run the executable rather than in-process.
    // Expected texts: the conformance corpus (current Nix's lint-* settings).
    @Test(.enabled(if: ExecutableTests.available))
    func lintLevels() throws {
        let fatal = try ExecutableTests.execute(ExecutableTests.binary,
            ["instantiate", "--eval", "--lint-url-literals", "fatal", "-E", "http://example.com"], stdin: "")
        #expect(fatal.0 == 1)
        #expect(fatal.2 == """
            error: URL literals are disallowed. Consider using a string literal "http://example.com" instead (lint-url-literals)
                   at «string»:1:1:
                        1| http://example.com
                         | ^

            """)
        let warn = try ExecutableTests.execute(ExecutableTests.binary,
            ["instantiate", "--eval", "--lint-short-path-literals", "warn", "-E", "builtins.isPath a/b"], stdin: "")
        #expect(warn.0 == 0)
        #expect(warn.1 == "true\n")
        #expect(warn.2 == """
            warning: relative path literal 'a/b' should be prefixed with '.' for clarity: './a/b' (lint-short-path-literals)
                     at «string»:1:17:
                          1| builtins.isPath a/b
                           |                 ^

            """)
        let quiet = try ExecutableTests.execute(ExecutableTests.binary,
            ["instantiate", "--eval", "--lint-absolute-path-literals", "fatal", "-E", "builtins.isPath ./a"], stdin: "")
        #expect(quiet.0 == 0 && quiet.2 == "")
    }

    @Test(.enabled(if: ExecutableTests.available))
    func subcommand() throws {
        let (code, out, err) = try ExecutableTests.execute(ExecutableTests.binary, ["instantiate", "--parse", "-"],
                                                          stdin: "a: a.b or 1")
        #expect(code == 0)
        #expect(out == "(a: (a).b or (1))\n")
        #expect(err == "")
    }

    @Test(.enabled(if: ExecutableTests.available))
    func subcommandError() throws {
        let (code, out, err) = try ExecutableTests.execute(ExecutableTests.binary, ["instantiate", "--parse", "-"],
                                                          stdin: "a.if")
        #expect(code == 1)
        #expect(out == "")
        #expect(err.hasPrefix("error: syntax error, unexpected 'if', expecting identifier or 'or' or '${' or '\"'\n"))
    }

    @Test(.enabled(if: ExecutableTests.available))
    func invokedAsNixInstantiate() throws {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let link = dir.appendingPathComponent("nix-instantiate")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: ExecutableTests.binary)
        let (code, out, _) = try ExecutableTests.execute(link, ["--parse", "-E", "1 + 2"], stdin: "")
        #expect(code == 0)
        #expect(out == "(1 + 2)\n")
        let (badCode, _, badErr) = try ExecutableTests.execute(link, ["--bogus"], stdin: "")
        #expect(badCode == 1)
        #expect(badErr.hasPrefix("error: unrecognised flag '--bogus'"))
    }
}
