"""Everything we hold about a reader, as plain data for "download my data".

The apps built on accounts hold more of it (comments, subscriptions, the newsletter); accounts
never imports them, so each registers an exporter here from its AppConfig.ready(). A plain
dict filled at start-up is the most boring shape that keeps the imports pointing down: no
setting names our own code, and `grep exports.register` finds every section.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from accounts.services import login_records

# The file's key for each app's section, in the order of registration: {"comments": callable}.
exporters = {}


def register(key, exporter):
    """Add `exporter(user)`, which returns JSON-ready data (datetimes allowed), as the section
    `key` of the file. Registering the same exporter again is harmless; a second exporter for a
    key already taken is a mistake that would hide the first one's data."""
    if exporters.get(key, exporter) is not exporter:
        raise ImproperlyConfigured(f"Two exporters for the {key!r} section of the data export.")
    exporters[key] = exporter
    return exporter


def personal_data(user):
    """A JSON-ready dict of the account, then each section another app registered."""
    records = login_records(user)
    data = {
        "about_this_file": {
            "site": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "generated_at": timezone.now(),
        },
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "name_shown_to_readers": user.public_name,
            "bio": user.bio,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_staff": user.is_staff,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user.emailaddress_set.order_by("email")
        ],
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "login_history": [
            {
                "logged_in_at": entry.attempt_time,
                "logged_out_at": entry.logout_time,
                "ip_address": entry.ip_address,
                "browser": entry.user_agent,
            }
            for entry in records["logins"].order_by("-attempt_time")
        ],
        "failed_logins": [
            {"at": entry.attempt_time, "ip_address": entry.ip_address, "browser": entry.user_agent}
            for entry in records["failed_logins"].order_by("-attempt_time")
        ],
        # What the login lockout is counting right now; cleared by a successful login.
        "failed_logins_being_counted": [
            {
                "last_at": entry.attempt_time,
                "ip_address": entry.ip_address,
                "browser": entry.user_agent,
                "failures": entry.failures_since_start,
            }
            for entry in records["failed_login_counters"].order_by("-attempt_time")
        ],
    }
    for key, exporter in exporters.items():
        data[key] = exporter(user)
    return data
