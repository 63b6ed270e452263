"""axe-core in the browser: the check every browser journey runs on the pages it visits."""

from importlib import resources

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_SOURCE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def assert_accessible(page, name):
    """No serious or critical axe-core violations on the page as it is now."""
    page.evaluate(AXE_SOURCE)
    results = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{resultTypes: ['violations'], runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        f"{[node['target'] for node in violation['nodes']][:3]}"
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert serious == [], f"{name}: {serious}"
