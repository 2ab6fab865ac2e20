import Foundation
import Testing
import SwixSyntax

// Golden tests: Tests/Golden/parse/NAME.nix must print as NAME.exp, and
// Tests/Golden/parse-fail/NAME.nix must fail with the text in NAME.err.exp, as
// `nix-instantiate --parse - < NAME.nix` does when run in /pwd with HOME=/fake-home.
//
// Set UPDATE_GOLDEN=1 to rewrite the expectation files from swix's output (then
// review the diff: the files are meant to agree with nix-instantiate).

struct GoldenCase: CustomTestStringConvertible, Sendable {
    let kind: String
    let name: String

    var testDescription: String { "\(kind)/\(name)" }

    var input: URL { GoldenCase.directory(kind).appendingPathComponent(name + ".nix") }
    var expectation: URL {
        GoldenCase.directory(kind).appendingPathComponent(name + (kind == "parse" ? ".exp" : ".err.exp"))
    }

    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // SwixSyntaxTests
        .deletingLastPathComponent()   // Tests
        .appendingPathComponent("Golden")

    static func directory(_ kind: String) -> URL { root.appendingPathComponent(kind) }

    static func all(_ kind: String) -> [GoldenCase] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory(kind).path)) ?? []
        return files.filter { $0.hasSuffix(".nix") }.sorted()
            .map { GoldenCase(kind: kind, name: String($0.dropLast(4))) }
    }

    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// What `nix-instantiate --parse -` prints for the input: stdout on success,
    /// the rendered error otherwise (each with a final newline).
    func run() throws -> (ok: Bool, text: String) {
        let bytes = Array(try Data(contentsOf: input))
        let symbols = SymbolTable()
        let positions = PositionTable()
        let source = Source(origin: .stdin, bytes: bytes, baseDirectory: "/pwd")
        positions.add(source)
        do {
            let expr = try Parser(source: source, symbols: symbols, homeDirectory: "/fake-home").parse()
            try ScopeChecker(symbols: symbols).check(expr)
            let out = try ASTPrinter(symbols: symbols).bytes(expr)
            return (true, String(decoding: out, as: UTF8.self) + "\n")
        } catch let d as Diagnostic {
            return (false, DiagnosticRenderer.render(d, positions: positions) + "\n")
        }
    }

    func check() throws {
        let (ok, actual) = try run()
        if GoldenCase.updating {
            try actual.write(to: expectation, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: expectation, encoding: .utf8) else {
            Issue.record("missing \(expectation.lastPathComponent); run with UPDATE_GOLDEN=1 to create it")
            return
        }
        #expect(expected.hasSuffix("\n"), "expectation files end with a newline")
        if kind == "parse" {
            #expect(ok, "\(name).nix should parse, got:\n\(actual)")
        } else {
            #expect(!ok, "\(name).nix should fail to parse, got:\n\(actual)")
        }
        #expect(actual == expected, "\(testDescription): output differs from \(expectation.lastPathComponent)")
    }
}

@Suite("Golden files")
struct GoldenTests {
    @Test("parse", arguments: GoldenCase.all("parse"))
    func parse(_ c: GoldenCase) throws {
        try c.check()
    }

    @Test("parse-fail", arguments: GoldenCase.all("parse-fail"))
    func parseFail(_ c: GoldenCase) throws {
        try c.check()
    }

    @Test func corpusSize() {
        #expect(GoldenCase.all("parse").count >= 25)
        #expect(GoldenCase.all("parse-fail").count >= 15)
    }

    @Test(arguments: ["parse", "parse-fail"])
    func noOrphanExpectations(_ kind: String) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: GoldenCase.directory(kind).path)
        let inputs = Set(files.filter { $0.hasSuffix(".nix") }.map { String($0.dropLast(4)) })
        let suffix = kind == "parse" ? ".exp" : ".err.exp"
        for f in files where f.hasSuffix(suffix) {
            #expect(inputs.contains(String(f.dropLast(suffix.count))), "\(kind)/\(f) has no .nix input")
        }
        for f in files {
            #expect(f.hasSuffix(".nix") || f.hasSuffix(suffix), "unexpected file \(kind)/\(f)")
        }
    }
}
