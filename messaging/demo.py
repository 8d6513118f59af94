"""The messaging side of the demo world: lively boards on the demo events, written through
messaging.services as their readers write them, each post signed with its writer's role; and
private conversations between people who follow each other, with unread messages waiting for
the demo log-ins (Ana, Hugo, Sam).

Idempotent like events/demo.py: a post is only written while its board has no post with the
same text, so a second run creates nothing. A board the writer cannot use (someone trying the
demo changed its world: a block, a seat given back) is skipped, not forced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.utils import timezone

from events.models import Event
from messaging import access, services
from messaging.models import Conversation, EventPost, PostReport

if TYPE_CHECKING:
    from accounts.demo import World

# (host, event title) -> the posts, in order: (username, text).
BOARDS = {
    ("hugo", "Six seats at the chef's counter"): [
        ("hugo", "Welcome, all six of you! Tell me about allergies here or when you accept."),
        ("yuki", "No shellfish for me, please. Everything else is a yes."),
        ("hugo", "Noted: the scallop course becomes mushrooms for you."),
        ("ana", "I'm on the waitlist: is it worth keeping the evening free?"),
        ("hugo", "People do give seats back the week before. I'd keep it free."),
        ("noah", "Is the bistro step-free? I'm bringing a friend's pushchair by mistake."),
        ("leo", "There's one step at the door, a low one. I was there last spring."),
    ],
    ("hugo", "Tonight: cheese and natural wine"): [
        ("hugo", "The door code is in your ticket. Ring the second bell once you're in."),
        ("chloe", "Parking on the square is free after 7, for anyone driving."),
        ("ana", "Running a little late, start without me!"),
        ("sam", "Is there a vegetarian rennet cheese among the six?"),
        ("hugo", "Two of them. I'll point them out."),
    ],
    ("ravi", "Board games supper"): [
        ("ravi", "Bring a game if you like; I have Catan, Codenames and a very old Risk."),
        ("leo", "I'll bring Azul. Is it too quiet for this table?"),
        ("hugo", "Still deciding: is it a late one? I have an early start."),
        ("ravi", "We usually wrap up by eleven."),
    ],
}
# A post the demo staff member finds in the moderation queue, and one the host hid.
REPORTED = (("hugo", "Six seats at the chef's counter"), "noah", "mia")
SPAM = "Selling two concert tickets cheap, message me!"


# (one, other): the messages in order, (sender, text); the last one is left unread by the other.
CONVERSATIONS = {
    ("ana", "hugo"): [
        ("ana", "Thank you for the chef's counter invitation! I'm on the waitlist."),
        ("hugo", "Fingers crossed. If a seat frees up you'll be the first to hear."),
        ("hugo", "And bring your appetite: there are seven plates now."),
    ],
    ("ana", "lea"): [
        ("lea", "Are you going to the market morning?"),
        ("ana", "I'm paying for my seat right now!"),
        ("lea", "See you at the fishmonger then."),
    ],
    ("yuki", "ana"): [
        ("yuki", "Do you still have the name of that natural wine from Tuesday?"),
    ],
    ("chloe", "hugo"): [
        ("chloe", "I'll be ten minutes late tonight, sorry!"),
        ("hugo", "No problem, we start with cheese anyway."),
        ("chloe", "Parking was easy, on my way up."),
    ],
    ("sam", "ravi"): [
        ("ravi", "Quick question about the console: can I see who reported my post?"),
        ("sam", "Nobody sees who reported what, not even hosts. It keeps reports honest."),
        ("ravi", "Makes sense, thanks!"),
    ],
}


def seed(world: World) -> World:
    """Add the boards and conversations to `world` (after events.demo.seed)."""
    _boards(world)
    _conversations(world)
    return world


def _conversations(world: World) -> None:
    profiles = {name: user.social_profile for name, user in world.users.items()}
    for (one, other), lines in CONVERSATIONS.items():
        a, b = profiles[one], profiles[other]
        first, second = sorted((a, b), key=lambda profile: profile.pk)
        if Conversation.objects.filter(first=first, second=second, messages__isnull=False).exists():
            continue
        try:
            conversation = services.open_conversation(a, b)
        except services.MessagingError:
            continue  # someone trying the demo blocked or unfollowed: no conversation
        world.created.append(conversation)
        world.created.extend(conversation.participants.all())
        for sender, text in lines:
            thread = access.thread_for_participant(world.users[sender], conversation.pk)
            world.created.append(services.send_message(thread, content=text))


def _boards(world: World) -> None:
    users = world.users
    now = timezone.now()
    for (host, title), posts in BOARDS.items():
        event = (
            Event.objects.filter(host__user=users[host], title=title, ends_at__gt=now)
            .order_by("-starts_at")
            .first()
        )
        if event is None:
            continue
        written = set(EventPost.objects.filter(event=event).values_list("content", flat=True))
        for username, text in posts:
            if text not in written:
                _write(world, users[username], event, text)
        if (host, title) == REPORTED[0]:
            _moderation(world, event, users[host], users[REPORTED[1]], users[REPORTED[2]])


def _write(world: World, user, event: Event, text: str) -> EventPost | None:
    try:
        board = access.board_for_reader(user, event.pk)
        post = services.write_post(board, content=text)
    except (Http404, services.MessagingError):
        return None
    world.created.append(post)
    return post


def _moderation(world: World, event: Event, host, reporter, spammer) -> None:
    """Mia (waitlisted) posted an advert: Noah reported it and Hugo hid it."""
    spam = EventPost.objects.filter(event=event, content=SPAM).first() or _write(
        world, spammer, event, SPAM
    )
    if spam is None:
        return
    if not PostReport.objects.filter(post=spam).exists():
        try:
            board = access.board_for_reader(reporter, event.pk)
            world.created.append(
                services.report_post(board, spam, reason="spam", note="An advert, not a question.")
            )
        except (Http404, services.MessagingError):
            pass
    if spam.hidden_at is None:
        services.hide_post(access.board_for_reader(host, event.pk), spam, by=host)
