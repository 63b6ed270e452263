"""Workflows on accounts that reach beyond the user row."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.signals import account_deleting


def login_records(user):
    """django-axes' records of this person's successful and failed logins, as querysets.

    axes keys them by address: as typed at a failed login, as stored at a successful one. So
    any letter case of the current address or of any address the person has added counts.
    """
    addresses = {user.email, *user.emailaddress_set.values_list("email", flat=True)}
    by_address = Q()
    for address in addresses:
        by_address |= Q(username__iexact=address)
    return {
        "logins": AccessLog.objects.filter(by_address),
        "failed_login_counters": AccessAttempt.objects.filter(by_address),
        "failed_logins": AccessFailureLog.objects.filter(by_address),
    }


@transaction.atomic
def delete_account(*, user):
    """Delete the account and everything that identifies the person.

    Other apps anonymise or end their own rows through the account_deleting signal, in the
    same transaction: if any of them fails, nothing is deleted. The user row then goes, and
    with it (by cascade) the email addresses and group memberships; rows elsewhere that only
    record who did something (article history, created_by) are set to nobody.
    """
    account_deleting.send(sender=user.__class__, user=user)
    for records in login_records(user).values():
        records.delete()
    user.delete()


def forget_old_login_history(*, older_than):
    """Delete login records older than `older_than` (a timedelta): the history is there for the
    reader to check their own account's use, not to be kept for ever. Returns how many went."""
    cutoff = timezone.now() - older_than
    deleted, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted + failures
