import pytest

from payments import stripe_gateway
from tests.payments.stripe_edge import RecordedStripe


@pytest.fixture
def stripe_api(settings, monkeypatch):
    """The real Stripe gateway, its HTTP answered from recorded responses: assert on
    `stripe_api.requests`, or `stripe_api.respond(route, body, status=...)` to answer otherwise."""
    settings.STRIPE_SECRET_KEY = "sk_test_momento"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_momento"
    recorded = RecordedStripe()
    monkeypatch.setattr(stripe_gateway, "http_client", recorded)
    yield recorded
