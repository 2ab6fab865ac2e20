import SwixSyntax

/// One fuzz iteration: lex the input to the end, then parse, scope-check and
/// print it, rendering any diagnostic. Anything other than a clean return or a
/// thrown error (trap, sanitizer report, hang, runaway memory) is a bug.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes: [UInt8] = (data != nil && size > 0)
        ? Array(UnsafeBufferPointer(start: data, count: size))
        : []

    lexToEnd(bytes)

    let symbols = SymbolTable()
    let positions = PositionTable()
    let source = Source(origin: .stdin, bytes: bytes, baseDirectory: "/tmp")
    positions.add(source)
    do {
        let expr = try Parser(source: source, symbols: symbols, homeDirectory: "/home/u").parse()
        try ScopeChecker(symbols: symbols).check(expr)
        _ = ASTPrinter(symbols: symbols).print(expr)
    } catch let d as Diagnostic {
        _ = DiagnosticRenderer.render(d, positions: positions)
    } catch {}
    return 0
}

/// Runs the lexer on its own until `.eof`. Every token consumes input or ends
/// it (after an error the lexer must go on to `.eof`), so a bounded number of
/// calls must reach the end; not reaching it is a bug.
func lexToEnd(_ bytes: [UInt8]) {
    let lexer = Lexer(bytes: bytes)
    let limit = bytes.count * 4 + 10
    var steps = 0
    while lexer.next().kind != .eof {
        steps += 1
        if steps > limit {
            fatalError("Lexer did not reach .eof after \(limit) tokens on a \(bytes.count)-byte input")
        }
    }
}
