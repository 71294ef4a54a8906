# Sourced by bin/start and bin/test: make .venv with Python 3.11 and install
# the project into it with the extras named in $1.
set -euo pipefail

python_for_venv() {
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
            echo "$candidate"
            return
        fi
    done
    echo "Python 3.11 is needed; none was found on PATH." >&2
    exit 1
}

ensure_venv() {
    local extras=$1
    if [ ! -x .venv/bin/python ]; then
        echo "Creating .venv with $(python_for_venv)…"
        "$(python_for_venv)" -m venv .venv
    fi
    echo "Installing the project and its dependencies ($extras)…"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
    export PATH="$PWD/.venv/bin:$PATH"
    export PYTHONUNBUFFERED=1
}
