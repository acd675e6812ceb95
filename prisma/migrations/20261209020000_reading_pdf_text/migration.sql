-- Issue 14 (docs/decisions/035): a PDF's own text layer is a reading source of its own ('pdf-text').
ALTER TABLE "receipt_reading" DROP CONSTRAINT "receipt_reading_source_check";
ALTER TABLE "receipt_reading" ADD CONSTRAINT "receipt_reading_source_check" CHECK ("source" IN ('xml', 'pdf-xml', 'ofd-xml', 'pdf-text', 'qr', 'ocr', 'none'));
