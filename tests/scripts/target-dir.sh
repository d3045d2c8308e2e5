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
# The build directory env.sh gives clone $1, with CARGO_TARGET_DIR unset unless set in $2.
target_of() {
  env -u CARGO_TARGET_DIR HOME="$tmp/home" ${2:+"$2"} \
    bash -c 'source "$1/scripts/env.sh"; echo "$CARGO_TARGET_DIR"' _ "$tmp/$1"
}
fail() { echo "target-dir: $*" >&2; exit 1; }

a="$(target_of a)"
b="$(target_of b)"
for dir in "$a" "$b"; do
  case "$dir" in "$tmp/home/.cache/kefu/"?*) ;; *) fail "a clone builds in $dir, not under ~/.cache/kefu" ;; esac
done
[ "$a" != "$b" ] || fail "two clones share the build directory $a"
[ "$(target_of a)" = "$a" ] || fail "clone a's build directory changed from one run to the next"
set_dir="$(target_of a CARGO_TARGET_DIR=/elsewhere)"
[ "$set_dir" = /elsewhere ] || fail "CARGO_TARGET_DIR=/elsewhere gave $set_dir"
echo "target-dir: ok"
