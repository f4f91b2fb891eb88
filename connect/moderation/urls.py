from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("report/sent/", views.report_sent, name="report_sent"),
    path("blocks/", views.block_list, name="blocks"),
    path("blocks/add/", views.block, name="block"),
    path("blocks/<int:user_id>/unblock/", views.unblock, name="unblock"),
    path("blocks/<int:user_id>/shared/", views.block_shared, name="block_shared"),
    path("queue/", views.queue_list, name="queue"),
    path("queue/<str:target_type>/<int:target_id>/", views.queue_item, name="queue_item"),
    path("circles/<int:circle_id>/", views.circle_safety, name="circle"),
    path("alerts/<int:alert_id>/", views.alert, name="alert"),
    path("audit/", views.audit_log, name="audit"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("actions/<int:action_id>/appeal/", views.appeal, name="appeal"),
    path("appeal/<str:token>/", views.appeal_by_link, name="appeal_by_link"),
    path("appeals/<int:appeal_id>/", views.appeal_review, name="appeal_review"),
    path("warnings/<int:warning_id>/", views.warning, name="warning"),
    path("export/", views.export_page, name="export"),
    path("export/download/", views.export_download, name="export_download"),
    path("delete-account/", views.delete_account_view, name="delete_account"),
]
