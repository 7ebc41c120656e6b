#!/usr/bin/env python3
"""Checks docs/numpy_coverage.md against the committed name list docs/jax_names.txt (written by
scripts/jax_names.py): every public function of jax.numpy, jax.random and jax.numpy.linalg must be
in the "Implemented" table or in the "Absent" table (with a reason), and every implemented entry
must name a C++ function (or constant) that is declared in include/xjax/*.hpp. At most 5% of
jax.numpy may be absent, and the summary table's counts must be current.

Table rows look like
    | jax.numpy | arccos | `xj::arccos` | alias of `xj::acos` |     (Implemented: module, name, C++, note)
    | jax.numpy | unique | needs `xj::SizeOptions` |              (Absent: module, name, reason)
Standard library only.

usage: check_numpy_coverage.py [ROOT]
"""
import pathlib
import re
import sys

MAX_ABSENT_NUMPY = 0.05  # at most this share of jax.numpy may be listed as absent
ROW = re.compile(r"^\|\s*(jax\.[\w.]+)\s*\|\s*(\w+)\s*\|(.*)\|\s*$")
CXX = re.compile(r"`([\w:.]+)(?:\([^`]*\))?`")


def read_names(path):
    names = set()
    for line in path.read_text().splitlines():
        parts = line.split()
        if not parts or line.startswith("#") or parts[0] == "constant":
            continue
        names.add((parts[0], parts[1]))
    return names


def read_tables(path):
    tables, section = {"implemented": {}, "absent": {}}, None
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            title = line[3:].strip().lower()
            section = "implemented" if title.startswith("implemented") else \
                "absent" if title.startswith("absent") else None
            continue
        m = ROW.match(line)
        if section and m:
            tables[section][(m.group(1), m.group(2))] = m.group(3)
    return tables


def declared(name, headers):
    """A function, constant or member declared under this name in a public header."""
    pat = re.compile(r"(?:[\w>&*]\s+|\b(?:auto|Array)\s*)" + re.escape(name) + r"\s*(?:\(|=|\{)")
    return any(pat.search(text) for text in headers.values())


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    names = read_names(root / "docs" / "jax_names.txt")
    tables = read_tables(root / "docs" / "numpy_coverage.md")
    doc_text = (root / "docs" / "numpy_coverage.md").read_text()
    headers = {p.name: p.read_text() for p in sorted((root / "include" / "xjax").glob("*.hpp"))}
    bad = []
    for key in sorted(names):
        impl, absent = key in tables["implemented"], key in tables["absent"]
        if not impl and not absent:
            bad.append(f"{key[0]}.{key[1]}: neither implemented nor listed as absent with a reason")
        elif impl and absent:
            bad.append(f"{key[0]}.{key[1]}: in both tables")
        elif absent:
            reason = tables["absent"][key].strip(" |")
            if not reason:
                bad.append(f"{key[0]}.{key[1]}: absent without a reason")
    for key, rest in sorted(tables["implemented"].items()):
        m = CXX.search(rest)
        if not m:
            bad.append(f"{key[0]}.{key[1]}: implemented entry names no C++ function in backquotes")
            continue
        cxx = m.group(1)
        ident = re.split(r"::|\.", cxx)[-1]
        if not declared(ident, headers):
            bad.append(f"{key[0]}.{key[1]}: `{cxx}` is not declared in include/xjax/*.hpp")
    for section in tables.values():
        for key in section:
            if key not in names:
                bad.append(f"{key[0]}.{key[1]}: in docs/numpy_coverage.md but not in docs/jax_names.txt")
    impl = {m: sum(1 for k in tables["implemented"] if k[0] == m) for m, _ in names}
    total = {m: sum(1 for k in names if k[0] == m) for m, _ in names}
    absent = total["jax.numpy"] - impl["jax.numpy"]
    if absent > MAX_ABSENT_NUMPY * total["jax.numpy"]:
        bad.append(f"jax.numpy: {absent} of {total['jax.numpy']} names absent, more than "
                   f"{MAX_ABSENT_NUMPY:.0%}")
    for m in total:
        if f"| {m} | {impl[m]} | {total[m]} |" not in doc_text:
            bad.append(f"{m}: the summary table should read | {m} | {impl[m]} | {total[m]} |")
    for b in bad:
        print(b)
    print("; ".join(f"{m}: {impl[m]} of {total[m]} implemented" for m in sorted(total)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
