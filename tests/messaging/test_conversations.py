"""Private conversations: who may open one (the eligibility matrix), one per pair, the inbox,
the conversation page with its unread separator, "Seen" and poll, blocks, and other people's
conversations as 404."""

import json

import pytest
from django.urls import reverse

from events.factories import AttendanceFactory, EventFactory, MeetAgainFactory
from events.models import Attendance
from messaging import eligibility, services
from messaging.access import thread_for_participant
from messaging.models import Conversation, ConversationParticipant, Message, MessagingSettings
from profiles import services as profiles
from profiles.factories import FollowFactory, SocialProfileFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _came(event, profile, status=Attendance.Status.ATTENDED):
    AttendanceFactory(event=event, profile=profile, status=status)


def _setup(case, me, other):
    event = EventFactory(past=True)
    if case == "attended together":
        _came(event, me), _came(event, other, Attendance.Status.LATE)
    elif case == "one came, the other a no-show":
        _came(event, me), _came(event, other, Attendance.Status.NO_SHOW)
    elif case == "accepted follow, mine":
        FollowFactory(follower=me, followed=other, accepted=True)
    elif case == "accepted follow, theirs":
        FollowFactory(follower=other, followed=me, accepted=True)
    elif case == "pending follow":
        FollowFactory(follower=me, followed=other)
    elif case == "declined follow":
        FollowFactory(follower=me, followed=other, declined=True)
    elif case in ("blocked by me", "blocked by them"):
        _came(event, me), _came(event, other)
        FollowFactory(follower=me, followed=other, accepted=True)
        if case == "blocked by me":
            profiles.block(me, other)
        else:
            profiles.block(other, me)
    elif case.startswith("narrowed"):
        _came(event, me), _came(event, other)
        MessagingSettings.objects.create(profile=other, who_can_message="picks_following")
        if case == "narrowed, mutual picks":
            MeetAgainFactory(event=event, chooser=me, chosen=other)
            MeetAgainFactory(event=event, chooser=other, chosen=me)
        elif case == "narrowed, only my pick":
            MeetAgainFactory(event=event, chooser=me, chosen=other)
        elif case == "narrowed, they follow me":
            FollowFactory(follower=other, followed=me, accepted=True)
        elif case == "narrowed, I follow them":
            FollowFactory(follower=me, followed=other, accepted=True)


@pytest.mark.parametrize(
    ("case", "may"),
    [
        ("attended together", True),
        ("one came, the other a no-show", False),
        ("accepted follow, mine", True),
        ("accepted follow, theirs", True),
        ("pending follow", False),
        ("declined follow", False),
        ("blocked by me", False),
        ("blocked by them", False),
        ("narrowed, nothing more", False),
        ("narrowed, mutual picks", True),
        ("narrowed, only my pick", False),
        ("narrowed, they follow me", True),
        ("narrowed, I follow them", False),
        ("strangers", False),
    ],
)
def test_the_eligibility_matrix(case, may):
    me, other = SocialProfileFactory(), SocialProfileFactory()
    _setup(case, me, other)
    assert (eligibility.refusal_to_message(me, other) is None) is may
    if may:
        assert services.open_conversation(me, other).pk
    else:
        with pytest.raises(services.MessagingError):
            services.open_conversation(me, other)
        assert not Conversation.objects.exists()


@pytest.fixture
def pair():
    me, other = SocialProfileFactory(), SocialProfileFactory()
    FollowFactory(follower=me, followed=other, accepted=True)
    return me, other


def test_opening_twice_returns_the_same_conversation_from_either_side(client, pair):
    me, other = pair
    first = services.open_conversation(me, other)
    assert services.open_conversation(other, me) == first
    client.force_login(me.user)
    response = client.post(reverse("messaging:start", args=[other.user.username]))
    assert response.url == first.get_absolute_url()
    assert Conversation.objects.count() == 1
    assert ConversationParticipant.objects.filter(conversation=first).count() == 2


