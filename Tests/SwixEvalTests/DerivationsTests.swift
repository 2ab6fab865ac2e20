import Testing
@testable import SwixEval
import SwixSyntax
#if canImport(Glibc)
import Glibc
#endif

// Expected values were recorded from `nix-instantiate` 2.8 (`--eval --strict`, store
// `/nix/store`; `.drv` texts via `--read-write-mode` and `builtins.readFile d.drvPath`).

/// Parses and evaluates `text`, forces it deeply and prints it like
/// `nix-instantiate --eval --strict`; also returns the evaluator (for its store).
private func run(_ text: String) throws -> (String, Evaluator) {
    let program = try TestProgram(text)
    return (try program.strictOutput(), program.evaluator)
}

private func eval(_ text: String) throws -> String {
    try run(text).0
}

/// The `.drv` text the evaluation of `text` (a derivation) wrote.
private func drvText(_ text: String) throws -> (path: String, text: String?) {
    let (printed, ev) = try run("(\(text)).drvPath")
    let path = String(printed.dropFirst().dropLast())
    return (path, ev.derivationText(forPath: path))
}

/// The error evaluating `text` raises: message and trace messages (outermost first).
private func failure(_ text: String) -> (message: String, traces: [String])? {
    do {
        _ = try run(text)
        return nil
    } catch let e as EvalError {
        return (e.message, e.traces.reversed().map(\.message))
    } catch {
        return ("\(error)", [])
    }
}

@Suite("Derivations")
struct DerivationsTests {
    // MARK: placeholder

