import pytest

from events import services as events
from events.factories import EventFactory, InvitationFactory
from events.models import Invitation
from payments.models import Payment

pytestmark = pytest.mark.django_db


def test_local_paid_journey(client, task_queue):
    import datetime

    from django.utils import timezone

    event = EventFactory(
        fee_cents=1500,
        min_participants=1,
        decision_deadline=timezone.now() + datetime.timedelta(days=2),
    )
    invitation = InvitationFactory(event=event)
    user = invitation.profile.user
    client.force_login(user)
    response = client.post(f"/me/invitations/{invitation.pk}/accept/")
    assert response.status_code == 302, response
    url = response["Location"]
    assert "/test-mode/checkout/" in url
    page = client.get(url)
    assert b"Test mode" in page.content
    response = client.post(url, {"action": "pay"})
    payment = Payment.objects.get()
    assert response["Location"] == f"/payments/{payment.pk}/"
    task_queue.run_here()
    payment.refresh_from_db()
    invitation.refresh_from_db()
    assert payment.capture_later
    assert invitation.status == Invitation.Status.CONFIRMED
    assert payment.status == Payment.Status.CAPTURED
    event.refresh_from_db()
    assert event.status == "confirmed"
    events.cancel_event(event, by=event.host, reason="Rain")
    task_queue.run_here()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    subjects = [m.subject for m in task_queue.outbox()]
    assert any("Refunded" in s for s in subjects), subjects
