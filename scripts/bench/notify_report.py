#!/usr/bin/env python3
"""Counts what the loopback receiver got and prints the figures of scripts/bench-notify.sh.

    notify_report.py received PORT OUT.json   what http_receiver.py on 127.0.0.1:PORT recorded
    notify_report.py report RESULTS_DIR       the figures, from the files below

`received` writes {requests, event_ids (distinct), duplicates, grouped (messages carrying
several events), first_unix, last_unix}: a single webhook payload carries `event_id`, a
grouped one `event: "grouped"` and `events: [{event_id, ...}]` (docs/notifications.md).

RESULTS_DIR holds meta.json (the settings) and, written by the script:
  deliver-MODE-K.measure.json   measure.py of the K-th `collector notify pending` (MODE single, grouped)
  deliver-MODE.received.json    `received` after the last one
  deliver-MODE.db.json          the notifications' states afterwards
  run-KIND-K.measure.json       measure.py of `collector run --once --json` (KIND plain, hang)
  run-KIND-K.json               its --json report
  run-KIND-K.db.json            samples, alerts, notifications and the run's end, from the database
  run-hang-K.received.json      what the hanging receiver got
"""

import glob
import json
import os
import statistics
import sys
import urllib.request


def load(path):
    with open(path) as f:
        return json.load(f)


def received(port, out):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_requests", timeout=10) as answer:
        requests = json.load(answer)
    ids, grouped = [], 0
    for request in requests:
        try:
            body = json.loads(request["body"])
        except ValueError:
            continue
        if body.get("event") == "grouped":
            grouped += 1
            ids += [event.get("event_id") for event in body.get("events", [])]
        else:
            ids.append(body.get("event_id"))
    times = [request["time"] for request in requests]
    summary = {"requests": len(requests), "event_ids": len(set(ids)), "duplicates": len(ids) - len(set(ids)),
               "grouped": grouped, "first_unix": min(times, default=None), "last_unix": max(times, default=None)}
    with open(out, "w") as f:
        json.dump(summary, f, indent=1)


def deliver_figures(results, meta, mode, label):
    steps = [load(p) for p in sorted(glob.glob(os.path.join(results, f"deliver-{mode}-*.measure.json")))]
    got = load(os.path.join(results, f"deliver-{mode}.received.json"))
    db = load(os.path.join(results, f"deliver-{mode}.db.json"))
    wall = sum(s["wall_s"] for s in steps)
    user = sum(s["user_s"] for s in steps)
    system = sum(s["sys_s"] for s in steps)
    events = meta["events"]
    complete = got["event_ids"] == events and db["delivered"] == events
    print(f"  {label}")
    print(f"    wall {wall:.2f} s  ({wall / events * 1000:.2f} ms per notification)"
          f" in {len(steps)} `collector notify pending` step{'s' if len(steps) != 1 else ''}")
    print(f"    collector CPU {user + system:.2f} s (user {user:.2f} + sys {system:.2f});"
          f" {(user + system) / events * 1000:.2f} ms per notification; peak RSS {max(s['max_rss_kb'] for s in steps) / 1024:.0f} MB")
    print(f"    receiver: {got['requests']} requests ({got['grouped']} grouped), {got['event_ids']} distinct event ids,"
          f" {got['duplicates']} duplicates; database: {db['delivered']} delivered, {db['pending']} pending, {db['failed']} failed"
          f"  -> {'all ' + str(events) + ' delivered' if complete else 'INCOMPLETE'}")
    return complete


def run_figures(results, kind):
    runs = []
    for path in sorted(glob.glob(os.path.join(results, f"run-{kind}-*.measure.json"))):
        base = path[: -len(".measure.json")]
        run = {"measure": load(path), "report": load(base + ".json"), "db": load(base + ".db.json")}
        if os.path.exists(base + ".received.json"):
            run["received"] = load(base + ".received.json")
        runs.append(run)
    return runs


