# bash completion for scepgate and scepgate-agent (installed under both names in
# /usr/share/bash-completion/completions). It asks the binary being completed for its --help
# (CLI11's format) at each level of subcommands, so it offers whatever that binary accepts:
# subcommands, then options, with directory names after --dir and file names after other
# options that take a value. Needs nothing from the bash-completion package.

# _scepgate_help PROGRAM [SUBCOMMAND...]: one line per name: "S sub", "O --flag", "V --option"
# (an option that takes a value).
_scepgate_help() {
  "$@" --help 2>/dev/null | awk '
    /^[A-Za-z][^:]*:$/ { section = substr($0, 1, length($0) - 1); next }
    /^  [^ ]/ {
      if (section == "Subcommands") { print "S " $1; next }
      if (section != "Options") next
      kind = ($0 ~ /^  [^ ]+ [A-Z]/) ? "V" : "O"
      n = split($1, names, ",")
      for (i = 1; i <= n; i++) print kind " " names[i]
    }'
}

# _scepgate_has HELP LINE: HELP (from _scepgate_help) has LINE.
_scepgate_has() { [[ $'\n'$1$'\n' == *$'\n'"$2"$'\n'* ]]; }

_scepgate() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} prog=${COMP_WORDS[0]}
  local -a path=()
  local help i w kind
  COMPREPLY=()
  prog=${prog/#\~/$HOME}
  command -v "$prog" >/dev/null 2>&1 || return 0
  help=$(_scepgate_help "$prog")
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == -* ]]; then
      # The word after an option that takes a value is that value, not a subcommand.
      [[ $w != *=* ]] && _scepgate_has "$help" "V $w" && ((i++))
    elif _scepgate_has "$help" "S $w"; then
      path+=("$w")
      help=$(_scepgate_help "$prog" "${path[@]}")
    fi
  done

  if [[ $prev == -* ]] && _scepgate_has "$help" "V $prev"; then
    if [[ $prev == --dir ]]; then
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
    compopt -o filenames 2>/dev/null
    return 0
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(sed -n 's/^[OV] //p' <<<"$help")" -- "$cur")
    return 0
  fi
  kind=$(sed -n 's/^S //p' <<<"$help")
  if [[ -n $kind ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$kind" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    compopt -o filenames 2>/dev/null
  fi
  return 0
}

complete -F _scepgate scepgate scepgate-agent
