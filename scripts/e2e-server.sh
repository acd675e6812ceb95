#!/usr/bin/env bash
# The app as the browser tests see it: its own database, Redis db and storage; the demo organisation
# without claims (the tests file their own); the built web app and the workers.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_ENV=production
export PORT="${E2E_PORT:-3100}"
export DATABASE_URL="${E2E_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/accounting_factory_e2e}"
# DATABASE_URL is the owner (migrate, the seed's reset); the app connects as af_app on the same database.
unset APP_DATABASE_URL
export REDIS_URL="${E2E_REDIS_URL:-redis://127.0.0.1:6379/2}"
export QUEUE_PREFIX="${E2E_QUEUE_PREFIX:-afe}"
export STORAGE_DIR="${E2E_STORAGE_DIR:-$PWD/.data/e2e-storage}"
# Production rules apply: a real random secret (kept in .data/, like the demo's), plain HTTP to localhost only.
mkdir -p .data
[ -s .data/e2e-session-secret ] || (umask 077 && head -c 32 /dev/urandom | base64 > .data/e2e-session-secret)
SESSION_SECRET=$(cat .data/e2e-session-secret)
export SESSION_SECRET
export ALLOW_PLAIN_HTTP_ON_LOCALHOST=true
export SEED_CLAIMS="${E2E_SEED_CLAIMS:-0}"
# The sandbox bank the host-to-host runs go to (scripts/sandbox-bank/), on a port of its own per app port.
export SANDBOX_BANK_PORT="${E2E_SANDBOX_BANK_PORT:-$((PORT + 1000))}"
export BANK_LINK_URL="http://127.0.0.1:${SANDBOX_BANK_PORT}"
npx tsx scripts/services.ts
npx tsx scripts/migrate.ts
npx tsx prisma/seed.ts --reset --phase data
[ -f build/index.js ] || NODE_ENV=production npx remix build
pids=()
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
node --import tsx scripts/sandbox-bank/index.ts & pids+=($!)
bash scripts/sandbox-bank/wait.sh "$BANK_LINK_URL" || echo "[e2e] the sandbox bank is not answering on ${BANK_LINK_URL}: host-to-host runs will stay unsent or UNKNOWN" >&2
node --import tsx workers/index.ts & pids+=($!)
node --import tsx server.ts & pids+=($!)
wait -n
