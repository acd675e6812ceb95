import { describe, expect, it } from "vitest";
import { extractFields } from "./extract-fields";
import { parseBboxLayout, textLayerLines, textLayerSize } from "./pdf-text-layer";

// What `pdftotext -bbox-layout` writes (trimmed): a slip whose label and amount poppler puts in separate
// blocks, and a second page holding the total.
const XHTML = `<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head></head><body><doc>
  <page width="226.770000" height="400.000000">
    <flow><block xMin="70" yMin="20" xMax="150" yMax="36">
      <line xMin="70.000000" yMin="20.000000" xMax="150.000000" yMax="36.000000">
        <word xMin="70" yMin="20" xMax="110" yMax="36">Smith</word><word xMin="112" yMin="20" xMax="150" yMax="36">&amp; Sons</word>
      </line></block></flow>
    <flow><block xMin="12" yMin="100" xMax="60" yMax="112">
      <line xMin="12.000000" yMin="100.000000" xMax="60.000000" yMax="112.000000"><word xMin="12" yMin="100" xMax="60" yMax="112">日期:</word></line>
    </block></flow>
    <flow><block xMin="150" yMin="100.5" xMax="214" yMax="112.5">
      <line xMin="150.000000" yMin="100.500000" xMax="214.000000" yMax="112.500000"><word xMin="150" yMin="100.5" xMax="214" yMax="112.5">2026-11-17</word></line>
    </block></flow>
    <flow><block xMin="12" yMin="130" xMax="30" yMax="142">
      <line xMin="12" yMin="130" xMax="30" yMax="142"><word xMin="12" yMin="130" xMax="30" yMax="142"> </word></line>
    </block></flow>
  </page>
  <page width="226.770000" height="200.000000">
    <flow><block xMin="12" yMin="40" xMax="60" yMax="54">
      <line xMin="12" yMin="40" xMax="60" yMax="54"><word xMin="12" yMin="40" xMax="60" yMax="54">合计</word></line>
    </block></flow>
    <flow><block xMin="160" yMin="40" xMax="214" yMax="54">
      <line xMin="160" yMin="40" xMax="214" yMax="54"><word xMin="160" yMin="40" xMax="214" yMax="54">&#165;128.50</word></line>
    </block></flow>
  </page>
</doc></body></html>`;

describe("a PDF's text layer", () => {
  it("parses pages, lines and words (entities decoded, blank words dropped), in points", () => {
    const pages = parseBboxLayout(XHTML);
    expect(pages.map((p) => [p.page, p.width, p.height, p.lines.length])).toEqual([
      [1, 226.77, 400, 3],
      [2, 226.77, 200, 2],
    ]);
    expect(pages[0]!.lines[0]).toEqual({ text: "Smith & Sons", box: { x: 70, y: 20, width: 80, height: 16 } });
    expect(pages[1]!.lines[1]!.text).toBe("¥128.50");
    expect(textLayerSize(pages)).toBe("Smith&Sons日期:2026-11-17合计¥128.50".length);
  });

  it("puts a row's columns back together and gives each row its region on the page image at the page's dpi", () => {
    const lines = textLayerLines(parseBboxLayout(XHTML), () => 144); // 2 px a point
    expect(lines.map((l) => l.text)).toEqual(["Smith & Sons", "日期: 2026-11-17", "合计 ¥128.50"]);
    expect(lines.every((l) => l.score === 1)).toBe(true);
    expect(lines[1]!.region).toEqual({ page: 1, x: 24, y: 200, width: 404, height: 26 });
    // Page 2's row is on page 2, in that page's pixels.
    expect(lines[2]!.region).toEqual({ page: 2, x: 24, y: 80, width: 404, height: 28 });
  });

  it("feeds extractFields: the total from page 2 keeps its page, the date and merchant from page 1", () => {
    const fields = extractFields(textLayerLines(parseBboxLayout(XHTML), () => 150));
    expect(fields.total?.value).toBe(12850n);
    expect(fields.total?.confidence).toBe(0.85);
    expect(fields.total?.region?.page).toBe(2);
    expect(fields.date?.value).toBe("2026-11-17");
    expect(fields.date?.region?.page).toBe(1);
    expect(fields.merchant?.value).toBe("Smith & Sons");
  });

  it("finds nothing on a scan's PDF (pages without text)", () => {
    const pages = parseBboxLayout(`<doc><page width="595" height="842"><flow></flow></page></doc>`);
    expect(pages).toHaveLength(1);
    expect(textLayerSize(pages)).toBe(0);
    expect(textLayerLines(pages, () => 150)).toEqual([]);
  });
});
