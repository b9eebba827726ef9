from django.urls import path

from cchc.satisfaction import views

app_name = "satisfaction"
urlpatterns = [
    path("<str:unit_list>/<str:code>/<int:year>/", views.results, name="results"),
    path("<str:unit_list>/<str:code>/<int:year>/tai-len/", views.upload, name="upload"),
]
