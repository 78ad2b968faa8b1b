#!/usr/bin/env python3
"""The hostile-input trip, checked through nginx (run by scripts/e2e-native.sh).

A real test host (scripts/hostile-host.sh) shows user, process, filesystem, OS, container,
image and systemd unit names and a process command line made of HTML, SQL, CSV formulas,
ANSI escapes and bidi controls. After a collection this
checks that they arrive cleaned (controls and bidi removed, the rest kept as text) and
come out inert through the api (JSON), the exports (CSV, XLSX, Prometheus labels), every
page (escaped HTML, no markup of theirs), and the services' logs (no terminal escapes).

    e2e-hostile.py BASE_URL NAMES_JSON SERVER_NAME LOG_DIR [--user U:P]

Prints one "ok   - …" or "FAIL - …" line per check (like e2e-native.sh) and exits 1 on
any failure. Standard library only.
"""

import argparse
import base64
import csv
import html.parser
import io
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

# What HostText removes: C0, DEL, C1, bidi overrides/isolates/marks, non-characters.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufffe\uffff]")
# Markup the hostile names carry; none may reach a page as markup.
RAW_MARKUP = ["<script>alert(1)", "<img src=x", "<svg onload", "<i>fs</i>", "<b>unit</b>", "<b>img</b>", '<script>alert("cmd")']
# A CSV cell a spreadsheet would evaluate.
FORMULA_START = tuple("=+-@\t\r\n") + ("\uff1d", "\uff0b", "\uff0d", "\uff20")

failures = 0


def ok(message):
    print(f"ok   - {message}")


def fail(message):
    global failures
    failures += 1
    print(f"FAIL - {message}", file=sys.stderr)


def check(condition, message, problem=""):
    if condition:
        ok(message)
    else:
        fail(f"{message}: {problem}" if problem else message)


def cleaned(text):
    """The name as HostText keeps it."""
    return UNSAFE.sub("", text)


def shown(text):
    """The forms a host's name may arrive in: with its control characters removed (HostText),
    or first printed as '?' (how GNU df and the probe's own pass write them), bidi removed."""
    return {cleaned(text), cleaned(re.sub("[\x00-\x1f\x7f]", "?", text))}


def has(name, texts):
    return any(form in texts for form in shown(name))


def has_start(name, texts, length=60):
    """Whether a text holds the name's first `length` characters as shown: for names the
    host side cuts (a 200-byte command line or unit name) or whose controls became spaces."""
    forms = {form[:length] for form in shown(name)} | {cleaned(re.sub("[\x00-\x1f\x7f]", " ", name))[:length]}
    return any(form in text for form in forms for text in texts)


