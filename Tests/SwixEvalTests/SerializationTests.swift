import Testing
@testable import SwixEval
import SwixSyntax
#if canImport(Glibc)
import Glibc
#endif

/// Parses and evaluates `text` (bytes, so that it need not be UTF-8).
private func evaluate(_ bytes: [UInt8], origin: SourceOrigin = .string) throws -> (Evaluator, Value) {
    let program = try TestProgram(bytes: bytes, origin: origin, baseDirectory: "/tmp")
    return (program.evaluator, try program.evaluate())
}

private func evaluate(_ text: String) throws -> (Evaluator, Value) {
    try evaluate(Array(text.utf8))
}

/// Evaluates `text`, forces it deeply and prints it as `nix-instantiate --eval --strict` does.
private func eval(_ text: String) throws -> String {
    let (ev, v) = try evaluate(text)
    try ev.forceDeep(v, .none)
    return ValuePrinter(ev).print(v)
}

/// The error message and the trace messages (outermost first) of evaluating `bytes`.
private func errorText(_ bytes: [UInt8]) throws -> [String] {
    do {
        let (ev, v) = try evaluate(bytes)
        try ev.forceDeep(v, .none)
        return ["no error: " + ValuePrinter(ev).print(v)]
    } catch let e as EvalError {
        return e.traces.reversed().map(\.message) + [e.message]
    }
}

private func errorText(_ text: String) throws -> [String] {
    try errorText(Array(text.utf8))
}

/// Calls the one-argument function `function` (Nix source) with the string `argument`.
private func call(_ function: String, _ argument: NixString) throws -> (Evaluator, Value) {
    let (ev, f) = try evaluate(function)
    let v = try ev.call(f, .string(argument), .none)
    try ev.forceDeep(v, .none)
    return (ev, v)
}