    @Test func placeholder() throws {
        #expect(try eval(#"builtins.placeholder "out""#) == #""/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9""#)
        #expect(try eval(#"placeholder "dev""#) == #""/02qcpld1y6xhs5gz9bchpxaw0xdhmsp5dv88lh25r2ss44kh8dxz""#)
        let f = failure("builtins.placeholder [ ]")
        #expect(f?.message == "expected a string but found a list: [ ]")
        #expect(f?.traces == ["while calling the 'placeholder' builtin",
                              "while evaluating the first argument passed to builtins.placeholder"])
    }

    // MARK: derivationStrict

    @Test func strictMinimal() throws {
        let e = #"builtins.derivationStrict { name = "minimal"; system = "x86_64-linux"; builder = "/bin/sh"; }"#
        #expect(try eval(e) == #"{ drvPath = "/nix/store/v1x7ylvsiz9y106ac08pngsy82l2igb7-minimal.drv"; out = "/nix/store/s5nvav9b8g8kczqzrn1n1npbvs31hgs4-minimal"; }"#)
        let d = try drvText(e)
        #expect(d.text == #"Derive([("out","/nix/store/s5nvav9b8g8kczqzrn1n1npbvs31hgs4-minimal","","")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","minimal"),("out","/nix/store/s5nvav9b8g8kczqzrn1n1npbvs31hgs4-minimal"),("system","x86_64-linux")])"#)
    }

    @Test func strictOutputs() throws {
        #expect(try eval(#"builtins.derivationStrict { name = "strict"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "doc" ]; }"#)
                == #"{ doc = "/nix/store/hnmx2ppwk337kk7pl1nr5kcx73c3knrg-strict-doc"; drvPath = "/nix/store/wy14gjp9lda6q70qn9jrjy3nwd2b8wf1-strict.drv"; out = "/nix/store/743kvz4f5gpgjmfd0kncxw064vl1k0ia-strict"; }"#)
        // Outside structured attributes `outputs` is a string split on whitespace.
        #expect(try eval(#"builtins.derivationStrict { name = "s"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = "out  doc"; }"#)
                == #"{ doc = "/nix/store/yk3v797l9yzmsas53mgf8zjpy12qq23a-s-doc"; drvPath = "/nix/store/3kk1dwiwmghy4bziwkdrn522qfb09gm1-s.drv"; out = "/nix/store/5qpaziaahqndwpkxbc97rq6ny9xbfz8j-s"; }"#)
    }

    @Test func resultContexts() throws {
        let (_, ev) = try run("null")
        let symbols = ev.symbols
        let r = try ev.derivationStrict(.attrs(Attrs.unsorted([
            Attr(name: symbols.intern("name"), value: .string(NixString("minimal")), pos: .none),
            Attr(name: symbols.intern("system"), value: .string(NixString("x86_64-linux")), pos: .none),
            Attr(name: symbols.intern("builder"), value: .string(NixString("/bin/sh")), pos: .none),
        ])))
        guard case .attrs(let a) = r,
              case .string(let drvPath) = a.get(symbols.intern("drvPath")),
              case .string(let out) = a.get(symbols.intern("out")) else {
            Issue.record("unexpected result")
            return
        }
        let drv = "/nix/store/v1x7ylvsiz9y106ac08pngsy82l2igb7-minimal.drv"
        #expect(drvPath.context.elements.map { String(decoding: $0, as: UTF8.self) } == ["=" + drv])
        #expect(out.context.elements.map { String(decoding: $0, as: UTF8.self) } == ["!out!" + drv])
    }

    // MARK: derivation

    @Test func derivationAttributes() throws {
        let e = #"let d = derivation { name = "x"; system = "s"; builder = "/b"; outputs = [ "lib" "out" ]; }; in [ d.type d.outputName d.outPath d.drvPath d.lib.outPath d.out.outPath d.out.outputName (map (x: x.outputName) d.all) d.drvAttrs.name d.name d.system ]"#
        #expect(try eval(e) == #"[ "derivation" "lib" "/nix/store/dd9mfc5rz0k65slg3ankfy9w3fri7zxz-x-lib" "/nix/store/kc37faaammjrdg92r3vynd55b7bw7nzz-x.drv" "/nix/store/dd9mfc5rz0k65slg3ankfy9w3fri7zxz-x-lib" "/nix/store/a15frnwxwxmncl00gy47jw5br0g3fxfh-x" "out" [ "lib" "out" ] "x" "x" "s" ]"#)
        #expect(try eval("builtins.typeOf derivation") == #""lambda""#)
        #expect(try eval(#""${derivation { name = "minimal"; system = "x86_64-linux"; builder = "/bin/sh"; }}""#)
                == #""/nix/store/s5nvav9b8g8kczqzrn1n1npbvs31hgs4-minimal""#)
    }

    @Test func environmentCoercion() throws {
        let d = try drvText(#"derivation { name = "env"; system = 42; builder = "/bin/sh"; t = true; f = false; n = null; i = -17; fl = [ 1.5 1.0e-7 ]; l = [ "a" [] "b" [ "c" [] ] "" ]; s = { __toString = self: "str"; }; o = { outPath = "/p"; }; out = "overwritten"; args = [ "-c" "echo \"$out\"\n\t\\" ]; }"#)
        #expect(d.path == "/nix/store/1354382b7v0pah8vn26irfn40mwp7cx5-env.drv")
        #expect(d.text == #"Derive([("out","/nix/store/41qsyf8pil33xmymsas0c2r5pi2fmf8m-env","","")],[],[],"42","/bin/sh",["-c","echo \"$out\"\n\t\\"],[("builder","/bin/sh"),("f",""),("fl","1.500000 0.000000"),("i","-17"),("l","a b c  "),("n",""),("name","env"),("o","/p"),("out","/nix/store/41qsyf8pil33xmymsas0c2r5pi2fmf8m-env"),("s","str"),("system","42"),("t","1")])"#)
    }

    @Test func structuredAttributes() throws {
        let d = try drvText(#"derivation { __structuredAttrs = true; name = "st"; system = "s"; builder = "/bin/sh"; args = [ "-c" "true" ]; int = 7; list = [ 1 "two" [ 3 ] ]; set = { b = 2.5; a = null; }; }"#)
        #expect(d.path == "/nix/store/wli7dhcf8cjqr3bxf2anggx8x4f1ijlv-st.drv")
        #expect(d.text == #"Derive([("out","/nix/store/ngxkd7ns66y2l52m9j3ak9w9r4jg7c9d-st","","")],[],[],"s","/bin/sh",["-c","true"],[("__json","{\"builder\":\"/bin/sh\",\"int\":7,\"list\":[1,\"two\",[3]],\"name\":\"st\",\"set\":{\"a\":null,\"b\":2.5},\"system\":\"s\"}"),("out","/nix/store/ngxkd7ns66y2l52m9j3ak9w9r4jg7c9d-st")])"#)
        let f = failure(#"derivation { __structuredAttrs = true; name = "f"; system = "s"; builder = "/b"; f = x: x; }"#)
        #expect(f?.message == "cannot convert a function to JSON")
    }

    @Test func ignoreNulls() throws {
        #expect(try drvText(#"derivation { __ignoreNulls = true; name = "n"; system = "s"; builder = "/bin/sh"; gone = null; kept = [ null "x" ]; }"#).path
                == "/nix/store/8yb4493f40jdmg6qci3l7hjfl3lfhbnd-n.drv")
    }

    @Test func placeholderInEnvironment() throws {
        let d = try drvText(#"derivation { name = "ph"; system = "s"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; flags = "--prefix=${placeholder "out"}"; }"#)
        #expect(d.path == "/nix/store/h1fkadmk229xrmmlpxkbddx53b0vlw0v-ph.drv")
        #expect(d.text == #"Derive([("dev","/nix/store/8aa19p0ibh9h7zdqg0m02aldvxi0cl34-ph-dev","",""),("out","/nix/store/v2z55axd8lj02aq93ibvkkrc3kwjikc4-ph","","")],[],[],"s","/bin/sh",[],[("builder","/bin/sh"),("dev","/nix/store/8aa19p0ibh9h7zdqg0m02aldvxi0cl34-ph-dev"),("flags","--prefix=/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9"),("name","ph"),("out","/nix/store/v2z55axd8lj02aq93ibvkkrc3kwjikc4-ph"),("outputs","out dev"),("system","s")])"#)
    }

    // MARK: Dependencies

    @Test func inputDerivations() throws {
        let d = try drvText(#"let a = derivation { name = "a"; system = "s"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; }; in derivation { name = "b"; system = "s"; builder = "/bin/sh"; x = "${a.dev}/include"; y = a; }"#)
        #expect(d.path == "/nix/store/x25avqcwsk6y6k4lc867c3a1k3nmm9c1-b.drv")
        #expect(d.text == #"Derive([("out","/nix/store/nyyic0lx54mw04ak3fa4m1wfysnnc45w-b","","")],[("/nix/store/zk00i9dmrkzkyw50mcxmq9v75lq04br0-a.drv",["dev","out"])],[],"s","/bin/sh",[],[("builder","/bin/sh"),("name","b"),("out","/nix/store/nyyic0lx54mw04ak3fa4m1wfysnnc45w-b"),("system","s"),("x","/nix/store/clzrs2fdhrc4i9yc2laqbrxj694yblax-a-dev/include"),("y","/nix/store/92rm141drkkcmvg6m1sl84ax5hpz9jb3-a")])"#)
    }

    /// The three texts of a derivation share their escaped environment: an attribute
    /// named after an output is replaced by the output's path, escapes are kept, and
    /// a dependent's hashes (of a two-output input) come out as CppNix's.
    @Test func outputVariablesAndEscapesInAllTexts() throws {
        let a = #"derivation { name = "a"; system = "s"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; dev = "user value"; script = "line1\n\"q\" \\ tab\t"; args = [ "-c" "echo \"$out\"\n" ]; }"#
        let d = try drvText(#"let a = \#(a); in derivation { name = "b"; system = "s"; builder = "/bin/sh"; x = a.dev; y = "${a}"; outputs = [ "out" "lib" ]; }"#)
        #expect(d.path == "/nix/store/wah9gva2qhr7qwbxqkg8lrdf24y9vq9j-b.drv")
        #expect(d.text == #"Derive([("lib","/nix/store/gbzg83zyqzqyfx62q58g9z8jqr52wng1-b-lib","",""),("out","/nix/store/5sb34divvidn43as29ca5dikdh3948cf-b","","")],[("/nix/store/53jv8nq5hm8z123flymmahvg13bqdygp-a.drv",["dev","out"])],[],"s","/bin/sh",[],[("builder","/bin/sh"),("lib","/nix/store/gbzg83zyqzqyfx62q58g9z8jqr52wng1-b-lib"),("name","b"),("out","/nix/store/5sb34divvidn43as29ca5dikdh3948cf-b"),("outputs","out lib"),("system","s"),("x","/nix/store/mawap4s0jy552lxy60krp9777vis3vdn-a-dev"),("y","/nix/store/xyrgldx3ddk1hrrns52lkdd8n01rv0lv-a")])"#)
        let input = try drvText(a)
        #expect(input.path == "/nix/store/53jv8nq5hm8z123flymmahvg13bqdygp-a.drv")
        #expect(input.text == #"Derive([("dev","/nix/store/mawap4s0jy552lxy60krp9777vis3vdn-a-dev","",""),("out","/nix/store/xyrgldx3ddk1hrrns52lkdd8n01rv0lv-a","","")],[],[],"s","/bin/sh",["-c","echo \"$out\"\n"],[("builder","/bin/sh"),("dev","/nix/store/mawap4s0jy552lxy60krp9777vis3vdn-a-dev"),("name","a"),("out","/nix/store/xyrgldx3ddk1hrrns52lkdd8n01rv0lv-a"),("outputs","out dev"),("script","line1\n\"q\" \\ tab\t"),("system","s")])"#)
    }

    @Test func drvPathPullsInClosure() throws {
        let d = try drvText(#"let leaf = derivation { name = "leaf"; system = "s"; builder = "/bin/sh"; outputs = [ "out" "doc" ]; }; mid = derivation { name = "mid"; system = "s"; builder = "/bin/sh"; d = leaf.doc; t = builtins.toFile "t" "t"; }; in derivation { name = "top"; system = "s"; builder = "/bin/sh"; f = mid.drvPath; }"#)
        #expect(d.path == "/nix/store/04lgxd04299yx5crb6xkirazahy3w4wr-top.drv")
        #expect(d.text == #"Derive([("out","/nix/store/41cllrc1wvdggicmvbaiissj62vgv1wf-top","","")],[("/nix/store/131wxckl68c4g8gc2vgm6lacvgr726ma-leaf.drv",["doc","out"]),("/nix/store/s9qhizfyrn77pkjafyjmnypynyfdgdc3-mid.drv",["out"])],["/nix/store/131wxckl68c4g8gc2vgm6lacvgr726ma-leaf.drv","/nix/store/l6ah1wqqzy1brqig2l2swzpfb5yfzwnv-t","/nix/store/s9qhizfyrn77pkjafyjmnypynyfdgdc3-mid.drv"],"s","/bin/sh",[],[("builder","/bin/sh"),("f","/nix/store/s9qhizfyrn77pkjafyjmnypynyfdgdc3-mid.drv"),("name","top"),("out","/nix/store/41cllrc1wvdggicmvbaiissj62vgv1wf-top"),("system","s")])"#)
    }

    // MARK: Fixed outputs

    @Test func fixedOutputs() throws {
        #expect(try eval(#"let d = derivation { name = "hello.txt"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashAlgo = "sha256"; outputHash = "853ff93762a06ddbf722c4ebe9ddd66d8f63ddaea97f521c3ecc20da7c976020"; }; in [ d.outPath d.drvPath ]"#)
                == #"[ "/nix/store/nvlvjplpwzws6br3f32p3xfklsc37qgg-hello.txt" "/nix/store/wvldnl01ldm4g61v7cz409jh2yhhnc1b-hello.txt.drv" ]"#)
        #expect(try eval(#"let d = derivation { name = "m"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashAlgo = "md5"; outputHash = "22c3683b094136c3398391ae71b20f04"; }; in [ d.outPath d.drvPath ]"#)
                == #"[ "/nix/store/i284f203sw6yq0nppvsdi50h165whhrq-m" "/nix/store/g4r2izagx2q2pbf3l73i4yfwqcz7bfp5-m.drv" ]"#)
        #expect(try eval(#"let d = derivation { name = "r"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashMode = "recursive"; outputHashAlgo = "sha512"; outputHash = "f65f341b35981fda842b09b2c8af9bcdb7602a4c2e6fa1f7d41f0974d3e3122f268fc79d5a4af66358f5133885cd1c165c916f80ab25e5d8d95db46f803c782c"; }; in [ d.outPath d.drvPath ]"#)
                == #"[ "/nix/store/9a3caqwwh78rni3cqz1dqwhs2326z7xv-r" "/nix/store/x78pi7mc9l8cnixwb5h6hx8ij2gl5mg6-r.drv" ]"#)
        let d = try drvText(#"derivation { name = "src"; system = "x86_64-linux"; builder = "/bin/sh"; outputHashMode = "recursive"; outputHash = "sha256-hT/5N2Kgbdv3IsTr6d3WbY9j3a6pf1IcPswg2nyXYCA="; }"#)
        #expect(d.path == "/nix/store/vxz0h4ax5lqmfrd8w9wwksxhaxfcbjxy-src.drv")
        #expect(d.text == #"Derive([("out","/nix/store/7wx23h6k7rr5czrrpjzzzp05cl934x8n-src","r:sha256","853ff93762a06ddbf722c4ebe9ddd66d8f63ddaea97f521c3ecc20da7c976020")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","src"),("out","/nix/store/7wx23h6k7rr5czrrpjzzzp05cl934x8n-src"),("outputHash","sha256-hT/5N2Kgbdv3IsTr6d3WbY9j3a6pf1IcPswg2nyXYCA="),("outputHashMode","recursive"),("system","x86_64-linux")])"#)
    }

    @Test func fixedOutputConsumersIgnoreHowItIsBuilt() throws {
        // Same output path for consumers of two fixed-output derivations that differ only
        // in their builder; different .drv paths.
        #expect(try eval(#"let f = a: derivation { name = "pinned"; system = "x86_64-linux"; builder = a; outputHashAlgo = "sha256"; outputHash = "853ff93762a06ddbf722c4ebe9ddd66d8f63ddaea97f521c3ecc20da7c976020"; }; c = x: derivation { name = "consumer"; system = "x86_64-linux"; builder = "/bin/sh"; input = x; }; in [ (c (f "/bin/sh")).outPath (c (f "/bin/bash")).outPath (c (f "/bin/sh")).drvPath (c (f "/bin/bash")).drvPath ]"#)
                == #"[ "/nix/store/s3hf8pzba8gypnl4ljb1v10q2ffyvvbf-consumer" "/nix/store/s3hf8pzba8gypnl4ljb1v10q2ffyvvbf-consumer" "/nix/store/hf74gd7ahi0r446syd1m1ibgwlbyysh9-consumer.drv" "/nix/store/6qkkmbn515hrpa56jh60rbvnbqz0cf0g-consumer.drv" ]"#)
    }

    @Test func fixedOutputErrors() {
        let base = #"name = "f"; system = "s"; builder = "/b";"#
        #expect(failure("derivation { \(base) outputHash = \"853ff93762a06ddbf722c4ebe9ddd66d8f63ddaea97f521c3ecc20da7c976020\"; }")?.message
                == "hash '853ff93762a06ddbf722c4ebe9ddd66d8f63ddaea97f521c3ecc20da7c976020' does not include a type, nor is the type otherwise known from context")
        #expect(failure("derivation { \(base) outputHashAlgo = \"sha256\"; outputHash = \"abcdef\"; }")?.message
                == "hash 'abcdef' has wrong length for hash type 'sha256'")
        #expect(failure("derivation { \(base) outputs = [ \"out\" \"dev\" ]; outputHashAlgo = \"sha256\"; outputHash = \"\"; }")?.message
                == "multiple outputs are not supported in fixed-output derivations")
        let mode = failure("builtins.derivationStrict { \(base) outputHashMode = \"custom\"; }")
        #expect(mode?.message == "invalid value 'custom' for 'outputHashMode' attribute")
        #expect(mode?.traces.last == "while evaluating attribute 'outputHashMode' of derivation 'f'")
    }

    // MARK: Errors

    @Test func errors() {
        let missingBuilder = failure(#"builtins.derivationStrict { name = "foo"; }"#)
        #expect(missingBuilder?.message == "required attribute 'builder' missing")
        #expect(missingBuilder?.traces == ["while calling the 'derivationStrict' builtin",
                                           "while evaluating derivation 'foo'\n  whose name attribute is located at «string»:1:29"])
        #expect(failure(#"builtins.derivationStrict { name = "foo"; builder = "/b"; }"#)?.message == "required attribute 'system' missing")
        let missingName = failure("builtins.derivationStrict { }")
        #expect(missingName?.message == "attribute 'name' missing")
        #expect(missingName?.traces == ["while calling the 'derivationStrict' builtin",
                                        "in the attrset passed as argument to builtins.derivationStrict"])
        let badName = failure(#"derivation { name = "~jiggle~"; system = "s"; builder = "/b"; }"#)
        #expect(badName?.message == "invalid derivation name: name '~jiggle~' contains illegal character '~'. Please pass a different 'name'.")
        #expect(failure(#"builtins.derivationStrict { name = "x.drv"; system = "s"; builder = "/b"; }"#)?.message
                == "derivation names are allowed to end in '.drv' only if they produce a single derivation file")
        #expect(failure(#"builtins.derivationStrict { name = "d"; system = "s"; builder = "/b"; outputs = [ "out" "out" ]; }"#)?.message
                == "duplicate derivation output 'out'")
        #expect(failure(#"builtins.derivationStrict { name = "d"; system = "s"; builder = "/b"; outputs = [ ]; }"#)?.message
                == "derivation cannot have an empty set of outputs")
        #expect(failure(#"builtins.derivationStrict { name = "d"; system = "s"; builder = "/b"; outputs = [ "drvPath" ]; }"#)?.message
                == "invalid derivation output name 'drvPath'")
        let args = failure(#"builtins.derivationStrict { name = "d"; system = "s"; builder = "/b"; args = [ "a" { } ]; }"#)
        #expect(args?.message == "cannot coerce a set to a string: { }")
        #expect(args?.traces.suffix(2) == ["while evaluating attribute 'args' of derivation 'd'",
                                           "while evaluating an element of the argument list"])
        #expect(failure(#"builtins.derivationStrict { name = "d"; system = "s"; builder = "/b"; __contentAddressed = true; }"#)?.message
                == "experimental Nix feature 'ca-derivations' is disabled; add '--extra-experimental-features ca-derivations' to enable it")
    }

    // MARK: toFile

    @Test func toFile() throws {
        let (printed, ev) = try run(#"builtins.toFile "notes.txt" "some notes\n""#)
        #expect(printed == #""/nix/store/hwx4rqrjwb7vs4yqzyj3q50r0a78d8vk-notes.txt""#)
        #expect(ev.derivationText(forPath: "/nix/store/hwx4rqrjwb7vs4yqzyj3q50r0a78d8vk-notes.txt") == "some notes\n")
        #expect(try eval(#"let i = builtins.toFile "inner" "x"; in builtins.toFile "outer" "see ${i}""#)
                == #""/nix/store/9fsrwk7l2fs6fipjkdavm2ja2gbjxlgf-outer""#)
        let f = failure(#"let d = derivation { name = "dep-out"; system = "x86_64-linux"; builder = "/bin/sh"; }; in builtins.toFile "bad-ref" "uses ${d}""#)
        #expect(f?.message == "files created by builtins.toFile may not reference derivations, but bad-ref references !out!w4y9pmb2mv2gy1x0gwh1077wnqldxvbn-dep-out.drv")
    }

    // MARK: Sources

    @Test func sources() throws {
        let dir = try Fixture()
        defer { dir.remove() }
        let tree = dir.path + "/tree", hello = dir.path + "/hello.txt"
        #expect(try eval("builtins.path { path = \(tree); name = \"t\"; }") == #""/nix/store/b8027zq4xrbgqf528cz8g51ffqvlkiw8-t""#)
        #expect(try eval("builtins.path { path = \(tree); name = \"t\"; filter = p: t: t != \"symlink\" && p != \"\(tree)/sub\"; }")
                == #""/nix/store/n7xia0h56vi1xgaazpy0fq1djpyzymhx-t""#)
        #expect(try eval("builtins.path { path = \(hello); recursive = false; }") == #""/nix/store/gy454w1cxaq731grqwylhzf4pp9r5izh-hello.txt""#)
        #expect(try eval("builtins.path { path = \(hello); }") == #""/nix/store/i9pmrzmpshapij2kin22pff6fc2adavx-hello.txt""#)
        #expect(try eval("builtins.path { path = \(hello); recursive = false; sha256 = \"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\"; }")
                == #""/nix/store/gy454w1cxaq731grqwylhzf4pp9r5izh-hello.txt""#)
        #expect(failure("builtins.path { path = \(hello); sha256 = \"0000000000000000000000000000000000000000000000000000\"; }")?.message
                == "store path mismatch in (possibly filtered) path added from '\(hello)'")
        // Paths in a derivation's attributes are copied (their store paths become inputs).
        let d = try drvText("derivation { name = \"env-path\"; system = \"s\"; builder = \(tree)/run.sh; src = \(tree); }")
        #expect(d.path == "/nix/store/hym7nvblla77lp7nfrl7p9xqjkxsq8dc-env-path.drv")
        #expect(d.text == #"Derive([("out","/nix/store/b1ghcq40fbdrisk4f9xamcdwiq7b0jl3-env-path","","")],[],["/nix/store/78sw4kgnlwlwp82n9crq3226z2pb1g91-run.sh","/nix/store/wmgp4bwb4swnwq0ad2ckn11k0jb9jl8a-tree"],"s","/nix/store/78sw4kgnlwlwp82n9crq3226z2pb1g91-run.sh",[],[("builder","/nix/store/78sw4kgnlwlwp82n9crq3226z2pb1g91-run.sh"),("name","env-path"),("out","/nix/store/b1ghcq40fbdrisk4f9xamcdwiq7b0jl3-env-path"),("src","/nix/store/wmgp4bwb4swnwq0ad2ckn11k0jb9jl8a-tree"),("system","s")])"#)
        let (_, ev) = try run("null")
        let copied = try ev.copyPathToStore(Array(hello.utf8), .none)
        #expect(copied.string == "/nix/store/i9pmrzmpshapij2kin22pff6fc2adavx-hello.txt")
        #expect(copied.context.elements == [Array(copied.string.utf8)])
    }

    @Test func filterSourceErrors() {
        let notFunction = failure("builtins.filterSource [ ] /tmp")
        #expect(notFunction?.message == "expected a function but found a list: [ ]")
        #expect(notFunction?.traces == ["while calling the 'filterSource' builtin",
                                        "while evaluating the first argument passed to builtins.filterSource"])
        #expect(failure(#"builtins.filterSource (p: t: true) "foo""#)?.message == "string 'foo' doesn't represent an absolute path")
    }

    // MARK: storePath

    @Test func storePath() throws {
        let (_, ev) = try run("null")
        let symbols = ev.symbols
        _ = symbols
        let v = try ev.storePath(.string(NixString("/nix/store/cg8g15saxkgmxcvnrb8y64vj4hpyz7af-x-dev/bin")))
        guard case .string(let s) = v else { Issue.record("not a string"); return }
        #expect(s.string == "/nix/store/cg8g15saxkgmxcvnrb8y64vj4hpyz7af-x-dev/bin")
        #expect(s.context.elements == [Array("/nix/store/cg8g15saxkgmxcvnrb8y64vj4hpyz7af-x-dev".utf8)])
        #expect(failure(#"builtins.storePath "/tmp""#)?.message == "path '/tmp' is not in the Nix store")
        #expect(failure("builtins.storePath true")?.message == "cannot coerce a Boolean to a string: true")
    }
}

