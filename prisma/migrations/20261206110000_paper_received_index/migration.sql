-- Issue 12: the wall board counts originals received today for its companies; without this index that
-- count walks every received and archived original the companies ever had.
CREATE INDEX "paper_original_received_at_idx" ON "paper_original"("received_at");
