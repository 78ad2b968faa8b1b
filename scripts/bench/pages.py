#!/usr/bin/env python3
"""Measures the dashboard page for scripts/bench-pages.sh (figures, not a test).

    pages.py BASE_URL SERVERS [--renders N] [--loads N]

Prints, for the dashboard `/` served by the frontend-renderer at BASE_URL:

  - the server-side render time, from the `Server-Timing` header the renderer adds to
    every page (`render` = the request's time in the renderer minus the time it waited
    for the api: decoding the api's JSON, building the HTML, the response), median and
    90th percentile over N sequential requests after a warm-up, with the api wait and
    the time curl-like clients see for the whole request alongside;
  - the page weight: HTML + CSS + JS (+ the icon) bytes as served, and gzip'd at level 5
    as nginx/nginx.conf.template serves them;
  - time until drawn in headless Chromium (Debian's, through chromium-driver): navigation
    start → first contentful paint and → load event end, from the Performance API,
    median over N loads with the cache disabled (first visit) and N with it (return visit).

Exits 2 when it cannot measure (the page does not load, no Server-Timing header).
"""
import argparse
import gzip
import os
import re
import statistics
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Browser"))
import chromium  # noqa: E402


def fetch(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as answer:
        body = answer.read()
        elapsed = (time.perf_counter() - started) * 1000
        return answer.status, answer.headers, body, elapsed


def timing(header):
    """{"api": ms, "render": ms, "total": ms} from a Server-Timing header."""
    return {name: float(value) for name, value in re.findall(r"(\w+);dur=([\d.]+)", header or "")}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("servers", type=int)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--loads", type=int, default=9)
    arguments = parser.parse_args()
    base = arguments.base.rstrip("/")

    load1, _, _ = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load1:.1f} at the start (timings grow with other work on it)")

    # Server-side render time.
    for _ in range(20):
        fetch(base + "/")
    renders, waits, totals, walls = [], [], [], []
    for _ in range(arguments.renders):
        status, headers, body, wall = fetch(base + "/")
        figures = timing(headers.get("Server-Timing"))
        if status != 200 or "render" not in figures:
            print(f"the dashboard answered {status} without a Server-Timing render figure", file=sys.stderr)
            return 2
        renders.append(figures["render"])
        waits.append(figures.get("api", 0))
        totals.append(figures.get("total", 0))
        walls.append(wall)
    cards = body.count(b'class="card ')
    if cards != arguments.servers:
        print(f"the dashboard shows {cards} cards, expected {arguments.servers}", file=sys.stderr)
        return 2
    print(
        f"render, server side ({arguments.renders} requests): median {statistics.median(renders):.2f} ms, "
        f"p90 {percentile(renders, 0.9):.2f} ms  (target < 10 ms at 100 servers)"
    )
    print(
        f"    api wait median {statistics.median(waits):.2f} ms, renderer total median {statistics.median(totals):.2f} ms, "
        f"whole request seen by the client median {statistics.median(walls):.2f} ms"
    )

    # Page weight.
    html = body
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    sizes = {"HTML": (len(html), len(gzip.compress(html, 5)))}
    for asset in assets:
        _, _, content, _ = fetch(base + asset.decode())
        name = asset.decode().split("/")[-1].split("?")[0]
        sizes[name] = (len(content), len(gzip.compress(content, 5)))
    raw = sum(size for size, _ in sizes.values())
    packed = sum(size for _, size in sizes.values())
    parts = ", ".join(f"{name} {size / 1024:.1f} KB" for name, (size, _) in sizes.items())
    print(f"page weight: {raw / 1024:.1f} KB ({parts}); gzip'd {packed / 1024:.1f} KB  (target < 100 KB at 100 servers)")
    print(f"    in {len(sizes)} requests; HTML gzip'd {sizes['HTML'][1] / 1024:.1f} KB")

    # Time until drawn in Chromium.
    driver = chromium.start(1440, 1000)
    try:
        results = {}
        for label, cache_disabled in (("first visit, cache disabled", True), ("return visit, cached CSS/JS", False)):
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": cache_disabled})
            driver.get(base + "/")  # warm-up
            paints, loads, responses, parsed = [], [], [], []
            for _ in range(arguments.loads):
                driver.get("about:blank")
                driver.get(base + "/")
                for _ in range(100):
                    entry = driver.execute_script(
                        "var n = performance.getEntriesByType('navigation')[0];"
                        " var p = performance.getEntriesByName('first-contentful-paint')[0];"
                        " return n && n.loadEventEnd > 0 && p ? [p.startTime, n.loadEventEnd, n.responseEnd, n.domContentLoadedEventEnd] : null"
                    )
                    if entry:
                        break
                    time.sleep(0.05)
                if not entry:
                    print("Chromium reported no paint or load timing", file=sys.stderr)
                    return 2
                paints.append(entry[0])
                loads.append(entry[1])
                responses.append(entry[2])
                parsed.append(entry[3])
            drawn = driver.execute_script("return document.querySelectorAll('svg.gauge').length")
            results[label] = [statistics.median(values) for values in (paints, loads, responses, parsed)] + [drawn]
        for label, (paint, load, response, ready, drawn) in results.items():
            print(
                f"drawn in Chromium, {label} (median of {arguments.loads}): first contentful paint {paint:.0f} ms, "
                f"load event end {load:.0f} ms, {drawn} gauges  (target < 100 ms)"
            )
            print(f"    HTML received by {response:.0f} ms, DOMContentLoaded done by {ready:.0f} ms")
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
