/** The ledger screens' forms: one Zod schema each, used by the action (server truth) and the browser (hints). */
import { z } from "zod";
import { EXPORT_FORMATS } from "./ledger-export";

export const ReverseVoucherSchema = z.object({
  intent: z.literal("reverse"),
  reason: z.string().trim().min(1).max(200),
});

export const ClosePeriodSchema = z.object({
  intent: z.literal("close"),
  companyId: z.string().min(1).max(64),
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "bad_period"),
});

export { EXPORT_FORMATS };

const optionalDate = z
  .string()
  .trim()
  .regex(/^(\d{4}-\d{2}-\d{2})?$/, "bad_date")
  .optional()
  .transform((v) => (v ? v : undefined));

export const ExportSchema = z
  .object({
    companyId: z.string().min(1).max(64),
    format: z.enum(EXPORT_FORMATS),
    from: optionalDate,
    to: optionalDate,
    onlyNew: z
      .string()
      .optional()
      .transform((v) => v === "on" || v === "true"),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ["to"], message: "bad_date" });

export const ErpUploadSchema = z.object({
  intent: z.literal("erp"),
  companyId: z.string().min(1).max(64),
  erpSystem: z.string().trim().min(1).max(40),
  csvText: z.string().max(2_000_000).optional(),
});

export const ChartImportSchema = z.object({
  intent: z.enum(["preview", "import"]),
  companyId: z.string().min(1).max(64),
  csvText: z.string().max(2_000_000).optional(),
});

export const MAPPING_PURPOSES = ["EXPENSE", "INPUT_VAT", "EMPLOYEE_PAYABLE", "BANK_CLEARING"] as const;

const optionalId = z
  .string()
  .trim()
  .max(64)
  .optional()
  .transform((v) => (v ? v : undefined));

export const SetMappingSchema = z
  .object({
    intent: z.literal("set-mapping"),
    companyId: z.string().min(1).max(64),
    purpose: z.enum(MAPPING_PURPOSES),
    categoryCode: optionalId,
    departmentId: optionalId,
    payerAccountId: optionalId,
    accountCode: z.string().trim().min(1).max(40),
  })
  .refine((v) => v.purpose !== "EXPENSE" || !!v.categoryCode, { path: ["categoryCode"], message: "required" })
  .refine((v) => v.purpose !== "BANK_CLEARING" || !!v.payerAccountId, { path: ["payerAccountId"], message: "required" });

export const RemoveMappingSchema = z.object({
  intent: z.literal("remove-mapping"),
  companyId: z.string().min(1).max(64),
  mappingId: z.string().min(1).max(64),
});
