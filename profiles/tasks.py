import datetime

from procrastinate.contrib.django import app

from profiles import services

# People who skipped onboarding get one gentle email this long after signing up.
REMIND_AFTER = datetime.timedelta(days=2)


@app.periodic(cron="0 10 * * *")
@app.task(queue="default", queueing_lock="remind_unfinished_onboarding")
def remind_unfinished_onboarding(timestamp: int) -> int:
    return services.remind_unfinished_onboarding(older_than=REMIND_AFTER)
