#!/bin/sh
# Server Dashboard probe, output format version 1 (docs/probe-format.md).
#
# The collector pipes this file to `sh -s` on a monitored host (or runs it
# locally) and parses what it prints. It is POSIX sh and must behave the same
# under dash, bash and BusyBox ash, with GNU or BusyBox tools: no bash, procps,
# GNU-only flags, python or perl. It reads /proc where it can (the figures do
# not depend on the locale), writes no files, leaves no process behind, and
# takes about 0.6 s: a 0.5 s sampling window for CPU and disk figures, then the
# home-directory scan, which is cut off after SD_PROBE_HOME_SECONDS (2 s).
#
# Each section is printed by its own function. A source that cannot be read
# gets an `error=<reason>` line in its section and the probe carries on
# (hence no `set -eu` here). Nothing below may print a line starting with
# `@@sd:` except the markers.

LC_ALL=C
export LC_ALL

# Seconds the home-directory scan may take; 0 skips it. The collector may set
# it by prepending `SD_PROBE_HOME_SECONDS=N` to this script.
home_seconds=${SD_PROBE_HOME_SECONDS:-2}

nl='
'

# ---------------------------------------------------------------------------
# awk helpers shared by the process samples. Files are read with getline,
# which returns -1 instead of aborting when a process has vanished meanwhile.
# Integers go through "%.0f": mawk prints integers above 2^31 as 3e+09 and
# BusyBox awk's %d overflows.
awk_lib='
function slurp(f,   l, n, s) {
    s = ""; n = 0
    while ((getline l < f) > 0) s = (n++ ? s "\n" l : l)
    close(f)
    return s
}
# Splits one /proc/PID/stat text. The command name sits between the first
# "(" and the last ")" and may hold spaces, parentheses or newlines.
function parse_stat(s,   open, n) {
    open = index(s, "(")
    if (open < 2 || !match(s, /\)[^)]*$/)) return 0
    ST_comm = substr(s, open + 1, RSTART - open - 1)
    n = split(substr(s, RSTART + 1), ST, " ")
    if (n < 20) return 0
    ST_ppid = ST[2]
    ST_ticks = ST[12] + ST[13]
    ST_start = ST[20]
    return 1
}
# Lines "PREFIX NAME SECTORS_READ SECTORS_WRITTEN" (fields 6 and 10 of
# /proc/diskstats) for each whole block device named in -v disks (names from
# /sys/block, where "!" stands for "/"), at most 256; "-" when /proc/diskstats
# cannot be read.
function disk_rows(prefix,   l, f, i, n, rows, r, t) {
    n = split(disks, f, " ")
    for (i = 1; i <= n; i++) { gsub(/!/, "/", f[i]); WHOLE[f[i]] = 1 }
    rows = 0; t = ""
    while ((r = (getline l < "/proc/diskstats")) > 0)
        if (split(l, f, " ") >= 14 && (f[3] in WHOLE) && rows++ < 256)
            t = t prefix f[3] " " f[6] " " f[10] "\n"
    close("/proc/diskstats")
    return r < 0 ? "-" : t
}
# The first figure of /proc/uptime, "" when it cannot be read.
function uptime(   l, f) {
    l = ""
    getline l < "/proc/uptime"
    close("/proc/uptime")
    split(l, f, " ")
    return f[1]
}
'

# Sample A: "p PID STARTTIME TICKS" per process, then "s <cpu line>", then
# "u <uptime>", "d <disk row>" per whole block device and "k" when
# /proc/diskstats was read. /proc/stat, /proc/uptime and /proc/diskstats are
# read last so that the window holds as little of our own work as possible.
awk_sample_a='
BEGIN {
    for (i = 1; i < ARGC; i++)
        if (parse_stat(slurp(ARGV[i] "/stat")))
            printf "p %s %s %.0f\n", ARGV[i], ST_start, ST_ticks
    while ((getline l < "/proc/stat") > 0)
        if (l ~ /^cpu /) { print "s " l; break }
    close("/proc/stat")
    print "u " uptime()
    t = disk_rows("d ")
    if (t != "-") printf "%sk\n", t
    exit
}
'

