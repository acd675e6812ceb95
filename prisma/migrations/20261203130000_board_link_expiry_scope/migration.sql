-- Issue 8, item 11 (wall-board links): every board link expires (1 to 90 days, chosen when it is made)
-- and shows only the companies its maker worked for when it was made (docs/decisions/013-board-links.md).

-- Links made before this migration get 30 days from when they were made: some may be expired already.
ALTER TABLE "board_token" ADD COLUMN "expires_at" TIMESTAMPTZ(3);
UPDATE "board_token" SET "expires_at" = "created_at" + interval '30 days';
ALTER TABLE "board_token" ALTER COLUMN "expires_at" SET NOT NULL;
-- Never unlimited: at most 90 days, whatever path writes the row.
ALTER TABLE "board_token" ADD CONSTRAINT "board_token_expiry_check"
  CHECK ("expires_at" > "created_at" AND "expires_at" <= "created_at" + interval '90 days');

-- The companies a board link shows (a copy of its maker's user_company rows at the time it was made).
-- A link without a row here shows nothing and is refused.
CREATE TABLE "board_token_company" (
    "token_id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    CONSTRAINT "board_token_company_pkey" PRIMARY KEY ("token_id", "company_id")
);
ALTER TABLE "board_token_company" ADD CONSTRAINT "board_token_company_token_id_fkey" FOREIGN KEY ("token_id") REFERENCES "board_token"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "board_token_company" ADD CONSTRAINT "board_token_company_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Existing links keep the companies their maker works for now (none yet: then they stop working).
INSERT INTO "board_token_company" ("token_id", "company_id")
SELECT t."id", uc."company_id" FROM "board_token" t JOIN "user_company" uc ON uc."user_id" = t."created_by";
