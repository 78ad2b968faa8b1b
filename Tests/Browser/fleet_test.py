#!/usr/bin/env python3
"""Tags, filters and the compact view in a real browser (docs/dashboard.md, "Tags, filters and
the compact view"): Debian's Chromium, headless, driven by Selenium.

Run by scripts/browser-test.sh right after browser_test.py, with the same environment (see
browser_test.py) and the same seeded fleet. It tags some of the fleet's servers (one tag is
markup), starts the api again, and a second frontend-renderer with DASHBOARD_CARD_LIMIT=5 so
that the 12 servers open in the compact view. It checks:

  - the compact view above the limit: problems, tiles by tag with a shape and a label, the
    sortable table (aria-sort, sort links), the card wall one click away and back;
  - filters through the GET form, kept in the URL, surviving a reload, removable;
  - tags on the cards, escaped (no element made from the markup tag);
  - accessibility and HTML checks of the new views: one h1, landmarks, heading levels, names
    for every link, control and image, unique ids, well-formed markup, the tiles' contrast,
    no horizontal page scroll at 360 px (the table scrolls in its own box);
  - screenshots: the compact view at 360 × 740 and on a desktop, the card wall with tags.

Exits 1 listing every failure.
"""
import html.parser
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import browser_test as bt
import chromium

HOSTILE_TAG = "<img src=x onerror=alert(1)>"
TAGS = {
    "web-01": ["web", "eu"],
    "cache-02": ["web"],
    "app-01": ["app", "eu"],
    "app-02": ["app"],
    "app-03": ["app"],
    bt.CRITICAL: ["db", HOSTILE_TAG],
}
CARD_LIMIT = 5
renderer = None
compact_base = None


def sql_text(value):
    return "'" + value.replace("'", "''") + "'"


def tag_the_fleet():
    """Stores the tags (the api reads them when it starts)."""
    statements = [
        f"UPDATE servers SET tags = ARRAY[{', '.join(sql_text(tag) for tag in tags)}]::text[] WHERE name = {sql_text(name)};"
        for name, tags in TAGS.items()
    ]
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", bt.DATABASE_URL, "-c", " ".join(statements)], check=True, stdout=subprocess.DEVNULL)


def start_compact_renderer():
    """A second renderer on the same api, with DASHBOARD_CARD_LIMIT=5."""
    global renderer, compact_base
    binary = os.path.join(os.path.dirname(bt.API_BINARY), "frontend-renderer")
    port = free_port()
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "FRONTEND_HOST": "127.0.0.1", "FRONTEND_PORT": str(port),
        "API_URL": f"http://127.0.0.1:{bt.API_PORT}", "REFRESH_INTERVAL_SECONDS": "0", "LOG_LEVEL": "warning",
        "DASHBOARD_CARD_LIMIT": str(CARD_LIMIT),
    }
    log = open(os.path.join(bt.WORK, "compact-renderer.log"), "ab")
    renderer = subprocess.Popen([binary, "--env-file", "/dev/null"], env=environment, stdout=log, stderr=log)
    compact_base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(compact_base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the second renderer did not start")


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def open_page(driver, url):
    driver.get(url)
    bt.wait_for(driver, lambda: driver.execute_script("return document.readyState") == "complete", 10)


# --- accessibility and HTML checks ------------------------------------------------------

AUDIT = """
var problems = [];
var h1 = document.querySelectorAll('h1');
if (h1.length !== 1) problems.push(h1.length + ' h1 elements');
if (!document.querySelector('main')) problems.push('no main landmark');
if (!document.querySelector('nav[aria-label]')) problems.push('no labelled navigation');
var last = 0;
document.querySelectorAll('main h1, main h2, main h3, main h4').forEach(function (h) {
  var level = +h.tagName[1];
  if (last && level > last + 1) problems.push('heading level jumps to ' + h.tagName + ': ' + h.textContent.trim().slice(0, 40));
  last = level;
});
function named(e) {
  return (e.getAttribute('aria-label') || '').trim() || (e.textContent || '').trim() || (e.getAttribute('title') || '').trim();
}
document.querySelectorAll('a[href], button').forEach(function (e) {
  if (!named(e)) problems.push('a ' + e.tagName.toLowerCase() + ' without a name: ' + e.outerHTML.slice(0, 80));
});
document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(function (e) {
  if (!e.closest('label') && !e.getAttribute('aria-label') && !(e.id && document.querySelector('label[for="' + e.id + '"]')))
    problems.push('a control without a label: ' + e.outerHTML.slice(0, 80));
});
document.querySelectorAll('[role=img]').forEach(function (e) {
  if (!named(e)) problems.push('an image without a name');
});
var ids = {};
document.querySelectorAll('[id]').forEach(function (e) {
  if (ids[e.id]) problems.push('duplicate id ' + e.id);
  ids[e.id] = true;
});
document.querySelectorAll('thead th').forEach(function (e) {
  if (e.getAttribute('scope') !== 'col') problems.push('a column header without scope=col');
});
document.querySelectorAll('[aria-sort]').forEach(function (e) {
  if (e.tagName !== 'TH') problems.push('aria-sort on ' + e.tagName);
});
document.querySelectorAll('[aria-labelledby]').forEach(function (e) {
  if (!document.getElementById(e.getAttribute('aria-labelledby'))) problems.push('aria-labelledby points nowhere');
});
function rgb(c) { var m = c.match(/[\\d.]+/g).map(Number); return m.slice(0, 3); }
function lum(c) {
  var v = rgb(c).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
var worst = 99;
document.querySelectorAll('a.t').forEach(function (e) {
  var s = getComputedStyle(e), a = lum(s.color), b = lum(s.backgroundColor);
  worst = Math.min(worst, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
  if (!e.getAttribute('aria-label') || !e.textContent.trim()) problems.push('a tile without a label or a shape');
});
if (document.querySelector('a.t') && worst < 4.5) problems.push('tile text contrast ' + worst.toFixed(2) + ' < 4.5');
return problems;
"""

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "path", "use", "rect", "circle", "line", "polyline", "stop"}


