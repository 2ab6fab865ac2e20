#!/usr/bin/env python3
"""Write a large, deterministic Nix file for the `--parse` benchmarks.

    gen_parse_input.py [--kind large|strings|operators] [--dialect full|nix28]
                       [--size BYTES] [--seed N] OUT

Kinds:
  large      nixpkgs-like: a function with formals, a `let` of helpers, then one
             big `rec` set of package records (nested sets, lists, strings,
             indented strings, paths, lambdas, with/assert/if, operators, ...).
  strings    a list of string-heavy expressions (escapes, interpolation,
             indented strings, UTF-8).
  operators  a list of operator-heavy expressions (every binary and unary
             operator, long chains, selections with `or`, `?`, application).

Dialects:
  full       every construct, including ones that nix-instantiate 2.8 prints in
             an older format than current Nix (and swix): `inherit`, literal `$`
             in strings (`''$`, `''${`, `$out`), formals with several names,
             `let` with several bindings. The file then starts with
             `# bench-compare: none` (except for --kind operators, which has
             none of these).
  nix28      leaves those out (one name per formals, the others bound by
             `let x = args.x or null; in`; one binding per `let`; no `inherit`;
             no literal `$`; no keyword as an attribute name), so that the
             `--parse` output of 2.8 and of current Nix is byte-identical and
             the runner can compare it.

The output is a pure function of (kind, dialect, size, seed): the random numbers
come from our own 64-bit LCG, not from Python's `random` module. Every variable
the file uses is bound (both Nix and swix reject undefined variables at parse
time), and no set has a duplicate attribute.
"""

import argparse
import sys

MASK64 = (1 << 64) - 1
KEYWORDS = {"if", "then", "else", "assert", "with", "let", "in", "rec",
            "inherit", "or"}


class Lcg:
    """Knuth's MMIX LCG; the high bits are used."""

    def __init__(self, seed):
        self.state = (seed * 0x9E3779B97F4A7C15 + 1) & MASK64

    def below(self, n):
        self.state = (self.state * 6364136223846793005
                      + 1442695040888963407) & MASK64
        return (self.state >> 33) % n

    def chance(self, percent):
        return self.below(100) < percent

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def sample(self, seq, k):
        """k distinct elements of seq, in seq's order."""
        chosen = set()
        k = min(k, len(seq))
        while len(chosen) < k:
            chosen.add(self.below(len(seq)))
        return [seq[i] for i in sorted(chosen)]


SYLLABLES = ["ac", "bel", "cor", "dax", "el", "fin", "gra", "hub", "ix", "jet",
             "kal", "lum", "mor", "nex", "op", "pix", "qua", "ros", "syl", "tor",
             "ul", "vex", "wim", "xen", "yar", "zo", "lib", "py", "gtk", "ssl"]
WORDS = ["fast", "small", "library", "tool", "for", "the", "parsing", "of",
         "network", "images", "audio", "data", "streams", "with", "support",
         "simple", "portable", "command-line", "daemon", "bindings", "modern",
         "terminal", "editor", "compression", "format", "viewer", "server"]
UNICODE_WORDS = ["café", "naïve", "Zürich", "日本語", "✓", "→", "λ", "Ωmega"]
MAINTAINERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace",
               "heidi"]
LICENSES = ["mit", "bsd3", "asl20", "gpl2Plus", "gpl3Only", "lgpl21", "mpl20",
            "isc", "zlib", "unfree"]
PLATFORMS = ["linux", "darwin", "unix", "all", "x86_64", "aarch64"]
BASE32 = "0123456789abcdfghijklmnpqrsvwxyz"
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# Names bound by the function header or the helper `let` of the large file.
ARGS = ["config", "fetchFromGitHub", "fetchzip", "lib", "pkgs", "stdenv"]
FEATURES = ["enableDocs", "enableTests", "static", "withGui", "withPython"]
HELPERS = ["callPackage", "concatStringsSep", "defaultFeatures", "defaultMeta",
           "licenses",
           "maintainers", "mkPackage", "optional", "optionalString",
           "optionals", "platforms"]