def run_line(run, hosts):
    m, report, db = run["measure"], run["report"], run["db"]
    stored = db["run_finished_unix"] - m["started_unix"]
    after = m["ended_unix"] - db["run_finished_unix"]
    line = (f"wall {m['wall_s']:.2f} s (collection and storage {stored:.2f} s, then {after:.2f} s to exit);"
            f" {report['ok']}/{hosts} ok, samples from {db['servers_with_samples']} servers, {db['disk_alerts']} open disk alerts"
            f" ({db['open_alerts']} in all), {db['notifications']} notifications ({db['attempted']} attempted, {db['delivered']} delivered)")
    ok = report["ok"] == hosts and db["servers_with_samples"] == hosts and db["disk_alerts"] == hosts
    got = run.get("received")
    if got is not None:
        first = got["first_unix"]
        before = first is not None and first >= db["run_finished_unix"]
        line += (f"; receiver got {got['requests']} request(s) carrying {got['event_ids']} event ids, the first"
                 f" {first - db['run_finished_unix']:+.3f} s after the run was stored" if first is not None else "; receiver got nothing")
        # One grouped message of at most 100 events starts; no other after the timeout.
        ok = ok and before and got["event_ids"] == min(db["notifications"], 100) and db["attempted"] == got["event_ids"]
    return line, ok, after


def report(results):
    meta = load(os.path.join(results, "meta.json"))
    hosts, timeout = meta["hosts"], meta["timeout"]
    print()
    print(f"== figures ({meta['machine']})")
    print(f"1. delivering {meta['events']} pending notifications to a loopback JSON webhook (default NOTIFY_TIMEOUT_SECONDS)")
    complete = deliver_figures(results, meta, "single", "NOTIFY_GROUP_MIN=100000: one request per notification")
    complete = deliver_figures(results, meta, "grouped", "NOTIFY_GROUP_MIN=5 (default): grouped, 100 events a message") and complete
    print(f"2. `collector run --once` over {hosts} loopback sshd hosts, each opening a disk alert, COLLECT_ATTEMPTS=1")
    plain, hang = run_figures(results, "plain"), run_figures(results, "hang")
    checks = True
    tails = {}
    for name, kind, runs in (("plain", "no NOTIFY_URLS        ", plain), ("hang", f"receiver hangs, {timeout:g} s", hang)):
        tails[name] = []
        for k, run in enumerate(runs, 1):
            line, ok, after = run_line(run, hosts)
            checks = checks and ok
            tails[name].append(after)
            print(f"  {kind} run {k}: {line}{'' if ok else '  <- CHECK FAILED'}")
    plain_wall = statistics.median(r["measure"]["wall_s"] for r in plain)
    hang_wall = statistics.median(r["measure"]["wall_s"] for r in hang)
    growth = hang_wall - plain_wall
    step = statistics.median(tails["hang"]) - statistics.median(tails["plain"])
    print(f"  median wall: {plain_wall:.2f} s without notifications, {hang_wall:.2f} s with the receiver hanging:"
          f" growth {growth:+.2f} s (includes the collection's own run-to-run noise)")
    print(f"  growth of the time from the stored run to the collector's exit (medians, free of that noise): {step:+.2f} s;"
          f" target <= one NOTIFY_TIMEOUT_SECONDS = {timeout:g} s: "
          + ("met" if step <= timeout else f"exceeded by {step - timeout:.2f} s (recording the failure and exiting after the timeout)"))
    print(f"  every sample stored before delivery began: {'yes' if checks else 'NO (see above)'}")
    print(f"  every notification of part 1 delivered: {'yes' if complete else 'NO (see above)'}")
    return 0 if checks and complete else 1


def main(argv):
    if len(argv) == 4 and argv[1] == "received":
        received(int(argv[2]), argv[3])
        return 0
    if len(argv) == 3 and argv[1] == "report":
        return report(argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
