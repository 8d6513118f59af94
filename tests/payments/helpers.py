"""Stripe events as Stripe sends them: JSON signed with the endpoint secret, in the header
format `t=<timestamp>,v1=<HMAC-SHA256>`; the webhook view verifies them with stripe-python."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid

from django.conf import settings


def signature(body: str, *, secret: str | None = None, timestamp: int | None = None) -> str:
    timestamp = timestamp or int(time.time())
    secret = secret or settings.STRIPE_WEBHOOK_SECRET
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def stripe_event(event_type: str, obj: dict, *, created: int | None = None, id=None) -> dict:
    return {
        "id": id or f"evt_test_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "created": created or int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def post_event(client, event: dict, *, secret: str | None = None):
    """Deliver one event to the webhook endpoint, signed as Stripe would."""
    body = json.dumps(event)
    return client.post(
        "/payments/webhook/",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": signature(body, secret=secret)},
    )
