"""``/api/v1/``: every view is exempt from the site's login requirement and authenticates
through DRF itself (token or session)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path

from cchc.api import views

app_name = "api"

UNIT = "units/<code:unit_list>/<code:code>/"


def view(cls):
    return login_not_required(cls.as_view())


urlpatterns = [
    path("", view(views.Root), name="root"),
    path("schema/", view(views.Schema), name="schema"),
    path("units/", view(views.Units), name="units"),
    path(UNIT, view(views.UnitDetail), name="unit"),
    path(UNIT + "figures/<code:period>/", view(views.Figures), name="figures"),
    path(UNIT + "figures/<code:period>/below/", view(views.Below), name="below"),
    path(UNIT + "ranking/<code:period>/", view(views.Ranking), name="ranking"),
    path(UNIT + "par/<int:year>/", view(views.ParResult), name="par_result"),
    path(UNIT + "par/<int:year>/below/", view(views.ParBelow), name="par_ranking"),
    path("periods/", view(views.PeriodList), name="periods"),
    path("periods/<code:period>/", view(views.PeriodDetail), name="period"),
    # Any other address, control characters included ([\s\S]: "." stops at a newline).
    re_path(r"^(?P<rest>[\s\S]*)/$", view(views.NotFoundView)),
]
