/// Names CppNix interns before it parses anything, in its order
/// (`StaticEvalSymbols`). Symbol ids decide the order in which attribute
/// definitions are checked, and so which of several errors is reported first;
/// interning these first makes swix report the same one.
enum StaticSymbols {
    static let names: [String] = [
        "<with>", "outPath", "drvPath", "type", "meta", "name", "value", "system", "__overrides",
        "outputs", "outputName", "__ignoreNulls", "file", "line", "column", "__functor", "__toString",
        "right", "wrong", "__structuredAttrs", "__json", "allowedReferences", "allowedRequisites",
        "disallowedReferences", "disallowedRequisites", "maxSize", "maxClosureSize", "builder", "args",
        "__contentAddressed", "__impure", "outputHash", "outputHashAlgo", "outputHashMode",
        "recurseForDerivations", "description", "self", "", "startSet", "operator", "key", "path",
        "prefix", "outputSpecified", "requiredSystemFeatures",
        "__sub", "__lessThan", "__mul", "__div", "or", "__findFile", "__nixPath", "body",
    ]
}

/// Some of those names as constants: every symbol table interns `StaticSymbols.names`
/// first, in order, so their ids are their positions there (checked when a table is
/// made). Builtins that look these names up per call (`listToAttrs`, `derivationStrict`)
/// take them from here instead of interning a `String` each time.
extension Symbol {
    @inlinable public static var drvPath: Symbol { Symbol(id: 2) }
    @inlinable public static var name: Symbol { Symbol(id: 5) }
    @inlinable public static var value: Symbol { Symbol(id: 6) }
    @inlinable public static var ignoreNulls: Symbol { Symbol(id: 11) }
    @inlinable public static var structuredAttrs: Symbol { Symbol(id: 19) }

    /// The constants above, with the names they stand for.
    static var constants: [(Symbol, String)] {
        [(.drvPath, "drvPath"), (.name, "name"), (.value, "value"), (.ignoreNulls, "__ignoreNulls"),
         (.structuredAttrs, "__structuredAttrs")]
    }
}
