# Shared settings for scripts/run, scripts/test and scripts/bench: tool versions, paths, and
# the install steps, each skipped when the right version is already there. Sourced, not run.
set -euo pipefail

KEFU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the `=` pin of wasm-bindgen in Cargo.toml
BINARYEN_VERSION=132
WASM_SPLIT_VERSION=0.2.4      # wasm_split_cli_support: wasm-split-cli, which splits at #[wasm_split]
# What wasm-opt is told the wasm uses (rustc's default wasm features; `strip = true` drops the
# section that would say so): index.html's data-wasm-opt-params, and scripts/tools/wasm-bindgen
# for the lazily loaded parts.
export KEFU_WASM_FEATURES="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue"

# scripts/tools first: its wasm-bindgen splits the wasm before running the real one (see there).
export PATH="$KEFU_ROOT/scripts/tools:$HOME/.cargo/bin:$KEFU_ROOT/node_modules/.bin:$PATH"
# Builds go outside the clone, one directory per clone's path: a clone at the same path again
# (CI's checkout, a fresh clone where the last one was) reuses the build. Clones at different
# paths never share one: cargo tells a crate's builds apart by file times alone, so a clone
# would take another clone's newer build as its own (its code; or, that clone deleted, a
# wasm-bindgen looking for its package.json).
kefu_clone_id="$(printf '%s' "$KEFU_ROOT" | cksum | cut -d' ' -f1)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/kefu/target-$kefu_clone_id}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export DEBIAN_FRONTEND=noninteractive

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

need_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

install_trunk() {
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
    say "building trunk $TRUNK_VERSION from crates.io (several minutes, once)"
    CARGO_TARGET_DIR="$HOME/.cache/kefu/tools-target" \
    CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

install_wasm_bindgen() {
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$" \
     || ! command -v wasm-bindgen-test-runner >/dev/null; then
    say "building wasm-bindgen-cli $WASM_BINDGEN_VERSION from crates.io (once)"
    CARGO_TARGET_DIR="$HOME/.cache/kefu/tools-target" \
    CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
}

install_wasm_split() {
  if ! cargo install --list 2>/dev/null | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:" \
     || ! command -v wasm-split-cli >/dev/null; then
    say "building wasm-split-cli $WASM_SPLIT_VERSION from crates.io (once)"
    CARGO_TARGET_DIR="$HOME/.cache/kefu/tools-target" \
    CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --locked \
        --features build-binary --force
  fi
}

install_node_packages() {
  # binaryen (wasm-opt), Playwright's test runner, PouchDB Server, and the benchmark peers,
  # all pinned in package-lock.json. Reinstalled only when the lock file changes.
  local stamp="$KEFU_ROOT/node_modules/.kefu-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$KEFU_ROOT/package-lock.json" "$stamp"; then
    say "installing npm packages (package-lock.json)"
    (cd "$KEFU_ROOT" && npm ci --omit=optional --no-audit --no-fund)
    cp "$KEFU_ROOT/package-lock.json" "$stamp"
  fi
}

install_chromium() {
  if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
    say "installing Debian chromium and chromium-driver"
    need_root apt-get update -qq
    need_root apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

install_build_tools() {
  install_wasm_target
  install_node_packages
  install_wasm_bindgen
  install_wasm_split
  install_trunk
}

build_release() {
  say "building the app (release)"
  (cd "$KEFU_ROOT" && trunk build --release)
}
