from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("xep-hang/toan-quoc/", views.national_home, name="national_home"),
    # Before the unit patterns: "toan-quoc" (the whole country) is not a unit code.
    path("xep-hang/<code:unit_list>/toan-quoc/<period:period>/", views.national_ranking,
         name="national_ranking"),
    path("xep-hang/<code:unit_list>/toan-quoc/<period:period>/csv/", views.national_csv,
         name="national_csv"),
    path("tong-hop/<code:unit_list>/<code:code>/<period:period>/", views.dashboard,
         name="dashboard"),
    path("xep-hang/<code:unit_list>/<code:code>/<period:period>/", views.ranking, name="ranking"),
    path("xep-hang/<code:unit_list>/<code:code>/<period:period>/excel/", views.summary_xlsx,
         name="summary_xlsx"),
    path("xep-hang/<code:unit_list>/<code:code>/<period:period>/csv/", views.summary_csv,
         name="summary_csv"),
]
