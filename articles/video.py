"""Embedded video from an allow-list of providers, as privacy-friendly embed addresses.

Only the provider's no-tracking player is ever embedded, and the page loads it only when the
reader asks (see templates/articles/_video.html), so an article page makes no third-party
request by itself.
"""

import re
from urllib.parse import parse_qs, urlsplit

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^[0-9]{4,12}$")


def parse_video(url):
    """(provider name, video id) for an allowed video address, else None."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    if host in YOUTUBE_HOSTS:
        if host == "youtu.be" and segments:
            candidate = segments[0]
        elif segments[:1] == ["watch"]:
            candidate = parse_qs(parts.query).get("v", [""])[0]
        elif len(segments) >= 2 and segments[0] in {"embed", "shorts", "live"}:
            candidate = segments[1]
        else:
            return None
        return ("YouTube", candidate) if YOUTUBE_ID.match(candidate) else None
    if host in VIMEO_HOSTS:
        candidate = segments[-1] if segments else ""
        return ("Vimeo", candidate) if VIMEO_ID.match(candidate) else None
    return None


def video_embed_url(url):
    parsed = parse_video(url)
    if parsed is None:
        return None
    provider, video_id = parsed
    if provider == "YouTube":
        return f"https://www.youtube-nocookie.com/embed/{video_id}"
    return f"https://player.vimeo.com/video/{video_id}?dnt=1"


def video_provider(url):
    parsed = parse_video(url)
    return parsed[0] if parsed else None
