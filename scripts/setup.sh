#!/usr/bin/env bash
# Installs every Debian 12 package meshsec needs (only what is missing) and builds it.
#   scripts/setup.sh            release build in build/
#   scripts/setup.sh --sanitize clang-14 ASan+UBSan build in build-asan/, with the libFuzzer targets
# Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libssl-dev openssl
  libcli11-dev nlohmann-json3-dev libspdlog-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  softhsm2 libsofthsm2 opensc libp11-kit-dev
  libsqlite3-dev sqlite3
  python3 python3-cryptography-vectors
  clang-14 libclang-rt-14-dev llvm-14
  gnuplot-nox libisal-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "== installing: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

mode="${1:-release}"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
case "$mode" in
  release|"")
    dir=build
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
      "${launcher[@]}" >/dev/null ;;
  --sanitize)
    # One clang-14 build serves both the ASan+UBSan test suite and the libFuzzer targets
    # (every object instrumented for both), so CI compiles the tree twice, not three times.
    dir=build-asan
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize \
      -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -gline-tables-only" -DCMAKE_C_FLAGS_SANITIZE="-O1 -gline-tables-only" \
      -DMESHSEC_SANITIZE=ON -DMESHSEC_FUZZ=ON -DMESHSEC_WERROR=OFF \
      -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" >/dev/null ;;
  *) echo "usage: $0 [--sanitize]" >&2; exit 2 ;;
esac
echo "== building in $dir"
cmake --build "$dir" --parallel "$(nproc)"
