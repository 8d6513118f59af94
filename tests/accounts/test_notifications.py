"""One path for telling a person something: the registry, `notify`, preferences and the
unsubscribe link, the notification centre and its badge, pruning."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Notification, NotificationPreference
from accounts.notifications import KINDS
from profiles.factories import SocialProfileFactory
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
NEWS = {"headline": "Summer tables", "message": "Long evenings are back."}


@pytest.fixture
def ana():
    return SocialProfileFactory(first_name="Ana", user__email="ana@example.com").user


@pytest.fixture
def bo():
    return SocialProfileFactory(first_name="Bo").user


# The registry.


@pytest.mark.parametrize("key", KINDS)
def test_every_registered_kind_has_its_subject_text_and_html_templates(key):
    for name in KINDS[key].template_names():
        get_template(name)  # raises TemplateDoesNotExist


def test_code_sends_only_registered_kinds():
    sent = set()
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in {".venv", "tests", "node_modules"}:
            continue
        sent |= set(re.findall(r'notify\(\s*[^,()]+,\s*"(\w+)"', path.read_text()))
    assert sent, "no notify() call found: the scan is broken"
    assert sent - set(KINDS) == set()
    assert {"invited", "booked", "follow_request", "ratings_published"} <= sent


def test_an_unregistered_kind_is_refused_and_writes_nothing(ana):
    with pytest.raises(ValueError, match="not a registered notification kind"):
        services.notify(ana, "made_up", context={})
    assert not Notification.objects.exists()


# notify: the row, the email, preferences.


def test_notify_writes_the_row_and_sends_the_email_in_the_shared_layout(ana, task_queue):
    notification = services.notify(ana, "follow_request", context={"follower": ana.social_profile})
    notification.refresh_from_db()
    assert notification.recipient == ana
    assert notification.title == "Ana would like to follow you"
    assert notification.read_at is None
    assert notification.email == Notification.Email.PENDING

    [message] = task_queue.outbox()
    assert message.to == ["ana@example.com"]
    assert message.subject == "[Momento] Ana would like to follow you"
    assert "Stop these emails: http" in message.body
    assert "Choose which emails you get: http" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert html.startswith("<!DOCTYPE html>") and "Stop these emails</a>" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/me/notifications/unsubscribe/" in unsubscribe
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    notification.refresh_from_db()
    assert notification.email == Notification.Email.SENT
    assert notification.emailed_at is not None
    assert notification.email_message is None  # nothing kept once sent


def test_a_kind_turned_off_is_in_the_centre_but_not_emailed(ana, task_queue):
    services.set_email_preferences(ana, {"follow_request": False})
    notification = services.notify(ana, "follow_request", context={"follower": ana.social_profile})
    assert notification.email == Notification.Email.NONE
    assert task_queue.outbox() == []
    assert Notification.objects.filter(recipient=ana).count() == 1


def test_marketing_is_off_until_asked_for(ana, task_queue):
    services.notify(ana, "news", context=NEWS)
    assert task_queue.outbox() == []
    services.set_email_preferences(ana, {"news": True})
    services.notify(ana, "news", context=NEWS)
    [message] = task_queue.outbox()
    assert message.subject == "[Momento] Summer tables"


def test_receipts_cannot_be_turned_off_and_carry_no_unsubscribe_link(ana, task_queue):
    with pytest.raises(ValueError, match="cannot be turned off"):
        services.set_email_preferences(ana, {"booked": False})
    assert not NotificationPreference.objects.exists()
    assert services.wants_email(ana, KINDS["booked"])
    services.notify(ana, "premium_ended", context={"subscription": None})
    [message] = task_queue.outbox()
    assert "List-Unsubscribe" not in message.extra_headers
    assert "We always send this email" in message.body


def test_the_email_is_written_in_the_recipients_language(ana, task_queue, monkeypatch):
    seen = []
    render = services.render_to_string

    def recording(name, context=None, *args, **kwargs):
        from django.utils import translation

        seen.append(translation.get_language())
        return render(name, context, *args, **kwargs)

    monkeypatch.setattr(services, "render_to_string", recording)
    ana.language_preference = "fr"
    ana.save(update_fields=["language_preference"])
    services.notify(ana, "follow_request", context={"follower": ana.social_profile})
    assert seen and set(seen) == {"fr"}


# Unsubscribing.


def _unsubscribe_url(user, key):
    return reverse("accounts:unsubscribe", args=[services.unsubscribe_token(user, KINDS[key])])


def test_the_unsubscribe_link_turns_that_kind_off_without_a_log_in(client, ana):
    response = client.get(_unsubscribe_url(ana, "follow_request"))
    assert response.status_code == 200
    assert "You will not get “Someone asks to follow you” emails any more" in response.text
    assert not services.wants_email(ana, KINDS["follow_request"])
    assert services.wants_email(ana, KINDS["invited"])  # only that kind


def test_signed_in_the_link_lands_on_the_choices_with_that_kind_already_off(client, ana):
    client.force_login(ana)
    response = client.get(_unsubscribe_url(ana, "follow_request"), follow=True)
    assert response.redirect_chain == [(reverse("accounts:notification-settings"), 302)]
    assert "You will not get “Someone asks to follow you” emails any more." in response.text
    assert 'id="id_follow_request" checked' not in response.text
    assert 'id="id_invited" checked' in response.text


def test_the_one_click_post_of_a_mail_app_unsubscribes_too(client, ana):
    response = client.post(
        _unsubscribe_url(ana, "invited"),
        {"List-Unsubscribe": "One-Click"},
        enforce_csrf_checks=True,
    )
    assert response.status_code == 200
    assert not services.wants_email(ana, KINDS["invited"])


@pytest.mark.parametrize("token", ["forged", "x" * 300, "mandatory kind"])
def test_a_forged_unsubscribe_link_says_so_and_changes_nothing(client, ana, token):
    if token == "mandatory kind":  # signed by us, for a kind that cannot be turned off
        token = services.unsubscribe_token(ana, KINDS["booked"])
    response = client.get(reverse("accounts:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This link does not work" in response.text
    assert not NotificationPreference.objects.exists()


# The preferences page.


def test_the_preferences_page_saves_choices_and_lists_what_is_always_sent(client, ana):
    client.force_login(ana)
    page = client.get(reverse("accounts:notification-settings"))
    assert page.status_code == 200
    assert 'name="follow_request" checked' in page.text or 'name="follow_request"' in page.text
    assert 'name="booked"' not in page.text  # mandatory: listed, not offered
    assert "Always emailed: booking receipts, refunds" in page.text

    choices = {key: "on" for key, kind in KINDS.items() if kind.optional}
    del choices["follow_request"]
    response = client.post(reverse("accounts:notification-settings"), choices)
    assert response.status_code == 302
    assert not services.wants_email(ana, KINDS["follow_request"])
    assert services.wants_email(ana, KINDS["news"])
    again = client.get(reverse("accounts:notification-settings"))
    assert 'name="follow_request" id="id_follow_request"' in again.text
    assert 'id="id_follow_request" checked' not in again.text


# The centre and the badge.


def _tell(user, n, **fields):
    for i in range(n):
        services.notify(
            user, "news", context={"headline": f"News {i}", "message": "Hello"}, **fields
        )


def test_the_centre_lists_my_notifications_newest_first_and_marks_the_unread(client, ana, bo):
    _tell(ana, 2)
    _tell(bo, 1)
    Notification.objects.filter(recipient=ana, title="News 0").update(read_at=timezone.now())
    client.force_login(ana)
    page = client.get(reverse("accounts:notifications"))
    assert page.status_code == 200
    text = page.text
    assert text.index("News 1") < text.index("News 0")
    assert text.count('class="notification unread"') == 1
    assert text.count('<li class="notification') == 2  # not Bo's


def test_the_centre_is_keyset_paginated(client, ana):
    _tell(ana, 25)
    client.force_login(ana)
    first = client.get(reverse("accounts:notifications"))
    assert first.text.count('<li class="notification') == 20
    cursor = re.search(r'after=([^"]+)" rel="next"', first.text).group(1)
    second = client.get(reverse("accounts:notifications") + f"?after={cursor}")
    assert second.text.count('<li class="notification') == 5
    assert "News 0" in second.text and "News 24" not in second.text


def test_an_empty_centre_says_what_comes_here(client, ana):
    client.force_login(ana)
    page = client.get(reverse("accounts:notifications"))
    assert "When a host invites you" in page.text


def test_opening_a_notification_marks_it_read_and_goes_to_what_it_is_about(client, ana):
    notification = services.notify(ana, "news", context=NEWS, link=reverse("events:my-invitations"))
    client.force_login(ana)
    response = client.get(reverse("accounts:notification", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("events:my-invitations")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_site_is_never_followed(client, ana):
    notification = services.notify(ana, "news", context=NEWS, link="//evil.example/")
    client.force_login(ana)
    response = client.get(reverse("accounts:notification", args=[notification.pk]))
    assert response["Location"] == reverse("accounts:notifications")


def test_someone_elses_notification_is_404_and_stays_unread(client, ana, bo):
    notification = services.notify(ana, "news", context=NEWS)
    client.force_login(bo)
    assert client.get(reverse("accounts:notification", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_marks_mine_only(client, ana, bo):
    _tell(ana, 3)
    _tell(bo, 2)
    client.force_login(ana)
    response = client.post(reverse("accounts:notifications-read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=ana, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bo, read_at__isnull=True).count() == 2


def test_the_badge_counts_my_unread_and_caps_at_99(client, ana, bo):
    client.force_login(ana)
    url = reverse("accounts:notification-badge")
    assert ">New<" not in client.get(url).text
    assert 'class="badge"' not in client.get(url).text
    _tell(ana, 3)
    _tell(bo, 5)
    assert '<span class="badge">3<span class="visually-hidden"> unread</span>' in (
        client.get(url).text
    )
    Notification.objects.bulk_create(
        [Notification(recipient=ana, kind="news", title="Bulk") for _ in range(100)]
    )
    assert '<span class="badge">99+<span' in client.get(url).text


def test_every_signed_in_page_loads_the_badge(client, ana):
    client.force_login(ana)
    page = client.get(reverse("events:discover"))
    assert f'data-hx-get="{reverse("accounts:notification-badge")}"' in page.text


def test_the_centre_and_the_badge_cost_the_same_with_2_and_50(
    client, ana, django_assert_num_queries
):
    client.force_login(ana)
    for name in ("accounts:notifications", "accounts:notification-badge"):
        Notification.objects.all().delete()
        count = assert_same_queries_for_few_and_many(
            client,
            reverse(name),
            make=lambda n: _tell(ana, 2 if n == 2 else 48),
            assert_num_queries=django_assert_num_queries,
        )
        assert count == 3  # the session, the user, one query of mine


# Pruning.


def test_read_notifications_older_than_90_days_are_pruned_and_unread_ones_stay(ana):
    now = timezone.now()
    old = now - datetime.timedelta(days=91)
    Notification.objects.bulk_create(
        [
            Notification(recipient=ana, kind="news", title="old read", read_at=old),
            Notification(recipient=ana, kind="news", title="old unread", created_at=old),
            Notification(recipient=ana, kind="news", title="recent read", read_at=now),
        ]
    )
    assert services.prune_notifications(now=now) == 1
    assert set(Notification.objects.values_list("title", flat=True)) == {
        "old unread",
        "recent read",
    }


# A seat confirmed: the email carries the calendar file.


def test_a_free_seat_confirmed_is_emailed_with_its_calendar_file(task_queue):
    import icalendar

    from events import services as events
    from events.factories import EventFactory, InvitationFactory

    event = EventFactory(location="Rue des Tables 12")
    invitation = InvitationFactory(event=event)
    events.accept_invitation(invitation, by=invitation.profile)
    [message] = [m for m in task_queue.outbox() if "Your seat is confirmed" in m.subject]
    assert message.to == [invitation.profile.user.email]
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    [vevent] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert vevent["summary"] == event.title
    assert "Rue des Tables 12" in vevent["location"]
    assert vevent.decoded("dtstart") == event.starts_at.replace(microsecond=0)
