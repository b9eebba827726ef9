from django.urls import path

from cchc.service_index import views

app_name = "service_index"
urlpatterns = [
    path("<code:unit_list>/<code:code>/<period:period>/", views.unit_index, name="unit"),
    path("<code:unit_list>/<code:code>/<period:period>/xep-hang/", views.ranking, name="ranking"),
    path("<code:unit_list>/<code:code>/<period:period>/tai-len/", views.upload, name="upload"),
]
