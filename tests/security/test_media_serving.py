"""The shipped nginx configuration never serves an uploaded file as a page: files planted in
MEDIA_ROOT under names a server would render (older uploads kept their names) come back as
downloads of no particular type, images as themselves, and every answer under /media/ carries
nosniff and the sandbox CSP. Real nginx, with deploy/nginx/newsroom.conf rendered as
bench/run.py renders it and Debian's own mime.types included, as a server's nginx.conf does."""

import pytest

from tests.scale_out.processes import free_port, http_get, nginx_in_front_of, run_dir

PAGE = b"<!doctype html><html><body><script>alert(document.domain)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"><rect/></svg>'

# Files an older upload, or an attacker's write, could have left; none may be rendered.
NOT_IMAGES = {
    "evil.shtml": PAGE,
    "EVIL.SHTML": PAGE,
    "x.html": PAGE,
    "x.htm": PAGE,
    "y.svg": SVG,
    "y.svgz": SVG,
    "z.xml": b'<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
    "a.xhtml": b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    "b.php": b"<?php echo 1; ?>" + PAGE,
    "c.js": b"alert(document.domain)",
    "d.txt": PAGE,
    "photo.png.html": PAGE,
    "noextension": PAGE,
    "articles/2024/05/old-upload.shtml": PAGE,
}

IMAGES = {
    "pic.jpg": "image/jpeg",
    "pic.jpeg": "image/jpeg",
    "PIC.JPG": "image/jpeg",
    "pic.png": "image/png",
    "pic.gif": "image/gif",
    "pic.webp": "image/webp",
    "cache/ab/cd/rendition.jpg": "image/jpeg",
    # An older upload with markup inside an image's name: still only ever an image.
    "polyglot.png": "image/png",
}

SANDBOX = "sandbox; default-src 'none'"


@pytest.fixture(scope="module")
def media_nginx():
    media_root = run_dir("media")
    for name, content in NOT_IMAGES.items():
        path = media_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for name in IMAGES:
        path = media_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # The bytes do not matter to nginx: it goes by the name, and the browser by the type.
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + PAGE)
    # Nothing listens upstream: these tests ask only for files.
    with nginx_in_front_of(free_port(), media_root=media_root, ready_path="/media/pic.png") as process:
        yield process


def get(server, name):
    return http_get(server.port, "/media/" + name)


def assert_protected(headers):
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("content-security-policy") == SANDBOX


@pytest.mark.parametrize("name", list(NOT_IMAGES))
def test_a_file_that_is_not_an_image_is_only_ever_a_download(media_nginx, name):
    status, headers, _ = get(media_nginx, name)

    assert status == 200
    assert headers["content-type"] == "application/octet-stream"
    assert headers.get("content-disposition") == "attachment"
    assert_protected(headers)


@pytest.mark.parametrize("name", list(IMAGES))
def test_an_image_is_served_inline_as_its_type_with_nosniff_and_the_sandbox(media_nginx, name):
    status, headers, _ = get(media_nginx, name)

    assert status == 200
    assert headers["content-type"] == IMAGES[name]
    assert "content-disposition" not in headers
    assert_protected(headers)
    assert "max-age=2592000" in headers["cache-control"]


@pytest.mark.parametrize("name", ["missing.png", "missing.shtml", "articles/", ""])
def test_refusals_under_media_carry_the_protective_headers_too(media_nginx, name):
    status, headers, _ = get(media_nginx, name)

    assert status in {403, 404}
    assert_protected(headers)
