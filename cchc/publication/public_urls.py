"""The public results page (no login): /cong-khai/…"""

from django.urls import path

from cchc.publication import public_views as views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("<code:unit_list>/<code:code>/", views.province, name="province"),
    path("<code:unit_list>/<code:code>/chi-so-cchc/<int:year>/", views.par, name="par"),
    path("<code:unit_list>/<code:code>/chi-so-cchc/<int:year>/csv/", views.par_csv,
         name="par_csv"),
    path("<code:unit_list>/<code:code>/<period:period>/", views.ranking, name="ranking"),
    path("<code:unit_list>/<code:code>/<period:period>/csv/", views.ranking_csv,
         name="ranking_csv"),
]
