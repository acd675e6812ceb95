-- Issue 8 (security): server-side sessions, sign-in throttling, and the scope a user works in.

-- A signed-in browser. The cookie carries a random token; only its SHA-256 is stored, so a copy of this
-- table opens no session. Idle and absolute expiry are checked on every request; revoking is a timestamp.
CREATE TABLE "user_session" (
    "id" TEXT NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_reason" TEXT,
    "ip" TEXT,
    "user_agent" TEXT,
    CONSTRAINT "user_session_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "user_session_token_hash_key" ON "user_session"("token_hash");
CREATE INDEX "user_session_user_id_idx" ON "user_session"("user_id");
ALTER TABLE "user_session" ADD CONSTRAINT "user_session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Failed sign-ins per key ("account:<email>" or "address:<ip>"): growing delays, then a lock.
CREATE TABLE "login_throttle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "last_failure_at" TIMESTAMPTZ(3),
    "locked_until" TIMESTAMPTZ(3),
    CONSTRAINT "login_throttle_pkey" PRIMARY KEY ("key")
);

-- The companies a back-office user (supervisor, admin, archivist) works for: what they may see.
CREATE TABLE "user_company" (
    "user_id" TEXT NOT NULL,
    "company_id" TEXT NOT NULL,
    CONSTRAINT "user_company_pkey" PRIMARY KEY ("user_id", "company_id")
);
CREATE INDEX "user_company_company_id_idx" ON "user_company"("company_id");
ALTER TABLE "user_company" ADD CONSTRAINT "user_company_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "user_company" ADD CONSTRAINT "user_company_company_id_fkey" FOREIGN KEY ("company_id") REFERENCES "company"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Further departments (and so companies) an employee may file claims for, besides the profile's own.
CREATE TABLE "user_department" (
    "user_id" TEXT NOT NULL,
    "department_id" TEXT NOT NULL,
    CONSTRAINT "user_department_pkey" PRIMARY KEY ("user_id", "department_id")
);
ALTER TABLE "user_department" ADD CONSTRAINT "user_department_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "user_department" ADD CONSTRAINT "user_department_department_id_fkey" FOREIGN KEY ("department_id") REFERENCES "department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A change of rights ends the user's sessions, whichever code path makes it (the model functions also
-- audit it): deactivation, a change of roles, a change of the companies they work for.
CREATE FUNCTION revoke_sessions_of_user(uid TEXT, reason TEXT) RETURNS void LANGUAGE sql AS $$
  UPDATE "user_session" SET "revoked_at" = CURRENT_TIMESTAMP, "revoked_reason" = reason
   WHERE "user_id" = uid AND "revoked_at" IS NULL;
$$;

CREATE FUNCTION app_user_rights_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."active" AND NOT NEW."active" THEN
    PERFORM revoke_sessions_of_user(NEW."id", 'deactivated');
  ELSIF NEW."roles" IS DISTINCT FROM OLD."roles" THEN
    PERFORM revoke_sessions_of_user(NEW."id", 'roles_changed');
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER app_user_revoke_sessions AFTER UPDATE OF "active", "roles" ON "app_user"
  FOR EACH ROW EXECUTE FUNCTION app_user_rights_changed();

CREATE FUNCTION user_company_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM revoke_sessions_of_user(COALESCE(NEW."user_id", OLD."user_id"), 'companies_changed');
  RETURN NULL;
END;
$$;
CREATE TRIGGER user_company_revoke_sessions AFTER INSERT OR UPDATE OR DELETE ON "user_company"
  FOR EACH ROW EXECUTE FUNCTION user_company_changed();
