import SwixSyntax
#if canImport(Glibc)
import Glibc
#endif

/// Runs one `nix-instantiate` invocation and returns its exit status.
struct InstantiateCommand {
    let console: Console
    let symbols = SymbolTable()
    let positions = PositionTable()

    func run(_ arguments: [String]) -> Int32 {
        let options: InstantiateOptions
        do {
            options = try InstantiateOptions.parse(arguments)
        } catch let e as InstantiateOptions.UsageError {
            console.error("error: \(e.message)\nTry 'nix-instantiate --help' for more information.\n")
            return 1
        } catch {
            return 1
        }
        if options.showHelp {
            console.write(InstantiateOptions.usage + "\n")
            return 0
        }
        if options.showVersion {
            console.write("nix-instantiate (swix) \(swixVersion)\n")
            return 0
        }
        do {
            switch options.mode {
            case .parse:
                for expr in try loadAll(options) {
                    let text = try ASTPrinter(symbols: symbols).bytes(expr)
                    console.write(text + [10])
                }
            case .eval, .instantiate, .findFile:
                // Parse (and scope-check) everything first, as Nix does, then report
                // that this build cannot evaluate yet.
                _ = try loadAll(options)
                console.error("error: evaluation is not available in this build of swix yet; use --parse\n")
                return 1
            }
        } catch let d as Diagnostic {
            console.error(DiagnosticRenderer.render(d, positions: positions) + "\n")
            return 1
        } catch is ASTPrinter.TooDeep {
            console.error("error: stack overflow; expression nested too deeply to print\n")
            return 1
        } catch let e as FileError {
            console.error("error: \(e.message)\n")
            return 1
        } catch {
            console.error("error: \(error)\n")
            return 1
        }
        return 0
    }

    struct FileError: Error { let message: String }

    /// Parses every input: `--expr` strings, files, or `-` for standard input
    /// (default: `./default.nix`), checking scopes as `bindVars` does.
    func loadAll(_ options: InstantiateOptions) throws -> [Expr] {
        let cwd = currentDirectory()
        var inputs = options.files
        if inputs.isEmpty && !options.fromExpressions { inputs = ["./default.nix"] }
        var result: [Expr] = []
        for input in inputs {
            let source: Source
            if options.fromExpressions {
                source = Source(origin: .string, text: input, baseDirectory: cwd)
            } else if input == "-" {
                source = Source(origin: .stdin, bytes: console.readStdin(), baseDirectory: cwd)
            } else {
                let path = absolutePath(input, cwd: cwd)
                guard let bytes = readFile(path) else {
                    throw FileError(message: "getting status of '\(path)': No such file or directory")
                }
                source = Source(origin: .file(path), bytes: bytes, baseDirectory: directoryOf(path))
            }
            positions.add(source)
            let home = getenv("HOME").map { String(cString: $0) } ?? "/homeless-shelter"
            let expr = try Parser(source: source, symbols: symbols, homeDirectory: home).parse()
            try ScopeChecker(symbols: symbols).check(expr)
            result.append(expr)
        }
        return result
    }
}

let swixVersion = "0.1.0"

func currentDirectory() -> String {
    var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buf, buf.count) != nil else { return "/" }
    let len = buf.firstIndex(of: 0) ?? buf.count
    return String(decoding: buf[..<len].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func absolutePath(_ p: String, cwd: String) -> String {
    let joined = p.hasPrefix("/") ? p : cwd + "/" + p
    return String(decoding: Parser.canonicalize(Array(joined.utf8)[...], trailingSlash: false), as: UTF8.self)
}

func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let dir = String(path[..<slash])
    return dir.isEmpty ? "/" : dir
}

/// Reads a whole file, following a directory to its `default.nix` as Nix's `import` does.
func readFile(_ path: String) -> [UInt8]? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    if (st.st_mode & S_IFMT) == S_IFDIR { return readFile(path + "/default.nix") }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    return Console.readAll(fd)
}
