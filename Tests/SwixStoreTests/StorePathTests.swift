import Testing
@testable import SwixStore

private let store = StoreDirectory.default

private func printed(_ body: () throws -> StorePath) rethrows -> String {
    store.print(try body())
}

/// The message of the `StorePathError` `body` throws (nil if it throws nothing, or another error).
private func storePathError(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return (error as? StorePathError)?.message
    }
}

@Suite("Store path names")
struct StorePathNameTests {
    @Test func validNames() {
        for name in ["foo", "hello-2.12.1", "A+B_c?d=e", "x.drv", ".foo", ".", "..",
                     String(repeating: "a", count: 211)] {
            #expect(StorePathName.isValid(name), "\(name)")
        }
        for name in ["", "a b", "a/b", "a:b", "aé", String(repeating: "a", count: 212)] {
            #expect(!StorePathName.isValid(name), "\(name)")
        }
    }

    // `nix-instantiate --eval -E 'builtins.toFile NAME "bar"'` with Nix 2.8.
    @Test func errorsNameTheComputedPath() {
        #expect(storePathError { try store.makeTextPath(name: "a b", contents: Array("bar".utf8)) }
            == "store path 'nfnnd9bvjy57sph724ya89s1na18i7c1-a b' contains illegal character ' '")
        #expect(storePathError { try store.makeTextPath(name: "", contents: Array("bar".utf8)) }
            == "store path '8g1jgazvb2y10ly38rac72lrqlxkkhj1-' has an empty name")
        let long = String(repeating: "a", count: 212)
        #expect(storePathError { try store.makeTextPath(name: long, contents: Array("bar".utf8)) }
            == "store path 'awfjffdgh2kzvg8qj5frlgg0azm7iiyk-\(long)' has a name longer than 211 characters")
        // Nix prints only the first byte of a multi-byte character; the whole character
        // is shown here.
        #expect(storePathError { try store.makeTextPath(name: "aé", contents: Array("bar".utf8)) }
            == "store path '11ks700wlmj2bg6rxmfa8f0mglwj2qp4-aé' contains illegal character 'é'")
    }

    @Test func namesAtTheLimitsAreAccepted() throws {
        let bar = Array("bar".utf8)
        let longest = String(repeating: "a", count: 211)
        #expect(try printed { try store.makeTextPath(name: longest, contents: bar) }
            == "/nix/store/ks7bz1hpa9gy3xsks85qh6jhrkfn2d5d-" + longest)
        #expect(try printed { try store.makeTextPath(name: ".foo", contents: bar) }
            == "/nix/store/610hjpn0wjsi7g33hhas390gbnmygwhr-.foo")
        #expect(try printed { try store.makeTextPath(name: ".", contents: bar) }
            == "/nix/store/jq8q18xhvbrcmhnx6z5iqw7b3lwd0r4c-.")
    }
}

@Suite("Store path parsing")
struct StorePathParsingTests {
    @Test func parsesAndSplits() throws {
        let p = try store.parseStorePath("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo")
        #expect(p.baseName == "vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo")
        #expect(p.hashPart == "vxjiwkjkn7x4079qvh1jkl5pn05j2aw0")
        #expect(p.name == "foo")
        #expect(!p.isDerivation)
        #expect(try store.parseStorePath("/nix//store/./5wq5jx7219pmi3xklyhl77fjbqvy6qaj-x.drv").isDerivation)
        #expect(try store.parseStorePath("/nix/store/x/../vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/") == p)
        #expect(store.isStorePath("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo"))
        #expect(!store.isStorePath("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/bin"))
    }

    @Test func parseErrors() {
        #expect(storePathError { try store.parseStorePath("/tmp/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo") }
            == "path '/tmp/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo' is not in the Nix store")
        #expect(storePathError { try store.parseStorePath("nix/store/x") }
            == "not an absolute path: 'nix/store/x'")
        #expect(storePathError { try store.parseStorePath("/nix/store/abc-foo") }
            == "'abc-foo' is too short to be a valid store path")
        #expect(storePathError { try store.parseStorePath("/nix/store/exjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo") }
            == "store path 'exjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo' contains illegal base-32 character 'e'")
        #expect(storePathError { try store.parseStorePath("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-") }
            == "store path 'vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-' has an empty name")
        #expect(storePathError { try store.parseStorePath("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-a%b") }
            == "store path 'vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-a%b' contains illegal character '%'")
    }

    @Test func inStore() throws {
        #expect(store.isInStore("/nix/store/x"))
        #expect(!store.isInStore("/nix/store/"))
        #expect(!store.isInStore("/nix/store"))
        #expect(!store.isInStore("/nix/storex/y"))
        let (path, rest) = try store.toStorePath("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/bin/sh")
        #expect(path.baseName == "vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo" && rest == "/bin/sh")
        let (whole, none) = try store.toStorePath("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo")
        #expect(whole == path && none == "")
        #expect(storePathError { try store.toStorePath("/usr/bin") } == "path '/usr/bin' is not in the Nix store")
    }

    @Test func orderIsBytewise() throws {
        let a = try StorePath(baseName: "00000000000000000000000000000000-b")
        let b = try StorePath(baseName: "00000000000000000000000000000000-a-longer")
        #expect(b < a)
    }
}

