#!/usr/bin/env python3
"""check-functions.py SOURCE_ROOT [--list N] — functions stay small, macros stay at file scope.

Fails (exit 1, one line per problem, file:line: function: ...) when a C file under lib/,
tools/ (tools/push/ included), jni/, fuzz/ or examples/ has:
  - a function whose body (the lines between its braces) is over LIMIT lines, unless the
    comment right above the function says why with a line containing "Long because";
  - a #define inside a function body (a macro is file-scoped whatever its place, so one
    written inside a function only pretends to be local).

Before looking at the tree it checks itself on tests/data/check-functions/*.c: each fixture
names what must be found in "expect: KIND FUNCTION" lines (KIND is long or define), and a
fixture without such lines must yield nothing, so a parser that stops finding is caught.
--list N prints the N longest functions of the tree (for people, not for the test).

The parser works on the text with comments, string and character literals blanked, and
preprocessor lines set apart; of an #if/#elif/#else chain only the first branch that is not
"#if 0" counts for braces, as compilers see one branch at a time.
"""
import os
import re
import sys

LIMIT = 80
REASON = re.compile(r"long because", re.I)
DIRS = ("lib", "tools", "jni", "fuzz", "examples")
SKIP_DIRS = {"build", "out", "corpus", "cross"}
IDENT_PAREN = re.compile(r"([A-Za-z_]\w*)\s*\(")
NOT_A_NAME = {
    "__attribute__", "__declspec", "__typeof__", "typeof", "_Alignas", "alignas",
    "void", "char", "short", "int", "long", "float", "double", "signed", "unsigned",
    "const", "volatile", "static", "inline", "extern", "struct", "union", "enum",
    "if", "while", "for", "switch", "return", "sizeof",
}
EXPECT = re.compile(r"expect:\s*(long|define)\s+(\w+)")


class Source:
    """One C file: code with comments/literals blanked, its comments and directives."""

    def __init__(self, text):
        self.text = text
        self.comments = []  # (first line, last line, text)
        self.directives = []  # (line, offset, name, text)
        code = list(text)
        n, i, line = len(text), 0, 1
        at_line_start = True
        while i < n:
            c = text[i]
            if c == "\n":
                line += 1
                at_line_start = True
                i += 1
                continue
            if at_line_start and c in " \t":
                i += 1
                continue
            if at_line_start and c == "#":
                i, line = self._directive(code, i, line)
                continue
            at_line_start = False
            if text.startswith("/*", i):
                end = text.find("*/", i + 2)
                end = n if end < 0 else end + 2
                i, line = self._comment(code, i, end, line)
            elif text.startswith("//", i):
                end = text.find("\n", i)
                end = n if end < 0 else end
                i, line = self._comment(code, i, end, line)
            elif c in "\"'":
                i, line = self._literal(code, i, line)
            else:
                i += 1
        self.code = "".join(code)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def _blank(self, code, start, end):
        for k in range(start, end):
            if code[k] != "\n":
                code[k] = " "

    def _comment(self, code, start, end, line):
        body = self.text[start:end]
        last = line + body.count("\n")
        self.comments.append((line, last, body))
        self._blank(code, start, end)
        return end, last

    def _literal(self, code, start, line):
        quote, k, n = self.text[start], start + 1, len(self.text)
        while k < n and self.text[k] != quote and self.text[k] != "\n":
            k += 2 if self.text[k] == "\\" else 1
        end = min(k + 1, n)
        self._blank(code, start + 1, end - 1)
        return end, line + self.text.count("\n", start, end)

    def _directive(self, code, start, line):
        """A preprocessor line with its continuations; comments inside it end it early
        only when they run past its end, as the preprocessor sees them."""
        k, n = start, len(self.text)
        while k < n:
            if self.text.startswith("/*", k):
                end = self.text.find("*/", k + 2)
                k = n if end < 0 else end + 2
                continue
            if self.text.startswith("//", k):
                end = self.text.find("\n", k)
                k = n if end < 0 else end
                continue
            if self.text[k] == "\\" and self.text.startswith("\n", k + 1):
                k += 2
                continue
            if self.text[k] == "\n":
                break
            k += 1
        body = self.text[start:k]
        m = re.match(r"#\s*(\w*)", body)
        self.directives.append((line, start, m.group(1) if m else "", body))
        self._blank(code, start, k)
        return k, line + body.count("\n")

    def line_of(self, offset):
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1


