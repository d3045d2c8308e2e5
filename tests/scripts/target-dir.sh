#!/usr/bin/env bash
# scripts/env.sh's build directory: one per clone's path, the same for the same path, and
# CARGO_TARGET_DIR when it is set. Clones sharing one would take each other's builds (see
# env.sh). Run by scripts/test.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Two clones as env.sh sees them: its own copy, under another path.
for c in a b; do
  mkdir -p "$tmp/$c/scripts"
  cp "$root/scripts/env.sh" "$tmp/$c/scripts/"
done
target_of() { env -u CARGO_TARGET_DIR HOME="$tmp/home" bash -c 'source "$1/scripts/env.sh"; echo "$CARGO_TARGET_DIR"' _ "$tmp/$1"; }
fail() { echo "target-dir: $*" >&2; exit 1; }

a="$(target_of a)"
b="$(target_of b)"
case "$a" in "$tmp/home/.cache/kefu/"?*) ;; *) fail "clone a builds in $a, not under ~/.cache/kefu" ;; esac
case "$b" in "$tmp/home/.cache/kefu/"?*) ;; *) fail "clone b builds in $b, not under ~/.cache/kefu" ;; esac
[ "$a" != "$b" ] || fail "two clones share the build directory $a"
[ "$(target_of a)" = "$a" ] || fail "clone a's build directory changed from one run to the next"
set_dir="$(CARGO_TARGET_DIR=/elsewhere HOME="$tmp/home" bash -c 'source "$1/scripts/env.sh"; echo "$CARGO_TARGET_DIR"' _ "$tmp/a")"
[ "$set_dir" = /elsewhere ] || fail "CARGO_TARGET_DIR=/elsewhere gave $set_dir"
echo "target-dir: ok"
