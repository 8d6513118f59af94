"""Every write about events and invitations, and the event status machine.

Seats are counted under the event's row lock (SELECT ... FOR UPDATE on the event), so they never
exceed the maximum whatever the concurrency: every service that takes, frees or offers a seat
locks the event first, then the invitation. A seat is taken by a confirmed invitation, one held
while the guest pays (until `hold_expires_at`) and one offered to the waitlist's first person
(until `expires_at`).

Status machine: planned -> confirmed when confirmed seats reach the minimum; confirmed ->
completed after the end; planned/confirmed -> cancelled by the host, or by `cancel_unmet_quorum`
at the decision deadline. The periodic sweeps run in the task worker (events/tasks.py).

Giving a seat back: a confirmed guest may cancel (`cancel_seat`) until the event starts, with the
booking fee refunded in full up to the event's refund cut-off (`Event.refund_deadline`) and not at
all after it (a late cancellation, recorded on the invitation); the host may remove a confirmed
guest with a reason (`remove_guest`), always with a full refund. Either way the seat is offered to
the waitlist at once, and the refund goes through the payments app's task after commit.

Paid events hand off to the payments app: accepting holds the seat (`held`), the payments app
runs the checkout and then calls `confirm_paid_seat`, `fail_paid_seat` or `release_held_seat`.
Back the other way, through the task queue after commit: a paid event's Stripe price is published
when it is created or its fee changes, its authorised payments are captured when it is confirmed,
and its money is given back when it is cancelled.

After the event (`attendance`): the host reports who came, attendees may confirm, a reported
no-show may be disputed within a window, staff decide disputes, and reliability is recomputed
from what counts (events.models.AttendanceQuerySet, the one place the rule is written).

The package is split by concern, every part using the one lock order and the one error class of
`core`: `hosting` (the host's side), `seats` (the guest's side and the payments app's answers),
`clock` (the periodic sweeps), `attendance` (after the event), `calendar` (the feeds),
`checkin` (the evening: tickets checked in, "running late" and "can't make it"), `ratings`
(double-blind ratings, replies, "would meet again"). Callers import `events.services` and use
the names below.
"""

from events.services.attendance import (
    Record,
    decide_no_show,
    dispute_no_show,
    is_attendee,
    recompute_absentee_ratings,
    record_of,
    report_attendance,
    report_others,
    report_window,
    reporting,
    settle_closed_windows,
)
from events.services.calendar import (
    regenerate_calendar_feed,
    turn_off_calendar_feed,
    turn_on_calendar_feed,
)
from events.services.checkin import (
    CHECK_IN_AFTER_END,
    LATE_MINUTES,
    check_in,
    check_in_guest,
    check_in_window,
    report_cant_make_it,
    report_running_late,
    reporting_open,
    undo_check_in,
)
from events.services.clock import (
    cancel_unmet_quorum,
    complete_finished_events,
    expire_lapsed,
)
from events.services.core import (
    HOLD_FOR,
    OFFER_FOR,
    EventError,
    answer_by,
    seats_taken,
)
from events.services.hosting import (
    NOTIFY_FIELDS,
    QUORUM_REASON,
    REMOVED_REASON,
    cancel_event,
    create_event,
    invite,
    remove_guest,
    update_event,
    withdraw_invitation,
)
from events.services.ratings import (
    choose_to_meet_again,
    everyone_rated,
    publish_due_ratings,
    publish_if_everyone_rated,
    rate_event,
    refusal_to_pick,
    refusal_to_rate,
    reply_to_rating,
)
from events.services.reminders import send_reminders
from events.services.seats import (
    CANCELLED_REASON,
    accept_invitation,
    ask_for_seat,
    cancel_seat,
    confirm_paid_seat,
    decline_invitation,
    fail_paid_seat,
    join_waitlist,
    mark_interested,
    refunds_on_cancel,
    release_held_seat,
    unmark_interested,
)

__all__ = [
    "send_reminders",
    "regenerate_calendar_feed",
    "turn_off_calendar_feed",
    "turn_on_calendar_feed",
    "CANCELLED_REASON",
    "Record",
    "decide_no_show",
    "dispute_no_show",
    "is_attendee",
    "recompute_absentee_ratings",
    "record_of",
    "report_attendance",
    "report_others",
    "report_window",
    "reporting",
    "settle_closed_windows",
    "CHECK_IN_AFTER_END",
    "LATE_MINUTES",
    "check_in",
    "check_in_guest",
    "check_in_window",
    "report_cant_make_it",
    "report_running_late",
    "reporting_open",
    "undo_check_in",
    "EventError",
    "HOLD_FOR",
    "NOTIFY_FIELDS",
    "OFFER_FOR",
    "QUORUM_REASON",
    "REMOVED_REASON",
    "accept_invitation",
    "answer_by",
    "ask_for_seat",
    "cancel_event",
    "cancel_seat",
    "cancel_unmet_quorum",
    "choose_to_meet_again",
    "complete_finished_events",
    "confirm_paid_seat",
    "create_event",
    "decline_invitation",
    "everyone_rated",
    "expire_lapsed",
    "fail_paid_seat",
    "invite",
    "join_waitlist",
    "mark_interested",
    "publish_due_ratings",
    "publish_if_everyone_rated",
    "rate_event",
    "refunds_on_cancel",
    "refusal_to_pick",
    "refusal_to_rate",
    "release_held_seat",
    "remove_guest",
    "reply_to_rating",
    "seats_taken",
    "unmark_interested",
    "update_event",
    "withdraw_invitation",
]
