#!/usr/bin/env python3
"""Scans what a test run produced for credentials (run by scripts/run-tests.sh at the end).

    secret-scan.py DIR…

Looks in every file under each DIR (the run's output, the answers the tests received, the
services' logs) for:
  - the test credentials, from the environment scripts/test-env.sh sets up: the sshd test
    user's password and the ECDSA key's passphrase (SD_TEST_SSH_PASSWORD_FILE,
    SD_TEST_SSH_PASSPHRASE_FILE), the base64 lines of the client private keys
    (SD_TEST_SSH_KEY_*), the passwords in SD_TEST_DATABASE_URL and SD_TEST_ADMIN_DATABASE_URL;
  - the secrets other passes made up and listed, one per line, in SD_TEST_SECRETS_FILE
    (e.g. the native stack's database and basic-auth passwords);
  - the notification secrets (docs/notifications.md): the value of NOTIFY_WEBHOOK_SECRET and
    the credentials inside NOTIFY_URLS — a URL's password (user:PASSWORD@), the token in
    the path of a webhook or slack+ URL, an ntfy token (?auth=, or TOKEN@), and token=,
    key=, … query values — taken from every environment variable named NOTIFY_URLS or
    NOTIFY_WEBHOOK_SECRET, or ending in _NOTIFY_URLS or _NOTIFY_WEBHOOK_SECRET, and from
    SD_TEST_SECRETS_FILE lines of the form NOTIFY_URLS=… or NOTIFY_WEBHOOK_SECRET=…, or
    holding URLs (comma-separated, as in NOTIFY_URLS);
  - any URL with an inline password, scheme://user:PASSWORD@, unless masked as ***;
  - any PEM private key block ("-----BEGIN … PRIVATE KEY-----").
Prints where each one was found — file, line, what kind — never the secret itself, and
exits 1 when anything was found (0 when clean, 2 when it has nothing to look for).
"""

import os
import re
import sys
import urllib.parse
from pathlib import Path

PEM_PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
# scheme://user:password@ — user and password of the characters RFC 3986 allows in userinfo
# (percent-encoded or not), less quotes, so a match never runs past a URL's end.
INLINE_CREDENTIALS = re.compile(rb"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9._~!$&()*+,;=%-]*:([A-Za-z0-9._~!$&()*+,;=%-]+)@")
# A password masked as the product masks it: *** (or any run of asterisks, percent-encoded too).
MASKED = re.compile(rb"(\*|%2[Aa])+")
# Query parameters of a notification URL that carry a token (ntfy's auth=, and the usual names).
TOKEN_PARAMETERS = {"auth", "token", "access_token", "key", "apikey", "api_key", "secret", "password", "sig", "signature"}
# The commas between the URLs of NOTIFY_URLS (not those inside one, as in smtp's to=b@x,c@y).
URL_SEPARATOR = re.compile(r",\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)")
# Shorter strings would match by chance; every generated test secret is longer.
MINIMUM_LENGTH = 8


def file_text(variable):
    path = os.environ.get(variable, "")
    if path and Path(path).is_file():
        return Path(path).read_text(encoding="utf-8", errors="replace").strip()
    return ""


def url_password(variable):
    url = os.environ.get(variable, "")
    return urllib.parse.unquote(urllib.parse.urlsplit(url).password or "") if url else ""


def is_notify_variable(name, key):
    return name == key or name.endswith("_" + key)


def path_tokens(path):
    """The segments of a webhook's path that look like tokens (Slack's, Discord's): letters
    and digits mixed, or very long. Words such as "server-dashboard" are not looked for: they
    are in every log."""
    tokens = []
    for segment in path.split("/"):
        mixed = re.search(r"\d", segment) and re.search(r"[A-Za-z]", segment)
        if len(segment) >= 32 or (len(segment) >= MINIMUM_LENGTH and mixed):
            tokens.append(segment)
    return tokens


