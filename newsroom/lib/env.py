"""Typed readers for environment variables.

Each helper raises ImproperlyConfigured on a value it cannot read, so a typo in production
configuration stops the process at start-up instead of silently falling back to a default.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def cache_from_url(
    url, *, key_prefix="", socket_timeout_ms=1000, local_copies_mb=0, counters=False, setting="CACHE_URL"
):
    """Django CACHES entry for a cache URL: redis://, rediss://, unix:// (a Redis socket, as
    unix:///path/redis.sock?db=2) or locmem://.

    Redis gets short socket timeouts: the cache sits on every page's path, and a Redis that
    has stopped answering must cost a page a second at most, not gunicorn's whole timeout.
    Several sites (or test processes) can share one Redis with different key prefixes.
    `counters=True` is for the rate-limit counters, whose Redis backend raises on every failure
    instead of answering "not cached" (newsroom/lib/rediscache.py). `local_copies_mb` is what
    each process may keep in memory of what it read from Redis (newsroom/lib/nearcache.py);
    the counters' backend keeps nothing, whatever it is given.
    """
    if not url or url.startswith("locmem://"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": urlsplit(url).netloc or "newsroom",
            "KEY_PREFIX": key_prefix,
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        seconds = socket_timeout_ms / 1000
        return {
            # Django's RedisCache, reads and writes degrading to "not cached" when Redis is down.
            "BACKEND": "newsroom.lib.rediscache."
            + ("CountingRedisCache" if counters else "ResilientRedisCache"),
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {"socket_connect_timeout": seconds, "socket_timeout": seconds}
            | ({"local_copies_bytes": local_copies_mb * 1024 * 1024} if local_copies_mb else {}),
        }
    raise ImproperlyConfigured(
        f"{setting} must start with redis://, rediss://, unix:// or locmem://, not {url!r}."
    )


def mailer_from_url(url, *, file_path, dkim=None):
    """A MAILERS entry for an email URL.

    smtp://user:password@host:port (smtps:// for implicit TLS, ?tls=1 for STARTTLS),
    file:// (messages written under file_path), console:// or memory:// (tests). `dkim`, a
    dict of dkim_domain, dkim_selector and dkim_private_key, signs what SMTP sends.
    """
    if url.startswith("file://"):
        path = urlsplit(url).path if url and urlsplit(url).path else file_path
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(path)},
        }
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "memory":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme in {"smtp", "smtps"}:
        query = parse_qs(parts.query)
        options = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": query.get("tls", ["0"])[0].lower() in TRUE_WORDS,
            "timeout": 10,
        }
        if dkim:
            return {"BACKEND": "newsroom.lib.dkim_smtp.DKIMEmailBackend", "OPTIONS": options | dkim}
        return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}
    raise ImproperlyConfigured(f"EMAIL_URL must start with smtp://, smtps:// or file://, not {url!r}.")


def media_origins(bucket, endpoint_url, custom_domain, region=""):
    """The origins media is served from when it lives in object storage, for the CSP's img-src.

    Nothing when media is on our own origin; the CDN's domain when one fronts the bucket;
    otherwise the S3-compatible endpoint, or AWS's bucket hosts (with and without a region).
    """
    if not bucket:
        return []
    if custom_domain:
        return [f"https://{custom_domain}"]
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ImproperlyConfigured(
                f"MEDIA_S3_ENDPOINT_URL must be an http:// or https:// address, not {endpoint_url!r}."
            )
        return [f"{parts.scheme}://{parts.netloc}"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins


def s3_media_storage(
    bucket, *, endpoint_url="", region="", access_key="", secret_key="", custom_domain="", prefix=""
):
    """The STORAGES entry for media in S3 or an S3-compatible store (django-storages, with our
    content types: newsroom/lib/s3storage.py)."""
    return {
        "BACKEND": "newsroom.lib.s3storage.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "custom_domain": custom_domain or None,
            "location": prefix,
            # Media is public: plain URLs a CDN can cache, not signed ones that expire.
            "querystring_auth": False,
            # Access is the bucket policy's business (new AWS buckets refuse object ACLs).
            "default_acl": None,
            # An upload never replaces another file and renditions have hashed names, so every
            # object can be cached for good.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
