from django.urls import path

from cchc.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("<code:pk>/", views.job_detail, name="detail"),
    path("<code:pk>/tien-do/", views.job_progress, name="progress"),
    path("<code:pk>/tep/", views.job_output, name="output"),
]
