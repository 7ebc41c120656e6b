#!/usr/bin/env python3
"""Checks that a built libxjax holds AVX/AVX-512 (or BMI, FMA, MOVBE) code only in the kernels compiled
per instruction set: every function using such instructions must belong to the namespaces
xjax::kernels::avx2 / ::avx512 or be an xsimd template for those architectures. A function outside
them (for example an inline standard-library function that the linker took from a kernel file) would
stop a CPU without those instructions with SIGILL.

usage: check_isa_confinement.py LIBRARY [--objdump PATH]
"""
import re
import subprocess
import sys

ALLOWED = ("kernels::avx2::", "kernels::avx512::", "xsimd::avx2", "xsimd::avx512", "xsimd::fma3")
# AVX and later are VEX/EVEX-encoded (mnemonics starting with v, or mask registers); BMI1/2, MOVBE
# and LZCNT come with x86-64-v3 too.
BEYOND_V2 = re.compile(r"^(v\w+|k\w+|andn|bextr|blsi|blsmsk|blsr|bzhi|mulx|pdep|pext|rorx|sarx|shlx|shrx|"
                       r"tzcnt|lzcnt|movbe)\b")
WIDE_REG = re.compile(r"%[yz]mm\d+|%k[0-7]\b")


def main():
    args = sys.argv[1:]
    objdump = "objdump"
    if "--objdump" in args:
        i = args.index("--objdump")
        objdump = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = subprocess.run([objdump, "-d", "-C", "--no-show-raw-insn", args[0]], check=True,
                         capture_output=True, text=True).stdout
    func, bad, checked = None, {}, 0
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if m:
            func = m.group(1)
            checked += 1
            continue
        parts = line.split("\t")
        if func is None or len(parts) < 2:
            continue
        insn = parts[-1].strip()
        if (BEYOND_V2.match(insn) or WIDE_REG.search(insn)) and not any(a in func for a in ALLOWED):
            bad.setdefault(func, insn)
    if bad:
        print(f"{len(bad)} function(s) outside the per-instruction-set kernels use instructions beyond x86-64-v2:")
        for f, insn in sorted(bad.items())[:40]:
            print(f"  {f}\n      e.g. {insn}")
        return 1
    print(f"ok: {checked} functions; AVX/AVX-512 code only in the per-instruction-set kernels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
