import SwixSyntax
import SwixEval
#if canImport(Glibc)
import Glibc
#endif

/// Runs one `nix-instantiate` invocation and returns its exit status.
final class InstantiateCommand {
    let console: Console
    let symbols = SymbolTable()
    let positions = PositionTable()
    /// Parsed inputs stay alive until the command object goes away. A one-shot CLI
    /// run exits without tearing the trees down (the kernel reclaims the memory
    /// at once; freeing millions of nodes one by one took a quarter of the run).
    private(set) var parsed: [Expr] = []
    /// Evaluators and their results stay alive as well, for the same reason: the
    /// lowered tree of a 5 MB file, and everything the result holds, were freed
    /// object by object before the process exited (6 percent of parse_big).
    private var evaluated: [(Evaluator, Value)] = []

    init(console: Console) {
        self.console = console
    }

    /// `--show-trace`, or `show-trace = true` in nix.conf / `NIX_CONFIG`.
    var showTrace = false

    func run(_ arguments: [String]) -> Int32 {
        let options: InstantiateOptions
        do {
            options = try InstantiateOptions.parse(arguments)
            showTrace = options.showTrace ?? NixConfig.load().bool("show-trace") ?? false
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
        configureLint(options)
        do {
            switch options.mode {
            case .parse:
                // Like nix-instantiate: each input is parsed, checked and printed in turn.
                for input in inputs(options) {
                    let expr = try load(input, options)
                    let text = try checkAndPrint(expr)
                    withExtendedLifetime(text) { console.write(text.buffer) }
                }
            case .eval, .instantiate:
                for input in inputs(options) {
                    let expr = try load(input, options)
                    let evaluator = Evaluator(symbols: symbols, positions: positions, tree: expr.tree)
                    if let depth = options.maxCallDepth { evaluator.maxCallDepth = depth; evaluator.maxNestingDepth = depth }
                    evaluator.homeDirectory = getenv("HOME").map { String(cString: $0) } ?? "/homeless-shelter"
                    evaluator.searchPath = searchPath(options)
                    evaluator.showTrace = showTrace
                    configureMessages(evaluator, options)
                    do {
                        let root = try autoCall(evaluator, try evaluator.evaluate(expr), options)
                        evaluated.append((evaluator, root))
                        // Each `-A` selects from the root (the root itself without any).
                        for path in options.attrPaths.isEmpty ? [""] : options.attrPaths {
                            let value = try select(evaluator, root, path)
                            if options.mode == .instantiate {
                                try instantiate(evaluator, value, options)
                            } else if options.json {
                                console.write(try evaluator.jsonString(value, strict: options.strict) + "\n")
                            } else if options.xml {
                                console.write(try evaluator.xmlString(value, location: options.location, strict: options.strict))
                            } else {
                                if options.strict { try evaluator.forceDeep(value, .none) }
                                console.write(ValuePrinter(evaluator).print(value) + "\n")
                            }
                        }
                    } catch {
                        console.error(DiagnosticRenderer.render(error.diagnostic, positions: positions,
                                                                showTrace: showTrace) + "\n")
                        // CppNix's usage errors end with a pointer to the help.
                        if error.kind == .usage { console.error("Try 'nix-instantiate --help' for more information.\n") }
                        return 1
                    }
                }
            case .findFile:
                console.error("error: --find-file is not available in this build of swix yet\n")
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

    /// Default mode: prints the store derivation of every derivation the value stands
    /// for (CppNix's `getDerivations`), `path!output` for an output other than `out`.
    /// Evaluating `derivation` already put the `.drv` in swix's store, which lives in
    /// memory: nothing is written to disk (with `NIX_REMOTE=dummy://` neither).
    func instantiate(_ ev: Evaluator, _ v: Value, _ options: InstantiateOptions) throws(EvalError) {
        let found = try ev.findDerivations(v, autoArgs: try autoArguments(ev, options))
        if let root = options.addRoot, !found.isEmpty, !usesDummyStore(options) {
            // Nix would register `root` as a garbage collector root in its local store
            // (a non-local store gets none); swix's derivations are in memory only.
            throw EvalError("cannot add the garbage collector root '\(root)': swix keeps the derivations it instantiates in memory and has no store to register roots in (leave out --add-root, or use NIX_REMOTE=dummy://)")
        }
        for drv in found {
            if options.addRoot == nil && !warnedAboutRoots {
                warnedAboutRoots = true
                console.error("warning: you did not specify '--add-root'; the result might be removed by the garbage collector\n")
            }
            console.write(drv.drvPath + (drv.outputName == "out" ? "" : "!" + drv.outputName) + "\n")
        }
    }

    /// Nix warns once per run about results without a root.
    private var warnedAboutRoots = false

    /// Whether the store is `dummy://` (`--store` or `NIX_REMOTE`), which holds nothing.
    func usesDummyStore(_ options: InstantiateOptions) -> Bool {
        let store = options.store ?? getenv("NIX_REMOTE").map { String(cString: $0) } ?? ""
        return store.hasPrefix("dummy://") || store == "dummy"
    }

    /// `--arg`/`--argstr`: a function with formals at the top is called with them
    /// (nix-instantiate's auto-calling).
    func autoCall(_ ev: Evaluator, _ v: Value, _ options: InstantiateOptions) throws(EvalError) -> Value {
        let w = try ev.force(v, .none)
        guard case .lambda = w else { return w }
        return try ev.autoCall(w, try autoArguments(ev, options))
    }

    /// The `--arg`/`--argstr` values as a set, made once per evaluator: auto-calling
    /// and the derivation search both use them, and each `-A` path (as CppNix,
    /// which builds its auto-arguments once).
    func autoArguments(_ ev: Evaluator, _ options: InstantiateOptions) throws(EvalError) -> Attrs {
        if let cached = autoArgumentsCache, autoArgumentsOwner === ev { return cached }
        let made = try makeAutoArguments(ev, options)
        autoArgumentsOwner = ev
        autoArgumentsCache = made
        return made
    }

    private weak var autoArgumentsOwner: Evaluator?
    private var autoArgumentsCache: Attrs?

    private func makeAutoArguments(_ ev: Evaluator, _ options: InstantiateOptions) throws(EvalError) -> Attrs {
        var attrs: [Attr] = []
        for a in options.autoArgs {
            let value: Value
            if a.isString {
                value = .string(NixString(a.value))
            } else {
                let source = Source(origin: .string, text: a.value, baseDirectory: currentDirectory())
                positions.add(source)
                let expr: Expr
                do {
                    expr = try Parser(source: source, symbols: symbols, tree: ev.tree).parse()
                } catch let d as Diagnostic {
                    throw EvalError(d.message, at: d.pos)
                } catch {
                    throw EvalError("\(error)")
                }
                value = try ev.evaluate(expr)
            }
            attrs.append(Attr(name: symbols.intern(a.name), value: value, pos: .none))
        }
        return Attrs.unsorted(attrs)
    }

    /// `-I` entries, then `NIX_PATH`'s: `prefix=path` or `path`, relative paths
    /// taken from the current directory.
    func searchPath(_ options: InstantiateOptions) -> [(prefix: String, path: String)] {
        var entries = options.searchPath
        if let env = getenv("NIX_PATH").map({ String(cString: $0) }), !env.isEmpty {
            entries += env.split(separator: ":").map(String.init)
        }
        let cwd = currentDirectory()
        return entries.map { entry in
            var prefix = "", path = entry
            if let eq = entry.firstIndex(of: "=") {
                prefix = String(entry[..<eq])
                path = String(entry[entry.index(after: eq)...])
            }
            if !path.hasPrefix("/") && !path.contains("://") { path = absolutePath(path, cwd: cwd) }
            return (prefix, path)
        }
    }

    /// `-A a.b.0.c`: attribute names, or list indices for lists.
    func select(_ ev: Evaluator, _ v: Value, _ path: String) throws(EvalError) -> Value {
        var cur = try ev.force(v, .none)
        for part in path.split(separator: ".", omittingEmptySubsequences: true) {
            if case .list(let l) = cur, let i = Int(part) {
                guard i >= 0 && i < l.count else { throw EvalError("list index \(i) in selection path '\(path)' is out of range") }
                cur = try ev.force(l.elements[i], .none)
                continue
            }
            guard case .attrs(let a) = cur else {
                throw EvalError("the expression selected by the selection path '\(path)' should be a set but is \(cur.typeDescription)")
            }
            guard let next = a.get(symbols.intern(String(part))) else {
                throw EvalError("attribute '\(part)' in selection path '\(path)' not found")
            }
            cur = try ev.force(next, .none)
        }
        return cur
    }

    /// The inputs: `--expr` strings, files, or `-` for standard input (default: `./default.nix`).
    func inputs(_ options: InstantiateOptions) -> [String] {
        options.files.isEmpty && !options.fromExpressions ? ["./default.nix"] : options.files
    }

    /// Reads and parses one input.
    func load(_ input: String, _ options: InstantiateOptions) throws -> Expr {
        let cwd = currentDirectory()
        let source: Source
        if options.fromExpressions {
            source = Source(origin: .string, text: input, baseDirectory: cwd)
        } else if input == "-" {
            source = Source(origin: .stdin, bytes: console.readStdin(), baseDirectory: cwd)
        } else {
            var path = absolutePath(input, cwd: cwd)
            if isDirectory(path) { path += "/default.nix" }
            guard let s = Source(origin: .file(path), readingFile: path, baseDirectory: directoryOf(path)) else {
                throw FileError(message: "getting status of '\(path)': No such file or directory")
            }
            source = s
        }
        positions.add(source)
        let home = getenv("HOME").map { String(cString: $0) } ?? "/homeless-shelter"
        let t0 = monotonicSeconds()
        let expr = try Parser(source: source, symbols: symbols, homeDirectory: home, lint: lint).parse()
        if timing { console.error("timing: parse \((monotonicSeconds() - t0) * 1000) ms, \(expr.tree.nodeCount) nodes\n") }
        parsed.append(expr)
        return expr
    }

    /// The scope check and `--parse` printing of one expression. Both only read the
    /// tree, so the check runs on a second thread while this one prints; output is
    /// kept back until the check has passed.
    func checkAndPrint(_ expr: Expr) throws -> ByteBuffer {
        let t0 = monotonicSeconds()
        let checker = ScopeChecker(symbols: symbols)
        // Fill the symbol table's lazily computed data before two threads read it.
        symbols.prepareForConcurrentReading()
        var checkError: Error?
        var printError: Error?
        // `--parse` output is about as long as the input: allocate it once.
        let text = ByteBuffer(capacity: max(1 << 16, positions.sources.last.map { $0.count + $0.count / 8 } ?? 0))
        runConcurrently({
            do { try checker.check(expr) } catch { checkError = error }
        }, {
            do {
                try ASTPrinter(symbols: self.symbols).write(expr, into: text)
                text.append(10)
            } catch { printError = error }
        })
        if timing { console.error("timing: check + print \((monotonicSeconds() - t0) * 1000) ms\n") }
        if let checkError { throw checkError }
        if let printError { throw printError }
        return text
    }

    /// `--lint-*` flags (and `--option lint-… LEVEL`): levels for every parse, and
    /// warnings printed as Nix prints them.
    /// The debugging builtins (trace, traceVerbose, warn) and evaluation warnings
    /// write through the console; `--trace-verbose`, `--abort-on-warn` and their
    /// `--option` forms, and the TOML timestamps feature.
    private func configureMessages(_ evaluator: Evaluator, _ options: InstantiateOptions) {
        evaluator.messageSink = { [console] text in console.error(text) }
        evaluator.lint = lint
        if options.traceVerbose { evaluator.traceVerbose = true }
        if options.abortOnWarn { evaluator.abortOnWarn = true }
        for (name, value) in options.options {
            let on = value == "true" || value == "1" || value == "yes"
            if name == "trace-verbose" { evaluator.traceVerbose = on }
            if name == "abort-on-warn" { evaluator.abortOnWarn = on }
        }
        evaluator.parseTomlTimestamps = options.experimentalFeatures.contains("parse-toml-timestamps")
    }

    /// The `lint-*` settings of this run, for its parsers and evaluators.
    private var lint = Lint()

    private func configureLint(_ options: InstantiateOptions) {
        var levels = options.lint
        for (name, value) in options.options where name.hasPrefix("lint-") { levels[name] = value }
        func level(_ name: String) -> Lint.Level { levels[name].flatMap(Lint.Level.init(rawValue:)) ?? .ignore }
        lint.absolutePathLiterals = level("lint-absolute-path-literals")
        lint.shortPathLiterals = level("lint-short-path-literals")
        lint.urlLiterals = level("lint-url-literals")
        lint.warn = { [console, positions] d in
            console.error(DiagnosticRenderer.render(d, positions: positions, prefix: "warning") + "\n")
        }
    }
}

let swixVersion = "0.1.0"

/// `SWIX_TIMING=1` prints the time spent in each phase to standard error.
let timing = getenv("SWIX_TIMING") != nil

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

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

func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}

/// The settings of `nix.conf` (in `$NIX_CONF_DIR`, default `/etc/nix`) and of
/// `NIX_CONFIG`, as `key = value` lines; later ones win.
struct NixConfig {
    var settings: [String: String] = [:]

    static func load() -> NixConfig {
        var config = NixConfig()
        let dir = getenv("NIX_CONF_DIR").map { String(cString: $0) } ?? "/etc/nix"
        if let source = Source(origin: .none, readingFile: dir + "/nix.conf", baseDirectory: dir) {
            config.read(String(decoding: source.bytes, as: UTF8.self))
        }
        if let env = getenv("NIX_CONFIG").map({ String(cString: $0) }) { config.read(env) }
        return config
    }

    mutating func read(_ text: String) {
        for rawLine in text.split(whereSeparator: { $0 == "\n" }) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: " \t")
            let value = line[line.index(after: eq)...].trimmingCharacters(in: " \t")
            if !key.isEmpty { settings[key] = value }
        }
    }

    func bool(_ key: String) -> Bool? {
        switch settings[key] {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
