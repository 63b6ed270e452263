"""Every public page type passes the Nu HTML checker with no errors.

The checker is vnu.jar from the npm registry's vnu-jar package, run by Java 17; `make vnu` (a
prerequisite of `make test`) installs both (scripts/vnu.sh). The pages are rendered with the
test client, written to files and checked in one Java run: the JVM takes seconds to start.
"""

import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.articles.page_tour import public_pages

pytestmark = pytest.mark.django_db

# A page the checker must fault, so a run that checked nothing cannot pass.
CANARY = "canary"


def vnu_jar():
    jar = subprocess.run(
        [str(Path(settings.BASE_DIR) / "scripts" / "vnu.sh")], capture_output=True, text=True, check=False
    )
    assert jar.returncode == 0, f"The HTML checker is not installed (make vnu): {jar.stderr}"
    return Path(settings.BASE_DIR) / jar.stdout.strip()


def checker_errors(pages, directory):
    """{page name: [message]} for every error the checker finds, from one run over all pages."""
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        path = directory / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path.resolve())] = name
    run = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    errors = {}
    for message in json.loads(run.stderr)["messages"]:
        if message["type"] in ("error", "non-document-error"):
            # The checker names a file "file:/tmp/...".
            address = message.get("url", "").removeprefix("file:")
            name = files.get(address, address)
            line = message.get("lastLine", "?")
            errors.setdefault(name, []).append(
                f"line {line}: {message['message']} [{message.get('extract', '')}]"
            )
    return errors


def test_every_public_page_type_passes_the_nu_html_checker(client, tmp_path):
    pages = public_pages(client)
    pages[CANARY] = (
        '<!DOCTYPE html><html lang="en"><title>x</title><time datetime="2026-01-01T10:00:00.123456Z">x</time>'
    )

    errors = checker_errors(pages, tmp_path)

    assert CANARY in errors, "The checker found nothing wrong with a page that is invalid: did it run?"
    del errors[CANARY]
    report = "\n".join(f"{name}:\n  " + "\n  ".join(messages) for name, messages in errors.items())
    assert not errors, f"The HTML checker found errors:\n{report}"


def test_search_dates_keep_their_length_limit_without_a_maxlength_attribute(client):
    html = client.get("/search/").content.decode()
    assert 'type="date" name="date_from" id="id_date_from"' in html

    response = client.get("/search/", {"q": "budget", "date_from": "2026-01-01" + "1" * 20})

    assert "That is too long to be a date: use year-month-day, like 2026-03-01." in response.content.decode()
