"""Debian's chromium, headless, through Debian's chromium-driver (never a downloaded browser).

Shared by the real-browser test (browser_test.py) and `make bench-pages`.
"""
import json
import os

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = os.environ.get("SD_CHROMIUM", "/usr/bin/chromium")
DRIVER = os.environ.get("SD_CHROMEDRIVER", "/usr/bin/chromedriver")


def start(width=1440, height=1000, log_dir=None, javascript=True):
    """A headless Chromium with console and network (performance) logs enabled; `javascript=False`
    turns scripts off, as a user who disabled them has it."""
    options = webdriver.ChromeOptions()
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-color-profile=srgb",
        "--lang=en-GB",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
    service_args = []
    if log_dir:
        service_args = [f"--log-path={os.path.join(log_dir, 'chromedriver.log')}"]
    driver = webdriver.Chrome(service=Service(DRIVER, service_args=service_args), options=options)
    driver.set_page_load_timeout(30)
    # The viewport, not the window, is what pages are laid out in: make it exact.
    set_viewport(driver, width, height, mobile=False)
    return driver


def set_viewport(driver, width, height, mobile):
    """Lays the page out at exactly width × height CSS pixels (a phone when `mobile`)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


def network_events(driver):
    """The DevTools Network events logged since the last call, as (method, params) pairs."""
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method", "").startswith("Network."):
            events.append((message["method"], message.get("params", {})))
    return events
