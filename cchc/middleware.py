"""The app's own middleware.

* ``CleanHeadersMiddleware``: request headers without NUL and other control characters, before
  anything (the login lockout first of all) reads or stores them.
* ``ChosenLanguageMiddleware``: Vietnamese unless the user chose English. Django's
  LocaleMiddleware would follow the browser's Accept-Language, and most browsers in government
  offices are set to English; the app is meant to speak Vietnamese by default.
* ``SessionIdleTimeoutMiddleware``: a session ends after ``SESSION_COOKIE_AGE`` without a
  request.
* ``PrivateResponsesMiddleware``: nothing a signed-in user sees, and no API answer, is kept in a
  browser's or a proxy's cache (``Cache-Control: private, no-store``).
"""

import re
import time

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control

#: ASCII control characters except the tab, which RFC 9110 allows inside a field value. Bytes
#: 0x80-0xFF stay: WSGI hands headers over as Latin-1, so they are parts of UTF-8 text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class CleanHeadersMiddleware:
    """Removes NUL and the other control characters from every request header (``HTTP_*``).

    No browser sends them; a client that does would otherwise reach django-axes, which stores
    the ``User-Agent`` of each failed login: PostgreSQL refuses a NUL in text, so the attempt
    was neither counted nor locked, and the login answered 500. First in ``MIDDLEWARE``, so
    every later reader sees the cleaned value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        for key, value in meta.items():
            if key.startswith("HTTP_") and isinstance(value, str) and \
                    CONTROL_CHARACTERS.search(value):
                meta[key] = CONTROL_CHARACTERS.sub("", value)
        return self.get_response(request)


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Scoped to this request, so nothing leaks into the next one on the same thread.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class SessionIdleTimeoutMiddleware:
    """Each request of a signed-in user renews the session's expiry, so it ends
    ``SESSION_COOKIE_AGE`` after the last request, not after the login. Renewed at most every
    ``SESSION_RENEW_EVERY_SECONDS``: saving the session on every request would cost every page a
    database write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("_renewed", 0) >= settings.SESSION_RENEW_EVERY_SECONDS:
                request.session["_renewed"] = now  # saved with a new expiry by SessionMiddleware
        return self.get_response(request)


def renewed_at_login(sender, request, user, **kwargs):
    """``user_logged_in`` receiver (connected in ``cchc.accounts.apps``): the login itself saves
    the session with a fresh expiry, so the next request need not renew it."""
    if request is not None and hasattr(request, "session"):
        request.session["_renewed"] = int(time.time())


class PrivateResponsesMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in user — pages, Excel
    and CSV downloads, evidence files, redirects — and on every answer of the JSON API (``api``
    namespace), with or without a token: figures must not stay in the cache of an office PC
    that several people share, nor in a proxy's.

    Left cacheable: what anonymous visitors get from the public results page (``/cong-khai/``,
    its CSV too) and the static files (served by whitenoise before this middleware, or by
    ``runserver`` in development). The login page keeps Django's own ``never_cache`` (it holds
    a CSRF token). Deciding on the user makes these answers depend on the session cookie, so
    Django adds ``Vary: Cookie``: a shared cache keeps an anonymous copy apart.

    After ``AuthenticationMiddleware``; the API's token user is seen too, because Django REST
    framework sets ``request.user`` when it authenticates."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        in_api = match is not None and "api" in match.namespaces
        user = getattr(request, "user", None)
        if in_api or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response
