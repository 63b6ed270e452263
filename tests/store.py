"""A fake of the external store, for tests that play checkout end to end over real HTTP.

It listens on a free loopback port. GET /checkout shows the plan our site sent the reader to
buy, with a "Pay" button and a "Cancel" link. Pay does what the real store does: it sends a
signed subscription.created event, carrying our checkout reference, to our webhook (a real
POST to the live server), then sends the reader back to the return address we gave it; with
`hold_webhooks` it sends the reader back first and the event when the test says. Cancel
sends them back with ?status=cancelled and tells us nothing.
"""

import html
import http.client
import json
import secrets
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from subscriptions.webhook import SIGNATURE_HEADER, sign


def _with_status(return_url, status):
    return f"{return_url}{'&' if '?' in return_url else '?'}{urlencode({'status': status})}"


class FakeStore:
    def __init__(self, *, webhook_url, secret, email="buyer@store.example"):
        self.webhook_url = webhook_url
        self.secret = secret
        self.email = email  # what the buyer types at the store: not necessarily their address with us
        self.deliveries = []  # (status code, response body) of each webhook call, in order
        # While set, Pay sends the reader back at once and keeps the event here, as a slow
        # store does, until the test calls deliver_held().
        self.hold_webhooks = False
        self.held = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.httpd.server_port}"

    @property
    def checkout_template(self):
        return f"{self.origin}/checkout?plan={{plan}}&ref={{reference}}&return={{return_url}}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def deliver_held(self):
        while self.held:
            self.send_purchase(**self.held.pop(0))

    def send_purchase(self, *, plan, checkout_reference):
        now = datetime.now(UTC)
        event = {
            "id": f"evt_{secrets.token_hex(8)}",
            "type": "subscription.created",
            "data": {
                "reference": f"store_sub_{secrets.token_hex(6)}",
                "email": self.email,
                "plan": plan,
                "starts_at": now.isoformat(),
                "ends_at": (now + timedelta(days=30)).isoformat(),
                "checkout": checkout_reference,
            },
        }
        body = json.dumps(event).encode()
        target = urlsplit(self.webhook_url)
        # http.client, not urlopen: the webhook is always our live server on loopback.
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=20)
        try:
            connection.request(
                "POST",
                target.path,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: sign(body, self.secret, int(now.timestamp())),
                },
            )
            response = connection.getresponse()
            self.deliveries.append((response.status, response.read().decode()))
        finally:
            connection.close()

    def _handler(self):
        store = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body="", headers=()):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                if parts.path == "/favicon.ico":
                    return self._send(404)
                if parts.path != "/checkout" or not {"plan", "ref", "return"} <= set(query):
                    return self._send(400, "<p>Bad checkout address</p>")
                plan, reference, back = (html.escape(query[key]) for key in ("plan", "ref", "return"))
                cancel = html.escape(_with_status(query["return"], "cancelled"))
                page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Fake Store</title></head><body><h1>Fake Store checkout</h1>
<p>You are buying: <strong class="plan">{plan}</strong></p>
<form method="post" action="/pay">
<input type="hidden" name="plan" value="{plan}"><input type="hidden" name="ref" value="{reference}">
<input type="hidden" name="return" value="{back}"><button type="submit">Pay</button></form>
<p><a href="{cancel}">Cancel</a></p></body></html>"""
                return self._send(200, page)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/pay":
                    return self._send(404)
                purchase = {"plan": form["plan"], "checkout_reference": form["ref"]}
                if store.hold_webhooks:
                    store.held.append(purchase)
                else:
                    store.send_purchase(**purchase)
                return self._send(303, headers=[("Location", _with_status(form["return"], "paid"))])

        return Handler
