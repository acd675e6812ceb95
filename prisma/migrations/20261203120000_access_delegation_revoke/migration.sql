-- Issue 8 (access): an approval delegation can be revoked before it ends. Revoked rows are kept (the
-- audit events point at them); every reader filters on "revoked_at" IS NULL.
ALTER TABLE "approval_delegation" ADD COLUMN "revoked_at" TIMESTAMPTZ(3);

-- The delegations a manager lists and revokes on /approvals.
CREATE INDEX "approval_delegation_manager_id_valid_to_idx" ON "approval_delegation"("manager_id", "valid_to");
