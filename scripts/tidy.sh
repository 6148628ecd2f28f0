#!/usr/bin/env bash
# Runs clang-tidy (19: the first Debian clang that reads libstdc++ 12's std::expected) over the project's sources.
# Usage: scripts/tidy.sh [BUILD_DIR] [FILES...]   (BUILD_DIR must hold compile_commands.json)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}; shift || true
TIDY=$(command -v clang-tidy-19 || command -v clang-tidy)
files=("$@")
[ ${#files[@]} -gt 0 ] || mapfile -t files < <(git ls-files 'src/*.cc' 'apps/*.cc' 'bench/*.cc' 'tests/*.cc' 'fuzz/*.cc')
# The build's flags come from compile_commands.json; clang ignores the g++-only warning flags.
printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -n 4 "$TIDY" -p "$BUILD" --quiet \
  --extra-arg=-Wno-unknown-warning-option 2>/dev/null | grep -E "warning:|error:" | grep -v "^/usr/" | sort -u || true
