# bash completion for lineup.
# Installed as share/bash-completion/completions/lineup; or: source completions/lineup.bash
#
# Service and profile names come from `lineup config --format json`, run with
# the -f / --project-dir / --profile / --env-file options already typed.

_lineup_commands="check config plan up reload down ps logs start stop restart wait report export version"
_lineup_global_opts="-f --file --project-dir --profile --env-file -n --namespace --log-format --no-color -q --quiet -v --verbose -h --help"

# Prints the `config --format json` names of one block: services, inactive_services or profiles.
_lineup_config_names() {
  local block=$1 bin=${COMP_WORDS[0]} i w
  local -a args=()
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    w=${COMP_WORDS[i]}
    # After `logs`, -f is --follow.
    [ "$w" = -f ] && [ "${_lineup_cmd-}" = logs ] && [ "$i" -gt "${_lineup_cmd_i:-0}" ] && continue
    case $w in
      -f | --file | --project-dir | --profile | --env-file)
        args+=("$w" "${COMP_WORDS[i + 1]}")
        ;;
      --file=* | --project-dir=* | --profile=* | --env-file=*)
        args+=("$w")
        ;;
    esac
  done
  # A leading ~ in an option value is not expanded in COMP_WORDS.
  args=("${args[@]/#\~/$HOME}")
  command -v "${bin/#\~/$HOME}" >/dev/null 2>&1 || bin=lineup
  "${bin/#\~/$HOME}" "${args[@]}" config --format json 2>/dev/null | awk -v block="$block" '
    $0 ~ "^  \"" block "\": [[{]$" { inside = 1; next }
    inside && /^  [^ ]/ { inside = 0 }
    inside && /^    "/ { s = $0; sub(/^    "/, "", s); sub(/".*/, "", s); print s }
  '
}

_lineup() {
  local cur prev cmd="" i w
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  _lineup_cmd= _lineup_cmd_i=0

  # The command is the first word that is neither an option nor an option's value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case $w in
      -f | --file | --project-dir | --profile | --env-file | -n | --namespace | --log-format) ((i++)) ;;
      -*) ;;
      *)
        cmd=$w
        _lineup_cmd=$w _lineup_cmd_i=$i
        break
        ;;
    esac
  done
  # After `logs`, -f is --follow, not --file.
  [ "$cmd" = logs ] && [ "$prev" = -f ] && prev=--follow

  # Values of options.
  case $prev in
    -f | --file | --env-file)
      COMPREPLY=($(compgen -f -- "$cur"))
      compopt -o filenames 2>/dev/null
      return
      ;;
    --project-dir)
      COMPREPLY=($(compgen -d -- "$cur"))
      compopt -o filenames 2>/dev/null
      return
      ;;
    --profile)
      COMPREPLY=($(compgen -W "$(_lineup_config_names profiles)" -- "$cur"))
      return
      ;;
    --log-format)
      COMPREPLY=($(compgen -W "text json" -- "$cur"))
      return
      ;;
    --format)
      local formats=""
      case $cmd in
        check) formats="text json" ;;
        config) formats="yaml json" ;;
        plan) formats="text json dot mermaid" ;;
        ps) formats="table json" ;;
        report) formats="text json svg html trace" ;;
      esac
      COMPREPLY=($(compgen -W "$formats" -- "$cur"))
      return
      ;;
    -o | --output)
      case $cmd in
        report) COMPREPLY=($(compgen -f -- "$cur")) && compopt -o filenames 2>/dev/null ;;
        export) COMPREPLY=($(compgen -d -- "$cur")) && compopt -o filenames 2>/dev/null ;;
      esac
      return
      ;;
    --image)
      # SVC=IMAGE: the service names, each with its `=`.
      if [[ $cur != *=* ]]; then
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -S = -W "$(_lineup_config_names services)" -- "$cur"))
      fi
      return
      ;;
    --timeout | --interval | --tail | --wait-image | --namespace)
      return
      ;;
  esac

  if [ -z "$cmd" ]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$_lineup_global_opts" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$_lineup_commands" -- "$cur"))
    fi
    return
  fi

  local opts=""
  case $cmd in
    check) opts="--strict --format" ;;
    config) opts="--format" ;;
    plan) opts="--format" ;;
    up) opts="-d --detach --wait --timeout --force-restart --force-recreate --no-restart --no-recreate --dry-run" ;;
    reload) opts="--force-restart --force-recreate --no-restart --no-recreate --dry-run" ;;
    down) opts="--timeout --emergency" ;;
    ps) opts="--format" ;;
    logs) opts="-f --follow --tail -t --timestamps" ;;
    start | stop | restart) opts="" ;;
    wait) opts="--timeout --interval" ;;
    report) opts="--format -o --output" ;;
    export) opts="-o --output --image --wait-image --namespace" ;;
    version) opts="" ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts $_lineup_global_opts" -- "$cur"))
    return
  fi

  case $cmd in
    up)
      COMPREPLY=($(compgen -W "$(_lineup_config_names services) $(_lineup_config_names inactive_services)" -- "$cur"))
      ;;
    ps | logs | start | stop | restart)
      COMPREPLY=($(compgen -W "$(_lineup_config_names services)" -- "$cur"))
      ;;
    export)
      # The engine, once.
      local engine="" j
      for ((j = _lineup_cmd_i + 1; j < COMP_CWORD; j++)); do
        case ${COMP_WORDS[j]} in
          -o | --output | --image | --wait-image | --namespace | -f | --file | --project-dir | --profile | --env-file | --log-format) ((j++)) ;;
          -*) ;;
          *) engine=${COMP_WORDS[j]} ;;
        esac
      done
      [ -z "$engine" ] && COMPREPLY=($(compgen -W "kubernetes systemd compose" -- "$cur"))
      ;;
    wait)
      compopt -o nospace 2>/dev/null
      COMPREPLY=($(compgen -W "tcp:// http:// https:// ws:// wss:// postgres:// postgresql:// mysql:// mariadb:// redis:// file: exec:" -- "$cur"))
      ;;
  esac
}

complete -F _lineup lineup
