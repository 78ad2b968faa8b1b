#!/usr/bin/env python3
"""The server page's deeper sections in a real browser (docs/dashboard.md, "The server page"):
Debian's Chromium, headless, driven by Selenium.

Run by scripts/browser-test.sh after fleet_test.py, with the same environment (see
browser_test.py) except SD_BROWSER_DATABASE_URL, which names the database DeeperServerPageTests
seeded (a server reporting hostile processes, containers and failed units, inodes, a temperature
and change events). It starts the api on that database and checks on /servers/deep-08:

  - failed units, containers (state badges), top processes, the inodes column and "What changed"
    are there, the hostile names shown as text (no element made from them);
  - the accessibility and HTML checks of fleet_test.py, no console error or failed request;
  - a whole-page screenshot, server-page-deeper.png (the one in docs/images).

Exits 1 listing every failure.
"""
import os
import sys

from selenium.webdriver.common.by import By

import browser_test as bt
import chromium
import fleet_test

SERVER = "deep-08"
HOSTILE_COMMAND = "<script>alert(1)</script> =1+1"
HOSTILE_CONTAINER = "<img src=x onerror=alert(2)>"


def run(driver):
    print(f"the server page of {SERVER}")
    fleet_test.open_page(driver, f"{bt.BASE}/servers/{SERVER}")
    for heading in ("Failed units", "Containers", "Top processes", "What changed"):
        found = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "main h2") if h.text.strip() == heading]
        bt.check(found, f"the {heading!r} section is shown")
    commands = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#top-processes tbody th code")]
    bt.check(HOSTILE_COMMAND in commands, f"the hostile command line is shown as text ({commands[:2]})")
    names = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#containers tbody th")]
    bt.check(HOSTILE_CONTAINER in names, f"the hostile container name is shown as text ({names})")
    badges = [badge.text.lower() for badge in driver.find_elements(By.CSS_SELECTOR, "#containers .st")]
    bt.check(badges == ["running", "exited"], f"each container's state is a badge ({badges})")
    made = driver.execute_script("return document.querySelectorAll('main img, main script').length")
    bt.check(made == 0, f"no element was made from host text ({made} img or script in main)")
    inodes = driver.execute_script(
        "return Array.from(document.querySelectorAll('#filesystems thead th')).map(function (h) { return h.textContent.trim(); })")
    bt.check("Inodes used" in inodes, f"the filesystems table has an inodes column ({inodes})")
    changes = [item.text for item in driver.find_elements(By.CSS_SELECTOR, "#change-events li")]
    bt.check(len(changes) == 2 and "Kernel changed" in changes[0], f"what changed, newest first ({changes})")
    fleet_test.audit(driver, f"/servers/{SERVER}")
    bt.shot(driver, "server-page-deeper")


def main():
    os.makedirs(bt.SHOTS, exist_ok=True)
    bt.start_api()
    driver = chromium.start(1280, 1000, log_dir=bt.WORK)
    try:
        run(driver)
    finally:
        driver.quit()
        bt.stop_api()
    if bt.failures:
        print(f"\n{len(bt.failures)} check(s) failed:")
        for failure in bt.failures:
            print(f"  - {failure}")
        return 1
    print("\nevery server page check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