class Nesting(html.parser.HTMLParser):
    """Checks that every element is closed in order (the pages close every element they open)."""

    OPTIONAL = {"p", "li", "option", "tr", "td", "th", "thead", "tbody"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"<{tag}> repeats an attribute")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def audit(driver, what):
    found = driver.execute_script(AUDIT)
    for problem in found[:10]:
        print(f"        {problem}")
    bt.check(not found, f"{what}: accessibility checks ({len(found)} problem(s))")
    with urllib.request.urlopen(driver.current_url) as answer:
        source = answer.read().decode()
    parser = Nesting()
    parser.feed(source)
    errors = parser.errors + ([f"unclosed {parser.stack}"] if parser.stack else [])
    for error in errors[:5]:
        print(f"        {error}")
    bt.check(not errors, f"{what}: the HTML is well-formed ({len(errors)} problem(s))")
    clean(driver, what)


def clean(driver, what):
    """No console error or failed request; the second renderer has no nginx in front, so its
    pages' event stream (/api/events at its own origin) is refused there and falls back to polling."""
    found = bt.problems(driver)
    if compact_base and driver.current_url.startswith(compact_base):
        found = [problem for problem in found if compact_base + "/api/events" not in problem]
    for problem in found:
        print(f"        {problem}")
    bt.check(not found, f"{what}: no console error or warning, no failed request")


def no_page_scroll(driver, what):
    overflow = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    bt.check(overflow[0] <= overflow[1], f"{what}: no horizontal page scroll ({overflow[0]} ≤ {overflow[1]})")


def no_element_from_markup(driver):
    made = driver.execute_script("return document.querySelectorAll('main img').length")
    bt.check(made == 0, f"no element was made from the tag {HOSTILE_TAG} ({made} img in main)")


# --- the checks -------------------------------------------------------------------------