# Sample B, read on stdin: sample A. Prints the cpu, diskio, processes and
# users sections. Arguments: the PIDs under /proc; -v self=PID of this probe,
# whose own processes are left out of the users rows; -v disks, disks_more and
# sysblock from block_devices.
awk_sample_b='
function cpu_total(line,   f, n, i, t) {
    n = split(line, f, " ")
    t = 0
    for (i = 2; i <= n && i <= 9; i++) t += f[i]
    return t
}
# Whether pid is this probe or one of its descendants.
function is_probe(p,   k) {
    for (k = 0; k < 64 && (p in PPID); k++) {
        if (p == self) return 1
        p = PPID[p]
    }
    return p == self
}
# Keeps pid among the ten with the most ticks d in the window (TOPP/TOPD, ntop).
function keep_top(pid, d,   k) {
    if (ntop == 10 && !(d > TOPD[9] || (d == TOPD[9] && TICKS[pid] > TICKS[TOPP[9]]))) return
    k = ntop < 10 ? ntop++ : 9
    while (k > 0 && (d > TOPD[k - 1] || (d == TOPD[k - 1] && TICKS[pid] > TICKS[TOPP[k - 1]]))) {
        TOPP[k] = TOPP[k - 1]; TOPD[k] = TOPD[k - 1]; k--
    }
    TOPP[k] = pid; TOPD[k] = d
}
# The command line of pid, its arguments joined by spaces and cut to 200 bytes; control
# characters become spaces. "[comm]" when it has none (kernel threads), as ps shows them.
# An awk that drops the NUL bytes between arguments (BusyBox) gives "" instead, and the
# shell fills them in from ps (args=ps).
function command(pid,   f, l, s, n, i, c, o) {
    if (!nulsafe) return ""
    f = pid "/cmdline"; s = ""
    while (length(s) < 400 && (getline l < f) > 0) s = s l " "
    close(f)
    n = length(s); o = ""
    for (i = 1; i <= n && length(o) < 200; i++) {
        c = substr(s, i, 1)
        o = o (c < " " || c == "\177" ? " " : c)
    }
    sub(/ +$/, "", o)
    return o == "" ? "[" clean(COMM[pid]) "]" : o
}
# Control characters would break the one-row-per-line, TAB-separated format.
function clean(s) {
    gsub(ctrl, "?", s)
    return s == "" ? "?" : s
}
BEGIN {
    for (c = 1; c < 32; c++) ctrl = ctrl sprintf("%c", c)
    ctrl = "[" ctrl sprintf("%c", 127) "]"

    # Whether this awk keeps the NUL bytes of /proc/PID/cmdline (mawk, gawk: yes; BusyBox: no).
    while ((getline l < "/proc/self/cmdline") > 0) nul_probe = nul_probe l " "
    close("/proc/self/cmdline")
    gsub(/[^ -~]/, " ", nul_probe)
    nulsafe = index(nul_probe, " -v ") > 0

    cores = 0
    while ((getline l < "/proc/stat") > 0) {
        if (l ~ /^cpu /) cpu_b = l
        else if (l ~ /^cpu[0-9]/) cores++
    }
    close("/proc/stat")
    up_b = uptime()
    # Held as text and printed after sample A has been read from stdin.
    disks_b = disk_rows("")

    nproc = 0
    for (i = 1; i < ARGC; i++) {
        pid = ARGV[i]
        if (!parse_stat(slurp(pid "/stat"))) continue
        nproc++
        PPID[pid] = ST_ppid; TICKS[pid] = ST_ticks; START[pid] = ST_start; COMM[pid] = ST_comm
        f = pid "/status"; uid = ""; rss = 0
        while ((getline l < f) > 0) {
            if (l ~ /^Uid:/) { split(l, F, " "); uid = F[3] }
            else if (l ~ /^VmRSS:/) { split(l, F, " "); rss = F[2]; break }
        }
        close(f)
        if (uid == "") { delete TICKS[pid]; continue }
        UID[pid] = uid; RSS[pid] = rss
    }

    have_a = 0; disks_a = ""; disks_a_ok = 0
    while ((getline l < "/dev/stdin") > 0) {
        if (substr(l, 1, 2) == "s ") cpu_a = substr(l, 3)
        else if (substr(l, 1, 2) == "u ") up_a = substr(l, 3)
        else if (substr(l, 1, 2) == "d ") disks_a = disks_a substr(l, 3) "\n"
        else if (l == "k") disks_a_ok = 1
        else if (split(l, F, " ") == 4 && F[1] == "p") { A_START[F[2]] = F[3]; A_TICKS[F[2]] = F[4]; have_a = 1 }
    }

    memtotal = 0
    while ((getline l < "/proc/meminfo") > 0)
        if (l ~ /^MemTotal:/) { split(l, F, " "); memtotal = F[2]; break }
    close("/proc/meminfo")

    while ((getline l < "/etc/passwd") > 0) {
        if (split(l, F, ":") >= 3 && !(F[3] in NAME) && F[1] != "") NAME[F[3]] = F[1]
    }
    close("/etc/passwd")

    print "@@sd:cpu"
    if (cpu_a == "" || cpu_b == "") print "error=cannot read /proc/stat"
    else { print "cores=" cores; print cpu_a; print cpu_b }

    print "@@sd:diskio"
    if (!sysblock) print "error=cannot read /sys/block"
    else if (up_a == "" || up_b == "") print "error=cannot read /proc/uptime"
    else if (!disks_a_ok || disks_b == "-") print "error=cannot read /proc/diskstats"
    else {
        if (disks_more) print "error=more than 256 block devices; " disks_more " more are not counted"
        printf "uptime=%s\n%suptime=%s\n%s", up_a, disks_a, up_b, disks_b
    }

    print "@@sd:processes"
    if (nproc) print "count=" nproc
    else print "error=cannot read /proc/[pid]/stat"

    print "@@sd:users"
    if (!nproc) { print "error=cannot read /proc/[pid]/stat"; exit }
    if (!have_a || cpu_a == "") print "error=no first sample, cpu not measured"
    # Clock ticks of one core in the window: /proc/stat counts every core.
    window = (cpu_total(cpu_b) - cpu_total(cpu_a)) / (cores ? cores : 1)
    for (pid in TICKS) {
        if (is_probe(pid)) continue
        u = UID[pid]
        if (!have_a) d = 0
        else if ((pid in A_TICKS) && A_START[pid] == START[pid]) d = TICKS[pid] - A_TICKS[pid]
        else d = TICKS[pid]    # started during the window
        if (d < 0) d = 0
        U_ticks[u] += d; U_rss[u] += RSS[pid]; U_n[u]++
        keep_top(pid, d)
        if (!(u in TOP) || d > TOP_d[u] || (d == TOP_d[u] && TICKS[pid] > TICKS[TOP[u]])) {
            TOP[u] = pid; TOP_d[u] = d
        }
    }
    for (u in U_n) {
        cpu = window > 0 ? 100 * U_ticks[u] / window : 0
        mem = memtotal > 0 ? 100 * U_rss[u] / memtotal : 0
        name = (u in NAME) ? NAME[u] : u
        printf "%s\t%.2f\t%.2f\t%.0f\t%s\n", clean(name), cpu, mem, U_n[u], clean(COMM[TOP[u]])
    }

    # The ten busiest processes over the window (ties: more CPU since start).
    print "@@sd:topprocs"
    if (!have_a || cpu_a == "") print "error=no first sample, cpu not measured"
    for (k = 0; k < ntop; k++) {
        pid = TOPP[k]; cpu = window > 0 ? 100 * TOPD[k] / window : 0
        mem = memtotal > 0 ? 100 * RSS[pid] / memtotal : 0
        u = UID[pid]; name = (u in NAME) ? NAME[u] : u
        printf "%s\t%s\t%.2f\t%.2f\t%s\n", pid, clean(name), cpu, mem, command(pid)
    }
    if (ntop && !nulsafe) print "args=ps"
    exit
}
'

