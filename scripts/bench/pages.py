#!/usr/bin/env python3
"""Measures the dashboard page for scripts/bench-pages.sh (figures, not a test).

    pages.py BASE_URL SERVERS [--renders N] [--loads N] [--card-limit N]

The dashboard opens as a card wall up to --card-limit servers (DASHBOARD_CARD_LIMIT, 200)
and in its compact view above; the targets (issue 17) follow the view:

  - card wall (100 servers): first contentful paint at most 1.5× the same frame with one
    paragraph, measured in the same run; render < 10 ms; < 100 KB;
  - compact view (1,000 servers): first contentful paint at most 1.5× that frame; < 60 KB
    gzip'd; render < 15 ms.

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
    median over N loads with the cache disabled (first visit) and N with it (return visit);
    and, for scale, the first contentful paint of three reference pages served as static
    files: the dashboard's frame with one paragraph, the same frame with the servers as a
    plain table, and that table without stylesheet or script. They show the floor any page
    has in this browser on this machine.

Exits 2 when it cannot measure (the page does not load, no Server-Timing header).
"""
import argparse
import functools
import gzip
import http.server
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
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


def one_load(driver, url):
    """[first contentful paint, load event end, response end, DOMContentLoaded end] of one
    navigation to `url`; None when Chromium reports none."""
    driver.get("about:blank")
    driver.get(url)
    for _ in range(100):
        entry = driver.execute_script(
            "var n = performance.getEntriesByType('navigation')[0];"
            " var p = performance.getEntriesByName('first-contentful-paint')[0];"
            " return n && n.loadEventEnd > 0 && p ? [p.startTime, n.loadEventEnd, n.responseEnd, n.domContentLoadedEventEnd] : null"
        )
        if entry:
            return entry
        time.sleep(0.05)
    print(f"Chromium reported no paint or load timing for {url}", file=sys.stderr)
    return None


def draw_times(driver, url, loads):
    """Medians of one_load's figures over `loads` navigations to `url`, after one warm-up."""
    driver.get(url)  # warm-up
    samples = []
    for _ in range(loads):
        entry = one_load(driver, url)
        if not entry:
            return None
        samples.append(entry)
    return [statistics.median(values) for values in zip(*samples)]


def paired_draw_times(driver, url, frame_url, loads):
    """The page and the frame with one paragraph loaded in turn, `loads` times each (so that
    other work on the machine weighs on both alike): the page's medians as draw_times gives
    them, the frame's median first contentful paint, and the median of the per-pair ratios."""
    driver.get(url)
    driver.get(frame_url)  # warm-up
    pages, frames, ratios = [], [], []
    for _ in range(loads):
        page = one_load(driver, url)
        frame = one_load(driver, frame_url)
        if not page or not frame:
            return None
        pages.append(page)
        frames.append(frame[0])
        ratios.append(page[0] / max(frame[0], 1))
    return [statistics.median(values) for values in zip(*pages)], statistics.median(frames), statistics.median(ratios)


class ReferencePages:
    """Static pages served from a folder on a loopback port of their own."""

    def __init__(self, pages):
        self.folder = tempfile.mkdtemp(prefix="bench-pages-reference.")
        for name, content in pages.items():
            with open(os.path.join(self.folder, name), "w", encoding="utf-8") as file:
                file.write(content)
        quiet = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *_: None})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(quiet, directory=self.folder))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.urls = {}

    def close(self):
        self.server.shutdown()
        shutil.rmtree(self.folder, ignore_errors=True)


