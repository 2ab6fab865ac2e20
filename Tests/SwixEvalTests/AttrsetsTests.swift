import Testing
@testable import SwixEval
import SwixSyntax

/// Parses `source` (as a file at `path`, or as `-E` text), evaluates it strictly and
/// prints the value as `nix-instantiate --eval --strict` does; an error becomes
/// `error: MESSAGE` followed by its trace frames, outermost first, one per line.
private func evaluate(_ text: String, file path: String? = nil) -> String {
    let program: TestProgram
    do {
        program = try TestProgram(text, file: path)
    } catch {
        return "parse error: \(error)"
    }
    do {
        return try program.strictOutput()
    } catch {
        return (["error: \(error.message)"] + error.traces.reversed().map { "… \($0.message)" }).joined(separator: "\n")
    }
}

/// Expected outputs come from `nix-instantiate --eval --strict -E '…'` (Nix 2.8),
/// except where the conformance corpus (current Nix) differs, as noted.
@Suite("Attribute-set builtins")
struct AttrsetsTests {
    // MARK: attrNames, attrValues

    @Test func attrNamesSortsByBytes() {
        #expect(evaluate(#"builtins.attrNames { b = 1; a = 2; B = 3; "a b" = 4; "" = 5; }"#) == #"[ "" "B" "a" "a b" "b" ]"#)
        // Symbols interned in the opposite order.
        #expect(evaluate("builtins.attrNames { zz = 1; aa = 2; }") == #"[ "aa" "zz" ]"#)
        #expect(evaluate("builtins.attrNames { }") == "[ ]")
        // Names alike in their first eight bytes (one sort key), and a set past
        // the insertion sort's size.
        #expect(evaluate("builtins.attrNames { abcdefghij = 7; abcdefghi = 8; abcdefgh = 9; abcdefghia = 10; abcdefgg = 1; abcdefgi = 2; }")
                == #"[ "abcdefgg" "abcdefgh" "abcdefghi" "abcdefghia" "abcdefghij" "abcdefgi" ]"#)
        #expect(evaluate("builtins.attrValues { abcdefghij = 7; abcdefghi = 8; abcdefgh = 9; abcdefghia = 10; abcdefgg = 1; abcdefgi = 2; }")
                == "[ 1 9 8 10 7 2 ]")
        #expect(evaluate(#"builtins.attrNames (builtins.listToAttrs (builtins.genList (i: { name = "k${toString (i * 7919 - 300)}"; value = i; }) 20))"#)
                == #"[ "k-300" "k102647" "k110566" "k118485" "k126404" "k134323" "k142242" "k150161" "k15538" "k23457" "k31376" "k39295" "k47214" "k55133" "k63052" "k70971" "k7619" "k78890" "k86809" "k94728" ]"#)
        #expect(evaluate("builtins.toJSON { abcdefghij = 7; abcdefghi = 8; abcdefgh = 9; abcdefghia = 10; }")
                == #""{\"abcdefgh\":9,\"abcdefghi\":8,\"abcdefghia\":10,\"abcdefghij\":7}""#)
    }

    @Test func attrNamesOfUpdate() {
        #expect(evaluate(#"builtins.attrNames ({ y = 1; x = 2; foo = 3; } // rec { x = 4; bar = x; })"#)
                == #"[ "bar" "foo" "x" "y" ]"#)
    }

    @Test func attrValuesInNameOrder() {
        #expect(evaluate(#"builtins.attrValues { b = 1; a = 2; B = 3; "a b" = 4; "" = 5; }"#) == "[ 5 3 2 4 1 ]")
        #expect(evaluate("builtins.attrValues { }") == "[ ]")
    }

    @Test func attrValuesAreLazy() {
        #expect(evaluate(#"builtins.length (builtins.attrValues { a = throw "no"; b = 1; })"#) == "2")
    }

    @Test func attrNamesErrors() {
        #expect(evaluate("builtins.attrNames [ ]") == """
            error: expected a set but found a list: [ ]
            … while calling the 'attrNames' builtin
            … while evaluating the argument passed to builtins.attrNames
            """)
        #expect(evaluate("builtins.attrValues [ ]") == """
            error: expected a set but found a list: [ ]
            … while calling the 'attrValues' builtin
            … while evaluating the argument passed to builtins.attrValues
            """)
    }

    // MARK: getAttr, hasAttr

    @Test func getAttr() {
        #expect(evaluate(#"builtins.getAttr "a" { a = 1; b = throw "x"; }"#) == "1")
        #expect(evaluate(#"builtins.getAttr "a" { a = { b = 1; }; }"#) == "{ b = 1; }")
        #expect(evaluate(#"let as = { x = 123; } // { z = 789; } // { z = 987; }; in builtins.getAttr "z" as"#) == "987")
    }

    @Test func getAttrErrors() {
        #expect(evaluate("builtins.getAttr [ ] [ ]") == """
            error: expected a string but found a list: [ ]
            … while calling the 'getAttr' builtin
            … while evaluating the first argument passed to builtins.getAttr
            """)
        #expect(evaluate(#"builtins.getAttr "foo" [ ]"#) == """
            error: expected a set but found a list: [ ]
            … while calling the 'getAttr' builtin
            … while evaluating the second argument passed to builtins.getAttr
            """)
        #expect(evaluate(#"builtins.getAttr "foo" { }"#) == """
            error: attribute 'foo' missing
            … while calling the 'getAttr' builtin
            … in the attribute set under consideration
            """)
        // The value is forced inside the call; every builtin call adds its frame
        // (current Nix, as in the corpus: `throw` has one too).
        #expect(evaluate(#"builtins.getAttr "a" { a = throw "boom"; }"#) == """
            error: boom
            … while calling the 'getAttr' builtin
            … while calling the 'throw' builtin
            """)
    }

    @Test func hasAttr() {
        #expect(evaluate(#"builtins.hasAttr "b" { a = 1; }"#) == "false")
        #expect(evaluate(#"builtins.hasAttr "a" { a = throw "x"; }"#) == "true")
        #expect(evaluate(#"builtins.hasAttr "never-interned-name" { }"#) == "false")
    }

    @Test func hasAttrErrors() {
        #expect(evaluate("builtins.hasAttr [ ] [ ]") == """
            error: expected a string but found a list: [ ]
            … while calling the 'hasAttr' builtin
            … while evaluating the first argument passed to builtins.hasAttr
            """)
        #expect(evaluate(#"builtins.hasAttr "foo" [ ]"#) == """
            error: expected a set but found a list: [ ]
            … while calling the 'hasAttr' builtin
            … while evaluating the second argument passed to builtins.hasAttr
            """)
    }

    // MARK: removeAttrs

    @Test func removeAttrs() {
        #expect(evaluate(#"removeAttrs { x = 1; y = 2; z = 3; } [ "a" "x" "z" ]"#) == "{ y = 2; }")
        #expect(evaluate("removeAttrs { x = 1; } [ ]") == "{ x = 1; }")
        #expect(evaluate(#"removeAttrs { x = 1; } [ "x" "x" ]"#) == "{ }")
        #expect(evaluate(#"builtins.removeAttrs { b = throw "kept lazily"; a = 1; } [ "b" ]"#) == "{ a = 1; }")
    }

    @Test func removeAttrsErrors() {
        #expect(evaluate(#"builtins.removeAttrs "" [ "1" ]"#) == """
            error: expected a set but found a string: ""
            … while calling the 'removeAttrs' builtin
            … while evaluating the first argument passed to builtins.removeAttrs
            """)
        #expect(evaluate("builtins.removeAttrs { } 1") == """
            error: expected a list but found an integer: 1
            … while calling the 'removeAttrs' builtin
            … while evaluating the second argument passed to builtins.removeAttrs
            """)
        #expect(evaluate("builtins.removeAttrs { } [ 1 ]") == """
            error: expected a string but found an integer: 1
            … while calling the 'removeAttrs' builtin
            … while evaluating the values of the second argument passed to builtins.removeAttrs
            """)
    }

    // MARK: intersectAttrs

    @Test func intersectAttrsTakesValuesFromTheSecond() {
        #expect(evaluate(#"builtins.intersectAttrs { a = throw "l"; c = 1; } { a = 1; b = 2; }"#) == "{ a = 1; }")
        #expect(evaluate(#"builtins.intersectAttrs { a = abort "l1"; } { b = abort "r1"; }"#) == "{ }")
        // The larger set on either side.
        #expect(evaluate(#"builtins.intersectAttrs { a = 0; b = 0; c = 0; } { b = 2; }"#) == "{ b = 2; }")
        #expect(evaluate(#"builtins.intersectAttrs { b = 0; } { a = 1; b = 2; c = 3; }"#) == "{ b = 2; }")
        #expect(evaluate("let s = { a = 1; }; in builtins.intersectAttrs s s == s") == "true")
    }

    @Test func intersectAttrsErrors() {
        #expect(evaluate("builtins.intersectAttrs [ ] [ ]") == """
            error: expected a set but found a list: [ ]
            … while calling the 'intersectAttrs' builtin
            … while evaluating the first argument passed to builtins.intersectAttrs
            """)
        #expect(evaluate("builtins.intersectAttrs { } [ ]") == """
            error: expected a set but found a list: [ ]
            … while calling the 'intersectAttrs' builtin
            … while evaluating the second argument passed to builtins.intersectAttrs
            """)
    }

    // MARK: catAttrs

    @Test func catAttrs() {
        #expect(evaluate(#"builtins.catAttrs "a" [ { a = 1; } { b = 0; } { a = 2; } ]"#) == "[ 1 2 ]")
        #expect(evaluate(#"builtins.catAttrs "a" [ ]"#) == "[ ]")
        #expect(evaluate(#"builtins.length (builtins.catAttrs "a" [ { a = throw "lazy"; } ])"#) == "1")
    }

    @Test func catAttrsErrors() {
        #expect(evaluate("builtins.catAttrs [ ] { }") == """
            error: expected a string but found a list: [ ]
            … while calling the 'catAttrs' builtin
            … while evaluating the first argument passed to builtins.catAttrs
            """)
        #expect(evaluate(#"builtins.catAttrs "foo" null"#) == """
            error: expected a list but found null: null
            … while calling the 'catAttrs' builtin
            … while evaluating the second argument passed to builtins.catAttrs
            """)
        #expect(evaluate(#"builtins.catAttrs "foo" [ { foo = 1; } 1 { bar = 5; } ]"#) == """
            error: expected a set but found an integer: 1
            … while calling the 'catAttrs' builtin
            … while evaluating an element in the list passed as second argument to builtins.catAttrs
            """)
    }

    // MARK: mapAttrs

    @Test func mapAttrs() {
        #expect(evaluate(#"builtins.mapAttrs (n: v: n + "-" + v) { x = "foo"; y = "bar"; }"#) == #"{ x = "x-foo"; y = "y-bar"; }"#)
        #expect(evaluate("builtins.mapAttrs (n: v: v * 2) (builtins.mapAttrs (n: v: v + 1) { a = 1; b = 2; })")
                == "{ a = 4; b = 6; }")
        #expect(evaluate("builtins.mapAttrs (n: v: v) { }") == "{ }")
    }

    @Test func mapAttrsIsLazy() {
        #expect(evaluate(#"builtins.hasAttr "a" (builtins.mapAttrs (n: v: throw "no") { a = 1; })"#) == "true")
        #expect(evaluate("builtins.attrNames (builtins.mapAttrs throw { b = 1; a = 2; })") == #"[ "a" "b" ]"#)
        // The function is not forced by the call itself.
        #expect(evaluate(#"builtins.attrNames (builtins.mapAttrs (throw "f") { a = 1; })"#) == #"[ "a" ]"#)
        // Each value is computed once.
        #expect(evaluate(#"let m = builtins.mapAttrs (n: v: v + 1) { a = 1; }; in [ m.a m.a ]"#) == "[ 2 2 ]")
    }

    @Test func mapAttrsErrors() {
        #expect(evaluate("builtins.mapAttrs [ ] [ ]") == """
            error: expected a set but found a list: [ ]
            … while calling the 'mapAttrs' builtin
            … while evaluating the second argument passed to builtins.mapAttrs
            """)
        // From the conformance corpus: the call happens when the attribute is forced.
        #expect(evaluate(#"builtins.mapAttrs "" { foo.bar = 1; }"#) == """
            error: attempt to call something which is not a function but a string: ""
            … while evaluating the attribute 'foo'
            """)
        #expect(evaluate(#"builtins.mapAttrs (x: x + "1") { foo.bar = 1; }"#) == """
            error: attempt to call something which is not a function but a string: "foo1"
            … while evaluating the attribute 'foo'
            """)
    }

    @Test func mapAttrsResultHasNoPositions() {
        // CppNix builds the result without positions.
        #expect(evaluate("builtins.unsafeGetAttrPos \"a\" (builtins.mapAttrs (n: v: v) {\n  a = 1;\n})",
                         file: "/src/m.nix") == "null")
    }

    // MARK: functionArgs

    @Test func functionArgs() {
        #expect(evaluate("builtins.functionArgs ({ x, y ? 123, ... }: x)") == "{ x = false; y = true; }")
        #expect(evaluate("builtins.functionArgs (args@{ b, a ? 1 }: a)") == "{ a = true; b = false; }")
        #expect(evaluate("builtins.functionArgs ({ }: 1)") == "{ }")
        #expect(evaluate("builtins.functionArgs (x: x)") == "{ }")
        #expect(evaluate("builtins.functionArgs builtins.isAttrs") == "{ }")
        #expect(evaluate(#"builtins.functionArgs (builtins.getAttr "a")"#) == "{ }")
    }

    @Test func functionArgsErrors() {
        #expect(evaluate("builtins.functionArgs { }") == """
            error: 'functionArgs' requires a function
            … while calling the 'functionArgs' builtin
            """)
        #expect(evaluate("builtins.functionArgs { __functor = self: x: x; }") == """
            error: 'functionArgs' requires a function
            … while calling the 'functionArgs' builtin
            """)
    }

    // MARK: unsafeGetAttrPos

    @Test func unsafeGetAttrPos() {
        let text = "let\n  as = {\n    foo = \"bar\";\n  };\nin\nbuiltins.unsafeGetAttrPos \"foo\" as\n"
        #expect(evaluate(text, file: "/src/getattrpos.nix") == #"{ column = 5; file = "/src/getattrpos.nix"; line = 3; }"#)
        #expect(evaluate(#"builtins.unsafeGetAttrPos "b" { a = 1; }"#) == "null")
        #expect(evaluate(#"builtins.unsafeGetAttrPos "abort" builtins"#) == "null")
    }

    @Test func unsafeGetAttrPosOfFormal() {
        let text = "let\n  fun = { foo }: { };\nin\nbuiltins.unsafeGetAttrPos \"foo\" (builtins.functionArgs fun)\n"
        #expect(evaluate(text, file: "/src/f.nix") == #"{ column = 11; file = "/src/f.nix"; line = 2; }"#)
    }

    @Test func unsafeGetAttrPosOutsideFiles() {
        // Current Nix returns null for positions in `-E` text or standard input
        // (Nix 2.8 returned `file = "(string)"`).
        #expect(evaluate(#"builtins.unsafeGetAttrPos "a" { a = 1; }"#) == "null")
    }

    @Test func unsafeGetAttrPosErrors() {
        #expect(evaluate("builtins.unsafeGetAttrPos 1 { }") == """
            error: expected a string but found an integer: 1
            … while calling the 'unsafeGetAttrPos' builtin
            … while evaluating the first argument passed to builtins.unsafeGetAttrPos
            """)
        #expect(evaluate(#"builtins.unsafeGetAttrPos "a" 1"#) == """
            error: expected a set but found an integer: 1
            … while calling the 'unsafeGetAttrPos' builtin
            … while evaluating the second argument passed to builtins.unsafeGetAttrPos
            """)
    }
}
