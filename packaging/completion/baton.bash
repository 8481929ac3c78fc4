# bash completion for baton: its commands and each command's flags, read
# from baton's own --help, so they are never out of date.

# The flags in a --help text: the names in the option column of its
# Options section (not the examples after it).
_baton_flags() {
  awk '/^Options:/ { on = 1; next } /^[^ ]/ { on = 0 }
       on && /^  +-/ { n = split($1, names, ","); for (i = 1; i <= n; i++) {
         name = names[i]; sub(/[{=].*/, "", name); if (name ~ /^--/) print name } }'
}

_baton_commands() {
  awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'
}

_baton() {
  local baton=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} command="" word i
  local commands
  commands=$("$baton" --help 2>/dev/null | _baton_commands)
  for ((i = 1; i < COMP_CWORD; i++)); do
    for word in $commands; do
      [[ ${COMP_WORDS[i]} == "$word" ]] && command=$word && break 2
    done
  done
  if [[ $cur == -* ]]; then
    # The command's flags, and baton's own (which may follow the command).
    local flags
    flags=$("$baton" --help 2>/dev/null | _baton_flags)
    [[ -n $command ]] && flags+=" $("$baton" "$command" --help 2>/dev/null | _baton_flags)"
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ -z $command ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _baton baton
