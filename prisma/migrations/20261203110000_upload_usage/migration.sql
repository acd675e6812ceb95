-- Issue 8 (uploads): what each user really stored, for the per-user limits (files per hour, bytes per
-- day). Written in the transaction that attaches the receipts; kept when a receipt is removed (the bytes
-- were received all the same). Counted with the user's advisory lock held, so several web processes agree.
CREATE TABLE "upload_usage" (
    "id" BIGSERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "claim_id" TEXT,
    "sha256" CHAR(64) NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "upload_usage_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "upload_usage_user_id_created_at_idx" ON "upload_usage"("user_id", "created_at");
ALTER TABLE "upload_usage" ADD CONSTRAINT "upload_usage_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
-- A discarded draft takes its receipts with it, not the record that the bytes were uploaded.
ALTER TABLE "upload_usage" ADD CONSTRAINT "upload_usage_claim_id_fkey" FOREIGN KEY ("claim_id") REFERENCES "claim"("id") ON DELETE SET NULL ON UPDATE CASCADE;
