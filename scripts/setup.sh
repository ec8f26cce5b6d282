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
say "done (Node $node_version)"
