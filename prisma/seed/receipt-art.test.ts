import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  chineseUppercaseAmount,
  fitItemsToTotal,
  formatAmount,
  mulberry32,
  randomReceiptSpec,
  renderReceiptJpeg,
  renderReceiptPdf,
  type ReceiptArtSpec,
} from "./receipt-art";

const zhTill: ReceiptArtSpec = {
  merchant: "全家便利店",
  merchantAddress: "上海市徐汇区漕溪北路88号",
  date: "2026-03-12",
  time: "08:41",
  currency: "CNY",
  items: [
    { name: "饭团(金枪鱼蛋黄酱)", qty: 2, unitMinor: 750 },
    { name: "拿铁咖啡(中杯)", qty: 1, unitMinor: 1200 },
  ],
  totalMinor: 2700,
  taxId: "91310104MA1FR0XX0X",
  invoiceNo: "001234567890",
  lang: "zh",
  kind: "till",
};

const enHotel: ReceiptArtSpec = {
  merchant: "Hilton <London> & Co",
  merchantAddress: "146 Praed St, London W2 1EE",
  date: "2026-03-12",
  currency: "GBP",
  items: [
    { name: "Room charge", qty: 2, unitMinor: 21900 },
    { name: "Breakfast \"buffet\" 'n' <eggs>\u0001", qty: 1, unitMinor: 2800 },
  ],
  totalMinor: 46600,
  lang: "en",
  kind: "hotel",
};

function sumItems(spec: ReceiptArtSpec): number {
  return spec.items.reduce((a, i) => a + i.qty * i.unitMinor, 0);
}

function hasPdfinfo(): boolean {
  try {
    execFileSync("pdfinfo", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("renderReceiptJpeg", () => {
  it("renders a Chinese till slip as a decodable, portrait JPEG", async () => {
    const jpeg = await renderReceiptJpeg(zhTill, { seed: 1 });
    const meta = await sharp(jpeg).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.width).toBe(900);
    expect(meta.height).toBeGreaterThan(900); // a till slip is taller than wide
    expect(meta.height).toBeLessThan(4000);
    const stats = await sharp(jpeg).stats();
    expect(stats.channels).toHaveLength(3);
  });

  it("renders an English folio with markup characters escaped", async () => {
    const jpeg = await renderReceiptJpeg(enHotel, { widthPx: 800, seed: 2 });
    const meta = await sharp(jpeg).metadata();
    expect(meta.width).toBe(800);
    expect(meta.height).toBeGreaterThan(1000); // A4 portrait plus desk margins
  });

  it("is deterministic for the same seed and varies with the seed", async () => {
    const a = await renderReceiptJpeg(zhTill, { seed: 42 });
    const b = await renderReceiptJpeg(zhTill, { seed: 42 });
    const c = await renderReceiptJpeg(zhTill, { seed: 43 });
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it("renders every kind in both languages", async () => {
    for (const lang of ["zh", "en"] as const) {
      for (const kind of ["till", "taxi", "invoice", "hotel"] as const) {
        const spec = randomReceiptSpec(mulberry32(7), { lang, kind, currency: lang === "zh" ? "CNY" : "USD", date: "2026-02-01" });
        const meta = await sharp(await renderReceiptJpeg(spec, { widthPx: 500 })).metadata();
        expect(meta.width, `${lang}/${kind}`).toBe(500);
      }
    }
  });
});

describe("renderReceiptPdf", () => {
  it("writes one page per receipt with a valid xref", async () => {
    const pdf = await renderReceiptPdf([zhTill, enHotel, zhTill], { widthPx: 400 });
    const text = pdf.toString("latin1");
    expect(text.startsWith("%PDF-1.4")).toBe(true);
    expect(text.match(/\/Type\s*\/Page(?!s)/g)).toHaveLength(3);
    expect(text).toContain("/Count 3");
    // startxref must point exactly at the "xref" keyword.
    const startxref = Number(/startxref\s+(\d+)/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe("xref");

    if (hasPdfinfo()) {
      const dir = mkdtempSync(join(tmpdir(), "receipt-pdf-"));
      try {
        const file = join(dir, "r.pdf");
        writeFileSync(file, pdf);
        const info = execFileSync("pdfinfo", [file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        expect(info).toMatch(/^Pages:\s+3$/m);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

describe("randomReceiptSpec", () => {
  it("items always sum to the total, with and without a requested total", () => {
    const rng = mulberry32(2026);
    for (let i = 0; i < 300; i++) {
      const lang = i % 2 === 0 ? "zh" : "en";
      const currency = ["CNY", "USD", "JPY", "EUR", "GBP"][i % 5] ?? "CNY";
      const totalMinor = i % 3 === 0 ? undefined : 1 + Math.floor(rng() * 500_000);
      const spec = randomReceiptSpec(rng, { lang, currency, date: "2026-03-01", totalMinor });
      expect(sumItems(spec)).toBe(spec.totalMinor);
      if (totalMinor !== undefined) expect(spec.totalMinor).toBe(totalMinor);
      for (const item of spec.items) {
        expect(Number.isInteger(item.qty) && item.qty >= 1).toBe(true);
        expect(Number.isInteger(item.unitMinor) && item.unitMinor >= 1).toBe(true);
      }
    }
  });

  it("is deterministic for the same seed", () => {
    const opts = { lang: "zh", currency: "CNY", date: "2026-03-01", totalMinor: 12_345 } as const;
    expect(randomReceiptSpec(mulberry32(5), opts)).toEqual(randomReceiptSpec(mulberry32(5), opts));
  });

  it("keeps the room on hotel bills", () => {
    const spec = randomReceiptSpec(mulberry32(9), { lang: "zh", currency: "CNY", date: "2026-03-01", kind: "hotel", totalMinor: 88_800 });
    expect(spec.items[0]?.name).toMatch(/房费/);
  });
});

describe("helpers", () => {
  it("fits tiny totals by collapsing to one line", () => {
    const items = fitItemsToTotal([{ name: "a", qty: 3, unitMinor: 500 }, { name: "b", qty: 2, unitMinor: 100 }], 1);
    expect(items).toEqual([{ name: "a", qty: 1, unitMinor: 1 }]);
  });

  it("formats minor units per currency", () => {
    expect(formatAmount(123456, "CNY")).toBe("¥1,234.56");
    expect(formatAmount(1235, "JPY")).toBe("¥1,235");
    expect(formatAmount(-500, "USD")).toBe("-$5.00");
    expect(formatAmount(5, "GBP", false)).toBe("0.05");
  });

  it("writes Chinese capital amounts", () => {
    expect(chineseUppercaseAmount(10000)).toBe("壹佰元整");
    expect(chineseUppercaseAmount(1000530)).toBe("壹万零伍元叁角整");
    expect(chineseUppercaseAmount(105)).toBe("壹元零伍分");
    expect(chineseUppercaseAmount(50)).toBe("伍角整");
    expect(chineseUppercaseAmount(134000)).toBe("壹仟叁佰肆拾元整");
    expect(chineseUppercaseAmount(100000000)).toBe("壹佰万元整");
  });
});
