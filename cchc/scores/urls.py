from django.urls import path

from cchc.scores import views

app_name = "scores"
urlpatterns = [
    path("<code:unit_list>/<code:code>/<int:year>/", views.ranking, name="ranking"),
    path("<code:unit_list>/<code:code>/<int:year>/csv/", views.ranking_csv, name="ranking_csv"),
    path("<code:unit_list>/<code:code>/<int:year>/excel/", views.ranking_xlsx,
         name="ranking_xlsx"),
    path("<code:unit_list>/<code:code>/<int:year>/ket-qua/", views.result, name="result"),
    path("<code:unit_list>/<code:code>/<int:year>/cong-bo/", views.publish, name="publish"),
    path("<code:unit_list>/<code:code>/<int:year>/dieu-tra/", views.survey_upload,
         name="survey_upload"),
    path("<code:unit_list>/<code:code>/<int:year>/tu-danh-gia/", views.self_assessment,
         name="self_assessment"),
    path("<code:unit_list>/<code:code>/<int:year>/tham-dinh/", views.appraisal,
         name="appraisal"),
    path("tai-lieu-kiem-chung/<int:pk>/", views.evidence_download, name="evidence"),
]
