from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from events.dashboard import dashboard_for


@require_GET
def home(request):
    """Visitors: what Momento is. Members: their dashboard, what needs them first."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    return render(request, "home.html", {"board": dashboard_for(request.user)})


@require_GET
def terms(request):
    return render(request, "pages/terms.html")


@require_GET
def privacy(request):
    return render(request, "pages/privacy.html")


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
