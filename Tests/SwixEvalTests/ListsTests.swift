import Testing
@testable import SwixEval
import SwixSyntax

// Expected values were checked against `nix-instantiate --eval --strict -E '…'`
// (Nix 2.8) and, where current Nix differs (error wording, `sort`/`map` on an empty
// list not checking the function), against current CppNix and the conformance corpus.

/// Parses and evaluates `text`, forces it deeply and prints it as nix-instantiate does.
private func eval(_ text: String, showTrace: Bool = false) throws -> String {
    let program = try TestProgram(text)
    program.evaluator.showTrace = showTrace
    return try program.strictOutput()
}

/// The evaluation error of `text`: its message and trace frames, outermost first.
private func failure(_ text: String, showTrace: Bool = false) -> (message: String, traces: [String]) {
    do {
        let out = try eval(text, showTrace: showTrace)
        Issue.record("expected an error, got \(out)")
        return ("", [])
    } catch let e as EvalError {
        return (e.message, e.traces.reversed().map(\.message))
    } catch {
        Issue.record("unexpected error \(error)")
        return ("", [])
    }
}

private func check(_ text: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let got = try eval(text)
        #expect(got == expected, "\(text)", sourceLocation: sourceLocation)
    } catch let e as EvalError {
        Issue.record("\(text): \(e.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(text): \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("List builtins")
struct ListsTests {
    // MARK: map

    @Test func map() {
        check("map (x: x * 2) [ 1 2 3 ]", "[ 2 4 6 ]")
        check("map (x: x) [ ]", "[ ]")
        check("map { __functor = self: x: x + 10; } [ 1 2 ]", "[ 11 12 ]")
        check("map (x: x + 1) (builtins.genList (x: x) 3)", "[ 1 2 3 ]")
        check("builtins.map (x: x) [ 1 ]", "[ 1 ]")
    }

    @Test func mapIsLazy() {
        check("builtins.length (map (x: throw \"lazy\") [ 1 2 3 ])", "3")
        check("builtins.elemAt (map (x: if x == 2 then throw \"no\" else x + 1) [ 1 2 3 ]) 2", "4")
        // The function is not checked when the list is empty (current Nix).
        check("map 1 [ ]", "[ ]")
        // Each element is computed once.
        check("let l = map (x: builtins.seq x { v = x; }) [ 1 ]; in (builtins.head l) == (builtins.head l)", "true")
    }

    @Test func mapErrors() {
        let a = failure("builtins.map 1 \"foo\"")
        #expect(a.message == "expected a list but found a string: \"foo\"")
        #expect(a.traces == ["while calling the 'map' builtin", "while evaluating the second argument passed to builtins.map"])
        let b = failure("builtins.map 1 [ 1 ]")
        #expect(b.message == "expected a function but found an integer: 1")
        #expect(b.traces == ["while calling the 'map' builtin", "while evaluating the first argument passed to builtins.map"])
    }

    // MARK: filter

    @Test func filter() {
        check("builtins.filter (x: x > 1) [ 1 2 3 0 5 ]", "[ 2 3 5 ]")
        check("builtins.filter (x: true) [ ]", "[ ]")
        check("builtins.filter 1 [ ]", "[ ]")
        check("builtins.length (builtins.filter (x: true) [ (throw \"not forced\") ])", "1")
        let e = failure("builtins.filter (_: 5) [ \"foo\" ]")
        #expect(e.message == "expected a Boolean but found an integer: 5")
        #expect(e.traces == ["while calling the 'filter' builtin",
                             "while evaluating the return value of the filtering function passed to builtins.filter"])
    }

    // MARK: foldl'

    @Test func foldlStrict() {
        check("builtins.foldl' (a: b: a + b) 0 [ 1 2 3 4 ]", "10")
        check("builtins.foldl' (a: b: a ++ [ b ]) [ ] [ 1 2 3 ]", "[ 1 2 3 ]")
        check("builtins.foldl' (a: b: a + b) 10 [ ]", "10")
        check("builtins.foldl' (_: x: x) (throw \"never\") [ \"but the results of applying op are\" 42 ]", "42")
        check("builtins.head (builtins.foldl' (acc: x: acc ++ [ x ]) [ ] [ 42 (throw \"not forced\") ])", "42")
        check("builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 100000)", "4999950000")
    }

    @Test func foldlStrictForcesEveryStep() {
        let e = failure("builtins.foldl' (_: f: f null) null [ (_: throw \"forced\") (_: 23) ]")
        #expect(e.message == "forced")
        #expect(e.traces.first == "while calling the 'foldl'' builtin")
        let f = failure("builtins.foldl' (_: 1) \"foo\" [ true ]")
        #expect(f.message == "attempt to call something which is not a function but an integer: 1")
        let g = failure("builtins.foldl' (_: 1) \"foo\" true")
        #expect(g.message == "expected a list but found a Boolean: true")
        #expect(g.traces == ["while calling the 'foldl'' builtin", "while evaluating the third argument passed to builtins.foldlStrict"])
        let h = failure("builtins.foldl' (throw \"op\") 0 [ ]")
        #expect(h.message == "op")
        #expect(h.traces == ["while calling the 'foldl'' builtin", "while evaluating the first argument passed to builtins.foldlStrict",
                             "while calling the 'throw' builtin"])
    }

    // MARK: genList

    @Test func genList() {
        check("builtins.genList (x: x * x) 5", "[ 0 1 4 9 16 ]")
        check("builtins.genList (x: x) 0", "[ ]")
        check("builtins.length (builtins.genList (x: throw \"lazy\") 4)", "4")
        let a = failure("builtins.genList false (-3)")
        #expect(a.message == "cannot create list of size -3")
        #expect(a.traces == ["while calling the 'genList' builtin"])
        let b = failure("builtins.genList 1 2")
        #expect(b.message == "expected a function but found an integer: 1")
        let c = failure("builtins.genList 1 \"foo\"")
        #expect(c.traces == ["while calling the 'genList' builtin", "while evaluating the second argument passed to builtins.genList"])
    }

    @Test func lazyElementErrorsHaveCallSite() {
        // A failing element is evaluated outside the builtin: no 'genList' frame,
        // but (with --show-trace) the lambda's call site, as CppNix forces
        // application values at the function's position.
        let e = failure("builtins.genList (x: throw \"boom\") 2", showTrace: true)
        #expect(e.message == "boom")
        #expect(!e.traces.contains("while calling the 'genList' builtin"))
        #expect(e.traces.prefix(2) == ["from call site", "while calling anonymous lambda"])
    }

    // MARK: elemAt, head, tail

    @Test func elemAtHeadTail() {
        check("builtins.elemAt [ 1 2 3 ] 1", "2")
        check("builtins.head [ \"a\" \"b\" ]", "\"a\"")
        check("builtins.tail [ 1 2 3 ]", "[ 2 3 ]")
        check("builtins.tail [ 1 ]", "[ ]")
        check("builtins.head [ 1 (throw \"no\") ]", "1")
        check("builtins.length (builtins.tail [ (throw \"no\") 1 ])", "1")
    }

    @Test func elemAtHeadTailErrors() {
        let a = failure("builtins.elemAt [ \"foo\" ] 3")
        #expect(a.message == "'builtins.elemAt' called with index 3 on a list of size 1")
        #expect(a.traces == ["while calling the 'elemAt' builtin"])
        #expect(failure("builtins.elemAt [ ] (-1)").message == "'builtins.elemAt' called with index -1 on a list of size 0")
        let b = failure("builtins.elemAt \"foo\" (-1)")
        #expect(b.traces == ["while calling the 'elemAt' builtin", "while evaluating the first argument passed to 'builtins.elemAt'"])
        #expect(failure("builtins.head [ ]").message == "'builtins.head' called on an empty list")
        #expect(failure("builtins.tail [ ]").message == "'builtins.tail' called on an empty list")
        let c = failure("builtins.head 1")
        #expect(c.traces == ["while calling the 'head' builtin", "while evaluating the first argument passed to 'builtins.head'"])
    }

    // MARK: concatLists, concatMap

    @Test func concat() {
        check("builtins.concatLists [ [ 1 ] [ ] [ 2 3 ] [ [ 4 ] ] ]", "[ 1 2 3 [ 4 ] ]")
        check("builtins.concatLists [ ]", "[ ]")
        check("builtins.concatMap (x: [ x x ]) [ 1 2 ]", "[ 1 1 2 2 ]")
        check("builtins.concatMap (x: if x / 2 * 2 == x then [ ] else [ x ]) (builtins.genList (x: x) 11)", "[ 1 3 5 7 9 ]")
        let a = failure("builtins.concatLists [ [ 1 ] \"foo\" ]")
        #expect(a.message == "expected a list but found a string: \"foo\"")
        #expect(a.traces == ["while calling the 'concatLists' builtin",
                             "while evaluating a value of the list passed to builtins.concatLists"])
        let b = failure("builtins.concatMap (x: 1) [ \"foo\" ]")
        #expect(b.traces == ["while calling the 'concatMap' builtin",
                             "while evaluating the return value of the function passed to builtins.concatMap"])
    }

    // MARK: all, any, elem

    @Test func anyAllElem() {
        check("builtins.all (x: x > 0) [ 1 2 3 ]", "true")
        check("builtins.all (x: x > 1) [ 1 (throw \"short-circuit\") ]", "false")
        check("builtins.all (x: x) [ ]", "true")
        check("builtins.any (x: x == 2) [ 1 2 (throw \"short-circuit\") ]", "true")
        check("builtins.any (x: x) [ ]", "false")
        check("builtins.elem 2 [ 1 2 3 ]", "true")
        check("builtins.elem [ 1 ] [ [ 1 ] ]", "true")
        check("builtins.elem 1.0 [ 1 ]", "true")
        check("builtins.elem 1 [ 1 (throw \"short-circuit\") ]", "true")
        check("builtins.elem 4 [ 1 2 3 ]", "false")
        let a = failure("builtins.any (_: 1) [ \"foo\" ]")
        #expect(a.message == "expected a Boolean but found an integer: 1")
        #expect(a.traces == ["while calling the 'any' builtin", "while evaluating the return value of the function passed to builtins.any"])
        let b = failure("builtins.all 1 \"foo\"")
        #expect(b.traces == ["while calling the 'all' builtin", "while evaluating the first argument passed to builtins.all"])
        let c = failure("builtins.elem 1 \"foo\"")
        #expect(c.traces == ["while calling the 'elem' builtin", "while evaluating the second argument passed to builtins.elem"])
    }

    // MARK: sort

    @Test func sort() {
        check("builtins.sort builtins.lessThan [ 3 1 2 ]", "[ 1 2 3 ]")
        check("builtins.sort (a: b: a > b) [ 3 1 2 5 4 ]", "[ 5 4 3 2 1 ]")
        check("builtins.sort builtins.lessThan [ \"b\" \"a\" \"c\" ]", "[ \"a\" \"b\" \"c\" ]")
        check("builtins.sort builtins.lessThan [ 1.5 1 2 0.5 ]", "[ 0.5 1 1.5 2 ]")
        check("builtins.sort builtins.lessThan [ [ 2 ] [ 1 2 ] [ 1 ] ]", "[ [ 1 ] [ 1 2 ] [ 2 ] ]")
        check("builtins.sort (a: b: a < b) [ ]", "[ ]")
        check("builtins.sort 1 [ ]", "[ ]")
    }

    @Test func sortIsStable() {
        check("builtins.sort (a: b: a.k < b.k) [ { k = 2; v = \"a\"; } { k = 1; v = \"b\"; } { k = 2; v = \"c\"; } { k = 1; v = \"d\"; } ]",
              "[ { k = 1; v = \"b\"; } { k = 1; v = \"d\"; } { k = 2; v = \"a\"; } { k = 2; v = \"c\"; } ]")
        // 40 elements (past the insertion-sort runs): keys 0..3, stable within a key.
        check("""
              let xs = builtins.genList (i: { k = i - (i / 4) * 4; i = i; }) 40;
                  sorted = builtins.sort (a: b: a.k < b.k) xs;
              in map (x: x.i) sorted
              """,
              "[ 0 4 8 12 16 20 24 28 32 36 1 5 9 13 17 21 25 29 33 37 2 6 10 14 18 22 26 30 34 38 3 7 11 15 19 23 27 31 35 39 ]")
    }

    @Test func sortLarge() {
        // 100k elements in a scrambled order, sorted by a Nix comparator.
        check("""
              let n = 100000;
                  xs = builtins.genList (i: (i * 7919) - ((i * 7919) / n) * n) n;
                  s = builtins.sort (a: b: a < b) xs;
              in [ (builtins.length s) (builtins.head s) (builtins.elemAt s 50000) (builtins.elemAt s (n - 1))
                   (s == builtins.genList (i: i) n) ]
              """,
              "[ 100000 0 50000 99999 true ]")
        check("builtins.elemAt (builtins.sort builtins.lessThan (builtins.genList (i: 100000 - i) 100000)) 5", "6")
    }

    @Test func sortErrors() {
        let a = failure("builtins.sort (_: _: 1) [ \"foo\" \"bar\" ]")
        #expect(a.message == "expected a Boolean but found an integer: 1")
        #expect(a.traces == ["while calling the 'sort' builtin",
                             "while evaluating the return value of the sorting function passed to builtins.sort"])
        let b = failure("builtins.sort (_: 1) [ \"foo\" \"bar\" ]")
        #expect(b.message == "attempt to call something which is not a function but an integer: 1")
        let c = failure("builtins.sort (a: b: throw \"cmp\") [ 1 2 ]")
        #expect(c.message == "cmp")
        let d = failure("builtins.sort builtins.lessThan [ \"foo\" { } ]")
        #expect(d.message == "cannot compare a set with a string; values are { } and \"foo\"")
        #expect(d.traces == ["while calling the 'sort' builtin", "while evaluating the ordering function passed to builtins.sort"])
        let e = failure("builtins.sort builtins.lessThan [ { } { } ]")
        #expect(e.message == "cannot compare a set with a set; values of that type are incomparable (values are { } and { })")
        let f = failure("builtins.sort 1 \"foo\"")
        #expect(f.traces == ["while calling the 'sort' builtin", "while evaluating the second argument passed to builtins.sort"])
    }

    // MARK: partition, groupBy

    @Test func partitionAndGroupBy() {
        check("builtins.partition (x: x > 2) [ 1 2 3 4 ]", "{ right = [ 3 4 ]; wrong = [ 1 2 ]; }")
        check("builtins.partition (x: x) [ ]", "{ right = [ ]; wrong = [ ]; }")
        check("builtins.groupBy (x: if x > 2 then \"big\" else \"small\") [ 1 2 3 4 ]", "{ big = [ 3 4 ]; small = [ 1 2 ]; }")
        check("builtins.groupBy (x: x) [ ]", "{ }")
        check("builtins.groupBy (x: x.n) [ { n = \"b\"; v = 1; } { n = \"a\"; v = 2; } { n = \"b\"; v = 3; } ]",
              "{ a = [ { n = \"a\"; v = 2; } ]; b = [ { n = \"b\"; v = 1; } { n = \"b\"; v = 3; } ]; }")
        let a = failure("builtins.partition (_: 1) [ \"foo\" ]")
        #expect(a.traces == ["while calling the 'partition' builtin",
                             "while evaluating the return value of the partition function passed to builtins.partition"])
        let b = failure("builtins.groupBy (x: x) [ \"foo\" \"bar\" 1 ]")
        #expect(b.message == "expected a string but found an integer: 1")
        #expect(b.traces == ["while calling the 'groupBy' builtin",
                             "while evaluating the return value of the grouping function passed to builtins.groupBy"])
    }

    // MARK: listToAttrs

    @Test func listToAttrs() {
        check("builtins.listToAttrs [ { name = \"a\"; value = 1; } { name = \"b\"; value = 2; } { name = \"a\"; value = 3; } ]",
              "{ a = 1; b = 2; }")
        check("builtins.listToAttrs [ ]", "{ }")
        // The first occurrence wins; later ones are not even looked at.
        check("builtins.listToAttrs [ { name = \"a\"; value = 1; } { name = \"a\"; } ]", "{ a = 1; }")
        check("(builtins.listToAttrs [ { name = \"a\"; value = throw \"lazy\"; } { name = \"b\"; value = 2; } ]).b", "2")
    }

    @Test func listToAttrsErrors() {
        let a = failure("builtins.listToAttrs [ { } ]")
        #expect(a.message == "attribute 'name' missing")
        #expect(a.traces == ["while calling the 'listToAttrs' builtin", "in a {name=...; value=...;} pair"])
        let b = failure("builtins.listToAttrs [ { name = \"foo\"; } ]")
        #expect(b.message == "attribute 'value' missing")
        let c = failure("builtins.listToAttrs [ { name = 1; } ]")
        #expect(c.message == "expected a string but found an integer: 1")
        #expect(c.traces.last == "while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs")
        let d = failure("builtins.listToAttrs [ 1 ]")
        #expect(d.traces.last == "while evaluating an element of the list passed to builtins.listToAttrs")
    }

    // MARK: zipAttrsWith

    @Test func zipAttrsWith() {
        check("builtins.zipAttrsWith (name: values: { inherit name values; }) [ { a = \"x\"; } { a = \"y\"; b = \"z\"; } ]",
              "{ a = { name = \"a\"; values = [ \"x\" \"y\" ]; }; b = { name = \"b\"; values = [ \"z\" ]; }; }")
        check("builtins.zipAttrsWith (n: v: v) [ ]", "{ }")
        check("(builtins.zipAttrsWith (n: v: if n == \"a\" then throw \"lazy\" else v) [ { a = 1; } { b = 2; } ]).b", "[ 2 ]")
        let a = failure("builtins.zipAttrsWith (_: 1) [ 1 ]")
        #expect(a.message == "expected a set but found an integer: 1")
        #expect(a.traces == ["while calling the 'zipAttrsWith' builtin",
                             "while evaluating a value of the list passed as second argument to builtins.zipAttrsWith"])
        let b = failure("builtins.zipAttrsWith [ ] [ 1 ]")
        #expect(b.message == "expected a function but found a list: [ ]")
        let c = failure("builtins.zipAttrsWith (_: 1) [ { foo = 1; } ]")
        #expect(c.message == "attempt to call something which is not a function but an integer: 1")
        #expect(c.traces == ["while evaluating the attribute 'foo'"])
    }

    // MARK: genericClosure

    @Test func genericClosure() {
        check("""
              builtins.genericClosure { startSet = [ { key = 5; } ];
                operator = item: [ { key = if (item.key / 2) * 2 == item.key then item.key / 2 else 3 * item.key + 1; } ]; }
              """,
              "[ { key = 5; } { key = 16; } { key = 8; } { key = 4; } { key = 2; } { key = 1; } ]")
        check("builtins.genericClosure { startSet = [ ]; operator = 1; }", "[ ]")
        // 1 and 1.0 are the same key.
        check("builtins.genericClosure { startSet = [ { key = 1; } { key = 1.0; } { key = 2; } ]; operator = x: [ ]; }",
              "[ { key = 1; } { key = 2; } ]")
        check("builtins.genericClosure { startSet = [ { key = \"a\"; } { key = \"b\"; } { key = \"a\"; x = 1; } ]; operator = x: [ ]; }",
              "[ { key = \"a\"; } { key = \"b\"; } ]")
        check("""
              builtins.genericClosure { startSet = [ { key = [ 1 2 ]; } { key = [ 1 ]; } { key = [ 1 2 ]; n = 1; } ];
                operator = x: if x.key == [ 1 ] then [ { key = [ 0 ]; } ] else [ ]; }
              """,
              "[ { key = [ 1 2 ]; } { key = [ 1 ]; } { key = [ 0 ]; } ]")
        check("""
              builtins.length (builtins.genericClosure { startSet = [ { key = 0; } ];
                operator = x: if x.key < 10000 then [ { key = x.key + 1; } { key = x.key; } ] else [ ]; })
              """, "10001")
    }

    @Test func genericClosureErrors() {
        let a = failure("builtins.genericClosure { startSet = [ { key = 1; } { key = \"string\"; } ]; operator = x: [ ]; }")
        #expect(a.message == "cannot compare a string with an integer; values are \"string\" and 1")
        #expect(a.traces == ["while calling the 'genericClosure' builtin",
                             "while comparing element { key = \"string\"; }", "with element { key = 1; }"])
        let b = failure("builtins.genericClosure { startSet = [ { nokey = 1; } ]; operator = x: [ ]; }")
        #expect(b.message == "attribute 'key' missing")
        #expect(b.traces == ["while calling the 'genericClosure' builtin", "in genericClosure element { nokey = 1; }"])
        let c = failure("builtins.genericClosure { startSet = [ { key = 1; } ]; operator = x: \"not a list\"; }")
        #expect(c.traces == ["while calling the 'genericClosure' builtin",
                             "while calling operator on genericClosure element { key = 1; }",
                             "while evaluating the return value of the `operator` passed to builtins.genericClosure"])
        let d = failure("builtins.genericClosure { startSet = [ { key = 1; } ]; }")
        #expect(d.message == "attribute 'operator' missing")
        #expect(d.traces == ["while calling the 'genericClosure' builtin", "in the attrset passed as argument to builtins.genericClosure"])
        let e = failure("builtins.genericClosure { startSet = [ { key = { }; } { key = { }; } ]; operator = x: [ ]; }")
        #expect(e.message == "cannot compare a set with a set; values of that type are incomparable (values are { } and { })")
    }

    @Test func errorValuesArePrintedAsNixDoes() {
        // CppNix's error printer: depth 10, 10 attributes and 10 list items in all.
        let e = failure("""
            let s = { a = 1; b = [ 1 2 3 4 5 6 7 8 9 10 11 12 ]; c = "x"; };
            in builtins.deepSeq s (builtins.genericClosure { startSet = [ s ]; operator = x: [ ]; })
            """)
        #expect(e.traces.last == "in genericClosure element { a = 1; b = [ 1 2 3 4 5 6 7 8 9 10 «2 items elided» ]; c = \"x\"; }")
        let f = failure("builtins.genericClosure { startSet = [ (builtins.listToAttrs (builtins.genList (i: { name = \"n\" + toString i; value = i; }) 12)) ]; operator = x: [ ]; }")
        #expect(f.traces.last?.hasSuffix("«2 attributes elided» }") == true)
    }
}
