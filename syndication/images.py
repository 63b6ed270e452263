"""A partner's picture, fetched as carefully as its feed and stored as our own rendition.

We never keep the partner's file: it is checked like an upload (newsroom/lib/images.py), then
drawn again as a JPEG no larger than we show. Re-encoding drops whatever else the file carried
(EXIF location, comments, trailing bytes) and bounds what our pages serve.
"""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from newsroom.lib.images import MAX_BYTES, validate_image_file
from syndication.fetcher import fetch

RENDITION_MAX_SIDE = 1600
RENDITION_QUALITY = 85


def fetch_image_rendition(url):
    """A JPEG ContentFile of the image at `url`.

    Raises FetchError when it cannot be fetched and ValidationError when it is not an image we
    accept.
    """
    response = fetch(url, max_bytes=MAX_BYTES, accept="image/jpeg, image/png, image/webp, image/gif")
    original = ContentFile(response.content, name="partner-image")
    validate_image_file(original)
    with Image.open(io.BytesIO(response.content)) as image:
        image.draft("RGB", (RENDITION_MAX_SIDE, RENDITION_MAX_SIDE))  # JPEG: decode at reduced size
        picture = ImageOps.exif_transpose(image)
        picture.thumbnail((RENDITION_MAX_SIDE, RENDITION_MAX_SIDE))
        if picture.mode in {"RGBA", "LA", "P"}:
            picture = picture.convert("RGBA")
            # JPEG has no transparency: lay the picture on white, as the page behind it is.
            background = Image.new("RGB", picture.size, "white")
            background.paste(picture, mask=picture.getchannel("A"))
            picture = background
        rendition = io.BytesIO()
        picture.convert("RGB").save(
            rendition, "JPEG", quality=RENDITION_QUALITY, optimize=True, progressive=True
        )
    return ContentFile(rendition.getvalue())
