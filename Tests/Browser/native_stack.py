"""The native stack of `make run` (deploy/local/run.sh), in a folder and on ports of its own.

Shared by the live-page browser test (live_test.py) and `make bench-live`
(scripts/bench/live_latency.py): PostgreSQL under the state folder, the api, the
frontend-renderer and nginx in front of them (the page's event stream is same-origin
/api/events), monitoring this machine as one server. The scheduler's interval is an hour,
so collections happen only when the caller asks (`collect`).
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SERVER = "live-local"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NativeStack:
    """Starts with `start()`, ends with `stop()` (everything, and the state folder)."""

    def __init__(self, bin_dir, keep=False):
        self.bin_dir = os.path.abspath(bin_dir)
        self.keep = keep
        self.work = tempfile.mkdtemp(prefix="sd-live-")
        os.chmod(self.work, 0o755)  # the postgres user and nginx's workers go through it
        self.run_dir = os.path.join(self.work, "run")
        self.env_file = os.path.join(self.work, "settings.env")
        self.alert_env_file = os.path.join(self.work, "settings-alert.env")
        self.http_port = free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"),
            "RUN_DIR": self.run_dir,
            "RUN_ENV_FILE": self.env_file,
            "RUN_BIN_DIR": self.bin_dir,
            "RUN_SKIP_DEPS": "1",
            "RUN_SKIP_BUILD": "1",
            "HTTP_PORT": str(self.http_port),
            "API_PORT": str(free_port()),
            "FRONTEND_PORT": str(free_port()),
            "RUN_POSTGRES_PORT": str(free_port()),
            "NGINX_LISTEN_ADDRESS": "127.0.0.1",
        }
        settings = (
            f"SERVER1_NAME={SERVER}\nSERVER1_HOST=local\n"
            "COLLECTION_INTERVAL_MINUTES=60\nREFRESH_INTERVAL_SECONDS=30\nLOG_LEVEL=warning\n"
        )
        with open(self.env_file, "w") as out:
            out.write(settings)
        # The same server with disk thresholds of 0.5/1 %: its next run opens a critical disk alert.
        with open(self.alert_env_file, "w") as out:
            out.write(settings + "SERVER1_THRESHOLD_DISK_WARNING=0.5\nSERVER1_THRESHOLD_DISK_CRITICAL=1\n")
        os.chmod(self.env_file, 0o600)
        os.chmod(self.alert_env_file, 0o600)

    def _script(self, *arguments, check=True):
        result = subprocess.run(
            [os.path.join(ROOT, "deploy", "local", arguments[0]), *arguments[1:]],
            env=self.environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"deploy/local/{' '.join(arguments)} failed ({result.returncode}):\n{result.stdout[-3000:]}")
        return result.stdout

    def start(self):
        """run.sh: the whole stack, and its first collection."""
        self._script("run.sh")

    def stop(self):
        self._script("stop.sh", check=False)
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)

    def stop_postgres(self):
        self._script("stop.sh", "postgres")

    def start_postgres(self):
        """run.sh again starts only what is missing: the cluster."""
        self._script("run.sh")

    def _collector_environment(self):
        environment = dict(self.environment)
        with open(os.path.join(self.run_dir, "env")) as values:
            for line in values:
                line = line.strip()
                if not line or line.startswith("#") or "=" not in line:
                    continue
                name, value = line.split("=", 1)
                name = name.removeprefix("export ").strip()
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                environment[name] = value
        return environment

    def collect(self, alert=False):
        """One `collector run --once`; returns its output."""
        result = subprocess.run(
            [os.path.join(self.bin_dir, "collector"), "run", "--once", "--env-file", self.alert_env_file if alert else self.env_file],
            env=self._collector_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120,
        )
        return result.stdout

    def api_json(self, path):
        with urllib.request.urlopen(self.base + path, timeout=10) as answer:
            return json.load(answer)

    def logs(self):
        """The last lines of every service's log, for a failure report."""
        out = []
        logs = os.path.join(self.run_dir, "logs")
        for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
            with open(os.path.join(logs, name), errors="replace") as log:
                out.append(f"--- {name}\n" + "".join(log.readlines()[-15:]))
        return "\n".join(out)


def wait_for(condition, seconds, step=0.05):
    """Polls `condition` until it holds (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except Exception:  # an element replaced by a refresh mid-check: try again
            pass
        time.sleep(step)
    return False
