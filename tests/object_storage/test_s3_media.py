"""Media in object storage: with the MEDIA_S3_* settings, uploads and their renditions live in
an S3-compatible bucket (here a real moto_server on a local port) and pages link to them there,
so any number of app servers share the same files. Configuration only: no code path changes."""

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import services
from articles.models import Article
from newsroom.lib.env import s3_media_storage
from tests.articles.editorial_helpers import ADD_URL, article_form
from tests.factories import AuthorFactory, SectionFactory

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "newsroom-media"
KEYS = {"access_key": "test-access-key", "secret_key": "test-secret-key"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """A moto S3 server of our own on a free port, with an empty bucket; stopped afterwards."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start; see {log.name}") from None
                time.sleep(0.1)
        make_public_bucket(endpoint)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def bucket_client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )


def make_public_bucket(endpoint):
    """A bucket as deployment sets it up: anyone may read objects, only we may write."""
    client = bucket_client(endpoint)
    client.create_bucket(Bucket=BUCKET)
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))


def stored_keys(endpoint, prefix=""):
    listing = bucket_client(endpoint).list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def jpeg(size=(1600, 900)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 110, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile("harbour.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_the_environment_alone_moves_media_into_the_bucket(s3_endpoint):
    script = (
        "import json; from django.conf import settings;"
        "from django.core.files.base import ContentFile;"
        "from django.core.files.storage import default_storage as s;"
        "name = s.save('notes/hello.txt', ContentFile(b'kept in the bucket'));"
        "print(json.dumps({'backend': type(s._wrapped).__name__, 'name': name, 'url': s.url(name),"
        "'img_src': settings.SECURE_CSP['img-src']}))"
    )
    environment = os.environ | {
        "MEDIA_S3_BUCKET": BUCKET,
        "MEDIA_S3_ENDPOINT_URL": s3_endpoint,
        "MEDIA_S3_REGION": "us-east-1",
        "MEDIA_S3_ACCESS_KEY_ID": KEYS["access_key"],
        "MEDIA_S3_SECRET_ACCESS_KEY": KEYS["secret_key"],
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    saved = json.loads(result.stdout.strip().splitlines()[-1])

    assert saved["backend"] == "S3MediaStorage"
    assert saved["name"] in stored_keys(s3_endpoint, "notes/")
    with urllib.request.urlopen(saved["url"], timeout=10) as response:  # noqa: S310 - local server
        assert response.read() == b"kept in the bucket"
        assert "immutable" in response.headers["Cache-Control"]
    # Pages may show images from the bucket's origin, and from nowhere else new.
    assert s3_endpoint in saved["img_src"]


def forget_sorl_storage():
    # sorl-thumbnail looks its storage up once per process and keeps it; Django's own
    # default_storage follows the overridden setting, sorl's copy has to be told.
    from django.utils.functional import empty
    from sorl.thumbnail import default

    default.storage._wrapped = empty


@pytest.fixture
def media_in_bucket(settings, s3_endpoint):
    settings.STORAGES = settings.STORAGES | {
        "default": s3_media_storage(BUCKET, endpoint_url=s3_endpoint, region="us-east-1", **KEYS)
    }
    forget_sorl_storage()
    yield s3_endpoint
    forget_sorl_storage()


@pytest.mark.django_db
def test_an_upload_through_the_admin_and_its_renditions_are_served_from_the_bucket(
    client, editor, media_in_bucket
):
    client.force_login(editor)
    data = article_form(
        headline="Harbour works begin",
        slug="harbour-works-begin",
        image_alt="Cranes over the harbour",
        section=SectionFactory().pk,
        authors=[AuthorFactory()],
    ) | {
        "featured_image": jpeg(),
        "_save_draft": "Save",
    }
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    article = Article.objects.get(headline="Harbour works begin")
    assert article.featured_image.name in stored_keys(media_in_bucket, "articles/")
    assert not (Path(settings.MEDIA_ROOT) / article.featured_image.name).exists()

    services.publish_article(article=article, by=editor)
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()

    srcset = re.search(r'<img src="[^"]+" srcset="([^"]+)"[^>]*alt="Cranes over the harbour"', page)
    assert srcset, "the article page shows no featured image"
    candidates = [entry.strip().rsplit(" ", 1) for entry in srcset.group(1).split(",")]
    assert len(candidates) == 3
    for url, descriptor in candidates:
        assert url.startswith(f"{media_in_bucket}/{BUCKET}/"), url
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
            rendition = Image.open(io.BytesIO(response.read()))
        assert rendition.format == "JPEG"
        assert f"{rendition.width}w" == descriptor
    # The renditions were made once and kept in the bucket beside the original.
    assert len(stored_keys(media_in_bucket, "cache/")) == 3


def object_headers(endpoint, key):
    head = bucket_client(endpoint).head_object(Bucket=BUCKET, Key=key)
    return head["ContentType"], head.get("ContentDisposition")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["evil.shtml", "page.html", "drawing.svg", "photo"])
def test_an_upload_is_stored_in_the_bucket_as_an_image_whatever_it_claimed(
    client, editor, media_in_bucket, name
):
    client.force_login(editor)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 110, 90)).save(buffer, "PNG")
    upload = SimpleUploadedFile(name, buffer.getvalue() + b"<a href=javascript:alert(1)>x</a>", "text/html")
    data = article_form(image_alt="A square") | {"featured_image": upload, "_save_draft": "Save"}

    response = client.post(ADD_URL, data)

    assert response.status_code == 302
    key = Article.objects.get().featured_image.name
    assert key.endswith(".png")
    assert object_headers(media_in_bucket, key) == ("image/png", None)


@pytest.mark.parametrize(
    "name", ["old/evil.shtml", "old/page.HTML", "old/drawing.svg", "old/notes.txt", "old/noext"]
)
def test_a_file_in_the_bucket_that_is_not_an_image_is_a_download(media_in_bucket, name):
    """As an older upload, or a file put there by hand, would be."""
    stored = default_storage.save(name, ContentFile(b"<!doctype html><script>alert(1)</script>"))

    assert object_headers(media_in_bucket, stored) == ("application/octet-stream", "attachment")
