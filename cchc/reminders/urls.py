from django.urls import path

from cchc.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("gui/<code:unit_list>/<code:code>/<period:period>/", views.remind_unsent,
         name="remind_unsent"),
]
