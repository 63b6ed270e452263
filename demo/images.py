"""Pictures for the demo content, drawn with Pillow at seed time: abstract compositions in
muted colours for featured images, initials on a coloured disc for author portraits, and
simple wordmarks for partner and sponsor logos.

Each drawing is seeded by a name, so the same row always gets the same picture.
"""

import io
import random
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

FEATURE_SIZE = (1600, 900)
PORTRAIT_SIZE = 480
LOGO_SIZE = (720, 200)

# Muted, print-like colours: slate, sage, clay, ochre, plum, teal, sand.
PALETTES = [
    [(52, 70, 92), (120, 142, 160), (214, 204, 186), (176, 112, 74)],
    [(64, 92, 78), (142, 166, 140), (228, 220, 198), (190, 150, 86)],
    [(96, 62, 70), (170, 120, 112), (232, 214, 200), (84, 98, 120)],
    [(40, 88, 96), (110, 160, 160), (222, 226, 214), (200, 132, 90)],
    [(78, 70, 102), (150, 136, 170), (226, 218, 226), (112, 140, 110)],
    [(110, 84, 54), (190, 160, 110), (236, 228, 210), (70, 96, 110)],
]

_FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


def _font(size, serif=False):
    """DejaVu when the system has it, else Pillow's bundled font: never a download."""
    name = "DejaVuSerif-Bold.ttf" if serif else "DejaVuSans-Bold.ttf"
    for folder in _FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def _rng(key):
    return random.Random(key)  # noqa: S311 - picture composition, not security


def _mix(first, second, share):
    return tuple(round(a + (b - a) * share) for a, b in zip(first, second, strict=True))


def _encode(image, image_format, name):
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=84, optimize=True, progressive=True)
    else:
        image.save(buffer, image_format, optimize=True)
    return ContentFile(buffer.getvalue(), name=name)


def feature_image(key, name):
    """A 1600×900 JPEG: a soft vertical gradient with overlapping translucent shapes."""
    rng = _rng(f"feature:{key}")
    palette = rng.choice(PALETTES)
    dark, mid, light, accent = palette
    width, height = FEATURE_SIZE

    # Drawn at half size and scaled up: the shapes are soft anyway, and it is four times faster.
    small = (width // 2, height // 2)
    top, bottom = (light, mid) if rng.random() < 0.5 else (mid, dark)
    gradient = Image.linear_gradient("L").resize(small)
    image = Image.composite(Image.new("RGB", small, bottom), Image.new("RGB", small, top), gradient)

    layer = Image.new("RGBA", small, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(rng.randrange(5, 9)):
        colour = rng.choice([dark, accent, accent, light, mid])
        alpha = rng.randrange(90, 190)
        x, y = rng.randrange(-100, small[0]), rng.randrange(-100, small[1])
        size = rng.randrange(80, 360)
        shape = rng.random()
        if shape < 0.45:
            draw.ellipse((x, y, x + size, y + size), fill=(*colour, alpha))
        elif shape < 0.8:
            draw.rectangle((x, y, x + size * 1.6, y + size * 0.5), fill=(*colour, alpha))
        else:
            draw.polygon([(x, y + size), (x + size, y + size), (x + size / 2, y)], fill=(*colour, alpha))
    # A horizon of thin lines gives the compositions a common, newspaper-graphic look.
    horizon = rng.randrange(small[1] // 2, small[1] - 40)
    for offset in range(0, 60, 12):
        draw.line(
            (0, horizon + offset, small[0], horizon + offset), fill=(*_mix(accent, light, 0.3), 90), width=2
        )
    image = Image.alpha_composite(image.convert("RGBA"), layer)
    return _encode(image.resize(FEATURE_SIZE, Image.Resampling.BICUBIC), "JPEG", name)


def initials(name):
    words = [word for word in name.replace("Dr ", "").split() if word[:1].isalpha()]
    return "".join(word[0] for word in (words[:1] + words[-1:])).upper()


def portrait(name, colour, file_name):
    """A square PNG: the person's initials on a disc of their colour, on a pale ground."""
    size = PORTRAIT_SIZE
    image = Image.new("RGB", (size, size), _mix(colour, (245, 242, 236), 0.85))
    draw = ImageDraw.Draw(image)
    margin = size // 12
    draw.ellipse((margin, margin, size - margin, size - margin), fill=colour)
    draw.text((size / 2, size / 2), initials(name), font=_font(size // 3), fill=(250, 248, 244), anchor="mm")
    return _encode(image, "PNG", file_name)


def logo(name, colour, file_name):
    """A wordmark PNG: a small geometric mark in the organisation's colour, then its name."""
    rng = _rng(f"logo:{name}")
    width, height = LOGO_SIZE
    image = Image.new("RGB", LOGO_SIZE, (250, 248, 244))
    draw = ImageDraw.Draw(image)
    mark = height - 80
    left, top = 36, 40
    if rng.random() < 0.5:
        draw.ellipse((left, top, left + mark, top + mark), fill=colour)
        draw.ellipse(
            (left + mark * 0.3, top + mark * 0.3, left + mark * 0.7, top + mark * 0.7), fill=(250, 248, 244)
        )
    else:
        draw.rectangle((left, top, left + mark, top + mark), fill=colour)
        draw.polygon(
            [(left, top + mark), (left + mark, top), (left + mark, top + mark)],
            fill=_mix(colour, (0, 0, 0), 0.3),
        )
    text_left = left + mark + 28
    room = width - text_left - 24
    lines = [name]
    size = 44
    font = _font(size, serif=True)
    if draw.textlength(name, font=font) > room:
        # Two balanced lines read better than one line in small type.
        words = name.split()
        split = min(
            range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:])))
        )
        lines = [" ".join(words[:split]), " ".join(words[split:])]
    while max(draw.textlength(line, font=font) for line in lines) > room and size > 16:
        size -= 2
        font = _font(size, serif=True)
    line_height = size * 1.25
    first_y = height / 2 - line_height * (len(lines) - 1) / 2
    for number, line in enumerate(lines):
        draw.text(
            (text_left, first_y + number * line_height),
            line,
            font=font,
            fill=_mix(colour, (20, 20, 20), 0.5),
            anchor="lm",
        )
    return _encode(image, "PNG", file_name)
