"""After the event: the host's attendance report, an attendee's page (reporting on the others,
disputing a no-show). The rules are in events/services/attendance.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from events import access, services
from events.forms import DisputeForm, HostAttendanceForm, OthersAttendanceForm
from events.models import CAME, Attendance, Invitation
from events.services import EventError


def _with_deadlines(rows: list) -> list:
    """Each row's report in words and dispute deadline (the template does no arithmetic)."""
    for row in rows:
        no_show = row.reported == Attendance.Status.NO_SHOW and row.reported_at
        row.dispute_until = row.reported_at + Attendance.DISPUTE_FOR if no_show else None
        row.reported_label = Attendance.Status(row.reported).label if row.reported else ""
        row.mine_label = Attendance.Status(row.mine).label.lower() if row.mine else ""
    return rows


def _posted(request):
    """The POST data, even empty (an empty form sent is still sent), or None on GET."""
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
def report(request, event_id):
    """The host reports every confirmed guest at once, on one form."""
    event = access.event_for_host(request.user, event_id)
    rows = _with_deadlines(list(event.invitations.for_attendance()))
    form = HostAttendanceForm(_posted(request), rows=rows)
    if form.is_valid():
        try:
            services.report_attendance(event, by=event.host, statuses=form.statuses())
        except EventError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Attendance is saved. Guests you reported absent are told.")
            return redirect(request.path)
    late = event.invitations.filter(status=Invitation.Status.CANCELLED, cancelled_late=True)
    context = {
        "event": event,
        "form": form,
        "state": services.reporting(event),
        "closes": services.report_window(event)[1],
        "late_cancellations": list(late.for_guest_list()),
    }
    return render(request, "events/attendance_report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def mine(request, event_id):
    """A guest's own page for an event they had a seat at: their record, a dispute of a
    no-show, and, for an attendee, a word on the others."""
    seat = access.seat_for_attendee(request.user, event_id)
    event, me = seat.event, seat.profile
    rows = _with_deadlines(list(event.invitations.for_attendance(viewer=me)))
    own = next(row for row in rows if row.profile_id == me.pk)
    others = [row for row in rows if row.profile_id != me.pk and row.reported]
    form = OthersAttendanceForm(_posted(request), rows=others)
    if form.is_valid():
        try:
            services.report_others(event, by=me, statuses=form.statuses())
        except EventError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Thank you: your word is saved.")
            return redirect(request.path)
    context = {
        "event": event,
        "own": own,
        "others": others,
        "form": form,
        "attended": own.reported in CAME,
        "state": services.reporting(event),
        "dispute": DisputeForm(initial={"status": Attendance.Status.ATTENDED}),
        "now": timezone.now(),
    }
    return render(request, "events/attendance_mine.html", context)


@login_required
@require_POST
def dispute(request, event_id):
    seat = access.seat_for_attendee(request.user, event_id)
    form = DisputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["status"][0])
        return redirect("events:my-attendance", event_id=seat.event_id)
    try:
        services.dispute_no_show(seat.event, by=seat.profile, status=form.cleaned_data["status"])
    except EventError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Sent: staff will decide, and you will see it here.")
    return redirect("events:my-attendance", event_id=seat.event_id)