# Raw sections: arguments are NAME FILE pairs; each file is printed as it is.
awk_raw='
function dump(name, f,   l, r, n) {
    print "@@sd:" name
    n = 0
    while ((r = (getline l < f)) > 0) {
        n++
        if (l ~ /^@@sd:/) continue
        # /proc/mounts: device, mount point and type are all the parser needs;
        # the options column alone can pass 4 KB on container hosts.
        if (name == "mounts") { split(l, m, " "); l = m[1] " " m[2] " " m[3] }
        print l
    }
    close(f)
    if (n == 0) print "error=" (r < 0 ? "cannot read " : "nothing in ") f
}
BEGIN {
    for (i = 1; i + 1 < ARGC; i += 2) dump(ARGV[i], ARGV[i + 1])
    exit
}
'

# Established TCP connections: state 01 rows, IPv4 and IPv6.
# shellcheck disable=SC2016 # $4 is awk's
awk_tcp='
BEGIN {
    n = 0; read = 0
    for (i = 1; i < ARGC; i++) {
        # getline into $0: awk splits fields only as far as $4 is needed
        while ((getline < ARGV[i]) > 0) {
            read = 1
            if ($4 == "01") n++
        }
        close(ARGV[i])
    }
    print "@@sd:tcp"
    if (read) print "established=" n
    else print "error=cannot read /proc/net/tcp"
    exit
}
'

