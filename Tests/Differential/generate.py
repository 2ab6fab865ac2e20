"""Random Nix programs for differential testing (scripts/differential).

Each program mixes the constructs whose evaluation order and scoping matter most
to the evaluator's fast paths and object reuse: lambdas (plain, curried, with
formals and defaults), `let`, `rec`, `with`, closures that outlive their call,
`tryEval` around a failing branch, recursion, `map`/`foldl'`/`genList`. The same
seed always gives the same program. Usage: generate.py SEED
"""
import random, re, sys
r = random.Random(int(sys.argv[1]))
VARS = ['a', 'b', 'c', 'd']

# The constructs, as templates: $v and $w are two distinct variable names,
# <E> an expression in the current scope, <E x y> one that may also use x and y,
# <N k> an integer from 0 to k.
TEMPLATES = [
    "(<E> + <E>)",
    "(let $v = <E>; in <E $v>)",
    "(($v: <E $v>) <E>)",
    "(($v: $w: <E $v $w>) <E> <E>)",
    "(if <E> > <E> then <E> else <E>)",
    "(builtins.foldl' (acc: $v: acc + <E $v acc>) 0 [ <E> <E> 3 ])",
    "(builtins.elemAt (map ($v: <E $v>) [ <E> 1 2 ]) <N 2>)",
    "(rec { x = <E>; y = x + <E>; z = <E>; }).z",
    "(rec { x = <E>; y = x + <E>; z = <E>; }).y",
    "(with { a = <E>; q = 2; }; <E a q>)",
    "(({ $v, e ? <E> }: <E $v e>) { $v = <E>; })",
    "(let t = builtins.tryEval (if <E> > 5 then throw \"x\" else <E>); in if t.success then t.value else -1)",
    "(let f = $v: { get = u: $v + u; }; g = f <E>; in g.get <E>)",
    "(builtins.length (builtins.genList (i: <E i>) <N 4>) + <E>)",
    "(let h = $v: if $v <= 0 then 0 else $v + h ($v - 1); in h <N 30> + <E>)",
]


def leaf(scope):
    n = r.randint(-5, 20)
    choices = [f"({n})" if n < 0 else str(n)]
    if scope:
        choices += [r.choice(scope)] * 3
    return r.choice(choices)


def expr(depth, scope):
    if depth <= 0 or r.random() < 0.15:
        return leaf(scope)
    v, w = r.sample(VARS, 2)
    template = r.choice(TEMPLATES).replace("$v", v).replace("$w", w)

    def fill(m):
        words = m.group(1).split()
        if words[0] == "N":
            return str(r.randint(0, int(words[1])))
        return expr(depth - 1, scope + words[1:])

    return re.sub(r"<([^<>]+)>", fill, template)


print(f"[ {expr(5, [])} {expr(5, [])} {expr(4, [])} ]")
