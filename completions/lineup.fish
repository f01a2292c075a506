# fish completion for lineup. Installed as share/fish/vendor_completions.d/lineup.fish.
#
# Service and profile names come from `lineup config --format json`, run with
# the -f / --project-dir / --profile / --env-file options already typed.

set -l __lineup_commands check config plan up reload down ps logs start stop restart wait report export version

# Prints the names of one block of `config --format json`: services, inactive_services or profiles.
function __lineup_config_names
    set -l block $argv[1]
    set -l words (commandline -opc)
    set -l bin $words[1]
    set -l args
    set -l after_logs 0
    set -l i 2
    while test $i -le (count $words)
        set -l w $words[$i]
        set -l next ''
        if test $i -lt (count $words)
            set next $words[(math $i + 1)]
        end
        switch $w
            case logs
                set after_logs 1
            case -f
                if test $after_logs -eq 0
                    set -a args $w $next
                end
            case --file --project-dir --profile --env-file
                set -a args $w $next
            case '--file=*' '--project-dir=*' '--profile=*' '--env-file=*'
                set -a args $w
        end
        set i (math $i + 1)
    end
    command -q $bin; or test -x "$bin"; or set bin lineup
    $bin $args config --format json 2>/dev/null | awk -v block="$block" '
        $0 ~ "^  \"" block "\": [[{]$" { inside = 1; next }
        inside && /^  [^ ]/ { inside = 0 }
        inside && /^    "/ { s = $0; sub(/^    "/, "", s); sub(/".*/, "", s); print s }
    '
end

complete -c lineup -f

# Global options (also accepted after the command).
complete -c lineup -s h -l help -d 'Print help and exit'
complete -c lineup -s f -l file -r -F -n 'not __fish_seen_subcommand_from logs' -d 'Config file (repeatable)'
complete -c lineup -l file -r -F -n '__fish_seen_subcommand_from logs' -d 'Config file (repeatable)'
complete -c lineup -l project-dir -r -a '(__fish_complete_directories)' -d 'Project directory'
complete -c lineup -l profile -x -a '(__lineup_config_names profiles)' -d 'Environment profile'
complete -c lineup -l env-file -r -F -d 'Extra env file for interpolation'
complete -c lineup -s n -l namespace -x -d 'Only the services of this namespace'
complete -c lineup -l log-format -x -a 'text json' -d 'Format of the event output'
complete -c lineup -l no-color -d 'No colours'
complete -c lineup -s q -l quiet -d 'Less output'
complete -c lineup -s v -l verbose -d 'More detail'

# Commands.
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a check -d 'Validate the config; start nothing'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a config -d 'Print the resolved config'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a plan -d 'Show the startup plan'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a up -d 'Start the stack and supervise it'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a reload -d 'Apply the file to the running stack'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a down -d 'Stop a running stack in reverse order'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a ps -d 'State of every service'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a logs -d 'Output of services'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a start -d 'Start services of the running stack'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a stop -d 'Stop services of the running stack'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a restart -d 'Restart services of the running stack'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a wait -d 'Wait until every target is ready'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a report -d 'The last startup: timings, critical chain'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a export -d 'Write the stack for another engine'
complete -c lineup -n "not __fish_seen_subcommand_from $__lineup_commands" -a version -d 'Print the version'

# check
complete -c lineup -n '__fish_seen_subcommand_from check' -l strict -d 'Unknown keys are errors'
complete -c lineup -n '__fish_seen_subcommand_from check' -l format -x -a 'text json' -d 'Output format'
# config
complete -c lineup -n '__fish_seen_subcommand_from config' -l format -x -a 'yaml json' -d 'Output format'
# plan
complete -c lineup -n '__fish_seen_subcommand_from plan' -l format -x -a 'text json dot mermaid' -d 'Output format'
# up
complete -c lineup -n '__fish_seen_subcommand_from up' -s d -l detach -d 'Supervise in the background'
complete -c lineup -n '__fish_seen_subcommand_from up' -l wait -d 'Same as --detach'
complete -c lineup -n '__fish_seen_subcommand_from up' -l timeout -x -d 'Budget for the whole startup (e.g. 2m)'
complete -c lineup -n '__fish_seen_subcommand_from up' -a '(__lineup_config_names services; __lineup_config_names inactive_services)' -d Service
# up, reload
complete -c lineup -n '__fish_seen_subcommand_from up reload' -l force-restart -d 'Restart every wanted service, changed or not'
complete -c lineup -n '__fish_seen_subcommand_from up reload' -l force-recreate -d 'Same as --force-restart'
complete -c lineup -n '__fish_seen_subcommand_from up reload' -l no-restart -d 'Start new services only; leave changed ones'
complete -c lineup -n '__fish_seen_subcommand_from up reload' -l no-recreate -d 'Same as --no-restart'
complete -c lineup -n '__fish_seen_subcommand_from up reload' -l dry-run -d 'Print what would change; change nothing'
# down
complete -c lineup -n '__fish_seen_subcommand_from down' -l timeout -x -d 'One deadline for the whole stack'
complete -c lineup -n '__fish_seen_subcommand_from down' -l emergency -d 'SIGKILL every process group now'
# ps
complete -c lineup -n '__fish_seen_subcommand_from ps' -l format -x -a 'table json' -d 'Output format'
# logs
complete -c lineup -n '__fish_seen_subcommand_from logs' -s f -l follow -d 'Keep printing new output'
complete -c lineup -n '__fish_seen_subcommand_from logs' -l tail -x -d 'Only the last N lines of each service'
complete -c lineup -n '__fish_seen_subcommand_from logs' -s t -l timestamps -d 'Prefix each line with the time lineup read it'
complete -c lineup -n '__fish_seen_subcommand_from ps logs' -a '(__lineup_config_names services)' -d Service
# start, stop, restart
complete -c lineup -n '__fish_seen_subcommand_from start stop restart' -a '(__lineup_config_names services)' -d Service
# wait
complete -c lineup -n '__fish_seen_subcommand_from wait' -l timeout -x -d 'Give up after this long (default 60s)'
complete -c lineup -n '__fish_seen_subcommand_from wait' -l interval -x -d 'First pause between attempts (default 250ms)'
complete -c lineup -n '__fish_seen_subcommand_from wait' -a 'tcp:// http:// https:// ws:// wss:// postgres:// postgresql:// mysql:// mariadb:// redis:// file: exec:' -d Target
# report
complete -c lineup -n '__fish_seen_subcommand_from report' -l format -x -a 'text json svg html trace' -d 'Output format'
complete -c lineup -n '__fish_seen_subcommand_from report' -s o -l output -r -F -d 'Write to FILE'
# export
complete -c lineup -n '__fish_seen_subcommand_from export; and not __fish_seen_subcommand_from kubernetes systemd compose' -a 'kubernetes systemd compose' -d Engine
complete -c lineup -n '__fish_seen_subcommand_from export' -s o -l output -x -a '(__fish_complete_directories)' -d 'Directory to write the files to'
complete -c lineup -n '__fish_seen_subcommand_from export' -l image -x -a '(__lineup_config_names services | string replace -r \'$\' =)' -d 'SVC=IMAGE, or IMAGE for every service without one'
complete -c lineup -n '__fish_seen_subcommand_from export' -l wait-image -x -d 'Image of the init containers (lineup wait)'
complete -c lineup -n '__fish_seen_subcommand_from export' -l namespace -x -d 'Namespace of the objects (kubernetes)'
