#!/usr/bin/env bash
# Print the path of a Python 3.13 (preferred) or 3.12 interpreter that actually runs.
# pyenv shims exist for versions that are not selected, so each candidate is executed.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
candidates+=(python3.13)
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin; do candidates+=("$dir/python3.13"); done
candidates+=(python3.12)
for dir in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin; do candidates+=("$dir/python3.12"); done
candidates+=(python3)
for candidate in "${candidates[@]}"; do
  if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] in {(3, 12), (3, 13)} else 1)' >/dev/null 2>&1; then
    "$candidate" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "No Python 3.13 or 3.12 found. Install one (e.g. 'pyenv install 3.13' or 'apt-get install python3.13')." >&2
exit 1
