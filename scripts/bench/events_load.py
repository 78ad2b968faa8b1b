#!/usr/bin/env python3
"""The load tool of scripts/bench-events.sh (`make bench-events`): holds many open
`GET /api/events` streams on raw asyncio sockets and measures how long one event takes
to reach all of them.

    events_load.py --port PORT --streams 1000 --events 20 --results FILE

Phases: opens --streams streams (each must answer 200 and `retry: 3000`); then, --events
times, records a finished collection run of every server in PostgreSQL with psql
(DATABASE_URL from the environment; finished_at = clock_timestamp(), so the figure runs
from the run's end to the receipt, the api's re-read of the fleet included) and waits
until every stream received that run's event. Writes the figures as JSON to --results,
prints HOLDING and keeps the streams open (reading them) until it is terminated, so the
caller can measure the api under that load. Exits 1 if it could not measure.
"""

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime


class Stream:
    """One open event stream: its reader task notes when each run's event arrived."""

    def __init__(self):
        self.started = asyncio.Event()
        self.received = {}  # run id -> receipt time (time.time())
        self.closed = False

    async def run(self, port, tracker):
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 22)
        writer.write(b"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"the api answered {head[:40]!r}")
        pending = b""
        pattern = re.compile(rb'"run_id":(\d+)')
        while True:
            data = await reader.read(1 << 16)
            if not data:
                self.closed = True
                return
            now = time.time()
            if not self.started.is_set() and b"retry: 3000" in data:
                self.started.set()
            # Chunk-size lines do not matter here: only run ids are looked for.
            pending = (pending + data)[-65536:]
            for match in pattern.finditer(pending):
                run_id = int(match.group(1))
                if run_id not in self.received:
                    self.received[run_id] = now
                    tracker.set()
            pending = pending[-64:]


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


INSERT_RUN = """
WITH r AS (
    INSERT INTO collection_runs (started_at, finished_at, state, servers_total, ok_count)
    SELECT clock_timestamp() - interval '1 second', NULL, 'running', count(*), count(*) FROM servers
    RETURNING id
), o AS (
    INSERT INTO run_outcomes (run_id, server_id, server_name, outcome, attempts, duration_ms, finished_at)
    SELECT r.id, s.id, s.name, 'ok', 1, 1, clock_timestamp() FROM r, servers s
)
SELECT id FROM r;
"""


async def psql(url, sql):
    process = await asyncio.create_subprocess_exec(
        "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"psql failed: {err.decode()[:300]}")
    return out.decode().strip()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--results", required=True)
    parser.add_argument("--timeout", type=float, default=30)
    options = parser.parse_args()
    url = os.environ["DATABASE_URL"]

    tracker = asyncio.Event()
    streams = [Stream() for _ in range(options.streams)]
    tasks = []
    for index, stream in enumerate(streams):
        tasks.append(asyncio.create_task(stream.run(options.port, tracker)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)
    try:
        await asyncio.wait_for(asyncio.gather(*(s.started.wait() for s in streams)), options.timeout)
    except asyncio.TimeoutError:
        failed = [t.exception() for t in tasks if t.done() and t.exception()]
        print(f"only {sum(s.started.is_set() for s in streams)} of {len(streams)} streams opened; {failed[:1]}", file=sys.stderr)
        return 1

    all_delivered = []  # per event: the last stream's receipt - finished_at
    first_delivered = []  # per event: the first stream's receipt - finished_at (re-read and publish)
    spread = []  # per event: last receipt - first receipt (the fan-out, this tool's reading included)
    each_delivery = []  # every (event, stream) pair
    missed = 0
    for _ in range(options.events):
        # Finish a run: the trigger fires as finished_at goes from NULL to a value.
        run_id = int(await psql(url, INSERT_RUN))
        finished = await psql(
            url, f"UPDATE collection_runs SET finished_at = clock_timestamp(), state = 'completed' WHERE id = {run_id} "
                 "RETURNING extract(epoch FROM finished_at)")
        finished_at = float(finished)
        deadline = time.time() + options.timeout
        while time.time() < deadline and not all(run_id in s.received for s in streams):
            tracker.clear()
            try:
                await asyncio.wait_for(tracker.wait(), 0.5)
            except asyncio.TimeoutError:
                pass
        got = [s.received[run_id] - finished_at for s in streams if run_id in s.received]
        missed += len(streams) - len(got)
        each_delivery.extend(got)
        if len(got) == len(streams):
            all_delivered.append(max(got))
            first_delivered.append(min(got))
            spread.append(max(got) - min(got))
        await asyncio.sleep(0.5)

    results = {
        "streams": len(streams),
        "events": options.events,
        "missed_deliveries": missed,
        "all_streams_p50_ms": round(percentile(all_delivered, 0.5) * 1000, 1) if all_delivered else None,
        "all_streams_p99_ms": round(percentile(all_delivered, 0.99) * 1000, 1) if all_delivered else None,
        "each_delivery_p99_ms": round(percentile(each_delivery, 0.99) * 1000, 1) if each_delivery else None,
        "first_receipt_p50_ms": round(percentile(first_delivered, 0.5) * 1000, 1) if first_delivered else None,
        "fan_out_p50_ms": round(percentile(spread, 0.5) * 1000, 1) if spread else None,
        "fan_out_p99_ms": round(percentile(spread, 0.99) * 1000, 1) if spread else None,
        "closed_streams": sum(s.closed for s in streams),
        "measured_at": datetime.now().isoformat(timespec="seconds"),
    }
    with open(options.results, "w") as output:
        json.dump(results, output)
    print("HOLDING", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for task in tasks:
        task.cancel()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
