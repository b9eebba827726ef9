"""The app's own middleware.

* ``ChosenLanguageMiddleware``: Vietnamese unless the user chose English. Django's
  LocaleMiddleware would follow the browser's Accept-Language, and most browsers in government
  offices are set to English; the app is meant to speak Vietnamese by default.
* ``SessionIdleTimeoutMiddleware``: a session ends after ``SESSION_COOKIE_AGE`` without a
  request.
"""

import time

from django.conf import settings
from django.utils import translation


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
