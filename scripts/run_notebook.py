#!/usr/bin/env python3
"""Executes a notebook through a Jupyter kernel (nbclient) and compares every cell's outputs with the
ones stored in it: stream text, error names and values, and each display's mime types and text.

    scripts/run_notebook.py NOTEBOOK [--kernel xjax] (--check | --update)

--check exits 1 on the first difference; --update stores what the kernel produced. The kernelspec is
found through JUPYTER_PATH (the build tree's share/jupyter for the tests).
"""
import argparse
import sys

import nbclient
import nbformat


def normalise(outputs):
    """Outputs as comparable tuples: consecutive streams of one name are joined (a kernel may send
    a cell's text in several messages); images are compared by mime type only."""
    out = []
    for o in outputs:
        kind = o["output_type"]
        if kind == "stream":
            if out and out[-1][0] == "stream" and out[-1][1] == o["name"]:
                out[-1] = ("stream", o["name"], out[-1][2] + o["text"])
            else:
                out.append(("stream", o["name"], o["text"]))
        elif kind == "error":
            out.append(("error", o["ename"], o["evalue"]))
        else:
            data = o.get("data", {})
            texts = tuple(sorted((k, v if isinstance(v, str) else "".join(v)) for k, v in data.items()
                                 if k.startswith("text/") and k != "text/html"))
            out.append((kind, tuple(sorted(data.keys())), texts))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--kernel", default="xjax")
    parser.add_argument("--timeout", type=int, default=600)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--update", action="store_true")
    args = parser.parse_args()

    stored = nbformat.read(args.notebook, as_version=4)
    executed = nbformat.read(args.notebook, as_version=4)
    client = nbclient.NotebookClient(executed, kernel_name=args.kernel, timeout=args.timeout,
                                     allow_errors=True, record_timing=False)
    client.execute()

    if args.update:
        nbformat.write(executed, args.notebook)
        print("notebook: stored the outputs of", args.notebook)
        return 0
    for k, (want, got) in enumerate(zip(stored.cells, executed.cells)):
        if want.cell_type != "code":
            continue
        w, g = normalise(want.get("outputs", [])), normalise(got.get("outputs", []))
        if w != g:
            sys.stderr.write("notebook: cell {} differs\n--- source:\n{}\n--- stored:\n{}\n--- got:\n{}\n".format(
                k, want.source, w, g))
            return 1
    print("notebook: every cell of", args.notebook, "shows its stored outputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
