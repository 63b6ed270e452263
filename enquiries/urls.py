from django.urls import path

from enquiries import views

app_name = "enquiries"

urlpatterns = [
    path("email/<id:article_id>/", views.email_article, name="email-article"),
    path("email/<id:article_id>/sent/", views.email_article_sent, name="email-article-sent"),
    path("article/<id:article_id>/", views.article_enquiry, name="article-enquiry"),
    path("article/<id:article_id>/sent/", views.article_enquiry_sent, name="article-enquiry-sent"),
    path("error/<id:article_id>/", views.report_error, name="report-error"),
    path("error/<id:article_id>/sent/", views.report_error_sent, name="report-error-sent"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribe_sent, name="subscribe-sent"),
    path("advertise/", views.advertise, name="advertise"),
    path("advertise/sent/", views.advertise_sent, name="advertise-sent"),
]
