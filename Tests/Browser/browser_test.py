#!/usr/bin/env python3
"""The dashboard in a real browser: Debian's Chromium, headless, driven by Selenium.

Run by scripts/browser-test.sh (the last step of `make test`), which seeds the fleet,
starts the frontend-renderer and passes, in the environment:

    SD_BROWSER_BASE_URL      nginx in front of the renderer and the api, e.g. http://127.0.0.1:41234
    SD_BROWSER_API           the api binary; this test starts, stops and restarts it
    SD_BROWSER_API_PORT      the port the renderer expects it on
    SD_BROWSER_DATABASE_URL  the seeded database
    SD_BROWSER_WORK          a folder for the api's log and pid file
    SD_BROWSER_SCREENSHOTS   where the PNG screenshots go
    SD_BROWSER_REFRESH       the renderer's REFRESH_INTERVAL_SECONDS

Every page is loaded and must raise no console error or warning (CSP violations
included) and no failed or non-2xx/3xx request, except the deliberate 404 page and the
503 answers while the api is deliberately stopped. Each step prints what it checked;
the test exits 1 listing every failure.
"""
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import chromium

BASE = os.environ["SD_BROWSER_BASE_URL"].rstrip("/")
API_BINARY = os.environ["SD_BROWSER_API"]
API_PORT = os.environ["SD_BROWSER_API_PORT"]
DATABASE_URL = os.environ["SD_BROWSER_DATABASE_URL"]
WORK = os.environ["SD_BROWSER_WORK"]
SHOTS = os.environ["SD_BROWSER_SCREENSHOTS"]
REFRESH = int(os.environ.get("SD_BROWSER_REFRESH", "2"))

# The seeded fleet (Tests/TestSupport/SeededFleet.swift and BrowserFleet.swift).
SERVER_COUNT = 12
CRITICAL = "db 01 ünïcødé"
HOSTILE = "<script>alert(1)</script>"
HISTORY_SERVER = "app-01"
LONG_NAME = "reporting-worker-eu-west-1.internal.example.net"
SERVER_NAMES = {
    "web-01", "cache-02", CRITICAL, "old-host", "flaky-03", "new-box",
    HISTORY_SERVER, "app-02", "app-03", "batch-07", "storage-04", LONG_NAME,
}

failures = []


def check(condition, what):
    """Records a failure (and goes on) when `condition` is false."""
    if condition:
        print(f"  ok    {what}")
    else:
        print(f"  FAIL  {what}")
        failures.append(what)
    return condition


# --- the api, which this test stops and restarts -------------------------------------

api = None


def start_api():
    global api
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": DATABASE_URL,
        "DATABASE_POOL_SIZE": "4",
        "API_HOST": "127.0.0.1",
        "API_PORT": API_PORT,
        "LOG_LEVEL": "warning",
    }
    log = open(os.path.join(WORK, "api.log"), "ab")
    api = subprocess.Popen([API_BINARY, "--env-file", "/dev/null"], env=environment, stdout=log, stderr=log)
    with open(os.path.join(WORK, "api.pid"), "w") as pid_file:
        pid_file.write(str(api.pid))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{API_PORT}/api/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if api.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"the api did not become healthy on port {API_PORT}; see {WORK}/api.log")


def stop_api():
    global api
    if api is not None and api.poll() is None:
        api.send_signal(signal.SIGTERM)
        try:
            api.wait(timeout=15)
        except subprocess.TimeoutExpired:
            api.kill()
            api.wait()
    api = None


# --- what the browser logged ----------------------------------------------------------

requests = {}  # DevTools requestId -> URL


def problems(driver, allowed_status=(), allowed_console=()):
    """Console errors and warnings, failed requests and non-2xx/3xx answers since the
    last call. `allowed_status` holds (status, url) pairs that are expected; a console
    line is expected when it contains one of `allowed_console`."""
    found = []
    for entry in driver.get_log("browser"):
        if entry["level"] not in ("WARNING", "SEVERE"):
            continue
        if any(text in entry["message"] for text in allowed_console):
            continue
        found.append(f"console {entry['level']}: {entry['message']}")
    for method, params in chromium.network_events(driver):
        if method == "Network.requestWillBeSent":
            requests[params["requestId"]] = params["request"]["url"]
        elif method == "Network.responseReceived":
            response = params["response"]
            url, status = response["url"], int(response["status"])
            if not url.startswith("http"):
                continue
            if not (200 <= status < 400) and (status, url) not in allowed_status:
                found.append(f"answer {status} for {url}")
        elif method == "Network.loadingFailed":
            url = requests.get(params["requestId"], "?")
            # A refresh the script started is aborted when the test navigates away: the
            # browser cancels it, nothing failed.
            if params.get("canceled") and params.get("type") == "Fetch":
                continue
            found.append(f"request failed ({params.get('errorText')}, {params.get('type')}): {url}")
    return found


