-- The local date a receipt was captured (EXIF DateTimeOriginal/CreateDate of a photo, CreationDate of a
-- PDF), written by the imaging worker with the file's READY state; NULL when the file carries none worth
-- trusting (absent, before 2000, more than a day in the future). Feeds the "receipt date far from the
-- line date" check on the workstation.
ALTER TABLE "stored_file" ADD COLUMN "captured_on" DATE;
