#!/usr/bin/env python3
"""The figures and checks of `make soak`, from what scripts/soak.sh recorded in SOAK_WORK.

Standard library only. Prints the figures, then every failed check, and exits 1 when one
failed (0 otherwise). Every time below is a Unix epoch in seconds.
"""

import collections
import datetime
import glob
import json
import os
import re
import sys

work = os.environ["SOAK_WORK"]
run_dir = os.path.join(work, "run")
logs_dir = os.path.join(run_dir, "logs")
hosts = int(os.environ["SOAK_HOSTS"])
db_grace = float(os.environ["SOAK_DB_GRACE"])
rss_bound_kb = int(os.environ["SOAK_RSS_GROWTH_MB"]) * 1024
fd_bound = int(os.environ["SOAK_FD_GROWTH"])
samples_before = int(os.environ["SOAK_SAMPLES_BEFORE"])
samples_after = int(os.environ["SOAK_SAMPLES_AFTER"])
ssh_port = os.environ["SOAK_SSH_PORT"]
# Keys (scripts/soak.sh's urls) of the api endpoints answered from memory during an outage.
CACHED_KEYS = {"latest", "overview", "servers"}
# An SSH host that was stopped or hung may still fail a run that starts this soon after it
# came back (its sshd works through the connections queued meanwhile).
SSH_MARGIN = 5.0

failures = []


def fail(message):
    failures.append(message)


