from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from accounts import mail, services


@app.task(queue="emails", retry=RetryStrategy(max_attempts=5, exponential_wait=10))
def send_email(message: dict) -> None:
    mail.deliver(message)


# The queue retries at least as often as the service counts attempts: the last failure is
# recorded as failed (for staff to retry), never left waiting.
@app.task(
    queue="emails",
    retry=RetryStrategy(max_attempts=services.EMAIL_ATTEMPTS, exponential_wait=10),
)
def deliver_notification(notification_id: str) -> None:
    services.deliver_notification(notification_id)


@app.periodic(cron="17 4 * * *")
@app.task(queue="default", queueing_lock="prune_notifications")
def prune_notifications(timestamp: int) -> int:
    return services.prune_notifications()
