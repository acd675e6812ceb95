#!/usr/bin/env bash
# Installs Debian packages the project needs when a command is missing: system-deps.sh CMD:PACKAGE ...
set -euo pipefail
missing=()
for pair in "$@"; do
  cmd="${pair%%:*}"; pkg="${pair#*:}"
  if [[ "$cmd" == font-* ]]; then
    fc-list 2>/dev/null | grep -qi "${cmd#font-}" || missing+=("$pkg")
  elif ! command -v "$cmd" >/dev/null 2>&1; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]} — install them (apt-get install ${missing[*]}) and run again." >&2
  exit 1
fi
echo "[deps] installing ${missing[*]} with apt-get…"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
