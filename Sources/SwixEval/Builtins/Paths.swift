import SwixSyntax
#if canImport(Glibc)
import Glibc
#endif

/// `import`, `scopedImport`, search paths (`<name>`, `-I`, `NIX_PATH`) and
/// reading the file system.
extension Builtins {
    static func paths() -> [PrimOp] {
        [
            PrimOp("import", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let path = try ev.realisePath(a[0], pos, "while evaluating the first argument passed to builtins.import")
                do throws(EvalError) {
                    return try ev.importFile(path, pos)
                } catch {
                    throw error.addTrace("while importing '\(path)'", at: pos)
                }
            },
            PrimOp("scopedImport", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let scope = try ev.forceAttrs(a[0], pos, "while evaluating the first argument passed to builtins.scopedImport")
                let path = try ev.realisePath(a[1], pos, "while evaluating the second argument passed to builtins.scopedImport")
                return try ev.evaluateFile(path, pos, scope: scope)
            },
            PrimOp("__findFile", arity: 2) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let entries = try ev.forceList(a[0], pos, "while evaluating the first argument passed to builtins.findFile")
                let name = try ev.forceString(a[1], pos, "while evaluating the second argument passed to builtins.findFile").string
                return .path(NixPath(Array(try ev.findFile(entries, name, pos).utf8)))
            },
            PrimOp("__readFile", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let path = try ev.realisePath(a[0], pos, "while evaluating the first argument passed to builtins.readFile")
                // Store objects this evaluation created (`.drv` files, `toFile`) are in memory.
                if let stored = ev.storeFileContents(forPath: path) { return .string(NixString(stored)) }
                guard let bytes = readWholeFile(path) else {
                    throw EvalError(fileErrorMessage(path, reading: true), at: pos)
                }
                if bytes.contains(0) {
                    throw EvalError("input string '\(String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self))' cannot be represented as Nix string because it contains null bytes", at: pos)
                }
                return .string(NixString(bytes))
            },
            PrimOp("__pathExists", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                // A string ending in `/` or `/.` names a directory: the path must be one.
                var mustBeDirectory = false
                if case .string(let s) = try ev.force(a[0], pos) {
                    mustBeDirectory = s.bytes.last == 47 || (s.bytes.count >= 2 && s.bytes.suffix(2).elementsEqual([47, 46]))
                }
                let path = try ev.realisePath(a[0], pos, "while evaluating the first argument passed to builtins.pathExists")
                var st = stat()
                if mustBeDirectory {
                    return .bool(stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR)
                }
                return .bool(lstat(path, &st) == 0)
            },
            PrimOp("__readFileType", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let path = try ev.realisePath(a[0], pos, "while evaluating the first argument passed to builtins.readFileType")
                var st = stat()
                guard lstat(path, &st) == 0 else { throw EvalError(fileErrorMessage(path, reading: false), at: pos) }
                return .string(NixString(fileType(st.st_mode)))
            },
            PrimOp("__readDir", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let path = try ev.realisePath(a[0], pos, "while evaluating the first argument passed to builtins.readDir")
                guard let dir = opendir(path) else {
                    // Current Nix words the two common failures itself, without a position.
                    switch errno {
                    case ENOENT: throw EvalError("path '\(path)' does not exist")
                    case ENOTDIR: throw EvalError("'\(path)' is not a directory")
                    default: throw EvalError(fileErrorMessage(path, reading: false), at: pos)
                    }
                }
                defer { closedir(dir) }
                var attrs: [Attr] = []
                while let entry = readdir(dir) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
                        Array(raw.prefix { $0 != 0 })
                    }
                    if name == [46] || name == [46, 46] { continue }
                    var st = stat()
                    let full = path + "/" + String(decoding: name, as: UTF8.self)
                    let type = lstat(full, &st) == 0 ? fileType(st.st_mode) : "unknown"
                    attrs.append(Attr(name: ev.symbols.intern(name), value: .string(NixString(type)), pos: .none))
                }
                return .attrs(Attrs.unsorted(attrs))
            },
            PrimOp("__toPath", arity: 1) { (ev: Evaluator, a: PrimOpArgs, pos: Pos) throws(EvalError) -> Value in
                let (bytes, _) = try ev.coerceToString(a[0], pos, "while evaluating the first argument passed to builtins.toPath",
                                                       interpolation: false)
                guard bytes.first == 47 else {
                    throw EvalError("string '\(String(decoding: bytes, as: UTF8.self))' doesn't represent an absolute path", at: pos)
                }
                return .string(NixString(SwixSyntax.Parser.canonicalize(bytes[...], trailingSlash: false)))
            },
        ]
    }

    static func fileType(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "regular"
        case S_IFDIR: return "directory"
        case S_IFLNK: return "symlink"
        default: return "unknown"
        }
    }

    static func fileErrorMessage(_ path: String, reading: Bool) -> String {
        let reason = String(cString: strerror(errno))
        return reading ? "opening file '\(path)': \(reason)" : "getting status of '\(path)': \(reason)"
    }

    static func readWholeFile(_ path: String) -> [UInt8]? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR else {
            if (st.st_mode & S_IFMT) == S_IFDIR { errno = EISDIR }
            return nil
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        out.reserveCapacity(Int(st.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}

extension Evaluator {
    /// A path argument: a path value, or a string holding an absolute path (an
    /// attribute set with `outPath` too), canonicalised.
    func realisePath(_ v: Value, _ pos: Pos, _ context: @autoclosure () -> String) throws(EvalError) -> String {
        let w = try force(v, pos)
        if case .path(let p) = w { return p.string }
        let bytes: [UInt8]
        do {
            bytes = try coerceToString(w, pos, context(), interpolation: false).0
        } catch {
            throw error.addTrace(context(), at: pos)
        }
        guard bytes.first == 47 else {
            throw EvalError("string '\(String(decoding: bytes, as: UTF8.self))' doesn't represent an absolute path", at: pos)
                .addTrace(context(), at: pos)
        }
        return String(decoding: SwixSyntax.Parser.canonicalize(bytes[...], trailingSlash: false), as: UTF8.self)
    }

    /// `import path`: evaluated once per file (the result is cached).
    func importFile(_ path: String, _ pos: Pos) throws(EvalError) -> Value {
        let resolved = Evaluator.resolveDirectory(path)
        if let cached = fileCache.values[resolved] { return try force(cached, pos) }
        let v = try evaluateFile(resolved, pos, scope: nil)
        fileCache.values[resolved] = v
        return v
    }

    static func resolveDirectory(_ path: String) -> String {
        if CorePackages.source(atPath: path) != nil { return path }
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { return path + "/default.nix" }
        return path
    }

    /// Parses and evaluates a file, with `scope`'s attributes as extra names above
    /// the base environment (`scopedImport`).
    func evaluateFile(_ path: String, _ pos: Pos, scope: Attrs?) throws(EvalError) -> Value {
        let resolved = Evaluator.resolveDirectory(path)
        let expr = try parseFile(resolved, pos)
        let names = scope?.attrs.map { $0.name } ?? []
        let node = try Lowering(evaluator: self, extraNames: names).lower(expr)
        let env = Env.make(parent: nil, size: names.count)
        if let scope { for (k, a) in scope.attrs.enumerated() { env.slots[k] = a.value } }
        return try node.eval(self, env)
    }

    func parseFile(_ path: String, _ pos: Pos) throws(EvalError) -> Expr {
        if let cached = fileCache.parsed[path] { return cached }
        let source: Source
        if let builtin = CorePackages.source(atPath: path) {
            source = Source(origin: .file(path), text: builtin, baseDirectory: Evaluator.directoryOf(path))
        } else {
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw EvalError("path '\(path)' does not exist", at: pos)
            }
            guard let s = Source(origin: .file(path), readingFile: path, baseDirectory: Evaluator.directoryOf(path)) else {
                throw EvalError(Builtins.fileErrorMessage(path, reading: true), at: pos)
            }
            source = s
        }
        positions.add(source)
        do {
            let expr = try Parser(source: source, symbols: symbols, homeDirectory: homeDirectory, tree: tree, lint: lint).parse()
            fileCache.parsed[path] = expr
            return expr
        } catch let d as Diagnostic {
            throw EvalError(d.message, at: d.pos)
        } catch {
            throw EvalError("\(error)", at: pos)
        }
    }

    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// `<name>`: the first search path entry that has it.
    func findFile(_ entries: NixList, _ name: String, _ pos: Pos) throws(EvalError) -> String {
        for e in entries.elements {
            let attrs = try forceAttrs(e, pos, "while evaluating an element of the list passed to builtins.findFile")
            var prefix = ""
            if let p = attrs.get(symbols.intern("prefix")) {
                prefix = try forceString(p, pos, "while evaluating the `prefix` attribute of an element of the list passed to builtins.findFile").string
            }
            guard let pathValue = attrs.get(symbols.intern("path")) else {
                throw EvalError("attribute 'path' missing", at: pos)
            }
            let (pathBytes, _) = try coerceToString(pathValue, pos,
                                                    "while evaluating the `path` attribute of an element of the list passed to builtins.findFile",
                                                    interpolation: false)
            let root = String(decoding: pathBytes, as: UTF8.self)
            var rest: String
            if prefix.isEmpty {
                rest = name
            } else if name == prefix {
                rest = ""
            } else if name.hasPrefix(prefix + "/") {
                rest = String(name.dropFirst(prefix.count + 1))
            } else {
                continue
            }
            let candidate = rest.isEmpty ? root : root + "/" + rest
            var st = stat()
            if stat(candidate, &st) == 0 {
                return String(decoding: SwixSyntax.Parser.canonicalize(Array(candidate.utf8)[...], trailingSlash: false), as: UTF8.self)
            }
        }
        if name == "nix/fetchurl.nix" || name.hasPrefix("nix/") {
            if let builtin = CorePackages.path(for: name) { return builtin }
        }
        throw EvalError("file '\(name)' was not found in the Nix search path (add it using $NIX_PATH or -I)", at: pos, kind: .thrown)
    }
}

/// Per-evaluator caches of parsed and evaluated files.
final class FileCache {
    var parsed: [String: Expr] = [:]
    var values: [String: Value] = [:]
}
