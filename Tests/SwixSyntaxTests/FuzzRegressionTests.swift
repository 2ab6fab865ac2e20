import Foundation
import Testing
@testable import SwixSyntax

/// Every input the fuzzer ever crashed on (`Fuzz/crashes/`) and the inputs found by
/// hand while fuzzing must go through the whole syntax pipeline without trapping,
/// and the lexer must reach the end of input.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let crashesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/crashes")

    static var crashInputs: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: crashesDirectory.path)) ?? []
        return names.filter { $0.hasPrefix("crash-") }.sorted()
    }

    /// Runs what the fuzz harness runs: lex to the end, parse, check, print, render.
    static func pipeline(_ bytes: [UInt8]) {
        let lexer = Lexer(bytes: bytes)
        var steps = 0
        var last = lexer.next()
        while last.kind != .eof {
            steps += 1
            #expect(steps <= bytes.count * 4 + 10, "the lexer must reach the end of input")
            if steps > bytes.count * 4 + 10 { break }
            last = lexer.next()
        }
        let symbols = SymbolTable()
        let positions = PositionTable()
        let source = Source(origin: .stdin, bytes: bytes, baseDirectory: "/tmp")
        positions.add(source)
        do {
            let expr = try Parser(source: source, symbols: symbols, homeDirectory: "/home/u").parse()
            try ScopeChecker(symbols: symbols).check(expr)
            _ = ASTPrinter(symbols: symbols).print(expr)
        } catch let d as Diagnostic {
            #expect(!DiagnosticRenderer.render(d, positions: positions).isEmpty)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func savedCrashInputsExist() {
        #expect(!FuzzRegressionTests.crashInputs.isEmpty)
    }

    @Test(arguments: crashInputs)
    func savedCrashInput(_ name: String) throws {
        let data = try Data(contentsOf: FuzzRegressionTests.crashesDirectory.appendingPathComponent(name))
        FuzzRegressionTests.pipeline(Array(data))
    }

    @Test(arguments: ["./a/", "./a/ b", "~/a/", "a/b/ ", "./a/${x}/", "\"${", "''${", "x: ./a/${"])
    func trailingSlashAndUnclosedInterpolations(_ text: String) {
        FuzzRegressionTests.pipeline(Array(text.utf8))
    }

    /// Long runs of path characters used to be rescanned at every token (quadratic).
    @Test func longPathCharacterRunsLexInLinearTime() {
        let text = "x: x" + String(repeating: ".a", count: 200_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure { FuzzRegressionTests.pipeline(Array(text.utf8)) }
        #expect(elapsed < .seconds(20), "took \(elapsed)")
    }
}
