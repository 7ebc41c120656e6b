#!/usr/bin/env bash
# Build the libFuzzer target (clang-14, ASan + UBSan) in build-fuzz, replay the seed corpus
# tests/fuzz/corpus, then fuzz for FUZZ_SECONDS (default 90) from a copy of the corpus.
# Usage: scripts/fuzz.sh [extra libFuzzer flags...]     e.g. FUZZ_SECONDS=600 scripts/fuzz.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${FUZZ_SECONDS:-90}
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
  -DXJAX_FUZZ=ON -DBUILD_SHARED_LIBS=OFF -DXJAX_BUILD_TESTS=OFF -DXJAX_BUILD_EXAMPLES=OFF
cmake --build build-fuzz -j2 --target fuzz_ops

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
limits=(-timeout=10 -rss_limit_mb=2048 -max_len=256)

# Replay: every seed must run clean.
./build-fuzz/fuzz_ops "${limits[@]}" -runs=0 tests/fuzz/corpus

# Fuzz from a copy, so the repository's corpus only changes on purpose (see tests/fuzz/README.md).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r tests/fuzz/corpus "$work/corpus"
mkdir -p "$work/artifacts"
if ! ./build-fuzz/fuzz_ops "${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 \
     -artifact_prefix="$work/artifacts/" "$@" "$work/corpus"; then
  mkdir -p build-fuzz/artifacts
  cp "$work"/artifacts/* build-fuzz/artifacts/ 2>/dev/null || true
  echo "fuzz: failing inputs copied to build-fuzz/artifacts/ (replay one: ./build-fuzz/fuzz_ops <file>)" >&2
  exit 1
fi
