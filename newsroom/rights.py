"""The rights we reserve, told to machines in the ways they look for, all from the site
settings staff edit in the admin (newsroom/models.py):

- text and data mining, by the W3C TDMRep protocol: a `tdm-reservation` header (and a
  `tdm-policy` one) on every page, and the same rule for the whole site in
  /.well-known/tdmrep.json;
- AI crawlers, each asked by name in robots.txt to keep away from the whole site.

The licence of each article is in its JSON-LD (articles/views.py: licence).
"""

from newsroom.lib.urls import absolute_url
from newsroom.models import crawler_names


def tdm_policy_url(furniture):
    """The policy's full address, or "" (none, or the rights are not reserved)."""
    url = furniture.tdm_policy_url
    if not (furniture.tdm_reservation and url):
        return ""
    return absolute_url(url)


def tdm_headers(furniture):
    headers = {"tdm-reservation": "1" if furniture.tdm_reservation else "0"}
    if policy := tdm_policy_url(furniture):
        headers["tdm-policy"] = policy
    return headers


def tdm_rules(furniture):
    """The TDMRep rules of /.well-known/tdmrep.json: one, for every address of the site."""
    rule = {"location": "/", "tdm-reservation": 1 if furniture.tdm_reservation else 0}
    if policy := tdm_policy_url(furniture):
        rule["tdm-policy"] = policy
    return [rule]


def robots_groups(furniture):
    """robots.txt lines keeping each named AI crawler away from everything."""
    lines = []
    for name in crawler_names(furniture.blocked_crawlers):
        lines += [f"User-agent: {name}", "Disallow: /", ""]
    return lines
