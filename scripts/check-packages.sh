#!/usr/bin/env bash
# Packs every package the way `pnpm publish` would (publishConfig applied, workspace: ranges
# resolved) and checks the tarball with publint and @arethetypeswrong/cli.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
for dir in "$root"/packages/*/; do
  name="$(basename "$dir")"
  (cd "$dir" && pnpm pack --pack-destination "$out/$name" >/dev/null)
  tarball="$(ls "$out/$name"/*.tgz)"
  echo "== @unfazed/$name"
  pnpm exec publint run "$tarball" --strict || status=1
  pnpm exec attw "$tarball" --profile esm-only --format ascii --no-emoji || status=1
done
exit $status
