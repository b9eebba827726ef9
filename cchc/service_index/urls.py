from django.urls import path

from cchc.service_index import views

app_name = "service_index"
urlpatterns = [
    path("<str:unit_list>/<str:code>/<period:period>/", views.unit_index, name="unit"),
    path("<str:unit_list>/<str:code>/<period:period>/xep-hang/", views.ranking, name="ranking"),
    path("<str:unit_list>/<str:code>/<period:period>/tai-len/", views.upload, name="upload"),
]
