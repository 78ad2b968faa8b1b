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
    return [(kind, value.encode()) for kind, value in found if len(value) >= MINIMUM_LENGTH]


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
            for kind in kinds:
                hits += 1
                print(f"secret-scan: {path}:{number}: {kind}", file=sys.stderr)
    summary = f"{len(files)} files, {scanned:,} bytes, {len(wanted)} secrets and PEM private keys looked for"
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
