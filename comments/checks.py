"""System checks of the comment scorer's settings, run by every `manage.py check` (and so by
`check --deploy`). The scorer's kind and what happens when it is down are refused in
settings.py at start-up; what is checked here is whether an http scorer can be reached and
signed for, which would otherwise show only as a warning in the log on every comment posted."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register


@register()
def comment_scorer_settings(app_configs, **kwargs):
    errors = []
    if settings.COMMENT_SCORER == "http":
        parts = urlsplit(settings.COMMENT_SCORER_URL)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            errors.append(
                Error(
                    "COMMENT_SCORER is http, so COMMENT_SCORER_URL must be the scoring service's "
                    f"http:// or https:// address, not {settings.COMMENT_SCORER_URL!r}.",
                    id="comments.E001",
                )
            )
        if not settings.COMMENT_SCORER_SECRET:
            errors.append(
                Error(
                    "COMMENT_SCORER is http, so COMMENT_SCORER_SECRET must be set: requests to the "
                    "scoring service are signed with it.",
                    hint="Generate one: python -c 'import secrets; print(secrets.token_urlsafe(32))'",
                    id="comments.E002",
                )
            )
    if settings.COMMENT_SCORER_TIMEOUT_MS <= 0:
        errors.append(
            Error(
                "COMMENT_SCORER_TIMEOUT_MS must be more than 0 (milliseconds), "
                f"not {settings.COMMENT_SCORER_TIMEOUT_MS}.",
                id="comments.E003",
            )
        )
    return errors
