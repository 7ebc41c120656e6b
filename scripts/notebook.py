#!/usr/bin/env python3
"""Runs the C++ cells of a xeus-cling notebook through clang-repl, cell by cell, in one session.

    scripts/notebook.py NOTEBOOK --include DIR --library PATH [--repl clang-repl-16] (--check | --update)

The cling pragmas become what clang-repl understands: `#pragma cling add_include_path("...")` is
replaced by --include, `#pragma cling load("...")` by a dlopen of --library. Each top-level statement
is joined onto one line (clang-repl reads a line at a time). --check compares what every cell
prints with the output stored in the notebook and exits 1 on a difference; --update stores it.
"""
import argparse
import json
import subprocess
import sys

MARKER = "<<<xjax-notebook-cell {}>>>"


def strip_comment(line):
    """The line without a trailing // comment (string and character literals respected)."""
    quote = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif line.startswith("//", i):
            return line[:i].rstrip()
        i += 1
    return line.rstrip()


def statements(source, library):
    """The repl lines of one cell: directives alone, every other statement joined onto one line."""
    out, pending, depth = [], [], 0
    for raw in source.splitlines():
        line = strip_comment(raw)
        stripped = line.strip()
        if not pending and stripped.startswith("#pragma cling add_include_path"):
            continue  # given to clang-repl as -I
        if not pending and stripped.startswith("#pragma cling load"):
            out.append('void* xjax_notebook_library = dlopen("{}", RTLD_NOW | RTLD_GLOBAL);'.format(library))
            continue
        if not pending and stripped.startswith("#"):
            out.append(stripped)
            continue
        if not stripped:
            continue
        pending.append(stripped)
        depth += sum(stripped.count(c) for c in "({[") - sum(stripped.count(c) for c in ")}]")
        if depth == 0 and stripped[-1] in ";}":
            out.append(" ".join(pending))
            pending = []
    if pending:
        raise SystemExit("notebook: unfinished statement at the end of a cell: " + " ".join(pending))
    return out


def run(cells, args):
    lines = ["#include <cstdio>", "#include <dlfcn.h>", "#include <iostream>"]
    for k, cell in enumerate(cells):
        lines += statements(cell, args.library)
        lines.append('std::cout << std::flush; std::printf("\\n{}\\n"); std::fflush(stdout);'.format(MARKER.format(k)))
    repl = subprocess.run([args.repl, "-Xcc=-std=c++20", "-Xcc=-I" + args.include], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=600)
    if repl.stderr.strip():
        sys.stderr.write(repl.stderr)
        raise SystemExit("notebook: clang-repl reported errors")
    outputs, rest = [], repl.stdout
    for k in range(len(cells)):
        marker = "\n" + MARKER.format(k) + "\n"
        if marker not in rest:
            raise SystemExit("notebook: cell {} did not finish; output so far:\n{}".format(k, rest))
        text, rest = rest.split(marker, 1)
        outputs.append(text)
    return outputs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--include", required=True)
    parser.add_argument("--library", required=True)
    parser.add_argument("--repl", default="clang-repl-16")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--update", action="store_true")
    args = parser.parse_args()

    with open(args.notebook) as f:
        nb = json.load(f)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    outputs = run(["".join(c["source"]) for c in code], args)
    failed = 0
    for k, (cell, text) in enumerate(zip(code, outputs)):
        stored = "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        if args.update:
            cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": text.splitlines(True)}] if text else []
            cell["execution_count"] = k + 1
        elif stored != text:
            failed += 1
            print("cell {}: printed\n{}\nbut the notebook shows\n{}".format(k, text, stored))
    if args.update:
        with open(args.notebook, "w") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print("notebook: stored the output of {} cells".format(len(code)))
        return 0
    print("notebook: {} of {} cells print what the notebook shows".format(len(code) - failed, len(code)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
