from django.urls import path

from cchc.quality import views

app_name = "quality"
urlpatterns = [
    path("<code:unit_list>/<code:code>/", views.data_quality, name="data_quality"),
    path("<code:unit_list>/<code:code>/<period:period>/", views.data_quality,
         name="data_quality"),
]
