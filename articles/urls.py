from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("tags/<slug:slug>/", views.tag, name="tag"),
    path("authors/<slug:slug>/", views.author, name="author"),
    path("sources/<slug:slug>/", views.source, name="source"),
    path("<slug:slug>/", views.section, name="section"),
    path("<slug:section>/<int:year>/<str:month>/<str:day>/<slug:slug>/", views.detail, name="detail"),
]
