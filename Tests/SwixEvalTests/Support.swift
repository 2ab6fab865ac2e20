@testable import SwixEval
import SwixSyntax
#if canImport(Glibc)
import Glibc
#endif

/// A program parsed as `swix instantiate` parses it, with a fresh evaluator over it:
/// the one setup every evaluator test shares.
struct TestProgram {
    let evaluator: Evaluator
    let expr: Expr

    /// Parses `bytes` (they need not be UTF-8); throws the parse error.
    init(bytes: [UInt8], origin: SourceOrigin = .string, baseDirectory: String = "/") throws {
        let symbols = SymbolTable()
        let positions = PositionTable()
        let source = positions.add(Source(origin: origin, bytes: bytes, baseDirectory: baseDirectory))
        expr = try Parser(source: source, symbols: symbols).parse()
        evaluator = Evaluator(symbols: symbols, positions: positions, tree: expr.tree)
    }

    /// Parses `text`, as the file `path` when given, else as `--expr` text.
    init(_ text: String, file path: String? = nil, baseDirectory: String = "/") throws {
        try self.init(bytes: Array(text.utf8), origin: path.map { .file($0) } ?? .string,
                      baseDirectory: baseDirectory)
    }

    var positions: PositionTable { evaluator.positions }

    func evaluate() throws(EvalError) -> Value {
        try evaluator.evaluate(expr)
    }

    /// Evaluates, forces deeply and prints the value as `nix-instantiate --eval --strict`.
    func strictOutput() throws(EvalError) -> String {
        let value = try evaluate()
        try evaluator.forceDeep(value, .none)
        return ValuePrinter(evaluator).print(value)
    }

    /// `strictOutput()`, or the error rendered as the CLI renders it.
    func strictOutputOrDiagnostic() -> String {
        do {
            return try strictOutput()
        } catch {
            return DiagnosticRenderer.render(error.diagnostic, positions: positions)
        }
    }
}

/// Creates `/tmp/swix-TAG-PID/NAME` holding `contents`, runs `body(directory, file)`
/// and removes both again.
func withTemporaryFile<T>(_ tag: String, name: String, contents: String,
                          _ body: (_ directory: String, _ file: String) throws -> T) rethrows -> T {
    let dir = "/tmp/swix-\(tag)-\(getpid())"
    mkdir(dir, 0o755)
    let file = dir + "/" + name
    let f = fopen(file, "w")!
    fputs(contents, f)
    fclose(f)
    defer {
        unlink(file)
        rmdir(dir)
    }
    return try body(dir, file)
}

/// Evaluates `text` strictly on a large stack; the printed value, or the innermost
/// `error: …` line of the rendered diagnostic.
func evaluationOutcome(_ text: String) -> String {
    runWithLargeStack {
        let rendered: String
        do {
            rendered = try TestProgram(text).strictOutputOrDiagnostic()
        } catch {
            return "parse error: \(error)"
        }
        guard rendered.contains("error:") else { return rendered }
        let errors = rendered.split(separator: "\n").map { $0.drop(while: { $0 == " " }) }
            .filter { $0.hasPrefix("error:") }
        return errors.last.map(String.init) ?? rendered
    }
}
