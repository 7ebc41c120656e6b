#!/usr/bin/env bash
# Compile time of a hello world that includes <xjax/xjax.hpp>, without and with the header
# precompiled (what xjax::pch does), and of the standard library alone for scale.
#   bench/compile_time.sh [runs]        (default 8 runs each; prints min / median / max wall seconds)
set -euo pipefail
runs=${1:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cxx=${CXX:-g++}
flags=(-std=c++20 -O3)
cat > "$tmp/hello.cpp" <<'CPP'
#include <xjax/xjax.hpp>
#include <iostream>
int main() { std::cout << xjax::array({1.0f, 2.0f, 3.0f}) * 2.0 << "\n"; }
CPP
printf '#include <iostream>\nint main() { std::cout << 1 << "\\n"; }\n' > "$tmp/std.cpp"
mkdir -p "$tmp/pch/xjax"
"$cxx" "${flags[@]}" -I"$root/include" -x c++-header "$root/include/xjax/xjax.hpp" -o "$tmp/pch/xjax/xjax.hpp.gch" 2>/dev/null
time_of() {  # runs the command $runs times, prints min / median / max wall seconds
  local t=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N)
    t+=("$(echo "$e - $s" | bc)")
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f / %.2f / %.2f s\n", a[1], a[int((NR+1)/2)], a[NR]}'
}
echo "standard library alone:  $(time_of "$cxx" "${flags[@]}" -c "$tmp/std.cpp" -o "$tmp/o.o")"
echo "<xjax/xjax.hpp>:         $(time_of "$cxx" "${flags[@]}" -I"$root/include" -c "$tmp/hello.cpp" -o "$tmp/o.o")"
echo "precompiled (xjax::pch): $(time_of "$cxx" "${flags[@]}" -Winvalid-pch -I"$tmp/pch" -I"$root/include" -c "$tmp/hello.cpp" -o "$tmp/o.o")"
