from django.urls import path

from cchc.satisfaction import views

app_name = "satisfaction"
urlpatterns = [
    path("<code:unit_list>/<code:code>/<int:year>/", views.results, name="results"),
    path("<code:unit_list>/<code:code>/<int:year>/tai-len/", views.upload, name="upload"),
]
