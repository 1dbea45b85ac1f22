#!/usr/bin/env bash
# Installs every Debian 12 package meshsec needs (only what is missing) and builds it.
#   scripts/setup.sh            release build in build/
#   scripts/setup.sh --sanitize ASan+UBSan build in build-asan/
#   scripts/setup.sh --fuzz     libFuzzer targets (clang-14) in build-fuzz/
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
  gnuplot-nox
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
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null ;;
  --sanitize)
    dir=build-asan
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMESHSEC_SANITIZE=ON "${launcher[@]}" >/dev/null ;;
  --fuzz)
    dir=build-fuzz
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMESHSEC_FUZZ=ON -DMESHSEC_TESTS=OFF -DMESHSEC_CLI=OFF -DMESHSEC_WERROR=OFF \
      -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" >/dev/null ;;
  *) echo "usage: $0 [--sanitize|--fuzz]" >&2; exit 2 ;;
esac
echo "== building in $dir"
cmake --build "$dir" --parallel "$(nproc)"