@Suite("Store path computation")
struct StorePathComputationTests {
    private let foo = "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo"
    private let a = "/nix/store/g76zcpqc540lrc8i6g7xy6ip0npn2hnp-a"

    // `builtins.toFile`
    @Test func textPaths() throws {
        #expect(try printed { try store.makeTextPath(name: "foo", contents: Array("bar".utf8)) } == foo)
        #expect(try printed { try store.makeTextPath(name: "a", contents: Array("b".utf8)) } == a)
        #expect(try printed { try store.makeTextPath(name: "empty", contents: [UInt8]()) }
            == "/nix/store/wflv0hgb0qb1ddc5nxmsg0y9zjjhfvmh-empty")
        // builtins.toFile "ref" "${builtins.toFile "foo" "bar"}"
        #expect(try printed { try store.makeTextPath(name: "ref", contents: Array(foo.utf8), references: [foo]) }
            == "/nix/store/czhxrcvg8r49jgnjf3dd0cf0279gqgic-ref")
        // References are a set: order and repetition do not matter.
        let contents = Array("\(foo) \(a) \(foo)".utf8)
        for refs in [[foo, a], [a, foo], [foo, a, foo]] {
            #expect(try printed { try store.makeTextPath(name: "refs", contents: contents, references: refs) }
                == "/nix/store/1hzn32jkwig8dycg5b7bb2xnbnfr89wg-refs")
        }
        let viaHash = try store.makeTextPath(name: "foo", contentsHash: Digest.hash(.sha256, string: "bar"))
        #expect(store.print(viaHash) == foo)
        #expect(try printed {
            try store.makeFixedOutputPath(method: .text, hash: Digest.hash(.sha256, string: "bar"), name: "foo")
        } == foo)
    }

    // `outPath` of `derivation { name = "x"; builder = "b"; system = "s"; outputHash… }`
    @Test(arguments: [
        (ContentAddressMethod.recursive, "sha256:1s24bspzb7l06gfsykrrlb0nkc9yjm98w1qlq1qxb1b00bgq27bg",
         "/nix/store/c19835y4ldj5vfbx63z04zfdvc6mrmb1-x"),
        (.recursive, "sha256:" + "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
         "/nix/store/d6q30mlzfljh7ha1b1m6fnifi34qr99p-x"),
        (.recursive, "sha256:1000000000000000000000000000000000000000000000000000",
         "/nix/store/wd0vk26hizp8ziq0iwc17araqwcxnj2d-x"),
        (.flat, "sha256:08j18xihadv6h003w7457byy1p0yfhiyx1yzb0f5irv3iclacksq",
         "/nix/store/jscwhr1nf0s0j68ii2zb8ka8b350sn7m-x"),
        (.flat, "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
         "/nix/store/yplc6kklcg6k8aln037jq8jxq5v92wln-x"),
        (.recursive, "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "/nix/store/dii4qkmn9kdb6ziy6psgldkwa3k3gyia-x"),
        (.flat, "md5:d41d8cd98f00b204e9800998ecf8427e", "/nix/store/v4hm49i7f7fmjvrmdcda7qrcizb2ckkn-x"),
        (.flat, "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
         "/nix/store/v4gwl84bl3yzlhjakfayjh37ghhhsk2f-x"),
        (.recursive, "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
         "/nix/store/0j73mv0f8ypnqzs43gfs7vffxwhsyv4f-x"),
    ])
    func fixedOutputPaths(_ method: ContentAddressMethod, _ hash: String, _ expected: String) throws {
        let h = try Hash.parseAnyPrefixed(hash)
        #expect(try printed { try store.makeFixedOutputPath(method: method, hash: h, name: "x") } == expected)
    }

    @Test func fixedOutputsOtherThanSourceCannotHaveReferences() {
        let h = Digest.hash(.sha256, string: "")
        #expect(storePathError { try store.makeFixedOutputPath(method: .flat, hash: h, name: "x", references: [foo]) }
            == "fixed output derivation 'x' is not allowed to refer to other store paths.")
        #expect(storePathError {
            try store.makeFixedOutputPath(method: .text, hash: Digest.hash(.sha1, string: ""), name: "x")
        } != nil)
    }

    // `builtins.path { path = …; name = …; }`: the NAR SHA-256 of the tree built in
    // NARTests, and of a single file.
    @Test func sourcePaths() throws {
        let tree = try Hash.parseAnyPrefixed("sha256:16ccrhbbv99yb5878d79nbqr5s0d0mypd878dl6ly2qxlyw5safw")
        #expect(try printed { try store.makeSourcePath(name: "t", narHash: tree) }
            == "/nix/store/4h6ic2g98d67y5j57x418rd8y4ggm5bd-t")
        #expect(try printed { try store.makeSourcePath(name: "tree", narHash: tree) }
            == "/nix/store/xgzq7l9l6lbagygyr99rsigdw1vzi8yr-tree")
        #expect(try printed { try store.makeFixedOutputPath(method: .recursive, hash: tree, name: "t") }
            == "/nix/store/4h6ic2g98d67y5j57x418rd8y4ggm5bd-t")
        let withRefs = try store.makeSourcePath(name: "t", narHash: tree, references: [foo])
        let withSelf = try store.makeSourcePath(name: "t", narHash: tree, references: [foo], hasSelfReference: true)
        #expect(withRefs.baseName != withSelf.baseName)
        #expect(withRefs == (try store.makeStorePath(type: "source:" + foo, innerHash: tree, name: "t")))
        #expect(withSelf == (try store.makeStorePath(type: "source:" + foo + ":self", innerHash: tree, name: "t")))
    }

    // Outputs of `derivation { name = "x"; builder = "b"; system = "s"; }`, with the
    // derivation's hash modulo computed from its output-masked ATerm.
    @Test func outputPaths() throws {
        let masked = #"Derive([("out","","","")],[],[],"s","b",[],[("builder","b"),("name","x"),("out",""),("system","s")])"#
        let out = try store.makeOutputPath(drvHash: Digest.hash(.sha256, string: masked), name: "x")
        #expect(store.print(out) == "/nix/store/gwwjwi08fyrbrz2d8zkfvy65nzzq2czp-x")
        // The .drv itself is a text path over the full ATerm.
        let outPath = store.print(out)
        let aterm = #"Derive([("out",""# + outPath + #"","","")],[],[],"s","b",[],[("builder","b"),("name","x"),("out",""# + outPath + #""),("system","s")])"#
        #expect(try printed { try store.makeTextPath(name: "x.drv", contents: Array(aterm.utf8)) }
            == "/nix/store/5wq5jx7219pmi3xklyhl77fjbqvy6qaj-x.drv")

        // outputs = [ "out" "dev" ]
        let masked2 = #"Derive([("dev","","",""),("out","","","")],[],[],"s","b",[],[("builder","b"),("dev",""),("name","x"),("out",""),("outputs","out dev"),("system","s")])"#
        let h2 = Digest.hash(.sha256, string: masked2)
        #expect(try printed { try store.makeOutputPath(id: "dev", drvHash: h2, name: "x") }
            == "/nix/store/g1qp5k3hapvsriswfzlw41x710w3klpp-x-dev")
        #expect(try printed { try store.makeOutputPath(id: "out", drvHash: h2, name: "x") }
            == "/nix/store/rk239pxig2bqki5yzraqj78g26ai4iqy-x")
        #expect(StoreDirectory.outputPathName("x", "out") == "x")
        #expect(StoreDirectory.outputPathName("x", "lib") == "x-lib")
    }

    @Test func storeDirectoryEntersTheHash() throws {
        let other = StoreDirectory("/tmp/store")
        let p = try other.makeTextPath(name: "foo", contents: Array("bar".utf8))
        #expect(other.print(p).hasPrefix("/tmp/store/"))
        #expect(p.hashPart != "vxjiwkjkn7x4079qvh1jkl5pn05j2aw0")
        let fingerprint = "text:sha256:" + Digest.hash(.sha256, string: "bar").base16 + ":/tmp/store:foo"
        #expect(p.hashPart == Digest.hash(.sha256, string: fingerprint).compressed(to: 20).nix32)
    }
}
