"""Through real nginx: a request with a tracking parameter goes past nginx's cache, whose key
is the whole URI, and is answered from the app's cache, where every campaign value is one page;
a parameter that only looks like one is cached by nginx as before."""

import pytest

from tests.factories import ArticleFactory
from tests.scale_out.processes import app_environment, gunicorn, http_get, nginx_in_front_of

# (query, whether only tracking is left: then the app's copy of the plain page answers)
TRACKING = [
    ("utm_source=probe1", True),
    ("utm_source=probe2&utm_medium=email", True),
    ("UTM_CAMPAIGN=shouting", True),
    ("utm_term", True),
    ("ref=home&fbclid=IwAR0", False),
    ("gclid=EAI&x=1", False),
]
NOT_TRACKING = ["q=utm_source", "notutm_source=1", "reference=utm_"]


@pytest.mark.django_db(transaction=True)
def test_tracking_parameters_pass_nginx_and_are_answered_from_the_apps_one_copy(shared_cache, key_prefix):
    url = ArticleFactory(headline="Swimming pool reopens").get_absolute_url()
    env = app_environment(cache_url=shared_cache, key_prefix=key_prefix, PAGE_CACHE_ENABLED="true")

    with gunicorn(env, name="app-behind-nginx") as app, nginx_in_front_of(app.port) as nginx:
        http_get(nginx.port, url)
        tracked = [(http_get(nginx.port, f"{url}?{query}"), plain_copy) for query, plain_copy in TRACKING]
        lookalikes = {
            query: [http_get(nginx.port, f"{url}?{query}") for _ in range(2)] for query in NOT_TRACKING
        }
        _, plain, _ = http_get(nginx.port, url)

    assert plain["x-proxy-cache"] == "HIT"
    for (status, headers, body), plain_copy in tracked:
        assert status == 200
        assert headers["x-proxy-cache"] == "BYPASS"
        assert headers["x-page-cache"] == ("hit" if plain_copy else "miss")
        assert "probe" not in body
    for query, (first, second) in lookalikes.items():
        assert (first[1]["x-proxy-cache"], second[1]["x-proxy-cache"]) == ("MISS", "HIT"), query
