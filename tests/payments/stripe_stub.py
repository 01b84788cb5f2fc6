"""A small Stripe-shaped HTTP server for the calls localstripe does not implement.

localstripe has no Checkout Sessions and ignores ``Idempotency-Key``.  This stub answers
``POST /v1/checkout/sessions`` and ``POST /v1/refunds`` the way Stripe does, records every request's
form parameters (flat, exactly as the SDK encoded them: ``line_items[0][price_data][unit_amount]``)
and its ``Idempotency-Key`` header, and replays the first answer for a key it has seen, as Stripe
does for 24 hours.  ``fail_next`` makes the next requests fail with a given status, to exercise the
SDK's retries.  It listens on 127.0.0.1 on a free port, in a thread of the test process.
"""
from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, str]
    idempotency_key: str | None
    authorization: str | None
    replayed: bool = False


@dataclass
class StripeStub:
    requests: list[RecordedRequest] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)  # HTTP statuses for the next requests
    _replies: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def start(self) -> "StripeStub":
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                params = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                status, body, headers = stub._answer(self.command, self.path, params, self.headers)
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def posts_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    # --- answers ---------------------------------------------------------------------------------

    def _answer(self, method: str, path: str, params: dict, headers) -> tuple[int, bytes, dict]:
        key = headers.get("Idempotency-Key")
        with self._lock:
            record = RecordedRequest(method, path, params, key, headers.get("Authorization"))
            self.requests.append(record)
            if self.fail_next:
                status = self.fail_next.pop(0)
                error = {"error": {"type": "api_error", "message": f"stub failure {status}"}}
                return status, json.dumps(error).encode(), {"Stripe-Should-Retry": "true"}
            if key and key in self._replies:
                record.replayed = True
                status, body = self._replies[key]
                return status, body, {"Idempotent-Replayed": "true", "Idempotency-Key": key}
            status, obj = self._create(method, path, params)
            body = json.dumps(obj).encode()
            if key and method == "POST":
                self._replies[key] = (status, body)
            return status, body, {"Idempotency-Key": key} if key else {}

    def _create(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        n = next(self._ids)
        metadata = {k[len("metadata["):-1]: v for k, v in params.items() if k.startswith("metadata[")}
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = f"cs_test_stub{n:06d}"
            total = 0
            for i in itertools.count():
                if f"line_items[{i}][quantity]" not in params:
                    break
                total += int(params[f"line_items[{i}][quantity]"]) * int(params[f"line_items[{i}][price_data][unit_amount]"])
            return 200, {
                "id": session_id, "object": "checkout.session", "mode": params.get("mode"),
                "url": f"{self.url}/c/pay/{session_id}", "status": "open", "payment_status": "unpaid",
                "client_reference_id": params.get("client_reference_id"), "amount_total": total,
                "currency": params.get("line_items[0][price_data][currency]"), "metadata": metadata,
                "livemode": False,
            }
        if method == "POST" and path == "/v1/refunds":
            return 200, {
                "id": f"re_stub{n:06d}", "object": "refund", "amount": int(params.get("amount", 0)),
                "payment_intent": params.get("payment_intent"), "status": "succeeded", "metadata": metadata,
                "currency": "cny",
            }
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({method}: {path})"}}
