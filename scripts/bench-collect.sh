#!/usr/bin/env bash
# `make bench-collect`: times one `collector run --once` over N loopback sshd test
# hosts and prints figures against the collector's performance targets. It is a
# benchmark, not a test: it exits 0 whether or not the targets are met (unless
# BENCH_STRICT=1), and non-zero only when it could not measure.
#
#   scripts/bench-collect.sh            # 100 hosts
#   BENCH_HOSTS=1000 scripts/bench-collect.sh
#
# What it does, all on this machine (127.0.0.0/8 only), as root:
#   1. starts a throwaway PostgreSQL (scripts/test-postgres.sh) and N sshd test hosts
#      (scripts/test-hosts.sh: user sdprobe, 16 addresses per sshd process). Up to 254
#      hosts are 127.0.0.2 … on one port; more are spread over several ports, 250
#      addresses each (1,000 hosts = 127.0.0.2-251 on 4 ports, 64 sshd processes), so
#      every inventory entry is a distinct address:port with its own sshd listener.
#      Both run in cgroups of their own when /sys/fs/cgroup can be written (cgroup v2,
#      else v1 cpuacct), so their CPU time, sessions and probes included, is exact;
#      else it falls back to /proc/PID/stat utime+stime+cutime+cstime of the sshd
#      listeners (their reaped sessions included).
#   2. writes the inventory (SERVERn_* with the ed25519 key, KNOWN_HOSTS_FILE, strict
#      host keys) into an env file and runs `collector migrate` (untimed), then
#      BENCH_RUNS times `collector run --once --json` in an empty environment
#      (env -i, --env-file) under scripts/bench/measure.py: wall time, CPU seconds
#      and peak RSS (wait4), the sshd and PostgreSQL CPU meanwhile, and how busy the
#      rest of the machine was. Per-host p50/p95 come from the JSON's duration_ms.
#   3. comparisons, on the same hosts, key and probe:
#      - Python asyncssh (pinned in scripts/bench/requirements.txt, installed into a
#        venv in .build-bench/) at the same concurrency, BENCH_RUNS times, interleaved
#        with the collector runs; skipped with a note when it cannot be installed;
#      - a serial OpenSSH loop (`ssh … sh -s < probe.sh`, OpenSSH's default options)
#        over the first BENCH_SERIAL_SAMPLE hosts, extrapolated to N (it says so).
#   4. prints the figures, the median-wall run of each client, and a targets table;
#      stops everything it started (trap), leaving no sshd or postgres running.
#
# Settings (environment):
#   BENCH_HOSTS (100, 1-2000)   BENCH_CONCURRENCY (32)   BENCH_RUNS (3; 1 above 254 hosts)
#   BENCH_SERIAL_SAMPLE (10)    BENCH_ASYNCSSH (1; 0 skips)   BENCH_SERIAL (1; 0 skips)
#   BENCH_COLLECTOR (.build/release/collector)   BENCH_VENV (.build-bench/venv)
#   BENCH_SSH_PORT (random 22000-31999; N>254 uses it and the next ports)
#   BENCH_PG_PORT (random 32000-39999)   BENCH_CGROUP (1; 0 forces /proc accounting)
#   BENCH_JSON (a file to receive a JSON summary)   BENCH_STRICT (0; 1 exits 3 on a missed target)
#   BENCH_KEEP (0; 1 keeps the work folder with every raw measurement, services still stopped)
#   BENCH_POOL (unset: the collector's own pool size; a number sets DATABASE_POOL_SIZE in its
#     env file, to compare pool sizes)
#   BENCH_PRIORITY (1): give every process of the benchmark (sshd and its sessions,
#     PostgreSQL, the collector and both comparison clients alike) a CPU cgroup with the
#     largest weight, when the cpu controller can be used (cgroup v1 cpu.shares, or v2
#     cpu.weight where it is already enabled), so other work on a shared machine disturbs
#     the figures less. nice would not do: with autogroup scheduling each sshd session
#     is a group of its own. 0 runs everything at the machine's usual weight.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

die() {
    printf 'bench-collect: %s\n' "$*" >&2
    exit 1
}

say() {
    printf 'bench-collect: %s\n' "$*" >&2
}