class Client:
    def __init__(self, base, credentials):
        self.base = base.rstrip("/")
        self.headers = {}
        if credentials:
            self.headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()

    def get(self, path):
        """(status, headers, body bytes) of GET path; kept in SD_TEST_RESPONSE_LOG when set."""
        request = urllib.request.Request(self.base + path, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        log = os.environ.get("SD_TEST_RESPONSE_LOG")
        if log:
            with open(log, "ab") as out:
                out.write(f"=== GET {path} → {status}\n{headers}\n".encode() + body + b"\n")
        return status, headers, body


class PageText(html.parser.HTMLParser):
    """The text and attribute values a browser would show, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        self.parts.extend(value for _, value in attrs if value)

    def text(self):
        return "\n".join(self.parts)


def json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def check_clean_text(what, texts):
    """No string of `texts` holds a control or bidi character (TAB, LF and CR between
    strings are the document's own)."""
    found = next((match for text in texts for match in [UNSAFE.search(text)] if match), None)
    check(found is None, f"{what} holds no control or bidi character",
          f"found U+{ord(found.group()):04X}" if found else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("names")
    parser.add_argument("server")
    parser.add_argument("logs")
    parser.add_argument("--user", default="")
    arguments = parser.parse_args()
    names = json.loads(Path(arguments.names).read_text(encoding="utf-8"))
    server = arguments.server
    quoted = urllib.parse.quote(server, safe="")
    client = Client(arguments.base, arguments.user)

    users, processes, os_name, mount = names["users"], names["processes"], names["os"], names["mount"]
    containers, images = names.get("containers", []), names.get("images", [])
    units, commands = names.get("units", []), names.get("commands", [])

    # --- the api: stored cleaned, served as plain JSON strings -----------------------------
    api_texts = {}
    for path in [f"/api/users/top?server={quoted}&limit=1000", f"/api/servers/{quoted}",
                 f"/api/servers/{quoted}/filesystems", "/api/servers/metrics/latest",
                 "/api/system/overview", f"/api/servers/{quoted}/status", "/api/alerts",
                 f"/api/servers/{quoted}/forecast"]:
        status, headers, body = client.get(path)
        if status != 200:
            fail(f"GET {path}: status {status}: {body[:200]!r}")
            continue
        strings = list(json_strings(json.loads(body)))
        api_texts[path] = strings
        check_clean_text(f"GET {path}", strings)
    top = api_texts.get(f"/api/users/top?server={quoted}&limit=1000", [])
    for user in users:
        check(has(user, top), f"/api/users/top has the user {user!r}, cleaned", f"got {sorted(set(top))[:20]}")
    for process in processes:
        check(has(process, top), f"/api/users/top has the process {process!r}, cleaned")
    detail = api_texts.get(f"/api/servers/{quoted}", [])
    check(has(os_name, detail), f"/api/servers/{server} has the OS name, cleaned", f"got {[s for s in detail if 'alert' in s]}")
    for container in containers:
        check(has(container, detail), f"/api/servers/{server} has the container {container!r}, cleaned")
    for image in images:
        check(has(image, detail), f"/api/servers/{server} has the image {image!r}, cleaned")
    for unit in units:
        check(has_start(unit, detail), f"/api/servers/{server} has the failed unit {unit[:60]!r}…, cleaned and bounded")
    for command in commands:
        check(has_start(command, detail), f"/api/servers/{server} has the command line {command[:60]!r}…, cleaned and bounded")
    too_long = [text for text in detail if len(text.encode()) > 255]
    check(not too_long, f"/api/servers/{server}: no host text longer than 255 bytes", f"{[t[:40] for t in too_long]}")
    # The deeper alerts name the container (exited with code 3) and the failed units, cleaned.
    status, _, body = client.get("/api/alerts")
    alerts = json.loads(body) if status == 200 else []
    alerts = alerts.get("alerts", alerts) if isinstance(alerts, dict) else alerts
    messages = {item.get("type"): item.get("message", "") for item in alerts if isinstance(item, dict) and item.get("server_name") == server and item.get("active")}
    if units:
        check(has_start(units[0], [messages.get("failed_units", "")], 30), "/api/alerts: the failed_units alert names the hostile unit, cleaned",
              f"got {messages.get('failed_units')!r}")
    if containers:
        check(has_start(containers[0], [messages.get("container", "")], 30), "/api/alerts: the container alert names the hostile container, cleaned",
              f"got {messages.get('container')!r}")
    filesystems = api_texts.get(f"/api/servers/{quoted}/filesystems", [])
    check(has(mount, filesystems), f"/api/servers/{server}/filesystems has the mount point {mount!r}, cleaned",
          f"got {[s for s in filesystems if s.startswith('/')]}")

    # --- CSV exports: no cell a spreadsheet would evaluate ----------------------------------
    for path in [f"/api/users/top.csv?server={quoted}&limit=1000", f"/users.csv?server={quoted}",
                 f"/api/servers/{quoted}/metrics/history.csv"]:
        status, headers, body = client.get(path)
        if status != 200:
            fail(f"GET {path}: status {status}")
            continue
        check(headers.get("Content-Type", "").startswith("text/csv"), f"GET {path} is text/csv")
        text = body.decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        check_clean_text(f"GET {path}", cells)
        live = [cell for cell in cells if cell.startswith(FORMULA_START) and not re.fullmatch(r"-?[0-9.eE+-]+", cell)]
        check(not live, f"GET {path}: no cell starts a formula", f"{live[:5]}")
        if "users" in path:
            for name in users + processes:
                forms = {"'" + form if form.startswith(FORMULA_START) else form for form in shown(name)}
                check(any(form in cells for form in forms), f"GET {path} has {name!r} as a text cell, neutralised")

    # --- XLSX: strings are strings, no formula elements, well-formed XML -------------------
    for path in [f"/api/users/top.xlsx?server={quoted}&limit=1000", f"/users.xlsx?server={quoted}",
                 f"/api/servers/{quoted}/metrics/history.xlsx"]:
        status, headers, body = client.get(path)
        if status != 200:
            fail(f"GET {path}: status {status}")
            continue
        try:
            workbook = zipfile.ZipFile(io.BytesIO(body))
            strings = []
            formulas = 0
            for part in workbook.namelist():
                if not part.endswith(".xml"):
                    continue
                root = ElementTree.fromstring(workbook.read(part))
                formulas += sum(1 for element in root.iter() if element.tag.endswith("}f"))
                strings += [element.text or "" for element in root.iter() if element.tag.endswith("}t")]
            check(formulas == 0, f"GET {path}: no formula in the workbook", f"{formulas} formulas")
            check_clean_text(f"GET {path}", strings)
            for name in (users + processes if "history" not in path else []):
                check(has(name, strings) or has("'" + name, strings), f"GET {path} has {name!r} as a string cell")
        except (zipfile.BadZipFile, ElementTree.ParseError) as error:
            fail(f"GET {path} is not a valid workbook: {error}")

    # --- Prometheus: every line parses, labels escaped per the text format -----------------
    status, headers, body = client.get("/metrics")
    if status != 200:
        fail(f"GET /metrics: status {status}")
    else:
        label = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
        sample = re.compile(rf"^[a-zA-Z_:][a-zA-Z0-9_:]*(?:\{{(?:{label})(?:,{label})*,?\}})? \S+( -?[0-9]+)?$")
        lines = body.decode("utf-8").split("\n")
        bad = [line for line in lines if line and not line.startswith("#") and not sample.match(line)]
        check(not bad, "GET /metrics: every sample line parses", f"{bad[:3]}")
        check_clean_text("GET /metrics", lines)
        values = {bytes(value, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
                  for value in re.findall(r'mountpoint="((?:[^"\\]|\\.)*)"', body.decode("utf-8"))}
        check(has(mount, values), "GET /metrics labels the hostile mount point, escaped", f"got {sorted(values)[:10]}")
        container_lines = [line for line in lines if line.startswith("server_dashboard_container_up{")]
        labels = {bytes(value, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
                  for line in container_lines for value in re.findall(r'="((?:[^"\\]|\\.)*)"', line)}
        for container in containers:
            check(has(container, labels), f"GET /metrics labels the hostile container {container!r}, escaped", f"got {sorted(labels)[:10]}")

    # --- pages: escaped text, never markup ------------------------------------------------
    pages = ["/", "/overview", f"/users?server={quoted}", f"/servers/{quoted}",
             f"/history?server={quoted}", "/alerts"]
    pages_shown = {}
    for path in pages:
        status, headers, body = client.get(path)
        if status != 200:
            fail(f"GET {path}: status {status}")
            continue
        page = body.decode("utf-8")
        raw = [markup for markup in RAW_MARKUP if markup in page]
        check(not raw, f"GET {path}: no hostile markup in the HTML", f"found {raw}")
        check_clean_text(f"GET {path}", re.split("[\t\n\r]", page))
        text = PageText()
        text.feed(page)
        pages_shown[path] = text.text()
    users_page = pages_shown.get(f"/users?server={quoted}", "")
    for name in users + processes:
        check(any(form in users_page for form in shown(name)), f"/users shows {name!r} as text")
    detail_page = pages_shown.get(f"/servers/{quoted}", "")
    for name in [os_name, mount] + containers + images:
        check(any(form in detail_page for form in shown(name)), f"/servers/{server} shows {name!r} as text")
    for name in units + commands:
        check(has_start(name, [detail_page], 40), f"/servers/{server} shows {name[:40]!r}… as text")
    alerts_page = pages_shown.get("/alerts", "")
    for name in units[:1] + containers:
        check(has_start(name, [alerts_page], 30), f"/alerts shows the alert naming {name[:30]!r}… as text")

    # --- logs: nothing a terminal would interpret ------------------------------------------
    for log in sorted(Path(arguments.logs).glob("*.log")):
        content = log.read_bytes()
        escapes = content.count(b"\x1b") + content.count("\u202e".encode())
        check(escapes == 0, f"{log.name} holds no ESC or bidi override", f"{escapes} found")

    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
