#!/usr/bin/env bash
# Install the Debian 12 packages needed to build xjax. Idempotent: only the
# missing packages are installed, and apt-get update runs only if needed.
set -euo pipefail

packages=(
  g++
  cmake
  make
  libxtensor-dev
  xtl-dev
  libxsimd-dev
  libboost-dev
  doctest-dev
  libopenblas-dev
  libdnnl-dev         # oneDNN: float32 matrix products where it is faster than OpenBLAS
  libopenblas0-openmp # OpenBLAS on OpenMP, oneDNN's threads (docs/threads.md)
  libkissfft-dev   # src/kernels/fft.cpp: the header-only kissfft<T> template
  llvm-16-dev      # jit's native tier (LLVM ORC); without it jit runs on its interpreter tier
  zlib1g-dev
  python3          # scripts/notebook.py
  clang-tools-16   # clang-repl: the notebook test where xjax-kernel is not built
  xeus-dev               # xjax-kernel, the Jupyter kernel (the Jupyter protocol)
  libclang-16-dev        # xjax-kernel: clang::Interpreter, the incremental C++ compiler
  libclang-cpp16-dev     # xjax-kernel: libclang-cpp.so, the library clang::Interpreter is in
  python3-nbclient       # the notebook tests: notebooks executed through xjax-kernel
  python3-jupyter-client # the kernel's protocol test
  libopenmpi-dev   # xjax::distributed (optional component, built when MPI is found)
  openmpi-bin      # mpirun for the distributed tests
  clang-14            # scripts/fuzz.sh: the libFuzzer build (XJAX_FUZZ)
  libclang-rt-14-dev  # libFuzzer and the sanitizer runtimes for clang-14
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all packages already installed"
  exit 0
fi

echo "install-deps: installing: ${missing[*]}"

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-deps: not root and sudo not available; install manually: ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
