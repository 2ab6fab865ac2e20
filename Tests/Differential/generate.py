"""Random Nix programs for differential testing (scripts/differential).

Each program mixes the constructs whose evaluation order and scoping matter most
to the evaluator's fast paths and object reuse: lambdas (plain, curried, with
formals and defaults), `let`, `rec`, `with`, closures that outlive their call,
`tryEval` around a failing branch, recursion, `map`/`foldl'`/`genList`. The same
seed always gives the same program. Usage: generate.py SEED
"""
import random, sys
r = random.Random(int(sys.argv[1]))
VARS = ['a','b','c','d']
def expr(depth, scope):
    if depth <= 0 or r.random() < 0.15:
        n = r.randint(-5, 20); choices = [f"({n})" if n < 0 else str(n)]
        if scope: choices += [r.choice(scope)] * 3
        return r.choice(choices)
    k = r.randint(0, 13)
    if k == 0: return f"({expr(depth-1, scope)} + {expr(depth-1, scope)})"
    if k == 1:
        v = r.choice(VARS)
        return f"(let {v} = {expr(depth-1, scope)}; in {expr(depth-1, scope+[v])})"
    if k == 2:
        v = r.choice(VARS)
        return f"(({v}: {expr(depth-1, scope+[v])}) {expr(depth-1, scope)})"
    if k == 3:
        v, w = r.sample(VARS, 2)
        return f"(({v}: {w}: {expr(depth-1, scope+[v,w])}) {expr(depth-1, scope)} {expr(depth-1, scope)})"
    if k == 4:
        return f"(if {expr(depth-1, scope)} > {expr(depth-1, scope)} then {expr(depth-1, scope)} else {expr(depth-1, scope)})"
    if k == 5:
        v = r.choice(VARS)
        return f"(builtins.foldl' (acc: {v}: acc + {expr(depth-1, scope+[v, 'acc'])}) 0 [ {expr(depth-1, scope)} {expr(depth-1, scope)} 3 ])"
    if k == 6:
        v = r.choice(VARS)
        return f"(builtins.elemAt (map ({v}: {expr(depth-1, scope+[v])}) [ {expr(depth-1, scope)} 1 2 ]) {r.randint(0,2)})"
    if k == 7:
        return f"(rec {{ x = {expr(depth-1, scope)}; y = x + {expr(depth-1, scope)}; z = {expr(depth-1, scope)}; }}).{r.choice('xyz')}"
    if k == 8:
        return f"(with {{ a = {expr(depth-1, scope)}; q = 2; }}; {expr(depth-1, scope+['a','q'])})"
    if k == 9:
        v = r.choice(VARS)
        return f"(({{ {v}, e ? {expr(depth-1, scope)} }}: {expr(depth-1, scope+[v,'e'])}) {{ {v} = {expr(depth-1, scope)}; }})"
    if k == 10:
        return f"(let t = builtins.tryEval (if {expr(depth-1, scope)} > 5 then throw \"x\" else {expr(depth-1, scope)}); in if t.success then t.value else -1)"
    if k == 11:
        v = r.choice(VARS)
        return f"(let f = {v}: {{ get = u: {v} + u; }}; g = f {expr(depth-1, scope)}; in g.get {expr(depth-1, scope)})"
    if k == 12:
        return f"(builtins.length (builtins.genList (i: {expr(depth-1, scope+['i'])}) {r.randint(0,4)}) + {expr(depth-1, scope)})"
    v = r.choice(VARS)
    return f"(let h = {v}: if {v} <= 0 then 0 else {v} + h ({v} - 1); in h {r.randint(0,30)} + {expr(depth-1, scope)})"
print(f"[ {expr(5, [])} {expr(5, [])} {expr(4, [])} ]")
