"""The event status machine's clock, in the task worker: every few minutes, lapsed invitations,
offers and seat holds expire (freed seats go to the waitlist), events without their quorum at
the decision deadline are cancelled, confirmed events that have ended are completed, and the
ratings of events whose rating window has closed are published (their host told)."""

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
