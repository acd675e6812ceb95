/**
 * One payment model, one adapter per file format: a new bank's format is a new entry here, never a
 * change to how runs are built.
 */
import { buildCnBatchCsv } from "./cn-batch-csv";
import { buildPain001, type Pain001Run } from "./pain001";

export type PaymentFile = { fileName: string; mimeType: string; bytes: Uint8Array; schema: "pain.001.001.10" | null };

export type PaymentFileAdapter = { format: string; build(run: Pain001Run): PaymentFile };

export const PAYMENT_FILE_ADAPTERS = {
  pain001: {
    format: "pain001",
    build: (run) => ({ fileName: `${run.messageId}.xml`, mimeType: "application/xml", bytes: new TextEncoder().encode(buildPain001(run)), schema: "pain.001.001.10" }),
  },
  "cn-batch-csv": {
    format: "cn-batch-csv",
    build: (run) => ({ fileName: `${run.messageId}.csv`, mimeType: "text/csv; charset=GBK", bytes: buildCnBatchCsv(run, "gbk"), schema: null }),
  },
} satisfies Record<string, PaymentFileAdapter>;

export type PaymentFileFormat = keyof typeof PAYMENT_FILE_ADAPTERS;
