#!/usr/bin/env bash
# Starts and stops real OpenSSH servers on loopback addresses, as test hosts for
# the collector's SSH tests and for scripts/check-probe.sh.
#
#   scripts/test-hosts.sh start DIR [COUNT]   # COUNT hosts, 127.0.0.2 … 127.0.0.(1+COUNT)
#   scripts/test-hosts.sh stop DIR
#
# `start` is idempotent: run it again and it leaves running hosts alone (or
# restarts them when COUNT or the port changed). It needs root: it creates the
# test user `sdprobe` (shell /bin/sh, home /home/sdprobe) when missing and sets
# its password to the random one kept in DIR/password.
#
# DIR receives: host keys (ed25519, ECDSA), client keys id_ed25519 (no
# passphrase), id_ecdsa (passphrase in DIR/passphrase) and id_rsa (which
# libssh2 1.10 cannot use against OpenSSH >= 8.8: it signs with SHA-1),
# authorized_keys, one sshd_config.K per sshd process, sshd.log, known_hosts
# for every [127.0.0.N]:PORT, and `env`, a file to source:
#
#   SD_TEST_SSH_DIR SD_TEST_SSH_PORT SD_TEST_SSH_USER SD_TEST_SSH_HOSTS
#   SD_TEST_SSH_KNOWN_HOSTS SD_TEST_SSH_KEY_ED25519 SD_TEST_SSH_KEY_ECDSA
#   SD_TEST_SSH_KEY_RSA SD_TEST_SSH_PASSWORD_FILE SD_TEST_SSH_PASSPHRASE_FILE
#
# One sshd opens at most 16 listening sockets, so hosts are served by
# ceil(COUNT/16) sshd processes, 16 addresses each, all on the same port.
# Port: SD_TEST_SSH_PORT (2222). COUNT: 1 … 254 (20). SD_TEST_SSH_PER_SSHD (16, 1 … 16)
# serves fewer addresses per sshd: 1 gives every host an sshd of its own, so that one
# host can be stopped alone (make soak).
#
# Try one by hand:
#   ssh -i DIR/id_ed25519 -o UserKnownHostsFile=DIR/known_hosts -p 2222 \
#       sdprobe@127.0.0.2 sh -s < Sources/Collector/Resources/probe.sh
#
# Every DIR gets the same password (the user is shared): the first one made
# is kept in /home/sdprobe/.sd-test-password (root only).
set -eu

# shellcheck source=scripts/lib/common.sh
. "$(dirname "$0")/lib/common.sh"

readonly user=sdprobe
readonly per_sshd=${SD_TEST_SSH_PER_SSHD:-16}
readonly sshd_bin=/usr/sbin/sshd

die() {
    printf 'test-hosts: %s\n' "$*" >&2
    exit 1
}

usage() {
    printf 'usage: %s start DIR [COUNT] | stop DIR\n' "$0" >&2
    exit 2
}

# Single-quotes $1 for a POSIX shell.
shquote() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# Whether PID $1 is an sshd started with config file $2.
is_our_sshd() {
    local cmdline
    [ -r "/proc/$1/cmdline" ] || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) || return 1
    case $cmdline in
        *sshd*" -f $2 "*) return 0 ;;
    esac
    return 1
}

