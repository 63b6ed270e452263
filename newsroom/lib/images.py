"""Checks for uploaded images: the content must be a real image of an accepted type, within
size and dimension limits. The file name and the browser's claimed type are never trusted."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, UnidentifiedImageError

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
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF file.",
            code="not_an_image",
        ) from None
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