def test_an_ineligible_start_says_why_on_the_profile(client):
    me, other = SocialProfileFactory(), SocialProfileFactory()
    client.force_login(me.user)
    response = client.post(reverse("messaging:start", args=[other.user.username]), follow=True)
    assert eligibility.NOT_ELIGIBLE.split(",")[0] in response.content.decode()
    assert not Conversation.objects.exists()


def test_sending_shows_in_the_others_inbox_unread_and_in_the_badge(client, pair):
    me, other = pair
    conversation = services.open_conversation(me, other)
    client.force_login(me.user)
    url = reverse("messaging:send", args=[conversation.pk])
    response = client.post(url, {"content": "Hello <b>there</b>"}, headers=HTMX)
    assert "thread-changed" in json.loads(response.headers["HX-Trigger"])
    client.post(url, {"content": "Coffee next week?"})
    client.force_login(other.user)
    inbox = client.get(reverse("messaging:inbox")).content.decode()
    assert me.display_name in inbox and "Coffee next week?" in inbox
    assert '2<span class="visually-hidden"> unread</span>' in inbox
    badge = client.get(reverse("messaging:badge")).content.decode()
    assert '2<span class="visually-hidden"> unread</span>' in badge
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert page.index('id="first-unread"') < page.index("Hello &lt;b&gt;there&lt;/b&gt;")
    assert "<b>there" not in page
    assert "unread" not in client.get(reverse("messaging:badge")).content.decode()
    # The sender now sees "Seen" under their last message, by the poll.
    client.force_login(me.user)
    thread = thread_for_participant(me.user, conversation.pk)
    from messaging.inbox import thread_page

    since = thread_page(thread, earlier=None)["since"]
    poll = client.get(
        reverse("messaging:conversation-new", args=[conversation.pk]),
        {"since": since, "mine": "1"},
        headers=HTMX,
    ).content.decode()
    assert ">Seen</p>" in poll


def test_the_poll_brings_new_messages_and_marks_them_read(client, pair):
    me, other = pair
    conversation = services.open_conversation(me, other)
    client.force_login(other.user)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "No messages yet" in page
    services.send_message(thread_for_participant(me.user, conversation.pk), content="Ping")
    poll = client.get(
        reverse("messaging:conversation-new", args=[conversation.pk]), {"since": ""}, headers=HTMX
    ).content.decode()
    assert "Ping" in poll and 'data-hx-swap-oob="beforeend:#thread-messages"' in poll
    mine = ConversationParticipant.objects.get(conversation=conversation, profile=other)
    assert mine.last_read_at == Message.objects.get().created_at


def test_other_peoples_conversations_are_404_in_pages_and_fragments(client, pair):
    me, other = pair
    conversation = services.open_conversation(me, other)
    client.force_login(SocialProfileFactory().user)
    for name in ("conversation", "conversation-new"):
        assert client.get(reverse(f"messaging:{name}", args=[conversation.pk])).status_code == 404
    send = reverse("messaging:send", args=[conversation.pk])
    assert client.post(send, {"content": "Hi"}).status_code == 404
    assert client.get(send).status_code == 405
    assert not Message.objects.exists()


def test_a_block_makes_it_read_only_and_gone_from_the_blocked_persons_inbox(client, pair):
    me, other = pair
    conversation = services.open_conversation(me, other)
    services.send_message(thread_for_participant(other.user, conversation.pk), content="Hi!")
    profiles.block(me, other)
    client.force_login(me.user)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "closed" in page and "Hi!" in page
    response = client.post(reverse("messaging:send", args=[conversation.pk]), {"content": "x"})
    assert response.status_code == 302 and Message.objects.count() == 1
    client.force_login(other.user)
    assert "Hi!" not in client.get(reverse("messaging:inbox")).content.decode()
    assert client.get(conversation.get_absolute_url()).status_code == 404
    with pytest.raises(services.MessagingError):
        services.open_conversation(other, me)