def notify_url_secrets(urls, origin):
    """(kind, value) pairs: the credentials inside the comma-separated URLs of a NOTIFY_URLS value.

    Each kind names the URL by its position and scheme, never by its text."""
    found = []
    for position, url in enumerate((part.strip() for part in URL_SEPARATOR.split(urls)), start=1):
        if "://" not in url:
            continue
        try:
            parts = urllib.parse.urlsplit(url)
            password = parts.password
        except ValueError:
            continue
        scheme = parts.scheme.lower()
        where = f"{origin} URL #{position} ({scheme})"
        values = []
        if password:
            values.append(("the password", password))
        elif scheme.startswith("ntfy+") and parts.username:
            values.append(("the token", parts.username))  # ntfy+https://TOKEN@host/topic
        if scheme in ("http", "https", "slack+https", "slack+http"):
            values += [("a path token", token) for token in path_tokens(parts.path)]
        for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=False):
            if name.lower() in TOKEN_PARAMETERS:
                values.append((f"the {name}= token", value))
        for what, value in values:
            # as written in the URL and decoded: either may reach a log
            for form in {value, urllib.parse.unquote(value)}:
                found.append((f"{what} in {where}", form))
    return found


def notify_secrets():
    """(kind, value) pairs: the notification secrets of the environment and SD_TEST_SECRETS_FILE."""
    found = []
    for name, value in sorted(os.environ.items()):
        if is_notify_variable(name, "NOTIFY_WEBHOOK_SECRET"):
            found.append((f"the webhook secret ({name})", value.strip()))
        elif is_notify_variable(name, "NOTIFY_URLS"):
            found += notify_url_secrets(value, name)
    for number, line in enumerate(file_text("SD_TEST_SECRETS_FILE").splitlines(), start=1):
        line = line.strip()
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        name, equals, value = line.partition("=")
        value = value.strip().strip("'\"") if equals else ""
        origin = f"SD_TEST_SECRETS_FILE line {number}"
        if equals and is_notify_variable(name.strip(), "NOTIFY_WEBHOOK_SECRET"):
            found.append((f"the webhook secret ({origin})", value))
        elif equals and is_notify_variable(name.strip(), "NOTIFY_URLS"):
            found += notify_url_secrets(value, origin)
        elif "://" in line:
            found += notify_url_secrets(line, origin)
    return found


def secrets():
    """(kind, bytes) pairs to look for."""
    found = []
    for variable, kind in [("SD_TEST_SSH_PASSWORD_FILE", "sshd test password"),
                           ("SD_TEST_SSH_PASSPHRASE_FILE", "key passphrase")]:
        found.append((kind, file_text(variable)))
    for variable in ["SD_TEST_SSH_KEY_ED25519", "SD_TEST_SSH_KEY_ECDSA", "SD_TEST_SSH_KEY_RSA"]:
        for line in file_text(variable).splitlines():
            if not line.startswith("-----"):
                found.append((f"a line of {variable}'s private key", line.strip()))
    for variable in ["SD_TEST_DATABASE_URL", "SD_TEST_ADMIN_DATABASE_URL"]:
        found.append((f"password of {variable}", url_password(variable)))
    for line in file_text("SD_TEST_SECRETS_FILE").splitlines():
        found.append(("a secret listed in SD_TEST_SECRETS_FILE", line.strip()))
    found += notify_secrets()
    # each value once (the first kind that names it), so a line holding it is reported once
    unique = {}
    for kind, value in found:
        if len(value) >= MINIMUM_LENGTH:
            unique.setdefault(value.encode(), kind)
    return [(kind, value) for value, kind in unique.items()]


def inline_credentials(line):
    """Whether LINE holds a URL with an inline password that is not masked."""
    return any(not MASKED.fullmatch(match.group(1)) for match in INLINE_CREDENTIALS.finditer(line))


def main(folders):
    wanted = secrets()
    if not wanted:
        print("secret-scan: no test credentials in the environment to look for (run inside scripts/test-env.sh)", file=sys.stderr)
        return 2
    files = [path for folder in folders for path in sorted(Path(folder).rglob("*")) if path.is_file()]
    hits = 0
    scanned = 0
    for path in files:
        content = path.read_bytes()
        scanned += len(content)
        for number, line in enumerate(content.split(b"\n"), start=1):
            kinds = [kind for kind, value in wanted if value in line]
            if PEM_PRIVATE_KEY.search(line):
                kinds.append("a PEM private key")
            if inline_credentials(line):
                kinds.append("a URL with an inline password (scheme://user:password@)")
            for kind in kinds:
                hits += 1
                print(f"secret-scan: {path}:{number}: {kind}", file=sys.stderr)
    summary = f"{len(files)} files, {scanned:,} bytes, {len(wanted)} secrets, PEM private keys and URL passwords looked for"
    if hits:
        print(f"secret-scan: FAILED: {hits} finding(s) in {summary}", file=sys.stderr)
        return 1
    print(f"secret-scan: clean ({summary})")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