class Writer:
    """Accumulates output and knows its size."""

    def __init__(self):
        self.parts = []
        self.size = 0

    def add(self, text):
        self.parts.append(text)
        self.size += len(text.encode())

    def text(self):
        return "".join(self.parts)


class Gen:
    def __init__(self, seed, dialect):
        self.rng = Lcg(seed)
        self.full = dialect == "full"
        self.out = Writer()
        self.names = set()

    # ----- small pieces -------------------------------------------------

    def fresh_name(self):
        r = self.rng
        while True:
            name = "".join(r.pick(SYLLABLES) for _ in range(1 + r.below(3)))
            if r.chance(30):
                name += "-" + r.pick(WORDS)
            if r.chance(15):
                name += str(r.below(10))
            if name not in self.names and name not in KEYWORDS \
                    and name not in ARGS and name not in HELPERS:
                self.names.add(name)
                return name

    def version(self):
        r = self.rng
        parts = [str(r.below(5)), str(r.below(30))]
        if r.chance(60):
            parts.append(str(r.below(12)))
        return ".".join(parts)

    def hash(self, alphabet, n):
        return "".join(self.rng.pick(alphabet) for _ in range(n))

    def sentence(self, lo=3, hi=10):
        r = self.rng
        words = [r.pick(WORDS) for _ in range(lo + r.below(hi - lo + 1))]
        if r.chance(10):
            words.append(r.pick(UNICODE_WORDS))
        return " ".join(words)

    def formals(self, names, at, pad=""):
        """A lambda head binding `names`, and `at`, as `{ a, b ? 1, ... }@at:`.

        nix-instantiate 2.8 prints formals (and `let` bindings) in the order of
        the addresses of their interned names, which is not predictable, so
        the nix28 dialect gives a lambda a single formal and binds the other
        names with one-binding `let`s that select them from `at`."""
        r = self.rng
        names = list(names)
        if self.full:
            if r.chance(50):
                names.reverse()
        else:
            names.sort()
            names, rest = names[:1], names[1:]
        items = []
        for n in names:
            if r.chance(40):
                n += " ? " + r.pick(["true", "false", "null", "{ }", "[ ]", "1"])
            items.append(n)
        head = "{ " + ", ".join(items + ["..."]) + " }"
        head = (head + "@" + at if r.chance(50) else at + "@" + head) + ":"
        if not self.full:
            head += "".join("\n%slet %s = %s.%s or null; in" % (pad, n, at, n)
                            for n in rest)
        return head

    def quoted(self, text):
        """A double-quoted Nix string literal holding `text`."""
        esc = (text.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\t", "\\t"))
        return '"' + esc.replace("${", "\\${") + '"'

    def dq_string(self, scope, interp=True):
        """A double-quoted string with escapes and maybe interpolations."""
        r = self.rng
        pieces = []
        for _ in range(1 + r.below(5)):
            k = r.below(10)
            if k < 4:
                pieces.append(self.sentence(1, 4))
            elif k == 4:
                pieces.append(r.pick(['\\"quoted\\"', "back\\\\slash",
                                      "line\\nbreak", "tab\\there",
                                      "cr\\r", "lit\\${eral}"]))
            elif k == 5:
                pieces.append(r.pick(UNICODE_WORDS))
            elif interp and scope:
                pieces.append("${%s}" % self.interp_expr(scope))
            else:
                pieces.append(r.pick(WORDS))
        return '"' + " ".join(pieces) + '"'

    def interp_expr(self, scope):
        r = self.rng
        v = r.pick(scope)
        k = r.below(6)
        if k == 0:
            return "toString %s" % v
        if k == 1:
            return 'concatStringsSep ", " [ "a" "b" ]' \
                if "concatStringsSep" in scope else "toString [ ]"
        if k == 2:
            return 'if %s == null then "none" else "some-${toString %s}"' \
                % (v, v)
        return v

    def ind_string(self, scope, indent):
        """An indented string ''...'' with shell-ish lines."""
        r = self.rng
        pad = " " * indent
        lines = ["''"]
        for _ in range(2 + r.below(6)):
            extra = "  " * r.below(3)
            k = r.below(9)
            if k == 0:
                line = "substituteInPlace Makefile --replace /usr/local %s" % (
                    "$out" if self.full else '${placeholder "out"}')
            elif k == 1 and scope:
                line = "mkdir -p ${%s}/share/%s" % (r.pick(scope),
                                                     r.pick(WORDS))
            elif k == 2:
                line = "echo \"%s\" > config.h" % self.sentence(2, 5)
            elif k == 3 and self.full:
                line = r.pick(["export HOME=$TMPDIR",
                               "echo ''${literal} ''$PATH",
                               "cp -r $src/* ''${out}/"])
            elif k == 4:
                line = "# keep '''quotes''' in shell comments"
            elif k == 5 and scope:
                line = "ln -s ${toString %s} ${%s}" % (r.pick(scope),
                                                        r.pick(scope))
            elif k == 6:
                line = "printf 'a''\\tb''\\nc'"
            else:
                line = "make -j4 %s" % r.pick(WORDS)
            lines.append(pad + "  " + extra + line)
        lines.append(pad + "''")
        return "\n".join(lines)

    def comment(self, pad):
        r = self.rng
        if r.chance(70):
            return pad + "# " + self.sentence(3, 9) + "\n"
        return pad + "/* " + self.sentence(3, 9) + "\n" + pad + "   " \
            + self.sentence(2, 6) + " */\n"

    # ----- the large, nixpkgs-like file ----------------------------------

    def large(self, size):
        w = self.out
        r = self.rng
        if self.full:
            w.add("# bench-compare: none\n")
        w.add("# Generated by Benchmarks/gen_parse_input.py; do not edit.\n")
        w.add(self.formals(ARGS, "args") + "\n\n")
        helpers = [
            ("defaultFeatures", "{ " + " ".join(
                "%s = %s;" % (f, r.pick(["true", "false"])) for f in FEATURES)
             + " }"),
            ("optional", "cond: x: if cond then [ x ] else [ ]"),
            ("optionals", "cond: xs: if cond then xs else [ ]"),
            ("optionalString", 'cond: s: if cond then s else ""'),
            ("concatStringsSep", "lib.concatStringsSep or builtins.concatStringsSep"),
            ("maintainers", "{ " + " ".join(
                '%s = { name = "%s"; email = "%s@example.org"; github = "%s"; };'
                % (m, m.title(), m, m) for m in MAINTAINERS) + " }"),
            ("licenses", "{ " + " ".join(
                '%s = { spdxId = "%s"; free = %s; };'
                % (l, l.upper(), "false" if l == "unfree" else "true")
                for l in LICENSES) + " }"),
            ("platforms", "{ " + " ".join(
                '%s = [ "%s-linux" "%s-darwin" ];' % (p, p, p)
                for p in PLATFORMS) + " }"),
            ("defaultMeta", "{ platforms = platforms.all; broken = false; }"),
            ("mkPackage", "{ pname, version, src ? null, meta ? { }, ... }@attrs:"
             ' attrs // { name = "${pname}-${version}";'
             " meta = defaultMeta // meta; }" if self.full else
             '{ pname, ... }@attrs: attrs // { name = "${pname}-${attrs.version}";'
             " meta = defaultMeta // (attrs.meta or { }); }"),
            ("callPackage", "fn: overrides: (if builtins.isFunction fn"
             " then fn else import fn) (args // overrides)"),
        ]
        if self.full:
            w.add("let\n")
            w.add("  inherit (builtins) map filter;\n")
            for name, value in helpers:
                w.add("  %s = %s;\n" % (name, value))
            w.add("in\n")
        else:
            for name, value in helpers:
                w.add("let %s = %s; in\n" % (name, value))
        w.add("\nrec {\n")
        defined = []
        scope = ARGS + ["args"] + HELPERS
        while w.size < size:
            if r.chance(8):
                w.add(self.comment("  "))
            name = self.fresh_name()
            w.add("  %s = " % name)
            k = r.below(100)
            if k < 25 or len(defined) < 3:
                w.add(self.one_liner(name, defined))
            elif k < 80:
                w.add(self.record(name, scope + defined, defined, "  "))
            elif k < 90:
                w.add(self.function_package(name, scope + defined, defined))
            else:
                w.add(self.alias(defined))
            w.add(";\n")
            defined.append(name)
        w.add("}\n")

    def one_liner(self, name, defined):
        r = self.rng
        path = "./pkgs/%s/%s/default.nix" % (r.pick(WORDS), name)
        deps = r.sample(defined, r.below(4)) if defined else []
        binds = []
        if deps and self.full and r.chance(60):
            binds.append("inherit %s;" % " ".join(deps))
        elif deps:
            binds += ["%s = %s;" % (d, d) for d in deps]
        if r.chance(30):
            binds.append("enable%s = %s;" % (r.pick(WORDS).title().replace(
                "-", ""), r.pick(["true", "false"])))
        return "callPackage %s { %s}" % (path, "".join(b + " " for b in binds))

    def deps_list(self, defined, scope):
        r = self.rng
        items = r.sample(defined, 1 + r.below(5))
        if r.chance(20):
            items.append("stdenv.cc")
        text = "[ " + " ".join(items) + " ]"
        if r.chance(30):
            text += " ++ optionals stdenv.isLinux [ %s ]" % r.pick(defined)
        if r.chance(20):
            text += " ++ optional (stdenv.hostPlatform.isStatic or false) %s" \
                % r.pick(defined)
        if r.chance(15):
            text = "with pkgs; " + text
        return text

    def record(self, name, scope, defined, pad, fn_args=()):
        """`mkPackage rec { ... }` with a random selection of fields."""
        r = self.rng
        p2 = pad + "  "
        fields = ["pname", "version", "src"]
        optional_fields = ["patches", "nativeBuildInputs", "buildInputs",
                           "configureFlags", "makeFlags", "env", "doCheck",
                           "postPatch", "installPhase", "passthru", "meta"]
        fields += r.sample(optional_fields, 3 + r.below(len(optional_fields) - 2))
        if "meta" not in fields and r.chance(80):
            fields.append("meta")
        inner = scope + fields + list(fn_args)
        out = []
        if r.chance(10):
            out.append("assert %s -> %s.version or null != null;\n%s"
                       % (r.pick(["stdenv.isLinux", "config.allowUnfree or false"]),
                          r.pick(defined), pad))
        use_let = r.chance(20)
        if use_let:
            out.append("let\n%s  common = { withDocs = %s; };\n"
                       % (pad, r.pick(["true", "false"])))
            if self.full:
                out.append('%s  sources = import ./sources.nix;\n' % pad)
            out.append("%sin\n%s" % (pad, pad))
            inner = inner + ["common"] + (["sources"] if self.full else [])
        out.append("mkPackage rec {\n")
        for f in fields:
            if r.chance(6):
                out.append(self.comment(p2))
            out.append(p2 + self.field(f, name, inner, defined, p2) + "\n")
        if self.full and r.chance(25):
            out.append(p2 + "inherit (stdenv) %s;\n"
                       % " ".join(r.sample(["cc", "shell", "system"], 2)))
        if use_let and r.chance(50):
            out.append(p2 + "withDocs = common.withDocs or false;\n")
        out.append(pad + "}")
        return "".join(out)

    def field(self, f, name, scope, defined, pad):
        r = self.rng
        if f == "pname":
            return 'pname = "%s";' % name
        if f == "version":
            return 'version = "%s";' % self.version()
        if f == "src":
            if r.chance(50):
                return ('src = fetchzip {\n%s  url = "https://example.org/'
                        '${pname}/${pname}-${version}.tar.%s";\n%s  sha256 = '
                        '"%s";\n%s};' % (pad, r.pick(["gz", "xz", "bz2"]), pad,
                                         self.hash(BASE32, 52), pad))
            return ('src = fetchFromGitHub {\n%s  owner = "%s";\n%s  repo = '
                    'pname;\n%s  rev = "v${version}";\n%s  hash = "sha256-%s=";'
                    '\n%s};' % (pad, r.pick(MAINTAINERS), pad, pad, pad,
                                self.hash(BASE64, 43), pad))
        if f == "patches":
            items = ["./patches/%s.patch" % r.pick(WORDS),
                     "./patches/${pname}-${version}.patch"]
            if r.chance(30):
                items.append("../common/%s.patch" % r.pick(WORDS))
            return "patches = [ %s ];" % " ".join(items[:1 + r.below(3)])
        if f in ("nativeBuildInputs", "buildInputs"):
            return "%s = %s;" % (f, self.deps_list(defined, scope))
        if f == "configureFlags":
            flags = ['"--enable-%s"' % r.pick(WORDS),
                     '"--with-%s=${%s}"' % (r.pick(WORDS), r.pick(defined)),
                     '"--prefix=/usr"', self.dq_string(scope)]
            text = "configureFlags = [ %s ]" % " ".join(
                r.sample(flags, 1 + r.below(4)))
            if r.chance(40):
                text += ' ++ optional doCheck "--enable-tests"' \
                    if "doCheck" in scope else ' ++ [ "--disable-tests" ]'
            return text + ";"
        if f == "makeFlags":
            return ('makeFlags = [ "PREFIX=\\"/usr/local\\"" "CC=%s" '
                    '"SHELL=C:\\\\bin\\\\sh" ];' % r.pick(["gcc", "clang", "cc"]))
        if f == "env":
            return ('env.NIX_CFLAGS_COMPILE = toString [ "-O%d" "-Wno-error" ]'
                    ' + optionalString stdenv.isDarwin " -DDARWIN=1";'
                    % r.below(4))
        if f == "doCheck":
            return r.pick([
                "doCheck = stdenv.buildPlatform == stdenv.hostPlatform"
                " && !stdenv.isDarwin;",
                "doCheck = !(config.skipTests or false) || stdenv.isLinux;",
                "doCheck = (args ? runTests) && args.runTests;",
                "doCheck = if stdenv.isLinux then %d > %d else false;"
                % (r.below(10), r.below(10))])
        if f in ("postPatch", "installPhase"):
            return "%s = %s;" % (f, self.ind_string(scope, len(pad)))
        if f == "passthru":
            tests = " ".join("%s = %s;" % (t, r.pick(defined))
                             for t in r.sample(["basic", "cross", "static",
                                                "integration"], 2))
            extra = " inherit src;" if self.full and r.chance(50) else ""
            return ("passthru = { tests = { %s }; updateScript = ./update.sh;"
                    "%s };" % (tests, extra))
        if f == "meta":
            return self.meta(name, pad)
        raise ValueError(f)

    def meta(self, name, pad):
        r = self.rng
        p2 = pad + "  "
        lic = r.sample(LICENSES, 1 + r.below(2))
        lines = ["meta = with lib; {",
                 p2 + "description = %s;" % self.quoted(self.sentence().capitalize()),
                 p2 + 'homepage = "https://%s.example.org/";' % name]
        if r.chance(25):
            lines.append(p2 + "longDescription = ''\n%s    %s\n%s    %s\n%s  '';"
                         % (pad, self.sentence(6, 14), pad, self.sentence(4, 12),
                            pad))
        lines.append(p2 + "license = %s;" % (
            "licenses." + lic[0] if len(lic) == 1
            else "[ %s ]" % " ".join("licenses." + l for l in lic)))
        lines.append(p2 + "maintainers = with maintainers; [ %s ];"
                     % " ".join(r.sample(MAINTAINERS, 1 + r.below(3))))
        lines.append(p2 + "platforms = platforms.%s;" % r.pick(PLATFORMS))
        if r.chance(20):
            lines.append(p2 + "broken = stdenv.isDarwin && stdenv.isAarch64;")
        if r.chance(30):
            lines.append(p2 + "mainProgram = pname;")
        lines.append(pad + "};")
        return "\n".join(lines)

    def function_package(self, name, scope, defined):
        r = self.rng
        opts = r.sample(FEATURES, 2 + r.below(3))
        head = self.formals(opts, "cfg", "  ")
        body = self.record(name, scope, defined, "  ", fn_args=opts + ["cfg"])
        flag = r.pick(opts)
        return "%s\n  %s\n  // { passthru.options = cfg; enabled = if %s then \"yes\" else \"no\"; }" \
            % (head, body, flag)

    def alias(self, defined):
        r = self.rng
        a, b = r.pick(defined), r.pick(defined)
        return r.pick([
            "%s // { meta = (%s.meta or { }) // { priority = 10; }; }" % (a, a),
            "if stdenv.isLinux then %s else %s" % (a, b),
            "%s.passthru.tests.basic or %s" % (a, b),
            "assert %s ? pname; %s" % (a, a),
            "%s // { override = args: %s; }" % (a, b),
            "{ inherit (%s) pname version; alias = true; }" % a if self.full
            else "{ pname = %s.pname; alias = true; }" % a,
        ])

    # ----- string-heavy file ---------------------------------------------

    def strings(self, size):
        w = self.out
        r = self.rng
        if self.full:
            w.add("# bench-compare: none\n")
        w.add("# Generated by Benchmarks/gen_parse_input.py; do not edit.\n")
        scope = ["lib", "pkgs", "pname", "version"]
        w.add(self.formals(scope, "args") + "\n\n[\n")
        scope = scope + ["concatStringsSep"]
        w.add('  (let concatStringsSep = builtins.concatStringsSep; in [\n')
        while w.size < size:
            k = r.below(10)
            if k < 5:
                w.add("  %s\n" % self.dq_string(scope))
            elif k < 8:
                w.add("  %s\n" % self.ind_string(scope, 2))
            elif k == 8:
                # A long string with many short pieces.
                parts = []
                for _ in range(20 + r.below(60)):
                    parts.append(r.pick([r.pick(WORDS), "\\n", "\\\"", "\\\\",
                                         "${pname}", "${toString version}",
                                         r.pick(UNICODE_WORDS), " "]))
                w.add('  "%s"\n' % "".join(parts))
            else:
                # Strings as attribute names and nested interpolation.
                # (Keys with a space: 2.8 prints a keyword key like `with`
                # without quotes.)
                w.add('  { "%s" = "v"; "${pname}-%s" = "${if pname == "" then '
                      '"none" else "${pname}\\n"}"; }\n'
                      % (self.sentence(2, 3), r.pick(WORDS)))
        w.add("  ])\n]\n")

    # ----- operator-heavy file -------------------------------------------

    # Levels from the loosest to the tightest binding; each entry is
    # (operators, chain allowed).  Comparisons do not associate.
    LEVELS = [(["->"], True), (["||"], True), (["&&"], True),
              (["==", "!="], False), (["<", ">", "<=", ">="], False),
              (["//"], True), (["!"], None), (["+", "-"], True),
              (["*", "/"], True), (["++"], True), (["?"], None)]

    def op_expr(self, scope, level, budget):
        r = self.rng
        if level >= len(self.LEVELS) or budget <= 0:
            return self.op_unit(scope, budget)
        ops, chain = self.LEVELS[level]
        if chain is None:           # prefix `!` or postfix `?`
            inner = self.op_expr(scope, level + 1, budget)
            if ops == ["!"] and r.chance(15):
                return "!" + inner
            if ops == ["?"] and r.chance(10):
                return "%s ? %s" % (inner, r.pick(["a", "a.b", '"c d"', "e.${f}"]))
            return inner
        if not r.chance(35):
            return self.op_expr(scope, level + 1, budget)
        n = 2 + (r.below(4) if chain else 0)
        items = [self.op_expr(scope, level + 1, budget - n) for _ in range(n)]
        text = items[0]
        for it in items[1:]:
            text += " %s %s" % (r.pick(ops), it)
        return text

    def op_unit(self, scope, budget):
        r = self.rng
        k = r.below(20) if budget > 0 else r.below(6)
        v = r.pick(scope)
        if k == 0:
            return str(r.below(1000))
        if k == 1:
            return "%d.%d" % (r.below(100), r.below(100))
        if k == 2:
            return "%s.%s" % (v, r.pick(["a", "b.c", "d.e.f"]))
        if k == 3:
            return '%s.%s or %s' % (v, r.pick(["a", "b.c"]), r.pick(scope))
        if k == 4:
            return '"%s"' % r.pick(WORDS)
        if k < 6:
            return v
        if k == 6:
            return "(-%s)" % v
        if k == 7:
            return "(%s)" % self.op_expr(scope, 0, budget - 3)
        if k == 8:
            return "(%s %s %s)" % (r.pick(scope), self.op_unit(scope, 0),
                                   self.op_unit(scope, 0))
        if k == 9:
            return "[ %s ]" % " ".join(self.op_unit(scope, budget - 3)
                                       for _ in range(r.below(4)))
        if k == 10:
            return "{ x = %s; y.z = %s; }" % (self.op_expr(scope, 0, budget - 4),
                                               self.op_unit(scope, 0))
        if k == 11:
            return "(if %s then %s else %s)" % (
                self.op_expr(scope, 0, budget - 4), self.op_unit(scope, 0),
                self.op_expr(scope, 0, budget - 4))
        if k == 12:
            p = r.pick(["x", "y", "z"])
            return "(%s: %s)" % (p, self.op_expr(scope + [p], 0, budget - 3))
        if k == 13:
            # A long flat chain of one associative operator.
            op = r.pick(["+", "++", "//", "&&", "||", "*", "-"])
            return "(%s)" % (" %s " % op).join(
                self.op_unit(scope, 0) for _ in range(10 + r.below(40)))
        if k == 14:
            return "{ a = %s; }.a or %s" % (self.op_unit(scope, 0), v)
        return v

    def operators(self, size):
        w = self.out
        r = self.rng
        w.add("# Generated by Benchmarks/gen_parse_input.py; do not edit.\n")
        scope = ["a", "b", "c", "d", "e", "f", "g", "h"]
        # Curried lambdas: their order is printed the same by all versions.
        w.add(" ".join(v + ":" for v in scope) + "\n\n[\n")
        while w.size < size:
            w.add("  (%s)\n" % self.op_expr(scope, 0, 6 + r.below(6)))
        w.add("]\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--kind", choices=["large", "strings", "operators"],
                    default="large")
    ap.add_argument("--dialect", choices=["full", "nix28"], default="full")
    ap.add_argument("--size", type=int, default=5_000_000,
                    help="approximate size in bytes (default 5000000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--header", default="# bench: --parse",
                    help="first line of the file (the runner reads its mode)")
    opts = ap.parse_args()
    gen = Gen(opts.seed, opts.dialect)
    gen.out.add(opts.header + "\n")
    getattr(gen, opts.kind)(opts.size)
    data = gen.out.text().encode()
    if opts.out == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(opts.out, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
