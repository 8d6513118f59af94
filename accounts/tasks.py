from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from accounts import mail


@app.task(queue="emails", retry=RetryStrategy(max_attempts=5, exponential_wait=10))
def send_email(message: dict) -> None:
    mail.deliver(message)
