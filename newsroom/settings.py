"""Newsroom settings: one module, everything that differs between machines read from the
environment. `.env.example` lists every variable with its default; README explains them.

Development defaults are safe to run on a laptop (local cluster, local-memory cache, mail
written to files). Production is the default posture: DEBUG is off unless asked for, and then
SECRET_KEY and ALLOWED_HOSTS must be given.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsroom.lib.env import (
    cache_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    mailer_from_url,
    media_origins,
    s3_media_storage,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "development-only-key-never-used-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The port `make run` and `make serve` listen on (scripts/run.sh). Without SITE_URL, the site's
# own links (canonical, feeds, sitemaps, emails) point at that port: `make run PORT=8100` wrote
# 127.0.0.1:8000 into them when the default was fixed.
PORT = env_int("PORT", 8000)
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    # django.contrib.admin, with a site that can require a second factor (accounts/admin_site.py).
    "accounts.admin_apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sites",
    # The job queue (Procrastinate, in our one PostgreSQL): its tables come as migrations.
    "procrastinate.contrib.django",
    "taggit",
    "simple_history",
    "django_prose_editor",
    "sorl.thumbnail",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "anymail",
    "newsroom",
    "accounts",
    # Before the apps it records: articles and comments call audit.services, never the reverse.
    "audit",
    "authors",
    "articles",
    "syndication",
    # Before comments: the apps built on accounts register their sections of the account page
    # and "download my data" in this order, and a reader's subscriptions come first.
    "subscriptions",
    # Reader comments: xtd before contrib-comments (xtd's templates and signals win), ours last.
    "django_comments_xtd",
    "django_comments",
    "comments",
    "enquiries",
    # The story budget: planned stories, never read by a public page.
    "planning",
    # Demo content and `manage.py seed_demo`: it imports the apps above, none imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Second, so a cached anonymous page costs as little as Django allows: it is answered (or
    # given its 304) before anything else runs, never touches the session, and keeps the CSP
    # header that matches the nonce in its bytes (newsroom/lib/pagecache.py). After
    # SecurityMiddleware, whose HTTPS redirect and headers every answer needs.
    "newsroom.middleware.AnonymousPageCacheMiddleware",
    # Before anything reads the address: a NUL in it is a 400 here, not a database error later.
    "newsroom.middleware.RefuseNullCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside the page cache: the text and data mining header is kept with each cached page.
    "newsroom.middleware.RightsReservationMiddleware",
    # 304s for the pages that are rendered (the page cache answers its own).
    "newsroom.middleware.ConditionalGetMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Counts sign-in attempts per IP and per address before any password is hashed.
    "accounts.throttling.LoginThrottleMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during the view into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL when given, otherwise the project-local cluster that
# scripts/localdb.sh runs on a Unix socket in var/pg/run.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "newsroom",
            "USER": "newsroom",
            "HOST": str(VAR_DIR / "pg" / "run"),
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
# A runaway query is cut off instead of holding a worker: before gunicorn's 30 s timeout
# would kill the worker, so the reader gets a 503 page rather than a dropped connection.
DATABASES["default"]["OPTIONS"]["options"] = (
    f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 20000)}"
)
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_newsroom")}
# A streaming read replica: reads go there, writes to the primary, and a reader who has just
# written reads from the primary for DATABASE_READ_YOUR_WRITES_SECONDS (newsroom/db_routers.py).
# Tests use the primary for it too (TEST MIRROR) unless a test points it at the replica.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
DATABASE_READ_YOUR_WRITES_SECONDS = env_int("DATABASE_READ_YOUR_WRITES_SECONDS", 5)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL)
    for _key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        DATABASES["replica"][_key] = DATABASES["default"][_key]
    DATABASES["replica"]["OPTIONS"] = {
        **DATABASES["replica"].get("OPTIONS", {}),
        **DATABASES["default"]["OPTIONS"],
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    # The router reads this on every query: the test suite turns it off (tests/conftest.py)
    # so that only the tests about the replica read from it.
    DATABASE_REPLICA_READS = True
    DATABASE_ROUTERS = ["newsroom.db_routers.PrimaryReplicaRouter"]
    # Outside the page cache, so the cookie it sets is never part of a stored page.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("newsroom.middleware.AnonymousPageCacheMiddleware"),
        "newsroom.db_routers.ReadYourWritesMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Connection pooling for a single server (psycopg's pool), or the settings PgBouncer in
# transaction mode needs when many servers share one database. Applied to every database
# alias, the read replica's too. Django's pool cannot be combined with persistent connections,
# hence CONN_MAX_AGE 0: a request borrows a pooled connection and gives it back at its end.
DB_POOL_MIN = env_int("DB_POOL_MIN", 0)
DB_POOL_MAX = env_int("DB_POOL_MAX", 0)
DB_POOL = env_bool("DB_POOL", bool(DB_POOL_MIN or DB_POOL_MAX))
DB_PGBOUNCER = env_bool("DB_PGBOUNCER", False)
if DB_POOL and DB_PGBOUNCER:
    raise ImproperlyConfigured(
        "DB_POOL and DB_PGBOUNCER are alternatives: with PgBouncer pooling connections, "
        "turn DB_POOL off (and leave DB_POOL_MIN and DB_POOL_MAX unset)."
    )
for _database in DATABASES.values():
    if DB_POOL:
        _database["CONN_MAX_AGE"] = 0
        _database["OPTIONS"]["pool"] = {
            "min_size": DB_POOL_MIN or 2,
            "max_size": DB_POOL_MAX or max(DB_POOL_MIN, 10),
            # A request waits this long for a free connection, then fails instead of hanging.
            "timeout": env_int("DB_POOL_TIMEOUT_SECONDS", 10),
        }
    if DB_PGBOUNCER:
        # In transaction mode consecutive statements may reach different server connections:
        # a server-side cursor or a prepared statement made on one is missing on the next.
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
        _database["OPTIONS"]["prepare_threshold"] = None
        # PgBouncer refuses the "options" startup parameter; set the statement timeout on the
        # role instead (ALTER ROLE ... SET statement_timeout, see the deployment guide).
        _database["OPTIONS"].pop("options", None)
        _database["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 0)

# CACHE_URL=redis://... shares the cache between every process and machine: page cache,
# generation numbers, fragments. CACHE_KEY_PREFIX lets several sites share one Redis.
# Rate-limit counters (and used form stamps) live apart, in RATELIMIT_CACHE_URL: in production
# a Redis set to `maxmemory-policy noeviction`, because the page cache's Redis evicts and a
# flood of distinct pages there would push the counters out. Unset, the counters use
# CACHE_URL's server (fine for development and tests, not for production: docs/deployment.md).
# Each process keeps copies of what it read from a Redis cache, up to CACHE_LOCAL_COPIES_MB,
# dropped as Redis says they change (newsroom/lib/nearcache.py); 0 reads Redis every time.
CACHES = {
    "default": cache_from_url(
        env_str("CACHE_URL"),
        key_prefix=env_str("CACHE_KEY_PREFIX"),
        socket_timeout_ms=env_int("CACHE_SOCKET_TIMEOUT_MS", 1000),
        local_copies_mb=env_int("CACHE_LOCAL_COPIES_MB", 32),
    ),
    "ratelimit": cache_from_url(
        env_str("RATELIMIT_CACHE_URL") or env_str("CACHE_URL"),
        key_prefix=env_str("CACHE_KEY_PREFIX"),
        socket_timeout_ms=env_int("CACHE_SOCKET_TIMEOUT_MS", 1000),
        counters=True,
        setting="RATELIMIT_CACHE_URL",
    ),
}

# Sessions stay in the database (Django's default, named here because it is a choice): every
# app server sees every session, a session outlives a Redis restart or eviction, and a
# signed-in page reads the database anyway, so caching the session saves one primary-key
# lookup at the price of a second store to keep consistent. Messages use Django's default
# (a cookie, falling back to the session): nothing of a reader's lives in one process.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Anonymous readers' pages, kept in the cache and dropped by generation numbers
# (newsroom/lib/pagecache.py). The HTTP lifetimes are short because browsers and proxies
# cannot be told when something changes; our own copies can, so they live longer.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_HTTP_MAX_AGE = env_int("PAGE_CACHE_HTTP_MAX_AGE", 60)
PAGE_CACHE_HTTP_S_MAXAGE = env_int("PAGE_CACHE_HTTP_S_MAXAGE", 60)
PAGE_CACHE_STALE_WHILE_REVALIDATE = env_int("PAGE_CACHE_STALE_WHILE_REVALIDATE", 30)
PAGE_CACHE_STALE_IF_ERROR = env_int("PAGE_CACHE_STALE_IF_ERROR", 86400)
# A request carrying one of these cookies belongs to one reader and is never served shared.
PAGE_CACHE_BYPASS_COOKIES = ["sessionid", "messages"]
# Static files (WhiteNoise) and local media are files with lifetimes of their own, not pages.
PAGE_CACHE_EXCLUDED_PATHS = ["/admin/", "/healthz", "/preview/", "/gift/", "/static/", "/media/"]
# Pages with a query string kept per path and generation; more are served but not kept, so
# made-up query strings cannot crowd the rest out. Tracking parameters (utm_* and the like)
# are not counted: they are dropped before the page is rendered.
PAGE_CACHE_VARIANTS_PER_PATH = env_int("PAGE_CACHE_VARIANTS_PER_PATH", 50)
# Pieces of pages (an article with its bylines, tags and corrections, its comments and
# related articles, the masthead and footer) kept under the same generations, for every
# reader, so a page-cache miss rebuilds only what changed (newsroom/lib/fragments.py,
# templates/base.html). Off: every piece is read and rendered on every page.
FRAGMENT_CACHE_ENABLED = env_bool("FRAGMENT_CACHE_ENABLED", True)

# How often an open live page asks for new entries (static/js/live.js), in seconds; only while
# its tab is visible. Each ask is answered from the page cache, or a 304.
LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", 20)

# CDN and proxy purging (newsroom/lib/purge.py): when an article changes, the URLs that show it
# are purged after commit, in a retried task, by the purger named here (none by default):
# "newsroom.lib.purge.NginxPurger" (deploy/nginx/newsroom-purge.conf's refresh listeners) or
# "newsroom.lib.purge.HttpApiPurger" (a CDN's purge API), or any class with purge(urls).
CDN_PURGER = env_str("CDN_PURGER")
CDN_PURGE_ENDPOINTS = env_list("CDN_PURGE_ENDPOINTS")
CDN_PURGE_TOKEN = env_str("CDN_PURGE_TOKEN")
CDN_PURGE_TIMEOUT_SECONDS = env_int("CDN_PURGE_TIMEOUT_SECONDS", 10)
CDN_PURGE_BATCH_SIZE = env_int("CDN_PURGE_BATCH_SIZE", 30)
# How often a worker looks for scheduled publications and withdrawals whose time has come.
CDN_PURGE_SCHEDULE_MINUTES = env_int("CDN_PURGE_SCHEDULE_MINUTES", 1)

# WebSub (newsroom/lib/websub.py): the hub our RSS and Atom feeds name, pinged in a retried
# task after each change to what they list. Empty: feeds name no hub and nothing is pinged.
WEBSUB_HUB_URL = env_str("WEBSUB_HUB_URL")
WEBSUB_TIMEOUT_SECONDS = 5
# The site's feeds and those of the article's section, tags, authors and source, at most.
WEBSUB_MAX_FEEDS_PER_PING = 20

# The ninjs feed (articles/ninjs.py): partners who send one of these secrets (comma-separated,
# each at least 32 characters) as "Authorization: Bearer <secret>" also get the articles
# scheduled within NINJS_EMBARGO_HOURS, each marked embargoedUntil its publish time.
NINJS_PARTNER_TOKENS = env_list("NINJS_PARTNER_TOKENS")
NINJS_EMBARGO_HOURS = env_int("NINJS_EMBARGO_HOURS", 48)

AUTH_USER_MODEL = "accounts.User"
# Email is unique case-insensitively through the user_email_unique_ci constraint on
# Lower("email"); the auth check only recognises unique=True and would warn wrongly.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
# django-axes' check first: it refuses a locked-out (address, IP) pair before any password is checked.
AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutBackend", "accounts.backends.EmailBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:overview"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    # Local uploads: a write that fails part-way (a full disk) leaves no half-written file.
    "default": {"BACKEND": "newsroom.lib.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "newsroom.lib.storage.StaticStorage"
        )
    },
}

# Media on S3 or an S3-compatible store (MinIO, Ceph, R2...) when a bucket is named, so every
# app server and worker reads and writes the same files; otherwise the local disk. Credentials
# may also come from boto3's usual sources (AWS_* variables, an instance role) when left blank.
MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET")
MEDIA_S3_ENDPOINT_URL = env_str("MEDIA_S3_ENDPOINT_URL").rstrip("/")
MEDIA_S3_REGION = env_str("MEDIA_S3_REGION")
MEDIA_S3_CUSTOM_DOMAIN = env_str("MEDIA_S3_CUSTOM_DOMAIN")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = s3_media_storage(
        MEDIA_S3_BUCKET,
        endpoint_url=MEDIA_S3_ENDPOINT_URL,
        region=MEDIA_S3_REGION,
        access_key=env_str("MEDIA_S3_ACCESS_KEY_ID"),
        secret_key=env_str("MEDIA_S3_SECRET_ACCESS_KEY"),
        custom_domain=MEDIA_S3_CUSTOM_DOMAIN,
        prefix=env_str("MEDIA_S3_PREFIX"),
    )

# Mail: development writes each message as a file under var/mail/ so a person can open it;
# production without EMAIL_URL hands mail to the local MTA, as most servers have one.
EMAIL_URL = env_str("EMAIL_URL", "file://" if DEBUG else "smtp://localhost:25")
# Optional DKIM signing of what goes out over SMTP (newsroom/lib/dkim_smtp.py): the domain, the
# selector whose TXT record holds the public key, and the private key in PEM (DKIM_PRIVATE_KEY,
# or a file named by DKIM_PRIVATE_KEY_FILE). Not needed when the mail provider signs for us.
DKIM_DOMAIN = env_str("DKIM_DOMAIN")
_dkim = None
if DKIM_DOMAIN:
    _dkim_key = env_str("DKIM_PRIVATE_KEY").replace("\\n", "\n")
    if not _dkim_key and env_str("DKIM_PRIVATE_KEY_FILE"):
        _dkim_key = Path(env_str("DKIM_PRIVATE_KEY_FILE")).read_text()
    if "PRIVATE KEY" not in _dkim_key or not env_str("DKIM_SELECTOR"):
        raise ImproperlyConfigured(
            "DKIM_DOMAIN is set: DKIM_SELECTOR and a PEM private key (DKIM_PRIVATE_KEY or "
            "DKIM_PRIVATE_KEY_FILE) are needed too."
        )
    _dkim = {
        "dkim_domain": DKIM_DOMAIN,
        "dkim_selector": env_str("DKIM_SELECTOR"),
        "dkim_private_key": _dkim_key,
    }
MAILERS = {"default": mailer_from_url(EMAIL_URL, file_path=VAR_DIR / "mail", dkim=_dkim)}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Newsroom <newsroom@example.com>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Background work: Procrastinate jobs queued in PostgreSQL (newsroom/lib/jobs.py). A failed job
# runs at most TASK_MAX_ATTEMPTS times in all, waiting TASK_RETRY_BASE_SECONDS ** n seconds
# before its n-th retry (5, 25, 125, 625 s by default). Read when the tasks are declared.
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 5)
TASK_RETRY_BASE_SECONDS = env_int("TASK_RETRY_BASE_SECONDS", 5)

# Partner feed import (syndication/): how often it runs and how carefully feeds and their
# images are fetched. Private, loopback and link-local addresses are refused unless allowed,
# so a feed URL cannot be used to reach services inside our own network.
SYNDICATION_INTERVAL_MINUTES = env_int("SYNDICATION_INTERVAL_MINUTES", 30)
SYNDICATION_FETCH_TIMEOUT_SECONDS = env_int("SYNDICATION_FETCH_TIMEOUT_SECONDS", 15)
SYNDICATION_MAX_FEED_BYTES = env_int("SYNDICATION_MAX_FEED_BYTES", 5 * 1024 * 1024)
SYNDICATION_MAX_REDIRECTS = env_int("SYNDICATION_MAX_REDIRECTS", 5)
SYNDICATION_ALLOW_PRIVATE_ADDRESSES = env_bool("SYNDICATION_ALLOW_PRIVATE_ADDRESSES", False)
SYNDICATION_LOG_RETENTION_DAYS = env_int("SYNDICATION_LOG_RETENTION_DAYS", 90)

# Email this article and reader enquiries (enquiries/). Where enquiries go: article enquiries to
# the section's editorial address, else this one; subscription and advertising enquiries to these
# addresses, or when blank to the footer's addresses in the admin's site settings.
ENQUIRIES_EDITORIAL_EMAIL = env_str("ENQUIRIES_EDITORIAL_EMAIL", DEFAULT_FROM_EMAIL)
ENQUIRIES_SUBSCRIPTIONS_EMAIL = env_str("ENQUIRIES_SUBSCRIPTIONS_EMAIL", "")
ENQUIRIES_ADVERTISING_EMAIL = env_str("ENQUIRIES_ADVERTISING_EMAIL", "")
# A form sent back sooner than this after it was shown is a bot's.
ENQUIRIES_MIN_FILL_SECONDS = env_int("ENQUIRIES_MIN_FILL_SECONDS", 3)
ENQUIRIES_PER_IP_PER_HOUR = env_int("ENQUIRIES_PER_IP_PER_HOUR", 5)
ENQUIRIES_PER_ADDRESS_PER_DAY = env_int("ENQUIRIES_PER_ADDRESS_PER_DAY", 5)
# "Email this article" sends our name to addresses strangers choose, so it is limited four ways
# (newsroom/lib/mail_limits.py), each counting recipients, not shares. A person sharing with
# friends sends a few a day. One connection (an IPv4 address or an IPv6 /64) gets 20 an hour, five
# full shares; one sender address 12 an hour and 40 a day, from any connection. The site-wide
# cap (which protects our mail server's reputation) is 15 times the per-connection one and 25
# times the per-sender one, so pausing sharing for everyone takes at least 15 connections and
# 25 addresses at once, not one person with a script.
SHARE_RECIPIENTS_PER_IP_PER_HOUR = env_int("SHARE_RECIPIENTS_PER_IP_PER_HOUR", 20)
SHARE_RECIPIENTS_PER_SENDER_PER_HOUR = env_int("SHARE_RECIPIENTS_PER_SENDER_PER_HOUR", 12)
SHARE_RECIPIENTS_PER_SENDER_PER_DAY = env_int("SHARE_RECIPIENTS_PER_SENDER_PER_DAY", 40)
SHARE_PER_RECIPIENT_PER_DAY = env_int("SHARE_PER_RECIPIENT_PER_DAY", 3)
SHARE_SITE_PER_HOUR = env_int("SHARE_SITE_PER_HOUR", 300)
# Names these limits had before they counted recipients: a deployment still setting one would
# otherwise run on the defaults without a word.
for _old, _new in [
    ("SHARE_PER_IP_PER_HOUR", "SHARE_RECIPIENTS_PER_IP_PER_HOUR"),
    ("SHARE_PER_SENDER_PER_DAY", "SHARE_RECIPIENTS_PER_SENDER_PER_DAY"),
]:
    if env_str(_old):
        raise ImproperlyConfigured(f"{_old} is now {_new}, and counts recipients rather than shares.")

# How many reverse proxies we own stand in front of the app; their X-Forwarded-For entries are
# the only ones trusted for the client's address (newsroom/lib/client_ip.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Tags: case-insensitive, so "Housing" and "housing" are one tag.
TAGGIT_CASE_INSENSITIVE = True
# Tags typed in a form lose the characters XML 1.0 forbids before taggit looks them up.
TAGGIT_TAGS_FROM_STRING = "newsroom.lib.text.tags_from_string"

# Reader accounts (accounts/, django-allauth, django-axes).
# Sign-up and login by email only; an address must be verified before its owner can log in
# (and so before commenting). Pages and emails never say whether an address has an account:
# a sign-up with a taken address and a reset for an unknown one look exactly like the usual
# case, and the address's owner gets an informational email instead.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# One address per account; a new one replaces the old only once it is verified.
ACCOUNT_CHANGE_EMAIL = True
# Tell the owner when their password or address changes, in case it was not them.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Verification is a button on the linked page, so mail scanners following links confirm nothing.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = env_int("ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS", 3)
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "add_email": "accounts.forms.AddEmailForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
# Failed logins are django-axes' job (below), which also covers the admin; allauth's own
# counter would lock people out on a different clock with a different message. allauth's other
# limits (sign-up, password reset, ...) stay on; they count per client IP as ours do
# (accounts.adapter.AccountAdapter.get_client_ip).
ACCOUNT_RATE_LIMITS = {"login_failed": None}
# Failed logins lock the (email address, IP address) pair for a while: a guesser cannot lock a
# reader out from elsewhere, and the lock lifts by itself. Successful logins are kept as the
# reader's login history (axes' AccessLog), which the data export includes.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.throttling.login_identifier"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The address behind our own proxies, never an unchecked X-Forwarded-For (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "newsroom.lib.client_ip.client_ip"
# The pause ends when the page says it will, even if the reader tries again meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Before axes and before any password is hashed, every sign-in post (reader, admin, second
# step) is counted per client IP (an IPv6 client by its /64) and per submitted address in
# one-minute windows (accounts/throttling.py). Over the per-IP limit the answer is a 429
# page. Over the per-address limit nobody is refused, since a stranger could cause it: each
# attempt first waits LOGIN_BUSY_ADDRESS_WAIT_SECONDS on a page that then sends it on by itself.
LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = env_int("LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", 20)
LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE = env_int("LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", 10)
LOGIN_BUSY_ADDRESS_WAIT_SECONDS = env_int("LOGIN_BUSY_ADDRESS_WAIT_SECONDS", 5)
LOGIN_CODE_ATTEMPTS_PER_ACCOUNT_PER_MINUTE = env_int("LOGIN_CODE_ATTEMPTS_PER_ACCOUNT_PER_MINUTE", 5)
# Two-factor authentication with an authenticator app (TOTP) and recovery codes, through
# allauth's MFA rather than django-otp: allauth already runs our sign-in, so its second step
# is a stage of that one flow (readers and the admin hand over to the same code page, one
# lockout, one set of templates), and it brings recovery codes and the account pages to
# manage them. The admin hands staff who use an app to that flow (accounts/admin_site.py).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The name authenticator apps list the account under: SITE_NAME (set further down).
MFA_TOTP_ISSUER = env_str("SITE_NAME", "The Civic Ledger")
# A code is accepted only in its own 30-second step (allauth's default): allauth remembers a
# used code for one step, so accepting neighbouring steps would let a seen code be replayed.
MFA_TOTP_TOLERANCE = 0
MFA_FORMS = {
    "authenticate": "accounts.forms.AuthenticateForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
    "deactivate_totp": "accounts.forms.DeactivateTOTPForm",
}
# When on, the admin serves only sessions that passed a second factor at sign-in.
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", False)
# Login history is kept this long (a daily task deletes older records), then forgotten.
ACCOUNTS_LOGIN_HISTORY_DAYS = env_int("LOGIN_HISTORY_DAYS", 90)

# Subscriptions, premium articles and the free daily newsletter (subscriptions/).
# The store signs each webhook request with this shared secret (HMAC-SHA256); while it is
# empty every delivery is refused. A delivery whose timestamp is further than the tolerance
# from our clock is refused as a possible replay.
SUBSCRIPTIONS_WEBHOOK_SECRET = env_str("SUBSCRIPTIONS_WEBHOOK_SECRET")
SUBSCRIPTIONS_WEBHOOK_TOLERANCE_SECONDS = env_int("SUBSCRIPTIONS_WEBHOOK_TOLERANCE_SECONDS", 300)
# Checkout happens at the external store. STORE_CHECKOUT_URL is the address "Subscribe" sends a
# reader to, with {plan} (the plan's slug), {reference} (our signed name for the attempt, which
# the store sends back in its webhook) and {return_url} filled in, URL-encoded. Empty: no store,
# and "Subscribe" leads to the subscriptions desk's enquiry form. STORE_URL is the store's front
# page, linked as "View store" beside the magazine and PDF products.
STORE_CHECKOUT_URL = env_str("STORE_CHECKOUT_URL", "")
STORE_URL = env_str("STORE_URL", "")
# An unpaid checkout is shown as expired after this many hours (a payment arriving later still counts).
STORE_CHECKOUT_EXPIRY_HOURS = env_int("STORE_CHECKOUT_EXPIRY_HOURS", 24)
if STORE_CHECKOUT_URL:
    _checkout_scheme = STORE_CHECKOUT_URL.split("://", 1)[0].lower()
    if _checkout_scheme not in {"http", "https"} or "{reference}" not in STORE_CHECKOUT_URL:
        raise ImproperlyConfigured(
            "STORE_CHECKOUT_URL must be an http:// or https:// address containing {reference} "
            f"(and may contain {{plan}} and {{return_url}}), not {STORE_CHECKOUT_URL!r}."
        )
    try:
        STORE_CHECKOUT_URL.format(plan="p", reference="r", return_url="u")
    except (KeyError, IndexError, ValueError):
        raise ImproperlyConfigured(
            "STORE_CHECKOUT_URL may only use the placeholders {plan}, {reference} and {return_url}, "
            f"each in braces: {STORE_CHECKOUT_URL!r}."
        ) from None
if STORE_URL and STORE_URL.split("://", 1)[0].lower() not in {"http", "https"}:
    raise ImproperlyConfigured(f"STORE_URL must be an http:// or https:// address, not {STORE_URL!r}.")
# Subscribers are reminded this many days before their subscription ends, once per term.
SUBSCRIPTIONS_REMINDER_DAYS = env_int("SUBSCRIPTIONS_REMINDER_DAYS", 7)
# Metered access: signed-in readers without a plan may read this many premium articles a month.
SUBSCRIPTIONS_METERING = env_bool("SUBSCRIPTIONS_METERING", False)
SUBSCRIPTIONS_METERED_ARTICLES = env_int("SUBSCRIPTIONS_METERED_ARTICLES", 3)
# Gift links: a website subscriber may give this many premium articles a calendar month, and
# each link lets anyone read the article whole for this many days.
SUBSCRIPTIONS_GIFTS_PER_MONTH = env_int("SUBSCRIPTIONS_GIFTS_PER_MONTH", 10)
SUBSCRIPTIONS_GIFT_LINK_DAYS = env_int("SUBSCRIPTIONS_GIFT_LINK_DAYS", 30)
# The daily digest goes out at this local time (HH:MM), in batches sharing one mail connection.
NEWSLETTER_DIGEST_TIME = env_str("NEWSLETTER_DIGEST_TIME", "07:00")
try:
    _digest_hour, _digest_minute = (int(part) for part in NEWSLETTER_DIGEST_TIME.split(":"))
    if not (0 <= _digest_hour < 24 and 0 <= _digest_minute < 60):
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        f"NEWSLETTER_DIGEST_TIME must be a time of day like 07:00, not {NEWSLETTER_DIGEST_TIME!r}."
    ) from None
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 500)
# Weekly subscribers get one issue a week, on this day at NEWSLETTER_DIGEST_TIME, with the
# seven days' news from their sections.
NEWSLETTER_WEEKLY_DAY = env_str("NEWSLETTER_WEEKLY_DAY", "monday").strip().lower()
# A week is too much news for one email: the weekly issue takes each section's most-read.
NEWSLETTER_WEEKLY_ARTICLES_PER_SECTION = env_int("NEWSLETTER_WEEKLY_ARTICLES_PER_SECTION", 10)
_weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
if NEWSLETTER_WEEKLY_DAY not in _weekdays:
    raise ImproperlyConfigured(
        f"NEWSLETTER_WEEKLY_DAY must be a day of the week like monday, not {NEWSLETTER_WEEKLY_DAY!r}."
    )
# Every issue links to a page where the reader changes their sections, frequency or
# unsubscribes without signing in; the link works this many days, and a fresh one can be
# asked for by email.
NEWSLETTER_PREFERENCES_LINK_DAYS = env_int("NEWSLETTER_PREFERENCES_LINK_DAYS", 180)
# Optional mailto: address offered beside the one-click link in List-Unsubscribe.
NEWSLETTER_UNSUBSCRIBE_MAILTO = env_str("NEWSLETTER_UNSUBSCRIBE_MAILTO")
# Bounces and spam complaints reported by the mail provider put the address on the suppression
# list that every send respects (newsroom/mail_events.py, through django-anymail's webhooks).
# The provider is given https://user:password@<site>/mail/events/<provider>/, where
# "user:password" is MAIL_EVENTS_SECRET; Mailgun also signs with MAIL_EVENTS_SIGNING_KEY.
MAIL_EVENTS_PROVIDER = env_str("MAIL_EVENTS_PROVIDER")
ANYMAIL = {"WEBHOOK_SECRET": env_str("MAIL_EVENTS_SECRET")}
if MAIL_EVENTS_PROVIDER:
    if ":" not in ANYMAIL["WEBHOOK_SECRET"]:
        raise ImproperlyConfigured(
            "MAIL_EVENTS_PROVIDER is set: MAIL_EVENTS_SECRET must be the user:password the provider "
            "is given for /mail/events/, so nobody else can put addresses on the suppression list."
        )
    if MAIL_EVENTS_PROVIDER == "mailgun":
        ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"] = env_str("MAIL_EVENTS_SIGNING_KEY")

# Reader comments: our comments/ app on top of django-comments-xtd. The policy moderators tune
# from day to day (pre- or post-moderation, anonymous comments, word lists, thresholds) is a row
# in the admin; these are the limits a deployer sets.
SITE_ID = 1  # django-contrib-comments records a site on every comment; there is only one.
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MODEL = "comments.models.Comment"
COMMENTS_XTD_FORM_CLASS = "comments.forms.CommentForm"
# How many levels a discussion has: 2 is comments and replies to them (xtd counts from 0).
COMMENTS_THREAD_DEPTH = env_int("COMMENTS_THREAD_DEPTH", 2)
COMMENTS_XTD_MAX_THREAD_LEVEL = max(COMMENTS_THREAD_DEPTH - 1, 0)
# Comments without an account count only once confirmed from an email (xtd's signed link).
COMMENTS_XTD_CONFIRM_EMAIL = True
COMMENTS_XTD_SALT = b"newsroom-comments"
# Our mail goes through the task queue, never through xtd's mail threads.
COMMENTS_XTD_THREADED_EMAILS = False
COMMENTS_XTD_FROM_EMAIL = DEFAULT_FROM_EMAIL
COMMENTS_XTD_CONTACT_EMAIL = DEFAULT_FROM_EMAIL
# The longest comment accepted (django-contrib-comments' column holds 3000 characters).
COMMENTS_MAX_LENGTH = min(env_int("COMMENTS_MAX_LENGTH", 2000), 3000)
COMMENTS_EDIT_MINUTES = env_int("COMMENTS_EDIT_MINUTES", 10)
COMMENTS_PER_MINUTE = env_int("COMMENTS_PER_MINUTE", 3)
COMMENTS_THREADS_PER_PAGE = env_int("COMMENTS_THREADS_PER_PAGE", 20)
# Who hears about comments waiting for a moderator. Django 6 wants plain addresses in MANAGERS
# ("Name <address>" works too); xtd 2.10 reads the second item of each entry as the address,
# so our code never hands MANAGERS to xtd and builds recipient lists itself.
MANAGERS = env_list("MANAGERS")
COMMENTS_MODERATION_EMAILS = env_list("COMMENTS_MODERATION_EMAILS", MANAGERS)
# Scoring new comments (comments/scoring.py): "local" computes simple signals here with no
# outside service; "http" POSTs each comment, signed with the secret, to a scoring service of
# the deployer's choosing. Whether a score holds a comment is the policy's threshold, in the
# admin. A scorer that has not answered within the timeout is "unavailable": the comment is
# then held or published, as COMMENT_SCORER_UNAVAILABLE says. An http scorer without its
# address or secret fails `manage.py check` (comments/checks.py).
COMMENT_SCORER = env_str("COMMENT_SCORER", "local").strip().lower()
COMMENT_SCORER_URL = env_str("COMMENT_SCORER_URL").strip()
COMMENT_SCORER_SECRET = env_str("COMMENT_SCORER_SECRET")
COMMENT_SCORER_TIMEOUT_MS = env_int("COMMENT_SCORER_TIMEOUT_MS", 2000)
COMMENT_SCORER_UNAVAILABLE = env_str("COMMENT_SCORER_UNAVAILABLE", "publish").strip().lower()
if COMMENT_SCORER not in {"local", "http"}:
    raise ImproperlyConfigured(f"COMMENT_SCORER must be local or http, not {COMMENT_SCORER!r}.")
if COMMENT_SCORER_UNAVAILABLE not in {"hold", "publish"}:
    raise ImproperlyConfigured(
        f"COMMENT_SCORER_UNAVAILABLE must be hold or publish, not {COMMENT_SCORER_UNAVAILABLE!r}."
    )

# Site identity; the admin-editable SiteSettings row takes over once it exists.
SITE_NAME = env_str("SITE_NAME", "The Civic Ledger")
SITE_TAGLINE = env_str("SITE_TAGLINE", "Public affairs, reported and explained")
# How long a shared article preview link works before it expires.
ARTICLE_PREVIEW_MAX_AGE_HOURS = env_int("ARTICLE_PREVIEW_MAX_AGE_HOURS", 48)
# How long an article's edit lock outlives the last sign of life from its editor's open page
# (which renews it every few seconds while open; see articles/editing.py).
EDIT_LOCK_SECONDS = env_int("EDIT_LOCK_SECONDS", 120)

# Security. Production is the default: every setting below is what `check --deploy` wants,
# and `make serve` relaxes only what plain HTTP on 127.0.0.1 needs.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere and no third-party host: everything comes from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [
        CSP.SELF,
        "data:",
        *media_origins(MEDIA_S3_BUCKET, MEDIA_S3_ENDPOINT_URL, MEDIA_S3_CUSTOM_DOMAIN, MEDIA_S3_REGION),
    ],
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Procrastinate lists each periodic task at every start of every process (web, commands).
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.blueprints": {"level": "WARNING"},
    },
}
