#!/usr/bin/env bash
# Runs the probe the way hosts will run it and checks what it prints against
# docs/probe-format.md: under dash, bash and BusyBox sh, with a PATH holding
# nothing but BusyBox applets (an Alpine-like userland), and, given the DIR of
# scripts/test-hosts.sh, over SSH to the first test host.
#
#   scripts/check-probe.sh [DIR]
#
# Each run must start with `@@sd:begin version=1`, end with `@@sd:end`, have
# every section with well-formed numbers and no `error=` line, and users rows
# of exactly 5 TAB-separated fields. The sections a host may lack (temperature,
# units, containers) may hold one `absent=` line instead; set SD_EXPECT_ABSENT
# to the space-separated list of those that must be absent here (default: the
# ones this machine lacks: no sensor, no systemd, no usable docker/podman). As root, two processes with hostile names
# run meanwhile under UIDs that own nothing else, and their rows must show the
# names as data: `<script>alert(1` (the kernel keeps 15 bytes of a command
# name) untouched, and a name holding a TAB and a newline on one line.
# Prints the wall and CPU time of each run; exits 1 on any failure.
# SD_PROBE=FILE checks another probe file; SD_KEEP=1 keeps the outputs.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
probe=${SD_PROBE:-$here/../Sources/Collector/Resources/probe.sh}
hosts_dir=${1:-}
[ -r "$probe" ] || {
    printf 'check-probe: no probe at %s\n' "$probe" >&2
    exit 2
}

failures=0
fail() {
    printf 'FAIL %s\n' "$*"
    failures=$((failures + 1))
}

