"""The access matrix: for every URL pattern of the project, the status each role must get.

A URL pattern without a rule here fails `test_every_url_pattern_has_an_access_rule`: whoever adds
a page decides, in this file, who may see it. Objects in URLs belong to the world's host, so a
stranger asking for them must get 404, never a hint that they exist.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.harness.site import Page, Route, fetch, routes
from tests.harness.world import ANONYMOUS, World

OK, FOUND, BAD_REQUEST, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 400, 403, 404, 405
PARTICIPANTS = ("stranger", "invitee", "guest", "host")


@dataclass(frozen=True)
class Rule:
    anonymous: int
    signed_in: int  # every participant, and staff unless `staff` says otherwise
    staff: int | None = None
    roles: dict[str, int] = field(default_factory=dict)  # exceptions for single roles
    url: Callable[[World], str] | None = None  # for patterns with arguments

    def expected(self, role: str) -> int:
        if role in self.roles:
            return self.roles[role]
        if role == ANONYMOUS:
            return self.anonymous
        if role == "staff" and self.staff is not None:
            return self.staff
        return self.signed_in


PUBLIC = Rule(anonymous=OK, signed_in=OK)
GUESTS_ONLY = Rule(anonymous=OK, signed_in=FOUND)  # signed-in people are sent on their way
SIGNED_IN = Rule(anonymous=FOUND, signed_in=OK)  # anonymous visitors are sent to log in

INVITED = {"host": OK, "invitee": OK, "guest": OK}
FEED_ON = INVITED  # the world's people whose calendar feed is on
CAME = {"host": OK, "guest": OK}  # the world's past event: its host and the guest who came
MADE_UP_ID = "00000000-0000-4000-8000-000000000000"  # an id nothing has
TALKING = {"host": OK, "guest": OK}  # the world's conversation

RULES: dict[str, Rule] = {
    "home": PUBLIC,
    "health": PUBLIC,
    "terms": PUBLIC,
    "privacy": PUBLIC,
    # Accounts (allauth).
    "account_login": GUESTS_ONLY,
    "account_signup": GUESTS_ONLY,
    "account_logout": Rule(anonymous=FOUND, signed_in=OK),  # a confirmation; logging out is POST
    "account_inactive": PUBLIC,
    "account_reauthenticate": SIGNED_IN,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": SIGNED_IN,
    "account_set_password": Rule(anonymous=FOUND, signed_in=FOUND),  # everyone has a password
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_confirm_login_code": Rule(anonymous=FOUND, signed_in=FOUND),  # no code pending
    # A forged key shows "invalid link" to everyone, whoever's account it claims.
    "account_confirm_email": Rule(
        anonymous=OK, signed_in=OK, url=lambda w: f"/accounts/confirm-email/forged-key-{w.host.pk}/"
    ),
    "account_reset_password_from_key": Rule(
        anonymous=OK,
        signed_in=OK,
        url=lambda w: reverse(
            "account_reset_password_from_key", kwargs={"uidb36": "4z", "key": "forged-key"}
        ),
    ),
    # Two-factor authentication (allauth.mfa): staff have TOTP in the world, participants don't.
    "mfa_index": SIGNED_IN,
    # Changing a second factor first asks for the password again (a fresh log-in has none).
    "mfa_authenticate": Rule(anonymous=FOUND, signed_in=FOUND),  # only mid-login
    "mfa_reauthenticate": Rule(anonymous=FOUND, signed_in=FOUND, staff=OK),
    "mfa_activate_totp": Rule(anonymous=FOUND, signed_in=FOUND),
    "mfa_deactivate_totp": Rule(anonymous=FOUND, signed_in=NOT_FOUND, staff=FOUND),
    "mfa_view_recovery_codes": Rule(anonymous=FOUND, signed_in=NOT_FOUND, staff=FOUND),
    "mfa_generate_recovery_codes": Rule(anonymous=FOUND, signed_in=FOUND),
    "mfa_download_recovery_codes": Rule(anonymous=FOUND, signed_in=NOT_FOUND, staff=FOUND),
    "usersessions_list": SIGNED_IN,
    "accounts:settings": SIGNED_IN,
    # Notifications: each person's own; someone else's is 404. Unsubscribing needs no log-in
    # (the signed token is the key): a forged token says the link does not work.
    "accounts:notifications": SIGNED_IN,
    "accounts:notification-badge": SIGNED_IN,
    "accounts:notifications-read": Rule(FOUND, NOT_ALLOWED),
    "accounts:notification": Rule(
        FOUND,
        NOT_FOUND,
        roles={"host": FOUND},  # opening it goes on to what it is about
        url=lambda w: reverse("accounts:notification", args=[w.objects["host_notification"].pk]),
    ),
    "accounts:notification-settings": SIGNED_IN,
    "accounts:referrals": SIGNED_IN,
    "accounts:unsubscribe": Rule(
        BAD_REQUEST, BAD_REQUEST, url=lambda w: reverse("accounts:unsubscribe", args=["forged"])
    ),
    # People. Profiles are for members; a host page is public. Acting on someone (like, follow,
    # block, report) is POST, and acting on oneself does not exist. Belongings (photos, cities,
    # follow requests) exist only for their owner.
    "profiles:browse": SIGNED_IN,
    "profiles:profile": Rule(FOUND, OK, url=lambda w: _person("profile", w)),
    "profiles:followers": Rule(FOUND, OK, url=lambda w: _person("followers", w)),
    "profiles:following": Rule(FOUND, OK, url=lambda w: _person("following", w)),
    "profiles:like": Rule(FOUND, NOT_ALLOWED, url=lambda w: _person("like", w)),
    "profiles:unlike": Rule(FOUND, NOT_ALLOWED, url=lambda w: _person("unlike", w)),
    "profiles:follow": Rule(FOUND, NOT_ALLOWED, url=lambda w: _person("follow", w)),
    "profiles:unfollow": Rule(FOUND, NOT_ALLOWED, url=lambda w: _person("unfollow", w)),
    "profiles:unblock": Rule(FOUND, NOT_ALLOWED, url=lambda w: _person("unblock", w)),
    "profiles:block": Rule(FOUND, OK, roles={"host": NOT_FOUND}, url=lambda w: _person("block", w)),
    "profiles:report": Rule(
        FOUND, OK, roles={"host": NOT_FOUND}, url=lambda w: _person("report", w)
    ),
    "profiles:host": Rule(OK, OK, url=lambda w: _person("host", w)),
    "profiles:edit-about": SIGNED_IN,
    "profiles:edit-photos": SIGNED_IN,
    "profiles:edit-interests": SIGNED_IN,
    "profiles:edit-cities": SIGNED_IN,
    "profiles:edit-host": SIGNED_IN,
    "profiles:likes": SIGNED_IN,
    "profiles:liked-me": SIGNED_IN,  # who: premium members only (tests/payments/test_perks.py)
    "profiles:follow-requests": SIGNED_IN,
    "profiles:blocked": SIGNED_IN,
    "profiles:onboarding": Rule(
        FOUND, OK, url=lambda w: reverse("profiles:onboarding", args=["about"])
    ),
    "profiles:onboarding-finish": SIGNED_IN,
    "profiles:upload-cover": Rule(FOUND, NOT_ALLOWED),
    "profiles:photo-earlier": Rule(
        FOUND, NOT_ALLOWED, url=lambda w: _owned("photo-earlier", w, "photo")
    ),
    "profiles:photo-later": Rule(
        FOUND, NOT_ALLOWED, url=lambda w: _owned("photo-later", w, "photo")
    ),
    "profiles:photo-delete": Rule(
        FOUND, NOT_FOUND, roles={"host": OK}, url=lambda w: _owned("photo-delete", w, "photo")
    ),
    "profiles:city-current": Rule(
        FOUND, NOT_ALLOWED, url=lambda w: _owned("city-current", w, "host_city")
    ),
    "profiles:city-primary": Rule(
        FOUND, NOT_ALLOWED, url=lambda w: _owned("city-primary", w, "host_city")
    ),
    "profiles:city-remove": Rule(
        FOUND, NOT_ALLOWED, url=lambda w: _owned("city-remove", w, "host_city")
    ),
    "profiles:follow-accept": Rule(
        FOUND, NOT_ALLOWED, url=lambda w: _owned("follow-accept", w, "follow_request")
    ),
    "profiles:follow-decline": Rule(
        FOUND, NOT_ALLOWED, url=lambda w: _owned("follow-decline", w, "follow_request")
    ),
    # Events. A private event exists only for its host and the people invited to it; its
    # management pages only for its host. Answering and acting on events is POST.
    # Public events are open to everyone, logged out too (discovery, and their pages: the rule
    # for the world's public event is in MORE_URLS); anything else asks anonymous visitors to
    # log in, the same answer as for an id that does not exist.
    "events:discover": PUBLIC,
    "events:my-invitations": SIGNED_IN,
    "events:my-events": SIGNED_IN,
    "events:hosting": SIGNED_IN,
    "events:hosting-upcoming": Rule(FOUND, FOUND, roles={"host": OK}),  # others: the dashboard
    "events:create": Rule(FOUND, FOUND, roles={"host": OK}),  # others: become a host first
    "events:detail": Rule(FOUND, NOT_FOUND, roles=INVITED, url=lambda w: _event("detail", w)),
    "events:edit": Rule(FOUND, NOT_FOUND, roles={"host": OK}, url=lambda w: _event("edit", w)),
    "events:cancel": Rule(FOUND, NOT_FOUND, roles={"host": OK}, url=lambda w: _event("cancel", w)),
    "events:guests": Rule(FOUND, NOT_FOUND, roles={"host": OK}, url=lambda w: _event("guests", w)),
    "events:withdraw": Rule(  # GET asks the host to confirm, POST withdraws
        FOUND,
        NOT_FOUND,
        roles={"host": OK},
        url=lambda w: reverse(
            "events:withdraw", args=[w.objects["event"].pk, w.objects["invitation"].pk]
        ),
    ),
    # Giving a seat back: the guest's own confirmation page; removing a guest: the host's.
    "events:remove-guest": Rule(
        FOUND,
        NOT_FOUND,
        roles={"host": OK},
        url=lambda w: reverse(
            "events:remove-guest", args=[w.objects["event"].pk, w.objects["guest_invitation"].pk]
        ),
    ),
    "events:cancel-seat": Rule(
        FOUND,
        NOT_FOUND,
        roles={"guest": OK},
        url=lambda w: reverse("events:cancel-seat", args=[w.objects["guest_invitation"].pk]),
    ),
    # Calendar files: an event's .ics for its host and confirmed guests. The private feed needs
    # no log-in (its token is the key): a turned-off or made-up token is 404 for everyone, and
    # each person reaches their own feed from their settings page (the crawl follows it).
    "events:event-calendar": Rule(
        FOUND, NOT_FOUND, roles={"host": OK, "guest": OK}, url=lambda w: _event("event-calendar", w)
    ),
    "events:calendar-feed": Rule(
        NOT_FOUND,
        NOT_FOUND,
        url=lambda w: reverse("events:calendar-feed", args=[w.objects["revoked_feed_token"]]),
    ),
    "events:calendar-feed-on": Rule(FOUND, NOT_ALLOWED),
    # Confirmations, for people whose feed is on; the others are sent back to their settings.
    "events:calendar-feed-regenerate": Rule(FOUND, FOUND, roles=FEED_ON),
    "events:calendar-feed-off": Rule(FOUND, FOUND, roles=FEED_ON),
    # After the event: the host's report is the host's; an attendee's page is for those who had
    # a seat (the guest came, the invitee disputes being reported absent); disputing is POST.
    "events:attendance": Rule(
        FOUND, NOT_FOUND, roles={"host": OK}, url=lambda w: _evening("attendance", w)
    ),
    "events:my-attendance": Rule(
        FOUND,
        NOT_FOUND,
        roles={"guest": OK, "invitee": OK},
        url=lambda w: _evening("my-attendance", w),
    ),
    "events:attendance-dispute": Rule(
        FOUND, NOT_ALLOWED, url=lambda w: _evening("attendance-dispute", w)
    ),
    # The evening: a ticket is its guest's; the check-in pages (and the polled list) the host's.
    "events:ticket": Rule(
        FOUND,
        NOT_FOUND,
        roles={"guest": OK},
        url=lambda w: reverse("events:ticket", args=[w.objects["tonight_invitation"].pk]),
    ),
    "events:running-late": Rule(
        FOUND,
        NOT_ALLOWED,
        url=lambda w: reverse("events:running-late", args=[w.objects["tonight_invitation"].pk]),
    ),
    "events:cant-make-it": Rule(
        FOUND,
        NOT_ALLOWED,
        url=lambda w: reverse("events:cant-make-it", args=[w.objects["tonight_invitation"].pk]),
    ),
    "events:check-in": Rule(
        FOUND, NOT_FOUND, roles={"host": OK}, url=lambda w: _tonight("check-in", w)
    ),
    "events:check-in-list": Rule(
        FOUND, NOT_FOUND, roles={"host": OK}, url=lambda w: _tonight("check-in-list", w)
    ),
    "events:check-in-code": Rule(FOUND, NOT_ALLOWED, url=lambda w: _tonight("check-in-code", w)),
    "events:check-in-guest": Rule(
        FOUND, NOT_ALLOWED, url=lambda w: _tonight_guest("check-in-guest", w)
    ),
    "events:undo-check-in": Rule(
        FOUND, NOT_ALLOWED, url=lambda w: _tonight_guest("undo-check-in", w)
    ),
    # After the world's past event: its guest rates and picks (the host is told why not), the
    # host reads the ratings and replies (POST).
    "events:rate": Rule(FOUND, NOT_FOUND, roles=CAME, url=lambda w: _past_event("rate", w)),
    "events:meet-again": Rule(
        FOUND, NOT_FOUND, roles=CAME, url=lambda w: _past_event("meet-again", w)
    ),
    "events:ratings": Rule(
        FOUND, NOT_FOUND, roles={"host": OK}, url=lambda w: _past_event("ratings", w)
    ),
    "events:rating-reply": Rule(
        FOUND,
        NOT_ALLOWED,
        url=lambda w: reverse(
            "events:rating-reply",
            args=[w.objects["past_event"].pk, w.objects["rating"].pk],
        ),
    ),
    "events:ask": Rule(FOUND, NOT_ALLOWED, url=lambda w: _event("ask", w)),
    "events:interested": Rule(FOUND, NOT_ALLOWED, url=lambda w: _event("interested", w)),
    "events:not-interested": Rule(FOUND, NOT_ALLOWED, url=lambda w: _event("not-interested", w)),
    "events:invite-person": Rule(
        FOUND,
        NOT_ALLOWED,
        url=lambda w: reverse("events:invite-person", args=[w.people["invitee"].username]),
    ),
    "events:accept": Rule(FOUND, NOT_ALLOWED, url=lambda w: _owned_invitation("accept", w)),
    "events:decline": Rule(FOUND, NOT_ALLOWED, url=lambda w: _owned_invitation("decline", w)),
    "events:waitlist": Rule(FOUND, NOT_ALLOWED, url=lambda w: _owned_invitation("waitlist", w)),
    # The private event's board: for the people it is open to (the host, the invitee's live
    # invitation, the guest's seat); writing, deleting, hiding are POST. One's own post cannot
    # be reported (the world's is the guest's).
    "messaging:board": Rule(FOUND, NOT_FOUND, roles=INVITED, url=lambda w: _board("board", w)),
    "messaging:board-new": Rule(
        FOUND, NOT_FOUND, roles=INVITED, url=lambda w: _board("board-new", w)
    ),
    "messaging:board-post": Rule(FOUND, NOT_ALLOWED, url=lambda w: _board("board-post", w)),
    "messaging:post-delete": Rule(FOUND, NOT_ALLOWED, url=lambda w: _post("post-delete", w)),
    "messaging:post-hide": Rule(FOUND, NOT_ALLOWED, url=lambda w: _post("post-hide", w)),
    "messaging:post-unhide": Rule(FOUND, NOT_ALLOWED, url=lambda w: _post("post-unhide", w)),
    "messaging:post-report": Rule(
        FOUND,
        NOT_FOUND,
        roles={"host": OK, "invitee": OK},
        url=lambda w: _post("post-report", w),
    ),
    # Private conversations: each is its two people's (the world's is the guest's and the
    # host's); the inbox, the badge and one's settings are one's own. Sending, opening are POST.
    "messaging:start": Rule(FOUND, NOT_ALLOWED, url=lambda w: _person_message(w)),
    "messaging:inbox": SIGNED_IN,
    "messaging:badge": SIGNED_IN,
    "messaging:settings": SIGNED_IN,
    "messaging:conversation": Rule(
        FOUND, NOT_FOUND, roles=TALKING, url=lambda w: _conversation("conversation", w)
    ),
    "messaging:conversation-new": Rule(
        FOUND, NOT_FOUND, roles=TALKING, url=lambda w: _conversation("conversation-new", w)
    ),
    "messaging:send": Rule(FOUND, NOT_ALLOWED, url=lambda w: _conversation("send", w)),
    # The guest's message: the host may report it, the guest (its sender) may not.
    "messaging:message-report": Rule(
        FOUND,
        NOT_FOUND,
        roles={"host": OK},
        url=lambda w: reverse(
            "messaging:message-report",
            args=[w.objects["conversation"].pk, w.objects["guest_message"].pk],
        ),
    ),
    # Money. A payment exists only for its payer; paying, subscribing and managing a plan are
    # POST. Stripe's webhook is POST only, for everyone: it is signed, not logged in.
    "payments:webhook": Rule(anonymous=NOT_ALLOWED, signed_in=NOT_ALLOWED),
    "payments:checkout": Rule(
        FOUND,
        NOT_ALLOWED,
        url=lambda w: reverse("payments:checkout", args=[w.objects["held_invitation"].pk]),
    ),
    "payments:payment": Rule(
        FOUND, NOT_FOUND, roles={"guest": OK}, url=lambda w: _payment("payment", w, "payment")
    ),
    # Leaving Checkout lets the held seat go: the world's paid payment is left as it is.
    "payments:cancelled": Rule(
        FOUND, NOT_FOUND, roles={"guest": FOUND}, url=lambda w: _payment("cancelled", w, "payment")
    ),
    "payments:pricing": SIGNED_IN,
    "payments:subscribe": Rule(FOUND, NOT_ALLOWED),
    "payments:welcome": SIGNED_IN,
    "payments:manage": Rule(FOUND, NOT_ALLOWED),
    # The local test mode's Checkout, for the invitee's open one: only its payer may see it.
    "payments:local-checkout": Rule(
        FOUND,
        NOT_FOUND,
        roles={"invitee": OK},
        url=lambda w: w.objects["pending_payment"].checkout_url,
    ),
    "payments:local-portal": SIGNED_IN,
    # Uploaded photos: random, unguessable names of re-encoded images; served to anyone with one.
    "/^media/(?P<path>.*)$": Rule(OK, OK, url=lambda w: w.objects["photo"].url("thumb")),
    # The console (Django admin): staff only; everyone else is sent to the log-in page.
    # The console's log-in is allauth's (rate limits, two-factor); others are refused there.
    "admin:login": Rule(anonymous=FOUND, signed_in=FORBIDDEN, staff=FOUND),
    "admin:logout": Rule(anonymous=FOUND, signed_in=FOUND, staff=NOT_ALLOWED),  # POST only
    "admin:autocomplete": Rule(anonymous=FOUND, signed_in=FOUND, staff=FORBIDDEN),  # needs a field
    "admin:app_list": Rule(
        anonymous=FOUND, signed_in=FOUND, staff=OK, url=lambda w: "/admin/accounts/"
    ),
    # No model has a public page yet: "view on site" finds nothing, even for staff.
    "admin:view_on_site": Rule(
        anonymous=FOUND,
        signed_in=FOUND,
        staff=NOT_FOUND,
        url=lambda w: reverse("admin:view_on_site", args=[_content_type(w.host).pk, w.host.pk]),
    ),
    "/admin/(?P<url>.*)$": Rule(  # the console's catch-all
        anonymous=FOUND, signed_in=FOUND, staff=NOT_FOUND, url=lambda w: "/admin/nowhere/"
    ),
}

# More URLs of the patterns above, each with its own rule: other objects and arguments.
MORE_URLS: dict[str, tuple[Rule, ...]] = {
    "events:detail": (
        Rule(OK, OK, url=lambda w: reverse("events:detail", args=[w.objects["public_event"].pk])),
        # Tonight's event, with its "on the day" panel for the guest and the group's news.
        Rule(
            FOUND,
            NOT_FOUND,
            roles=INVITED,
            url=lambda w: reverse("events:detail", args=[w.objects["tonight"].pk]),
        ),
        Rule(FOUND, NOT_FOUND, url=lambda w: reverse("events:detail", args=[MADE_UP_ID])),
        Rule(FOUND, NOT_FOUND, roles=CAME, url=lambda w: _past_event("detail", w)),
    ),
    "events:calendar-feed": (
        Rule(
            NOT_FOUND,
            NOT_FOUND,
            url=lambda w: reverse("events:calendar-feed", args=["made-up-token-" + "x" * 30]),
        ),
    ),
    "events:ticket": (  # the invitee's, checked in: theirs alone
        Rule(
            FOUND,
            NOT_FOUND,
            roles={"invitee": OK},
            url=lambda w: reverse("events:ticket", args=[w.objects["tonight_arrived"].pk]),
        ),
    ),
    "payments:payment": (
        Rule(
            FOUND,
            NOT_FOUND,
            roles={"guest": OK},
            url=lambda w: _payment("payment", w, "refunded_payment"),
        ),
        Rule(
            FOUND,
            NOT_FOUND,
            roles={"invitee": OK},
            url=lambda w: _payment("payment", w, "failed_payment"),
        ),
        Rule(
            FOUND,
            NOT_FOUND,
            roles={"invitee": OK},
            url=lambda w: _payment("payment", w, "pending_payment"),
        ),
    ),
    "payments:local-checkout": (
        Rule(FOUND, NOT_FOUND, url=lambda w: reverse("payments:local-checkout", args=["forged"])),
        # A premium plan's Checkout is for the member who started it.
        Rule(
            FOUND, NOT_FOUND, roles={"staff": OK}, url=lambda w: w.objects["premium_checkout_url"]
        ),
    ),
}

ADMIN_ACTIONS = ("changelist", "add", "history", "delete", "change")
# What the console refuses even to staff, by design.
ADMIN_REFUSALS = {
    "admin:accounts_userinternalmetrics_add": FORBIDDEN,  # metrics come with the user
    "admin:accounts_notification_add": FORBIDDEN,  # notifications come from `notify`
    "admin:accounts_referral_add": FORBIDDEN,  # members invite from the app
    "admin:procrastinate_procrastinatejob_add": FORBIDDEN,  # jobs come from the app
    "admin:procrastinate_procrastinatejob_delete": FORBIDDEN,
    "admin:profiles_socialprofile_add": FORBIDDEN,  # profiles come with their user
    # Money: Stripe and its webhooks write these rows, and nothing deletes them.
    **{
        f"admin:payments_{model}_{action}": FORBIDDEN
        for model in ("payment", "subscription", "subscriptionpayment", "webhookevent")
        for action in ("add", "delete")
    },
    # What members make on the site (reports, the social graph, attendance, ratings).
    **{
        f"admin:{model}_add": FORBIDDEN
        for model in (
            "profiles_report",
            "messaging_eventpost",
            "messaging_postreport",
            "messaging_messagereport",
            "profiles_follow",
            "profiles_like",
            "profiles_block",
            "events_attendance",
            "events_rating",
            "events_meetagain",
            "events_invitation",
            "events_interested",
        )
    },
}


def _event(name: str, world: World) -> str:
    return reverse(f"events:{name}", args=[world.objects["event"].pk])


def _conversation(name: str, world: World) -> str:
    return reverse(f"messaging:{name}", args=[world.objects["conversation"].pk])


def _person_message(world: World) -> str:
    return reverse("messaging:start", args=[world.host.username])


def _board(name: str, world: World) -> str:
    return reverse(f"messaging:{name}", args=[world.objects["event"].pk])


def _post(name: str, world: World) -> str:
    return reverse(
        f"messaging:{name}", args=[world.objects["event"].pk, world.objects["board_post"].pk]
    )


def _evening(name: str, world: World) -> str:
    return reverse(f"events:{name}", args=[world.objects["evening"].pk])


def _tonight(name: str, world: World) -> str:
    return reverse(f"events:{name}", args=[world.objects["tonight"].pk])


def _tonight_guest(name: str, world: World) -> str:
    tonight = world.objects["tonight"]
    return reverse(f"events:{name}", args=[tonight.pk, world.objects["tonight_invitation"].pk])


def _past_event(name: str, world: World) -> str:
    return reverse(f"events:{name}", args=[world.objects["past_event"].pk])


def _owned_invitation(name: str, world: World) -> str:
    return reverse(f"events:{name}", args=[world.objects["invitation"].pk])


def _payment(name: str, world: World, key: str) -> str:
    return reverse(f"payments:{name}", args=[world.objects[key].pk])


def _person(name: str, world: World) -> str:
    return reverse(f"profiles:{name}", args=[world.host.username])


def _owned(name: str, world: World, key: str) -> str:
    return reverse(f"profiles:{name}", args=[world.objects[key].pk])


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj)


def _admin_object(world: World, app_label: str, model_name: str):
    for model in admin.site._registry:
        opts = model._meta
        if (opts.app_label, opts.model_name) == (app_label, model_name):
            if model is type(world.host):
                return world.host
            instance = model._default_manager.order_by("pk").first()
            assert instance, f"build_world() must create a {opts.label} for its admin pages"
            return instance
    raise LookupError(f"{app_label}.{model_name} is not in the admin")


def admin_rule(key: str, route: str) -> Rule | None:
    """The console's own URLs follow one rule; objects come from the world."""
    if not route.startswith("/admin/"):
        return None
    staff = ADMIN_REFUSALS.get(key, OK)
    name = key.removeprefix("admin:")
    is_model_page = route.count("/") >= 5  # /admin/<app>/<model>/...
    for action in ADMIN_ACTIONS:
        if is_model_page and name.endswith(f"_{action}"):
            app_label, model_name = route.split("/")[2:4]

            def url(world, key=key, app_label=app_label, model_name=model_name, action=action):
                if action in ("changelist", "add"):
                    return reverse(key)
                obj = _admin_object(world, app_label, model_name)
                return reverse(key, args=[obj.pk])

            return Rule(anonymous=FOUND, signed_in=FOUND, staff=staff, url=url)
    if key.endswith("<path:object_id>/"):  # the old change URL, redirected to the new one
        app_label, model_name = route.split("/")[2:4]

        def old_url(world, app_label=app_label, model_name=model_name):
            obj = _admin_object(world, app_label, model_name)
            return f"/admin/{app_label}/{model_name}/{obj.pk}/"

        return Rule(anonymous=FOUND, signed_in=FOUND, url=old_url)
    return Rule(anonymous=FOUND, signed_in=FOUND, staff=staff)


def rule_for(key: str, route: str) -> Rule | None:
    return RULES.get(key) or admin_rule(key, route)


def url_for(key: str, rule: Rule, world: World) -> str:
    return rule.url(world) if rule.url else reverse(key)


@dataclass
class Visit:
    route: Route
    expected: int
    page: Page


def visit_every_route(
    client: Client, world: World, role: str, *, expecting: int | None = None
) -> list[Visit]:
    """Every URL pattern with a rule (and its MORE_URLS), fetched as `role`; only those the rule
    gives the status `expecting`, when it is set."""
    visits = []
    for route in routes():
        rule = rule_for(route.key, route.route)
        if rule is None:
            continue
        for each in (rule, *MORE_URLS.get(route.key, ())):
            if expecting in (None, each.expected(role)):
                page = fetch(client, role, route.key, url_for(route.key, each, world))
                visits.append(Visit(route, each.expected(role), page))
    return visits
