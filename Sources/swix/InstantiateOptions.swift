/// The command line of `nix-instantiate`, read the way Nix reads it: flags in any
/// order, some taking one or two values, everything else a file (or, with
/// `--expr`, an expression).
struct InstantiateOptions {
    enum Mode { case instantiate, parse, eval, findFile }

    struct UsageError: Error { let message: String }

    var mode: Mode = .instantiate
    var strict = false
    var json = false
    var xml = false
    var location = true
    var readWrite = false
    var fromExpressions = false
    var attrPaths: [String] = []
    /// `--arg NAME EXPR` (`isString == false`) and `--argstr NAME STR`.
    var autoArgs: [(name: String, value: String, isString: Bool)] = []
    var searchPath: [String] = []
    /// From `--show-trace`/`--no-show-trace`; nil: the configuration decides.
    var showTrace: Bool?
    var store: String?
    var addRoot: String?
    var options: [(String, String)] = []
    var experimentalFeatures: [String] = []
    var traceVerbose = false
    var abortOnWarn = false
    var maxCallDepth: Int?
    var lint: [String: String] = [:]
    var pureEval = false
    var files: [String] = []
    var showHelp = false
    var showVersion = false

    static let usage = """
    Usage: swix instantiate [OPTIONS] [FILES|-]
           nix-instantiate [OPTIONS] [FILES|-]

    Without --parse or --eval: print the store derivations of the result's derivations.

      --parse                 print the abstract syntax tree
      --eval                  evaluate (with --strict, --json, --xml, --no-location)
      -E, --expr              read expressions from the command line instead of files
      -A, --attr PATH         select an attribute of the result
      --arg NAME EXPR         pass an argument to a top-level function
      --argstr NAME STRING    pass a string argument to a top-level function
      -I, --include [NAME=]PATH  add to the search path for <...> lookups
      --show-trace            show the full evaluation trace on errors
      --read-write-mode       write derivations to the store
      --add-root PATH         register the derivations as garbage collector roots (needs a store)
      --store ROOT            use the store rooted at ROOT
      --find-file             resolve <...> paths only
      --max-call-depth N      limit function call depth (default 1000000; the stack guard stops runaway recursion first)
    """

    static func parse(_ args: [String]) throws -> InstantiateOptions {
        var o = InstantiateOptions()
        var k = 0
        func value(_ flag: String) throws -> String {
            k += 1
            guard k < args.count else { throw UsageError(message: "flag '\(flag)' requires an argument") }
            return args[k]
        }
        while k < args.count {
            let a = args[k]
            switch a {
            case "--parse", "--parse-only": o.mode = .parse
            case "--eval", "--eval-only": o.mode = .eval
            case "--find-file": o.mode = .findFile
            case "--strict": o.strict = true
            case "--json": o.json = true
            case "--xml": o.xml = true
            case "--no-location": o.location = false
            case "--read-write-mode": o.readWrite = true
            case "--readonly-mode": o.readWrite = false
            case "-E", "--expr": o.fromExpressions = true
            case "-A", "--attr": o.attrPaths.append(try value(a))
            case "--arg":
                let name = try value(a)
                o.autoArgs.append((name, try value(a), false))
            case "--argstr":
                let name = try value(a)
                o.autoArgs.append((name, try value(a), true))
            case "-I", "--include": o.searchPath.append(try value(a))
            case "--show-trace": o.showTrace = true
            case "--no-show-trace": o.showTrace = false
            case "--store": o.store = try value(a)
            case "--add-root": o.addRoot = try value(a)
            case "--indirect", "--dry-run", "-Q", "--no-build-output", "--quiet", "-v", "--verbose",
                 "--impure", "--no-pure-eval", "--no-restrict-eval":
                if a == "--impure" || a == "--no-pure-eval" { o.pureEval = false }
            case "--pure-eval": o.pureEval = true
            case "--restrict-eval": break
            case "--option":
                let name = try value(a)
                o.options.append((name, try value(a)))
            case "--extra-experimental-features", "--experimental-features":
                o.experimentalFeatures.append(contentsOf: try value(a).split(separator: " ").map(String.init))
            case "--trace-verbose": o.traceVerbose = true
            case "--abort-on-warn": o.abortOnWarn = true
            case "--max-call-depth":
                let v = try value(a)
                guard let n = Int(v), n > 0 else { throw UsageError(message: "invalid value '\(v)' for --max-call-depth") }
                o.maxCallDepth = n
            case "--lint-absolute-path-literals", "--lint-short-path-literals", "--lint-url-literals":
                let level = try value(a)
                guard ["ignore", "warn", "fatal"].contains(level) else {
                    throw UsageError(message: "invalid value '\(level)' for \(a)")
                }
                o.lint[String(a.dropFirst(2))] = level
            case "-h", "--help": o.showHelp = true
            case "--version": o.showVersion = true
            case "--":
                o.files.append(contentsOf: args[(k + 1)...])
                k = args.count
                continue
            default:
                if a.hasPrefix("-") && a != "-" {
                    throw UsageError(message: "unrecognised flag '\(a)'")
                }
                o.files.append(a)
            }
            k += 1
        }
        return o
    }
}
