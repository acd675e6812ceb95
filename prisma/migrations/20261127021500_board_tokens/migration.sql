-- Wall board (issue 4): read-only tokens for TVs on the floor. Only the SHA-256 of a token is kept;
-- the token itself is shown once, when it is made. A revoked token stops working at once.
CREATE TABLE "board_token" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "last_seen_at" TIMESTAMPTZ(3),
    CONSTRAINT "board_token_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "board_token_name_check" CHECK (length(btrim("name")) BETWEEN 1 AND 80)
);
CREATE UNIQUE INDEX "board_token_token_hash_key" ON "board_token"("token_hash");
ALTER TABLE "board_token" ADD CONSTRAINT "board_token_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
