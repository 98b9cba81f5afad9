"""A small HTTP proxy in front of the Stripe emulator that injects faults: run as its own process.

    python tests/reliability/stripe_fault_proxy.py <port> <upstream base URL>

Requests are forwarded to the upstream (localstripe) unless a fault is armed. ``POST /_fault`` with
JSON ``{"mode": "error" | "slow", "method": "POST", "path": "/v1/payment_intents", "times": 3,
"delay": 2.0}`` arms one: the next ``times`` requests whose method matches and whose path starts
with ``path`` either get a 500 without reaching Stripe (``error``: Stripe failed, nothing done) or
are forwarded and answered only after ``delay`` seconds (``slow``: Stripe did it, the client timed
out). ``GET /_fault`` returns what was seen. Like Stripe (and unlike localstripe), a POST repeated
with the same ``Idempotency-Key`` gets the first answer again instead of doing the work twice.
"""
from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM = ""
LOCK = threading.Lock()
FAULT: dict = {}
SEEN: list[dict] = []
ANSWERS: dict[str, tuple[int, list[tuple[str, str]], bytes]] = {}  # idempotency key -> first answer
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _control(self, body: bytes) -> None:
        global FAULT
        with LOCK:
            if self.command == "POST":
                FAULT = json.loads(body or b"{}")
                SEEN.clear()
            answer = json.dumps({"fault": FAULT, "seen": SEEN}).encode()
        self._answer(200, [("Content-Type", "application/json")], answer)

    def _armed(self) -> dict | None:
        with LOCK:
            if (FAULT.get("times", 0) > 0 and self.command == FAULT.get("method", self.command)
                    and self.path.startswith(FAULT.get("path", ""))):
                FAULT["times"] -= 1
                return dict(FAULT)
        return None

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        key = self.headers.get("Idempotency-Key", "") if self.command == "POST" else ""
        with LOCK:
            if key and key in ANSWERS:
                return ANSWERS[key]
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP | {"host"}}
        request = urllib.request.Request(UPSTREAM + self.path, data=body if self.command != "GET" else None,
                                         headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = (response.status, list(response.headers.items()), response.read())
        except urllib.error.HTTPError as error:
            answer = (error.code, list(error.headers.items()), error.read())
        if key and answer[0] < 500:
            with LOCK:
                ANSWERS.setdefault(key, answer)
        return answer

    def _handle(self) -> None:
        body = self._body()
        if self.path.startswith("/_fault"):
            return self._control(body)
        fault = self._armed()
        seen = {"method": self.command, "path": self.path, "key": self.headers.get("Idempotency-Key", ""),
                "fault": fault["mode"] if fault else ""}
        with LOCK:
            SEEN.append(seen)
        if fault and fault["mode"] == "error":
            return self._answer(500, [("Content-Type", "application/json")], json.dumps(
                {"error": {"type": "api_error", "message": "Injected fault: internal error"}}).encode())
        answer = self._forward(body)
        if fault and fault["mode"] == "slow":
            time.sleep(float(fault.get("delay", 2.0)))
        try:
            self._answer(*answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: that was the point

    do_GET = do_POST = do_DELETE = _handle


if __name__ == "__main__":
    UPSTREAM = sys.argv[2].rstrip("/")
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
