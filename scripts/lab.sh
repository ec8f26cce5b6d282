#!/usr/bin/env bash
# npm run lab: opens the notebooks for interactive work in Jupyter (Notebook server from Debian's packages),
# with the project's tslab kernel started in the project root.
# Prints the URL to open. Options: PORT (default 8888), HOST (default 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=/usr/bin/python3
if [ ! -f "$ROOT/node_modules/tslab/dist/main.js" ]; then
  echo "lab: tslab is not installed; run: npm run setup" >&2
  exit 1
fi
# The `tslab` kernel as scripts/notebooks.py runs it: tslab with the project's strict compiler options
# (scripts/tslab-kernel.cjs), registered in .jupyter/strict/ in front of the one `npm run setup` installs.
strict_dir=$("$PY" "$ROOT/scripts/notebooks.py" --register-kernel)
export JUPYTER_PATH="$strict_dir:$ROOT/.jupyter/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
# Debian 12 packages the classic Notebook server (jupyter-notebook), not JupyterLab.
if ! "$PY" -c 'import notebook' >/dev/null 2>&1; then
  echo "lab: no Jupyter server is installed (the notebooks themselves run headlessly without one: npm run notebooks)." >&2
  echo "     install the classic Notebook server from Debian (as root):" >&2
  echo "       apt-get install -y --no-install-recommends jupyter-notebook" >&2
  exit 1
fi

PORT=${PORT:-8888}
HOST=${HOST:-127.0.0.1}
TOKEN=${JUPYTER_TOKEN:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
extra=()
[ "$(id -u)" -eq 0 ] && extra+=(--allow-root)
echo "canarylab notebooks: http://$HOST:$PORT/tree/notebooks?token=$TOKEN"
echo "(kernels start in $ROOT; stop with Ctrl-C)"
exec "$PY" -m notebook --config="$ROOT/scripts/jupyter_notebook_config.py" \
  --ip="$HOST" --port="$PORT" --port-retries=0 --NotebookApp.token="$TOKEN" --no-browser "${extra[@]}"
