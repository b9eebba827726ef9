from django.urls import path

from cchc.units import views

app_name = "units"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("<code:unit_list>/<code:code>/", views.detail, name="detail"),
    path("<code:unit_list>/<code:code>/bao-cao/", views.reports, name="reports"),
]
