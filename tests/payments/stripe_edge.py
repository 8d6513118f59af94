"""Stripe at the network edge: stripe-python runs for real and its HTTP requests are answered here
from recorded response bodies (tests/payments/stripe_responses/*.json).

`RecordedStripe` is a `stripe.HTTPClient`. Each request is matched to a route ("POST
/v1/checkout/sessions/{id}/expire"), recorded (method, path, form params flat and nested, the
Idempotency-Key) and answered from the route's JSON file, whose placeholders are filled from
the request, so a response echoes what was sent as Stripe does. A test may answer a route
otherwise (`respond(route, "error_api", status=500)`).

Idempotency behaves as Stripe documents it: the first response to a key is saved once the endpoint
has begun executing (2xx, 402, 5xx; not a rejected 4xx), a retry with the same key and the same
params replays it, and the same key with other params is a 400 idempotency_error.

Webhook events are recorded payloads too (tests/payments/stripe_events/*.json): `stripe_event`
fills one in; `tests.payments.helpers.post_event` posts it signed to the endpoint.

Placeholders: a string that is exactly "{{name}}" becomes the value itself (a dict, an int,
None); inside a longer string it is replaced by its text. `name` is a dotted path
("params.metadata", "params.line_items.0.price", "path.id"); "|int" turns a form value into a
number. A name that is not given is an error, except under "params." (None when not sent).
"""

from __future__ import annotations

import copy
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import stripe

HERE = Path(__file__).parent
RESPONSES = HERE / "stripe_responses"
EVENTS = HERE / "stripe_events"
API_VERSION = stripe.api_version

PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)(\|int)?\s*\}\}")
MISSING = object()


def _lookup(values: dict, name: str):
    value = values
    for part in name.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def _resolve(values: dict, name: str, as_int: bool):
    value = _lookup(values, name)
    if value is MISSING:
        if name.startswith("params."):
            return None
        raise KeyError(f"No value for the placeholder {{{{{name}}}}}")
    if as_int and value is not None:
        value = int(value)
    return copy.deepcopy(value)


def fill(template, values: dict):
    """The template (parsed JSON) with its placeholders replaced from `values`."""
    if isinstance(template, dict):
        return {key: fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, values) for value in template]
    if not isinstance(template, str):
        return template
    whole = PLACEHOLDER.fullmatch(template)
    if whole:
        return _resolve(values, whole[1], bool(whole[2]))
    return PLACEHOLDER.sub(lambda m: str(_resolve(values, m[1], bool(m[2]))), template)


def _unique() -> str:
    return uuid.uuid4().hex[:24]


def _defaults() -> dict:
    now = int(time.time())
    return {
        "now": now,
        "tomorrow": now + 24 * 3600,
        "unique": _unique(),
        "api_version": API_VERSION,
    }


# Webhook events ---------------------------------------------------------------------------------


def event_names() -> list[str]:
    return sorted(path.stem for path in EVENTS.glob("*.json"))


def stripe_event(name: str, **values) -> dict:
    """The recorded event `name` (a file in stripe_events/) with its placeholders filled."""
    template = json.loads((EVENTS / f"{name}.json").read_text())
    return fill(template, {**_defaults(), **values})


# API requests -----------------------------------------------------------------------------------


def _nest(form: dict[str, str]) -> dict:
    """`line_items[0][price_data][unit_amount]=1500` → {"line_items": [{"price_data": ...}]}."""
    nested: dict = {}
    for key, value in form.items():
        parts = re.findall(r"[^\[\]]+", key)
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(nested)


def _listify(node):
    if not isinstance(node, dict):
        return node
    node = {key: _listify(value) for key, value in node.items()}
    if node and all(key.isdigit() for key in node):
        return [node[key] for key in sorted(node, key=int)]
    return node


@dataclass
class Request:
    method: str
    path: str
    route: str
    form: dict[str, str]
    params: dict
    headers: dict[str, str]
    status: int = 0
    response: dict = field(default_factory=dict)
    replayed: bool = False  # answered from the response saved for its idempotency key

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


def _payment_or_subscription(params: dict) -> str:
    return f"checkout_session_{params.get('mode', 'payment')}"


# Route → the response file that answers it (or a function of the params that names it).
ROUTES = {
    "POST /v1/customers": "customer",
    "POST /v1/products": "product",
    "POST /v1/prices": "price",
    "POST /v1/checkout/sessions": _payment_or_subscription,
    "POST /v1/checkout/sessions/{id}/expire": "checkout_session_expired",
    "GET /v1/checkout/sessions/{id}": "checkout_session_complete",
    "POST /v1/payment_intents/{id}/capture": "payment_intent_captured",
    "POST /v1/payment_intents/{id}/cancel": "payment_intent_canceled",
    "POST /v1/refunds": "refund",
    "POST /v1/billing_portal/sessions": "billing_portal_session",
}


