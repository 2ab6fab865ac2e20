import SwixSyntax

/// `derivation` is not a primop: as in CppNix it is a Nix function wrapping
/// `derivationStrict`, which adds `type = "derivation"`, `outPath`, `drvPath`, an
/// attribute per output (each a copy of the whole set for that output), `all` and
/// `drvAttrs` to the attributes it was given.
///
/// The source below is evaluated once per evaluator. Its layout follows CppNix's
/// `derivation-internal.nix` line for line from the function header on, so that error
/// traces point at the same lines and columns (`strict = derivationStrict drvAttrs;` on
/// line 36, `outPath = strict.${outputName};` on line 49) and show the same excerpts.
enum DerivationFunction {
    static let origin = "«nix-internal»/derivation-internal.nix"

    static let source = """
    # The `derivation` function of swix.
    #
    # `derivationStrict` does the work: it turns the attributes into a store
    # derivation (a `.drv` file) and returns its path and the paths of its
    # outputs. This wrapper, written in Nix as in CppNix, makes the result
    # usable as a package:
    #
    #   * the attributes passed in are kept (and also as `drvAttrs`);
    #   * `type = "derivation"`, `drvPath` and `outPath` are added, the
    #     latter being the path of the first output listed in `outputs`;
    #   * each output gets an attribute of the same name: the same set, but
    #     with `outPath` and `outputName` of that output;
    #   * `all` lists those per-output sets.
    #
    # Everything is lazy: `derivationStrict` only runs when `drvPath`, an
    # output path or the string value of the derivation is needed.
    #
    # Only the names `derivationStrict`, `map` and `builtins` are used from
    # the global scope; they are bound when swix evaluates this file.
    #
    # The line layout matters: error traces show the lines that call
    # `derivationStrict` and select an output path, with their numbers.
    #
    #
    #
    #
    #
    #
    drvAttrs@{
      outputs ? [ "out" ],
      ...
    }:

    let

      strict = derivationStrict drvAttrs;

      commonAttrs =
        drvAttrs
        // (builtins.listToAttrs outputsList)
        // {
          all = map (x: x.value) outputsList;
          inherit drvAttrs;
        };

      outputToAttrListElement = outputName: {
        name = outputName;
        value = commonAttrs // {
          outPath = strict.${outputName};
          drvPath = strict.drvPath;
          type = "derivation";
          inherit outputName;
        };
      };

      outputsList = map outputToAttrListElement outputs;

    in
    (builtins.head outputsList).value

    """

    /// The names the source takes from the global scope, bound in its environment (the
    /// base environment is not complete yet when constants are created).
    static var freeNames: [String] { ["derivationStrict", "map", "builtins"] }
}

/// Evaluates to the global named `name` (looked up when first needed).
final class GlobalReferenceNode: Node {
    let name: Symbol
    init(name: Symbol) {
        self.name = name
        super.init(pos: .none)
    }

    override func eval(_ ev: Evaluator, _ env: Env) throws(EvalError) -> Value {
        guard let v = ev.globals[name] else {
            throw EvalError("the builtin '\(ev.symbols[name])' is not available in this version of swix")
        }
        return try ev.force(v, pos)
    }
}

extension Evaluator {
    /// The `derivation` function: `DerivationFunction.source` parsed and evaluated in an
    /// environment binding its free names to (lazy references to) the globals.
    func makeDerivationFunction() throws(EvalError) -> Value {
        let source = Source(origin: .file(DerivationFunction.origin), text: DerivationFunction.source, baseDirectory: "/")
        positions.add(source)
        let expr: Expr
        do {
            expr = try Parser(source: source, symbols: symbols, tree: tree).parse()
        } catch let d as Diagnostic {
            throw EvalError(d.message, at: d.pos)
        } catch {
            throw EvalError("\(error)")
        }
        // As `scopedImport` does: the free names are slots of an outermost environment.
        let names = DerivationFunction.freeNames.map { symbols.intern($0) }
        let env = Env.make(parent: nil, size: names.count)
        for (k, sym) in names.enumerated() {
            env.slots[k] = .thunk(Thunk(node: GlobalReferenceNode(name: sym), env: env))
        }
        let node = try Lowering(evaluator: self, extraNames: names).lower(expr)
        return try node.eval(self, env)
    }
}