# ---------------------------------------------------------------------------

section_os() {
    printf '@@sd:os\n'
    name='' id='' kernel='' host='' arch=''
    for f in /etc/os-release /usr/lib/os-release; do
        [ -r "$f" ] || continue
        while IFS= read -r line || [ -n "$line" ]; do
            case $line in
                PRETTY_NAME=*) unquote "${line#*=}"; name=$uq ;;
                ID=*) unquote "${line#*=}"; id=$uq ;;
            esac
        done <"$f"
        break
    done
    for f in /etc/redhat-release /etc/alpine-release; do
        [ -z "$name" ] || break
        { IFS= read -r name <"$f"; } 2>/dev/null
    done
    { read -r kernel </proc/sys/kernel/osrelease; } 2>/dev/null || kernel=$(uname -r 2>/dev/null)
    { read -r host </proc/sys/kernel/hostname; } 2>/dev/null || host=$(uname -n 2>/dev/null)
    arch=$(uname -m 2>/dev/null)
    [ -n "$name" ] || name=$(uname -s 2>/dev/null)
    if [ -z "$name$kernel$host$arch" ]; then
        printf 'error=no os-release, /proc/sys/kernel or uname\n'
        return
    fi
    [ -z "$name" ] || printf 'name=%s\n' "$name"
    [ -z "$id" ] || printf 'id=%s\n' "$id"
    [ -z "$kernel" ] || printf 'kernel=%s\n' "$kernel"
    [ -z "$host" ] || printf 'hostname=%s\n' "$host"
    [ -z "$arch" ] || printf 'arch=%s\n' "$arch"
}

