"""Error pages that never show a stack trace, and a 503 while the database is unreachable."""

import sys

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def bad_request(request, exception=None) -> HttpResponse:
    """``handler400``: a request the app cannot answer (a period code that names no period, a
    broken form field). The message is shown when the app raised ``BadRequest`` itself, saying
    what to correct; Django's own reasons (a bad Host header…) stay unsaid."""
    message = str(exception) if type(exception) is BadRequest else ""
    return HttpResponseBadRequest(loader.get_template("400.html").render({"message": message}))


def server_error(request) -> HttpResponse:
    """``handler500``: the friendly page, or "temporarily unavailable" (503, retry in 30 s) when
    the failure was the database being down or restarting. Rendered without the request's
    context processors, which would query the database again."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def locked_out(request, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login: what happened and when to try again (429)."""
    return render(request, "registration/locked_out.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=429)


def csrf_failure(request, reason="") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form was refused because its security token was missing or old
    (the page was opened before a new login, from another tab, or long ago). Says what happened
    and what to do, in Vietnamese, instead of Django's English page. Figures typed in the entry
    form are kept in the browser (static/js/report.js) and offered again on reloading it."""
    return HttpResponse(loader.get_template("403_csrf.html").render({
        "back": request.META.get("HTTP_REFERER", "") if
        str(request.META.get("HTTP_REFERER", "")).startswith(request.build_absolute_uri("/"))
        else ""}, request), status=403)
