import { describe, expect, it } from "vitest";
import { FILE_FAILURE_CODES, UPLOAD_REJECTION_CODES } from "~/domain/upload-validation";
import { resources } from "./resources";

describe("upload messages", () => {
  it("every refusal at upload, every imaging failure and every upload limit has a message in each language", () => {
    for (const [locale, catalogs] of Object.entries(resources)) {
      const claims = catalogs.claims as unknown as Record<string, Record<string, string>>;
      for (const code of UPLOAD_REJECTION_CODES) expect(claims.uploadError?.[code], `${locale} uploadError.${code}`).toBeTruthy();
      for (const code of FILE_FAILURE_CODES) expect(claims.failure?.[code], `${locale} failure.${code}`).toBeTruthy();
      for (const limit of ["files_per_hour", "bytes_per_day"]) {
        expect(claims.uploadQuota?.[limit], `${locale} uploadQuota.${limit}`).toBeTruthy();
        expect(claims.uploadQuota?.[`${limit}_never`], `${locale} uploadQuota.${limit}_never`).toBeTruthy();
      }
    }
  });

  it("tells an iPhone user what to change when a HEIC photo cannot be converted", () => {
    const en = (resources.en.claims as unknown as { failure: Record<string, string> }).failure.unsupported_heic;
    const zh = (resources["zh-CN"].claims as unknown as { failure: Record<string, string> }).failure.unsupported_heic;
    expect(en).toMatch(/Most Compatible/);
    expect(en).toMatch(/JPEG/);
    expect(zh).toMatch(/兼容性最佳/);
  });
});
