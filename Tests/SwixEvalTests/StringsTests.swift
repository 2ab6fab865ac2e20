import Foundation
import Testing
@testable import SwixEval
import SwixSyntax
#if canImport(Glibc)
import Glibc
#endif

/// Parses and evaluates `text` strictly and prints the value as
/// `nix-instantiate --eval --strict` does; an evaluation error is returned as
/// its rendered diagnostic.
private func eval(_ text: String) -> String {
    // Evaluation runs on a thread with a large stack, as the command line does.
    runWithLargeStack { evalOnThisThread(text) }
}

private func evalOnThisThread(_ text: String) -> String {
    do {
        return try TestProgram(text).strictOutputOrDiagnostic()
    } catch {
        return "parse error: \(error)"
    }
}

/// The message of the innermost error (the last `error: …` line).
private func errorMessage(_ text: String) -> String {
    let out = eval(text)
    for line in out.split(separator: "\n").reversed() {
        if let r = line.firstRange(of: "error: ") { return String(line[r.upperBound...]) }
    }
    return "no error: " + out
}

// Expected values come from `nix-instantiate --eval --strict -E …` (Nix 2.8), except
// where current Nix (the conformance corpus, CppNix's primops.cc) differs; those
// cases say so.

private let drv = "/nix/store/pg9yqs4yd85yhdm3f4i5dyaqp5jahrsz-fail.drv"
private let src = "/nix/store/2dxd5frb715z451vbf7s8birlf3argbk-fail-2"

