"""A NUL character in a query or a posted form is refused before any view reads it.

PostgreSQL cannot store or compare text holding a NUL (``\\x00``): a ``?q=%00`` that reached a
filter was a server error. Django's form fields already refuse it; this covers every value a
view reads straight from ``request.GET`` or ``request.POST``, today's and tomorrow's. A NUL in
the path is a 404 already (the ``code`` URL converter refuses it). Two are left to themselves:
the API, which checks each parameter and answers a NUL with its own JSON 400 naming it, and the
login page, whose form says it as a form error (tests/test_login_security.py).
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
        if _holds_nul(request.GET) or (posted and _holds_nul(request.POST)):
            message = _("Địa chỉ hoặc dữ liệu gửi lên có ký tự NUL (mã 0), không dùng được. Hãy "
                        "xoá ký tự đó (thường do dán từ một chương trình khác) rồi thử lại.")
            return HttpResponseBadRequest(
                loader.get_template("400.html").render({"message": message}))
        return self.get_response(request)
