#!/usr/bin/env python3
"""Prints the figures of scripts/bench-collect.sh and checks them against the targets.

    report.py RESULTS_DIR [SUMMARY.json]

RESULTS_DIR holds meta.json (written by the script), and per run K:
collector-K.measure.json and collector-K.json (`collector run --once --json`),
asyncssh-K.measure.json and asyncssh-K.json (when the comparison ran), and
serial.measure.json (the serial OpenSSH sample). measure.json files come from
measure.py. Exit status: 0, or 3 when a target was not met and meta.strict is set.
"""

import json
import math
import os
import sys
from datetime import datetime

# The targets.
FLOOR_FACTOR = 1.2          # wall at most 1.2x the hosts' CPU floor
SERIAL_SPEEDUP = 8.0        # at least 8x faster than a serial ssh loop
CPU_MS_PER_HOST = 10.0      # collector CPU under 10 ms per host
RSS_MB = 100.0              # collector peak RSS under 100 MB ...
RSS_AT_HOSTS = 1000         # ... at 1,000 hosts


def load(path):
    with open(path) as f:
        return json.load(f)


def percentile(values, p):
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def median_run(runs):
    """The run whose wall time is the median (the lower one of the middle two)."""
    ordered = sorted(runs, key=lambda r: r["measure"]["wall_s"])
    return ordered[(len(ordered) - 1) // 2]


def read_runs(directory, prefix, count):
    runs = []
    for k in range(1, count + 1):
        measure = os.path.join(directory, f"{prefix}-{k}.measure.json")
        output = os.path.join(directory, f"{prefix}-{k}.json")
        if not (os.path.exists(measure) and os.path.exists(output)):
            continue
        try:
            report = load(output)
        except (ValueError, OSError):
            report = {"servers": []}
        stderr = os.path.join(directory, f"{prefix}-{k}.stderr")
        incomplete = None
        if os.path.exists(stderr):
            with open(stderr, errors="replace") as f:
                incomplete = sum("probe output had unreadable parts" in line for line in f)
        runs.append({"k": k, "measure": load(measure), "report": report, "incomplete": incomplete})
    return runs


def unix_time(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (AttributeError, ValueError):
        return None


def mb(kb):
    return kb / 1024


def main(argv):
    directory = argv[1]
    summary_path = argv[2] if len(argv) > 2 and argv[2] else None
    meta = load(os.path.join(directory, "meta.json"))
    hosts, cores = meta["hosts"], meta["cores"]
    lines = []
    say = lines.append

    say("")
    say(f"make bench-collect: {hosts} hosts, concurrency {meta['concurrency']}, {cores} cores")
    say(f"  hosts      {meta['layout']}")
    say(f"  sshd CPU   measured with {meta['accounting']}")
    say(f"  versions   {meta['versions']}")
    say(f"  priority   {meta.get('priority', 'none')}")

    collector_runs = read_runs(directory, "collector", meta["runs"])
    if not collector_runs:
        print("\n".join(lines))
        print("bench-collect: no collector run finished", file=sys.stderr)
        return 1
    run = median_run(collector_runs)
    m, report = run["measure"], run["report"]
    exact = meta.get("accounting_exact", 1) == 1
    bound = "" if exact else " (a lower bound)"
    durations = [s["duration_ms"] for s in report.get("servers", [])]
    ok = sum(s.get("outcome") == "ok" for s in report.get("servers", []))
    failed = len(durations) - ok
    sshd = m["accounts_cpu_s"].get("sshd")
    postgres = m["accounts_cpu_s"].get("postgres")
    floor = sshd / cores if sshd is not None else None
    walls = " ".join(f"{r['measure']['wall_s']:.2f}" for r in collector_runs)

    def say_processes(measure):
        counts = measure.get("processes", {}).get("sshd")
        if counts and counts["max"] is not None:
            say(f"  sshd processes alive      {counts['mean']:7.0f} on average, {counts['max']} at most (listeners, sessions and probes, sampled every 0.1 s)")

    def other_cpu(measure):
        known = measure["cpu_s"] + sum(v for v in measure["accounts_cpu_s"].values())
        return measure["machine_busy_cpu_s"] - known

    say("")
    which = f"run {run['k']} of {len(collector_runs)}, the median wall" if len(collector_runs) > 1 else "one run"
    say(f"collector run --once --json ({which})")
    say(f"  wall time                 {m['wall_s']:7.2f} s   (process start to exit; every run: {walls} s)")
    run_start, run_end = unix_time(report.get("started_at")), unix_time(report.get("finished_at"))
    if run_start and run_end and "started_unix" in m:
        say(f"  of which                  {run_start - m['started_unix']:7.2f} s before the run began (start-up, database, migrations check),"
            f" {run_end - run_start:.2f} s the run (started_at to finished_at), {m['ended_unix'] - run_end:.2f} s after it")
    say(f"  per host p50 / p95 / max  {percentile(durations, 50):7.0f} / {percentile(durations, 95):.0f} / {max(durations, default=0):.0f} ms")
    say(f"  servers ok / failed       {ok:7d} / {failed}" + (f"   exit status {m['exit_status']}" if m["exit_status"] else "")
        + (f"   ({run['incomplete']} ok with sections missing: 'probe output had unreadable parts')" if run["incomplete"] else ""))
    say(f"  collector CPU             {m['cpu_s']:7.2f} s   ({m['cpu_s'] / hosts * 1000:.1f} ms per host; user {m['user_s']:.2f}, system {m['sys_s']:.2f})")
    say(f"  collector peak RSS        {mb(m['max_rss_kb']):7.1f} MB")
    if sshd is not None:
        say(f"  test sshd CPU             {sshd:7.2f} s   ({sshd / hosts * 1000:.0f} ms per host: sshd, its sessions and the probe){bound}")
        say(f"  hosts' CPU floor          {floor:7.2f} s   (sshd CPU / {cores} cores){bound}")
    if postgres is not None:
        say(f"  PostgreSQL CPU            {postgres:7.2f} s")
    if sshd is not None and postgres is not None:
        ours = (sshd + postgres + m["cpu_s"]) / cores
        say(f"  all of it / {cores} cores       {ours:7.2f} s   (sshd + collector + PostgreSQL: the wall time if CPU were the only limit, {ours / floor:.2f}x the floor)")
    say(f"  other processes' CPU      {other_cpu(m):7.2f} s   (machine busy time minus the above; ~0 on a quiet machine)")
    say_processes(m)

    asyncssh_runs = read_runs(directory, "asyncssh", meta["runs"])
    arun = median_run(asyncssh_runs) if asyncssh_runs else None
    if arun:
        am, areport = arun["measure"], arun["report"]
        adurations = [s["duration_ms"] for s in areport.get("servers", [])]
        asshd = am["accounts_cpu_s"].get("sshd")
        awalls = " ".join(f"{r['measure']['wall_s']:.2f}" for r in asyncssh_runs)
        say("")
        which = f"run {arun['k']} of {len(asyncssh_runs)}, the median wall" if len(asyncssh_runs) > 1 else "one run"
        say(f"asyncssh {areport.get('asyncssh_version', '?')} on {meta.get('python', 'Python')}, same probe, hosts and key, concurrency {meta['concurrency']} ({which})")
        say(f"  wall time                 {am['wall_s']:7.2f} s   (process start to exit; fan-out alone {areport.get('fan_out_s', float('nan')):.2f} s; every run: {awalls} s)")
        say(f"  per host p50 / p95 / max  {percentile(adurations, 50):7.0f} / {percentile(adurations, 95):.0f} / {max(adurations, default=0):.0f} ms")
        say(f"  servers ok / failed       {areport.get('ok', 0):7d} / {areport.get('failed', 0)}"
            + (f"   ({areport['incomplete']} ok with sections missing)" if areport.get("incomplete") else ""))
        say(f"  client CPU                {am['cpu_s']:7.2f} s   ({am['cpu_s'] / hosts * 1000:.1f} ms per host)   peak RSS {mb(am['max_rss_kb']):.1f} MB")
        if asshd is not None:
            say(f"  test sshd CPU             {asshd:7.2f} s   ({asshd / hosts * 1000:.0f} ms per host){bound}")
        say(f"  other processes' CPU      {other_cpu(am):7.2f} s")
        say_processes(am)
    elif meta.get("asyncssh_skipped"):
        say("")
        say(f"asyncssh comparison skipped: {meta['asyncssh_skipped']}")

    serial_path = os.path.join(directory, "serial.measure.json")
    serial = load(serial_path) if os.path.exists(serial_path) else None
    serial_total = None
    if serial:
        sample = meta["serial_sample"]
        per_host = serial["wall_s"] / sample
        serial_total = per_host * hosts
        ssshd = serial["accounts_cpu_s"].get("sshd")
        say("")
        say(f"serial OpenSSH loop ({meta.get('ssh_version', 'ssh')}, default options: one `ssh … sh -s < probe.sh` after another)")
        say(f"  timed                     {serial['wall_s']:7.2f} s for the first {sample} hosts"
            + ("" if serial["exit_status"] == 0 else f"   (exit status {serial['exit_status']}: a login failed)"))
        say(f"  per host                  {per_host * 1000:7.0f} ms   (ssh client CPU {serial['cpu_s'] / sample * 1000:.0f} ms"
            + (f", sshd CPU {ssshd / sample * 1000:.0f} ms{bound}" if ssshd is not None else "") + ")")
        say(f"  extrapolated to {hosts} hosts {serial_total:6.1f} s   ({sample} timed x {hosts / sample:g}, not run)")
    elif meta.get("serial_skipped"):
        say("")
        say(f"serial OpenSSH loop skipped: {meta['serial_skipped']}")

    # Targets
    rows = []
    wall = m["wall_s"]
    if arun:
        aw = arun["measure"]["wall_s"]
        rows.append((f"{hosts} hosts no slower than asyncssh (c={meta['concurrency']})", f"{wall:.2f} s vs {aw:.2f} s", wall <= aw))
    else:
        rows.append(("no slower than asyncssh", "not measured", None))
    if floor:
        ratio = wall / floor
        rows.append((f"within {FLOOR_FACTOR}x the hosts' CPU floor", f"{wall:.2f} s / {floor:.2f} s = {ratio:.3f}x"
                     + ("" if exact else " (floor a lower bound: no cgroup)"), (ratio <= FLOOR_FACTOR) if exact else None))
    else:
        rows.append(("within 1.2x the hosts' CPU floor", "sshd CPU not measured", None))
    if serial_total:
        speedup = serial_total / wall
        rows.append((f"at least {SERIAL_SPEEDUP:g}x faster than serial ssh", f"{serial_total:.1f} s / {wall:.2f} s = {speedup:.1f}x", speedup >= SERIAL_SPEEDUP))
    else:
        rows.append(("at least 8x faster than serial ssh", "not measured", None))
    per_host_ms = m["cpu_s"] / hosts * 1000
    rows.append((f"collector CPU under {CPU_MS_PER_HOST:g} ms per host", f"{per_host_ms:.1f} ms", per_host_ms < CPU_MS_PER_HOST))
    rss = mb(m["max_rss_kb"])
    if hosts >= RSS_AT_HOSTS:
        rows.append((f"collector RSS under {RSS_MB:g} MB at {RSS_AT_HOSTS:,} hosts", f"{rss:.1f} MB at {hosts:,} hosts", rss < RSS_MB))
    else:
        rows.append((f"collector RSS under {RSS_MB:g} MB at {RSS_AT_HOSTS:,} hosts",
                     f"{rss:.1f} MB at {hosts} hosts (BENCH_HOSTS=1000 checks it)", None))

    say("")
    say("targets")
    width = max(len(r[0]) for r in rows)
    fwidth = max(len(r[1]) for r in rows)
    for name, figure, verdict in rows:
        mark = "met" if verdict else ("NOT MET" if verdict is False else "-")
        say(f"  {name:<{width}}  {figure:<{fwidth}}  {mark}")

    notes = []
    if failed or m["exit_status"]:
        notes.append(f"the collector reported {failed} failed server(s) (exit status {m['exit_status']}); see its output above")
    incomplete_runs = [r["incomplete"] or 0 for r in collector_runs] + [r["report"].get("incomplete", 0) for r in asyncssh_runs]
    if any(incomplete_runs):
        note = f"probe outputs with sections missing, per run (collector runs, then asyncssh ones): {incomplete_runs} of {hosts}"
        messages = sorted({s["message"] for r in asyncssh_runs for s in r["report"].get("servers", [])
                           if s.get("outcome") == "ok" and not s.get("complete", True) and s.get("message")})
        if messages:
            note += "; the probe's stderr then said: " + " | ".join(messages[:3])
        notes.append(note)
    busy_other = other_cpu(m)
    if busy_other > 0.1 * max(m["cpu_s"] + (sshd or 0), 0.5):
        notes.append(f"other processes used {busy_other:.1f} CPU-seconds during the collector run: the machine was not quiet, so wall times are pessimistic")
    if notes:
        say("")
        for note in notes:
            say(f"note: {note}")
    print("\n".join(lines))

    if summary_path:
        summary = {
            "meta": meta,
            "collector": {"wall_s": wall, "p50_ms": percentile(durations, 50), "p95_ms": percentile(durations, 95),
                          "ok": ok, "failed": failed, "incomplete": run["incomplete"], "cpu_s": m["cpu_s"], "max_rss_kb": m["max_rss_kb"],
                          "sshd_cpu_s": sshd, "postgres_cpu_s": postgres, "other_cpu_s": busy_other,
                          "every_wall_s": [r["measure"]["wall_s"] for r in collector_runs]},
            "asyncssh": None if not arun else {
                "wall_s": arun["measure"]["wall_s"], "cpu_s": arun["measure"]["cpu_s"],
                "sshd_cpu_s": arun["measure"]["accounts_cpu_s"].get("sshd"),
                "every_wall_s": [r["measure"]["wall_s"] for r in asyncssh_runs]},
            "serial": None if not serial else {"sample": meta["serial_sample"], "wall_s": serial["wall_s"], "extrapolated_s": serial_total},
            "targets": [{"target": n, "figure": f, "met": v} for n, f, v in rows],
        }
        with open(summary_path, "w") as f:
            json.dump(summary, f, indent=1)

    if meta.get("strict") and any(v is False for _, _, v in rows):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
