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
