from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from events.models import Invitation


@require_GET
def home(request):
    offers = []
    if request.user.is_authenticated:
        offers = Invitation.objects.filter(
            profile__user=request.user, status=Invitation.Status.OFFERED
        ).select_related("event")
    return render(request, "home.html", {"offers": offers})


@never_cache
@require_GET
def health(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
