#!/usr/bin/env python3
"""The comparison client for scripts/bench-collect.sh: Python asyncssh running the
collector's probe (`sh -s`, the script on standard input) on every host of a list,
at most CONCURRENCY at once, the way the collector does it (public-key login,
host keys checked against a known_hosts file).

    asyncssh_probe.py HOSTS_FILE KEY KNOWN_HOSTS USER SCRIPT CONCURRENCY OUT.json

HOSTS_FILE has one `ADDRESS PORT` per line. The key and known_hosts are read once,
~/.ssh/config and any agent are ignored. OUT.json gets each host's duration and
outcome and the fan-out's own wall time (from the first connect to the last result,
without interpreter start-up). A host counts as ok when the probe exits 0 and its
output carries the `@@sd:begin` marker; it is also counted as incomplete when a
section the collector parses from /proc samples (cpu, processes, users) or the end
marker is missing, as the collector logs "probe output had unreadable parts".
"""

import asyncio
import json
import sys
import time

import asyncssh

SECTIONS = (b"\n@@sd:cpu\n", b"\n@@sd:processes\n", b"\n@@sd:users\n", b"\n@@sd:end")


async def probe(address, port, user, key, known_hosts, script, limit):
    async with limit:
        started = time.monotonic()
        outcome, message, complete = "ok", None, False
        try:
            async with asyncssh.connect(
                address, port, username=user, client_keys=[key], known_hosts=known_hosts,
                agent_path=None, config=[], preferred_auth="publickey",
                connect_timeout=10, login_timeout=30,
            ) as connection:
                result = await asyncio.wait_for(
                    connection.run("sh -s", input=script, encoding=None, check=False), 30)
            stdout = result.stdout or b""
            if result.exit_status != 0 or b"@@sd:begin" not in stdout:
                outcome, message = "failed", f"exit {result.exit_status}, {len(stdout)} bytes"
            complete = all(s in stdout for s in SECTIONS) and b"error=cannot read /proc/stat" not in stdout
            if not complete and result.stderr:
                message = result.stderr.decode(errors="replace").strip()[:200]
        except (OSError, asyncssh.Error, asyncio.TimeoutError) as error:
            outcome, message = "failed", f"{type(error).__name__}: {error}"
        return {
            "server_name": f"{address}:{port}", "outcome": outcome, "complete": complete, "message": message,
            "duration_ms": round((time.monotonic() - started) * 1000),
        }


async def main(argv):
    hosts_file, key_file, known_hosts_file, user, script_file, concurrency, out = argv[1:8]
    with open(hosts_file) as f:
        hosts = [(a, int(p)) for a, p in (line.split() for line in f if line.strip())]
    with open(script_file, "rb") as f:
        script = f.read()
    key = asyncssh.read_private_key(key_file)
    known_hosts = asyncssh.read_known_hosts(known_hosts_file)
    limit = asyncio.Semaphore(int(concurrency))
    started = time.monotonic()
    servers = await asyncio.gather(*(probe(a, p, user, key, known_hosts, script, limit) for a, p in hosts))
    fan_out = time.monotonic() - started
    with open(out, "w") as f:
        json.dump({
            "asyncssh_version": asyncssh.__version__, "concurrency": int(concurrency),
            "fan_out_s": fan_out, "ok": sum(s["outcome"] == "ok" for s in servers),
            "failed": sum(s["outcome"] != "ok" for s in servers),
            "incomplete": sum(s["outcome"] == "ok" and not s["complete"] for s in servers), "servers": servers,
        }, f, indent=1)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 8:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(main(sys.argv)))
