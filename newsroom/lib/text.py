"""Characters XML 1.0 forbids, and the one way we remove them.

XML 1.0 allows tab, newline, carriage return and everything from U+0020 up, except the
surrogates (U+D800 to U+DFFF, which are halves of a pair and mean nothing alone) and the two
non-characters U+FFFE and U+FFFF. A headline holding any other control character, say the
`&#1;` of a partner's feed or the vertical tab a word processor pastes, cannot be written into
RSS, Atom or a sitemap: Django's feed writer refuses it (a 500 for every reader of the feed)
and a template writes it out as invalid XML.

The rule, in two places:
- Stored text never holds them. Every save of a model of ours (and of a tag) strips them
  from its text fields (`newsroom/signals.py`), whoever saves it: the admin, the feed import,
  a script. They are removed silently rather than refused: nobody types them on purpose, they
  arrive pasted or imported, and the text around them is what the person meant.
- What writes XML strips them again on the way out (`articles/feeds.py`,
  `articles/sitemaps.py`), so a row written around save() (an `update()`, raw SQL, an old
  backup) can never take a feed down.

PostgreSQL cannot store a lone surrogate or a NUL in text at all; stripping them also keeps
such input from failing the save.
"""

import re

from taggit.utils import _parse_tags

XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text):
    """`text` without the characters XML 1.0 forbids; anything that is not a string as it is."""
    if isinstance(text, str):
        return XML_FORBIDDEN.sub("", text)
    return text


def xml_safe_values(value):
    """`value` with every string in it made XML-safe, through lists, tuples and dictionaries
    (a feed item is a dictionary of strings, lists of category names, dates and enclosures)."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {key: xml_safe_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [xml_safe_values(item) for item in value]
    if type(value) is tuple:
        return tuple(xml_safe_values(item) for item in value)
    return value


def tags_from_string(tag_string):
    """taggit's own parser (TAGGIT_TAGS_FROM_STRING) on the string without forbidden characters.

    The save would strip them anyway, but taggit looks a typed name up before it saves: "Water"
    with a control character would miss the existing "Water" tag and then collide with it.
    """
    return _parse_tags(xml_safe(tag_string))