tmp=$(mktemp -d)
pids=()
cleanup() {
    [ "${#pids[@]}" -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
    if [ -n "${SD_KEEP:-}" ]; then
        printf 'check-probe: outputs kept in %s\n' "$tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT

# --- processes with hostile names -------------------------------------------
# The command name is the file name of what runs (15 bytes kept); a name
# cannot hold "/", hence the cut-off <script> tag. Each runs alone under a UID
# that has no other process, so it is that user's top process.
readonly xss_uid=64999 ctl_uid=64998
xss_name='<script>alert(1'
ctl_name=$'x\ty\nz) (q'
ctl_expected='x?y?z) (q'
hostile=false
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$tmp"
    sleep_bin=$(command -v sleep)
    cp "$sleep_bin" "$tmp/$xss_name"
    cp "$sleep_bin" "$tmp/$ctl_name"
    setpriv --reuid=$xss_uid --regid=$xss_uid --clear-groups "$tmp/$xss_name" 600 &
    pids+=($!)
    setpriv --reuid=$ctl_uid --regid=$ctl_uid --clear-groups "$tmp/$ctl_name" 600 &
    pids+=($!)
    hostile=true
    sleep 0.2
else
    printf 'SKIP hostile process names: needs root and setpriv\n'
fi

# --- sections this machine lacks ----------------------------------------------
# Worked out here independently of the probe: no temperature file, no systemd,
# no container engine that answers.
if [ -n "${SD_EXPECT_ABSENT+set}" ]; then
    expect_absent=$SD_EXPECT_ABSENT
else
    expect_absent=''
    ls /sys/class/thermal/thermal_zone*/temp /sys/class/hwmon/hwmon*/temp*_input >/dev/null 2>&1 || expect_absent=temperature
    [ -d /run/systemd/system ] || expect_absent="$expect_absent units"
    { timeout 5 docker info >/dev/null 2>&1 || timeout 5 podman info >/dev/null 2>&1; } || expect_absent="$expect_absent containers"
fi
printf 'check-probe: sections expected absent here: %s\n' "${expect_absent:-none}"

# --- structural check ---------------------------------------------------------
# Prints one line per problem in the probe output $1.
check_format() {
    awk -F '\t' -v expect_absent="$expect_absent" '
    function bad(msg) { printf "line %d: %s: %s\n", NR, msg, substr($0, 1, 120); problems++ }
    NR == 1 {
        if ($0 != "@@sd:begin version=1") bad("first line is not the begin marker")
        next
    }
    ended { bad("text after @@sd:end"); next }
    /^@@sd:/ {
        sec = substr($0, 6)
        if (sec == "end") { ended = 1; next }
        if (sec in seen) bad("repeated section")
        seen[sec] = 1; body[sec] = 0
        next
    }
    { body[sec]++; n = body[sec] }
    /^error=/ { bad("section " sec " could not read its source"); next }
    /^absent=./ {
        if (sec != "temperature" && sec != "units" && sec != "containers") bad("absent= in a section every host has")
        else if (n != 1) bad(sec ": absent= after other lines")
        absent[sec] = 1
        next
    }
    sec == "os" {
        if (!match($0, /^(name|id|kernel|hostname|arch)=./)) bad("os: not a known key=value")
        else os[substr($0, 1, index($0, "=") - 1)] = 1
        next
    }
    sec == "load" {
        if ($0 !~ /^[0-9]+\.[0-9]+ [0-9]+\.[0-9]+ [0-9]+\.[0-9]+ [0-9]+\/[0-9]+ [0-9]+$/) bad("load")
        next
    }
    sec == "cpu" {
        if (n == 1 && $0 !~ /^cores=[1-9][0-9]*$/) bad("cpu: cores")
        if (n > 1 && $0 !~ /^cpu( +[0-9]+)+$/) bad("cpu: not a /proc/stat cpu line")
        if (n > 3) bad("cpu: more than three lines")
        next
    }
    sec == "diskio" {
        if ($0 ~ /^uptime=/) {
            if ($0 !~ /^uptime=[0-9]+\.[0-9]+$/) bad("diskio: uptime")
            diskio_uptimes++
        } else if ($0 !~ /^[^ ]+ [0-9]+ [0-9]+$/) bad("diskio: not a device, sectors read and written")
        next
    }
    sec == "memory" {
        if ($0 !~ /^[A-Za-z0-9_()]+: +[0-9]+( kB)?$/) bad("memory")
        if ($0 ~ /^MemTotal:/) memtotal = 1
        next
    }
    sec == "mounts" { if (split($0, m, " ") != 3) bad("mounts"); next }
    sec == "df" {
        if (n == 1) { if ($0 !~ /^Filesystem +1024-blocks +Used +Available +Capacity +Mounted on$/) bad("df: header"); next }
        if ($0 !~ / +[0-9]+ +[0-9]+ +[0-9]+ +([0-9]+%|-) +\//) bad("df: row")
        if ($0 ~ / \/$/) dfroot = 1
        next
    }
    sec == "sessions" { if ($0 !~ /^count=[0-9]+$/) bad("sessions"); next }
    sec == "tcp" { if ($0 !~ /^established=[0-9]+$/) bad("tcp"); next }
    sec == "network" {
        if (n <= 2) { if (index($0, "|") == 0) bad("network: header"); next }
        if ($0 !~ /^ *[^ :]+: *[0-9]+( +[0-9]+)+$/ || split(substr($0, index($0, ":") + 1), f, " ") != 16) bad("network: row")
        next
    }
    sec == "uptime" { if ($0 !~ /^[0-9]+\.[0-9]+ [0-9]+\.[0-9]+$/) bad("uptime"); next }
    sec == "processes" {
        if ($0 !~ /^count=[1-9][0-9]*$/) bad("processes")
        else processes = substr($0, 7) + 0
        next
    }
    sec == "users" {
        if (NF != 5) { bad("users: " NF " fields, not 5"); next }
        if ($1 == "" || $5 == "") bad("users: empty user or process name")
        if ($2 !~ /^[0-9]+\.[0-9][0-9]$/ || $3 !~ /^[0-9]+\.[0-9][0-9]$/) bad("users: cpu or mem not a number")
        if ($4 !~ /^[1-9][0-9]*$/) bad("users: process count")
        if ($1 in users) bad("users: user listed twice")
        users[$1] = 1; user_processes += $4
        next
    }
    sec == "topprocs" {
        if ($0 == "args=ps") next
        if (NF < 5) { bad("topprocs: " NF " fields, not 5"); next }
        if ($1 !~ /^[1-9][0-9]*$/ || $2 == "") bad("topprocs: pid or user")
        if ($3 !~ /^[0-9]+\.[0-9][0-9]$/ || $4 !~ /^[0-9]+\.[0-9][0-9]$/) bad("topprocs: cpu or mem not a number")
        if (length($0) > 600) bad("topprocs: row longer than 600 bytes")
        if (n > 11) bad("topprocs: more than ten rows")
        next
    }
    sec == "inodes" {
        if (n == 1) { if ($0 !~ /^Filesystem +Inodes +(IUsed|Used) +(IFree|Available) +(IUse%|Capacity) +Mounted on$/) bad("inodes: header"); next }
        if ($0 !~ / +[0-9]+ +[0-9]+ +[0-9]+ +([0-9]+%|-) +\//) bad("inodes: row")
        if (n > 1000) bad("inodes: more than 1000 lines")
        next
    }
    sec == "temperature" {
        if ($0 !~ /^(hwmon\/hwmon[0-9]+\/temp[0-9]+_input|thermal\/thermal_zone[0-9]+\/temp) -?[0-9]+$/) bad("temperature: not NAME MILLIDEGREES")
        if (n > 64) bad("temperature: more than 64 lines")
        next
    }
    sec == "units" { if (split($0, u, " ") < 4 || n > 100) bad("units: not a unit line, or more than 100"); next }
    sec == "containers" {
        if (n == 1) { if ($0 !~ /^engine=(docker|podman)$/) bad("containers: engine"); next }
        if ($1 !~ /^(ps|inspect|stats)$/ || NF < 3) bad("containers: not a ps, inspect or stats row")
        if (n > 151) bad("containers: more than 150 rows")
        next
    }
    sec == "home" {
        if (n == 1) { if ($0 !~ /^status=(complete|timeout|unavailable)$/) bad("home: status"); next }
        if (NF != 2 || $1 == "" || $2 !~ /^[0-9]+$/) bad("home: row")
        next
    }
    END {
        if (!ended) bad("no @@sd:end")
        split("os load cpu diskio memory mounts df inodes sessions tcp network uptime processes users topprocs home temperature units containers", want, " ")
        for (i = 1; i in want; i++) {
            if (!(want[i] in seen)) printf "missing section %s\n", want[i]
            else if (!body[want[i]]) printf "empty section %s\n", want[i]
        }
        for (k in os) got_os++
        if (!("name" in os) || !("kernel" in os) || !("hostname" in os) || !("arch" in os)) print "os: name, kernel, hostname or arch missing"
        if (body["cpu"] != 3) print "cpu: not cores + two samples"
        if (diskio_uptimes != 2) print "diskio: not two readings"
        if (!memtotal) print "memory: no MemTotal"
        if (!dfroot) print "df: no row for /"
        if (!body["topprocs"]) print "topprocs: no row"
        n_expect = split(expect_absent, gone, " ")
        for (i = 1; i <= n_expect; i++) if (!(gone[i] in absent)) printf "%s: expected absent= on this machine\n", gone[i]
        if (user_processes > processes) printf "users: %d processes, more than the %d counted\n", user_processes, processes
    }' "$1"
}

# Checks the rows of the hostile processes in output $1.
check_hostile() {
    $hostile || return 0
    awk -F '\t' -v xss_uid="$xss_uid" -v xss="$xss_name" -v ctl_uid="$ctl_uid" -v ctl="$ctl_expected" '
    /^@@sd:/ { sec = substr($0, 6); next }
    sec == "users" && $1 == xss_uid { xss_row = $0; if ($4 == 1 && $5 == xss) xss_ok = 1 }
    sec == "users" && $1 == ctl_uid { ctl_row = $0; if ($4 == 1 && $5 == ctl) ctl_ok = 1 }
    END {
        if (!xss_ok) printf "users: no intact row for %s (%s), got: %s\n", xss, xss_uid, xss_row
        if (!ctl_ok) printf "users: no one-line row for the TAB/newline name (%s), got: %s\n", ctl_uid, ctl_row
    }' "$1"
}

# CPU seconds (user + system) used by this script's waited-for children.
children_cpu() {
    local stat f
    read -r stat </proc/$$/stat
    stat=${stat##*) }
    read -r -a f <<<"$stat"
    printf '%s\n' "$((f[13] + f[14]))"
}

# run NAME COMMAND…: runs the probe with COMMAND (probe on stdin), checks it.
run() {
    local name=$1 out="$tmp/out.$1" t0 t1 c0 c1 problems
    shift
    if ! command -v "$1" >/dev/null; then
        fail "$name: $1 not found"
        return
    fi
    c0=$(children_cpu)
    t0=$EPOCHREALTIME
    local rc=0
    timeout 30 "$@" <"$probe" >"$out" 2>"$out.err" || rc=$?
    [ "$rc" -eq 0 ] || fail "$name: exit status $rc ($(head -c 300 "$out.err"))"
    t1=$EPOCHREALTIME
    c1=$(children_cpu)
    problems=$(check_format "$out"; check_hostile "$out")
    if [ -s "$out.err" ]; then
        problems+=$'\n'"stderr: $(head -c 300 "$out.err")"
    fi
    printf '%-13s %5.2f s wall  %5.2f s CPU here  %4d lines  ' "$name" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
        "$(awk -v a="$c0" -v b="$c1" -v hz="$(getconf CLK_TCK)" 'BEGIN { print (b - a) / hz }')" \
        "$(wc -l <"$out")"
    if [ -n "${problems//[[:space:]]/}" ]; then
        printf 'FAILED\n'
        printf '%s\n' "$problems" | sed '/^$/d; s/^/    /'
        failures=$((failures + 1))
    else
        printf 'ok (home: %s)\n' "$(sed -n '/^@@sd:home$/{n;s/^status=//p;}' "$out")"
    fi
}

# A userland of BusyBox applets only, as on Alpine.
busybox_path=''
if command -v busybox >/dev/null; then
    busybox_path=$tmp/busybox-bin
    mkdir "$busybox_path"
    for applet in $(busybox --list); do
        ln -s "$(command -v busybox)" "$busybox_path/$applet"
    done
fi

run dash dash -s
run bash bash -s
run busybox-sh busybox sh -s
if [ -n "$busybox_path" ]; then
    run busybox-only env -i PATH="$busybox_path" "$busybox_path/sh" -s
else
    fail "busybox-only: busybox not found"
fi

if [ -n "$hosts_dir" ]; then
    if [ ! -r "$hosts_dir/env" ]; then
        fail "ssh: no $hosts_dir/env; run scripts/test-hosts.sh start $hosts_dir first"
    else
        # shellcheck source=/dev/null
        . "$hosts_dir/env"
        host=${SD_TEST_SSH_HOSTS%% *}
        run ssh ssh -i "$SD_TEST_SSH_KEY_ED25519" -o IdentitiesOnly=yes -o BatchMode=yes \
            -o UserKnownHostsFile="$SD_TEST_SSH_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
            -o ConnectTimeout=10 -p "$SD_TEST_SSH_PORT" "$SD_TEST_SSH_USER@$host" sh -s
    fi
fi

if [ "$failures" -gt 0 ]; then
    printf 'check-probe: %d failure(s)\n' "$failures"
    exit 1
fi
printf 'check-probe: all runs ok\n'
