#!/usr/bin/env bash
# A hostile test host: a real sshd on a loopback address whose logins see user, process,
# filesystem, OS, container, image and systemd unit names and a process command line made
# of HTML, SQL, CSV formulas, ANSI escapes and bidi controls.
# The hostile-input trip (scripts/e2e-hostile.py, run by scripts/e2e-native.sh) collects
# it and checks that those names come out inert everywhere.
#
#   scripts/hostile-host.sh start DIR ADDRESS PORT   # needs SD_TEST_SSH_DIR (test-hosts.sh)
#   scripts/hostile-host.sh stop DIR
#
# How: sshd runs in a mount namespace of its own (unshare), where
#   - /etc/os-release is a copy whose PRETTY_NAME is hostile;
#   - /etc/passwd is a copy with five extra users (uids 64990…64994) with hostile names,
#     each running one `sleep` whose program file (hence its process name) is hostile;
#   - /mnt is a private tmpfs holding a directory with a hostile name, on which a 2 MB
#     ext2 image is loop-mounted (df shows it; bind mounts of an existing disk it would hide);
#   - one more process (uid 64995, which has no name, so the five users' own top process
#     stays their sleep) burns some CPU, so the probe's top ten list it, under a hostile,
#     400-byte command line (argv[0], set with bash's exec -a);
#   - /usr/local/bin (first on sshd's PATH) holds a fake `docker` and `systemctl` that print
#     a hostile container (exited with code 3), image and failed units from DIR; /run/systemd
#     is a private tmpfs with a `system` folder (what the probe takes for systemd), and
#     DOCKER_HOST (sshd's SetEnv) names a socket file in DIR the probe finds writable.
# Everything it starts lives in that namespace; `stop` ends it and the mounts go with it.
# Logins use the test user, host key and authorized_keys of scripts/test-hosts.sh.
#
# DIR receives: known_hosts ([ADDRESS]:PORT), names.json (the raw hostile names, for the
# checks), sshd.log, pids. Needs root, unshare, losetup support, mkfs.ext2.
set -eu

readonly first_uid=64990

die() {
    printf 'hostile-host: %s\n' "$*" >&2
    exit 1
}

# The hostile names, as bytes (printf %b escapes). Process names are what the kernel
# keeps of a program's file name: 15 bytes.
os_name='<script>alert(1)</script> =1+1 \x27; DROP TABLE servers;-- \033[31mred\033[0m \xe2\x80\xaeevil'
user_names=(
    '<img src=x onerror=alert(1)>'
    '=HYPERLINK(1+1)'
    '+1\x27; DROP TABLE users;--'
    '\033[2J\033[31mansi'
    '\xe2\x80\xaegnp.exe'
)
process_names=(
    '<svg onload=1>'
    '@SUM(1+1)*cmd'
    '-1\x27; DROP x--'
    '\033[31mred\033[0m'
    '\xe2\x80\xaetxt.exe'
)
mount_name='<i>fs</i>=1+1 \033[31m\xe2\x80\xaeok'
container_name='<img src=x onerror=alert(2)>\x27;DROP TABLE sample_containers;-- \033[31m\xe2\x80\xaectr'
container_image='=HYPERLINK("x")<b>img</b>:\033[2Jlatest'
# A unit name is one word (the probe reads the first field); the second is 300 bytes long.
unit_names=(
    '<b>unit</b>\x27;DROP-TABLE-units;--\033[31m\xe2\x80\xae.service'
    "=cmd|$(printf 'u%.0s' $(seq 300)).service"
)
command_line='<script>alert("cmd")</script> \x27; DROP TABLE sample_processes;-- =HYPERLINK("x") \033[31mred\033[0m \xe2\x80\xae'"$(printf 'A%.0s' $(seq 300))"

