"""The demo's site settings: who publishes it and its sister publications, as a real
publication's footer shows them. Blank fields are filled and missing sisters added; what
someone has already typed in the admin is left alone, so running the demo again changes
nothing."""

from newsroom.models import SiteSettings

PUBLISHER = "Ledger Media Cooperative"
ABOUT = "Independent public-affairs journalism from the city hall to the harbour."
SISTERS = [
    # name, address (made-up publications on reserved example domains)
    ("The Harbour Gazette", "https://harbour-gazette.example.org/"),
    ("Valley Weekly", "https://valley-weekly.example.org/"),
]


def seed_site_settings(tally):
    row, _ = SiteSettings.objects.get_or_create(pk=SiteSettings.SINGLETON_ID)
    changed = []
    if not row.publisher_name:
        row.publisher_name = PUBLISHER
        changed.append("publisher_name")
    if not row.about or row.about == SiteSettings._meta.get_field("about").default:
        row.about = ABOUT
        changed.append("about")
    if changed:
        row.save(update_fields=changed)
    tally.record("site settings", bool(changed))
    for position, (name, url) in enumerate(SISTERS):
        _, created = row.sister_publications.get_or_create(
            name=name, defaults={"url": url, "position": position}
        )
        tally.record("sister publications", created)
