"""A periodic task for the scale-out test only (loaded by tests/scale_out/settings.py)."""

from procrastinate.contrib.django import app


@app.periodic(cron="* * * * * *")  # every second (croniter's sixth field)
@app.task(queue="default")
def tick(timestamp: int) -> int:
    return timestamp