def expect_clean(driver, what, **allowed):
    found = problems(driver, **allowed)
    for problem in found:
        print(f"        {problem}")
    check(not found, f"{what}: no console error or warning, no failed request")


# --- page helpers ---------------------------------------------------------------------


def load(driver, path):
    driver.get(BASE + path)
    wait_for(driver, lambda: driver.execute_script("return document.readyState") == "complete", 10)


def wait_for(driver, condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except Exception:  # an element replaced by a refresh mid-check: try again
            pass
        time.sleep(0.1)
    return False


def shot(driver, name):
    path = os.path.join(SHOTS, name + ".png")
    # The whole page, not only the first screenful: grow the viewport to the content.
    width = driver.execute_script("return window.innerWidth")
    height = driver.execute_script("return Math.max(document.documentElement.scrollHeight, window.innerHeight)")
    mobile = width < 600
    chromium.set_viewport(driver, width, min(height, 6000), mobile)
    driver.save_screenshot(path)
    chromium.set_viewport(driver, width, 1000 if not mobile else 812, mobile)
    print(f"  shot  {path}")


def sizes(driver, selector):
    """Width × height of every element matching `selector` (SVG included)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(function (e) {"
        " var r = e.getBoundingClientRect(); return [r.width, r.height]; })",
        selector,
    )


def all_visible(driver, selector, expected=None, what=None):
    boxes = sizes(driver, selector)
    label = what or selector
    if expected is not None:
        check(len(boxes) == expected, f"{label}: {len(boxes)} shown (expected {expected})")
    else:
        check(len(boxes) > 0, f"{label}: {len(boxes)} shown")
    check(all(w > 0 and h > 0 for w, h in boxes), f"{label}: every one has a non-zero size")


# Allowed in the console right after inline_script_blocked: the refusal it provokes (this
# Chromium's wording, and older ones').
INLINE_REFUSED = ("Executing inline script violates", "Refused to execute inline script")


def inline_script_blocked(driver):
    """The page's Content-Security-Policy, as this browser enforces it, stops an inline
    script: one added to the loaded page does not run, and the browser reports the
    violation. (An alert() in an injected name could never open a dialog under this
    policy, so a "no dialog" check would pass whatever the escaping did.)"""
    ran, violations = driver.execute_async_script(
        "var done = arguments[arguments.length - 1], violations = [];"
        " document.addEventListener('securitypolicyviolation', function (e) { violations.push(e.violatedDirective); });"
        " window.__sdInlineRan = false;"
        " var s = document.createElement('script'); s.textContent = 'window.__sdInlineRan = true;';"
        " document.body.appendChild(s);"
        " setTimeout(function () { done([window.__sdInlineRan, violations]); }, 300);"
    )
    check(not ran and any(v.startswith("script-src") for v in violations),
          f"the page's CSP blocks an inline script (ran: {ran}, violations: {violations})")
    header = urllib.request.urlopen(driver.current_url).headers.get("Content-Security-Policy", "")
    script_src = next((d.strip() for d in header.split(";") if d.strip().startswith("script-src")), "")
    check(script_src != "" and "'unsafe-inline'" not in script_src, f"the CSP header has a script-src without 'unsafe-inline' ({script_src!r})")
    # The refusal above is the one console error expected here; anything else is reported.
    expect_clean(driver, "after the inline-script probe", allowed_console=INLINE_REFUSED)


def hostile_shown_as_text(driver):
    """The user named <script>alert(1)</script> is a cell's text: no element was made from it."""
    cells = driver.execute_script(
        "var name = arguments[0]; return Array.from(document.querySelectorAll('main td, main th'))"
        ".filter(function (e) { return e.textContent.trim() === name && e.children.length === 0; }).length",
        HOSTILE,
    )
    check(cells >= 1, f"the user {HOSTILE} is shown as text, in a cell with no element in it ({cells} cell(s))")
    made = driver.execute_script("return document.querySelectorAll('main script').length")
    check(made == 0, f"no script element was made from the name ({made} found in main)")
    scripts = driver.execute_script("return Array.from(document.scripts).map(function (s) { return s.src; })")
    check(len(scripts) == 1 and "/static/app.js" in scripts[0], f"the only script is /static/app.js ({scripts})")
    inline_script_blocked(driver)


def main():
    os.makedirs(SHOTS, exist_ok=True)
    start_api()
    driver = chromium.start(1440, 1000, log_dir=WORK)
    try:
        run(driver)
    finally:
        driver.quit()
        stop_api()
    if failures:
        print(f"\n{len(failures)} check(s) failed:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("\nevery browser check passed")
    return 0


def run(driver):
    history_path = f"/history?server={HISTORY_SERVER}&range=6h"
    users_path = "/users?sort=username&order=asc&q=" + urllib.parse.quote("<script")
    server_path = "/servers/" + urllib.parse.quote(CRITICAL, safe="")
    missing_path = "/servers/no-such-server"

    print("dashboard /")
    load(driver, "/")
    all_visible(driver, "li.card", SERVER_COUNT, "server cards")
    all_visible(driver, ".g[role=img]", SERVER_COUNT * 3, "gauges")
    for status in ("healthy", "warning", "critical", "offline"):
        check(sizes(driver, f"li.card.s-{status}") != [], f"a {status} card is shown")
    colours = driver.execute_script(
        "return ['healthy','critical'].map(function (s) {"
        " return getComputedStyle(document.querySelector('li.card.s-' + s)).borderLeftColor; })"
    )
    check(colours[0] != colours[1], f"healthy and critical cards differ in colour ({colours})")
    long_card = driver.execute_script(
        "var c = document.querySelector('li.card[data-server=\"' + arguments[0] + '\"]');"
        " return c ? [c.scrollWidth, c.clientWidth] : null",
        LONG_NAME,
    )
    check(long_card is not None and long_card[0] <= long_card[1], f"the long server name fits its card ({long_card})")
    check(driver.find_element(By.ID, "theme-toggle").is_displayed(), "the theme toggle is shown")
    expect_clean(driver, "dashboard")
    shot(driver, "dashboard-light")

    print("overview /overview")
    load(driver, "/overview")
    all_visible(driver, ".tile", None, "overview tiles")
    all_visible(driver, "main table", None, "overview tables")
    expect_clean(driver, "overview")
    shot(driver, "overview")

    print(f"history {history_path}")
    load(driver, history_path)
    all_visible(driver, "svg.chart", 7, "history charts")  # the catalogue's chart lines, temperature included
    lines = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart path.ln')).map(function (p) { return p.getTotalLength(); })"
    )
    check(len(lines) >= 4 and all(length > 50 for length in lines), f"every chart draws its lines ({len(lines)} lines)")
    hover = driver.execute_script("return document.querySelectorAll('svg.chart circle.pt title').length")
    check(hover > 20, f"chart points carry hover values ({hover})")
    expect_clean(driver, "history")
    shot(driver, "history")

    print(f"users {users_path}")
    load(driver, users_path)
    rows = driver.execute_script("return document.querySelectorAll('#users tbody tr').length")
    check(rows == 1, f"the filter '<script' leaves one user row ({rows})")
    hostile_shown_as_text(driver)
    expect_clean(driver, "users, filtered")
    shot(driver, "users-filtered")
    load(driver, "/users?sort=username&order=asc")
    names = driver.execute_script(
        "return Array.from(document.querySelectorAll('#users tbody tr')).map(function (r) { return r.cells[0].textContent.trim(); })"
    )
    check(len(names) > 3 and names == sorted(names), f"users sorted by name ({names[:4]}…)")
    hostile_shown_as_text(driver)
    expect_clean(driver, "users, sorted")
    shot(driver, "users")

    print(f"server {server_path}")
    load(driver, server_path)
    all_visible(driver, ".g[role=img]", 3, "the server's gauges")
    all_visible(driver, "svg.bar", None, "filesystem bars")
    check(CRITICAL in driver.find_element(By.TAG_NAME, "h1").text, "the heading names the server")
    hostile_shown_as_text(driver)
    expect_clean(driver, "server")
    shot(driver, "server")

    print("alerts /alerts")
    load(driver, "/alerts")
    all_visible(driver, "main table", None, "alert tables")
    check("batch-07" in driver.find_element(By.ID, "main").text, "the resolved CPU alert of batch-07 is listed")
    alerts_text = driver.find_element(By.ID, "main").text
    check("delivered" in alerts_text and "HTTP 503" in alerts_text, "each channel's delivery is shown: delivered, and the retried one's last error")
    check("disk migration in progress" in alerts_text, "the silence on storage-04 is shown with its reason")
    expect_clean(driver, "alerts")
    shot(driver, "alerts")

    print(f"404 {missing_path}")
    load(driver, missing_path)
    check(driver.find_element(By.TAG_NAME, "h1").text == "Not found", "a 'Not found' page")
    statuses = [
        int(params["response"]["status"])
        for method, params in chromium.network_events(driver)
        if method == "Network.responseReceived" and params["response"]["url"] == BASE + missing_path
    ]
    check(statuses == [404], f"answered 404 ({statuses})")
    expect_clean(driver, "404 page", allowed_console=("status of 404",))
    shot(driver, "not-found")

    print("theme")
    load(driver, "/")
    before = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    toggle = driver.find_element(By.ID, "theme-toggle")
    label = toggle.text
    toggle.click()
    after = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    theme = driver.execute_script("return document.documentElement.getAttribute('data-theme')")
    check(theme == "dark" and before != after, f"the toggle switches to the dark theme ({before} → {after})")
    check(driver.find_element(By.ID, "theme-toggle").text != label, "the toggle's label changes")
    shot(driver, "dashboard-dark")
    load(driver, "/overview")
    kept = driver.execute_script("return [document.documentElement.getAttribute('data-theme'), getComputedStyle(document.body).backgroundColor]")
    check(kept == ["dark", after], f"the dark theme is kept on the next page and reload ({kept})")
    shot(driver, "overview-dark")
    load(driver, history_path)
    shot(driver, "history-dark")
    load(driver, "/")
    driver.find_element(By.ID, "theme-toggle").click()
    driver.refresh()
    check(driver.execute_script("return document.documentElement.getAttribute('data-theme')") == "light", "back to light, kept across a reload")
    expect_clean(driver, "theme")

    print("phone, 375 px")
    chromium.set_viewport(driver, 375, 812, mobile=True)
    for path in ("/", "/overview", history_path, "/users", server_path, "/alerts"):
        load(driver, path)
        overflow = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        check(overflow[0] <= overflow[1], f"{path} has no horizontal scroll at 375 px ({overflow[0]} ≤ {overflow[1]})")
    load(driver, "/")
    shot(driver, "dashboard-375")
    load(driver, history_path)
    shot(driver, "history-375")
    expect_clean(driver, "phone")
    chromium.set_viewport(driver, 1440, 1000, mobile=False)

    print("keyboard")
    load(driver, "/")
    driver.execute_script("document.activeElement && document.activeElement.blur()")
    seen = []
    for _ in range(24):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.execute_script(
            "var e = document.activeElement; var s = getComputedStyle(e); var r = e.getBoundingClientRect();"
            " return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 40),"
            " visible: e.matches(':focus-visible'), outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,"
            " onScreen: r.width > 0 && r.height > 0 && r.left >= 0}"
        )
        seen.append(focused)
    check(seen[0]["text"] == "Skip to content" and seen[0]["onScreen"], f"the first Tab shows the skip link ({seen[0]})")
    texts = [item["text"] for item in seen]
    check(all(item["tag"] in ("A", "BUTTON", "SELECT", "INPUT") for item in seen), "Tab moves through links, buttons and filter fields")
    check({"Overview", "History", "Users", "Alerts", "Refresh"} <= set(texts), "the navigation and the refresh control are reached by Tab")
    cards = [item["text"] for item in seen if item["text"] in SERVER_NAMES]
    check(len(cards) >= 2, f"Tab reaches the server cards ({cards})")
    unseen = [item for item in seen if not (item["visible"] and item["outline"] and item["onScreen"])]
    check(not unseen, f"every focused element shows a visible focus outline ({unseen[:2]})")
    # A refresh replaces the content: the focused card link must stay focused.
    focused = driver.execute_script("return document.activeElement.textContent.trim()")
    driver.execute_script("document.querySelector('#servers').setAttribute('data-marker', 'before-refresh');"
                          " document.dispatchEvent(new CustomEvent('sd:refresh'))")
    wait_for(driver, lambda: driver.execute_script("return !document.querySelector('#servers[data-marker]')"), 10)
    after = driver.execute_script("var e = document.activeElement; return [e.tagName, e.textContent.trim(), e.matches(':focus-visible')]")
    check(after == ["A", focused, True], f"focus stays on {focused!r} across a refresh ({after})")
    shot(driver, "dashboard-keyboard-focus")
    driver.execute_script("document.activeElement && document.activeElement.blur()")
    expect_clean(driver, "keyboard")

    print("live stream (polling only without it)")
    load(driver, "/")
    opened = wait_for(driver, lambda: driver.execute_script("return document.body.getAttribute('data-stream')") == "open", 10)
    check(opened, "the page opened the event stream through nginx (body data-stream=open)")
    driver.execute_script("document.querySelector('#servers').setAttribute('data-marker', 'before-refresh')")
    time.sleep(REFRESH * 2 + 1)
    check(driver.execute_script("return !!document.querySelector('#servers[data-marker]')"), f"no polling every {REFRESH} s while the stream is open")
    driver.execute_script("document.dispatchEvent(new CustomEvent('sd:refresh'))")
    refreshed = wait_for(driver, lambda: driver.execute_script("return !document.querySelector('#servers[data-marker]')"), 10)
    check(refreshed, "an in-place refresh replaced the content")
    check(driver.execute_script("return window.performance.getEntriesByType('navigation').length") == 1, "without reloading the page")
    all_visible(driver, "li.card", SERVER_COUNT, "server cards after the refresh")
    check(not toast_texts(driver), "no toast after a quiet refresh")
    driver.find_element(By.ID, "page-refresh").click()
    check(wait_for(driver, lambda: "Refreshed." in toast_texts(driver), 10), f"the refresh control toasts ({toast_texts(driver)})")
    check(driver.execute_script("return window.performance.getEntriesByType('navigation').length") == 1, "the refresh control refreshes in place")
    expect_clean(driver, "live stream")

    print("api outage (the stream breaks: the page polls)")
    stop_api()
    failed = wait_for(driver, lambda: any("Refresh failed" in text for text in toast_texts(driver)), REFRESH * 4 + 10)
    check(failed, f"a toast says the refresh failed ({toast_texts(driver)})")
    bad = driver.execute_script("return Array.from(document.querySelectorAll('#toasts .toast.bad')).length")
    check(bad >= 1, "the failure toast is styled as a problem")
    check(driver.execute_script("return document.body.getAttribute('data-stream')") == "polling", "the page fell back to polling")
    all_visible(driver, "li.card", SERVER_COUNT, "the last figures stay on screen")
    shot(driver, "dashboard-api-down")
    start_api()
    recovered = wait_for(driver, lambda: any("works again" in text for text in toast_texts(driver)), REFRESH * 4 + 15)
    check(recovered, f"a toast says refreshing works again ({toast_texts(driver)})")
    reopened = wait_for(driver, lambda: driver.execute_script("return document.body.getAttribute('data-stream')") == "open", REFRESH * 4 + 10)
    check(reopened, "the stream opened again and polling stopped")
    shot(driver, "dashboard-api-recovered")
    events = BASE + "/api/events"
    expect_clean(
        driver,
        "api outage",
        allowed_status={(503, BASE + "/"), (502, events), (503, events), (504, events)},
        allowed_console=("status of 50",),
    )


def toast_texts(driver):
    """The texts of the toasts on screen, oldest first."""
    return driver.execute_script("return Array.from(document.querySelectorAll('#toasts .toast')).map(function (t) { return t.textContent; })")


if __name__ == "__main__":
    sys.exit(main())
