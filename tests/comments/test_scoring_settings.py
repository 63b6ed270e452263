"""Setting scoring up: the policy's two new fields in the admin, with help and plain errors, and
the deployer's settings, which refuse an http scorer that cannot be reached or signed for."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from comments.checks import comment_scorer_settings
from comments.models import CommentPolicy
from tests.admin_forms import submit_change_form
from tests.factories import singleton_row
from tests.newsroom.test_deploy_settings import production_environment, run_manage

pytestmark = pytest.mark.django_db


def policy_url():
    return reverse("admin:comments_commentpolicy_change", args=[singleton_row(CommentPolicy).pk])


# The admin ------------------------------------------------------------------------------------


def test_the_policy_form_shows_the_new_fields_with_their_help(client, moderator):
    client.force_login(moderator)

    html = client.get(policy_url()).content.decode()

    assert "Automatic score" in html
    assert '<label for="id_hold_at_score">Hold comments scoring at or above:</label>' in html
    assert 'name="hold_at_score" value="0.8"' in html
    assert "A comment scoring this or more waits for a moderator" in html
    assert "Leave blank to switch scoring off." in html
    assert (
        '<label class="required" for="id_hold_after_removed">'
        "Hold commenters with this many removed comments:</label>" in html
    )
    assert 'name="hold_after_removed" value="3"' in html
    assert "0 turns this off." in html


def test_a_moderator_changes_the_threshold_and_the_number(moderator, change_policy):
    policy = change_policy(hold_at_score="0.65", hold_after_removed="5")

    assert policy.hold_at_score == 0.65
    assert policy.hold_after_removed == 5


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("1.5", "Scores run from 0 to 1, so the threshold must be a number in that range, such as 0.8; "
         "1.5 is outside it."),
        ("-0.2", "-0.2 is outside it."),
        ("high", "Enter a number."),
    ],
)  # fmt: skip
def test_a_threshold_outside_0_to_1_is_refused_in_plain_words_and_nothing_is_lost(moderator, value, error):
    response = submit_change_form(
        moderator, policy_url(), hold_at_score=value, blocked_words="crook\nliar", hold_after_removed="4"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert error in html
    # What else was typed is still in the form, and nothing was saved.
    assert "crook\nliar</textarea>" in html
    assert 'name="hold_after_removed" value="4"' in html
    policy = singleton_row(CommentPolicy)
    assert (policy.hold_at_score, policy.blocked_words, policy.hold_after_removed) == (0.8, "", 3)


def test_a_negative_number_of_removals_is_refused(moderator):
    response = submit_change_form(moderator, policy_url(), hold_after_removed="-1")

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert singleton_row(CommentPolicy).hold_after_removed == 3


def test_the_database_refuses_a_threshold_outside_0_to_1():
    policy = singleton_row(CommentPolicy)
    policy.hold_at_score = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        policy.save()


# The deployer's settings ----------------------------------------------------------------------


def test_the_local_scorer_needs_no_settings(settings):
    settings.COMMENT_SCORER = "local"
    settings.COMMENT_SCORER_URL = ""
    settings.COMMENT_SCORER_SECRET = ""

    assert comment_scorer_settings(None) == []


def test_an_http_scorer_needs_an_address_and_a_secret(settings):
    settings.COMMENT_SCORER = "http"
    settings.COMMENT_SCORER_URL = ""
    settings.COMMENT_SCORER_SECRET = ""

    errors = comment_scorer_settings(None)

    assert [error.id for error in errors] == ["comments.E001", "comments.E002"]
    assert "COMMENT_SCORER_URL must be the scoring service's http:// or https:// address" in errors[0].msg
    assert "COMMENT_SCORER_SECRET must be set" in errors[1].msg

    settings.COMMENT_SCORER_URL = "scorer.internal/score"
    assert [error.id for error in comment_scorer_settings(None)] == ["comments.E001", "comments.E002"]

    settings.COMMENT_SCORER_URL = "https://scorer.internal/score"
    settings.COMMENT_SCORER_SECRET = "s3cret-shared-with-the-service"
    assert comment_scorer_settings(None) == []


def test_a_timeout_of_nothing_is_refused(settings):
    settings.COMMENT_SCORER_TIMEOUT_MS = 0

    assert [error.id for error in comment_scorer_settings(None)] == ["comments.E003"]


def test_production_with_an_http_scorer_missing_its_secret_fails_the_check():
    incomplete = production_environment(COMMENT_SCORER="http", COMMENT_SCORER_URL="https://scorer.internal/")
    complete = production_environment(
        COMMENT_SCORER="http",
        COMMENT_SCORER_URL="https://scorer.internal/",
        COMMENT_SCORER_SECRET="s3cret-shared-with-the-service",
        COMMENT_SCORER_UNAVAILABLE="hold",
    )

    refused = run_manage("check", "--deploy", "--fail-level", "WARNING", env=incomplete)
    passed = run_manage("check", "--deploy", "--fail-level", "WARNING", env=complete)

    assert refused.returncode != 0
    assert "comments.E002" in refused.stderr + refused.stdout
    assert passed.returncode == 0, passed.stdout + passed.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("COMMENT_SCORER", "perspective", "COMMENT_SCORER must be local or http, not 'perspective'."),
        ("COMMENT_SCORER_UNAVAILABLE", "maybe", "COMMENT_SCORER_UNAVAILABLE must be hold or publish"),
        ("COMMENT_SCORER_TIMEOUT_MS", "2s", "COMMENT_SCORER_TIMEOUT_MS must be a whole number, not '2s'."),
    ],
)
def test_a_misspelt_scorer_setting_stops_the_site_by_name(name, value, message):
    result = run_manage("check", env=production_environment(**{name: value}))

    assert result.returncode != 0
    assert message in result.stderr
