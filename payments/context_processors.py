from payments import stripe_gateway


def test_mode(request):
    """`payments_test_mode` labels every page that touches money when no Stripe keys are set."""
    return {"payments_test_mode": stripe_gateway.is_local()}