def reference_pages(base, dashboard):
    """The dashboard's own frame (head with its stylesheet and script, header, navigation)
    with one paragraph; the same frame with the dashboard's servers as a plain table (name,
    status, CPU, RAM, disk: about 8 elements a server, against about 25 in a card); and
    that table with no stylesheet or script. They show what any page costs to draw here."""
    frame = dashboard.split('<main id="main" tabindex="-1">', 1)[0].replace('="/static/', f'="{base}/static/')
    rows = []
    for card in re.findall(r'<li class="card .*?</li>(?=<li class="card |</ul>)', dashboard):
        name = re.search(r'data-server="([^"]*)"', card).group(1)
        status = re.search(r'data-status="([^"]*)"', card).group(1)
        figures = "".join(f'<td class="n">{shown}</td>' for shown in re.findall(r'class="g [^"]*" role="img" aria-label="\w+ (.*?) \(\w+\)"', card))
        rows.append(f'<tr><th><a href="/servers/{name}">{name}</a></th><td>{status}</td>{figures}</tr>')
    table = (
        "<table><thead><tr><th>Server</th><th>Status</th><th>CPU</th><th>RAM</th><th>Disk</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    end = "</main></div></body></html>"
    bare = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Servers</title></head><body>'
    pages = ReferencePages({
        "frame.html": f'{frame}<main id="main"><p>One paragraph.</p>{end}',
        "table.html": f'{frame}<main id="main">{table}{end}',
        "bare.html": f"{bare}{table}</body></html>",
    })
    pages.urls = {
        "the same frame with one paragraph": pages.root + "frame.html",
        f"the same frame with a plain {len(rows)}-row table": pages.root + "table.html",
        f"that {len(rows)}-row table without stylesheet or script": pages.root + "bare.html",
    }
    return pages


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("servers", type=int)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--loads", type=int, default=9)
    parser.add_argument("--card-limit", type=int, default=200)
    arguments = parser.parse_args()
    base = arguments.base.rstrip("/")
    compact = arguments.servers > arguments.card_limit
    view = "compact view" if compact else "card wall"
    render_target, weight_target = (15, "< 60 KB gzip'd") if compact else (10, "< 100 KB")

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
    rows = body.count(b"<tr class=\"s-")
    shown = rows if compact else cards
    if shown != arguments.servers or (compact and cards):
        print(f"the dashboard shows {cards} cards and {rows} table rows, expected the {view} of {arguments.servers}", file=sys.stderr)
        return 2
    print(f"the default dashboard of {arguments.servers} servers is the {view} (DASHBOARD_CARD_LIMIT {arguments.card_limit})")
    median_render = statistics.median(renders)
    print(
        f"render, server side ({arguments.renders} requests): median {median_render:.2f} ms, "
        f"p90 {percentile(renders, 0.9):.2f} ms  (target < {render_target} ms: {'met' if median_render < render_target else 'NOT met'})"
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
    met = packed < 60 * 1024 if compact else raw < 100 * 1024
    print(f"page weight: {raw / 1024:.1f} KB ({parts}); gzip'd {packed / 1024:.1f} KB  (target {weight_target}: {'met' if met else 'NOT met'})")
    print(f"    in {len(sizes)} requests; HTML gzip'd {sizes['HTML'][1] / 1024:.1f} KB")

    # Time until drawn in Chromium, for the dashboard and for reference pages that show
    # this machine's floor: the same frame with one paragraph, and the same servers as a
    # plain table (with the stylesheet and without it).
    references = reference_pages(base, html.decode())
    driver = None
    try:
        driver = chromium.start(1440, 1000)
        for label, cache_disabled in (("first visit, cache disabled", True), ("return visit, cached CSS/JS", False)):
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": cache_disabled})
            frame_url = references.urls["the same frame with one paragraph"]
            paired = paired_draw_times(driver, base + "/", frame_url, arguments.loads)
            if paired is None:
                return 2
            (paint, load, response, ready), frame_paint, ratio = paired
            driver.get(base + "/")
            drawn = driver.execute_script(
                "return ['.g[role=img]', 'a.t', '#fleet tbody tr'].map(function (s) { return document.querySelectorAll(s).length; })")
            print(
                f"drawn in Chromium, {label} (median of {arguments.loads}, each load paired with one of the frame): "
                f"first contentful paint {paint:.0f} ms, load event end {load:.0f} ms; {drawn[0]} gauges, {drawn[1]} tiles, {drawn[2]} table rows"
            )
            print(
                f"    FCP ratio to the same frame with one paragraph ({frame_paint:.0f} ms in the same run): median of the pairs {ratio:.2f}×, "
                f"of the medians {paint / max(frame_paint, 1):.2f}×  (target ≤ 1.5×: {'met' if ratio <= 1.5 else 'NOT met'})"
            )
            print(f"    HTML received by {response:.0f} ms, DOMContentLoaded done by {ready:.0f} ms")
            for name, url in references.urls.items():
                if url == frame_url:
                    continue
                figures = draw_times(driver, url, arguments.loads)
                if figures is None:
                    return 2
                print(f"    for scale, {name}: first contentful paint {figures[0]:.0f} ms")
    finally:
        if driver:
            driver.quit()
        references.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
