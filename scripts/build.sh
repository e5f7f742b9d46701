#!/usr/bin/env bash
# Compiles the product to JavaScript in dist/, laid out like the sources, with the files the code reads
# beside it (views, templates, static files, plain .js/.mjs modules): what the Docker image runs, with
# no TypeScript at run time. Built in a scratch directory first, so a failed build leaves dist/ as it was.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=$(mktemp -d "${TMPDIR:-/tmp}/service-lane-dist.XXXXXX")
trap 'rm -rf "$out"' EXIT
# mktemp makes it private; the image's non-root user must read it.
chmod 755 "$out"
npx tsc -p tsconfig.build.json --outDir "$out"
# Beside every source directory the compiler emitted code for.
for emitted in "$out"/*/; do
  dir=$(basename "$emitted")
  if [ -d "$dir" ]; then find "$dir" -type f ! -name '*.ts' -exec cp --parents {} "$out/" \;; fi
done
touch "$out/.built"
rm -rf dist
mv "$out" dist
trap - EXIT
