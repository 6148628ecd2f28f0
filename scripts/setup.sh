#!/usr/bin/env bash
# Installs every Debian package that scepgate's build, service and tests need.
# Safe to run again; skips apt when everything is already present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libssl-dev openssl
  libboost-dev libboost-system-dev
  libsqlite3-dev sqlite3
  libpq-dev postgresql nginx
  libp11-kit-dev softhsm2
  libtomlplusplus-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libcurl4-openssl-dev libxml2-dev socat libicu-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  scep certmonger strongswan-pki libstrongswan-extra-plugins
  dbus util-linux procps curl python3 iproute2
  prometheus
  dpkg-dev adduser man-db systemd  # make deb (dpkg-shlibdeps); the deb_package and cli_docs tests
)

missing=()
for p in "${packages[@]}"; do
  grep -q "install ok installed" <<<"$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
