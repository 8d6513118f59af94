"""The crawl reads a calendar as a calendar app does (tests/harness/site.py, `calendar_text`):
unfolded and unescaped, so that the canary's `in` finds a private string that RFC 5545 line
folding split in two, or whose comma it escaped."""

import pytest
from django.test import Client

from events.factories import EventFactory, InvitationFactory
from tests.harness.site import calendar_text, fetch
from tests.harness.world import PRIVATE_ADDRESS


def test_a_string_split_over_a_fold_is_whole_again():
    raw = b"BEGIN:VEVENT\r\nLOCATION:7 Sec\r\n ret Lane\r\nSUMMARY:a\r\n\tb\r\nEND:VEVENT\r\n"
    text = calendar_text(raw)
    assert PRIVATE_ADDRESS in text and PRIVATE_ADDRESS not in raw.decode()
    assert "SUMMARY:ab" in text
    assert text.endswith("END:VEVENT\r\n"), "only folds go: line ends stay"


def test_a_fold_inside_a_utf8_character_is_joined_before_decoding():
    raw = "LOCATION:Café Zoé".encode()
    folded = raw[:13] + b"\r\n " + raw[13:]  # between the two bytes of the é of Café
    assert calendar_text(folded) == "LOCATION:Café Zoé"


def test_escaped_text_reads_as_written():
    raw = rb"DESCRIPTION:Refunded\, canary reason\; see\nbelow \\ ok"
    assert calendar_text(raw) == "DESCRIPTION:Refunded, canary reason; see\nbelow \\ ok"


@pytest.mark.django_db
def test_the_crawl_reads_a_folded_ics_unfolded():
    long_place = f"{PRIVATE_ADDRESS}, " + "up the stairs and through the blue door " * 3
    event = EventFactory(location=long_place.strip(), title="Supper")
    invitation = InvitationFactory(event=event, confirmed=True)
    client = Client()
    client.force_login(invitation.profile.user)
    url = f"/events/{event.pk}/calendar.ics"
    raw = client.get(url, secure=True).content
    assert b"\r\n " in raw, "the location is long enough to be folded"
    page = fetch(client, "guest", "events:event-calendar", url)
    assert page.status == 200
    assert long_place.strip() in page.body
    assert "\r\n " not in page.body
