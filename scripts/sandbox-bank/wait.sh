#!/usr/bin/env bash
# Waits (up to ~15 s) until the sandbox bank at $1 answers /health; exit 1 if it never does.
url="${1:?usage: wait.sh BANK_LINK_URL}"
for _ in $(seq 1 60); do
  node -e "fetch(process.argv[1] + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$url" && exit 0
  sleep 0.25
done
exit 1
