"""A local webhook receiver for trying deliveries: prints each event and checks its signature.

    .venv/bin/python scripts/webhook_receiver.py --secret whsec_... [--port 9000]

Then subscribe it: `kanal webhooks add --store 123 --url http://127.0.0.1:9000/hook`.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.automations.signing import HEADER, verify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secret", help="the webhook's signing secret (shown by `kanal webhooks add`)")
    parser.add_argument("--port", type=int, default=9000)
    args = parser.parse_args()
    printing = threading.Lock()  # deliveries arrive on several threads: one whole line each

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            signed = verify(args.secret, self.headers.get(HEADER, ""), body) if args.secret else None
            event = json.loads(body)
            mark = {True: "signature ok", False: "BAD SIGNATURE", None: "signature not checked"}[signed]
            line = f"{event['type']:34} {event['data']['subject']['external_id'] or '':16} {mark}\n"
            with printing:
                sys.stdout.write(line)
                sys.stdout.flush()
            self.send_response(204 if signed is not False else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    print(f"listening on http://127.0.0.1:{args.port}/hook", flush=True)
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
