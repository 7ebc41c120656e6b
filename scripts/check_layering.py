#!/usr/bin/env python3
"""Checks the one-way layering of the sources: include/ (the public API) <- src/ (arrays, IR,
primitives, kernels) <- transforms/ (the interpreters). A public header includes only public
headers; nothing under src/ includes a header of transforms/; nothing under transforms/ includes a
primitive's header (src/primitives/): interpreters reach primitives through the IR and the rule
interface (src/trace/rules.hpp).

usage: check_layering.py [ROOT]
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    src_dirs = {p.name for p in (root / "src").iterdir() if p.is_dir()}
    transform_dirs = {p.name for p in (root / "transforms").iterdir() if p.is_dir()}
    bad = []
    for layer in ("include", "src", "transforms"):
        for f in sorted((root / layer).rglob("*")):
            if f.suffix not in (".hpp", ".cpp", ".h"):
                continue
            for inc in INCLUDE.findall(f.read_text()):
                top = inc.split("/")[0]
                rel = f.relative_to(root)
                if layer == "include" and not inc.startswith("xjax/"):
                    bad.append(f"{rel}: public header includes \"{inc}\"")
                elif layer in ("include", "src") and top in transform_dirs:
                    bad.append(f"{rel}: includes \"{inc}\" of transforms/")
                elif layer == "transforms" and top == "primitives":
                    bad.append(f"{rel}: includes \"{inc}\" of src/primitives/ (use trace/rules.hpp)")
                elif layer == "src" and top not in src_dirs and top != "xjax":
                    bad.append(f"{rel}: includes \"{inc}\", which is in no layer")
    if bad:
        print("layering violations:\n  " + "\n  ".join(bad))
        return 1
    print("ok: include/ <- src/ <- transforms/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
