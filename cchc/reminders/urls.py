from django.urls import path

from cchc.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.mine, name="mine"),
]
