#!/usr/bin/env python3
"""check-architecture.py SOURCE_ROOT — docs/architecture.md must match the code.

Fails (exit 1, one line per problem) when:
  - a lib/ source or header (*.c, *.h, the version script) is on no map, or a mapped file
    is gone (rows marked "generated" excepted);
  - a lib/ file's "includes" column differs from the project headers it #includes;
  - a lib/ include points to a higher layer (other than its own part), or to anything
    outside lib/ (tools/, jni/, bindings/, examples/, tests/);
  - a face (tools/, jni/, examples/) includes a project header other than qsplit.h and its
    own folder's, unless the map's exception table names it, or an exception is no longer
    needed.
The map is the single source: this script holds no list of files of its own.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
ROW = re.compile(r"^\|(.+)\|\s*$")
TICKED = re.compile(r"`([^`]+)`")


def rows(text, heading):
    """The table rows (lists of cells) under the first heading that starts with heading."""
    lines = text.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.startswith("#") and
                     l.lstrip("#").strip().startswith(heading))
    except StopIteration:
        return None
    out, seen_table = [], False
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        m = ROW.match(line)
        if not m:
            if seen_table:
                break
            continue
        seen_table = True
        cells = [c.strip() for c in m.group(1).split("|")]
        if set("".join(cells)) <= set("-: "):
            continue  # the separator row
        out.append(cells)
    return out[1:]  # without the header row


def includes(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return [(m.group(1), m.group(2)) for m in INCLUDE.finditer(f.read())]


def project_headers(root):
    """basename -> set of project-relative paths, for every .h outside build dirs."""
    found = {}
    for top in ("lib", "tools", "jni", "bindings", "examples", "tests", "bench", "fuzz"):
        for d, dirs, files in os.walk(os.path.join(root, top)):
            dirs[:] = [x for x in dirs if x not in ("out", "build", "corpus")]
            for name in files:
                if name.endswith(".h"):
                    rel = os.path.relpath(os.path.join(d, name), root)
                    found.setdefault(name, set()).add(rel)
    return found


def check_lib(root, text, problems):
    layers = rows(text, "Layers")
    files = rows(text, "lib/ — one file, one job")
    if not layers or not files:
        problems.append("docs/architecture.md: no 'Layers' or 'lib/ — one file, one job' table")
        return
    layer_of = {}
    for cells in layers:
        for part in cells[1].split(","):
            layer_of[part.strip()] = int(cells[0])
    mapped = {}  # lib-relative path -> (part, includes set, generated)
    for cells in files:
        names = TICKED.findall(cells[0])
        if len(cells) < 4 or not names or not names[0].startswith("lib/"):
            problems.append(f"architecture.md: malformed lib/ row: |{'|'.join(cells)}|")
            continue
        rel = names[0][len("lib/"):]
        part = cells[1]
        if part not in layer_of:
            problems.append(f"architecture.md: lib/{rel}: part '{part}' is in no layer")
        incs = set(TICKED.findall(cells[3]))
        mapped[rel] = (part, incs, "generated" in cells[2])

    lib = os.path.join(root, "lib")
    on_disk = set()
    for d, _, names in os.walk(lib):
        for n in names:
            if n.endswith((".c", ".h")) or n == "libqsplit.map":
                on_disk.add(os.path.relpath(os.path.join(d, n), lib))
    for rel in sorted(on_disk - set(mapped)):
        problems.append(f"lib/{rel}: on no map (add it to docs/architecture.md)")
    for rel in sorted(set(mapped) - on_disk):
        if not mapped[rel][2]:
            problems.append(f"architecture.md: lib/{rel} is mapped but does not exist")

    # basename -> mapped lib path, for resolving "x.h" inside lib/
    by_name = {os.path.basename(rel): rel for rel in mapped}
    others = project_headers(root)
    for rel in sorted(on_disk & set(mapped)):
        if not rel.endswith((".c", ".h")):
            continue
        part, declared, _ = mapped[rel]
        actual = set()
        for _, name in includes(os.path.join(lib, rel)):
            base = os.path.basename(name)
            if base in by_name and "/" not in name:
                actual.add(base)
                target_part = mapped[by_name[base]][0]
                if (target_part != part and target_part in layer_of and part in layer_of and
                        layer_of[target_part] >= layer_of[part]):
                    problems.append(
                        f"lib/{rel}: includes {base} ({target_part}, layer "
                        f"{layer_of[target_part]}) from layer {layer_of[part]}: "
                        f"includes must go down the layers")
            elif base in others and not any(p.startswith("lib/") for p in others[base]):
                problems.append(f"lib/{rel}: includes {name} from outside lib/ "
                                f"({', '.join(sorted(others[base]))})")
            elif "/" in name and base in others:
                problems.append(f"lib/{rel}: includes {name} by a path")
        if actual != declared:
            missing = sorted(actual - declared)
            extra = sorted(declared - actual)
            problems.append(f"lib/{rel}: the map's includes differ from the code"
                            + (f"; not on the map: {', '.join(missing)}" if missing else "")
                            + (f"; not in the code: {', '.join(extra)}" if extra else ""))


def check_faces(root, text, problems):
    exc_rows = rows(text, "Exceptions") or []
    allowed = {}
    for cells in exc_rows:
        names = TICKED.findall(cells[0])
        if names and len(cells) >= 3:
            allowed[names[0]] = set(TICKED.findall(cells[1]))
    used = {f: set() for f in allowed}
    others = project_headers(root)
    for top in ("tools", "jni", "examples"):
        for d, dirs, names in os.walk(os.path.join(root, top)):
            dirs[:] = [x for x in dirs if x not in ("build", "out")]
            for n in sorted(names):
                if not n.endswith((".c", ".h")):
                    continue
                path = os.path.join(d, n)
                rel = os.path.relpath(path, root)
                for _, name in includes(path):
                    base = os.path.basename(name)
                    if base == "qsplit.h" or os.path.exists(os.path.join(d, name)):
                        continue
                    if base not in others:
                        continue  # a system or dependency header
                    if base in allowed.get(rel, ()):
                        used[rel].add(base)
                        continue
                    problems.append(
                        f"{rel}: includes {name} ({', '.join(sorted(others[base]))}); a face "
                        f"includes only qsplit.h and its own folder's headers (or name the "
                        f"exception and why in docs/architecture.md)")
    for f, names in sorted(allowed.items()):
        for base in sorted(names - used.get(f, set())):
            problems.append(f"architecture.md: the exception '{f}: {base}' is no longer "
                            f"needed; remove it")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    doc = os.path.join(root, "docs", "architecture.md")
    try:
        with open(doc, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        print(f"check-architecture: {doc}: {e.strerror}", file=sys.stderr)
        return 1
    problems = []
    check_lib(root, text, problems)
    check_faces(root, text, problems)
    for p in problems:
        print(f"check-architecture: {p}", file=sys.stderr)
    if problems:
        print(f"check-architecture: {len(problems)} problem(s); see docs/architecture.md",
              file=sys.stderr)
        return 1
    print("docs/architecture.md matches the code: every lib/ file mapped, includes as "
          "declared, layers and face rules kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
