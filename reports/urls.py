from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("tong-hop/<str:unit_list>/<str:code>/<period:period>/", views.dashboard,
         name="dashboard"),
    path("xep-hang/<str:unit_list>/<str:code>/<period:period>/", views.ranking, name="ranking"),
    path("xep-hang/<str:unit_list>/<str:code>/<period:period>/excel/", views.summary_xlsx,
         name="summary_xlsx"),
    path("xep-hang/<str:unit_list>/<str:code>/<period:period>/csv/", views.summary_csv,
         name="summary_csv"),
]
