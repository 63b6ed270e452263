# The moderation log becomes the one record of moderation decisions: until now each decision
# was also copied into the audit log, which kept two things the log did not (the moderator's
# address, readable after their account is deleted, and the client IP). They are added here and
# filled for past entries: the address from the account, or else from the entry's copy in the
# audit log, and the IP from that copy. The copies themselves stay where they are, since the
# audit log is append-only; the code just stops writing new ones.

from django.db import migrations, models

FILL_FROM_ACCOUNTS = """
UPDATE comments_moderationlogentry AS entry
SET actor_address = account.email
FROM accounts_user AS account
WHERE account.id = entry.actor_id
"""

# Each entry's copy: the audit log's kind and object for its action, by the same actor.
FILL_FROM_AUDIT_COPIES = """
UPDATE comments_moderationlogentry AS target
SET ip_address = copy.ip_address,
    actor_address = CASE WHEN target.actor_address = '' THEN copy.actor_name ELSE target.actor_address END
FROM (
    SELECT DISTINCT ON (entry.id) entry.id, audit.ip_address, audit.actor_name
    FROM comments_moderationlogentry AS entry
    JOIN audit_auditentry AS audit
      ON audit.actor_id IS NOT DISTINCT FROM entry.actor_id
      -- Written in the same transaction as the entry, a moment apart.
     AND audit.created_at BETWEEN entry.created_at - interval '5 seconds'
                              AND entry.created_at + interval '5 seconds'
     AND (
        (audit.object_type = 'comments.comment' AND audit.object_id = entry.comment_id::text
         AND audit.action = CASE entry.action
             WHEN 'approved' THEN 'comment_approved'
             WHEN 'reinstated' THEN 'comment_approved'
             WHEN 'removed' THEN 'comment_removed'
             WHEN 'reviewed' THEN 'comment_reviewed'
             WHEN 'hidden' THEN 'comment_hidden'
         END)
        OR
        (entry.comment_id IS NULL AND audit.object_type = 'accounts.user'
         AND audit.object_id = entry.subject_id::text
         AND audit.action = CASE entry.action
             WHEN 'suspended' THEN 'commenter_suspended'
             WHEN 'lifted' THEN 'suspension_lifted'
             WHEN 'reinstated' THEN 'suspension_lifted'
         END)
     )
    ORDER BY entry.id, abs(extract(epoch FROM audit.created_at - entry.created_at))
) AS copy
WHERE copy.id = target.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
        ("comments", "0006_featured"),
    ]

    operations = [
        migrations.AddField(
            model_name="moderationlogentry",
            name="actor_address",
            field=models.EmailField(blank=True, max_length=254, verbose_name="moderator's address"),
        ),
        migrations.AddField(
            model_name="moderationlogentry",
            name="ip_address",
            field=models.GenericIPAddressField(blank=True, null=True, verbose_name="client IP"),
        ),
        # Going back, the two columns are dropped with what they held; nothing else changed.
        migrations.RunSQL(FILL_FROM_ACCOUNTS, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(FILL_FROM_AUDIT_COPIES, reverse_sql=migrations.RunSQL.noop),
    ]
