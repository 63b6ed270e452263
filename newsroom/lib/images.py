"""Checks for uploaded images: the content must be a real image of an accepted type, within
size and dimension limits. The file name and the browser's claimed type are never trusted."""

import re

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

_MARKUP = re.compile(rb"(?i)<(?:\?php|script|html|!doctype|svg|iframe|body|object|embed)\b")

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 8000
MIN_SIDE = 16


def validate_image_file(upload):
    if upload is None:
        return
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            f"This image is {filesizeformat(size)}; the largest accepted is {filesizeformat(MAX_BYTES)}.",
            code="image_too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    not_an_image = ValidationError(
        "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF file.",
        code="not_an_image",
    )
    try:
        upload.seek(0)
        # A page or script with an image glued on (a polyglot) passes every image check, and a
        # browser that sniffs it may run it: refuse markup anywhere in the bytes.
        if _MARKUP.search(upload.read(MAX_BYTES + 1)):
            raise not_an_image
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
        if max(width, height) <= MAX_SIDE:
            # verify() reads only the structure: a file cut short passes it, so decode it whole
            # (within the size limit, so the decoding cannot take gigabytes).
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    # DecompressionBombError is raised when a header claims more pixels than Pillow will
    # allocate; it is not an OSError, and uncaught it was a server error.
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    finally:
        upload.seek(position)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            f"{image_format} images are not accepted. Upload a JPEG, PNG, WebP or GIF file.",
            code="image_type",
        )
    if max(width, height) > MAX_SIDE:
        raise ValidationError(
            f"This image is {width}×{height} pixels; the longest side may be at most {MAX_SIDE}.",
            code="image_too_big",
        )
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            f"This image is {width}×{height} pixels, too small to show; each side needs at least {MIN_SIDE}.",
            code="image_too_small",
        )
