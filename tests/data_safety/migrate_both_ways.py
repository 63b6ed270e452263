"""Move a database's migrations as far back as they go, or forward to the latest; run by
tests/data_safety/test_migrations.py in a child process on its own database:

    DATABASE_URL=... python tests/data_safety/migrate_both_ways.py first|zero|latest

`first` takes every app back to its first migration, `zero` unapplies every app entirely, and
`latest` applies everything. A migration with an operation that has no reverse (RunPython or
RunSQL without one) cannot be unapplied, so its app stops there, and so does everything it
needs; the script prints those stops as JSON for the test to judge (ours must have none).
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402


def app_migrations(graph, app):
    """The app's migrations, oldest first."""
    leaves = graph.leaf_nodes(app)
    ordered = []
    for leaf in leaves:
        for node in graph.forwards_plan(leaf):
            if node[0] == app and node not in ordered:
                ordered.append(node)
    return ordered


def irreversible(loader, node):
    migration = loader.graph.nodes[node]
    return [str(operation) for operation in migration.operations if not operation.reversible]


def backwards_targets(loader, mode):
    graph = loader.graph
    chains = {app: app_migrations(graph, app) for app in sorted(loader.migrated_apps)}
    stops = {}
    for app, chain in chains.items():
        for node in chain:
            if irreversible(loader, node):
                stops[app] = node  # the latest one wins: the app cannot go below it
    targets = {
        app: stops.get(app) or (chain[0] if mode == "first" else None) for app, chain in chains.items()
    }
    # Whatever a kept migration needs stays applied too, until nothing more changes.
    changed = True
    while changed:
        changed = False
        for target in [target for target in targets.values() if target]:
            for needed in graph.forwards_plan(target):
                app, chain = needed[0], chains[needed[0]]
                current = targets[app]
                if current is None or chain.index(needed) > chain.index(current):
                    targets[app] = needed
                    changed = True
    return targets, {
        app: {"migration": node[1], "operations": irreversible(loader, node)} for app, node in stops.items()
    }


def main(mode):
    if mode == "latest":
        # The command, not the executor: its post_migrate signal creates the permissions, the
        # role groups and the site, as on a real deployment.
        call_command("migrate", interactive=False, verbosity=0)
        applied = MigrationExecutor(connection).loader.applied_migrations
        print(json.dumps({"applied": len(applied)}))
        return
    executor = MigrationExecutor(connection)
    targets, stops = backwards_targets(executor.loader, mode)
    plan = executor.migration_plan([(app, node[1] if node else None) for app, node in targets.items()])
    executor.migrate([(app, node[1] if node else None) for app, node in targets.items()], plan=plan)
    print(
        json.dumps(
            {
                "unapplied": len(plan),
                "stops": stops,
                "targets": {app: node[1] if node else None for app, node in targets.items()},
                "apps": {
                    app: str(Path(config.path).resolve())
                    for app, config in ((c.label, c) for c in django.apps.apps.get_app_configs())
                },
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