def clock(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%H:%M:%S")


def read_tsv(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [line.rstrip("\n").split("\t") for line in f if line.strip()]
    except FileNotFoundError:
        return []


def section(title):
    print(f"\n== {title}")


phases = {name: float(t) for t, name in read_tsv(os.path.join(work, "phases.tsv"))}
load_start, load_end = phases["start"], phases["load-end"]

# --- faults -----------------------------------------------------------------------------------
# Windows: (kind, target, begin, end, detail). The database window runs from the stop until
# SOAK_DB_GRACE s after PostgreSQL is back; an sshd window until SSH_MARGIN s after the restart.
windows = []
open_faults = {}
notes = []
db_started = None
for t, event, kind, target, detail in read_tsv(os.path.join(work, "faults.tsv")):
    t = float(t)
    if event == "begin":
        open_faults[(kind, target)] = (t, detail)
    elif event == "end":
        begin, what = open_faults.pop((kind, target), (t, ""))
        if kind == "postgres":
            db_started = t
            windows.append(("postgres", "PostgreSQL", begin, t + db_grace, t, what))
        else:
            windows.append((kind, target, begin, t + SSH_MARGIN, t, what))
    else:
        notes.append((t, kind, target, detail))
for (kind, target), (begin, what) in open_faults.items():
    windows.append((kind, target, begin, float("inf"), None, what))
    fail(f"fault {kind} {target} never ended")
db_windows = [w for w in windows if w[0] == "postgres"]


def in_db_window(t, slack=0.0):
    return any(w[2] - slack <= t <= w[3] + slack for w in db_windows)


def explaining_fault(t, slack=1.0):
    # PostgreSQL's window first: an sshd fault overlapping it explains no database error.
    for w in db_windows + [w for w in windows if w[0] != "postgres"]:
        if w[2] - slack <= t <= w[3] + slack:
            return w
    return None


section("faults injected")
for kind, target, begin, end, back, what in sorted(windows, key=lambda w: w[2]):
    lasted = f"{back - begin:5.1f} s" if back else "  never undone"
    label = {"postgres": "PostgreSQL stopped", "sshd-stop": "sshd stopped", "sshd-hang": "sshd hung (SIGSTOP)"}.get(kind, kind)
    print(f"  {clock(begin)} +{begin - load_start:5.0f} s  {label:<22} {target:<10} {lasted}  {what}")
for t, kind, target, detail in notes:
    print(f"  {clock(t)} +{t - load_start:5.0f} s    {kind} {target} {detail}")
if not db_windows:
    fail("PostgreSQL was never stopped: the database fault did not happen")
recovery = {}
for t, kind, target, detail in notes:
    if kind == "api" and target in ("healthy", "cache-live") and db_started is not None:
        recovery[target] = t - db_started
    if kind == "api" and target == "not-recovered":
        fail(detail)
if recovery:
    print(f"  the api answered /api/health 200 {recovery.get('healthy', float('nan')):.1f} s and served from its cache "
          f"{recovery.get('cache-live', float('nan')):.1f} s after PostgreSQL was back")

# --- collections ------------------------------------------------------------------------------
section("collections")
host_group = {}
for conf in glob.glob(os.path.join(os.environ.get("SD_TEST_SSH_DIR", ""), "sshd_config.*")):
    k = conf.rsplit(".", 1)[1]
    with open(conf, encoding="utf-8") as f:
        for line in f:
            if line.startswith("ListenAddress "):
                host_group[line.split()[1]] = f"sshd.{k}"
name_group = {f"soak-host-{addr.rsplit('.', 1)[1]}": group for addr, group in host_group.items()}

runs = read_tsv(os.path.join(work, "runs", "index.tsv"))
exit_codes = collections.Counter()
expected = 0
spooled_total = 0
not_collected_db = 0
not_stored_db = 0
failure_kinds = collections.Counter()
explained_failures = collections.Counter()
unexplained_failures = []
durations = []
run_log_lines = []  # (time, source, level, message)
for index, started, finished, status in runs:
    started, finished, status = float(started), float(finished), int(status)
    exit_codes[status] += 1
    durations.append(finished - started)
    overlaps_db = any(w[2] - 1 <= finished and started <= w[3] for w in db_windows)
    report = None
    try:
        with open(os.path.join(work, "runs", f"{index}.json"), encoding="utf-8") as f:
            text = f.read().strip()
        if text:
            report = json.loads(text)
    except (OSError, ValueError):
        report = None
    with open(os.path.join(work, "runs", f"{index}.err"), encoding="utf-8", errors="replace") as f:
        for line in f:
            run_log_lines.append((started, finished, f"collector run {index}", line.rstrip("\n")))
    if report is None:
        # No report: the run could not start (today: PostgreSQL down at its start, exit 2).
        if overlaps_db:
            not_collected_db += hosts
        else:
            fail(f"collector run {index} ({clock(started)}) exited {status} without a report, outside the database window")
        continue
    ok = int(report.get("ok", 0))
    spooled = int(report.get("spooled", 0) or 0)
    expected += ok + spooled
    spooled_total += spooled
    for server in report.get("servers", []):
        if server.get("outcome") == "ok":
            continue
        kind = server.get("failure_kind") or "?"
        failure_kinds[kind] += 1
        name = server.get("server_name", "?")
        group = name_group.get(name)
        if kind == "storage" and overlaps_db:
            if spooled == 0:
                not_stored_db += 1
            explained_failures["PostgreSQL down"] += 1
            continue
        cause = next((w for w in windows if w[0] != "postgres" and w[1] == group and w[2] - 1 <= finished and started <= w[3]), None)
        if cause is not None:
            explained_failures[f"{cause[0]} ({kind})"] += 1
            continue
        if overlaps_db:
            explained_failures[f"PostgreSQL down ({kind})"] += 1
            continue
        unexplained_failures.append(f"run {index} {clock(started)}-{clock(finished)}: {name} ({group}) {kind}: {server.get('message')}")
    if status not in (0, 1) and not overlaps_db:
        fail(f"collector run {index} ({clock(started)}) exited {status} outside the database window")

final_index = runs[-1][0] if runs else None
final_status = int(runs[-1][3]) if runs else None
print(f"  runs: {len(runs)} ({len(runs) - 1} under load + 1 after it); exit status "
      + ", ".join(f"{code}: {count}" for code, count in sorted(exit_codes.items())))
if durations:
    ordered = sorted(durations)
    print(f"  run time: median {ordered[len(ordered) // 2]:.1f} s, longest {ordered[-1]:.1f} s")
print(f"  host collections failed, by kind: " + (", ".join(f"{k} {v}" for k, v in sorted(failure_kinds.items())) or "none"))
print(f"  explained by a fault: " + (", ".join(f"{k} {v}" for k, v in sorted(explained_failures.items())) or "none"))
if unexplained_failures:
    fail(f"{len(unexplained_failures)} host collection(s) failed with no fault to explain them")
    for line in unexplained_failures[:20]:
        print(f"  UNEXPLAINED {line}")
if final_status != 0:
    fail(f"the last collection, after every fault was undone, exited {final_status} (see runs/{final_index}.json)")

section("samples")
stored = samples_after - samples_before
print(f"  expected (ok{' + spooled' if spooled_total else ''} in the runs' reports): {expected}"
      + (f" (of which {spooled_total} spooled and stored by a later run)" if spooled_total else ""))
print(f"  stored (new rows in server_metrics):               {stored}   ({samples_before} before the soak, {samples_after} after)")
print(f"  not collected (database down at the run's start): {not_collected_db}")
print(f"  not stored (database down during the run):         {not_stored_db}")
if stored < expected:
    fail(f"samples lost: {expected - stored} reported collected but not in server_metrics")
elif stored > expected:
    extra = stored - expected
    if not_stored_db >= extra:
        print(f"  note: {extra} sample(s) stored but reported 'collected, but could not be stored': the collector "
              "stored them, then failed on the server's alerts as PostgreSQL stopped (a misreport, not a loss)")
    else:
        fail(f"{extra} more samples stored than the runs reported collected")

# --- HTTP -------------------------------------------------------------------------------------
section("requests (wrk through nginx)")
urls = read_tsv(os.path.join(work, "wrk", "urls.tsv"))
path_key = {}
wrk_socket_errors = 0
print(f"  {'endpoint':<48} {'rate':>5} {'requests':>9} {'req/s':>7} {'p50':>9} {'p99':>9}  errors")
for key, path, rate in urls:
    path_key[path] = key
    try:
        with open(os.path.join(work, "wrk", f"{key}.out"), encoding="utf-8") as f:
            out = f.read()
    except OSError:
        out = ""
    requests = re.search(r"(\d+) requests in", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = []
    if sockets:
        c, r, w, t = map(int, sockets.groups())
        wrk_socket_errors += c + r + w + t
        errors.append(f"socket connect {c} read {r} write {w} timeout {t}")
    if non2xx:
        errors.append(f"non-2xx {non2xx.group(1)}")
    if not requests:
        fail(f"wrk on {path} printed no figures: {out.strip()[:200]}")
    print(f"  {path:<48} {rate:>5} {requests.group(1) if requests else '?':>9} {rps.group(1) if rps else '?':>7} "
          f"{p50.group(1) if p50 else '?':>9} {p99.group(1) if p99 else '?':>9}  {'; '.join(errors) or 'none'}")
if wrk_socket_errors:
    fail(f"wrk saw {wrk_socket_errors} socket errors (connect/read/write/timeout): nginx never closes on a client here")

section("responses by status class (nginx access log, during the load)")
access = re.compile(r'^\S+ \S+ \S+ \[([^\]]+)\] "(\S+) (\S+) [^"]*" (\d{3}) ')
classes = collections.defaultdict(collections.Counter)
in_window = collections.Counter()
bad_outside = collections.Counter()
bad_inside = collections.Counter()
first_bad = {}
cut_at_end = collections.Counter()
last_db_5xx = None
try:
    access_lines = open(os.path.join(logs_dir, "nginx-access.log"), encoding="utf-8", errors="replace").read().splitlines()
except OSError:
    access_lines = []
    fail("no nginx access log")
for line in access_lines:
    m = access.match(line)
    if not m:
        continue
    t = datetime.datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp()
    if t < int(load_start) or t > load_end + 5:
        continue
    key = path_key.get(m.group(3), "other")
    status = int(m.group(4))
    classes[key][f"{status // 100}xx"] += 1
    # nginx logs whole seconds: a second that touches the window counts as in it.
    if in_db_window(t, slack=1.0):
        in_window[key] += 1
        if status == 503:
            last_db_5xx = max(last_db_5xx or t, t)
        elif status >= 300:
            bad_inside[(key, status)] += 1
            first_bad.setdefault((key, status), t)
    elif status == 499 and t >= int(load_end) - 1:
        cut_at_end[key] += 1  # wrk closing its connections when its time is up, a request in flight
    elif status >= 300:
        bad_outside[(key, status)] += 1
        first_bad.setdefault((key, status), t)
print(f"  {'endpoint':<13} {'2xx':>7} {'3xx':>5} {'4xx':>5} {'5xx':>5}   in the database window")
for key in [u[0] for u in urls] + (["other"] if "other" in classes else []):
    c = classes.get(key, collections.Counter())
    print(f"  {key:<13} {c['2xx']:>7} {c['3xx']:>5} {c['4xx']:>5} {c['5xx']:>5}   {in_window[key]} requests")
if cut_at_end:
    print("  499 as wrk stopped at the end of the load (not counted): " + ", ".join(f"{k} {v}" for k, v in sorted(cut_at_end.items())))
db_503 = collections.Counter()
for line in access_lines:
    m = access.match(line)
    if m and m.group(4) == "503":
        t = datetime.datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp()
        if int(load_start) <= t <= load_end + 5 and in_db_window(t, slack=1.0):
            db_503[path_key.get(m.group(3), "other")] += 1
# Pages and the endpoints the api answers from its last known fleet must stay 200 while the
# database is away (marked stale, docs/operations.md); only what reads the database may 503.
served_from_memory = [key for key, _, _ in urls if key in CACHED_KEYS or key.startswith("page")]
database_only = [key for key, _, _ in urls if key not in served_from_memory]
cached_503 = sum(db_503[k] for k in served_from_memory)
print("  the database window (figure): 503 answers of the pages and the cached endpoints: "
      + f"{cached_503} of {sum(in_window[k] for k in served_from_memory)} requests ("
      + ", ".join(f"{k} {db_503[k]}/{in_window[k]}" for k in served_from_memory) + ")")
print("  503 answers of the database-only endpoints (expected while PostgreSQL is down): "
      + f"{sum(db_503[k] for k in database_only)} of {sum(in_window[k] for k in database_only)} requests ("
      + ", ".join(f"{k} {db_503[k]}/{in_window[k]}" for k in database_only) + ")")
if cached_503:
    fail(f"{cached_503} × 503 on pages or cached endpoints in the database window (they answer from the last known fleet, marked stale)")
print("  errors by cause:")
print(f"    503 while PostgreSQL was down (+{db_grace:.0f} s): {sum(db_503.values())} ("
      + ", ".join(f"{k} {v}" for k, v in sorted(db_503.items())) + ")")
print(f"    other non-2xx in the database window: {sum(bad_inside.values())}")
print(f"    non-2xx outside the database window: {sum(bad_outside.values())}")
print(f"    wrk socket errors (connect, read, write, timeout): {wrk_socket_errors}")
if last_db_5xx is not None and db_started is not None:
    print(f"  last 503 of the database window: {last_db_5xx - db_started:+.0f} s from PostgreSQL's start (nginx logs whole seconds)")
for (key, status), count in sorted(bad_inside.items()):
    fail(f"{count} × {status} on {key} in the database window (only 503 is expected there), first at {clock(first_bad[(key, status)])}")
for (key, status), count in sorted(bad_outside.items()):
    fail(f"{count} × {status} on {key} outside the database window, first at {clock(first_bad[(key, status)])}")

# --- resources --------------------------------------------------------------------------------
section("resources (RSS summed over the service's processes; open files from /proc/PID/fd)")
series = collections.defaultdict(list)
for t, service, count, rss, fds in read_tsv(os.path.join(work, "resources.tsv")):
    series[service].append((float(t), int(count), int(rss), int(fds)))


def at(service, moment):
    """The sample of `service` taken closest to `moment`."""
    points = series.get(service) or [(moment, 0, 0, 0)]
    return min(points, key=lambda p: abs(p[0] - moment))


print(f"  {'service':<18} {'procs':>5}  {'RSS MB: start':>13} {'warm':>7} {'end':>7} {'peak':>7} {'after':>7}   {'fds: start':>10} {'warm':>5} {'end':>5} {'peak':>5} {'after':>5}")
for service in ("api", "frontend-renderer", "nginx", "postgres"):
    start, warm, end, after = (at(service, phases[p]) for p in ("start", "warm", "load-end", "settled"))
    points = series.get(service, [])
    peak_rss = max((p[2] for p in points), default=0)
    peak_fds = max((p[3] for p in points), default=0)
    mb = lambda kb: f"{kb / 1024:7.1f}"
    print(f"  {service:<18} {end[1]:>5}  {mb(start[2]):>13} {mb(warm[2])} {mb(end[2])} {mb(peak_rss)} {mb(after[2])}   "
          f"{start[3]:>10} {warm[3]:>5} {end[3]:>5} {peak_fds:>5} {after[3]:>5}")
    if service == "postgres":
        continue  # restarted in the middle: its start and end are different processes
    if end[1] == 0:
        fail(f"{service} was not running at the end of the load")
        continue
    if end[2] - warm[2] > rss_bound_kb:
        fail(f"{service} RSS grew {(end[2] - warm[2]) / 1024:.1f} MB between warm-up and the end of the load (bound {rss_bound_kb // 1024} MB)")
    if end[3] - warm[3] > fd_bound:
        fail(f"{service} open files grew by {end[3] - warm[3]} between warm-up and the end of the load (bound {fd_bound})")
print(f"  start: before the load; warm: 15 s into it; end: 3 s before it stopped; after: 2 s after the last collection")
print(f"  bounds, warm to end, api, frontend-renderer and nginx: RSS +{rss_bound_kb // 1024} MB, open files +{fd_bound}")

# --- SSH sessions left ------------------------------------------------------------------------
section("SSH sessions after the last run")
established = [l for l in open(os.path.join(work, "ssh-connections.txt"), encoding="utf-8").read().splitlines() if l.strip()]
sockets = [l.split() for l in open(os.path.join(work, "ssh-sockets.txt"), encoding="utf-8").read().splitlines() if l.strip()]
states = collections.Counter(s[0] for s in sockets)
lingering = {state: n for state, n in states.items() if state not in ("LISTEN", "TIME-WAIT")}
sessions = [l.strip() for l in open(os.path.join(work, "ssh-sessions.txt"), encoding="utf-8").read().splitlines() if l.strip()]
print(f"  sshd session processes (children of the test hosts' sshd listeners): {len(sessions)}")
for line in sessions[:10]:
    print(f"    {line}")
if sessions:
    fail(f"{len(sessions)} sshd session process(es) left after the last run")
print(f"  established TCP connections to or from port {ssh_port}: {len(established)}")
print(f"  other sockets on it: " + (", ".join(f"{s} {n}" for s, n in sorted(states.items())) or "none"))
for line in established[:10]:
    print(f"    {line}")
if established:
    fail(f"{len(established)} SSH connection(s) still established after the last run")
elif lingering:
    fail(f"SSH sockets left half-closed after the last run: {lingering}")

# --- the api after the soak -------------------------------------------------------------------
section("the api after the soak")
try:
    health = json.load(open(os.path.join(work, "api-health.json"), encoding="utf-8"))
except (OSError, ValueError):
    health = {}
print(f"  /api/health: {health}")
if health.get("status") != "healthy" or health.get("cache") != "live":
    fail(f"the api is not healthy with a live cache after the soak: {health}")
db_latest = {}
for line in open(os.path.join(work, "db-latest.txt"), encoding="utf-8").read().splitlines():
    if "|" in line:
        name, epoch = line.rsplit("|", 1)
        db_latest[name] = float(epoch)
try:
    api_latest = {row["server_name"]: row.get("timestamp") for row in json.load(open(os.path.join(work, "api-latest.json"), encoding="utf-8"))}
except (OSError, ValueError, TypeError, KeyError):
    api_latest = {}
stale = []
for name, epoch in sorted(db_latest.items()):
    shown = api_latest.get(name)
    shown_epoch = datetime.datetime.fromisoformat(shown.replace("Z", "+00:00")).timestamp() if shown else None
    if shown_epoch is None or abs(shown_epoch - epoch) > 1.0:
        stale.append(f"{name}: api {shown}, database {datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).isoformat()}")
print(f"  latest sample per server, api vs database: {len(db_latest) - len(stale)} of {len(db_latest)} agree")
for line in stale[:10]:
    print(f"    {line}")
if stale:
    fail(f"the api shows an older latest sample than the database for {len(stale)} server(s)")
if len(db_latest) != hosts:
    fail(f"the database has samples for {len(db_latest)} servers, the inventory has {hosts}")

# --- logs -------------------------------------------------------------------------------------
section("error lines in the services' logs")
iso = re.compile(r"(\d{4})[-/](\d\d)[-/](\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?")


def parse_time(text):
    m = iso.search(text)
    if not m:
        return None
    y, mo, d, h, mi, s, frac = m.groups()
    t = datetime.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=datetime.timezone.utc).timestamp()
    return t + (float("0." + frac) if frac else 0.0)


def classify(line):
    """(time, level) of an error or warning line, else None."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            doc = json.loads(stripped)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            level = str(doc.get("level", "")).lower()
            if level in ("error", "critical"):
                return parse_time(str(doc.get("timestamp", ""))), "error", doc.get("message", "")
            if level == "warning":
                return parse_time(str(doc.get("timestamp", ""))), "warning", doc.get("message", "")
            return None
    m = re.search(r"\b(ERROR|FATAL|PANIC|WARNING):\s+(.*)", line)  # PostgreSQL
    if m:
        return parse_time(line), ("warning" if m.group(1) == "WARNING" else "error"), m.group(2)
    m = re.search(r"\[(error|crit|alert|emerg|warn)\] \d+#\d+: (?:\*\d+ )?(.*)", line)  # nginx
    if m:
        return parse_time(line), ("warning" if m.group(1) == "warn" else "error"), m.group(2)
    if re.search(r"error|fatal|panic|crash", line, re.I):
        return parse_time(line), "error", line
    return None


explained = collections.Counter()
unexplained = []
warnings_outside = collections.Counter()
sources = []
for name in ("api.log", "frontend-renderer.log", "nginx-error.log", "nginx.log", "postgres.log", "collector.log"):
    path = os.path.join(logs_dir, name)
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            sources.extend((None, None, name, line.rstrip("\n")) for line in f)
sources.extend(run_log_lines)
for run_start, run_end, source, line in sources:
    found = classify(line)
    if not found:
        continue
    t, level, message = found
    if t is None:
        t = run_start  # the collector's own messages carry no time: its run's span
    if t is not None and t > load_end + 60 and source != "collector.log":
        continue  # the stack's shutdown after the figures were taken
    fault = None
    if t is not None:
        fault = explaining_fault(t)
        if fault is None and run_end is not None:
            fault = next((w for w in db_windows + windows if w[2] - 1 <= run_end and run_start <= w[3]), None)
    short = re.sub(r"\d+", "N", str(message))[:90]
    if fault is not None:
        explained[(source.split(" ")[0] if source.startswith("collector run") else source, level, fault[0], short)] += 1
    elif level == "error":
        unexplained.append(f"{source} {clock(t) if t else '?'}: {line[:300]}")
    else:
        warnings_outside[(source.split(" ")[0] if source.startswith("collector run") else source, short)] += 1
print("  explained by a fault (log, level, fault, message with digits as N: lines):")
for (source, level, fault, short), count in sorted(explained.items(), key=lambda i: -i[1])[:25]:
    print(f"    {source:<22} {level:<7} {fault:<9} {short}: {count}")
if not explained:
    print("    none")
print("  warnings outside any fault window:")
for (source, short), count in sorted(warnings_outside.items(), key=lambda i: -i[1])[:15]:
    print(f"    {source:<22} {short}: {count}")
if not warnings_outside:
    print("    none")
print(f"  error lines no fault explains: {len(unexplained)}")
for line in unexplained[:20]:
    print(f"    {line}")
if unexplained:
    fail(f"{len(unexplained)} error line(s) in the logs that no injected fault explains")

# --- verdict ----------------------------------------------------------------------------------
section("result")
try:
    load1, load5, load15 = open("/proc/loadavg").read().split()[:3]
except OSError:
    load1 = load5 = load15 = "?"
print(f"  SOAK_SECONDS={os.environ['SOAK_SECONDS']} seed {os.environ['SOAK_SEED']}; load average at the end {load1} {load5} {load15} "
      f"({os.cpu_count()} CPUs)")
if failures:
    for message in failures:
        print(f"  FAIL {message}")
    print(f"soak: FAILED ({len(failures)} check{'s' if len(failures) != 1 else ''})")
    sys.exit(1)
print("soak: every check passed")
