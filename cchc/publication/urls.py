"""The provincial office's pages for what its province makes public (login required)."""

from django.urls import path

from cchc.publication import views

app_name = "publication"
urlpatterns = [
    path("<code:unit_list>/<code:code>/", views.settings_page, name="settings"),
    path("<code:unit_list>/<code:code>/<period:period>/", views.publish, name="publish"),
    path("<code:unit_list>/<code:code>/<period:period>/thu-hoi/", views.withdraw,
         name="withdraw"),
]
