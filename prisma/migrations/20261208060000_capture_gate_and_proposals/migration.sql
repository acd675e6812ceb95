-- Issue 14 (docs/decisions/031): what a photo measures as a capture (blur, light, size), set by the imaging
-- job with READY; null for PDFs and files imaged before. The verdict is computed from it on display, so
-- thresholds can change without re-imaging.
ALTER TABLE "stored_file" ADD COLUMN "capture" JSONB;

-- The claimant dismissed the line proposed from this receipt's reading (not offered again).
ALTER TABLE "receipt" ADD COLUMN "proposal_dismissed_at" TIMESTAMPTZ(3);
