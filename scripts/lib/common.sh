# shellcheck shell=bash
# Helpers the test, soak and benchmark scripts share. Source it (bash only); it defines
# functions and two variables and runs nothing:
#
#   ok TEXT / fail TEXT / fatal TEXT   a check's result line; fail counts into $failures,
#                                      fatal also exits 1
#   free_port                          a free loopback TCP port, never one handed out before
#   scrub_inventory_environment        unsets what would leak a caller's servers or settings in
#   descendants PID                    the PIDs below PID in the process tree, one a line
#   read_process_tree                  fills CHILDREN[PPID]="PID PID …" from /proc

failures=${failures:-0}

ok() { printf 'ok   - %s\n' "$*"; }
fail() {
    printf 'FAIL - %s\n' "$*" >&2
    failures=$((failures + 1))
}
# Stops here: later checks make no sense without this one.
fatal() {
    fail "$*"
    exit 1
}

# A free TCP port between 20000 and 29999 that this script has not handed out already
# (a port is only reserved once something listens on it).
_chosen_ports=" "
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 10000))
        [[ $_chosen_ports == *" $port "* ]] && continue
        [ -z "$(ss -Hltn "sport = :$port")" ] || continue
        _chosen_ports="$_chosen_ports$port "
        printf '%s' "$port"
        return
    done
}

# Unsets the inventory (SERVERn_*, SERVERS_FILE), the database (DATABASE_URL, PG*), basic
# auth, log and spool settings the caller's shell may hold: a test stack sets its own.
scrub_inventory_environment() {
    local name
    while IFS= read -r name; do unset "$name"; done < <(env | sed -n \
        's/^\(SERVER[0-9][0-9]*_[A-Z_]*\)=.*/\1/p; s/^\(BASIC_AUTH_[A-Z]*\|SERVERS_FILE\|DATABASE_URL\|PG[A-Z]*\|LOG_[A-Z]*\|SPOOL_[A-Z]*\)=.*/\1/p')
}

# CHILDREN[PPID] = the space-separated PIDs whose parent is PPID, read from /proc now.
declare -gA CHILDREN=()
read_process_tree() {
    local stat rest ppid pid
    CHILDREN=()
    for stat in /proc/[0-9]*/stat; do
        { read -r rest <"$stat"; } 2>/dev/null || continue
        pid=${stat#/proc/}
        pid=${pid%/stat}
        rest=${rest##*) }
        read -r _ ppid _ <<<"$rest"
        CHILDREN[$ppid]="${CHILDREN[$ppid]:-} $pid"
    done
}

# Every descendant of PID $1, one a line.
descendants() {
    local queue=$1 next pid
    read_process_tree
    while [ -n "$queue" ]; do
        next=''
        for pid in $queue; do
            if [ -n "${CHILDREN[$pid]:-}" ]; then
                # shellcheck disable=SC2086 # a space-separated list of PIDs
                printf '%s\n' ${CHILDREN[$pid]}
                next="$next ${CHILDREN[$pid]}"
            fi
        done
        queue=$next
    done
}
