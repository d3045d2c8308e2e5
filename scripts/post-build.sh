#!/usr/bin/env bash
# Trunk post_build hook, run in the staging dir before it becomes dist/:
# 1. brings in the wasm's lazily loaded parts, which scripts/tools/wasm-bindgen left beside
#    wasm-bindgen's output, and points their loader at the main script's hashed name;
# 2. writes this build's file list and id into sw.js, so the service worker precaches exactly
#    this build (the parts among it) and a new build replaces the old cache.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fail() { echo "post-build: $*" >&2; exit 1; }
start="$PWD"
# Where cargo builds (wasm-bindgen's output is under it): CARGO_TARGET_DIR, as cargo resolves it.
target_dir() {
  local t="${CARGO_TARGET_DIR:-$(cd "$root" && cargo metadata --format-version 1 --no-deps \
    | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')}"
  case "$t" in /*) echo "$t" ;; *) echo "$start/$t" ;; esac
}
dir="${TRUNK_STAGING_DIR:?run by trunk}"
cd "$dir"

# wasm-bindgen alone leaves the split points' imports unresolved: such a page never starts.
if grep -l "__wasm_split_placeholder__" ./*.js >/dev/null 2>&1; then
  fail "the wasm was not split: Trunk ran without scripts/tools first on PATH (source scripts/env.sh)," \
    "or a RUSTFLAGS variable replaced .cargo/config.toml's -Clink-arg=--emit-relocs"
fi
profile=debug; [ "${TRUNK_PROFILE:-}" = release ] && profile=release
for main in ./*.js; do
  main="${main#./}"
  grep -q "__wasm_split" "$main" || continue
  parts=$(grep -o 'from "\./split-[0-9a-f]*/__wasm_split\.js"' "$main" | head -1 | cut -d/ -f2 || true)
  [ -n "$parts" ] || fail "$main imports the wasm's loader from an unexpected place"
  src="$(target_dir)/wasm-bindgen/$profile/$parts"
  [ -f "$src/__wasm_split.js" ] || fail "$main loads ./$parts/ but $src has no __wasm_split.js"
  stem="${main%.js}"; stem="${stem%-*}"
  rm -rf "$parts"
  cp -r "$src" "$parts"
  sed -i "s#from \"./$stem.js\"#from \"../$main\"#" "$parts/__wasm_split.js"
  grep -q "from \"../$main\"" "$parts/__wasm_split.js" \
    || fail "could not point $parts/__wasm_split.js at $main"
done

files=$(find . -type f ! -name sw.js | sed 's|^\./|/|' | sort)
build=$(printf '%s\n' $files | xargs -I{} sha256sum ".{}" | sha256sum | cut -c1-16)
list=$( (echo "/"; printf '%s\n' $files) | sed 's/.*/"&"/' | paste -sd, -)
sed -i "s|__KEFU_BUILD__|$build|; s|__KEFU_ASSETS__|[$list]|" sw.js
