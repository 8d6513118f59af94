"""The event status machine's clock, in the task worker: every few minutes, lapsed invitations,
offers and seat holds expire (freed seats go to the waitlist), events without their quorum at
the decision deadline are cancelled, confirmed events that have ended are completed, and the
ratings of events whose rating window has closed are published (their host told).
Reliability is recomputed when attendance settles: after a report, a dispute or a staff decision
(deferred by events/services/attendance.py), and when dispute windows close (the sweep)."""

from procrastinate.contrib.django import app

from events import services


@app.periodic(cron="*/5 * * * *")
@app.task(queue="default", queueing_lock="events_sweep")
def sweep_events(timestamp: int) -> dict[str, int]:
    return {
        "expired": services.expire_lapsed(),
        "cancelled": services.cancel_unmet_quorum(),
        "completed": services.complete_finished_events(),
        "ratings_published": services.publish_due_ratings(),
    }


@app.task(queue="default")
def recompute_reliability(profile_ids: list[str]) -> int:
    return services.recompute_absentee_ratings(profile_ids)


@app.periodic(cron="*/15 * * * *")
@app.task(queue="default", queueing_lock="attendance_sweep")
def settle_attendance(timestamp: int) -> int:
    """Dispute windows that closed since the people's ratings were last computed."""
    return services.settle_closed_windows()


@app.periodic(cron="*/15 * * * *")
@app.task(queue="default", queueing_lock="reminders")
def send_reminders(timestamp: int) -> dict[str, int]:
    """Invitations ending tomorrow, offers in their last hours, the day before an event, and
    rating once it is over: each told once (events/services/reminders.py)."""
    return services.send_reminders()