/// A temporary folder with `hello.txt` and a `tree/` holding a file, a subfolder, an
/// executable and a symlink (what the recorded store paths were computed from).
private struct Fixture {
    let path: String

    init() throws {
        var template = Array("/tmp/swix-derivations-test.XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw FixtureError() }
        path = String(cString: p)
        try write("hello.txt", "hello\n", mode: 0o644)
        mkdir(path + "/tree", 0o755)
        mkdir(path + "/tree/sub", 0o755)
        try write("tree/a.txt", "alpha\n", mode: 0o644)
        try write("tree/sub/b.txt", "beta\n", mode: 0o644)
        try write("tree/run.sh", "#!/bin/sh\n", mode: 0o755)
        symlink("a.txt", path + "/tree/link")
    }

    struct FixtureError: Error {}

    func write(_ name: String, _ contents: String, mode: mode_t) throws {
        let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw FixtureError() }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count else { throw FixtureError() }
        fchmod(fd, mode)
    }

    func remove() {
        for f in ["hello.txt", "tree/a.txt", "tree/sub/b.txt", "tree/run.sh", "tree/link"] { unlink(path + "/" + f) }
        rmdir(path + "/tree/sub")
        rmdir(path + "/tree")
        rmdir(path)
    }
}

/// The word-at-a-time escaper of `.drv` strings against the byte-by-byte rule,
/// for every special byte at every offset of strings around the 8-byte word size
/// and for bytes close to the special ones (false positives of the bit tricks).
@Test func drvStringEscapingMatchesTheByteRule() {
    func reference(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [34]
        for c in bytes {
            switch c {
            case 34, 92: out += [92, c]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            default: out.append(c)
            }
        }
        return out + [34]
    }
    let probes: [UInt8] = [0, 8, 9, 10, 11, 13, 14, 33, 34, 35, 91, 92, 93, 127, 128, 0xAE, 0xDC, 255]
    for length in 0...19 {
        for offset in 0..<max(length, 1) {
            for p in probes {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                if length > 0 { bytes[offset] = p }
                if length > 2 { bytes[length - 1] = probes[(offset + Int(p)) % probes.count] }
                let out = ByteBuffer()
                StoreDerivation.writeEscaped(out, bytes)
                #expect(out.bytes == reference(bytes), "length \(length) offset \(offset) byte \(p)")
            }
        }
    }
}
