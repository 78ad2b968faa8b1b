#!/usr/bin/env python3
"""Proves that scripts/secret-scan.py catches notification secrets (run by scripts/run-tests.sh
just before the real scan):

    python3 scripts/secret_scan_test.py

Each test plants something in a folder of made-up test output and runs the scan on it as
run-tests.sh does, with an environment of its own (only PATH and what the test sets), so the
real run's secrets play no part. The planted secrets are random and never printed: a failure
names the test and the exit status only.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

SCAN = Path(__file__).resolve().parent / "secret-scan.py"


def token(prefix):
    return f"{prefix}{secrets.token_hex(12)}"


class SecretScanTest(unittest.TestCase):
    def setUp(self):
        self.work = Path(tempfile.mkdtemp(prefix="secret-scan-test."))
        self.out = self.work / "test-run"
        (self.out / "e2e-native" / "logs").mkdir(parents=True)
        (self.out / "output.log").write_text("Test run started\nAll tests passed\n")
        self.password = token("smtp-pw-")
        self.slack_token = token("slacktoken")
        self.ntfy_token = token("tk_")
        self.webhook_secret = token("whsec-")
        self.notify_urls = ",".join([
            f"smtp://alerts:{self.password}@mail.example.invalid:587/?from=dashboard@example.invalid&to=a@example.invalid,b@example.invalid",
            f"slack+https://chat.example.invalid/hooks/{self.slack_token}",
            f"ntfy+https://ntfy.example.invalid/server-alerts?auth={self.ntfy_token}",
            "https://hooks.example.invalid/server-dashboard",
        ])
        self.secrets_file = self.work / "secrets"
        self.secrets_file.write_text(f"NOTIFY_URLS={self.notify_urls}\nNOTIFY_WEBHOOK_SECRET={self.webhook_secret}\n")

    def tearDown(self):
        for path in sorted(self.work.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        self.work.rmdir()

    def scan(self, **environment):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SD_TEST_SECRETS_FILE": str(self.secrets_file)}
        env.update(environment)
        result = subprocess.run([sys.executable, str(SCAN), str(self.out)], env=env, capture_output=True, text=True, timeout=60)
        report = result.stdout + result.stderr
        for planted in (self.password, self.slack_token, self.ntfy_token, self.webhook_secret):
            self.assertNotIn(planted, report, "the scan printed a secret it found")
        return result.returncode, result.stderr

    def plant(self, text, name="e2e-native/logs/collector.log"):
        path = self.out / name
        path.write_text(f"2026-12-06T10:00:00Z info collector: delivering\n{text}\nrun finished\n")
        return path

    def assert_caught(self, path, what, **environment):
        status, report = self.scan(**environment)
        self.assertEqual(status, 1, f"the scan missed {what}")
        self.assertIn(f"{path}:2:", report, f"the scan did not name the file and line of {what}")

    def test_a_clean_folder_passes(self):
        status, _ = self.scan()
        self.assertEqual(status, 0)

    def test_a_masked_url_passes(self):
        self.plant("channel smtp://alerts:***@mail.example.invalid:587/?from=dashboard@example.invalid&to=a@example.invalid failed: "
                   "connection refused; slack+https://chat.example.invalid/… delivered; "
                   "ntfy+https://ntfy.example.invalid/server-alerts?auth=*** delivered; "
                   "https://hooks.example.invalid/… (the server-dashboard hook) delivered")
        status, _ = self.scan()
        self.assertEqual(status, 0)

    def test_the_password_of_an_smtp_url_is_caught(self):
        path = self.plant(f"AUTH failed for alerts with password {self.password}")
        self.assert_caught(path, "the smtp password")

    def test_a_url_with_its_credentials_is_caught(self):
        path = self.plant(f"channel {self.notify_urls.split(',slack')[0]} failed")
        self.assert_caught(path, "an unmasked smtp URL")

    def test_the_webhook_secret_is_caught(self):
        path = self.plant(f"signing with key {self.webhook_secret}", name="responses.log")
        self.assert_caught(path, "the webhook secret")

    def test_the_token_in_a_slack_url_path_is_caught(self):
        path = self.plant(f"POST /hooks/{self.slack_token} answered 500")
        self.assert_caught(path, "the slack path token")

    def test_an_ntfy_auth_token_is_caught(self):
        path = self.plant(f"ntfy said: token {self.ntfy_token} is invalid")
        self.assert_caught(path, "the ntfy auth= token")

    def test_an_ntfy_token_as_user_info_is_caught(self):
        user_token = token("tk_user")
        self.secrets_file.write_text(f"ntfy+https://{user_token}@ntfy.example.invalid/server-alerts\n")
        path = self.plant(f"Authorization: Bearer {user_token}")
        self.assert_caught(path, "an ntfy token given as TOKEN@")

    def test_secrets_in_the_environment_are_caught(self):
        self.secrets_file.write_text("")
        other_password = token("env-pw-")
        other_secret = token("env-whsec-")
        urls = f"https://hooks.example.invalid/a,smtps://alerts:{other_password}@mail.example.invalid/?from=a@example.invalid&to=b@example.invalid"
        path = self.plant(f"login {other_password} refused")
        self.assert_caught(path, "a password from NOTIFY_URLS in the environment", NOTIFY_URLS=urls, NOTIFY_WEBHOOK_SECRET=other_secret)
        path = self.plant(f"hmac key {other_secret}")
        self.assert_caught(path, "NOTIFY_WEBHOOK_SECRET from the environment", NOTIFY_URLS=urls, NOTIFY_WEBHOOK_SECRET=other_secret)

    def test_a_percent_encoded_password_is_caught_decoded(self):
        raw = token("p%40ss-")
        self.secrets_file.write_text(f"NOTIFY_URLS=smtp://alerts:{raw}@mail.example.invalid/?from=a@example.invalid&to=b@example.invalid\n")
        path = self.plant(f"AUTH PLAIN with {raw.replace('%40', '@')}")
        self.assert_caught(path, "the decoded form of a percent-encoded password")

    def test_any_url_with_an_inline_password_is_caught(self):
        path = self.plant(f"retrying https://user:{token('unlisted-')}@receiver.example.invalid/hook")
        self.assert_caught(path, "an unlisted inline URL password")


if __name__ == "__main__":
    unittest.main(verbosity=2)
