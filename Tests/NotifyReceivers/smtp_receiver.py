#!/usr/bin/python3
"""A real SMTP server for tests (Debian's python3-aiosmtpd): records every message.

    /usr/bin/python3 smtp_receiver.py --out FILE [--port N]
        [--starttls CERT KEY | --implicit-tls CERT KEY | --no-starttls] [--auth USER:PASS]

Listens on 127.0.0.1 (port 0: a free one) and prints "ready <port>" once listening.
--starttls offers STARTTLS and requires it before MAIL and AUTH; --implicit-tls speaks TLS
from the first byte (smtps); --no-starttls offers no TLS at all. --auth requires AUTH
PLAIN or LOGIN with these credentials and rejects others. Each accepted message is
appended to FILE as one JSON line: {mail_from, rcpt_tos, data, auth_user, tls}.

Run it with /usr/bin/python3: pyenv's python3 on PATH has no aiosmtpd.
"""

import argparse
import asyncio
import json
import signal
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Recorder:
    def __init__(self, out, implicit_tls):
        self.out = out
        self.implicit_tls = implicit_tls

    async def handle_DATA(self, server, session, envelope):
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": envelope.content.decode("utf-8", errors="replace")
            if isinstance(envelope.content, bytes) else envelope.content,
            "auth_user": session.auth_data if isinstance(session.auth_data, str) else None,
            "tls": bool(self.implicit_tls or server._tls_protocol is not None),
        }
        with open(self.out, "a", encoding="utf-8") as file:
            file.write(json.dumps(record) + "\n")
        return "250 OK message accepted"


def authenticator_for(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        given_user = auth_data.login.decode("utf-8", errors="replace")
        given_password = auth_data.password.decode("utf-8", errors="replace")
        if given_user == user and given_password == password:
            return AuthResult(success=True, auth_data=given_user)
        return AuthResult(success=False, handled=False)

    return authenticate


def tls_context(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


async def serve(options):
    implicit = options.implicit_tls is not None
    starttls_context = tls_context(*options.starttls) if options.starttls else None
    implicit_context = tls_context(*options.implicit_tls) if implicit else None
    recorder = Recorder(options.out, implicit)
    authenticator = authenticator_for(options.auth) if options.auth else None

    def factory():
        return SMTP(
            recorder,
            hostname="receiver.test",
            tls_context=starttls_context,
            require_starttls=starttls_context is not None,
            authenticator=authenticator,
            auth_required=authenticator is not None,
            # With implicit TLS the connection is already encrypted; without any TLS the
            # test asked for a plain server, AUTH included.
            auth_require_tls=starttls_context is not None,
            decode_data=False,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host="127.0.0.1", port=options.port, ssl=implicit_context)
    port = server.sockets[0].getsockname()[1]
    print(f"ready {port}", flush=True)
    stop = asyncio.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    await stop.wait()
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="JSON lines file the messages are appended to")
    parser.add_argument("--port", type=int, default=0)
    tls = parser.add_mutually_exclusive_group()
    tls.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    tls.add_argument("--implicit-tls", nargs=2, metavar=("CERT", "KEY"))
    tls.add_argument("--no-starttls", action="store_true")
    parser.add_argument("--auth", metavar="USER:PASS")
    options = parser.parse_args()
    asyncio.run(serve(options))


if __name__ == "__main__":
    main()
