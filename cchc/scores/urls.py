from django.urls import path

from cchc.scores import views

app_name = "scores"
urlpatterns = [
    path("<str:unit_list>/<str:code>/<int:year>/", views.ranking, name="ranking"),
    path("<str:unit_list>/<str:code>/<int:year>/csv/", views.ranking_csv, name="ranking_csv"),
    path("<str:unit_list>/<str:code>/<int:year>/excel/", views.ranking_xlsx,
         name="ranking_xlsx"),
    path("<str:unit_list>/<str:code>/<int:year>/ket-qua/", views.result, name="result"),
    path("<str:unit_list>/<str:code>/<int:year>/cong-bo/", views.publish, name="publish"),
    path("<str:unit_list>/<str:code>/<int:year>/dieu-tra/", views.survey_upload,
         name="survey_upload"),
    path("<str:unit_list>/<str:code>/<int:year>/tu-danh-gia/", views.self_assessment,
         name="self_assessment"),
    path("<str:unit_list>/<str:code>/<int:year>/tham-dinh/", views.appraisal,
         name="appraisal"),
    path("tai-lieu-kiem-chung/<int:pk>/", views.evidence_download, name="evidence"),
]
