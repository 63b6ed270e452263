"""What the apps built on articles add to an article page's schema.org JSON-LD.

articles never imports the apps above it, yet subscriptions is the one that knows which part
of a premium page is for subscribers. So that app registers a function here from its
AppConfig.ready(), and the article page merges what each registered function returns. A
plain list filled at start-up is the smallest honest shape: the import points from
subscriptions down to articles, as every other one does, and no setting names our own code.
"""

# Filled by register() at start-up; read on every article page.
additions = []


def register(addition):
    """Add `addition(article)`, which returns a dict to merge into the article's NewsArticle
    data (an empty one when it has nothing to say). Registering the same function twice adds it
    once, so a second ready() does not double the data."""
    if addition not in additions:
        additions.append(addition)
    return addition


def additions_for(article):
    data = {}
    for addition in additions:
        data |= addition(article)
    return data


def breadcrumb_list(trail, site_url):
    """schema.org BreadcrumbList for a trail of (name, path), the same steps the page shows."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": site_url + path}
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }
