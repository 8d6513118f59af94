"""The console's people pages: the moderation queue and its actions, and lists whose query
count does not grow with their rows."""

import pytest
from django.urls import reverse

from events.factories import AttendanceFactory, RatingFactory
from profiles.factories import FollowFactory, ReportFactory, SocialProfileFactory
from profiles.models import Report
from tests.queries import assert_same_queries_for_few_and_many

pytestmark = pytest.mark.django_db


def test_staff_resolve_reports_from_the_moderation_queue(client, staff):
    open_report, other = ReportFactory(), ReportFactory()
    dismissed = ReportFactory(status=Report.Status.DISMISSED)
    client.force_login(staff)
    url = reverse("admin:profiles_report_changelist")

    queue = client.get(url, {"status__exact": "open"})
    assert list(queue.context["cl"].result_list) == [open_report, other]

    response = client.post(
        url,
        {"action": "mark_actioned", "_selected_action": [open_report.pk, dismissed.pk]},
        follow=True,
    )
    assert "1 report(s) resolved." in response.content.decode()
    open_report.refresh_from_db()
    dismissed.refresh_from_db()
    assert (open_report.status, open_report.resolved_by) == (Report.Status.ACTIONED, staff)
    assert dismissed.status == Report.Status.DISMISSED  # already resolved: left alone


def test_reports_cannot_be_made_up_in_the_console(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:profiles_report_add")).status_code == 403


MAKERS = {
    "admin:profiles_report_changelist": ReportFactory,
    "admin:profiles_follow_changelist": FollowFactory,
    "admin:profiles_socialprofile_changelist": SocialProfileFactory,
    "admin:events_attendance_changelist": AttendanceFactory,
    "admin:events_rating_changelist": RatingFactory,
}


@pytest.mark.parametrize("url_name", MAKERS)
def test_console_lists_run_the_same_number_of_queries_for_2_and_20_rows(
    client, staff, url_name, django_assert_num_queries
):
    client.force_login(staff)
    assert_same_queries_for_few_and_many(
        client,
        reverse(url_name),
        make=MAKERS[url_name].create_batch,
        assert_num_queries=django_assert_num_queries,
    )