# Sets uq to $1 without the quotes of an os-release value.
unquote() {
    uq=$1
    case $uq in
        \"*\")
            uq=${uq#\"}
            uq=${uq%\"}
            ;;
        \'*\')
            uq=${uq#\'}
            uq=${uq%\'}
            ;;
    esac
}

# The cpu, diskio, processes and users sections: two samples of /proc/stat,
# /proc/uptime, /proc/diskstats and every process, about 0.5 s apart. Only
# sleep runs between them.
# mawk (Debian's awk) gives up with "read error (No such process)" when a process
# exits between its /proc files being opened and read, so each pass that reads
# /proc/PID files is tried up to three times; a process gone meanwhile is simply
# not in the next pass.
section_activity() {
    block_devices
    tries=0
    until sample=$(cd /proc && exec awk -v disks="$disks" "$awk_lib$awk_sample_a" [0-9]* 2>/dev/null); do
        tries=$((tries + 1))
        [ "$tries" -lt 3 ] || break
    done
    sleep 0.5 2>/dev/null || sleep 1
    tries=0
    until activity=$(printf '%s\n' "$sample" | (cd /proc && exec awk -v self="$$" -v disks="$disks" -v disks_more="$disks_more" \
        -v sysblock="$sysblock" "$awk_lib$awk_sample_b" [0-9]* 2>/dev/null)); do
        tries=$((tries + 1))
        [ "$tries" -lt 3 ] || break
    done
    case $activity in
        *"${nl}args=ps") ps_args ;;
        *@@sd:users*) printf '%s\n' "$activity" ;;
        *)
            for s in cpu diskio processes users topprocs; do
                printf '@@sd:%s\nerror=reading /proc failed three times\n' "$s"
            done
            ;;
    esac
}

# Prints $activity with the commands of the topprocs rows taken from BusyBox
# `ps -o pid,args` (its awk cannot read /proc/PID/cmdline); `[?]` when ps has
# no row for a process.
ps_args() {
    { ps -o pid,args 2>/dev/null; printf '@@sd:activity\n%s\n' "$activity"; } | awk '
    BEGIN { for (c = 1; c < 32; c++) ctrl = ctrl sprintf("%c", c); ctrl = "[" ctrl sprintf("%c", 127) "]" }
    !joined && $0 == "@@sd:activity" { joined = 1; next }
    !joined {
        if ($1 ~ /^[0-9]+$/) { a = $0; sub(/^ *[0-9]+ +/, "", a); gsub(ctrl, " ", a); ARGS[$1] = substr(a, 1, 200) }
        next
    }
    /^@@sd:/ { sec = $0 }
    sec == "@@sd:topprocs" && $0 == "args=ps" { next }
    sec == "@@sd:topprocs" && split($0, T, "\t") == 5 && T[5] == "" { $0 = $0 ((T[1] in ARGS) && ARGS[T[1]] != "" ? ARGS[T[1]] : "[?]") }
    { print }'
}

# Sets timeout_form to how timeout(1) takes its limit: `plain` (GNU, BusyBox
# 1.30+: `timeout SECS`), `t` (older BusyBox: `timeout -t SECS`) or `none`.
# Called (once) by the sections that need it, before their first `bounded` and
# not in a subshell, so the answer is kept; hosts without systemd or a
# container engine never pay for it.
find_timeout() {
    [ -z "$timeout_form" ] || return 0
    timeout_form=none
    command -v timeout >/dev/null 2>&1 || return 0
    if timeout 1 true 2>/dev/null; then
        timeout_form=plain
    elif timeout -t 1 true 2>/dev/null; then
        timeout_form=t
    fi
}

# Runs "$@" for at most $1 seconds (see find_timeout); unbounded without a
# usable timeout(1).
bounded() {
    bound_seconds=$1
    shift
    case $timeout_form in
        plain) timeout "$bound_seconds" "$@" ;;
        t) timeout -t "$bound_seconds" "$@" ;;
        *) "$@" ;;
    esac
}

# Sets disks to the whole block devices, space-separated: the names in
# /sys/block less loop*, ram*, zram* (RAM-backed), dm-*, md* (stacked on disks
# that are already counted), sr*, fd* (optical, floppy) and nbd* (network), so
# that no I/O is counted twice. At most 256; disks_more counts the rest.
# sysblock=0 when there is no /sys/block. A name with a character other than
# letters, digits and _.:!+- is left out (awk -v would read a backslash).
block_devices() {
    disks='' disks_more=0 sysblock=1 count=0
    [ -d /sys/block ] || sysblock=0
    for d in /sys/block/*; do
        n=${d##*/}
        case $n in
            '*' | loop* | ram* | zram* | dm-* | md* | sr* | fd* | nbd*) continue ;;
            *[!A-Za-z0-9_.:!+-]*) continue ;;
        esac
        if [ "$count" -ge 256 ]; then
            disks_more=$((disks_more + 1))
            continue
        fi
        disks="$disks $n"
        count=$((count + 1))
    done
}

