from django.urls import path

from cchc.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("phe-duyet/", views.bulk_approve, name="bulk_approve"),
    path("kiem-tra-canh-bao/", views.bulk_flag_check, name="bulk_flag_check"),
    path("tai-len/", views.upload, name="upload"),
    path("tai-len/xac-nhan/", views.upload_confirm, name="upload_confirm"),
    path("giu-phien/", views.keep_alive, name="keep_alive"),
    path("<code:unit_list>/<code:code>/<period:period>/", views.report, name="report"),
    path("<code:unit_list>/<code:code>/<period:period>/duyet/", views.review, name="review"),
    path("<code:unit_list>/<code:code>/<period:period>/mo-lai/", views.reopen, name="reopen"),
    path("<code:unit_list>/<code:code>/<period:period>/de-nghi-mo-lai/", views.reopen_request,
         name="reopen_request"),
    path("<code:unit_list>/<code:code>/<period:period>/kiem-tra-canh-bao/", views.flag_check,
         name="flag_check"),
    path("<code:unit_list>/<code:code>/<period:period>/bat-thuong/", views.outlier_check,
         name="outlier_check"),
    path("<code:unit_list>/<code:code>/<period:period>/lich-su/", views.history, name="history"),
    path("<code:unit_list>/<code:code>/<period:period>/mau-excel/", views.template,
         name="template"),
    path("<code:unit_list>/<code:code>/tinh-hinh-nop/", views.completeness, name="completeness"),
    path("<code:unit_list>/<code:code>/tinh-hinh-nop/<period:period>/", views.completeness,
         name="completeness"),
]
