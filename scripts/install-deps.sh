#!/usr/bin/env bash
# Installs everything Shelfmark needs to build, run and test on Debian 12.
# Idempotent: when every package is already present it returns in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  build-essential cmake ninja-build ccache pkg-config gettext clang lld libclang-rt-14-dev
  librestinio-dev libasio-dev libssl-dev
  libboost1.81-dev libboost-locale1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev postgresql
  libxapian-dev libopencc-dev libicu-dev libyaz-dev yaz libsodium-dev
  nlohmann-json3-dev libfmt-dev libspdlog-dev libcli11-dev libkainjow-mustache-dev
  libpng-dev libjpeg-dev libturbojpeg0-dev libcurl4-openssl-dev python3-aiosmtpd
  libgtest-dev libgmock-dev libbenchmark-dev
  libqrencode-dev  # QR codes on study room admission cards, as inline SVG (docs/study-room.md)
  tzdata curl procps openssl
  chromium fonts-noto-cjk wrk nginx-light python3
  idzebra-2.0  # the search benchmark's comparison engine (zebraidx, zebrasrv)
)
# Node.js may already come from another source (it does on our build machines); only ask Debian when absent.
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -o DPkg::Lock::Timeout=600 -qq
  # Never libboost-all-dev / libboost-dev: they pull Boost 1.74 and remove the 1.81 dev packages.
  $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}"
  # Debian's nginx package may start the system's nginx service. We leave it alone: the project never stops
  # a process it did not start (that could be someone's production web server). The benchmark starts its
  # own nginx on a free loopback port and stops it by process id.
fi

# Browser-test packages (playwright-core, axe-core), pinned by package-lock.json; never downloads a browser.
if [ -f tests/browser/package.json ]; then
  if [ ! -d tests/browser/node_modules/playwright-core ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
