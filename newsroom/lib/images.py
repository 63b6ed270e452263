"""Uploaded images: the one field every image upload goes through, its checks, and the copy of
the picture that is stored in place of the uploaded file.

The content must be a real image of an accepted type, within size and dimension limits; the file
name and the browser's claimed type are never trusted. What is stored is not the uploaded file
but Pillow's own drawing of its picture, in the format Pillow found, under a name we make up
with that format's extension. Whatever else the upload carried (markup hidden in comments,
metadata or trailing bytes, a name ending in .shtml) is not stored, and the media server (nginx,
or the object store) serves a stored image as the image type its name says.
"""

import io
import re
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

_MARKUP = re.compile(rb"(?i)<(?:\?php|script|html|!doctype|svg|iframe|body|object|embed)\b")

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
# The extension a stored image gets from its format.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# What media servers show inline, by extension: our image types and nothing else; any other
# file under /media/ is a download (deploy/nginx/newsroom.conf, newsroom/lib/s3storage.py).
INLINE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}
# Stored images are the originals renditions are made from, so they are kept near lossless.
STORED_QUALITY = 92
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


def redrawn_image(content):
    """The picture in `content`, drawn again by Pillow: a ContentFile in the format Pillow
    detected, under a new random name with that format's extension.

    The file is checked first, as every upload is (ValidationError when it is not an image we
    accept). Only the pixels are kept: EXIF (a phone's location included, after turning the
    picture the way its orientation tag says), comments, text chunks and other metadata are
    dropped, and an embedded colour profile is applied (converted to sRGB) rather than copied.
    An animated GIF or WebP keeps its first frame only: pages show renditions, which are
    stills, and drawing every frame of a 10 MB animation is too much work for one request.
    """
    validate_image_file(content)
    content.seek(0)
    try:
        drawn, image_format = _redraw(content)
    # The checks passed, so this is a file Pillow reads but cannot draw again (a broken EXIF
    # block, an odd mode): to the uploader it is one more image we cannot use.
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError, KeyError):
        raise ValidationError(
            "This image could not be read to the end. "
            "Save it again from an image editor and upload that copy.",
            code="not_redrawable",
        ) from None
    finally:
        content.seek(0)
    return ContentFile(drawn, name=f"{uuid.uuid4().hex}.{EXTENSIONS[image_format]}")


def _redraw(content):
    with Image.open(content) as image:
        image_format = image.format
        picture = ImageOps.exif_transpose(image)  # a copy of the first frame
    if image_format != "GIF":
        picture = _in_srgb(picture)
    # Only the transparency is information about the pixels; the rest of `info` (comments,
    # EXIF, XMP, profiles, animation timing) Pillow would otherwise write out again.
    picture.info = {key: value for key, value in picture.info.items() if key == "transparency"}
    options = {}
    if image_format == "JPEG":
        if picture.mode not in {"L", "RGB"}:
            picture = picture.convert("RGB")
        options = {"quality": STORED_QUALITY, "optimize": True}
    elif image_format == "WEBP":
        options = {"quality": STORED_QUALITY}
    drawn = io.BytesIO()
    picture.save(drawn, image_format, **options)
    return drawn.getvalue(), image_format


def validate_uploaded_image(upload):
    """validate_image_file, and for a new upload also the drawing that will be stored, so a
    file that cannot be drawn again is a message on the form, not an error when it is saved.
    A file already stored was drawn when it was saved and is not drawn again."""
    if upload is None:
        return
    if getattr(upload, "_committed", False):
        validate_image_file(upload)
        return
    # Kept on the uploaded file, so that saving it stores this drawing instead of making it
    # again: each drawing decodes and encodes the whole picture.
    uploaded = getattr(upload, "file", upload)
    uploaded.newsroom_redrawn = redrawn_image(upload)


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _in_srgb(picture):
    """The picture with its embedded colour profile applied, so it looks the same without it."""
    profile = picture.info.get("icc_profile")
    if not profile:
        return picture
    if picture.mode not in {"L", "RGB", "RGBA", "CMYK"}:
        picture = picture.convert("RGBA" if picture.has_transparency_data else "RGB")
    output_mode = "RGBA" if picture.mode == "RGBA" else "RGB"
    try:
        return ImageCms.profileToProfile(
            picture, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _SRGB, outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile, or one for another kind of picture: the pixels as they are.
        return picture


class UploadedImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # Whatever the file was called and whatever rode along with its picture, what is stored
        # is our own drawing of the picture under our own name. Every way in (the admin, the
        # feed import, seed_demo, a script) saves through here.
        image = getattr(content, "newsroom_redrawn", None) or redrawn_image(content)
        super().save(image.name, image, save)


class UploadedImageField(models.ImageField):
    """The field for every uploaded image: checked by validate_image_file and stored as
    redrawn_image makes it. `upload_to` gives the folder; the file name is always ours."""

    attr_class = UploadedImageFieldFile
    default_validators = [validate_uploaded_image]

    def formfield(self, **kwargs):
        # The uploader's file name is not kept, so its length is no reason to refuse a picture.
        return super().formfield(**{"max_length": None, **kwargs})
