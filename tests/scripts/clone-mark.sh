#!/usr/bin/env bash
# scripts/env.sh and the shared target dir: a clone's crate is marked changed (src/lib.rs
# touched) when another clone built there last, and only then. Run by scripts/test.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Two clones as env.sh sees them: its own copy, and the src/lib.rs it may touch.
for c in a b; do
  mkdir -p "$tmp/$c/scripts" "$tmp/$c/src"
  cp "$root/scripts/env.sh" "$tmp/$c/scripts/"
  touch -d '2001-01-01' "$tmp/$c/src/lib.rs"
done
source_in() { (CARGO_TARGET_DIR="$tmp/target" HOME="$tmp/home" bash -c 'source "$1/scripts/env.sh"' _ "$tmp/$1"); }
touched() { [ "$(stat -c %Y "$tmp/$1/src/lib.rs")" -gt "$(date -d '2001-01-02' +%s)" ]; }
fail() { echo "clone-mark: $*" >&2; exit 1; }

source_in a
touched a || fail "a first build in an empty target dir did not mark the crate changed"
[ "$(cat "$tmp/target/.kefu-clone")" = "$tmp/a" ] || fail "the mark does not name clone a"
touch -d '2001-01-01' "$tmp/a/src/lib.rs"
source_in a
touched a && fail "clone a was marked changed though it built last"
source_in b
touched b || fail "clone b was not marked changed after clone a built"
touch -d '2001-01-01' "$tmp/a/src/lib.rs"
source_in a
touched a || fail "clone a was not marked changed after clone b built"
echo "clone-mark: ok"