@Suite("String builtins")
struct StringsTests {
    /// Indented strings: the indentation is measured and stripped line by line, the
    /// rest of each line copied whole (spaces-only lines, tabs, escapes,
    /// interpolations at the start and in the middle of lines). The program is the
    /// parser's golden file of the same name, evaluated here.
    @Test func indentedStringLines() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden/parse/indented-lines.nix")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(eval(text) == #"[ "a\n  b\nc\n" "  first\nsecond  \n    third\n" "X start\n  mid X end\nlast" "a\n  b" "\n  blank above\n \nspaces-only line above\n" "\ttab line\n  space line\n" "lead \${x} ''q'' \ndone\nnext" "X\nX" ]"#)
    }

    // MARK: substring, stringLength

    @Test func substring() {
        #expect(eval(#"""
            with builtins; let s = "foobar"; in
            substring 1 2 s + "x" + substring 0 (stringLength s) s + "y" + substring 3 100 s + "z"
            + substring 2 (sub (stringLength s) 3) s + "a" + substring 3 0 s + "b" + substring 3 1 s
            + "c" + substring 5 10 "perl" + "_" + substring 3 (-1) "tebbad"
            """#) == #""ooxfoobarybarzobaabbc_bad""#)
        #expect(eval(#"with builtins; [ (substring 1 (-5) "abc") (substring 10 1 "abc") (substring 1 9223372036854775807 "abc") ]"#)
            == #"[ "bc" "" "bc" ]"#)
    }

    @Test func substringCountsBytes() {
        #expect(eval(#"[ (builtins.stringLength "é") (builtins.stringLength (builtins.substring 1 1 "é")) ]"#) == "[ 2 1 ]")
    }

    @Test func substringErrors() {
        // Current Nix checks the start before forcing the string.
        let out = eval(#"builtins.substring (-1) 1 (throw "x")"#)
        #expect(out.contains("… while calling the 'substring' builtin"))
        #expect(out.hasSuffix("error: negative start position in 'substring'"))
        let e = eval(#"builtins.substring 0 3 { }"#)
        #expect(e.contains("… while evaluating the third argument (the string) passed to builtins.substring"))
        #expect(e.contains("error: cannot coerce a set to a string"))
        #expect(eval(#"builtins.substring 3 "foo" true"#)
            .contains("… while evaluating the second argument (the substring length) passed to builtins.substring"))
    }

    @Test func emptySubstringKeepsContext() {
        #expect(eval(#"builtins.hasContext (builtins.substring 0 0 (builtins.appendContext "x" { "\#(src)" = { path = true; }; }))"#)
            == "true")
    }

    @Test func stringLength() {
        #expect(eval(#"[ (builtins.stringLength "") (builtins.stringLength "abc") (builtins.stringLength { outPath = "xy"; }) ]"#)
            == "[ 0 3 2 ]")
        #expect(eval("builtins.stringLength 1").contains("… while evaluating the argument passed to builtins.stringLength"))
    }

    // MARK: replaceStrings

    @Test func replaceStrings() {
        #expect(eval(#"""
            with builtins; [
              (replaceStrings [ "o" ] [ "a" ] "foobar")
              (replaceStrings [ "o" ] [ "" ] "foobar")
              (replaceStrings [ "oo" ] [ "u" ] "foobar")
              (replaceStrings [ "oo" "a" ] [ "a" "oo" ] "foobar")
              (replaceStrings [ "oo" "oo" ] [ "u" "i" ] "foobar")
              (replaceStrings [ "" ] [ "X" ] "abc")
              (replaceStrings [ "" ] [ "X" ] "")
              (replaceStrings [ "-" ] [ "_" ] "a-b")
            ]
            """#) == #"[ "faabar" "fbar" "fubar" "faboor" "fubar" "XaXbXcX" "X" "a_b" ]"#)
        #expect(eval(#"with builtins; [ (replaceStrings ["a" ""] ["A" "-"] "abca") (replaceStrings ["" "a"] ["-" "A"] "abca") (replaceStrings [] [] "x") (replaceStrings ["ab" "a"] ["1" "2"] "aab") ]"#)
            == #"[ "A-b-cA-" "-a-b-c-a-" "x" "21" ]"#)
    }

    /// One `from` list applied to many strings (its prepared patterns are kept),
    /// interleaved with another list.
    /// Patterns sharing a first byte are tried in list order (the first match
    /// wins), with and without an empty pattern (Nix 2.8).
    @Test func replaceStringsFirstMatchInListOrder() {
        #expect(eval(#"with builtins; [ (replaceStrings ["a" "ab" "b"] ["1" "2" "3"] "abab cab") (replaceStrings ["ab" "a"] ["X" "Y"] "aab ab a") (replaceStrings [""] ["-"] "abc") (replaceStrings ["" "a"] ["-" "A"] "abc") (replaceStrings ["a" ""] ["A" "-"] "abc") (replaceStrings ["oo" "o"] ["0" "1"] "foooo") (replaceStrings [] [] "x") (replaceStrings ["x"] ["y"] "") (replaceStrings ["é" "e"] ["E" "3"] "éeé") (replaceStrings ["abc" "abd" "ab"] ["1" "2" "3"] "abdabcabx") ]"#)
            == #"[ "1313 c13" "YX X Y" "-a-b-c-" "-a-b-c-" "A-b-c-" "f00" "x" "" "E3E" "213x" ]"#)
    }

    /// A `from` list literal inside a function is a new list at every call: its
    /// prepared patterns are found again by content, never for other patterns
    /// (same count, other strings; a prefix of them; a failing string).
    @Test func replaceStringsFromListLiteralsAcrossCalls() {
        #expect(eval(#"let f = s: builtins.replaceStrings [ "a" "b" ] [ "1" "2" ] s; g = x: s: builtins.replaceStrings [ "a" x ] [ "3" "4" ] s; in [ (f "ab") (g "b" "ab") (f "ba") (g "c" "abc") (g "b" "cab") (f "abc") (builtins.replaceStrings [ "a" ] [ "5" ] "ab") (f "b") ]"#)
            == #"[ "12" "34" "21" "3b4" "c34" "12c" "5b" "2" ]"#)
        #expect(errorMessage(#"let f = x: builtins.replaceStrings [ "a" x ] [ "1" "2" ] "ab"; in [ (f "b") (f (throw "no pattern")) ]"#)
            .contains("no pattern"))
    }

    @Test func replaceStringsAppliedRepeatedly() {
        #expect(eval(#"let up = builtins.replaceStrings [ "a" "b" ] [ "A" "B" ]; in [ (up "abc") (up "xyz") (up "bab") (builtins.replaceStrings [ "x" ] [ "y" ] "xax") (up "cab") ]"#)
            == #"[ "ABc" "xyz" "BAB" "yay" "cAB" ]"#)
    }

    /// One-byte substrings are shared strings; those with context are not.
    @Test func singleByteSubstrings() {
        #expect(eval(#"let s = "hello"; in [ (builtins.substring 1 1 s) (builtins.substring 4 1 s) (builtins.substring 0 1 "") (builtins.stringLength (builtins.substring 2 1 s)) (builtins.getContext (builtins.substring 0 1 (builtins.toFile "f" "z"))) ]"#)
            == #"[ "e" "o" "" 1 { "/nix/store/3szwzsdbggjiayid6z7gg7lqr8zq5y1p-f" = { path = true; }; } ]"#)
    }

    @Test func replaceStringsForcesReplacementsLazily() {
        // Current Nix (corpus eval-okay-replacestrings); Nix 2.8 forced them all.
        #expect(eval(#"builtins.replaceStrings [ "oo" "XX" ] [ "u" (throw "unreachable") ] "foobar""#) == #""fubar""#)
    }

    @Test func replaceStringsErrors() {
        #expect(errorMessage(#"builtins.replaceStrings [ 0 ] [ ] { }"#)
            == "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths")
        #expect(eval(#"builtins.replaceStrings [ 1 ] [ "new" ] { }"#)
            .contains("… while evaluating one of the strings to replace passed to builtins.replaceStrings"))
        #expect(eval(#"builtins.replaceStrings [ "oo" ] [ true ] "foo""#)
            .contains("… while evaluating one of the replacement strings passed to builtins.replaceStrings"))
    }

    @Test func replaceStringsContext() {
        #expect(eval(#"builtins.getContext (builtins.replaceStrings ["a"] [(builtins.appendContext "b" { "\#(src)" = { path = true; }; })] "xa")"#)
            == #"{ "\#(src)" = { path = true; }; }"#)
        #expect(eval(#"builtins.hasContext (builtins.replaceStrings ["z"] [(builtins.appendContext "b" { "\#(src)" = { path = true; }; })] "xa")"#)
            == "false")
    }

    // MARK: concatStringsSep

    @Test func concatStringsSep() {
        #expect(eval(#"""
            with builtins; [
              (concatStringsSep "" [ ]) (concatStringsSep "" [ "foo" "bar" "xyzzy" ])
              (concatStringsSep ", " [ "foo" "bar" "xyzzy" ]) (concatStringsSep ", " [ "foo" ]) (concatStringsSep ", " [ ])
            ]
            """#) == #"[ "" "foobarxyzzy" "foo, bar, xyzzy" "foo" "" ]"#)
        #expect(eval(#"builtins.concatStringsSep "/" [ "a" "/b" { outPath = "c"; } { __toString = s: "d"; } ]"#) == #""a//b/c/d""#)
    }

    @Test func concatStringsSepErrors() {
        let e = eval(#"builtins.concatStringsSep "," [ 1 ]"#)
        #expect(e.contains("… while evaluating one element of the list of strings to concat passed to builtins.concatStringsSep"))
        #expect(e.hasSuffix("error: cannot coerce an integer to a string: 1"))
        #expect(eval(#"builtins.concatStringsSep 1 { }"#)
            .contains("… while evaluating the first argument (the separator string) passed to builtins.concatStringsSep"))
    }

    @Test func concatStringsSepContext() {
        // The separator's context counts even when it is never inserted.
        #expect(eval(#"builtins.getContext (builtins.concatStringsSep (builtins.appendContext "," { "\#(src)" = { path = true; }; }) [ ])"#)
            == #"{ "\#(src)" = { path = true; }; }"#)
    }

    // MARK: Versions

    @Test func splitVersion() {
        #expect(eval(#"with builtins; [ (splitVersion "1.2.3") (splitVersion "") (splitVersion "1.2-pre3") (splitVersion "..1..2") (splitVersion "1.0rc1") (splitVersion "abc123def") (splitVersion "-") ]"#)
            == #"[ [ "1" "2" "3" ] [ ] [ "1" "2" "pre" "3" ] [ "1" "2" ] [ "1" "0" "rc" "1" ] [ "abc" "123" "def" ] [ ] ]"#)
    }

    @Test func compareVersions() {
        let pairs: [(String, String, Int)] = [
            ("1.0", "2.3", -1), ("2.1", "2.3", -1), ("2.3", "2.3", 0), ("2.5", "2.3", 1), ("3.1", "2.3", 1),
            ("2.3.1", "2.3", 1), ("2.3.1", "2.3a", 1), ("2.3pre1", "2.3", -1), ("2.3pre3", "2.3pre12", -1),
            ("2.3a", "2.3c", -1), ("2.3pre1", "2.3c", -1), ("2.3pre1", "2.3q", -1), ("1", "01", 0), ("1.0", "1..0", 0),
            ("99999999999", "99999999998", 1), ("99999999999", "1", -1), ("", "pre", 1), ("1pre", "1.pre", 0),
            ("a", "b", -1), ("1.-", "1", 0), ("1.a", "1.0.0", -1),
        ]
        for (a, b, r) in pairs {
            #expect(eval(#"builtins.compareVersions "\#(a)" "\#(b)""#) == "\(r)", "compareVersions \(a) \(b)")
            #expect(eval(#"builtins.compareVersions "\#(b)" "\#(a)""#) == "\(-r)", "compareVersions \(b) \(a)")
        }
        #expect(eval(#"builtins.compareVersions "abd" { }"#)
            .contains("… while evaluating the second argument passed to builtins.compareVersions"))
    }

    @Test func parseDrvName() {
        #expect(eval(#"with builtins; [ (parseDrvName "hello-1.0.2") (parseDrvName "hello") (parseDrvName "915resolution-0.5.2") (parseDrvName "xf86-video-i810-1.7.4") (parseDrvName "name-that-ends-with-dash--1.0") ]"#)
            == #"[ { name = "hello"; version = "1.0.2"; } { name = "hello"; version = ""; } { name = "915resolution"; version = "0.5.2"; } { name = "xf86-video-i810"; version = "1.7.4"; } { name = "name-that-ends-with-dash"; version = "-1.0"; } ]"#)
        #expect(eval(#"with builtins; [ (parseDrvName "a-1b-2") (parseDrvName "-1") (parseDrvName "a-") (parseDrvName "é-1") (parseDrvName "a-_") ]"#)
            == #"[ { name = "a"; version = "1b-2"; } { name = ""; version = "1"; } { name = "a-"; version = ""; } { name = "é"; version = "1"; } { name = "a"; version = "_"; } ]"#)
    }

    @Test func versionsRejectContext() {
        #expect(errorMessage(#"builtins.parseDrvName (builtins.appendContext "x-1" { "\#(drv)" = { outputs = [ "out" ]; }; })"#)
            == "the string 'x-1' is not allowed to refer to a store path (such as '\(drv)^out')")
    }

    // MARK: baseNameOf, dirOf, toPath

    @Test func baseNameOf() {
        let cases: [(String, String)] = [
            ("", ""), (".", "."), ("..", ".."), ("a", "a"), ("a.b.", "a.b."), ("a/", "a"), ("a/.", "."), ("a/..", ".."),
            ("a/b", "b"), ("a/b/c.", "c."), (#"a\\b"#, #"a\\b"#), ("C:a", "C:a"), ("a//b", "b"), ("a//", ""), ("/", ""),
            ("//", ""), ("a/b/", "b"),
        ]
        for (input, output) in cases {
            #expect(eval(#"baseNameOf "\#(input)""#) == #""\#(output)""#, "baseNameOf \(input)")
        }
        #expect(eval("[ (baseNameOf /foo/bar) (baseNameOf /a) ]") == #"[ "bar" "a" ]"#)
        #expect(eval("baseNameOf [ ]").contains("… while evaluating the first argument passed to builtins.baseNameOf"))
    }

    @Test func dirOf() {
        #expect(eval(#"""
            {
              stringEmpty = dirOf ""; stringNoSep = dirOf "filename"; stringSingleDir = dirOf "a/b";
              stringMultipleSeps = dirOf "a///b"; stringRoot = dirOf "/"; stringRootSlash = dirOf "//";
              stringRootSlashSlash = dirOf "///"; stringRootA = dirOf "/a"; stringWithDot = dirOf "a/b/c/./d";
              pathRoot = dirOf /.; pathNested = dirOf /totallydoesntexistreally/subdir1/subdir2; pathTop = dirOf /x;
            }
            """#) == #"{ pathNested = /totallydoesntexistreally/subdir1; pathRoot = /; pathTop = /; stringEmpty = "."; stringMultipleSeps = "a//"; stringNoSep = "."; stringRoot = "/"; stringRootA = "/"; stringRootSlash = "/"; stringRootSlashSlash = "//"; stringSingleDir = "a"; stringWithDot = "a/b/c/."; }"#)
        #expect(eval("dirOf 1").contains("… while evaluating the first argument passed to 'builtins.dirOf'"))
    }

    @Test func toPath() {
        #expect(eval(#"with builtins; [ (toPath "/a/../b/./c//") (toPath /x/y) (toPath { outPath = "/z"; }) ]"#) == #"[ "/b/c" "/x/y" "/z" ]"#)
        let e = eval(#"builtins.toPath "foo""#)
        #expect(e.contains("… while evaluating the first argument passed to builtins.toPath"))
        #expect(e.hasSuffix("error: string 'foo' doesn't represent an absolute path"))
    }

    @Test func pathsAreCopiedToTheStore() {
        withTemporaryFile("strings-test", name: "foo.txt", contents: "hello\n") { dir, file in
            // As CppNix's coerceToString with copyToStore (the store path is computed, not written).
            let storePath = "/nix/store/0xhahvdjiaq1nm0nr46qyn4j6l9n9cns-foo.txt"
            #expect(eval("with builtins; [ (stringLength \(file)) (substring 0 100 \(file)) (concatStringsSep \",\" [ \(file) ]) (unsafeDiscardStringContext \(file)) ]")
                == #"[ 51 "\#(storePath)" "\#(storePath)" "\#(storePath)" ]"#)
            #expect(eval("builtins.getContext (builtins.substring 0 100 \(file))") == #"{ "\#(storePath)" = { path = true; }; }"#)
            // baseNameOf, dirOf and toPath do not copy.
            #expect(eval("[ (baseNameOf \(file)) (dirOf \(file)) (builtins.toPath \(file)) ]") == #"[ "foo.txt" \#(dir) "\#(file)" ]"#)
        }
    }

    /// A set's `__toString` or `outPath` that is a path is copied like the path itself
    /// where copying applies (interpolation, string builtins, `throw`), not by
    /// `toString` (eval-okay-toString-peel; checked with Nix 2.8).
    @Test func pathsBehindToStringAreCopied() {
        withTemporaryFile("strings-peel-test", name: "foo.txt", contents: "hello\n") { dir, file in
            let storePath = "/nix/store/0xhahvdjiaq1nm0nr46qyn4j6l9n9cns-foo.txt"
            #expect(eval(#"[ "${{ __toString = self: \#(file); }}" "${{ outPath = \#(file); }}" "${{ __toString = self: { __toString = self: \#(file); }; }}" ]"#)
                == #"[ "\#(storePath)" "\#(storePath)" "\#(storePath)" ]"#)
            #expect(eval(#"builtins.getContext "${{ outPath = \#(file); }}""#) == #"{ "\#(storePath)" = { path = true; }; }"#)
            #expect(eval("builtins.substring 0 100 { __toString = self: \(file); }") == #""\#(storePath)""#)
            #expect(eval("throw { outPath = \(file); }").hasSuffix("error: \(storePath)"))
            // toString does not copy, through a set either.
            #expect(eval("[ (toString { __toString = self: \(file); }) (toString [ { outPath = \(file); } ]) ]")
                == #"[ "\#(file)" "\#(file)" ]"#)
        }
    }

    @Test func hashFile() {
        let file = "/tmp/swix-hashfile-test-\(getpid())"
        let f = fopen(file, "w")!
        fputs("abc", f)
        fclose(f)
        defer { unlink(file) }
        // Digests of "abc", as nix-instantiate prints them.
        #expect(eval("map (h: builtins.hashFile h \(file)) [ \"md5\" \"sha256\" ]")
            == #"[ "900150983cd24fb0d6963f7d28e17f72" "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" ]"#)
        #expect(eval("builtins.hashFile \"sha256\" \(file)-missing").hasSuffix("error: path '\(file)-missing' does not exist"))
    }

    // MARK: Context

    @Test func contextRoundTrip() {
        #expect(eval(#"builtins.getContext (builtins.appendContext "x" { "\#(drv)" = { outputs = ["out" "dev"]; allOutputs = true; path = true; }; "\#(src)" = { path = true; }; })"#)
            == #"{ "\#(src)" = { path = true; }; "\#(drv)" = { allOutputs = true; outputs = [ "dev" "out" ]; path = true; }; }"#)
        #expect(eval(#"let s = builtins.appendContext "x" { "\#(drv)" = { allOutputs = true; }; }; in [ (builtins.hasContext s) (builtins.getContext (builtins.unsafeDiscardOutputDependency s)) (builtins.hasContext (builtins.unsafeDiscardStringContext s)) (builtins.unsafeDiscardStringContext s) ]"#)
            == #"[ true { "\#(drv)" = { path = true; }; } false "x" ]"#)
        #expect(eval(#"[ (builtins.hasContext "") (builtins.getContext "abc") (builtins.appendContext "s" { }) ]"#) == #"[ false { } "s" ]"#)
        // Outputs only when the flags are true.
        #expect(eval(#"builtins.getContext (builtins.appendContext "x" { "\#(drv)" = { path = false; allOutputs = false; outputs = [ ]; }; })"#)
            == "{ }")
    }

    @Test func appendContextErrors() {
        // Current Nix's wording (Nix 2.8 capitalised and quoted).
        #expect(errorMessage(#"builtins.appendContext "x" { "/tmp/x" = { path = true; }; }"#) == "context key '/tmp/x' is not a store path")
        #expect(errorMessage(#"builtins.appendContext "x" { "\#(src)" = { allOutputs = true; }; }"#)
            == "tried to add all-outputs context of \(src), which is not a derivation, to a string")
        #expect(errorMessage(#"builtins.appendContext "x" { "\#(src)" = { outputs = [ "out" ]; }; }"#)
            == "tried to add derivation output context of \(src), which is not a derivation, to a string")
    }

    @Test func addDrvOutputDependencies() {
        #expect(eval(#"builtins.getContext (builtins.addDrvOutputDependencies (builtins.appendContext "x" { "\#(drv)" = { path = true; }; }))"#)
            == #"{ "\#(drv)" = { allOutputs = true; }; }"#)
        #expect(eval(#"let s = builtins.appendContext "x" { "\#(drv)" = { allOutputs = true; }; }; in builtins.addDrvOutputDependencies s == s"#)
            == "true")
        let e = eval(#"builtins.addDrvOutputDependencies """#)
        #expect(e.contains("… while calling the 'addDrvOutputDependencies' builtin"))
        #expect(e.hasSuffix("error: context of string '' must have exactly one element, but has 0"))
        #expect(errorMessage(#"builtins.addDrvOutputDependencies (builtins.appendContext "x" { "\#(src)" = { path = true; }; })"#)
            == "path '\(src)' is not a derivation")
        #expect(errorMessage(#"builtins.addDrvOutputDependencies (builtins.appendContext "x" { "\#(drv)" = { outputs = [ "out" ]; }; })"#)
            == "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as 'out'")
    }

    // MARK: Hashes

    @Test func hashString() {
        #expect(eval(#"with builtins; [ (hashString "md5" "") (hashString "sha1" "text 1") (hashString "sha256" "text 2") (hashString "sha512" "") ]"#)
            == #"[ "d41d8cd98f00b204e9800998ecf8427e" "cd54e8568c1b37cf1e5badb0779bcbf382212189" "ad0387b3bd8652f730ca46d25f9c170af0fd589f42e7f23f5a9e6412d97d7e56" "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" ]"#)
        // Current Nix's usage error (corpus eval-fail-hashString-2).
        #expect(errorMessage(#"builtins.hashString "foo" "content""#)
            == "unknown hash algorithm 'foo', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'")
        #expect(errorMessage(#"builtins.hashString (builtins.appendContext "md5" { "\#(src)" = { path = true; }; }) """#)
            == "the string 'md5' is not allowed to refer to a store path (such as '\(src)')")
    }

    @Test func convertHash() {
        // Values from the corpus (eval-okay-convertHash.exp).
        #expect(eval(#"builtins.convertHash { hash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; toHashFormat = "base16"; }"#)
            == #""e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""#)
        #expect(eval(#"builtins.convertHash { hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; toHashFormat = "sri"; hashAlgo = "sha256"; }"#)
            == #""sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=""#)
        #expect(eval(#"builtins.convertHash { hash = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; toHashFormat = "nix32"; }"#)
            == #""0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73""#)
        #expect(eval(#"builtins.convertHash { hash = "md5:1B2M2Y8AsgTpgAmY7PhCfg=="; toHashFormat = "base64"; }"#)
            == #""1B2M2Y8AsgTpgAmY7PhCfg==""#)
        #expect(eval(#"builtins.convertHash { hash = "3y8bwfr609h3lh9ch0izcqq7fl"; hashAlgo = "md5"; toHashFormat = "base16"; }"#)
            == #""d41d8cd98f00b204e9800998ecf8427e""#)
    }

    @Test func convertHashErrors() {
        #expect(errorMessage(#"builtins.convertHash { hash = "x"; toHashFormat = "hex"; hashAlgo = "md5"; }"#)
            == "unknown hash format 'hex', expect 'base16', 'base32', 'base64', or 'sri'")
        let e = eval(#"builtins.convertHash { toHashFormat = "sri"; }"#)
        #expect(e.contains("… while locating the attribute 'hash'"))
        #expect(e.hasSuffix("error: attribute 'hash' missing"))
        #expect(errorMessage(#"builtins.convertHash { hash = "x"; toHashFormat = "sri"; hashAlgo = "sha3"; }"#)
            == "unknown hash algorithm 'sha3', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'")
    }

    // MARK: Regular expressions

    @Test func match() {
        #expect(eval(#"""
            with builtins; let splitFN = match "((.*)/)?([^/]*)\\.(nix|cc)"; in [
              (match "foobar" "foobar") (match "fo*" "f") (match "fo+" "f") (match "fo{1,2}" "fooo") (match "fo*" "foobar")
              (match "(.*)\\.nix" "foobar.nix") (match "[[:space:]]+([[:upper:]]+)[[:space:]]+" "  FOO   ")
              (splitFN "/path/to/foobar.nix") (splitFN "foobar.cc") (match "" "") (match "ab" "abc") (match "x*" "xx")
            ]
            """#) == #"[ [ ] [ ] null null null [ "foobar" ] [ "FOO" ] [ "/path/to/" "/path/to" "foobar" "nix" ] [ null null "foobar" "cc" ] [ ] null [ ] ]"#)
    }

    @Test func matchCapturesAsLibstdcxx() {
        // std::regex's depth-first matcher, not POSIX subexpression rules.
        #expect(eval(#"builtins.match "(a|ab)(c|bcd)(d*)" "abcd""#) == #"[ "a" "bcd" "" ]"#)
        #expect(eval(#"builtins.match "(a|(b))+" "ba""#) == #"[ "a" "b" ]"#)
        #expect(eval(#"builtins.match "(.+)+(.+)" "21.0.7+6""#) == #"[ "21.0.7+" "6" ]"#)
        #expect(eval(#"builtins.match "([^/]*)/([^/]*)(/SNAPSHOT)?(/.*)?" "jna/5.6.0""#) == #"[ "jna" "5.6.0" null null ]"#)
        #expect(eval(#"builtins.match "[a\]]+" "a]""#) == "[ ]")
        #expect(eval(#"builtins.match "[[:ALPHA:]_]+[[.hyphen.]][[=a=]]" "x_-A""#) == "[ ]")
    }

    @Test func invalidRegex() {
        for pattern in ["(.*", "f(o*o", #"a\\wb"#, #"a\\/b"#, #"(a)\\1"#, #"a\\}"#, "a{,2}", "*a", "a{2,1}", "[b-a]", "[[:foo:]]", "[abc", "a)"] {
            let e = eval(#"builtins.match "\#(pattern)" """#)
            #expect(e.contains("… while calling the 'match' builtin"), "\(pattern)")
            #expect(e.contains("error: invalid regular expression '"), "\(pattern)")
        }
        #expect(errorMessage(#"builtins.split "a{100000}" "a""#) == "memory limit exceeded by regular expression 'a{100000}'")
    }

    @Test func split() {
        #expect(eval(#"""
            with builtins; [
              (split "foobar" "foobar") (split "fo*" "f") (split "fo+" "f") (split "fo{1,2}" "fooo") (split "fo*" "foobar")
              (split "(fo*)" "f") (split "(f)(o*)" "foo") (split "(o+)" "oooofoooo") (split "(b)" "foobarbaz")
              (split "(a)|(c)" "abc") (split "([[:upper:]]+)" "  FOO   ")
            ]
            """#) == #"[ [ "" [ ] "" ] [ "" [ ] "" ] [ "f" ] [ "" [ ] "o" ] [ "" [ ] "bar" ] [ "" [ "f" ] "" ] [ "" [ "f" "oo" ] "" ] [ "" [ "oooo" ] "f" [ "oooo" ] "" ] [ "foo" [ "b" ] "ar" [ "b" ] "az" ] [ "" [ "a" null ] "b" [ null "c" ] "" ] [ "  " [ "FOO" ] "   " ] ]"#)
        #expect(eval(#"builtins.split "[[:space:]]+|([',.!?])" "Nix Rocks!\nThat's why I use it.\n""#)
            == #"[ "Nix" [ null ] "Rocks" [ "!" ] "" [ null ] "That" [ "'" ] "s" [ null ] "why" [ null ] "I" [ null ] "use" [ null ] "it" [ "." ] "" [ null ] "" ]"#)
    }

    @Test func splitEmptyMatches() {
        #expect(eval(#"builtins.split "a*" "baaac""#) == #"[ "" [ ] "b" [ ] "" [ ] "c" [ ] "" ]"#)
        #expect(eval(#"builtins.split "" "abc""#) == #"[ "" [ ] "a" [ ] "b" [ ] "c" [ ] "" ]"#)
        #expect(eval(#"builtins.split "^a" "aaa""#) == #"[ "" [ ] "aa" ]"#)
        #expect(eval(#"builtins.split "x*$" "ab""#) == #"[ "ab" [ ] "" ]"#)
    }

    /// A search skips positions whose byte cannot start a match (`firstBytes`);
    /// anchors, optional groups and alternatives with an empty branch must not
    /// lose matches. (Expected output recorded with nix-instantiate 2.8.)
    @Test func splitAndMatchWithFirstByteSkipping() {
        #expect(eval(#"""
            with builtins; [
              (split "^a" "aaa") (split "(^|,)x" "x,xa,x") (split "[,;]|$" "a,b;c") (split "a|b*" "cabbc")
              (split "(x)?y" "axyyzy") (split "[[:space:]]+" "  a b\n c  ") (split "\n" "a\nb\n\nc")
              (split "b+" "abbbcbd") (split "(ab|b)c" "abcbcxbc") (split "^" "abc") (split "x^" "axb")
              (split "[0-9]+\\.[0-9]+" "v1.2 and 3.45") (match "x.*" "yx") (match "(a|b)+c" "ababc") (match ".*field[0-9]*6;.*" "a field16; b")
              (split "([,;])([[:space:]]+)" "f1, f2;\n  f3") (split "(a*)b" "xaabyb")
            ]
            """#) == #"[ [ "" [ ] "aa" ] [ "" [ "" ] "" [ "," ] "a" [ "," ] "" ] [ "a" [ ] "b" [ ] "c" [ ] "" ] [ "" [ ] "c" [ ] "" [ ] "" [ ] "c" [ ] "" ] [ "a" [ "x" ] "" [ null ] "z" [ null ] "" ] [ "" [ ] "a" [ ] "b" [ ] "c" [ ] "" ] [ "a" [ ] "b" [ ] "" [ ] "c" ] [ "a" [ ] "c" [ ] "d" ] [ "" [ "ab" ] "" [ "b" ] "x" [ "b" ] "" ] [ "" [ ] "abc" ] [ "axb" ] [ "v" [ ] " and " [ ] "" ] null [ "b" ] [ ] [ "f1" [ "," " " ] "f2" [ ";" "\n  " ] "f3" ] [ "x" [ "aa" ] "y" [ "" ] "" ] ]"#)
    }

    @Test func regexArgumentErrors() {
        #expect(eval(#"builtins.match 1 { }"#).contains("… while evaluating the first argument passed to builtins.match"))
        #expect(eval(#"builtins.split "foo" { }"#).contains("… while evaluating the second argument passed to builtins.split"))
    }

    @Test func regexOnLongStrings() {
        // 100 001 bytes: deep backtracking recursion stays within the stack.
        #expect(eval(#"""
            let x10 = s: builtins.replaceStrings [ "a" ] [ "aaaaaaaaaa" ] s;
                s = x10 (x10 (x10 (x10 (x10 "ab"))));
            in [ (builtins.stringLength s) (builtins.match "a*(b)" s) (builtins.length (builtins.split "a" s)) ]
            """#) == #"[ 100001 [ "b" ] 200001 ]"#)
    }
}
