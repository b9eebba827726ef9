from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from cchc.periods.codes import PeriodCodeConverter
from reports import views as report_views


class CodeConverter:
    """``<code:…>``: a path segment naming a unit list, a unit or a period (``2008``, ``31564``,
    ``2023-Q4``). Unlike ``str`` it refuses control characters: a NUL (``%00``) in a URL is a
    404, never a query the database refuses."""

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(PeriodCodeConverter, "period")
register_converter(CodeConverter, "code")

handler400 = "cchc.views.bad_request"
handler500 = "cchc.views.server_error"

urlpatterns = [
    path("", report_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("don-vi/", include("cchc.units.urls")),
    path("bao-cao/", include("cchc.dossiers.urls")),
    path("chi-so-cchc/", include("cchc.scores.urls")),
    path("chi-so-766/", include("cchc.service_index.urls")),
    path("sipas/", include("cchc.satisfaction.urls")),
    path("cong-bo/", include("cchc.publication.urls")),
    # The public results page: no login (every view there is login_not_required).
    path("cong-khai/", include("cchc.publication.public_urls")),
    path("chat-luong/", include("cchc.quality.urls")),
    path("nhac-han/", include("cchc.reminders.urls")),
    path("cong-viec/", include("cchc.jobs.urls")),
    path("", include("reports.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cchc.api.urls")),
]
