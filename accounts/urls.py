from django.urls import include, path

from accounts import views

# Our pages are namespaced ("accounts:overview"); allauth's keep the global names its code
# reverses ("account_login", "account_signup", ...), under the same /accounts/ prefix.
own_patterns = [
    path("", views.overview, name="overview"),
    path("my-data/", views.download_data, name="download-data"),
    path("delete/", views.delete, name="delete"),
    path("deleted/", views.deleted, name="deleted"),
    path("bar/", views.bar, name="bar"),
]

urlpatterns = [
    path("", include((own_patterns, "accounts"))),
    path("", include("allauth.urls")),
]
