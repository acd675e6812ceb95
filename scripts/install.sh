#!/usr/bin/env bash
# npm dependencies and the generated Prisma client, skipped when already in step with the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
# onnxruntime-node's install script fetches CUDA files from the internet (none here); the CPU binary is in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
stamp=node_modules/.install-stamp
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "[install] npm ci…"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$stamp"
fi
schema_sum=$(cat prisma/schema.prisma | sha256sum | cut -d' ' -f1)
if [ ! -f app/generated/prisma/.schema-sum ] || [ "$(cat app/generated/prisma/.schema-sum)" != "$schema_sum" ]; then
  PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate >/dev/null
  echo "$schema_sum" > app/generated/prisma/.schema-sum
fi
