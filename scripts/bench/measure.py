#!/usr/bin/env python3
"""Runs one command and records what it cost, for scripts/bench-collect.sh.

    measure.py OUT.json [--settle SECONDS] [--account NAME=SPEC ...] [--procs NAME=CGROUP ...]
               -- COMMAND [ARG ...]

Writes OUT.json with the command's wall time (monotonic clock, fork to reap), its
user and system CPU seconds and peak RSS (wait4 rusage: the process and every
descendant it reaped), its exit status, and for each --account the CPU seconds that
group of processes used meanwhile. SPEC is one of:

    cgroup2:/sys/fs/cgroup/...   cpu.stat usage_usec of a cgroup v2 folder
    cgroup1:/sys/fs/cgroup/...   cpuacct.usage of a cgroup v1 cpuacct folder
    pids:1,2,3                   utime+stime+cutime+cstime of those processes from
                                 /proc/PID/stat (cutime/cstime hold the children they reaped;
                                 for sshd listeners that misses the sessions' commands:
                                 a lower bound)

--procs counts the processes in a cgroup folder (its cgroup.procs) every 0.1 s
while the command runs, for their mean and peak: how many sshd processes a client
keeps alive at once.

The accounts are read SECONDS (0.3) after the command exits, so that work it left
behind (sshd closing sessions) is counted; the wall time stops at the exit.

It also records the CPU seconds the whole machine was busy (/proc/stat), so the
report can show how much of the machine went to processes outside the benchmark.
Standard input, output and error are the command's own.
"""

import json
import os
import sys
import threading
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(spec):
    kind, _, where = spec.partition(":")
    if kind == "cgroup2":
        with open(os.path.join(where, "cpu.stat")) as f:
            for line in f:
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value) / 1e6
        raise RuntimeError(f"{where}/cpu.stat has no usage_usec")
    if kind == "cgroup1":
        with open(os.path.join(where, "cpuacct.usage")) as f:
            return int(f.read()) / 1e9
    if kind == "pids":
        total = 0
        for pid in filter(None, where.split(",")):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone: its figures went to its parent, which is not ours
            # fields[0] is the state (field 3); utime stime cutime cstime are fields 14-17
            total += sum(int(x) for x in fields[11:15])
        return total / CLOCK_TICKS
    raise ValueError(f"unknown accounting {spec!r}")


def machine_busy_seconds():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is inside user)
    busy = fields[0] + fields[1] + fields[2] + sum(fields[5:8])
    return busy / CLOCK_TICKS


def main(argv):
    if len(argv) < 4 or "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[1]
    split = argv.index("--")
    options, command = argv[2:split], argv[split + 1:]
    accounts = {}
    counted = {}
    settle = 0.3
    i = 0
    while i < len(options):
        if options[i] == "--settle" and i + 1 < len(options):
            settle = float(options[i + 1])
        elif options[i] == "--account" and i + 1 < len(options) and "=" in options[i + 1]:
            name, _, spec = options[i + 1].partition("=")
            accounts[name] = spec
        elif options[i] == "--procs" and i + 1 < len(options) and "=" in options[i + 1]:
            name, _, where = options[i + 1].partition("=")
            counted[name] = os.path.join(where, "cgroup.procs")
        else:
            print(f"measure.py: bad option {options[i]!r}", file=sys.stderr)
            return 2
        i += 2
    if not command:
        print("measure.py: no command", file=sys.stderr)
        return 2

    samples = {name: [] for name in counted}
    done = threading.Event()

    def count_processes():
        while not done.wait(0.1):
            for name, path in counted.items():
                try:
                    with open(path) as f:
                        samples[name].append(len(f.read().split()))
                except OSError:
                    pass

    sampler = threading.Thread(target=count_processes, daemon=True)
    before = {name: cpu_seconds(spec) for name, spec in accounts.items()}
    busy_before = machine_busy_seconds()
    started_unix = time.time()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    if counted:
        sampler.start()
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - started
    done.set()
    time.sleep(settle)
    busy = machine_busy_seconds() - busy_before
    after = {name: cpu_seconds(spec) for name, spec in accounts.items()}

    result = {
        "command": command[0],
        "exit_status": os.waitstatus_to_exitcode(status),
        "wall_s": wall,
        "started_unix": started_unix,
        "ended_unix": started_unix + wall,
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "max_rss_kb": usage.ru_maxrss,
        "machine_busy_cpu_s": busy,
        "accounts_cpu_s": {name: after[name] - before[name] for name in accounts},
        "processes": {name: {"mean": sum(v) / len(v) if v else None, "max": max(v, default=None)}
                      for name, v in samples.items()},
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
