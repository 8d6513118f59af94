"""Rate limits for the app's own actions (likes, follows, reports, ...): a fixed window per
person and action, counted in the cache (a PostgreSQL table shared by every app server).

allauth limits its own actions (log-in, sign-up, password reset) with ACCOUNT_RATE_LIMITS; both
answer with the same 429 page.
"""

from __future__ import annotations

import functools
import time

from django.core.cache import cache
from django.shortcuts import render

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse(rate: str) -> tuple[int, int]:
    """ "30/h" → (30, 3600)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period]


def hit(action: str, who: str, rate: str) -> bool:
    """Count one attempt; True while it is within the limit."""
    limit, period = parse(rate)
    window = int(time.time() // period)
    key = f"ratelimit:{action}:{who}:{window}"
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        count = 1
    return count <= limit


def too_many_requests(request):
    return render(request, "429.html", status=429)


def limit(action: str, rate: str):
    """Decorate a POST view: past `rate` for the signed-in person, answer 429."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and not hit(action, str(request.user.pk), rate):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
