#!/usr/bin/env bash
# Runs the built server (dist/main.js, from build.mjs) with node.
#
# On a terminal the server runs as the foreground job in a process group of its own (bash job
# control), so Ctrl-C reaches the server alone: it shuts down and exits 0, and `pnpm start`
# with it. Otherwise pnpm, which gets the terminal's SIGINT too, would exit at once with
# "ELIFECYCLE Command failed" before the server had stopped (pnpm/pnpm#9945, #9938).
# Without a terminal (CI, tests) node simply replaces this shell and gets SIGTERM directly.
set -euo pipefail
cd "$(dirname "$0")"
export NODE_ENV="${NODE_ENV:-production}"
# The node binary itself: pnpm's shim for the `node` devDependency (node_modules/.bin/node)
# runs it as a child, so a signal sent to our pid would stop the shim and orphan the server.
node=$(node -p process.execPath)
if [ ! -t 0 ]; then exec "$node" dist/main.js "$@"; fi
set -m
"$node" dist/main.js "$@"