def test_the_narrowing_setting_is_saved_from_its_page(client):
    me = SocialProfileFactory()
    client.force_login(me.user)
    url = reverse("messaging:settings")
    assert client.get(url).status_code == 200
    client.post(url, {"who_can_message": "picks_following"})
    assert MessagingSettings.objects.get(profile=me).who_can_message == "picks_following"
    assert "Choose who" in client.post(url, {"who_can_message": "nobody"}).content.decode()


def test_a_past_events_attendee_list_opens_a_conversation(client):
    event = EventFactory(past=True)
    me, other = SocialProfileFactory(), SocialProfileFactory()
    from events.factories import InvitationFactory

    for profile in (me, other):
        InvitationFactory(event=event, profile=profile, confirmed=True)
        _came(event, profile)
    client.force_login(me.user)
    page = client.get(reverse("events:meet-again", args=[event.pk])).content.decode()
    start = reverse("messaging:start", args=[other.user.username])
    assert f'action="{start}"' in page
    response = client.post(start)
    assert response.url == Conversation.objects.get().get_absolute_url()


def test_a_reported_message_reaches_the_queue_with_its_context_and_staff_can_act(
    client, pair, staff
):
    from messaging.models import MessageReport

    me, other = pair
    conversation = services.open_conversation(me, other)
    services.send_message(thread_for_participant(me.user, conversation.pk), content="Hi there")
    services.send_message(thread_for_participant(other.user, conversation.pk), content="Go away")
    rude = Message.objects.get(content="Go away")
    client.force_login(other.user)
    own = reverse("messaging:message-report", args=[conversation.pk, rude.pk])
    assert client.get(own).status_code == 404  # one's own message
    client.force_login(me.user)
    assert client.post(own, {"reason": "harassment", "note": "Rude"}).status_code == 302
    report = MessageReport.objects.get()
    client.force_login(staff)
    page = client.get(reverse("admin:messaging_messagereport_change", args=[report.pk]))
    assert "Hi there" in page.content.decode() and "[reported]" in page.content.decode()
    changelist = reverse("admin:messaging_messagereport_changelist")
    ids = {"_selected_action": [report.pk]}
    client.post(changelist, {"action": "hide_and_action", **ids})
    client.post(changelist, {"action": "suspend_senders", **ids})
    rude.refresh_from_db()
    other.user.refresh_from_db()
    assert rude.hidden_at is not None and not other.user.is_active
    client.force_login(me.user)
    assert "Go away" not in client.get(conversation.get_absolute_url()).content.decode()
    assert "Go away" not in client.get(reverse("messaging:inbox")).content.decode()
    assert "unread" not in client.get(reverse("messaging:badge")).content.decode()


def test_the_inbox_pages_by_latest_message_and_the_thread_by_older_messages(client, pair):
    from messaging import inbox as shown

    me, _ = pair
    people = SocialProfileFactory.create_batch(shown.INBOX_SIZE + 2)
    for number, other in enumerate(people):
        FollowFactory(follower=other, followed=me, accepted=True)
        conversation = services.open_conversation(other, me)
        thread = thread_for_participant(other.user, conversation.pk)
        services.send_message(thread, content=f"Conversation {number:02d}")
    client.force_login(me.user)
    first = client.get(reverse("messaging:inbox")).content.decode()
    assert "Conversation 21" in first and "Conversation 01" not in first
    assert first.index("Conversation 21") < first.index("Conversation 20")
    after = first.split('href="?after=')[1].split('"')[0]
    second = client.get(reverse("messaging:inbox") + "?after=" + after).content.decode()
    assert "Conversation 01" in second and "Conversation 00" in second
    assert "Conversation 21" not in second

    for number in range(shown.THREAD_SIZE + 3):
        services.send_message(thread, content=f"Line {number:02d}")
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Line 32" in page and "Line 02" not in page
    earlier = page.split('href="?earlier=')[1].split('"')[0]
    older = client.get(conversation.get_absolute_url() + "?earlier=" + earlier).content.decode()
    assert "Line 02" in older and "Line 32" not in older
    assert 'id="thread-poll"' not in older