# Writes names.json: every name as the host shows it (bytes → JSON via python, \u escapes).
write_names() {
    local dir=$1 args=() name
    args+=("$(printf '%b' "$os_name")")
    for name in "${user_names[@]}"; do args+=("$(printf '%b' "$name")"); done
    for name in "${process_names[@]}"; do args+=("$(printf '%b' "$name")"); done
    args+=("/mnt/$(printf '%b' "$mount_name")")
    args+=("$(printf '%b' "$container_name")" "$(printf '%b' "$container_image")" "$(printf '%b' "$command_line")")
    for name in "${unit_names[@]}"; do args+=("$(printf '%b' "$name")"); done
    python3 - "$dir/names.json" "${args[@]}" <<'PY'
import json, sys
path, os_name, *rest = sys.argv[1:]
users, processes, mount = rest[0:5], rest[5:10], rest[10]
container, image, command, units = rest[11], rest[12], rest[13], rest[14:]
with open(path, "w", encoding="utf-8") as out:
    json.dump({"os": os_name, "users": users, "processes": processes, "mount": mount, "containers": [container],
               "images": [image], "commands": [command], "units": units}, out, ensure_ascii=True)
PY
}

prepare() {
    local dir=$1 ssh_dir=$2 address=$3 port=$4 i
    install -d -m 755 "$dir/bin" "$dir/etc"
    { grep -v '^PRETTY_NAME=' /etc/os-release; printf 'PRETTY_NAME="%b"\n' "$os_name"; } >"$dir/etc/os-release"
    cp /etc/passwd "$dir/etc/passwd"
    for i in "${!user_names[@]}"; do
        printf '%b:x:%s:%s::/nonexistent:/usr/sbin/nologin\n' "${user_names[$i]}" $((first_uid + i)) $((first_uid + i)) >>"$dir/etc/passwd"
        cp /bin/sleep "$dir/bin/$(printf '%b' "${process_names[$i]}")"
    done
    chmod 644 "$dir/etc/os-release" "$dir/etc/passwd"
    fake_engine "$dir"
    chmod 755 "$dir"/bin/*
    [ -s "$dir/fs.img" ] || { truncate -s 2M "$dir/fs.img" && mkfs.ext2 -q -F "$dir/fs.img"; }
    {
        printf '# Generated by scripts/hostile-host.sh: test host, loopback only.\n'
        printf 'Port %s\nListenAddress %s\n' "$port" "$address"
        printf 'HostKey %s\n' "$ssh_dir/ssh_host_ed25519_key"
        printf 'AuthorizedKeysFile %s\n' "$ssh_dir/authorized_keys"
        printf 'PidFile none\n'
        printf 'SetEnv DOCKER_HOST=unix://%s/docker.sock\n' "$dir"
        sed -n '/^AllowUsers/,$p' "$ssh_dir/sshd_config.0"
    } >"$dir/sshd_config"
    /usr/sbin/sshd -t -f "$dir/sshd_config" || die "sshd rejects $dir/sshd_config"
    printf '[%s]:%s %s\n' "$address" "$port" "$(cut -d' ' -f1,2 "$ssh_dir/ssh_host_ed25519_key.pub")" >"$dir/known_hosts"
    write_names "$dir"
}

# The fake `docker` and `systemctl` in DIR/fakebin, their answers in DIR/engine, and the
# socket file DOCKER_HOST names (nothing listens on it: the fake docker never connects).
fake_engine() {
    local dir=$1 name
    install -d -m 755 "$dir/fakebin" "$dir/engine"
    name=$(printf '%b' "$container_name")
    {
        printf '%s\t%b\tExited (3) 2 minutes ago\n' "$name" "$container_image"
        printf 'web\tnginx:1.27\tUp 3 hours\n'
    } >"$dir/engine/ps"
    printf '/%s\t0\t3\n/web\t0\t0\n' "$name" >"$dir/engine/inspect"
    printf 'web\t0.50%%\t10MiB / 1GiB\n' >"$dir/engine/stats"
    for name in "${unit_names[@]}"; do printf '%b loaded failed failed hostile unit\n' "$name"; done >"$dir/engine/units"
    # shellcheck disable=SC2016 # $1 is the fake docker's own argument
    printf '#!/bin/sh\n# scripts/hostile-host.sh: a fake docker printing hostile names.\ncase $1 in ps | inspect | stats) cat "%s/engine/$1" ;; *) exit 1 ;; esac\n' \
        "$dir" >"$dir/fakebin/docker"
    printf '#!/bin/sh\n# scripts/hostile-host.sh: a fake systemctl listing hostile failed units.\ncat "%s/engine/units"\n' "$dir" >"$dir/fakebin/systemctl"
    chmod 755 "$dir/fakebin/docker" "$dir/fakebin/systemctl"
    chmod 644 "$dir/engine/"*
    rm -f "$dir/docker.sock"
    python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$dir/docker.sock"
    chmod 666 "$dir/docker.sock"
}

# Runs inside the new mount namespace: mounts, the hostile processes, then sshd.
inside() {
    local dir=$1 i name
    mount --bind "$dir/etc/passwd" /etc/passwd
    mount --bind "$dir/etc/os-release" /etc/os-release
    mount -t tmpfs -o size=64k,mode=755 sd-hostile /mnt
    name="/mnt/$(printf '%b' "$mount_name")"
    mkdir -p "$name"
    mount -o loop "$dir/fs.img" "$name"
    mount --bind "$dir/fakebin" /usr/local/bin
    mkdir -p /run/systemd
    mount -t tmpfs -o size=16k,mode=755 sd-hostile-systemd /run/systemd
    mkdir /run/systemd/system
    # About a quarter of a core, so the probe's top ten (by CPU over its window) list it.
    # shellcheck disable=SC2016 # the loop expands in the inner bash
    setpriv --reuid=$((first_uid + 5)) --regid=$((first_uid + 5)) --clear-groups -- bash -c 'exec -a "$0" bash -c "$1"' "$(printf '%b' "$command_line")" \
        'while :; do i=0; while [ $i -lt 10000 ]; do i=$((i + 1)); done; sleep 0.1; done' </dev/null >/dev/null 2>&1 &
    for i in "${!process_names[@]}"; do
        setpriv --reuid=$((first_uid + i)) --regid=$((first_uid + i)) --clear-groups -- \
            "$dir/bin/$(printf '%b' "${process_names[$i]}")" infinity </dev/null >/dev/null 2>&1 &
    done
    exec /usr/sbin/sshd -D -f "$dir/sshd_config" -E "$dir/sshd.log" </dev/null
}

answers() {
    local banner
    # shellcheck disable=SC2016 # $0 and $1 expand in the inner bash
    banner=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && head -c 4 <&3' "$1" "$2" 2>/dev/null || true)
    [ "$banner" = SSH- ]
}

start() {
    local dir=$1 address=$2 port=$3 i
    [ "$(id -u)" = 0 ] || die "must run as root (mount namespace, loop device)"
    : "${SD_TEST_SSH_DIR:?SD_TEST_SSH_DIR not set: start scripts/test-hosts.sh first}"
    [[ $address == 127.* ]] || die "$address is not a loopback address"
    for tool in unshare setpriv mkfs.ext2 python3; do command -v "$tool" >/dev/null || die "$tool not found"; done
    answers "$address" "$port" && die "$address:$port is taken"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
    chmod 755 "$dir"
    prepare "$dir" "$SD_TEST_SSH_DIR" "$address" "$port"
    setsid unshare --mount --propagation private -- "$0" inside "$dir" >>"$dir/sshd.log" 2>&1 &
    printf '%s\n' $! >"$dir/pid"
    for i in $(seq 100); do
        if answers "$address" "$port"; then
            printf 'hostile-host: sshd on %s:%s; names in %s\n' "$address" "$port" "$dir/names.json"
            return 0
        fi
        kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
        sleep 0.1
    done
    tail -n 20 "$dir/sshd.log" >&2 || true
    stop "$dir"
    die "the hostile host did not start (see above)"
}

# Ends the namespace's processes: the sshd (pid file) and everything in its session.
stop() {
    local dir=$1 pid
    [ -s "$dir/pid" ] || return 0
    pid=$(cat "$dir/pid")
    if [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/stat" ]; then
        pkill -TERM -s "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            pgrep -s "$pid" >/dev/null || break
            sleep 0.1
        done
        pkill -KILL -s "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/pid"
}

case ${1:-} in
    start) [ $# = 4 ] || die "usage: $0 start DIR ADDRESS PORT"; start "$2" "$3" "$4" ;;
    stop) [ $# = 2 ] || die "usage: $0 stop DIR"; stop "$2" ;;
    inside) [ $# = 2 ] || die "internal"; inside "$2" ;;
    *) die "usage: $0 start DIR ADDRESS PORT | stop DIR" ;;
esac