# Stops every sshd this DIR started (and the sessions they serve).
stop_hosts() {
    local dir=$1 pidfile pid conf k all=()
    for pidfile in "$dir"/sshd.*.pid; do
        [ -e "$pidfile" ] || continue
        k=${pidfile##*/sshd.}
        k=${k%.pid}
        conf=$dir/sshd_config.$k
        pid=$(cat "$pidfile" 2>/dev/null || true)
        if [[ $pid =~ ^[0-9]+$ ]] && is_our_sshd "$pid" "$conf"; then
            mapfile -t -O "${#all[@]}" all < <(descendants "$pid")
            all+=("$pid")
            kill -TERM "$pid" 2>/dev/null || true
        fi
        rm -f "$pidfile"
    done
    [ "${#all[@]}" -gt 0 ] || return 0
    kill -TERM "${all[@]}" 2>/dev/null || true
    local i
    for i in $(seq 50); do
        any_alive "${all[@]}" || return 0
        sleep 0.1
    done
    kill -KILL "${all[@]}" 2>/dev/null || true
}

# Whether any of the PIDs still runs (a zombie waiting for init does not).
any_alive() {
    local pid stat
    for pid in "$@"; do
        { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || continue
        stat=${stat##*) }
        [ "${stat%% *}" = Z ] || return 0
    done
    return 1
}

# Whether every sshd of DIR is running (per its pid file).
all_running() {
    local dir=$1 count=$2 k pid
    for ((k = 0; k * per_sshd < count; k++)); do
        pid=$(cat "$dir/sshd.$k.pid" 2>/dev/null || true)
        [[ $pid =~ ^[0-9]+$ ]] && is_our_sshd "$pid" "$dir/sshd_config.$k" || return 1
    done
}

# Whether address $1 port $2 answers with an SSH banner.
answers() {
    local banner
    # shellcheck disable=SC2016 # $0 and $1 expand in the inner bash
    banner=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && head -c 4 <&3' "$1" "$2" 2>/dev/null || true)
    [ "$banner" = SSH- ]
}

# Waits until address $1 port $2 answers.
wait_ready() {
    local i
    for i in $(seq 100); do
        answers "$1" "$2" && return 0
        sleep 0.1
    done
    return 1
}

ensure_user() {
    local dir=$1 password
    if ! id "$user" >/dev/null 2>&1; then
        useradd --create-home --home-dir "/home/$user" --shell /bin/sh --user-group "$user"
    fi
    [ "$(getent passwd "$user" | cut -d: -f7)" = /bin/sh ] || usermod --shell /bin/sh "$user"
    [ -d "/home/$user" ] || install -d -o "$user" -g "$(id -g "$user")" -m 755 "/home/$user"
    # One user serves every DIR, so all DIRs share one password: the first one
    # made is kept (root-only) in the user's home and copied to each DIR.
    local keep=/home/$user/.sd-test-password
    if [ ! -s "$keep" ]; then
        if [ -s "$dir/password" ]; then
            password=$(cat "$dir/password")
        else
            password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=\n')
        fi
        (umask 077 && printf '%s' "$password" >"$keep")
        chown root:root "$keep"
    fi
    chmod 600 "$keep"
    password=$(cat "$keep")
    (umask 077 && printf '%s' "$password" >"$dir/password")
    chmod 600 "$dir/password"
    printf '%s:%s\n' "$user" "$password" | chpasswd
}

ensure_keys() {
    local dir=$1
    [ -s "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C sd-test-host -f "$dir/ssh_host_ed25519_key"
    [ -s "$dir/ssh_host_ecdsa_key" ] || ssh-keygen -q -t ecdsa -b 256 -N '' -C sd-test-host -f "$dir/ssh_host_ecdsa_key"
    [ -s "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C sd-test-ed25519 -f "$dir/id_ed25519"
    if [ ! -s "$dir/id_ecdsa" ]; then
        (umask 077 && head -c 15 /dev/urandom | base64 | tr -d '/+=\n' >"$dir/passphrase")
        ssh-keygen -q -t ecdsa -b 256 -N "$(cat "$dir/passphrase")" -C sd-test-ecdsa -f "$dir/id_ecdsa"
    fi
    [ -s "$dir/id_rsa" ] || ssh-keygen -q -t rsa -b 3072 -N '' -C sd-test-rsa -f "$dir/id_rsa"
    chmod 600 "$dir"/id_ed25519 "$dir"/id_ecdsa "$dir"/id_rsa "$dir"/passphrase "$dir"/ssh_host_*_key
    # replaced in one step: a running sshd may be reading it
    cat "$dir/id_ed25519.pub" "$dir/id_ecdsa.pub" "$dir/id_rsa.pub" >"$dir/authorized_keys.tmp"
    chmod 644 "$dir/authorized_keys.tmp"
    mv "$dir/authorized_keys.tmp" "$dir/authorized_keys"
}

# Prints the sshd_config for addresses $3 … on port $2, instance $4.
write_config() {
    local dir=$1 port=$2 k=$3
    shift 3
    local addr
    {
        printf '# Generated by scripts/test-hosts.sh: test host, loopback only.\n'
        printf 'Port %s\n' "$port"
        for addr in "$@"; do printf 'ListenAddress %s\n' "$addr"; done
        printf 'HostKey %s\n' "$dir/ssh_host_ed25519_key" "$dir/ssh_host_ecdsa_key"
        printf 'PidFile %s\n' "$dir/sshd.$k.pid"
        printf 'AuthorizedKeysFile %s\n' "$dir/authorized_keys"
        cat <<EOF
AllowUsers $user
PermitRootLogin no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitEmptyPasswords no
StrictModes no
UseDNS no
MaxStartups 200:30:400
MaxSessions 1000
MaxAuthTries 10
LoginGraceTime 30
LogLevel VERBOSE
PrintMotd no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTunnel no
EOF
        # OpenSSH >= 9.8 penalises addresses whose logins fail; tests fail
        # logins on purpose, from 127.0.0.1.
        if "$sshd_bin" -t -f /dev/null -o PerSourcePenalties=no -o HostKey="$dir/ssh_host_ed25519_key" 2>/dev/null; then
            printf 'PerSourcePenalties no\n'
        fi
    } >"$dir/sshd_config.$k"
}

write_known_hosts() {
    local dir=$1 port=$2
    shift 2
    local addr name key
    : >"$dir/known_hosts.tmp"
    for addr in "$@"; do
        if [ "$port" = 22 ]; then name=$addr; else name="[$addr]:$port"; fi
        for key in "$dir/ssh_host_ed25519_key.pub" "$dir/ssh_host_ecdsa_key.pub"; do
            printf '%s %s\n' "$name" "$(cut -d' ' -f1,2 "$key")" >>"$dir/known_hosts.tmp"
        done
    done
    mv "$dir/known_hosts.tmp" "$dir/known_hosts"
}

write_env() {
    local dir=$1 port=$2 hosts=$3
    {
        printf '# Generated by scripts/test-hosts.sh; source it.\n'
        printf 'export SD_TEST_SSH_DIR=%s\n' "$(shquote "$dir")"
        printf 'export SD_TEST_SSH_PORT=%s\n' "$port"
        printf 'export SD_TEST_SSH_USER=%s\n' "$user"
        printf 'export SD_TEST_SSH_HOSTS=%s\n' "$(shquote "$hosts")"
        printf 'export SD_TEST_SSH_KNOWN_HOSTS=%s\n' "$(shquote "$dir/known_hosts")"
        printf 'export SD_TEST_SSH_KEY_ED25519=%s\n' "$(shquote "$dir/id_ed25519")"
        printf 'export SD_TEST_SSH_KEY_ECDSA=%s\n' "$(shquote "$dir/id_ecdsa")"
        printf 'export SD_TEST_SSH_KEY_RSA=%s\n' "$(shquote "$dir/id_rsa")"
        printf 'export SD_TEST_SSH_PASSWORD_FILE=%s\n' "$(shquote "$dir/password")"
        printf 'export SD_TEST_SSH_PASSPHRASE_FILE=%s\n' "$(shquote "$dir/passphrase")"
    } >"$dir/env.tmp"
    mv "$dir/env.tmp" "$dir/env"
}

start() {
    local dir=$1 count=$2 port=${SD_TEST_SSH_PORT:-2222}
    if ! [[ $count =~ ^[0-9]+$ ]] || [ "$count" -lt 1 ] || [ "$count" -gt 254 ]; then
        die "COUNT must be 1 … 254 (addresses 127.0.0.2 … 127.0.0.255), not '$count'"
    fi
    if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
        die "SD_TEST_SSH_PORT must be a port number, not '$port'"
    fi
    if ! [[ $per_sshd =~ ^[0-9]+$ ]] || [ "$per_sshd" -lt 1 ] || [ "$per_sshd" -gt 16 ]; then
        die "SD_TEST_SSH_PER_SSHD must be 1 … 16 (one sshd listens on at most 16 addresses), not '$per_sshd'"
    fi
    [ "$(id -u)" = 0 ] || die "must run as root (it creates the test user and runs sshd)"
    command -v "$sshd_bin" >/dev/null || die "$sshd_bin not found: install openssh-server"
    [ -d /run/sshd ] || mkdir -m 755 /run/sshd # sshd's privilege-separation directory

    ensure_keys "$dir"
    ensure_user "$dir"
    runuser -u "$user" -- test -r "$dir/authorized_keys" ||
        die "$user cannot read $dir/authorized_keys: every folder above DIR must be searchable by others"

    local addrs=() i
    for ((i = 2; i <= count + 1; i++)); do addrs+=("127.0.0.$i"); done
    local state="port=$port count=$count per_sshd=$per_sshd"

    if [ "$(cat "$dir/state" 2>/dev/null || true)" = "$state" ] && all_running "$dir" "$count"; then
        : # already up with this shape: only make sure it answers
    else
        stop_hosts "$dir"
        for i in "${addrs[@]}"; do
            ! answers "$i" "$port" || die "$i:$port is taken by another server (another DIR? set SD_TEST_SSH_PORT)"
        done
        rm -f "$dir"/sshd_config.*
        local k
        for ((k = 0; k * per_sshd < count; k++)); do
            write_config "$dir" "$port" "$k" "${addrs[@]:k*per_sshd:per_sshd}"
            "$sshd_bin" -t -f "$dir/sshd_config.$k" || die "sshd rejects $dir/sshd_config.$k"
        done
        for ((k = 0; k * per_sshd < count; k++)); do
            # sshd daemonises itself once its sockets are bound, and writes its PidFile.
            "$sshd_bin" -f "$dir/sshd_config.$k" -E "$dir/sshd.log" </dev/null ||
                die "sshd $k did not start; see $dir/sshd.log"
        done
        printf '%s\n' "$state" >"$dir/state"
    fi
    write_known_hosts "$dir" "$port" "${addrs[@]}"
    write_env "$dir" "$port" "${addrs[*]}"

    local addr
    for addr in "${addrs[@]}"; do
        wait_ready "$addr" "$port" || {
            tail -n 20 "$dir/sshd.log" >&2 || true
            die "$addr:$port does not answer (port taken by something else?); see $dir/sshd.log"
        }
    done
    printf 'test-hosts: %s hosts on port %s (%s … %s); source %s\n' \
        "$count" "$port" "${addrs[0]}" "${addrs[count - 1]}" "$dir/env"
}

main() {
    [ $# -ge 2 ] || usage
    local cmd=$1 dir=$2
    case $cmd in
        start)
            [ $# -le 3 ] || usage
            mkdir -p "$dir"
            dir=$(cd "$dir" && pwd -P)
            chmod 755 "$dir"
            exec 9>"$dir/.lock"
            flock 9
            start "$dir" "${3:-20}"
            ;;
        stop)
            [ $# -eq 2 ] || usage
            [ -d "$dir" ] || return 0
            dir=$(cd "$dir" && pwd -P)
            exec 9>"$dir/.lock"
            flock 9
            stop_hosts "$dir"
            rm -f "$dir/state"
            ;;
        *) usage ;;
    esac
}

main "$@"
