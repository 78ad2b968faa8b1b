#!/usr/bin/env python3
"""`make bench-live`: how soon a collection's results show in an open dashboard.

A benchmark, not a test: it prints figures and exits 0 whether or not the target is met
(non-zero only when it could not measure). Against the native stack of `make run`
(Tests/Browser/native_stack.py: PostgreSQL, api, frontend-renderer and nginx of its own,
monitoring this machine), with the dashboard open in Debian's headless Chromium:
for each of BENCH_LIVE_RUNS [10] collections (`collector run --once`), the time from the
run's `finished_at` (its collection_runs row, read through /api/collector/runs) to the
moment the page swapped in new content (a MutationObserver on #page, in the page's clock,
which is this machine's). Target (issue 17): under 1 s, against up to 30 s of polling.

Settings: BENCH_LIVE_BIN_DIR [.build/release], BENCH_LIVE_RUNS [10].
"""
import datetime
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Browser"))

import chromium  # noqa: E402
from native_stack import ROOT, NativeStack, wait_for  # noqa: E402

TARGET_MS = 1000
OBSERVE = """
window.__sdChanged = null; window.__sdArmed = false;
new MutationObserver(function () {
  if (window.__sdArmed && window.__sdChanged === null) { window.__sdChanged = performance.timeOrigin + performance.now(); }
}).observe(document.getElementById('page'), { childList: true });
"""


def epoch_ms(stamp):
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000


def main():
    bin_dir = os.environ.get("BENCH_LIVE_BIN_DIR", os.path.join(ROOT, ".build", "release"))
    runs = int(os.environ.get("BENCH_LIVE_RUNS", "10"))
    stack = NativeStack(bin_dir)
    print(f"bench-live: {runs} collections of one server (this machine), binaries in {bin_dir}, stack in {stack.work}")
    latencies = []
    try:
        stack.start()
        driver = chromium.start(1280, 900)
        try:
            driver.get(stack.base + "/")
            if not wait_for(lambda: driver.execute_script("return document.body.getAttribute('data-stream')") == "open", 15):
                print("bench-live: the dashboard did not open its event stream", file=sys.stderr)
                return 1
            driver.execute_script(OBSERVE)
            for index in range(runs):
                driver.execute_script("window.__sdChanged = null; window.__sdArmed = true;")
                output = stack.collect()
                if not wait_for(lambda: driver.execute_script("return window.__sdChanged") is not None, 15):
                    print(f"  run {index + 1}: the page did not change within 15 s ({output.strip()[-160:]})")
                    continue
                changed = driver.execute_script("return window.__sdChanged")
                driver.execute_script("window.__sdArmed = false;")
                finished = stack.api_json("/api/collector/runs?limit=1")[0]["finished_at"]
                latency = changed - epoch_ms(finished)
                latencies.append(latency)
                print(f"  run {index + 1}: finished_at {finished} → page changed {latency:.0f} ms later")
                time.sleep(0.5)
        finally:
            driver.quit()
    finally:
        stack.stop()
    if not latencies:
        print("bench-live: nothing measured", file=sys.stderr)
        return 1
    ordered = sorted(latencies)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    median = statistics.median(ordered)
    verdict = "met" if ordered[-1] < TARGET_MS else "NOT met"
    print(f"live latency (run finished_at → DOM change in an open dashboard), {len(ordered)} runs: "
          f"median {median:.0f} ms, p90 {p90:.0f} ms, max {ordered[-1]:.0f} ms; target < {TARGET_MS} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
