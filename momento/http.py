"""Small helpers every app's views share."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, fallback) -> HttpResponseRedirect:
    """To the page named by a `next` field or parameter when it is on this site, else `fallback`
    (a URL, a URL name or a model with get_absolute_url)."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def safe_path(link: str) -> str:
    """`link` when it is a path on this site, else "" (never a redirect to another host)."""
    return link if link.startswith("/") and not link.startswith("//") else ""