/// Expressions and what `nix-instantiate --eval --strict -E` (Nix 2.8) prints for them.
private let nixChecked: [(String, String)] = [
        (#"builtins.toJSON { a = 123; b = -456; c = "foo"; d = "foo\n\"bar\""; e = true; f = false; g = [ 1 2 3 ]; h = [ "a" [ "b" { "foo\nbar" = { }; } ] ]; i = 1 + 2; k = { __toString = self: self.a; a = "foo"; }; }"#,
         #""{\"a\":123,\"b\":-456,\"c\":\"foo\",\"d\":\"foo\\n\\\"bar\\\"\",\"e\":true,\"f\":false,\"g\":[1,2,3],\"h\":[\"a\",[\"b\",{\"foo\\nbar\":{}}]],\"i\":3,\"k\":\"foo\"}""#),
        (#"builtins.toJSON null"#,
         #""null""#),
        (#"builtins.toJSON [ ]"#,
         #""[]""#),
        (#"builtins.toJSON { }"#,
         #""{}""#),
        (#"builtins.toJSON "\t\r\n\\\"/é→😀""#,
         #""\"\\t\\r\\n\\\\\\\"/é→😀\"""#),
        (#"builtins.toJSON { z = 1; a = 2; "B" = 3; "_" = 4; "" = 5; }"#,
         #""{\"\":5,\"B\":3,\"_\":4,\"a\":2,\"z\":1}""#),
        (#"builtins.toJSON { outPath = "hello"; }"#,
         #""\"hello\"""#),
        (#"builtins.toJSON { outPath = 42; }"#,
         #""42""#),
        (#"builtins.toJSON { outPath = { a = 1; b = 2; }; }"#,
         #""{\"a\":1,\"b\":2}""#),
        (#"builtins.toJSON { __toString = self: "won"; outPath = abort "unreached"; }"#,
         #""\"won\"""#),
        (#"builtins.toJSON { __toString = self: { outPath = "deep"; }; }"#,
         #""\"deep\"""#),
        (#"builtins.toJSON { type = "derivation"; outPath = "/nix/store/x"; name = "x"; }"#,
         #""\"/nix/store/x\"""#),
        (#"builtins.toJSON [ [ [ ] ] { a = [ { } ]; } ]"#,
         #""[[[]],{\"a\":[{}]}]""#),
        (#"builtins.toJSON 9223372036854775807"#,
         #""9223372036854775807""#),
        (#"builtins.toJSON (-9223372036854775807 - 1)"#,
         #""-9223372036854775808""#),
        (#"builtins.fromJSON ''{"Video": {"Title": "The Penguin", "Width": 1920, "EmbeddedData": [3.5, 23493, null, true, false, -10], "Escapes": "\"\\\/\t\n\r\t"}}''"#,
         #"{ Video = { EmbeddedData = [ 3.5 23493 null true false -10 ]; Escapes = "\"\\/\t\n\r\t"; Title = "The Penguin"; Width = 1920; }; }"#),
        (#"builtins.fromJSON "[]""#,
         #"[ ]"#),
        (#"builtins.fromJSON "{}""#,
         #"{ }"#),
        (#"builtins.fromJSON " \n\t 42 \r\n""#,
         #"42"#),
        (#"builtins.fromJSON "-0""#,
         #"0"#),
        (#"builtins.fromJSON "1e2""#,
         #"100"#),
        (#"builtins.fromJSON "-9223372036854775808""#,
         #"-9223372036854775808"#),
        (#"builtins.fromJSON "9223372036854775807""#,
         #"9223372036854775807"#),
        (#"builtins.fromJSON ''"\u00e9\ud83d\ude00\u0041"''"#,
         #""é😀A""#),
        (#"builtins.fromJSON ''{"a": 1, "a": 2, "b": {"a": [1, {"c": null}]}}''"#,
         #"{ a = 2; b = { a = [ 1 { c = null; } ]; }; }"#),
        (#"builtins.fromJSON ''"quote \" reverse solidus \\ solidus \/ backspace \b formfeed \f newline \n carriage return \r horizontal tab \t"''"#,
         #""quote \" reverse solidus \\ solidus / backspace \#u{8} formfeed \#u{C} newline \n carriage return \r horizontal tab \t""#),
        (#"builtins.fromJSON "true""#,
         #"true"#),
        (#"builtins.fromJSON "null""#,
         #"null"#),
        (#"builtins.fromJSON (builtins.toJSON { a = [ 1 "x" null true { b = { }; } ]; })"#,
         #"{ a = [ 1 "x" null true { b = { }; } ]; }"#),
        (#"builtins.toXML { a = "s"; }"#,
         #""<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <attrs>\n    <attr name=\"a\">\n      <string value=\"s\" />\n    </attr>\n  </attrs>\n</expr>\n""#),
        (#"builtins.toXML [ ("a" + "b") 10 (rec { x = "x"; y = x; }) ]"#,
         #""<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <list>\n    <string value=\"ab\" />\n    <int value=\"10\" />\n    <attrs>\n      <attr name=\"x\">\n        <string value=\"x\" />\n      </attr>\n      <attr name=\"y\">\n        <string value=\"x\" />\n      </attr>\n    </attrs>\n  </list>\n</expr>\n""#),
        (#"builtins.toXML { f = x: x; g = { a, b ? 1 }: a; h = args@{ c, ... }: c; n = null; t = true; p = /tmp/foo; m = builtins.isNull; q = builtins.add 1; }"#,
         #""<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <attrs>\n    <attr name=\"f\">\n      <function>\n        <varpat name=\"x\" />\n      </function>\n    </attr>\n    <attr name=\"g\">\n      <function>\n        <attrspat>\n          <attr name=\"a\" />\n          <attr name=\"b\" />\n        </attrspat>\n      </function>\n    </attr>\n    <attr name=\"h\">\n      <function>\n        <attrspat ellipsis=\"1\" name=\"args\">\n          <attr name=\"c\" />\n        </attrspat>\n      </function>\n    </attr>\n    <attr name=\"m\">\n      <unevaluated />\n    </attr>\n    <attr name=\"n\">\n      <null />\n    </attr>\n    <attr name=\"p\">\n      <path value=\"/tmp/foo\" />\n    </attr>\n    <attr name=\"q\">\n      <unevaluated />\n    </attr>\n    <attr name=\"t\">\n      <bool value=\"true\" />\n    </attr>\n  </attrs>\n</expr>\n""#),
        (#"builtins.toXML "a<b>&\"c\"\nd'e""#,
         #""<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <string value=\"a&lt;b&gt;&amp;&quot;c&quot;&#xA;d'e\" />\n</expr>\n""#),
        (#"builtins.toXML { d = { type = "derivation"; drvPath = "/nix/store/abc.drv"; outPath = "/nix/store/abc"; x = 1; }; l = let d = { type = "derivation"; drvPath = "/nix/store/d.drv"; }; in [ d d ]; }"#,
         #""<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <attrs>\n    <attr name=\"d\">\n      <derivation drvPath=\"/nix/store/abc.drv\" outPath=\"/nix/store/abc\">\n        <attr name=\"drvPath\">\n          <string value=\"/nix/store/abc.drv\" />\n        </attr>\n        <attr name=\"outPath\">\n          <string value=\"/nix/store/abc\" />\n        </attr>\n        <attr name=\"type\">\n          <string value=\"derivation\" />\n        </attr>\n        <attr name=\"x\">\n          <int value=\"1\" />\n        </attr>\n      </derivation>\n    </attr>\n    <attr name=\"l\">\n      <list>\n        <derivation drvPath=\"/nix/store/d.drv\">\n          <attr name=\"drvPath\">\n            <string value=\"/nix/store/d.drv\" />\n          </attr>\n          <attr name=\"type\">\n            <string value=\"derivation\" />\n          </attr>\n        </derivation>\n        <derivation drvPath=\"/nix/store/d.drv\">\n          <repeated />\n        </derivation>\n      </list>\n    </attr>\n  </attrs>\n</expr>\n""#),
        (#"builtins.toXML { d = { type = "derivation"; x = 1; }; }"#,
         #""<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <attrs>\n    <attr name=\"d\">\n      <derivation>\n        <repeated />\n      </derivation>\n    </attr>\n  </attrs>\n</expr>\n""#),
        (#"builtins.toXML [ ]"#,
         #""<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <list>\n  </list>\n</expr>\n""#),
        (#"builtins.toXML { }"#,
         #""<?xml version='1.0' encoding='utf-8'?>\n<expr>\n  <attrs>\n  </attrs>\n</expr>\n""#),
        (#"builtins.fromTOML "a = 1\nb = \"x\"\n[c]\nd = [1, 2]\n[[e]]\nf = true\n[[e]]\nf = false""#,
         #"{ a = 1; b = "x"; c = { d = [ 1 2 ]; }; e = [ { f = true; } { f = false; } ]; }"#),
        (#"builtins.fromTOML """#,
         #"{ }"#),
        (#"builtins.fromTOML "x.y.z = 1\nx.y.w = 'a'\nx.v = { a = 1, b.c = 2 }""#,
         #"{ x = { v = { a = 1; b = { c = 2; }; }; y = { w = "a"; z = 1; }; }; }"#),
        (#"builtins.fromTOML "a = 0xDEADBEEF\nb = 0o755\nc = 0b11010110\nd = 1_000\ne = +99\nf = -17""#,
         #"{ a = 3735928559; b = 493; c = 214; d = 1000; e = 99; f = -17; }"#),
        (#"builtins.fromTOML "s = \"\"\"\nline1\nline2\\\n   continued\"\"\"\nl = '''\nraw \\n'''""#,
         #"{ l = "raw \\n"; s = "line1\nline2continued"; }"#),
        (#"builtins.fromTOML "[dog.\"tater.man\"]\ntype.name = \"pug\"\n[a.b.c]\n[ d.e.f ]""#,
         #"{ a = { b = { c = { }; }; }; d = { e = { f = { }; }; }; dog = { "tater.man" = { type = { name = "pug"; }; }; }; }"#),
        // Plain integers take a shortcut past the parser (what JSON rejects, "007",
        // goes on to the parser's error; see `jsonSyntaxErrors`).
        (#"with builtins; map fromJSON [ "0" "-0" " 12" "123456789012345678" "-999999999999999999" "1234567890123456789" "1e3" "-12" "1.5" ]"#,
         #"[ 0 0 12 123456789012345678 -999999999999999999 1234567890123456789 1000 -12 1.5 ]"#),
        // Objects of repeated shapes, duplicate keys (the last one wins) and keys
        // out of symbol order, through fromJSON's order cache.
        (#"with builtins; [ (fromJSON ''{"b":1,"a":2,"b":3}'') (fromJSON ''[{"b":1,"a":2,"b":3},{"b":4,"a":5,"b":6},{"x":1,"y":2},{"y":1,"x":2},{"y":1,"x":2,"x":3}]'') (fromJSON ''{"a":{"a":{"a":1}}}'') (attrNames (fromJSON ''{"zz":1,"aa":2,"mm":3}'')) ]"#,
         #"[ { a = 2; b = 3; } [ { a = 2; b = 3; } { a = 5; b = 6; } { x = 1; y = 2; } { x = 2; y = 1; } { x = 3; y = 1; } ] { a = { a = { a = 1; }; }; } [ "aa" "mm" "zz" ] ]"#),
        // Integers at the ends of the range and one past them (read as floats); objects
        // of the same shape printed through the key-order cache.
        (#"with builtins; [ (fromJSON "[0, -0, 1, -1, 9223372036854775807, -9223372036854775808, -9223372036854775809, 1.5, -2e3, 0.0, 123456789012]") (tryEval (fromJSON "18446744073709551616")) (toJSON { b = 1; a = [ null true false (-5) ]; c = { z = 1; y = 2; }; d = { z = 3; y = 4; }; }) ]"#,
         #"[ [ 0 0 1 -1 9223372036854775807 -9223372036854775808 -9.22337e+18 1.5 -2000 0 123456789012 ] { success = true; value = 1.84467e+19; } "{\"a\":[null,true,false,-5],\"b\":1,\"c\":{\"y\":2,\"z\":1},\"d\":{\"y\":4,\"z\":3}}" ]"#),
]

@Suite("Serialization builtins")
struct SerializationTests {
    @Test(arguments: nixChecked)
    func matchesNix(_ c: (String, String)) throws {
        #expect(try eval(c.0) == c.1)
    }

    // MARK: toJSON

    /// Floats as nlohmann::json writes them (Grisu2), as current Nix prints them
    /// (checked against nlohmann::json 3.11).
    @Test func floatsAsNlohmann() throws {
        #expect(try eval("builtins.toJSON [ 1.0e23 0.1 1.0 100.0 1.0e15 1.0e16 1.0e-5 0.0001 1.7976931348623157e308 123456789012345678.0 0.3 (0.1 + 0.2) 2.5e-5 1.0e21 1.0e22 (1.0 / 3.0) 5.0e-300 1.44 ]")
                == #""[9.999999999999999e+22,0.1,1.0,100.0,1e+15,1e+16,1e-05,0.0001,1.7976931348623157e+308,1.2345678901234568e+17,0.3,0.30000000000000004,2.5e-05,1e+21,1e+22,0.3333333333333333,5e-300,1.44]""#)
        #expect(try eval("builtins.toJSON (0.0 * -1.0)") == #""-0.0""#)
        #expect(try eval("builtins.toJSON (0.0 * 1.0)") == #""0.0""#)
        #expect(JSONFloat.string(5e-324) == "5e-324")
        #expect(JSONFloat.string(2.2250738585072014e-308) == "2.2250738585072014e-308")
        #expect(JSONFloat.string(123456789012345.0) == "123456789012345.0")
        #expect(JSONFloat.string(1234567890123456.0) == "1.234567890123456e+15")
        #expect(JSONFloat.string(0.00012) == "0.00012")
        #expect(JSONFloat.string(.infinity) == "null")
        #expect(JSONFloat.string(.nan) == "null")
    }

    /// The cached powers of ten are computed; spot-check them against Grisu's table.
    @Test func cachedPowersOfTen() {
        let table = JSONFloat.cachedPowers
        #expect(table.count == 79)
        #expect(table[0].k == -300 && table[78].k == 324)
        let k4 = table.first { $0.k == 4 }!
        #expect(k4.f == 0x9C40_0000_0000_0000 && k4.e == -50)
        let km4 = table.first { $0.k == -4 }!
        #expect(km4.f == 0xD1B7_1758_E219_652C && km4.e == -77)
        let k324 = table.first { $0.k == 324 }!
        #expect(k324.f == 0x9E19_DB92_B4E3_1BA9 && k324.e == 1013)
        let km276 = table.first { $0.k == -276 }!
        #expect(km276.f == 0x8DD0_1FAD_907F_FC3C && km276.e == -980)
    }

    @Test func controlCharactersAreEscaped() throws {
        // \b \t \n \f \r by name, other control characters as \u00xx, DEL and non-ASCII as they are.
        let text = Array("builtins.toJSON \"".utf8) + [1, 8, 9, 10, 12] + Array("\\r".utf8) + [0x1F, 0x7F] + Array("é\"".utf8)
        let (ev, v) = try evaluate(text)
        #expect(ValuePrinter(ev).print(try ev.force(v, .none)) == "\"\\\"\\\\u0001\\\\b\\\\t\\\\n\\\\f\\\\r\\\\u001f\u{7F}é\\\"\"")
    }

    @Test func invalidUTF8IsASerializationError() throws {
        #expect(try errorText(Array("builtins.toJSON \"_invalid UTF-8: ".utf8) + [0xFF] + Array("_\"".utf8))
                == ["while calling the 'toJSON' builtin",
                    "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index 16: 0xFF"])
        #expect(try errorText(Array("builtins.toJSON \"a".utf8) + [0xC3] + Array("\"".utf8)).last
                == "JSON serialization error: [json.exception.type_error.316] incomplete UTF-8 string; last byte: 0xC3")
        #expect(try errorText(Array("builtins.toJSON { \"".utf8) + [0xC3, 0x28] + Array("\" = 1; }".utf8)).last
                == "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index 1: 0x28")
        #expect(try errorText(Array("builtins.toJSON \"".utf8) + [0xED, 0xA0, 0x80] + Array("\"".utf8)).last
                == "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index 1: 0xA0")
        // Evaluation errors come first: the whole value is evaluated before it is written.
        #expect(try errorText(Array("builtins.toJSON [ \"".utf8) + [0xFF] + Array("\" (throw \"later\") ]".utf8)).last
                == "later")
    }

    @Test func functionsCannotBeConverted() throws {
        #expect(try errorText("builtins.toJSON { a = x: x; }")
                == ["while calling the 'toJSON' builtin", "while evaluating attribute 'a'", "cannot convert a function to JSON"])
        #expect(try errorText("builtins.toJSON [ builtins.isNull ]")
                == ["while calling the 'toJSON' builtin", "while evaluating list element at index 0",
                    "cannot convert the built-in function 'isNull' to JSON"])
        #expect(try errorText("builtins.toJSON (builtins.add 1)").last
                == "cannot convert the partially applied built-in function 'add' to JSON")
    }

    @Test func tracesThroughAttributesAndLists() throws {
        #expect(try errorText(#"builtins.toJSON { a.b = [ true false "it's a bird" { c.d = throw "hah no"; } ]; }"#)
                == ["while calling the 'toJSON' builtin", "while evaluating attribute 'a'", "while evaluating attribute 'b'",
                    "while evaluating list element at index 3", "while evaluating attribute 'c'",
                    "while evaluating attribute 'd'", "while calling the 'throw' builtin", "hah no"])
    }

    @Test func peelingErrors() throws {
        #expect(try errorText("builtins.toJSON { __toString = self: 42; }")
                == ["while calling the 'toJSON' builtin", "while using the result of the `__toString` attribute",
                    "`__toString` should return a string, but got an integer: 42"])
        #expect(try errorText("builtins.toJSON { __toString = self: { a = 1; }; }")
                == ["while calling the 'toJSON' builtin", "while using the result of the `__toString` attribute",
                    "`__toString` must return a string, but got a set: { a = 1; }"])
        #expect(try errorText("builtins.toJSON { outPath = { __toString = self: 42; }; }")
                == ["while calling the 'toJSON' builtin", "while using the `outPath` attribute",
                    "while using the result of the `__toString` attribute",
                    "`__toString` should return a string, but got an integer: 42"])
        #expect(try errorText(#"builtins.toJSON { outPath = throw "no"; }"#)
                == ["while calling the 'toJSON' builtin", "while evaluating the `outPath` attribute",
                    "while calling the 'throw' builtin", "no"])
        let thrown = try errorText(#"builtins.toJSON { __toString = self: throw "no"; }"#)
        #expect(thrown.prefix(2) == ["while calling the 'toJSON' builtin", "while calling the `__toString` attribute"])
        #expect(thrown.last == "no")
        #expect(try errorText("builtins.toJSON { outPath = [ (x: x) ]; }")
                == ["while calling the 'toJSON' builtin", "while using the `outPath` attribute",
                    "while evaluating list element at index 0", "cannot convert a function to JSON"])
    }

    @Test func pathsAreCopiedToTheStore() throws {
        try withTemporaryFile("serialization-test", name: "hello.txt", contents: "hello\n") { dir, file in
            // As `nix-instantiate --readonly-mode --eval`: the store path is computed, not written.
            let storePath = "/nix/store/i9pmrzmpshapij2kin22pff6fc2adavx-hello.txt"
            #expect(try eval("builtins.toJSON [ \(file) { a = \(file); } ]")
                    == #""[\"\#(storePath)\",{\"a\":\"\#(storePath)\"}]""#)
            let (ev, v) = try evaluate("builtins.toJSON \(file)")
            guard case .string(let s) = try ev.force(v, .none) else {
                Issue.record("not a string")
                return
            }
            #expect(s.context.elements == [Array(storePath.utf8)])
            // A path reached through `__toString` is not copied.
            #expect(try eval("builtins.toJSON { __toString = self: \(file); }") == #""\"\#(file)\"""#)
            #expect(try eval("builtins.toJSON { outPath = \(file); }") == #""\"\#(storePath)\"""#)
            #expect(try errorText("builtins.toJSON \(dir)/x.drv").last == "file names are not allowed to end in '.drv'")
            // Current Nix's wording (the corpus); 2.8 said "getting status of …".
            #expect(try errorText("builtins.toJSON \(dir)/missing").last == "path '\(dir)/missing' does not exist")
        }
    }

    @Test func outPathPeeling() throws {
        #expect(try eval(#"builtins.toJSON { outPath = [ "1" { a = 1; } 42 [ "42" ] { __toString = self: self.other; other = { __toString = self2: "hello"; }; } ]; }"#)
                == #""[\"1\",{\"a\":1},42,[\"42\"],\"hello\"]""#)
        #expect(try eval(#"builtins.toJSON { outPath.foo = true; }"#) == #""{\"foo\":true}""#)
    }

    @Test func deepStructuresHitTheCallDepthLimit() throws {
        let text = try errorText("let f = n: { head = n; tail = f (n + 1); }; in builtins.toJSON (f 0)")
        #expect(text.last == "stack overflow; max-call-depth exceeded")
        // 9998 frames with the CLI's default depth limit, fewer on a test thread's smaller stack.
        #expect(text.filter { $0 == "while evaluating attribute 'tail'" }.count > 100)
    }

    /// `nix-instantiate --eval --json`: strict forces, otherwise a thunk is an error.
    @Test func jsonOutput() throws {
        let (ev, v) = try evaluate("{ a = 1 + 1; b = [ \"x\" ]; }")
        #expect(throws: EvalError.self) { try ev.jsonString(v, strict: false) }
        #expect(try ev.jsonString(v) == #"{"a":2,"b":["x"]}"#)
        #expect(try ev.jsonString(v, strict: false) == #"{"a":2,"b":["x"]}"#)
    }

    // MARK: fromJSON

    @Test func jsonNumbers() throws {
        #expect(try eval(#"builtins.fromJSON "[1.5, 1E2, 0e0, -0.0, 123456789012345678901234567890, -9223372036854775809]""#)
                == "[ 1.5 100 0 -0 1.23457e+29 -9.22337e+18 ]")
        #expect(try errorText(#"builtins.fromJSON ''{"attr": 18446744073709551615}''"#)
                == ["while calling the 'fromJSON' builtin", "unsigned json number 18446744073709551615 outside of Nix integer range"])
        #expect(try errorText(#"builtins.fromJSON "1e999""#)
                == ["while calling the 'fromJSON' builtin", "while decoding a JSON string",
                    "[json.exception.out_of_range.406] number overflow parsing '1e999'"])
    }

    @Test func jsonNullBytes() throws {
        #expect(try errorText(#"builtins.fromJSON ''"a\u0000b"''"#)
                == ["while calling the 'fromJSON' builtin",
                    "input string 'a\u{2400}b' cannot be represented as Nix string because it contains null bytes"])
        #expect(try errorText(#"builtins.fromJSON ''{"a\u0000b": 1}''"#).last
                == "input string 'a\u{2400}b' cannot be represented as Nix string because it contains null bytes")
    }

    @Test func jsonArgumentMustBeAString() throws {
        #expect(try errorText("builtins.fromJSON 1")
                == ["while calling the 'fromJSON' builtin", "while evaluating the first argument passed to builtins.fromJSON",
                    "expected a string but found an integer: 1"])
        let context = StringContext(elements: [Array("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x".utf8)])
        #expect(throws: EvalError.self) { try call("s: builtins.fromJSON s", NixString(Array("1".utf8), context: context)) }
    }

    /// nlohmann::json's messages (checked against the library).
    @Test(arguments: [
        ("[1, tru]", "parse error at line 1, column 8: syntax error while parsing value - invalid literal; last read: '1, tru]'"),
        ("{\"a\" 1}", "parse error at line 1, column 6: syntax error while parsing object separator - unexpected number literal; expected ':'"),
        ("[1 2]", "parse error at line 1, column 4: syntax error while parsing array - unexpected number literal; expected ']'"),
        ("", "parse error at line 1, column 1: attempting to parse an empty input; check that your input string or stream contains the expected JSON"),
        ("  ", "parse error at line 1, column 3: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal"),
        ("\n [1,\n 2", "parse error at line 3, column 3: syntax error while parsing array - unexpected end of input; expected ']'"),
        ("\"abc", "parse error at line 1, column 5: syntax error while parsing value - invalid string: missing closing quote; last read: '\"abc'"),
        ("[1,2]x", "parse error at line 1, column 6: syntax error while parsing value - invalid literal; last read: '2]x'; expected end of input"),
        ("{\"a\":1,}", "parse error at line 1, column 8: syntax error while parsing object key - unexpected '}'; expected string literal"),
        ("{1:2}", "parse error at line 1, column 2: syntax error while parsing object key - unexpected number literal; expected string literal"),
        ("\"\\x\"", "parse error at line 1, column 3: syntax error while parsing value - invalid string: forbidden character after backslash; last read: '\"\\x'"),
        ("[-]", "parse error at line 1, column 3: syntax error while parsing value - invalid number; expected digit after '-'; last read: '-]'"),
        ("\"\\ud800\"", "parse error at line 1, column 8: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '\"\\ud800\"'"),
        ("\"\\udc00\"", "parse error at line 1, column 7: syntax error while parsing value - invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF; last read: '\"\\udc00'"),
        ("01", "parse error at line 1, column 2: syntax error while parsing value - unexpected number literal; expected end of input"),
        ("007", "parse error at line 1, column 2: syntax error while parsing value - unexpected number literal; expected end of input"),
        ("-", "parse error at line 1, column 2: syntax error while parsing value - invalid number; expected digit after '-'; last read: '-'"),
        ("12a", "parse error at line 1, column 3: syntax error while parsing value - invalid literal; last read: '12a'; expected end of input"),
        ("1e+", "parse error at line 1, column 4: syntax error while parsing value - invalid number; expected digit after exponent sign; last read: '1e+'"),
        ("\"\\u00zz\"", "parse error at line 1, column 6: syntax error while parsing value - invalid string: '\\u' must be followed by 4 hex digits; last read: '\"\\u00z'"),
        ("\"a\tb\"", "parse error at line 1, column 3: syntax error while parsing value - invalid string: control character U+0009 (HT) must be escaped to \\u0009 or \\t; last read: '\"a<U+0009>'"),
        ("null null", "parse error at line 1, column 9: syntax error while parsing value - unexpected null literal; expected end of input"),
    ])
    func jsonSyntaxErrors(_ c: (String, String)) throws {
        do {
            let (ev, v) = try call("s: builtins.fromJSON s", NixString(c.0))
            Issue.record("parsed: \(ValuePrinter(ev).print(v))")
        } catch let error as EvalError {
            #expect(error.message == "[json.exception.parse_error.101] " + c.1)
            #expect(error.traces.first?.message == "while decoding a JSON string")
        }
    }

    @Test func deeplyNestedJSONDoesNotRecurse() throws {
        let depth = 200_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let (ev, f) = try evaluate("s: builtins.fromJSON s")
        var v = try ev.call(f, .string(NixString(text)), .none)
        var levels = 0
        while case .list(let l) = v, let first = l.elements.first {
            v = first
            levels += 1
        }
        #expect(levels == depth - 1)
    }

    // MARK: fromTOML

    @Test func tomlValues() throws {
        #expect(try eval(#"builtins.fromTOML "a = inf\nb = -inf\nc = 1e6\nd = 9_224_617.445_991_228_313\ne = -2E-2\nf = 5e+22""#)
                == "{ a = inf; b = -inf; c = 1e+06; d = 9.22462e+06; e = -0.02; f = 5e+22; }")
        #expect(try eval(#"builtins.fromTOML "a = [ [ { b = true } ] ]\nc = [\n  1, # one\n  2,\n]\n\"\" = 0""#)
                == #"{ "" = 0; a = [ [ { b = true; } ] ]; c = [ 1 2 ]; }"#)
        #expect(try eval(#"builtins.fromTOML "[[fruit]]\nname = \"apple\"\n[fruit.physical]\ncolor = \"red\"\n[[fruit.variety]]\nname = \"red delicious\"\n[[fruit]]\nname = \"banana\"""#)
                == #"{ fruit = [ { name = "apple"; physical = { color = "red"; }; variety = [ { name = "red delicious"; } ]; } { name = "banana"; } ]; }"#)
        #expect(try eval("builtins.fromTOML \"a = 1\\r\\n[b]\\r\\nc = 2\\r\\n\"") == "{ a = 1; b = { c = 2; }; }")
    }

    @Test func tomlStrings() throws {
        let doc = #"""
            s1 = """"This," she said, "is just a pointless statement.""""
            s2 = """\
              The quick brown \
              fox."""
            l1 = ''''That,' she said, 'is still pointless.''''
            l2 = '''
            raw \n'''
            u = "\u00e9\U0001F600\t"
            """#
        let (ev, v) = try call("s: builtins.fromTOML s", NixString(doc))
        #expect(ValuePrinter(ev).print(v)
                == #"{ l1 = "'That,' she said, 'is still pointless.'"; l2 = "raw \\n"; s1 = "\"This,\" she said, \"is just a pointless statement.\""; s2 = "The quick brown fox."; u = "é😀\t"; }"#)
    }

    /// Dates and times: an error unless `parse-toml-timestamps` is on (a setting of
    /// the evaluator).
    @Test func tomlTimestamps() throws {
        let doc = #"builtins.fromTOML "odt1 = 1979-05-27T07:32:00Z\nodt2 = 1979-05-27 00:32:00.999999-07:00\nodt3 = 1979-05-27t07:32:00.1234567891+00:00\nldt = 1979-05-27T07:32:00.1\nld = 1979-05-27\nlt = 00:32:00.12345678\nlt2 = 07:32:00.000""#
        #expect(try errorText(doc) == ["while calling the 'fromTOML' builtin", "while parsing TOML: Dates and times are not supported"])
        let program = try TestProgram(doc, baseDirectory: "/tmp")
        program.evaluator.parseTomlTimestamps = true
        #expect(try program.strictOutput() == #"{ ld = { _type = "timestamp"; value = "1979-05-27"; }; ldt = { _type = "timestamp"; value = "1979-05-27T07:32:00.100"; }; lt = { _type = "timestamp"; value = "00:32:00.123456780"; }; lt2 = { _type = "timestamp"; value = "07:32:00"; }; odt1 = { _type = "timestamp"; value = "1979-05-27T07:32:00Z"; }; odt2 = { _type = "timestamp"; value = "1979-05-27T00:32:00.999999-07:00"; }; odt3 = { _type = "timestamp"; value = "1979-05-27T07:32:00.123456789Z"; }; }"#)
    }

    @Test func tomlIntegerOverflow() throws {
        #expect(try errorText("builtins.fromTOML ''attr = 9223372036854775808''")
                == ["while calling the 'fromTOML' builtin", """
                    while parsing TOML: [error] toml::parse_dec_integer: too large integer: current max digits = 2^63
                     --> fromTOML
                       |
                     1 | attr = 9223372036854775808
                       |                           ^-- must be < 2^63

                    """])
        #expect(try errorText("builtins.fromTOML ''attr = -9223372036854775809''").last == """
                    while parsing TOML: [error] toml::parse_dec_integer: too large integer: current max digits = 2^63
                     --> fromTOML
                       |
                     1 | attr = -9223372036854775809
                       |                            ^-- must be < 2^63

                    """)
        #expect(try eval("builtins.fromTOML ''a = 9223372036854775807\nb = -9223372036854775808\nc = 0x7FFFFFFFFFFFFFFF''")
                == "{ a = 9223372036854775807; b = -9223372036854775808; c = 9223372036854775807; }")
    }

    @Test func tomlNullBytes() throws {
        #expect(try errorText(#"builtins.fromTOML ''"a\u0000b" = 1''"#).last
                == "while parsing TOML: error: input string 'a\u{2400}b' cannot be represented as Nix string because it contains null bytes")
        #expect(try errorText(#"builtins.fromTOML ''a = "a\u0000b"''"#).last
                == "while parsing TOML: error: input string 'a\u{2400}b' cannot be represented as Nix string because it contains null bytes")
    }

    @Test func tomlInvalidUTF8() throws {
        #expect(try errorText(Array("builtins.fromTOML \"a = \\\"".utf8) + [0xFF] + Array("\\\"\"".utf8)).last == """
            while parsing TOML: [error] toml::parse_basic_string: invalid string format
             --> fromTOML
               |
             1 | a = "0xff"
               |      ^-- expected "

            """)
    }

    /// toml11's messages (checked against the library).
    @Test(arguments: [
        ("a = 1\na = 2", """
            [error] toml::insert_value: failed to insert a value, value already exists
             --> fromTOML
               |
             2 | a = 2
               | ^-- inserting this
               | ...
               |
             1 | a = 1
               |     ^-- but value already exists

            """),
        ("a = ", """
            [error] bad format: unknown value appeared
             --> fromTOML
               |
             1 | a = 
               |     ^-- here

            """),
        ("a 1", """
            [error] toml::parse_key_value_pair: invalid key value separator `=`
             --> fromTOML
               |
             1 | a 1
               |   ^-- expected =

            """),
        ("[a]\n[a]", """
            [error] toml::insert_value: failed to insert a table, table already defined
             --> fromTOML
               |
             2 | [a]
               | ^^^-- inserting this
               | ...
               |
             1 | [a]
               | ^^^-- this table is explicitly defined

            """),
        ("[a.b]\n[a]\nb.c = 1", """
            [error] toml::insert_value: reopening a table using dotted keys
             --> fromTOML
               |
             3 | b.c = 1
               | ^^^-- dotted key cannot reopen a table
               | ...
               |
             1 | [a.b]
               | ^^^^^-- this table is already closed

            """),
        ("a = {b=1}\na.c = 2", """
            [error] toml::insert_value: failed to insert a value: inline table is immutable
             --> fromTOML
               |
             2 | a.c = 2
               | ^^^-- inserting this
               | ...
               |
             1 | a = {b=1}
               |     ^^^^^-- to this table

            """),
        ("a = {b=1,}", """
            [error] toml::parse_inline_table: trailing comma is not allowed in TOML-v1.0.0)
             --> fromTOML
               |
             1 | a = {b=1,}
               |          ^-- here

            """),
        ("a = 01", """
            [error] bad integer: invalid digit after an integer
             --> fromTOML
               |
             1 | a = 01
               |      ^-- this digit is not allowed
            Hint: valid  : -42, 1_000, 1_2_3_4_5, 0xC0FFEE, 0b0010, 0o755
            Hint: invalid: _42, 1__000, 0123

            """),
        ("a = 1979-13-01", """
            [error] toml::parse_local_date: invalid date.
             --> fromTOML
               |
             1 | a = 1979-13-01
               |     ^-- month must be 01-12, day must be any of 01-28,29,30,31 depending on the month/year.

            """),
        ("\ta = 1 x", """
            [error] toml::parse_table: newline (LF / CRLF) or EOF is expected
             --> fromTOML
               |
             1 | 0x09(TAB)a = 1 x
               |        ^-- here

            """),
        ("x = \"\\uD800\"", """
            [error] toml::parse_utf8_codepoint: [0xD800, 0xDFFF] is not a valid UTF-8
             --> internal temporary
               |
             1 | \\uD800
               |  ^^^^^-- here

            """),
        ("a = [1]\n[[a]]", """
            [error] toml::insert_value: failed to insert an array of tables, value already exists
             --> fromTOML
               |
             2 | [[a]]
               | ^^^^^-- while inserting this
               | ...
               |
             1 | a = [1]
               |     ^^^-- non-table value already exists

            """),
        ("a=1\n\n\n\n\n\n\n\n\n\na=2", """
            [error] toml::insert_value: failed to insert a value, value already exists
             --> fromTOML
                |
             11 | a=2
                | ^-- inserting this
                | ...
                |
              1 | a=1
                |   ^-- but value already exists

            """),
        ("x = 0xFFFFFFFFFFFFFFFFF", """
            [error] toml::parse_hex_integer: too large integer: current max value = 2^63
             --> fromTOML
               |
             1 | x = 0xFFFFFFFFFFFFFFFFF
               |                        ^-- must be < 2^63

            """),
        ("x = 1979-05-27 07:32", """
            [error] bad time: must be HH:MM:SS.subsec
             --> fromTOML
               |
             1 | x = 1979-05-27 07:32
               |                     ^-- expected :
            Hint: valid  : 1979-05-27T07:32:00, 1979-05-27 07:32:00.999999
            Hint: invalid: 1979-05-27T7:32:00, 1979-05-27 17:32

            """),
        ("= 1", """
            [error] toml::parse_simple_key: invalid key: key must be "quoted", 'quoted-literal', or bare key.
             --> fromTOML
               |
             1 | = 1
               | ^-- expected alpha [a-zA-Z], digit [0-9], -, or _
            Hint: non-ASCII scripts are allowed in toml v1.1.0, but not in v1.0.0.

            """),
    ])
    func tomlErrors(_ c: (String, String)) throws {
        do {
            let (ev, v) = try call("s: builtins.fromTOML s", NixString(c.0))
            Issue.record("parsed: \(ValuePrinter(ev).print(v))")
        } catch let error as EvalError {
            #expect(error.message == "while parsing TOML: " + c.1)
        }
    }

    // MARK: toXML and --xml

    @Test func xmlWithLocations() throws {
        let text = "{\n  a = 1;\n  f = { x, ... }@args: x;\n}"
        let (ev, v) = try evaluate(Array(text.utf8), origin: .file("/dir/f.nix"))
        #expect(try ev.xmlString(v, location: true) == """
            <?xml version='1.0' encoding='utf-8'?>
            <expr>
              <attrs>
                <attr column="3" line="2" name="a" path="/dir/f.nix">
                  <int value="1" />
                </attr>
                <attr column="3" line="3" name="f" path="/dir/f.nix">
                  <function column="7" line="3" path="/dir/f.nix">
                    <attrspat ellipsis="1" name="args">
                      <attr name="x" />
                    </attrspat>
                  </function>
                </attr>
              </attrs>
            </expr>

            """)
        #expect(try ev.xmlString(v, location: false).contains("<attr name=\"a\">\n"))
        // From a string (no file), positions have no path.
        let (ev2, v2) = try evaluate("{ a = 1; }")
        #expect(try ev2.xmlString(v2, location: true).contains("<attr column=\"3\" line=\"1\" name=\"a\">"))
    }

    @Test func xmlNotStrictShowsUnevaluated() throws {
        let (ev, v) = try evaluate("{ a = 1 + 1; b = 2; }")
        #expect(try ev.xmlString(v, location: false, strict: false) == """
            <?xml version='1.0' encoding='utf-8'?>
            <expr>
              <attrs>
                <attr name="a">
                  <unevaluated />
                </attr>
                <attr name="b">
                  <int value="2" />
                </attr>
              </attrs>
            </expr>

            """)
    }

    @Test func xmlKeepsStringContext() throws {
        let context = StringContext(elements: [Array("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x".utf8)])
        let (_, v) = try call("s: builtins.toXML [ s ]", NixString(Array("x".utf8), context: context))
        guard case .string(let s) = v else {
            Issue.record("not a string")
            return
        }
        #expect(s.context == context)
    }
}
