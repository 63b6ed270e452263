"""Stand-ins for the account-page providers and data exporters that later apps register
(accounts.panels.register, accounts.exports.register)."""

from accounts.panels import AccountPanel


def saved_searches_panel(request):
    return AccountPanel(
        title="Your saved searches",
        template_name="accounts/panels/_links.html",
        context={"items": [{"text": "Council budget", "url": "/search/?q=council+budget", "note": "weekly"}]},
    )


def nothing_for_this_reader(request):
    return None


def export_saved_searches(user):
    return [{"query": "council budget", "owner": user.email}]