section_raw() {
    awk "$awk_raw" load /proc/loadavg memory /proc/meminfo mounts /proc/mounts \
        network /proc/net/dev uptime /proc/uptime
}

section_tcp() {
    awk "$awk_tcp" /proc/net/tcp /proc/net/tcp6
}

section_df() {
    printf '@@sd:df\n'
    # GNU df -l skips network filesystems, so a hung NFS server cannot hang
    # the probe. BusyBox df has no -l and prints nothing on stdout for it.
    out=$(df -P -k -l 2>/dev/null)
    df_local=-l
    [ -n "$out" ] || {
        df_local=''
        out=$(df -P -k 2>/dev/null)
    }
    if [ -z "$out" ]; then
        printf 'error=df printed nothing\n'
        return
    fi
    print_lines "$out"
}

# Inode use per filesystem, in the df -P layout (BusyBox prints `df -i` with
# the same columns). At most 1000 lines. Run like section_df: -l keeps network
# filesystems out, so no timeout (and none of its cost) is needed.
section_inodes() {
    printf '@@sd:inodes\n'
    # -l only where section_df found it works (not BusyBox): one df run, not two.
    out=''
    [ -z "${df_local:-}" ] || out=$(df -P -i -l 2>/dev/null)
    [ -n "$out" ] || out=$(df -P -i 2>/dev/null)
    [ -n "$out" ] || out=$(df -i 2>/dev/null)
    if [ -z "$out" ]; then
        printf 'error=df -i printed nothing\n'
        return
    fi
    print_lines "$out" 1000
}

# Every hwmon and thermal-zone temperature, in millidegrees Celsius, one
# `NAME VALUE` line each, at most 64.
section_temperature() {
    printf '@@sd:temperature\n'
    count=0
    for f in /sys/class/hwmon/hwmon*/temp*_input /sys/class/thermal/thermal_zone*/temp; do
        [ "$count" -lt 64 ] || break
        [ -r "$f" ] || continue
        v=''
        { read -r v <"$f"; } 2>/dev/null
        case $v in
            '' | *[!0-9-]*) continue ;;
        esac
        n=${f#/sys/class/}
        printf '%s %s\n' "$n" "$v"
        count=$((count + 1))
    done
    [ "$count" -gt 0 ] || printf 'absent=no readable hwmon or thermal-zone temperature\n'
}

# Failed systemd units, one `systemctl list-units` line each, at most 100.
section_units() {
    printf '@@sd:units\n'
    if [ ! -d /run/systemd/system ]; then
        printf 'absent=the system does not run systemd\n'
        return
    fi
    if ! command -v systemctl >/dev/null 2>&1; then
        printf 'absent=systemctl not found\n'
        return
    fi
    find_timeout
    if ! out=$(bounded 3 systemctl list-units --state=failed --no-legend --plain --no-pager 2>/dev/null); then
        printf 'error=systemctl list-units failed or took longer than 3 s\n'
        return
    fi
    print_lines "$out" 100
}

