#!/usr/bin/env bash
# Keeps the man pages and the bash completion honest as the CLI changes: every subcommand that
# `scepgate --help` lists (and `scepgate ca --help`, and so on down) must have its subsection in
# scepgate(1) with each of its long options, and the completion must offer it, and its options;
# likewise for scepgate-agent. The man pages must render without groff warnings.
#
# usage: cli_docs_test.sh SCEPGATE SCEPGATE_AGENT MAN_DIR COMPLETION_SCRIPT
# (MAN_DIR holds the built scepgate.1.gz and scepgate-agent.1.gz.)
set -euo pipefail
SCEPGATE=$(realpath "$1")
AGENT=$(realpath "$2")
MAN_DIR=$3
COMPLETION=$4
WORK=$(mktemp -d /tmp/scepgate-docs-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# section NAME HELP: the first words of the entries of the section NAME: of a CLI11 --help.
section() {
  awk -v want="$1:" '/^[A-Za-z][^:]*:$/ { on = ($0 == want); next } on && /^  [^ ]/ { print $1 }' <<<"$2"
}
# long_options HELP: every --name the Options: section lists (but --help).
long_options() { section Options "$1" | tr ',' '\n' | grep '^--' | grep -vx -- --help || true; }

# complete PROGRAM WORDS...: what the completion offers for the last word.
complete_words() {
  local prog=$1
  shift
  PROG=$prog COMPLETION=$COMPLETION bash -c 'source "$COMPLETION"
    COMP_WORDS=("$PROG" "$@"); COMP_CWORD=$#; _scepgate; printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}

checked=0
# check PROGRAM NAME PAGE PATH...: the subcommand PATH of PROGRAM, then its subcommands.
check() {
  local prog=$1 name=$2 page=$3
  shift 3
  local help subs offered opt
  help=$("$prog" "$@" --help)
  if [ $# -gt 0 ]; then
    grep -qF ".SS \"$name $*\"" "$page" || fail "$name $* has no subsection in $name(1)"
    offered=$(complete_words "$prog" "$@" --)
    for opt in $(long_options "$help"); do
      grep -qF -- "${opt//-/\\-}" "$page" || fail "$name(1) does not name $name $* $opt"
      grep -qxF -- "$opt" <<<"$offered" || fail "the completion of '$name $* --' lacks $opt"
    done
    checked=$((checked + 1))
  fi
  subs=$(section Subcommands "$help")
  [ -n "$subs" ] || return 0
  offered=$(complete_words "$prog" "$@" "")
  local sub
  for sub in $subs; do
    grep -qxF "$sub" <<<"$offered" || fail "the completion of '$name $*' lacks $sub (offers: $offered)"
  done
  for sub in $subs; do check "$prog" "$name" "$page" "$@" "$sub"; done
}

# Values listed as a|b|c in an option's description are offered after it.
offered=$(complete_words "$SCEPGATE" cert revoke --reason "")
grep -qxF keyCompromise <<<"$offered" || fail "the completion of 'scepgate cert revoke --reason' offers: $offered"
offered=$(complete_words "$SCEPGATE" init --dir "")
! grep -q -- '^-' <<<"$offered" || fail "the completion of '--dir' offers options: $offered"

for pair in "$SCEPGATE:scepgate" "$AGENT:scepgate-agent"; do
  prog=${pair%%:*} name=${pair##*:}
  [ -f "$MAN_DIR/$name.1.gz" ] || fail "$MAN_DIR/$name.1.gz is not built (target scepgate-man)"
  zcat "$MAN_DIR/$name.1.gz" >"$WORK/$name.1"
  before=$checked
  check "$prog" "$name" "$WORK/$name.1"
  [ $((checked - before)) -gt 1 ] || fail "no subcommands found for $name"
  if command -v man >/dev/null; then
    warnings=$(MANWIDTH=100 man --warnings -l "$WORK/$name.1" 2>&1 >/dev/null || true)
    [ -z "$warnings" ] || fail "man $name warns: $warnings"
  fi
  pass "$name: $((checked - before)) subcommands in the man page and the completion"
done
