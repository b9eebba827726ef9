from django.urls import path

from cchc.units import views

app_name = "units"
urlpatterns = [
    path("", views.browser, name="browser"),
    path("<str:unit_list>/<str:code>/", views.detail, name="detail"),
]