def one_branch(src):
    """The code with every #if chain reduced to the branch that counts (the first that is
    not '#if 0'), so braces written once per branch are counted once."""
    code = list(src.code)
    stack = []  # per #if: [a branch taken already, skipping now, start of skipped text]
    for _, off, name, body in src.directives:
        m = re.match(r"#\s*\w+\s*(\S*)", body)
        cond = m.group(1) if m else ""
        if name in ("if", "ifdef", "ifndef"):
            zero = name == "if" and cond == "0"
            stack.append([not zero, zero, off])
        elif name in ("elif", "else") and stack:
            top = stack[-1]
            if top[1]:
                src._blank(code, top[2], off)
            zero = name == "elif" and cond == "0"
            top[1] = top[0] or zero
            top[0] = top[0] or not zero
            top[2] = off
        elif name == "endif" and stack:
            top = stack.pop()
            if top[1]:
                src._blank(code, top[2], off)
    return "".join(code)


def function_name(header):
    """The declared name in a function's header text, or None when it is no function."""
    h = header.strip()
    if not h.endswith(")"):
        return None  # struct, union, enum, an initializer's braces
    depth = 0
    for ch in h:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "=" and depth == 0:
            return None  # int x[] = (...) {...} and the like
    for m in IDENT_PAREN.finditer(h):
        if m.group(1) not in NOT_A_NAME:
            return m.group(1)
    return None


def functions(src):
    """(name, first line of the header, line of '{', line of '}', offset '{', offset '}')."""
    code = one_branch(src)
    out, depth, boundary, opened = [], 0, 0, None
    for i, ch in enumerate(code):
        if ch == "{":
            if depth == 0:
                opened = (i, function_name(code[boundary:i]))
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                depth = 0  # unbalanced input: start again rather than stop
            if depth == 0 and opened:
                start, name = opened
                if name:
                    header = code[boundary:start]
                    first = boundary + (len(header) - len(header.lstrip()))
                    out.append((name, src.line_of(first), src.line_of(start),
                                src.line_of(i), start, i))
                opened = None
                boundary = i + 1
        elif ch == ";" and depth == 0:
            boundary = i + 1
    return out


def comment_above(src, line):
    """The text of the comments that end on the line right above `line`, chained upward
    through a run of // lines."""
    by_last = {}
    for first, last, body in src.comments:
        by_last.setdefault(last, []).append((first, body))
    parts, want = [], line - 1
    while want in by_last:
        first, body = min(by_last[want])
        parts.insert(0, body)
        want = first - 1
    return "\n".join(parts)


def check_text(path, text):
    """[(line, function, kind, message)] for one file's text."""
    src = Source(text)
    found = []
    for name, first, open_line, close_line, open_off, close_off in functions(src):
        body = close_line - open_line - 1
        if body > LIMIT and not REASON.search(comment_above(src, first)):
            found.append((first, name, "long",
                          f"body is {body} lines (limit {LIMIT}); split it, or say why in "
                          f"the comment above with 'Long because ...'"))
        for line, off, dname, dbody in src.directives:
            if dname == "define" and open_off < off < close_off:
                macro = (dbody.split() + ["?", "?"])[1].split("(")[0]
                found.append((line, name, "define",
                              f"#define {macro} inside the function; define it at file "
                              f"scope (or make it a static inline function)"))
    return found


def c_files(root):
    for top in DIRS:
        for d, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
            for name in sorted(files):
                if name.endswith(".c"):
                    yield os.path.join(d, name)


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def self_test(root):
    """Problems with the fixtures: what each expects must be exactly what is found."""
    fixdir = os.path.join(root, "tests", "data", "check-functions")
    names = sorted(n for n in os.listdir(fixdir) if n.endswith(".c"))
    problems, bad_seen, good_seen = [], 0, 0
    for name in names:
        text = read(os.path.join(fixdir, name))
        want = sorted(EXPECT.findall(text))
        got = sorted((kind, fn) for _, fn, kind, _ in check_text(name, text))
        if want:
            bad_seen += 1
        else:
            good_seen += 1
        if want != got:
            problems.append(f"self-test: {name}: expected {want or 'nothing'}, "
                            f"found {got or 'nothing'}")
    if not bad_seen or not good_seen:
        problems.append(f"self-test: {fixdir} needs fixtures that must fail and ones that "
                        f"must pass ({bad_seen} and {good_seen} found)")
    return problems, len(names)


def main():
    args = sys.argv[1:]
    root = args[0] if args and not args[0].startswith("--") else "."
    if "--list" in args:
        count = int(args[args.index("--list") + 1])
        rows = []
        for path in c_files(root):
            for name, first, o, c, _, _ in functions(Source(read(path))):
                rows.append((c - o - 1, os.path.relpath(path, root), first, name))
        for body, rel, first, name in sorted(rows, reverse=True)[:count]:
            print(f"{body:5d}  {rel}:{first}: {name}")
        return 0
    problems, fixtures = self_test(root)
    files = 0
    for path in c_files(root):
        files += 1
        rel = os.path.relpath(path, root)
        for line, name, _, msg in check_text(rel, read(path)):
            problems.append(f"{rel}:{line}: {name}: {msg}")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(f"{files} C files: no function body over {LIMIT} lines without a reason, no "
          f"#define inside a function (self-test: {fixtures} fixtures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