# Containers of the first engine the login user may use: `ps` rows, then
# `inspect` rows (restart count, exit code) and `stats` rows (CPU, memory) of
# those listed, each engine call cut off after 5 s. docker is only asked when
# its socket is there and writable, so a user outside the docker group costs
# nothing; nothing here prompts for a password (no sudo).
section_containers() {
    printf '@@sd:containers\n'
    engine=''
    if command -v docker >/dev/null 2>&1; then
        sock=${DOCKER_HOST:-unix:///var/run/docker.sock}
        case $sock in
            unix://*)
                sock=${sock#unix://}
                if [ -S "$sock" ] && [ -w "$sock" ]; then
                    engine=docker
                elif [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -S "$XDG_RUNTIME_DIR/docker.sock" ] && [ -w "$XDG_RUNTIME_DIR/docker.sock" ]; then
                    DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock
                    export DOCKER_HOST
                    engine=docker
                fi
                ;;
            *) engine=docker ;;
        esac
    fi
    [ -n "$engine" ] || ! command -v podman >/dev/null 2>&1 || engine=podman
    if [ -z "$engine" ]; then
        if command -v docker >/dev/null 2>&1; then
            printf 'absent=the docker socket is missing or not writable by this user\n'
        else
            printf 'absent=neither docker nor podman found\n'
        fi
        return
    fi
    tab='	'
    find_timeout
    if ! rows=$(bounded 5 "$engine" ps -a --format "{{.Names}}$tab{{.Image}}$tab{{.Status}}" 2>/dev/null); then
        printf 'absent=%s ps failed: no daemon, no permission, or no answer in 5 s\n' "$engine"
        return
    fi
    printf 'engine=%s\n' "$engine"
    [ -n "$rows" ] || return 0
    names='' running='' count=0
    old_ifs=$IFS
    IFS=$nl
    set -f
    for l in $rows; do
        [ "$count" -lt 50 ] || break
        count=$((count + 1))
        case $l in @@sd:*) continue ;; esac
        printf 'ps\t%s\n' "$l"
        n=${l%%"$tab"*}
        names="$names$nl$n"
        case ${l##*"$tab"} in Up* | up*) running="$running$nl$n" ;; esac
    done
    IFS=$old_ifs
    # shellcheck disable=SC2086 # one word per container name
    set -- $names
    set +f
    [ "$#" -gt 0 ] || return 0
    bounded 5 "$engine" inspect --format "{{.Name}}$tab{{.RestartCount}}$tab{{.State.ExitCode}}" "$@" 2>/dev/null |
        container_rows inspect
    [ -z "$running" ] || [ "${SD_PROBE_CONTAINER_STATS:-1}" = 0 ] || {
        set -f
        # shellcheck disable=SC2086 # one word per container name
        set -- $running
        set +f
        bounded 5 "$engine" stats --no-stream --format "{{.Name}}$tab{{.CPUPerc}}$tab{{.MemUsage}}" "$@" 2>/dev/null |
            container_rows stats
    }
}

# Prefixes each line on stdin with $1 and a TAB, at most 50 lines of 512 bytes.
container_rows() {
    awk -v prefix="$1" 'NR <= 50 && !/^@@sd:/ { print prefix "\t" substr($0, 1, 512) }'
}

# Prints $1 line by line, leaving out any line that could pass for a marker
# (a mount point may contain a newline).
print_lines() {
    old_ifs=$IFS
    IFS=$nl
    set -f
    lines=0
    for l in $1; do
        case $l in
            @@sd:*) ;;
            *) printf '%s\n' "$l" ;;
        esac
        lines=$((lines + 1))
        [ -z "${2:-}" ] || [ "$lines" -lt "$2" ] || break
    done
    set +f
    IFS=$old_ifs
}

section_sessions() {
    printf '@@sd:sessions\n'
    if ! command -v who >/dev/null 2>&1; then
        printf 'error=who not found\n'
        return
    fi
    out=$(who 2>/dev/null)
    old_ifs=$IFS
    IFS=$nl
    set -f
    # shellcheck disable=SC2086 # split on newlines: one word per session
    set -- $out
    set +f
    IFS=$old_ifs
    printf 'count=%s\n' "$#"
}

