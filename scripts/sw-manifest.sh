#!/usr/bin/env bash
# Trunk post_build hook: writes this build's file list and id into sw.js in the staging dir.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"
cd "$dir"
files=$(find . -type f ! -name sw.js | sed 's|^\./|/|' | sort)
build=$(printf '%s\n' $files | xargs -I{} sha256sum ".{}" | sha256sum | cut -c1-16)
list=$( (echo "/"; printf '%s\n' $files) | sed 's/.*/"&"/' | paste -sd, -)
sed -i "s|__KEFU_BUILD__|$build|; s|__KEFU_ASSETS__|[$list]|" sw.js
