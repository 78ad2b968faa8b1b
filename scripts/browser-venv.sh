#!/usr/bin/env bash
# Makes the test tooling's Python environment: the browser test and `make bench-pages`
# drive Chromium from it, and XLSXOpenPyXLTests reads workbooks with its openpyxl
# (scripts/run-tests.sh passes it as SD_TEST_PYTHON). A venv in .build-tools/venv
# (SD_BROWSER_VENV) with the packages pinned in Tests/Browser/requirements.txt, installed
# from PyPI once and again only when that file changes. Uses Debian's python3
# (python3-venv) when present.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
venv=${SD_BROWSER_VENV:-$root/.build-tools/venv}
requirements="$root/Tests/Browser/requirements.txt"
python=python3
if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3; fi

if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$venv/requirements.txt" &&
    "$venv/bin/python" -c 'import selenium, openpyxl' 2>/dev/null; then
    exit 0
fi
echo "installing Selenium and openpyxl into $venv (once)"
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
log=$(mktemp)
if "$python" -m venv "$venv" >"$log" 2>&1 &&
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >>"$log" 2>&1; then
    cp "$requirements" "$venv/requirements.txt"
    rm -f "$log"
else
    tail -n 20 "$log" >&2
    rm -f "$log"
    echo "could not make the Python environment in $venv (python3-venv installed? PyPI reachable?)" >&2
    exit 1
fi