is_count() {
    [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

hosts=${BENCH_HOSTS:-100}
is_count "$hosts" 1 2000 || die "BENCH_HOSTS must be 1 … 2000, not '$hosts'"
concurrency=${BENCH_CONCURRENCY:-32}
is_count "$concurrency" 1 1024 || die "BENCH_CONCURRENCY must be 1 … 1024, not '$concurrency'"
if [ "$hosts" -le 254 ]; then default_runs=3; else default_runs=1; fi
runs=${BENCH_RUNS:-$default_runs}
is_count "$runs" 1 20 || die "BENCH_RUNS must be 1 … 20, not '$runs'"
serial_sample=${BENCH_SERIAL_SAMPLE:-10}
is_count "$serial_sample" 1 1000 || die "BENCH_SERIAL_SAMPLE must be 1 … 1000, not '$serial_sample'"
[ "$serial_sample" -le "$hosts" ] || serial_sample=$hosts
collector=${BENCH_COLLECTOR:-$root/.build/release/collector}
venv=${BENCH_VENV:-$root/.build-bench/venv}
ssh_port=${BENCH_SSH_PORT:-$((22000 + RANDOM % 10000))}
pg_port=${BENCH_PG_PORT:-$((32000 + RANDOM % 8000))}
probe=$root/Sources/Collector/Resources/probe.sh
summary=${BENCH_JSON:-}
case $summary in '' | /*) ;; *) summary=$PWD/$summary ;; esac

[ "$(id -u)" = 0 ] || die "must run as root (scripts/test-hosts.sh creates the test user and runs sshd)"
[ -x "$collector" ] || die "$collector not found: build it with 'swift build -c release --product collector' (make bench-collect does)"
[ -r "$probe" ] || die "$probe not found"
command -v python3 >/dev/null || die "python3 not found (apt-get install python3)"
command -v ssh >/dev/null || die "ssh not found (apt-get install openssh-client)"
# The interpreter itself, not a shim: the timed commands run with an empty environment.
py=$(python3 -c 'import sys; print(sys.executable)')
if newer=$(find "$root/Sources" -name '*.swift' -newer "$collector" -print -quit) && [ -n "$newer" ]; then
    say "note: $collector is older than $newer (make bench-collect rebuilds it first)"
fi

per_dir=254
if [ "$hosts" -gt 254 ]; then per_dir=250; fi
dirs=$(((hosts + per_dir - 1) / per_dir))
[ $((ssh_port + dirs - 1)) -le 65535 ] || die "BENCH_SSH_PORT $ssh_port leaves no room for $dirs ports"

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-collect.XXXXXX")
chmod 755 "$work" # the test user reads authorized_keys, postgres its folder, below it
results=$work/results
mkdir -p "$results"
cg_base=''     # accounting: sshd, postgres and clients leaves below it
cg_sshd=''
cg_pg=''
cg_clients=''
cg_priority='' # a cgroup v1 cpu folder with the largest cpu.shares, when separate from cg_base
priority='none (BENCH_PRIORITY=0)'

# Removes a cgroup folder once its processes are gone (our sshd and postgres, stopped above).
remove_cgroup() {
    local cg=$1 i
    [ -n "$cg" ] && [ -d "$cg" ] || return 0
    for i in $(seq 50); do
        rmdir "$cg" 2>/dev/null && return 0
        if [ "$i" = 30 ] && [ -e "$cg/cgroup.kill" ]; then
            # Only processes this run started live here (sessions of our test sshd).
            echo 1 >"$cg/cgroup.kill" 2>/dev/null || true
        fi
        sleep 0.1
    done
    say "warning: could not remove cgroup $cg (processes left: $(tr '\n' ' ' <"$cg/cgroup.procs" 2>/dev/null))"
}

cleanup() {
    local status=$?
    set +e
    local d
    for d in "$work"/ssh.*; do
        [ -d "$d" ] && "$here/test-hosts.sh" stop "$d"
    done
    [ -d "$work/pg" ] && "$here/test-postgres.sh" stop "$work/pg"
    remove_cgroup "$cg_sshd"
    remove_cgroup "$cg_pg"
    remove_cgroup "$cg_clients"
    remove_cgroup "$cg_base"
    remove_cgroup "$cg_priority"
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        rm -f "$work/bench.env" "$work/pg/env" "$work/pg/dashboard-password" "$work/pg/superuser-password"
        say "raw measurements kept in $results"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- cgroups: CPU accounting per service (else /proc), and priority ------------------

# Creates folder $1 with the leaves sshd, postgres and clients when file $2 shows up in
# them; sets cg_base and the leaves, or leaves nothing behind.
make_accounting() {
    local base=$1 file=$2
    mkdir "$base" 2>/dev/null || return 1
    if mkdir "$base/sshd" "$base/postgres" "$base/clients" 2>/dev/null && [ -r "$base/sshd/$file" ]; then
        cg_base=$base
        cg_sshd=$base/sshd
        cg_pg=$base/postgres
        cg_clients=$base/clients
        return 0
    fi
    rmdir "$base/sshd" "$base/postgres" "$base/clients" "$base" 2>/dev/null || true
    return 1
}

# Sets cg_kind (cgroup2 / cgroup1 / pids) and, with BENCH_PRIORITY=1, the priority.
setup_cgroups() {
    cg_kind=pids
    local v2 v1acct v1cpu name=bench-collect-$$
    v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
    v1acct=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpuacct(,|$)/ { print $2; exit }' /proc/self/mounts)
    v1cpu=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpu(,|$)/ { print $2; exit }' /proc/self/mounts)
    if [ "${BENCH_CGROUP:-1}" = 1 ]; then
        if [ -n "$v2" ] && make_accounting "$v2/$name" cpu.stat; then
            cg_kind=cgroup2
        elif [ -n "$v1acct" ] && make_accounting "$v1acct/$name" cpuacct.usage; then
            cg_kind=cgroup1
        fi
    fi
    [ "${BENCH_PRIORITY:-1}" = 1 ] || return 0
    priority='none: no usable cpu controller (cgroup v1 cpu, or v2 with cpu enabled at the root)'
    if [ "$cg_kind" = cgroup2 ] && [ -w "$cg_base/cpu.weight" ] && echo 10000 >"$cg_base/cpu.weight" 2>/dev/null; then
        priority="cgroup v2 cpu.weight 10000 (the largest) for all of it"
    elif [ "$cg_kind" = cgroup1 ] && [ "$v1cpu" = "$v1acct" ] && echo 262144 >"$cg_base/cpu.shares" 2>/dev/null; then
        priority="cgroup v1 cpu.shares 262144 (the largest) for all of it"
    elif [ -n "$v1cpu" ] && mkdir "$v1cpu/$name" 2>/dev/null; then
        cg_priority=$v1cpu/$name
        if echo 262144 >"$cg_priority/cpu.shares" 2>/dev/null; then
            priority="cgroup v1 cpu.shares 262144 (the largest) for all of it, in $cg_priority"
        else
            rmdir "$cg_priority"
            cg_priority=''
        fi
    fi
}

# Runs a command inside accounting cgroup $1 (none when empty) and the priority cgroup:
# what it starts, even daemons, stays there.
in_cgroup() {
    local groups=()
    [ -z "$1" ] || groups+=("$1")
    [ -z "$cg_priority" ] || groups+=("$cg_priority")
    shift
    if [ "${#groups[@]}" -gt 0 ]; then
        # shellcheck disable=SC2016 # expanded by the inner bash
        bash -c 'while [ "$1" != -- ]; do echo $$ >"$1/cgroup.procs" || exit 1; shift; done; shift; exec "$@"' \
            in_cgroup "${groups[@]}" -- "$@"
    else
        "$@"
    fi
}

setup_cgroups

# --- services ------------------------------------------------------------------------

say "starting PostgreSQL on 127.0.0.1:$pg_port"
in_cgroup "$cg_pg" "$here/test-postgres.sh" start "$work/pg" "$pg_port"
database_url=$(
    # shellcheck disable=SC1091
    . "$work/pg/env"
    printf '%s' "$SD_TEST_DATABASE_URL"
)

say "starting $hosts sshd test hosts ($dirs port(s) from $ssh_port)"
: >"$work/hosts" # ADDRESS PORT, one per inventory entry
: >"$work/known_hosts"
left=$hosts
for ((d = 0; d < dirs; d++)); do
    count=$((left < per_dir ? left : per_dir))
    left=$((left - count))
    dir=$work/ssh.$d
    mkdir -p "$dir"
    if [ "$d" -gt 0 ]; then
        # The same host and client keys everywhere: one key file and one key per client.
        for f in ssh_host_ed25519_key ssh_host_ecdsa_key id_ed25519 id_ecdsa id_rsa; do
            cp -p "$work/ssh.0/$f" "$work/ssh.0/$f.pub" "$dir/"
        done
        cp -p "$work/ssh.0/passphrase" "$dir/"
    fi
    SD_TEST_SSH_PORT=$((ssh_port + d)) in_cgroup "$cg_sshd" "$here/test-hosts.sh" start "$dir" "$count" >&2
    cat "$dir/known_hosts" >>"$work/known_hosts"
    for ((i = 2; i <= count + 1; i++)); do printf '127.0.0.%s %s\n' "$i" "$((ssh_port + d))" >>"$work/hosts"; done
done
key=$work/ssh.0/id_ed25519
user=$(
    # shellcheck disable=SC1091
    . "$work/ssh.0/env"
    printf '%s' "$SD_TEST_SSH_USER"
)

case $cg_kind in
    cgroup2 | cgroup1)
        sshd_account="sshd=$cg_kind:$cg_sshd"
        pg_account="postgres=$cg_kind:$cg_pg"
        accounting="$cg_kind cgroups ($cg_base/{sshd,postgres}): every sshd process, session and probe"
        accounting_exact=1
        ;;
    *)
        listeners=$(cat "$work"/ssh.*/sshd.*.pid | tr '\n' ',')
        sshd_account="sshd=pids:$listeners"
        pg_account="postgres=pids:$(head -n 1 "$work/pg/data/postmaster.pid")"
        accounting="/proc/PID/stat utime+stime+cutime+cstime of the sshd listeners (no writable cgroup): a lower bound, the sessions' commands (the probe) do not reach the listeners' cutime"
        accounting_exact=0
        ;;
esac
sshd_processes=$(cat "$work"/ssh.*/sshd.*.pid | wc -l)
if [ "$dirs" = 1 ]; then
    layout="127.0.0.2-127.0.0.$((hosts + 1)) port $ssh_port, $sshd_processes sshd processes (16 addresses each), user $user, ed25519 key"
else
    layout="$hosts distinct address:port pairs: 127.0.0.2-127.0.0.$((per_dir + 1)) on ports $ssh_port-$((ssh_port + dirs - 1)), $sshd_processes sshd processes (16 addresses each), user $user, ed25519 key"
fi

# measure.py with the accounts; $1 names the result, the rest is the command.
measure() {
    local name=$1
    shift
    local procs=()
    [ -z "$cg_sshd" ] || procs=(--procs "sshd=$cg_sshd")
    in_cgroup "$cg_clients" "$py" "$here/bench/measure.py" "$results/$name.measure.json" \
        --account "$sshd_account" --account "$pg_account" "${procs[@]}" -- "$@"
}

# Exit status recorded by measure.py in $1.
exit_status_of() {
    "$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["exit_status"])' "$1"
}

# --- the collector -------------------------------------------------------------------

{
    printf 'DATABASE_URL=%s\n' "$database_url"
    printf 'COLLECT_CONCURRENCY=%s\n' "$concurrency"
    [ -z "${BENCH_POOL:-}" ] || printf 'DATABASE_POOL_SIZE=%s\n' "$BENCH_POOL"
    printf 'KNOWN_HOSTS_FILE=%s\n' "$work/known_hosts"
    printf 'HOST_KEY_POLICY=strict\n'
    n=0
    while read -r address port; do
        n=$((n + 1))
        printf 'SERVER%s_NAME=bench-%04d\nSERVER%s_HOST=%s\nSERVER%s_PORT=%s\nSERVER%s_USERNAME=%s\nSERVER%s_KEY_FILE=%s\n' \
            "$n" "$n" "$n" "$address" "$n" "$port" "$n" "$user" "$n" "$key"
    done <"$work/hosts"
} >"$work/bench.env"
chmod 600 "$work/bench.env"

# The collector sees only this environment and bench.env (and no ./.env: it runs in $work).
collector_env=(env -i "HOME=$work" "PATH=/usr/sbin:/usr/bin:/sbin:/bin" "LANG=C.UTF-8")

cd "$work"
"${collector_env[@]}" "$collector" migrate --env-file "$work/bench.env" >"$results/migrate.log" 2>&1 ||
    { cat "$results/migrate.log" >&2; die "collector migrate failed"; }

# --- asyncssh ------------------------------------------------------------------------

asyncssh_skipped=''
if [ "${BENCH_ASYNCSSH:-1}" != 1 ]; then
    asyncssh_skipped="BENCH_ASYNCSSH=0"
elif ! "$venv/bin/python" -c 'import asyncssh' 2>/dev/null ||
    ! cmp -s "$here/bench/requirements.txt" "$venv/requirements.txt"; then
    say "installing asyncssh into $venv (once)"
    if { [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } >"$results/venv.log" 2>&1 &&
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/bench/requirements.txt" >>"$results/venv.log" 2>&1; then
        cp "$here/bench/requirements.txt" "$venv/requirements.txt"
    else
        tail -n 5 "$results/venv.log" >&2
        asyncssh_skipped="could not install asyncssh into $venv (python3-venv missing, or PyPI unreachable); see above"
        say "$asyncssh_skipped"
    fi
fi
python_version=''
[ -n "$asyncssh_skipped" ] || python_version=$("$venv/bin/python" -c 'import platform; print("Python " + platform.python_version())')

# --- timed runs, collector and asyncssh interleaved -----------------------------------

for ((r = 1; r <= runs; r++)); do
    say "run $r/$runs: collector run --once over $hosts hosts"
    measure "collector-$r" "${collector_env[@]}" "$collector" run --once --json --env-file "$work/bench.env" \
        >"$results/collector-$r.json" 2>"$results/collector-$r.stderr"
    status=$(exit_status_of "$results/collector-$r.measure.json")
    if [ "$status" != 0 ] && [ "$status" != 1 ]; then
        tail -n 20 "$results/collector-$r.stderr" >&2
        die "collector run failed with exit status $status"
    fi
    [ "$status" = 0 ] || { say "collector exit status 1 (some servers failed):"; grep -v '^$' "$results/collector-$r.stderr" | tail -n 5 >&2 || true; }

    if [ -z "$asyncssh_skipped" ]; then
        say "run $r/$runs: asyncssh over $hosts hosts"
        measure "asyncssh-$r" "$venv/bin/python" "$here/bench/asyncssh_probe.py" "$work/hosts" "$key" \
            "$work/known_hosts" "$user" "$probe" "$concurrency" "$results/asyncssh-$r.json" \
            >"$results/asyncssh-$r.out" 2>&1
        status=$(exit_status_of "$results/asyncssh-$r.measure.json")
        if [ "$status" != 0 ]; then
            tail -n 10 "$results/asyncssh-$r.out" >&2
            die "the asyncssh client failed with exit status $status"
        fi
    fi
done

# --- serial OpenSSH loop --------------------------------------------------------------

serial_skipped=''
if [ "${BENCH_SERIAL:-1}" = 1 ]; then
    say "serial OpenSSH loop over the first $serial_sample hosts"
    head -n "$serial_sample" "$work/hosts" >"$work/serial-hosts"
    # shellcheck disable=SC2016 # expanded by the inner bash
    measure serial bash -c '
        while read -r address port; do
            ssh -F /dev/null -i "$1" -o IdentitiesOnly=yes -o BatchMode=yes \
                -o UserKnownHostsFile="$2" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
                -o LogLevel=ERROR -p "$port" "$3@$address" sh -s <"$4" >/dev/null || exit 1
        done <"$5"' serial "$key" "$work/known_hosts" "$user" "$probe" "$work/serial-hosts"
else
    serial_skipped="BENCH_SERIAL=0"
fi

# --- report --------------------------------------------------------------------------

versions="libssh2 $(dpkg-query -W -f '${Version}' libssh2-1 2>/dev/null || echo '?'), $(ssh -V 2>&1 | cut -d, -f1) (client and sshd), kernel $(uname -r)"
"$py" -c '
import json, sys
meta = {}
for argument in sys.argv[2:]:
    key, _, value = argument.partition("=")
    meta[key] = int(value) if value.isdigit() and key in ("hosts", "cores", "concurrency", "runs", "serial_sample", "strict", "accounting_exact") else value
json.dump(meta, open(sys.argv[1], "w"), indent=1)' "$results/meta.json" \
    "hosts=$hosts" "cores=$(nproc)" "priority=$priority" "concurrency=$concurrency" "runs=$runs" "serial_sample=$serial_sample" \
    "strict=$([ "${BENCH_STRICT:-0}" = 1 ] && echo 1 || echo 0)" "layout=$layout" "accounting=$accounting" "accounting_exact=$accounting_exact" \
    "versions=$versions" "python=$python_version" "ssh_version=$(ssh -V 2>&1 | cut -d, -f1)" \
    "asyncssh_skipped=$asyncssh_skipped" "serial_skipped=$serial_skipped"

"$py" "$here/bench/report.py" "$results" "$summary"
