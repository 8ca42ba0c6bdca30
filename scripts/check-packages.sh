#!/usr/bin/env bash
# Checks every package (or the package dirs given) the way a user meets it on npm:
#   1. `npm pack` refuses loudly (the prepack guard: npm ignores publishConfig and would ship
#      ./src exports and workspace:^ ranges), and `pnpm pack` builds and packs it;
#   2. the packed manifest has no workspace: range and no export into ./src;
#   3. publint and @arethetypeswrong/cli pass on the tarball;
#   4. every relative link in its packed README.md and docs/**/*.md resolves inside the tarball;
#   5. all tarballs install together into a fresh project with npm, and every entry point
#      (`.`, `./internal`, …) imports under Node 24.
# Run it through pnpm (`pnpm run check:packages`), so Node 24 and the tools are on PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
node="$root/node_modules/.bin/node"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
fail() {
  echo "  FAIL: $*" >&2
  status=1
}

if [ "$#" -gt 0 ]; then dirs=("$@"); else dirs=("$root"/packages/*/); fi
tarballs=()
for dir in "${dirs[@]}"; do
  dir="$(cd "$dir" && pwd)"
  name="$(basename "$dir")"
  echo "== @unfazed/$name"

  if ! grep -q '"prepack": "node ../../scripts/require-pnpm.mjs && tsdown"' "$dir/package.json"; then
    fail "$name has no prepack guard (\"prepack\": \"node ../../scripts/require-pnpm.mjs && tsdown\"): npm pack would ship it broken"
  # Without pnpm's user agent in the environment: npm reads npm_config_* as its own config.
  elif npm_err="$(cd "$dir" && env -u npm_config_user_agent npm pack --dry-run --pack-destination "$out" 2>&1 >/dev/null)"; then
    fail "$name: npm pack succeeded; it must refuse"
  elif ! grep -q 'Refusing to pack' <<<"$npm_err"; then
    fail "$name: npm pack failed, but not with the guard's message: $npm_err"
  fi

  mkdir -p "$out/$name"
  if ! (cd "$dir" && pnpm pack --pack-destination "$out/$name" >"$out/$name/pack.log" 2>&1); then
    cat "$out/$name/pack.log" >&2
    fail "$name: pnpm pack failed"
    continue
  fi
  tarball="$(ls "$out/$name"/*.tgz)"
  tarballs+=("$tarball")
  mkdir "$out/$name/unpacked"
  tar -xzf "$tarball" -C "$out/$name/unpacked"
  unpacked="$out/$name/unpacked/package"

  "$node" -e '
    const m = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const text = JSON.stringify(m);
    const bad = [];
    if (text.includes("workspace:")) bad.push("a workspace: range");
    if (/"\.\/src\//.test(JSON.stringify(m.exports ?? {}))) bad.push("an export into ./src");
    if (bad.length) { console.error("  packed package.json has " + bad.join(" and ")); process.exit(1); }
  ' "$unpacked/package.json" || fail "$name: packed manifest"

  pnpm exec publint run "$tarball" --strict || fail "$name: publint"
  pnpm exec attw "$tarball" --profile esm-only --format ascii --no-emoji || fail "$name: attw"
  "$node" "$root/scripts/check-links.ts" "$unpacked" || fail "$name: links in README.md or docs/"
done

echo "== install every tarball with npm and import every entry"
if [ "${#tarballs[@]}" -gt 0 ]; then
  "$node" "$root/scripts/smoke-install.ts" "$out/project" "${tarballs[@]}" || fail "install and import"
fi

if [ "$status" -ne 0 ]; then echo "check-packages: FAILED (see FAIL lines above)" >&2; fi
exit $status
