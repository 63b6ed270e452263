"""Production settings must pass Django's deployment checklist with nothing to report."""

import os
import subprocess
import sys

from django.conf import settings


def production_environment(**overrides):
    # Only what a production process would be given: no DEBUG, none of the test relaxations.
    keep = {"PATH", "HOME", "LANG", "DATABASE_URL", "VAR_DIR"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    env.update(
        SECRET_KEY="kq2-Pz8vN1xY7rT4mW0sL5aJ3hC6dF9gB2eK8uQ1iO4pZ7yX0vR5tN3mS6wL9jH2",
        ALLOWED_HOSTS="news.example.org",
        **overrides,
    )
    return env


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_environment()
    del env["SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_malformed_boolean_setting_is_reported_by_name():
    result = run_manage("check", env=production_environment(DEBUG="perhaps"))
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'perhaps'" in result.stderr


def test_a_share_limit_set_under_its_old_name_stops_the_site_with_its_new_name():
    result = run_manage("check", env=production_environment(SHARE_PER_IP_PER_HOUR="50"))
    assert result.returncode != 0
    assert "SHARE_PER_IP_PER_HOUR is now SHARE_RECIPIENTS_PER_IP_PER_HOUR" in result.stderr


def test_check_deploy_warns_when_the_counters_share_the_page_caches_redis():
    shared = production_environment(CACHE_URL="redis://cache.internal:6379/0")
    apart = production_environment(
        CACHE_URL="redis://cache.internal:6379/0", RATELIMIT_CACHE_URL="redis://counters.internal:6379/0"
    )

    warned = run_manage("check", "--deploy", "--fail-level", "WARNING", env=shared)
    quiet = run_manage("check", "--deploy", "--fail-level", "WARNING", env=apart)

    assert warned.returncode != 0
    assert "newsroom.W001" in warned.stderr + warned.stdout
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
