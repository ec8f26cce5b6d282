#!/usr/bin/env bash
# One-time (and repeatable) setup: checks Node, installs the locked npm dependencies.
# Idempotent: a second run with an unchanged package-lock.json skips the install.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

node_version=$(node -p 'process.versions.node')
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "[setup] canarylab needs Node.js >= 20.19, found $node_version" >&2
  exit 1
fi

stamp=node_modules/.canarylab-setup
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "npm dependencies up to date (package-lock.json unchanged)"
else
  say "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
# The compiled package (dist/: ESM, CommonJS, .d.ts) that the canarylab command runs; rebuilt on every setup.
say "building dist/ (npm run build)"
npm run build --silent >/dev/null
# Jupyter (Debian packages: PyPI is not reachable here) and the tslab TypeScript kernel, registered for this
# project only (absolute kernel binary, /usr/bin/python3, project-local JUPYTER_PATH in .jupyter/).
# Optional for `npm start`; needed for the notebooks. Skip with CANARYLAB_SKIP_JUPYTER=1.
jupyter_ok() { /usr/bin/python3 -c 'import nbclient, nbconvert, ipykernel, jupyter_client, notebook' >/dev/null 2>&1; }
if [ "${CANARYLAB_SKIP_JUPYTER:-0}" = "1" ]; then
  say "skipping Jupyter (CANARYLAB_SKIP_JUPYTER=1)"
else
  if jupyter_ok; then
    say "Jupyter present"
  else
    pkgs="jupyter-core jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-notebook"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
    if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
      say "installing Jupyter from Debian packages ($pkgs)"
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
    else
      say "WARNING: Jupyter is missing and this user cannot apt-get install; notebooks will not run."
      say "         as root: apt-get install -y --no-install-recommends $pkgs"
    fi
  fi
  if jupyter_ok; then
    kernel=.jupyter/share/jupyter/kernels/tslab/kernel.json
    if [ -f "$kernel" ] && grep -q "$PWD/node_modules/.bin/tslab" "$kernel"; then
      say "tslab kernel registered (.jupyter/)"
    else
      say "registering the tslab kernel in .jupyter/"
      node node_modules/tslab/bin/tslab install --python=/usr/bin/python3 \
        --binary="$PWD/node_modules/.bin/tslab" --prefix="$PWD/.jupyter" >/dev/null
    fi
  fi
fi
# Chromium (Debian's package, driven by playwright-core; never a browser a tool downloads itself) for the
# report's browser test. Optional for `npm start`. Skip with CANARYLAB_SKIP_BROWSER=1.
if [ "${CANARYLAB_SKIP_BROWSER:-0}" = "1" ]; then
  say "skipping Chromium (CANARYLAB_SKIP_BROWSER=1)"
elif [ -x /usr/bin/chromium ]; then
  say "Chromium present (/usr/bin/chromium)"
else
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    say "installing Chromium from Debian packages (chromium, about 410 MB)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    say "WARNING: /usr/bin/chromium is missing and this user cannot apt-get install; the browser test will be skipped (and fails under CI)."
    say "         as root: apt-get install -y --no-install-recommends chromium"
  fi
fi
# ClickHouse (Debian's clickhouse-server + clickhouse-client, 18.16) for the distributed engine's tests: they
# start a 2-shard cluster on loopback from their own config files (no systemd, no service is enabled here).
# Optional for `npm start` and for analysing files with DuckDB. Skip with CANARYLAB_SKIP_CLICKHOUSE=1 — except
# under CI, which must run those tests.
ch_ok() { [ -x /usr/bin/clickhouse-server ] || [ -x /usr/sbin/clickhouse-server ] || command -v clickhouse-server >/dev/null 2>&1; }
if [ "${CANARYLAB_SKIP_CLICKHOUSE:-0}" = "1" ] && [ -z "${CI:-}" ]; then
  say "skipping ClickHouse (CANARYLAB_SKIP_CLICKHOUSE=1)"
elif ch_ok; then
  say "ClickHouse present (clickhouse-server)"
else
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    say "installing ClickHouse from Debian packages (clickhouse-server clickhouse-client)"
    $SUDO apt-get update -qq
    # policy-rc.d 101: the package's post-install must not start a system service (the tests run their own).
    made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod +x /usr/sbin/policy-rc.d
      made_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends clickhouse-server clickhouse-client >/dev/null
    [ "$made_policy" = "1" ] && $SUDO rm -f /usr/sbin/policy-rc.d
  else
    say "WARNING: clickhouse-server is missing and this user cannot apt-get install; the ClickHouse tests will be skipped (and fail under CI)."
    say "         as root: apt-get install -y --no-install-recommends clickhouse-server clickhouse-client"
  fi
fi
say "done (Node $node_version)"
