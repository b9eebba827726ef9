"""A NUL character in a posted form is refused before any view reads it.

PostgreSQL cannot store or compare text holding a NUL (``\\x00``): a reason or a note read
straight from ``request.POST`` and saved was a server error. Django's form fields refuse it
themselves; this covers every value a view reads raw, today's and tomorrow's. A NUL in the path
is a 404 (the ``code`` URL converter refuses it); in a query the views answer it (search boxes
drop it, choices ignore what they do not know), which tests/test_hostile_urls.py checks on every
URL, so a form keeps its own error message there. The login page is left to its form too (a
form error, tests/test_login_security.py), and the API to itself (its JSON 400 names the field).
"""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

#: Only these bodies are read here (as Django's CSRF check reads them anyway); the API's JSON
#: goes through DRF's fields, which refuse a NUL themselves.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _holds_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values)
               for key, values in data.lists())


class NulInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(reverse("api:root")) \
                or request.path_info == reverse("login"):
            return self.get_response(request)
        posted = request.method == "POST" and request.content_type in FORM_TYPES
        if posted and _holds_nul(request.POST):
            message = _("Dữ liệu gửi lên có ký tự NUL (mã 0), không dùng được. Hãy "
                        "xoá ký tự đó (thường do dán từ một chương trình khác) rồi thử lại.")
            return HttpResponseBadRequest(
                loader.get_template("400.html").render({"message": message}))
        return self.get_response(request)
