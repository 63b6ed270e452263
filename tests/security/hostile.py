"""What the fuzz tests send, and how they check that a refusal changed nothing.

A form's data is built field by field: each field gets a plausible value, a hostile one, a
list of values (the field posted twice) or nothing at all (the field left out), so every
example mixes good and bad input the way a bot or a broken client does.
"""

from django.core import mail
from django.core.cache import cache
from django.db.models import Model
from django.test import TestCase
from hypothesis import strategies as st

from tests.security.payloads import XSS_PAYLOADS

MISSING = object()

# Text a person might type in any script, without the lone surrogates no client can encode.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)

_NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\nBcc: victim@example.net",
    "name\nSubject: spam",
    "\u202eevil\u202c",
    "\u200b\u200b",
    "\ufeff",
    "%s%s%s%(x)s{0}{x}",
    "'; DROP TABLE accounts_user; --",
    "' OR '1'='1",
    "../../../../etc/passwd",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${7*7}",
    "null",
    "None",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e308",
    "NaN",
    "true",
    "[]",
    "{}",
    "é" * 300,
    "𝕏" * 120,
    "ﷺ" * 50,
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚o̙̔ͮ̇͐̇",
    "a" * 65 + "@" + "b" * 250 + ".example",
    "x@" + "y" * 300 + ".example",
    "reader@example.org\r\n",
    "reader@example.org, other@example.org",
    "<reader@example.org>",
    '"quoted"@example.org',
    "reader@localhost",
    "reader@[127.0.0.1]",
    "reader@xn--80ak6aa92e.com",
]

nasty_text = st.one_of(
    st.sampled_from(_NASTY),
    st.sampled_from(XSS_PAYLOADS),
    any_text,
    # Huge values: far past every field's limit, and past what a page should echo back.
    st.builds(
        lambda piece, times: piece * times,
        st.sampled_from(["a", "é", "<b>", "\n", "0"]),
        st.integers(1_000, 60_000),
    ),
)

emails = st.one_of(
    st.emails(),
    st.builds(lambda local, domain: f"{local}@{domain}", any_text, any_text),
    nasty_text,
)


def field(good, bad=nasty_text):
    """A value for one field: usually good (so whole submissions get through often enough to
    check what is stored), otherwise hostile, posted twice, or left out. Hypothesis shrinks
    towards the good value, so a failure is reported with the fewest bad fields."""

    def pick(choice):
        if choice <= 5:
            return good
        if choice <= 7:
            return bad
        if choice == 8:
            return st.lists(st.one_of(good, bad), min_size=2, max_size=3)
        return st.just(MISSING)

    return st.integers(0, 9).flatmap(pick)


# Names with the characters escaping must handle, and nothing a name check refuses.
names = st.text(
    st.one_of(st.characters(categories=["L", "M"]), st.sampled_from(" -'<>&\"")),
    min_size=1,
    max_size=60,
).filter(lambda name: name.strip() and not name.strip().startswith(("-",)))

# Free text: prose in any script, with markup and payloads mixed in.
prose = st.one_of(
    st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1, max_size=400),
    st.sampled_from(XSS_PAYLOADS),
).filter(lambda text: text.strip())


def form(**fields):
    """A strategy of POST dictionaries with MISSING fields left out."""
    return st.fixed_dictionaries(fields).map(
        lambda data: {name: value for name, value in data.items() if value is not MISSING}
    )


# Snapshots ----------------------------------------------------------------------------------


def snapshot(*models: type[Model]):
    """Every row of the given tables, as dictionaries: the test database holds only what the
    test made, so comparing whole tables is cheap and catches any change, not only new rows."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


class Example:
    """One example's bracket: limits cleared and mail emptied before, so every example reaches
    validation; what was stored before is kept to compare after."""

    def __init__(self, *models):
        self.models = models

    def __enter__(self):
        cache.clear()
        mail.outbox = []
        self.before = snapshot(*self.models)
        return self

    def __exit__(self, *exc):
        return False

    def request(self, send, *args, **kwargs):
        """Make the request, then run what it queued for after commit (the test's transaction
        never commits), so the emails it would send are in the outbox."""
        with TestCase.captureOnCommitCallbacks(execute=True):
            return send(*args, **kwargs)

    def unchanged(self):
        return snapshot(*self.models) == self.before

    def assert_unchanged(self, response):
        after = snapshot(*self.models)
        for label, rows in self.before.items():
            assert after[label] == rows, (
                f"a refused submission (status {response.status_code}) changed {label}"
            )
        assert mail.outbox == [], f"a refused submission sent {len(mail.outbox)} email(s)"


def assert_no_server_error(response):
    assert response.status_code < 500, f"server error {response.status_code}"


def flatten(value):
    """The value Django reads for a field posted once or several times (the last one)."""
    if isinstance(value, list):
        return value[-1]
    return value
