from django.urls import path

from cchc.quality import views

app_name = "quality"
urlpatterns = [
    path("<str:unit_list>/<str:code>/", views.data_quality, name="data_quality"),
    path("<str:unit_list>/<str:code>/<period:period>/", views.data_quality,
         name="data_quality"),
]
