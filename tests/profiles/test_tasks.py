import datetime

import pytest
import time_machine
from django.utils import timezone
from procrastinate.contrib.django import app as task_app

from profiles import tasks
from profiles.factories import SocialProfileFactory

pytestmark = pytest.mark.django_db


def test_the_onboarding_reminder_is_scheduled_daily():
    schedules = {
        periodic.task.name: periodic.cron
        for periodic in task_app.periodic_registry.periodic_tasks.values()
    }
    assert schedules[tasks.remind_unfinished_onboarding.name] == "0 10 * * *"


@pytest.mark.django_db(transaction=True)  # the worker runs in a thread of its own
def test_the_worker_reminds_people_who_skipped_onboarding_once(task_queue):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
        skipped = SocialProfileFactory()
        finished = SocialProfileFactory()
        finished.onboarded_at = timezone.now()
        finished.save(update_fields=["onboarded_at"])
    SocialProfileFactory()  # signed up just now: too early to remind

    tasks.remind_unfinished_onboarding.defer(timestamp=0)
    task_queue.run()
    tasks.remind_unfinished_onboarding.defer(timestamp=1)  # the next day
    [reminder] = task_queue.outbox()

    assert reminder.to == [skipped.user.email]
    assert "/welcome/about/" in reminder.body
