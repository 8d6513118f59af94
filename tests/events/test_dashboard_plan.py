"""The home page's "what needs you" reads the person's own rows that need an answer, on their
indexes, never the site's invitations or events (InvitationQuerySet.for_dashboard)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.dashboard import dashboard_for
from events.models import Invitation
from tests.plans import analyze, crowded_site, index_reads, plan_of

pytestmark = pytest.mark.django_db
Status = Invitation.Status


@pytest.fixture
def busy(user):
    """Alice, on a crowded site: 300 invitations of her own (answered, as services leave them:
    with their expiry), 18 of which wait for her, two of those with no expiry at all."""
    events = crowded_site()
    me, now = user.social_profile, timezone.now()
    later = now + datetime.timedelta(days=2)
    upcoming = events[len(events) // 3 :]
    waiting = [
        {"status": Status.SENT, "expires_at": later},
        {"status": Status.HELD, "hold_expires_at": later, "expires_at": later},
        {"status": Status.OFFERED, "expires_at": later},
        {"status": Status.PAYMENT_FAILED, "expires_at": later},
    ]
    kinds = [*(waiting * 4), {"status": Status.SENT}, {"status": Status.PAYMENT_FAILED}]
    mine = [
        Invitation(event=event, profile=me, **kind)
        for event, kind in zip(upcoming[::7], kinds, strict=False)
    ]
    mine += [
        Invitation(event=event, profile=me, status=Status.DECLINED, expires_at=event.starts_at)
        for event in events[1::10]
        if event not in upcoming[::7]
    ]
    Invitation.objects.bulk_create(mine)
    analyze("events_invitation")
    return user


def test_what_needs_me_is_read_from_my_rows_on_their_indexes(busy):
    me = busy.social_profile
    with CaptureQueriesContext(connection) as captured:
        rows = list(Invitation.objects.for_dashboard(me, per_kind=6))
    assert {row.kind for row in rows} == {"held", "waiting", "offered"}
    (sql,) = [query["sql"] for query in captured.captured_queries]
    plan = plan_of(sql)
    assert "Seq Scan on events_invitation" not in plan, plan
    assert "Seq Scan on events_event" not in plan, plan
    # Every part's read of invitations starts from the person's own rows (never the expiry
    # sweep's index, which holds the whole site's); the cards' columns then by primary key,
    # for the few rows the parts kept.
    reads = index_reads(plan, "events_invitation", "invitation_")
    parts = [cond for index, cond in reads if index != "events_invitation_pkey"]
    assert len(parts) >= 5, plan
    assert all("profile_id = " in cond for cond in parts), reads
    assert all("SELECT" in c for i, c in reads if i == "events_invitation_pkey"), reads


def test_the_home_page_shows_them_on_the_crowded_site(busy):
    board = dashboard_for(busy)
    assert (len(board.held), len(board.offered), len(board.waiting)) == (4, 4, 5)
    assert board.more  # 10 waiting: 4 sent, 4 payment failed, 2 with no expiry


def test_my_invitations_read_my_waiting_rows_then_my_newest_only(busy):
    """A page of "my invitations": the waiting rows on their index, the rest newest first on
    the person's index up to the page's end; the cards' joins for those rows only."""
    me = busy.social_profile
    with CaptureQueriesContext(connection) as captured:
        page = Invitation.objects.answers_first_page(me, cursor=None, size=20)
    assert len(page.items) == 20 and page.has_next
    (sql,) = [query["sql"] for query in captured.captured_queries]
    plan = plan_of(sql)
    assert "Seq Scan on events_invitation" not in plan, plan
    assert "invitation_needs_answer_idx" in plan, plan
    assert "invitation_profile_idx" in plan, plan
    # The rest is read newest first in the index's order (not a bitmap of every row of the
    # person, sorted afterwards), and stops at the page's end.
    assert "Index Scan using invitation_profile_idx" in plan, plan
    # (The waiting part joins the person's waiting rows to their events for the deadline and
    # the blocks: a few dozen at most, which the planner may hash against a small events
    # table, and reaches by primary key once the table is large.)
