"""Demo content for development: `manage.py seed_demo`. Safe to run again: every row is
looked up by a natural key before it is created, so a second run adds nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User

DEMO_PASSWORD = "newsroom-demo"  # noqa: S105 - development-only, printed by make run
DEMO_USERS = [
    # email, display name, staff
    ("editor@example.com", "Elena Editor", True),
    ("writer@example.com", "Walter Writer", True),
    ("moderator@example.com", "Morgan Moderator", True),
    ("reader@example.com", "Rowan Reader", False),
    ("subscriber@example.com", "Sasha Subscriber", False),
]


class Command(BaseCommand):
    help = "Create demo users and content (idempotent)."

    def handle(self, *args, **options):
        created = 0
        for email, display_name, is_staff in DEMO_USERS:
            user, was_created = User.objects.get_or_create(
                email__iexact=email,
                defaults={"email": email, "display_name": display_name, "is_staff": is_staff},
            )
            if was_created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
        self.write_logins()
        self.stdout.write(
            self.style.SUCCESS(f"Demo users: {created} created, {len(DEMO_USERS) - created} already there.")
        )

    def write_logins(self):
        lines = ["  Demo logins (development only), password " + DEMO_PASSWORD + ":"]
        lines += [f"    {email}" for email, _, _ in DEMO_USERS]
        path = settings.VAR_DIR / "demo-logins.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
