#!/usr/bin/env bash
# Installs every Debian package voltsim needs, starting from a minimal Debian 12.
# Idempotent: packages already present are skipped by apt.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake pkg-config git ca-certificates
  # C++ libraries
  libsystemc-dev libeigen3-dev libboost-program-options-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev
  # fuzzing (scripts/fuzz.sh, CI): clang with its libFuzzer and sanitizer runtimes
  clang libclang-rt-14-dev
  # code checks (scripts/check.sh, CI): formatting and the curated clang-tidy set
  clang-format-14 clang-tidy-14
  # Python side: trainer, plots, tests
  python3 python3-torch python3-numpy python3-matplotlib python3-pytest
  # scikit-learn ships the 8x8 digits of the README's own-model example (tools/data/digits.py)
  python3-sklearn
  # ONNX import (voltsim import onnx, tools/train/onnx_import.py): reading and checking the protobuf
  # file; the quantization and export are the trainer's own Python, so the Python binding fits best
  python3-onnx
  # the `import voltsim` module (python/, docs/python.md): Debian's pybind11 binds the C++ API,
  # python3-dev has the headers the module compiles against
  pybind11-dev python3-dev
  # torchvision's model definitions (no downloads): ResNet-18 in the ONNX import tests
  python3-torchvision
  # optimized BLAS for numpy and torch (Debian otherwise links the slow reference BLAS)
  libopenblas0-openmp
  # MPI (optional at configure time: cmake/VoltsimMpi.cmake): `mpirun -n N voltsim sweep`
  # (docs/cluster.md) and the CI test that runs it
  libopenmpi-dev openmpi-bin
  # data
  dataset-fashion-mnist
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