def _pattern(route: str) -> re.Pattern:
    method, path = route.split(" ", 1)
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
    return re.compile(rf"{method} {regex}")


def _response_file(name: str) -> dict:
    return json.loads((RESPONSES / f"{name}.json").read_text())


class RecordedStripe(stripe.HTTPClient):
    name = "recorded"

    def __init__(self, **values):
        super().__init__()
        # Values the responses need that a request does not carry (amounts, metadata).
        self.values = {"amount": 1200, "currency": "eur", "metadata": {}, **values}
        self.requests: list[Request] = []
        self._overrides: dict[str, tuple[str | dict, int]] = {}
        self._saved: dict[str, tuple[Request, str, int]] = {}
        self._patterns = [(route, _pattern(route)) for route in ROUTES]

    # What tests call ------------------------------------------------------------------------

    def respond(self, route: str, body: str | dict, *, status: int = 200) -> None:
        """Answer `route` with the response file (or dict) `body` and `status` from now on."""
        self._overrides[route] = (body, status)

    def restore(self, route: str) -> None:
        self._overrides.pop(route, None)

    def calls(self, route: str | None = None) -> list[Request]:
        return [r for r in self.requests if route is None or r.route == route]

    def only(self, route: str) -> Request:
        calls = self.calls(route)
        assert len(calls) == 1, [f"{r.route} {r.idempotency_key}" for r in self.requests]
        return calls[0]

    @property
    def routes(self) -> list[str]:
        return [r.route for r in self.requests]

    @property
    def checkout_url(self) -> str:
        """The URL of the last Checkout session Stripe created."""
        return self.calls("POST /v1/checkout/sessions")[-1].response["url"]

    # stripe.HTTPClient ----------------------------------------------------------------------

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        method = method.upper()
        body = post_data.decode() if isinstance(post_data, bytes) else post_data or parts.query
        form = dict(parse_qsl(body or "", keep_blank_values=True))
        route, path_values = self._route(method, parts.path)
        request = Request(
            method=method,
            path=parts.path,
            route=route,
            form=form,
            params=_nest(form),
            headers=dict(headers or {}),
        )
        self.requests.append(request)
        text, status, replayed = self._answer(request, path_values)
        request.status, request.response, request.replayed = status, json.loads(text), replayed
        response_headers = {"Request-Id": f"req_{_unique()[:14]}", "Stripe-Version": API_VERSION}
        if request.idempotency_key:
            response_headers["Idempotency-Key"] = request.idempotency_key
        if replayed:
            response_headers["Idempotent-Replayed"] = "true"
        return text, status, response_headers

    def close(self):
        pass

    def _sleep_time_seconds(self, num_retries: int) -> float:
        return 0  # a retry in the tests does not wait

    # Answering ------------------------------------------------------------------------------

    def _route(self, method: str, path: str) -> tuple[str, dict]:
        for route, pattern in self._patterns:
            match = pattern.fullmatch(f"{method} {path}")
            if match:
                return route, match.groupdict()
        return f"{method} {path}", {}

    def _answer(self, request: Request, path_values: dict) -> tuple[str, int, bool]:
        key = request.idempotency_key
        if key and key in self._saved:
            first, text, status = self._saved[key]
            same = (first.method, first.path, first.form) == (
                request.method,
                request.path,
                request.form,
            )
            if same:
                return text, status, True
            error = fill(_response_file("error_idempotency"), {"key": key})
            return json.dumps(error), 400, False
        text, status = self._render(request, path_values)
        if key and (200 <= status < 300 or status == 402 or status >= 500):
            self._saved[key] = (request, text, status)
        return text, status, False

    def _render(self, request: Request, path_values: dict) -> tuple[str, int]:
        if request.route in self._overrides:
            body, status = self._overrides[request.route]
        elif request.route in ROUTES:
            body, status = ROUTES[request.route], 200
            if callable(body):
                body = body(request.params)
        else:
            body, status = "error_unknown_route", 404
        template = _response_file(body) if isinstance(body, str) else body
        values = {
            **_defaults(),
            **self.values,
            "params": request.params,
            "path": path_values,
            "url": request.path,
        }
        return json.dumps(fill(template, values)), status
