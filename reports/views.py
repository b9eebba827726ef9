from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cchc.accounts.models import Profile


def home(request: HttpRequest) -> HttpResponse:
    profile = Profile.objects.select_related("unit", "unit__parent").filter(
        user=request.user
    ).first()
    return render(request, "reports/home.html", {"profile": profile})
