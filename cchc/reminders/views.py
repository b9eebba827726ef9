"""The signed-in user's own reminders."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cchc.reminders.selectors import reminders_of

PER_PAGE = 50


def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(reminders_of(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reminders/mine.html", {"page": page})
