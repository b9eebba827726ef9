"""The provincial office's pages for what its province makes public (login required)."""

from django.urls import path

from cchc.publication import views

app_name = "publication"
urlpatterns = [
    path("<str:unit_list>/<str:code>/", views.settings_page, name="settings"),
    path("<str:unit_list>/<str:code>/<period:period>/", views.publish, name="publish"),
    path("<str:unit_list>/<str:code>/<period:period>/thu-hoi/", views.withdraw,
         name="withdraw"),
]
