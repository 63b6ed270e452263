"""The XSS corpus: the hand-written vectors of xss_payloads.txt, plus each vector after an
attribute or element breakout and in the encodings a careless decoder might undo.

Kept deterministic (the same list, in the same order, every run) so a failure names a
payload by its index and a rerun reproduces it.
"""

import html
from pathlib import Path
from urllib.parse import quote

CORPUS_FILE = Path(__file__).with_name("xss_payloads.txt")

# What a payload puts before itself to leave the context it lands in: a quoted or unquoted
# attribute, a textarea, a title, a script block, a comment, CDATA, a style block.
BREAKOUTS = [
    '">',
    "'>",
    "</textarea>",
    "</title>",
    "</script>",
    "-->",
    "]]>",
    "</style>",
    "`>",
    "</noscript>",
    "</iframe>",
    "*/",
]

# The vectors every breakout is combined with: one of each kind, so the product stays small.
_BREAKOUT_VECTORS = [
    "<script>window.__xss=1;alert(1)</script>",
    "<img src=x onerror=window.__xss=1>",
    "<svg onload=window.__xss=1>",
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<a href="javascript:window.__xss=1">click me</a>',
    "<details open ontoggle=window.__xss=1><summary>s</summary></details>",
    "<input onfocus=window.__xss=1 autofocus>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1></style></mglyph></table>"
    "</mtext></math>",
]

# Attribute injections without angle brackets, for values that land inside an attribute.
_ATTRIBUTE_INJECTIONS = [
    '" onmouseover="window.__xss=1',
    "' onmouseover='window.__xss=1",
    '" autofocus onfocus="window.__xss=1',
    '" style="x:expression(window.__xss=1)',
    "x onerror=window.__xss=1",
    '"><x onclick=window.__xss=1 x="',
]


def _read_vectors():
    vectors = []
    for line in CORPUS_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") or not line:
            continue
        vectors.append(line)
    return vectors


def _encodings(vector):
    """The vector as a double-decoding bug would see it: percent-encoded, entity-encoded,
    JavaScript-escaped, in full-width brackets."""
    return [
        quote(vector, safe=""),
        html.escape(vector),
        "".join(f"&#{ord(character)};" for character in vector),
        vector.replace("<", "\\u003c").replace(">", "\\u003e"),
        vector.replace("<", "\uff1c").replace(">", "\uff1e"),
    ]


def build_corpus():
    vectors = _read_vectors()
    corpus = list(vectors)
    corpus += [breakout + vector for breakout in BREAKOUTS for vector in _BREAKOUT_VECTORS]
    corpus += _ATTRIBUTE_INJECTIONS
    for vector in _BREAKOUT_VECTORS:
        corpus += _encodings(vector)
    # Same payload, different case and spacing: the filters that match one spelling only.
    corpus += [vector.upper() for vector in _BREAKOUT_VECTORS]
    corpus += [vector.replace(" ", "\t") for vector in _BREAKOUT_VECTORS]
    corpus += [vector.replace(" ", "/") for vector in _BREAKOUT_VECTORS]
    seen = set()
    return [payload for payload in corpus if not (payload in seen or seen.add(payload))]


XSS_PAYLOADS = build_corpus()
