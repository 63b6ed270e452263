"""The minimal Django ceiling of `make bench`: a project of its own with only SecurityMiddleware
and CommonMiddleware and one view returning the measured page's bytes (bench/ceiling_urls.py),
served by the same gunicorn configuration as the site. No apps, database or cache: what Django
itself costs a request on this machine, the yardstick the cached pages are held to."""

import os

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")
ROOT_URLCONF = "bench.ceiling_urls"
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES = {}
USE_TZ = True
