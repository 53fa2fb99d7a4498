#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (test tools cannot download a browser here), with a
# Japanese font so that screenshots show the text.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fonts=$(fc-list 2>/dev/null || true)
grep -qi "noto.*cjk" <<<"$fonts" || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${need[*]} from Debian's packages"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
else
  echo "Missing ${need[*]}: browser tests skip without Chromium (apt-get install ${need[*]})" >&2
fi
