"""Reading a served page the way an attacker hopes a browser will: every element and attribute
the payloads try to inject, found with the standard library's HTML parser.

The rules hold for every page of ours, with or without payloads: no event attribute anywhere
(the CSP forbids inline handlers, so our templates have none), no script, data or vbscript
address in any link or source, no frame, object, embed, base or refresh, and no script but our
own files and the JSON-LD block.
"""

from html.parser import HTMLParser

URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "background",
    "poster",
    "srcdoc",
}
FORBIDDEN_ELEMENTS = {
    "iframe",
    "object",
    "embed",
    "base",
    "frameset",
    "frame",
    "applet",
    "portal",
    "svg",
    "math",
}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:image/svg")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self._in_script = None
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event attribute")
            squeezed = "".join(value.split()).lower()
            if name in URL_ATTRIBUTES and squeezed.startswith(SCRIPT_SCHEMES):
                self.problems.append(f"<{tag} {name}={value[:40]!r}> script address")
            if name == "style" and ("expression(" in squeezed or "javascript:" in squeezed):
                self.problems.append(f"<{tag} style=…> script in a style")
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and any(n == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs):
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            attributes = dict(attrs)
            if attributes.get("src"):
                if not attributes["src"].startswith("/static/"):
                    self.problems.append(f"<script src={attributes['src'][:40]!r}> not ours")
            elif attributes.get("type") != "application/ld+json":
                self._in_script = "inline"
            else:
                self._in_script = "json"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script == "inline" and ("__xss" in data or "alert(" in data):
            self.problems.append(f"inline script runs a payload: {data[:60]!r}")
        if self._in_script == "json" and "</" in data.lower():
            self.problems.append("JSON-LD block broken out of")


def injected(html):
    """What the page holds that a payload could have put there, in words; empty when clean."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems
