"""Serving settings that the benchmark depends on: compiled templates kept in memory and
static files with hashed names cached for a year. (`make bench` checks deploy/nginx with
`nginx -t` before it starts nginx.)"""

from django.conf import settings
from django.template import engines
from django.templatetags.static import static


def test_templates_are_compiled_once_and_kept(db):
    engine = engines["django"].engine

    assert not settings.DEBUG
    loaders = [type(loader).__module__ for loader in engine.template_loaders]
    assert loaders == ["django.template.loaders.cached"]


def test_hashed_static_files_are_cached_for_a_year_and_immutable(client):
    url = static("css/site.css")
    assert url != "/static/css/site.css", "static files are not hashed: run make static"

    response = client.get(url)

    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
