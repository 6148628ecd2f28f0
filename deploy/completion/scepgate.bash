# bash completion for scepgate and scepgate-agent (installed under both names in
# /usr/share/bash-completion/completions). It asks the binary being completed for its --help
# (CLI11's format) at each level of subcommands, so it offers whatever that binary accepts:
# subcommands, then options, with directory names after --dir and file names after other
# options that take a value. Needs nothing from the bash-completion package.

# _scepgate_help PROGRAM [SUBCOMMAND...]: one line per name: "S sub", "O --flag", "V --option"
# (an option that takes a value), and "E --option a b c" when its description starts with its
# values as a|b|c, or gives them so after a word ending in a colon ("key type: rsa|ec"); values
# with a colon are left out (bash splits words there).
_scepgate_help() {
  "$@" --help 2>/dev/null | awk '
    function values(desc,   n, w, i, v, prev) {
      n = split(desc, w, /[ \t]+/)
      prev = ":"
      for (i = 1; i <= n; i++) {
        if (w[i] == "") continue
        v = w[i]
        sub(/[,;.)]+$/, "", v)
        if (prev ~ /:$/ && v ~ /^[A-Za-z0-9._-]+(\|[A-Za-z0-9._-]+)+$/) { gsub(/\|/, " ", v); return v }
        prev = w[i]
      }
      return ""
    }
    function enum(desc,   v) {
      if (pending == "") return
      v = values(desc)
      if (v != "") for (i2 = 1; i2 <= pn; i2++) print "E " pnames[i2] " " v
      pending = ""
    }
    /^[A-Za-z][^:]*:$/ { pending = ""; section = substr($0, 1, length($0) - 1); next }
    /^  [^ ]/ {
      pending = ""
      if (section == "Subcommands") { print "S " $1; next }
      if (section != "Options") next
      kind = ($0 ~ /^  [^ ]+ [A-Z]/) ? "V" : "O"
      pn = split($1, pnames, ",")
      for (i = 1; i <= pn; i++) print kind " " pnames[i]
      if (kind == "V") { pending = 1; if (length($0) > 30) enum(substr($0, 31)) }
      next
    }
    /^   / { enum($0); next }'
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
    kind=$(sed -n "s/^E $prev //p" <<<"$help")
    if [[ -n $kind ]]; then
      mapfile -t COMPREPLY < <(compgen -W "$kind" -- "$cur")
    elif [[ $prev == --dir ]]; then
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
