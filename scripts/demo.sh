#!/usr/bin/env bash
# One command from a fresh clone: install, services, migrate, seed, build, then serve web + workers on :3000.
#   npm run demo -- --instances 2   N web and N worker processes behind HAProxy on :3000 (scripts/instances.ts, docs/deploy.md)
set -euo pipefail
instances=0
while [ $# -gt 0 ]; do
  case "$1" in
    --instances) instances="${2:?--instances takes a number}"; shift 2 ;;
    --instances=*) instances="${1#*=}"; shift ;;
    *) echo "usage: npm run demo [-- --instances N]" >&2; exit 2 ;;
  esac
done
[[ "$instances" =~ ^[0-9]+$ ]] || { echo "--instances takes a number" >&2; exit 2; }
cd "$(dirname "$0")/.."
t0=$(date +%s)
log() { printf '[demo %3ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }

log "installing dependencies"
bash scripts/install.sh
if [ "$instances" -gt 0 ]; then bash scripts/system-deps.sh haproxy:haproxy; fi
bash scripts/system-deps.sh pdftoppm:poppler-utils pdfinfo:poppler-utils font-Noto\ Sans\ CJK:fonts-noto-cjk font-WenQuanYi\ Micro\ Hei:fonts-wqy-microhei

export NODE_ENV=production
export PORT="${PORT:-3000}"
# The owner: migrations and the seed's reset. The app connects as the role in APP_DATABASE_URL, by default
# af_app on the same database (created and granted by scripts/migrate.ts; docs/decisions/010).
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/accounting_factory}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export STORAGE_DIR="${STORAGE_DIR:-$PWD/.data/storage}"
# The demo serves plain HTTP on this machine only (no TLS here); a real deployment leaves this unset and serves HTTPS.
export ALLOW_PLAIN_HTTP_ON_LOCALHOST="${ALLOW_PLAIN_HTTP_ON_LOCALHOST:-true}"
if [ -z "${SESSION_SECRET:-}" ]; then
  mkdir -p .data
  [ -s .data/session-secret ] || (umask 077 && head -c 32 /dev/urandom | base64 > .data/session-secret)
  SESSION_SECRET=$(cat .data/session-secret)
  export SESSION_SECRET
fi

# The sandbox bank stands in for the banks' host-to-host link (scripts/sandbox-bank/, npm run sandbox-bank).
export SANDBOX_BANK_PORT="${SANDBOX_BANK_PORT:-4700}"
export BANK_LINK_URL="${BANK_LINK_URL:-http://127.0.0.1:${SANDBOX_BANK_PORT}}"

log "checking PostgreSQL and Redis"
npx tsx scripts/services.ts
log "migrating"
npx tsx scripts/migrate.ts
log "building"
npx remix build >/dev/null

pids=()
background=()
cleanup() {
  trap - INT TERM EXIT
  log "stopping"
  for pid in "${pids[@]}" "${background[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

node --import tsx scripts/sandbox-bank/index.ts & pids+=($!)
if bash scripts/sandbox-bank/wait.sh "$BANK_LINK_URL"; then
  log "sandbox bank on ${BANK_LINK_URL}"
else
  log "the sandbox bank is not answering on ${BANK_LINK_URL}: host-to-host payment runs will stay unsent or UNKNOWN"
fi
if [ "$instances" -gt 0 ]; then
  log "seeding the demo SSC (organisation, users, claims)"
  npx tsx prisma/seed.ts --phase data
  # N web instances on ports PORT+1… behind HAProxy on PORT, and N workers (logs in .data/instances/).
  node --import tsx scripts/instances.ts --web "$instances" --workers "$instances" --port "$PORT" & pids+=($!)
  for _ in $(seq 1 600); do curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/healthz" 2>/dev/null && break; sleep 0.5; done
else
# Workers first: they tile the seed's receipts while the seed is still writing.
node --import tsx workers/index.ts & pids+=($!)
log "seeding the demo SSC (organisation, users, claims)"
npx tsx prisma/seed.ts --phase data
node --import tsx server.ts & pids+=($!)
fi
# Receipt images are rendered and attached in the background; the workers tile them as they arrive.
node --import tsx prisma/seed.ts --phase receipts & background=($!)
log "ready on http://localhost:${PORT} (receipt images keep filling in for a few minutes)"
cat docs/demo-logins.txt
wait -n "${pids[@]}"
