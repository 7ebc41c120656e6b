#!/usr/bin/env bash
# Build the libFuzzer targets (clang-14, ASan + UBSan) in build-fuzz, replay each one's seed corpus,
# then fuzz each from a copy of its corpus for a share of FUZZ_SECONDS (default 90 in all):
# fuzz_ops three eighths, fuzz_create, fuzz_load, fuzz_interop and fuzz_export an eighth each.
# Corpora: tests/fuzz/corpus for fuzz_ops, tests/fuzz/corpus_<name> for fuzz_<name>.
# Usage: scripts/fuzz.sh [extra libFuzzer flags...]     e.g. FUZZ_SECONDS=600 scripts/fuzz.sh -jobs=2
#        FUZZ_TARGETS="fuzz_load" scripts/fuzz.sh       (a subset shares FUZZ_SECONDS by the same weights)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds=${FUZZ_SECONDS:-90}
read -r -a targets <<<"${FUZZ_TARGETS:-fuzz_ops fuzz_create fuzz_load fuzz_interop fuzz_export}"
corpus_of() { if [[ $1 == fuzz_ops ]]; then echo tests/fuzz/corpus; else echo "tests/fuzz/corpus_${1#fuzz_}"; fi; }
weight_of() { if [[ $1 == fuzz_ops ]]; then echo 3; else echo 1; fi; }
for t in "${targets[@]}"; do
  [[ -d $(corpus_of "$t") ]] || { echo "fuzz: unknown target '$t' (no $(corpus_of "$t"))" >&2; exit 2; }
done

CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
  -DXJAX_FUZZ=ON -DBUILD_SHARED_LIBS=OFF -DXJAX_BUILD_TESTS=OFF -DXJAX_BUILD_EXAMPLES=OFF
cmake --build build-fuzz -j2 --target "${targets[@]}"

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
limits=(-timeout=10 -rss_limit_mb=2048)
# Inputs up to 256 bytes; exported programs need more (the seeds are 164 to 723 bytes).
max_len_of() { if [[ $1 == fuzz_export ]]; then echo 1024; else echo 256; fi; }

# Replay: every seed must run clean.
for t in "${targets[@]}"; do
  ./build-fuzz/"$t" "${limits[@]}" -max_len="$(max_len_of "$t")" -runs=0 "$(corpus_of "$t")"
done

# Fuzz from copies, so the repository's corpora only change on purpose (see tests/fuzz/README.md).
# Every target gets its time even if an earlier one fails; the run fails at the end.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/artifacts"
total_weight=0
for t in "${targets[@]}"; do total_weight=$((total_weight + $(weight_of "$t"))); done
failed=()
left=$seconds
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  if ((i == ${#targets[@]} - 1)); then share=$left; else share=$((seconds * $(weight_of "$t") / total_weight)); fi
  ((share >= 1)) || share=1
  left=$((left - share))
  cp -r "$(corpus_of "$t")" "$work/corpus_$t"
  echo "fuzz: $t for ${share} s" >&2
  if ! ./build-fuzz/"$t" "${limits[@]}" -max_len="$(max_len_of "$t")" -max_total_time="$share" -print_final_stats=1 \
       -artifact_prefix="$work/artifacts/$t-" "$@" "$work/corpus_$t"; then
    failed+=("$t")
  fi
done
if ((${#failed[@]})); then
  mkdir -p build-fuzz/artifacts
  cp "$work"/artifacts/* build-fuzz/artifacts/ 2>/dev/null || true
  echo "fuzz: ${failed[*]} failed; failing inputs copied to build-fuzz/artifacts/ as <target>-crash-<hash>" \
       "(replay one: ./build-fuzz/<target> build-fuzz/artifacts/<file>)" >&2
  exit 1
fi