def run(driver):
    print("the compact view above DASHBOARD_CARD_LIMIT (5 < 12 servers)")
    open_page(driver, compact_base + "/")
    bt.check(driver.find_elements(By.CSS_SELECTOR, "li.card") == [], "no card is shown above the limit")
    bt.all_visible(driver, "#problems li", None, "problems")
    first = driver.execute_script("return document.querySelector('#problems li').getAttribute('data-server')")
    bt.check(first == bt.CRITICAL, f"the critical server is the first problem ({first!r})")
    reasons = driver.execute_script("return Array.from(document.querySelectorAll('#problems .why')).map(function (e) { return e.textContent; })")
    bt.check(all(reason.strip() for reason in reasons) and any("CPU" in r for r in reasons), f"every problem says why ({reasons[:3]} …)")
    tiles = driver.execute_script(
        "return Array.from(document.querySelectorAll('a.t')).map(function (e) { return [e.textContent, e.getAttribute('aria-label')]; })")
    bt.check(len(tiles) >= 12, f"a tile per server and tag ({len(tiles)} tiles)")
    shapes = {label.rsplit(": ", 1)[1]: text for text, label in tiles}
    bt.check(len(set(shapes.values())) == len(shapes) == 4, f"each status has its own shape, not only a colour ({shapes})")
    groups = driver.execute_script("return Array.from(document.querySelectorAll('.tile-group h3')).map(function (e) { return e.textContent; })")
    bt.check(any(g.startswith("Tag app") for g in groups) and any(g.startswith("Without a tag") for g in groups), f"tiles are grouped by tag ({groups})")
    rows = driver.find_elements(By.CSS_SELECTOR, "#fleet tbody tr")
    bt.check(len(rows) == bt.SERVER_COUNT, f"the table has a row per server ({len(rows)})")
    no_element_from_markup(driver)
    audit(driver, "compact view")
    bt.shot(driver, "compact-desktop")

    print("sorting the table through its header links")
    driver.find_element(By.CSS_SELECTOR, "#fleet th a[data-sort=cpu]").click()
    bt.wait_for(driver, lambda: "sort=-cpu" in driver.current_url, 10)
    header = driver.find_element(By.CSS_SELECTOR, "#fleet th[aria-sort]")
    bt.check(header.get_attribute("aria-sort") == "descending" and "CPU" in header.text, f"CPU sorted descending ({header.text!r})")
    figures = driver.execute_script(
        "return Array.from(document.querySelectorAll('#fleet tbody tr td:nth-child(3)')).map(function (e) { return e.textContent; })")
    numbers = [float(f.split()[0]) for f in figures if f.strip() != "–"]
    bt.check(numbers == sorted(numbers, reverse=True), f"the CPU column reads highest first ({numbers[:4]} …)")
    driver.find_element(By.CSS_SELECTOR, "#fleet th a[data-sort=cpu]").click()
    bt.wait_for(driver, lambda: "sort=cpu" in driver.current_url and "sort=-cpu" not in driver.current_url, 10)
    bt.check(driver.find_element(By.CSS_SELECTOR, "#fleet th[aria-sort]").get_attribute("aria-sort") == "ascending", "a second click sorts ascending")
    clean(driver, "sorting")

    print("the card wall one click away, and back")
    driver.find_element(By.ID, "view-cards").click()
    bt.wait_for(driver, lambda: "view=cards" in driver.current_url, 10)
    bt.all_visible(driver, "li.card", bt.SERVER_COUNT, "cards after 'Card wall'")
    driver.find_element(By.ID, "view-compact").click()
    bt.wait_for(driver, lambda: "view=compact" in driver.current_url, 10)
    bt.check(len(driver.find_elements(By.CSS_SELECTOR, "#fleet tbody tr")) == bt.SERVER_COUNT, "back to the compact view")

    print("the compact view on a phone, 360 × 740")
    chromium.set_viewport(driver, 360, 740, mobile=True)
    open_page(driver, compact_base + "/")
    no_page_scroll(driver, "the compact view at 360 px")
    wrap = driver.execute_script(
        "var w = document.querySelector('.fleet-table .table-wrap'); return [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX]")
    bt.check(wrap[2] == "auto", f"the table scrolls inside its own box ({wrap})")
    audit(driver, "compact view at 360 px")
    bt.shot(driver, "compact-360")
    chromium.set_viewport(driver, 1440, 1000, mobile=False)

    print("filters through the GET form, kept in the URL")
    open_page(driver, bt.BASE + "/")
    Select(driver.find_element(By.CSS_SELECTOR, "#fleet-filter select[name=tag]")).select_by_value("app")
    Select(driver.find_element(By.CSS_SELECTOR, "#fleet-filter select[name=status]")).select_by_value("healthy")
    driver.find_element(By.CSS_SELECTOR, "#fleet-filter button[type=submit]").click()
    bt.wait_for(driver, lambda: "tag=app" in driver.current_url, 10)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(driver.current_url).query)
    bt.check(query.get("tag") == ["app"] and query.get("status") == ["healthy"], f"the filter is in the URL ({driver.current_url})")
    shown = driver.execute_script("return Array.from(document.querySelectorAll('li.card')).map(function (c) { return [c.dataset.server, c.dataset.status]; })")
    bt.check(shown and all(name.startswith("app-") and status == "healthy" for name, status in shown), f"only healthy app servers ({shown})")
    driver.refresh()
    bt.wait_for(driver, lambda: driver.execute_script("return document.readyState") == "complete", 10)
    kept = Select(driver.find_element(By.CSS_SELECTOR, "#fleet-filter select[name=tag]")).first_selected_option.get_attribute("value")
    after = driver.execute_script("return document.querySelectorAll('li.card').length")
    bt.check(kept == "app" and after == len(shown), f"the filter survives a reload (tag {kept!r}, {after} cards)")
    bt.check("Showing" in driver.find_element(By.ID, "current-filter").text, "the filter in force is shown")
    audit(driver, "filtered dashboard")
    driver.find_element(By.CSS_SELECTOR, "#current-filter a.chip").click()
    bt.wait_for(driver, lambda: "tag=app" not in driver.current_url, 10)
    bt.check("status=healthy" in driver.current_url, f"removing the tag keeps the status ({driver.current_url})")
    driver.find_element(By.ID, "clear-filter").click()
    bt.wait_for(driver, lambda: urllib.parse.urlsplit(driver.current_url).query == "", 10)
    bt.all_visible(driver, "li.card", bt.SERVER_COUNT, "every card after clearing the filter")

    print("tags on the cards")
    tags = driver.execute_script(
        "var c = document.querySelector('li.card[data-server=\"web-01\"]');"
        " return Array.from(c.querySelectorAll('.tags a')).map(function (a) { return a.textContent; })")
    bt.check(tags == ["web", "eu"], f"web-01's card shows its tags ({tags})")
    hostile = driver.execute_script(
        "var tag = arguments[0]; return Array.from(document.querySelectorAll('.tags a')).filter(function (a) { return a.textContent === tag; }).length",
        HOSTILE_TAG)
    bt.check(hostile == 1, f"the markup tag is shown as text ({hostile})")
    no_element_from_markup(driver)
    audit(driver, "card wall with tags")
    bt.shot(driver, "cards-tags")

    print("the filter on the overview, users and alerts pages")
    for path, selector in (("/overview?tag=app", "#total-servers b"), ("/alerts?status=offline", "#current-filter"), ("/users?tag=web", "#current-filter")):
        open_page(driver, bt.BASE + path)
        bt.check(driver.find_elements(By.CSS_SELECTOR, selector) != [], f"{path} shows {selector}")
        driver.refresh()
        bt.wait_for(driver, lambda: driver.execute_script("return document.readyState") == "complete", 10)
        bt.check(urllib.parse.urlsplit(driver.current_url).query == urllib.parse.urlsplit(path).query, f"{path} keeps its filter across a reload")
        audit(driver, path)
    open_page(driver, bt.BASE + "/overview?tag=app")
    total = driver.find_element(By.CSS_SELECTOR, "#total-servers b").text
    bt.check(total == "3", f"the overview counts the 3 app servers ({total})")
    chromium.set_viewport(driver, 360, 740, mobile=True)
    for path in ("/?tag=app", "/overview?tag=app", "/users?tag=web", "/alerts?status=offline"):
        open_page(driver, bt.BASE + path)
        no_page_scroll(driver, f"{path} at 360 px")
    chromium.set_viewport(driver, 1440, 1000, mobile=False)
    clean(driver, "filters at 360 px")

    print("a bad filter value")
    with_status = None
    try:
        urllib.request.urlopen(bt.BASE + "/?status=purple")
    except urllib.error.HTTPError as error:
        with_status = error.code
    bt.check(with_status == 400, f"/?status=purple answers 400 ({with_status})")


def main():
    os.makedirs(bt.SHOTS, exist_ok=True)
    tag_the_fleet()
    bt.start_api()
    start_compact_renderer()
    driver = chromium.start(1440, 1000, log_dir=bt.WORK)
    try:
        run(driver)
    finally:
        driver.quit()
        if renderer is not None:
            renderer.terminate()
            renderer.wait(timeout=10)
        bt.stop_api()
    if bt.failures:
        print(f"\n{len(bt.failures)} check(s) failed:")
        for failure in bt.failures:
            print(f"  - {failure}")
        return 1
    print("\nevery fleet check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
