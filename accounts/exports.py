"""Everything we hold about a reader, as plain data for "download my data"."""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.services import login_records


def personal_data(user):
    """A JSON-ready dict of the account, then each section that another app registers in
    settings.ACCOUNTS_DATA_EXPORTERS ({"key": "dotted.path.to.callable"}); each callable takes
    the user and returns JSON-ready data (datetimes allowed)."""
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
    for key, path in settings.ACCOUNTS_DATA_EXPORTERS.items():
        data[key] = import_string(path)(user)
    return data
