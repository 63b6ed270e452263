"""One view that returns the bytes in BENCH_CEILING_BODY (a file the bench writes: the cached
article page's HTML), doing no other work."""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

BODY = Path(os.environ["BENCH_CEILING_BODY"]).read_bytes()


def same_bytes(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("", same_bytes)]
