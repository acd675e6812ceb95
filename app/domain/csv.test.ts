import { describe, expect, it } from "vitest";
import { csvCell, csvText } from "./csv";

describe("CSV", () => {
  it("quotes only what needs it, and never lets a cell become a formula", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvCell("=SUM(A1:A9)")).toBe("'=SUM(A1:A9)");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
  });
  it("ends every row with CRLF", () => {
    expect(csvText([["a", "b"], ["1", "2"]])).toBe("a,b\r\n1,2\r\n");
  });
});
