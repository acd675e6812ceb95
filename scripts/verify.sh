#!/usr/bin/env bash
# Every test: typecheck, lint, unit, integration (real Postgres + Redis), browser (Playwright in Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n\033[1m== %s (%ss)\033[0m\n' "$1" "$(( $(date +%s) - start ))"; }

step "dependencies"
bash scripts/install.sh
bash scripts/system-deps.sh chromium:chromium haproxy:haproxy pdftoppm:poppler-utils qpdf:qpdf font-Noto\ Sans\ CJK:fonts-noto-cjk font-WenQuanYi\ Micro\ Hei:fonts-wqy-microhei

# Tests never touch the demo's database, Redis db or storage.
export NODE_ENV=test
export DATABASE_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/accounting_factory_test}"
# The owner; the tests' app code connects as af_app on the same database (test/test-env.ts).
unset APP_DATABASE_URL
export REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/1}"
export QUEUE_PREFIX=aft
export STORAGE_DIR="$PWD/.data/test-storage"
export PORT="${TEST_PORT:-3100}"
export SESSION_SECRET=test-session-secret-0123456789
unset ALLOW_PLAIN_HTTP_ON_LOCALHOST APP_ORIGIN
npx tsx scripts/services.ts

step "typecheck"
npx tsc --noEmit
step "lint"
npm run lint
step "unit"
npx vitest run --project unit
step "build"
# Before the integration tests: some of them run the real server (server.ts over this build).
NODE_ENV=production npx remix build >/dev/null
step "integration"
npx vitest run --project integration
step "browser"
npx playwright test
step "done"
