#!/usr/bin/env python3
"""Live pages in a real browser (docs/dashboard.md, "Live updates"), against the native stack
of `make run` (Tests/Browser/native_stack.py: PostgreSQL, api, frontend-renderer and nginx of
its own, monitoring this machine), run by scripts/browser-test.sh after browser_test.py.

  1. an open dashboard changes after a collection without a reload (the <html> and <body>
     nodes and a marker variable survive), over the event stream, not by polling;
  2. a toast appears for an alert that opens; the refresh control refreshes in place; the
     server page's CSV and XLSX exports download through nginx, each with a toast;
  3. with JavaScript off the new figures appear only after a click on the refresh link;
  4. during a PostgreSQL outage the dashboard shows, by itself, the last known fleet under the stale
     banner (status 200), and once the database is back the banner goes by itself, with
     the first collection's event.

Environment: SD_BUILD_DIR [.build/debug], SD_BROWSER_SCREENSHOTS [artifacts/screenshots],
SD_LIVE_KEEP=1 keeps the stack's folder. Exits 1 listing every failed check.
"""
import os
import sys
import time

from selenium.webdriver.common.by import By

import chromium
from native_stack import SERVER, NativeStack, ROOT, wait_for

BUILD = os.environ.get("SD_BUILD_DIR", os.path.join(ROOT, ".build", "debug"))
SHOTS = os.environ.get("SD_BROWSER_SCREENSHOTS", os.path.join(ROOT, "artifacts", "screenshots"))

failures = []


def check(condition, what):
    print(f"  {'ok  ' if condition else 'FAIL'}  {what}")
    if not condition:
        failures.append(what)
    return condition


def collected(driver):
    """The `datetime` of the live server's "Collected" time on its card."""
    return driver.execute_script(
        "var c = document.querySelector('li.card[data-server=\"' + arguments[0] + '\"] .meta time');"
        " return c ? c.getAttribute('datetime') : null",
        SERVER,
    )


def mark(driver):
    driver.execute_script("window.__sdMarker = 'kept'; document.documentElement.__sdHtml = 1; document.body.__sdBody = 1;")


def same_document(driver):
    return driver.execute_script(
        "return window.__sdMarker === 'kept' && document.documentElement.__sdHtml === 1 && document.body.__sdBody === 1"
        " && performance.getEntriesByType('navigation').length === 1"
    )


def toasts(driver):
    return driver.execute_script("return Array.from(document.querySelectorAll('#toasts .toast')).map(function (t) { return t.textContent; })")


def toasted(driver, beginning):
    """Whether a toast now shown starts with `beginning`."""
    return any(text.startswith(beginning) for text in toasts(driver))


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def live_with_javascript(stack, driver):
    print("live: an open dashboard follows collections and alerts")
    driver.get(stack.base + "/")
    check(wait_for(lambda: driver.execute_script("return document.body.getAttribute('data-stream')") == "open", 15),
          "the dashboard opened the event stream (body data-stream=open)")
    before = collected(driver)
    check(before is not None, f"the card of {SERVER} shows when it was collected ({before})")
    mark(driver)
    time.sleep(1.1)  # the next run's time differs to the second
    output = stack.collect()
    changed = wait_for(lambda: collected(driver) not in (None, before), 10)
    check(changed, f"the card changed after a collection without a reload ({before} → {collected(driver)}); collector: {output.strip()[-200:]}")
    check(same_document(driver), "the same document: <html>, <body> and the marker variable survive, one navigation")
    check(driver.execute_script("return document.body.getAttribute('data-stream')") == "open", "no fallback to polling while the stream is open")

    print("live: a toast for an alert that opens")
    stack.collect(alert=True)
    opened = wait_for(lambda: any(text.startswith("Alert opened: " + SERVER) and "disk" in text for text in toasts(driver)), 10)
    check(opened, f"a toast names the server and the metric of the opened alert ({toasts(driver)})")
    check(same_document(driver), "still the same document after the alert")
    shot(driver, "live-alert-toast")

    print("live: the refresh control refreshes in place")
    driver.find_element(By.ID, "page-refresh").click()
    check(wait_for(lambda: "Refreshed." in toasts(driver), 10), f"a toast says the page was refreshed ({toasts(driver)})")
    check(same_document(driver), "without a reload")


