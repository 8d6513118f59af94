from procrastinate.contrib.django import app

from messaging import digest


@app.periodic(cron="*/10 * * * *")
@app.task(queue="default", queueing_lock="unread_messages_digest")
def send_unread_digests(timestamp: int) -> int:
    """The throttled digest of unread private messages (messaging/digest.py)."""
    return digest.send_unread_digests()
