#!/usr/bin/python3
"""A real HTTP(S) receiver for tests: records every request and answers as told.

    /usr/bin/python3 http_receiver.py [PORT] [--tls CERT KEY]

Listens on 127.0.0.1:PORT (0 or none: a free port) and prints the port on its first
stdout line. Every request except the control API is recorded and answered by the mode:

    POST /_control {"mode": "ok"|"error"|"hang", "status": 503}
        ok: 200 {"ok": true}; error: HTTP `status` (default 500); hang: no answer for 300 s
    GET  /_requests   JSON list of recorded requests, oldest first:
        {"method", "path", "headers": {lower-case name: value}, "body": text (UTF-8, invalid
         bytes replaced), "body_base64", "time": seconds since the epoch}
    POST /_reset      forget the requests, back to mode ok

Standard library only; threaded, so a hanging request never blocks the control API.
"""

import argparse
import base64
import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.mode = "ok"
        self.status = 500


STATE = State()


class Handler(BaseHTTPRequestHandler):
    server_version = "test-receiver"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _control(self, body):
        if self.path == "/_requests" and self.command == "GET":
            with STATE.lock:
                self._answer(200, list(STATE.requests))
            return True
        if self.path == "/_reset" and self.command == "POST":
            with STATE.lock:
                STATE.requests.clear()
                STATE.mode = "ok"
                STATE.status = 500
            self._answer(200, {"ok": True})
            return True
        if self.path == "/_control" and self.command == "POST":
            try:
                order = json.loads(body or b"{}")
                mode = order["mode"]
                if mode not in ("ok", "error", "hang"):
                    raise ValueError(mode)
            except (ValueError, KeyError, TypeError):
                self._answer(400, {"error": "expected {\"mode\": \"ok\"|\"error\"|\"hang\"}"})
                return True
            with STATE.lock:
                STATE.mode = mode
                STATE.status = int(order.get("status", 500))
            self._answer(200, {"ok": True, "mode": mode})
            return True
        return False

    def _handle(self):
        body = self._body()
        if self._control(body):
            return
        record = {
            "method": self.command,
            "path": self.path,
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body": body.decode("utf-8", errors="replace"),
            "body_base64": base64.b64encode(body).decode("ascii"),
            "time": time.time(),
        }
        with STATE.lock:
            STATE.requests.append(record)
            mode, status = STATE.mode, STATE.status
        if mode == "hang":
            time.sleep(300)
            return
        if mode == "error":
            self._answer(status, {"error": "told to fail"})
        else:
            self._answer(200, {"ok": True})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class Server(ThreadingHTTPServer):
    daemon_threads = True
    tls_context = None

    def finish_request(self, request, client_address):
        # The TLS handshake runs on the request's thread: a client that never completes it
        # (or rejects the certificate) holds up nobody else.
        if self.tls_context is not None:
            request = self.tls_context.wrap_socket(request, server_side=True)
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        pass  # a client that hung up or refused the certificate: nothing to report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", nargs="?", type=int, default=0)
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve HTTPS with this certificate and key")
    options = parser.parse_args()
    server = Server(("127.0.0.1", options.port), Handler)
    if options.tls:
        server.tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.tls_context.load_cert_chain(options.tls[0], options.tls[1])
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