section_home() {
    printf '@@sd:home\n'
    case $home_seconds in
        '' | *[!0-9.]* | 0 | 0.0 | .*)
            printf 'status=unavailable\n'
            return
            ;;
    esac
    if ! command -v du >/dev/null 2>&1 || ! [ -r /proc/self/stat ]; then
        printf 'status=unavailable\n'
        return
    fi
    out=$(home_scan "$home_seconds" 2>/dev/null)
    status=status=timeout rows='' name='' kb=''
    old_ifs=$IFS
    IFS=$nl
    set -f
    for l in $out; do
        case $l in
            @*)
                name=${l#@}
                kb=''
                ;;
            +)
                [ -z "$name" ] || [ -z "$kb" ] || rows="$rows$name	$kb$nl"
                name=''
                ;;
            status=*) status=$l ;;
            [0-9]*) kb=${l%%[!0-9]*} ;;
        esac
    done
    set +f
    IFS=$old_ifs
    printf '%s\n%s' "$status" "$rows"
}

# Runs in a command substitution. For each home prints "@user", du's line and
# "+" when du succeeded; then status=complete|timeout. A timer process sends
# USR1 when the time is up, which interrupts `wait` on the running du: that du
# is killed and reaped here, so nothing is left behind, not even a zombie.
home_scan() {
    read -r scan_pid _ </proc/self/stat # this subshell, not $$
    timed_out=''
    trap 'timed_out=1' USR1
    (
        trap 'kill "$nap" 2>/dev/null; wait "$nap"; exit 0' TERM
        sleep "$1" >/dev/null 2>&1 &
        nap=$!
        wait "$nap"
        kill -USR1 "$scan_pid"
    ) &
    timer=$!
    status=complete
    seen=' '
    if [ -r /etc/passwd ]; then
        while IFS=: read -r user _ _ _ _ dir _; do
            home_du "$user" "$dir" || {
                status=timeout
                break
            }
        done </etc/passwd
    fi
    if [ "$status" = complete ]; then
        for dir in /root /home/*; do
            home_du "${dir##*/}" "$dir" || {
                status=timeout
                break
            }
        done
    fi
    kill "$timer" 2>/dev/null
    wait "$timer"
    trap - USR1
    printf 'status=%s\n' "$status"
}

# du of home $2 of user $1 (see home_scan); returns 1 once the time is up.
# Homes are /root and /home/*; a user is named after /etc/passwd, else after
# the directory.
home_du() {
    case $2 in
        /root | /home/?*) ;;
        *) return 0 ;;
    esac
    # names and paths that could not be printed as one plain row are skipped
    case $1$2 in
        *[!A-Za-z0-9._@/-]* | *..*) return 0 ;;
    esac
    case $seen in
        *" $2 "*) return 0 ;;
    esac
    seen="$seen$2 "
    [ -d "$2" ] && [ -r "$2" ] && [ -x "$2" ] || return 0
    [ -z "$timed_out" ] || return 1
    printf '@%s\n' "$1"
    du -s -k -x "$2/" 2>/dev/null &
    du_pid=$!
    wait "$du_pid"
    du_status=$?
    if [ "$du_status" -gt 128 ] && [ -n "$timed_out" ]; then
        kill -KILL "$du_pid" 2>/dev/null
        wait "$du_pid"
        return 1
    fi
    # a home du could only partly read is left out rather than understated
    [ "$du_status" -ne 0 ] || printf '+\n'
}

# ---------------------------------------------------------------------------

main() {
    timeout_form=''
    printf '@@sd:begin version=1\n'
    section_os
    if command -v awk >/dev/null 2>&1; then
        section_activity
        section_raw
        section_tcp
    else
        for s in cpu diskio processes users topprocs load memory mounts network uptime tcp; do
            printf '@@sd:%s\nerror=awk not found\n' "$s"
        done
    fi
    section_df
    section_inodes
    section_temperature
    section_units
    section_containers
    section_sessions
    section_home
    printf '@@sd:end\n'
}

# Nothing runs until the whole script has been read, and nothing can read the
# rest of the script from stdin.
main </dev/null
exit 0