def exports(stack, driver):
    print("live: the server page's exports download through nginx, with a toast")
    downloads = os.path.join(stack.work, "downloads")
    os.makedirs(downloads, exist_ok=True)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    driver.get(stack.base + "/servers/" + SERVER)
    for label, suffix in (("CSV", ".csv"), ("Excel", ".xlsx")):
        driver.find_element(By.CSS_SELECTOR, f"#exports a[data-export='{label}']").click()
        check(wait_for(lambda: f"Export of {label} started." in toasts(driver), 5), f"a toast says the {label} export started ({toasts(driver)})")
        saved = []
        wait_for(lambda: saved.extend(f for f in os.listdir(downloads) if f.endswith(suffix)) or saved, 15)
        check(bool(saved), f"the {label} export was downloaded ({os.listdir(downloads)})")
        if saved and suffix == ".csv":
            with open(os.path.join(downloads, saved[0]), encoding="utf-8", errors="replace") as exported:
                text = exported.read()
            check(text.count("\n") >= 2, f"the CSV holds a header and the window's rows ({text[:80]!r}…)")


def live_without_javascript(stack, driver):
    print("live, JavaScript off: new figures after a click on the refresh link")
    driver.get(stack.base + "/")
    before = collected(driver)
    check(before is not None, f"the card of {SERVER} is shown without JavaScript ({before})")
    time.sleep(1.1)
    stack.collect()
    time.sleep(3)
    check(collected(driver) == before, "without JavaScript nothing changes by itself")
    driver.find_element(By.ID, "page-refresh").click()
    check(wait_for(lambda: collected(driver) not in (None, before), 10), f"the refresh link shows the new collection ({collected(driver)})")


def database_outage(stack, driver):
    print("live: the dashboard during a PostgreSQL outage")
    driver.get(stack.base + "/")
    check(wait_for(lambda: driver.execute_script("return document.body.getAttribute('data-stream')") == "open", 15), "the stream is open")
    last = collected(driver)
    stack.stop_postgres()
    # The api notices when its change subscription breaks and says so on the stream (a
    # `database` event): the page refreshes itself into the stale answer, no click needed.
    check(wait_for(lambda: toasted(driver, "The database is unreachable"), 45, step=0.2), f"a toast says the database is unreachable ({toasts(driver)})")
    check(wait_for(lambda: driver.find_elements(By.ID, "stale-banner"), 15, step=0.2), "the stale banner appears by itself while the database is away")
    banner = driver.find_element(By.ID, "stale-banner").text if driver.find_elements(By.ID, "stale-banner") else ""
    check(banner.startswith("The database is unreachable since ") and "figures as of" in banner, f"the banner says since when ({banner!r})")
    check(collected(driver) == last, f"the last known fleet is still shown ({collected(driver)})")
    check(not driver.find_elements(By.ID, "api-banner"), "not the api-unavailable banner")
    # A fresh load answers 200 with the banner, too.
    status = driver.execute_script(
        "var x = new XMLHttpRequest(); x.open('GET', '/', false); x.send(); return [x.status, x.responseText.indexOf('id=\"stale-banner\"') >= 0]")
    check(status == [200, True], f"a fresh load during the outage is a 200 page with the banner ({status})")
    shot(driver, "live-database-outage")
    mark(driver)
    stack.start_postgres()
    # The api's subscription comes back and says so (`database` event): the banner goes by
    # itself, before any collection.
    check(wait_for(lambda: toasted(driver, "The database is back"), 60, step=0.2), f"a toast says the database is back ({toasts(driver)})")
    check(wait_for(lambda: not driver.find_elements(By.ID, "stale-banner"), 15, step=0.2), "the banner goes by itself after the database is back")
    # The schedule's next collection (run here) lands and its event refreshes the page.
    deadline = time.monotonic() + 60
    fresh = False
    while time.monotonic() < deadline and not fresh:
        stack.collect()
        fresh = wait_for(lambda: collected(driver) != last, 8)
    check(fresh, "the next collection shows without a reload")
    check(same_document(driver), "without a reload")
    shot(driver, "live-database-recovered")


def main():
    stack = NativeStack(BUILD, keep=os.environ.get("SD_LIVE_KEEP") == "1")
    print(f"live test: native stack in {stack.work}, nginx on {stack.base}")
    try:
        stack.start()
        driver = chromium.start(1280, 900, log_dir=stack.work)
        try:
            live_with_javascript(stack, driver)
            exports(stack, driver)
            database_outage(stack, driver)
        finally:
            driver.quit()
        driver = chromium.start(1280, 900, log_dir=stack.work, javascript=False)
        try:
            live_without_javascript(stack, driver)
        finally:
            driver.quit()
    except Exception as error:  # report, with the services' logs
        failures.append(f"the live test stopped: {error!r}")
    finally:
        if failures:
            print(stack.logs(), file=sys.stderr)
        stack.stop()
    if failures:
        print(f"\n{len(failures)} live check(s) failed:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("\nevery live check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
