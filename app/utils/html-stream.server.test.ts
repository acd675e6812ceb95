import { PassThrough, type Writable } from "node:stream";
import { text } from "node:stream/consumers";
import { createElement } from "react";
import { renderToPipeableStream } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { htmlSink } from "./html-stream.server";

/** A list of short Chinese items after `pad` ASCII bytes: React copies each into its 2 KiB views. */
function render(pad: number, sink: () => Writable & NodeJS.ReadableStream): Promise<string> {
  const items = Array.from({ length: 200 }, (_, i) => createElement("li", { key: i }, "拒绝原因（必填）"));
  return new Promise((resolve, reject) => {
    const { pipe } = renderToPipeableStream(createElement("main", null, createElement("p", null, "a".repeat(pad)), createElement("ul", null, items)), {
      onAllReady() {
        const out = sink();
        text(out).then(resolve, reject);
        pipe(out);
      },
      onShellError: reject,
    });
  });
}

describe("htmlSink", () => {
  // Some padding puts a 3-byte character across a view boundary.
  const pads = [0, 1, 2, 3, 4, 5];

  it("passes React's page through with no NUL byte and every character whole, whatever the offsets", async () => {
    for (const pad of pads) {
      const html = await render(pad, htmlSink);
      expect(html).not.toContain("\u0000");
      expect(html.split("<li>拒绝原因（必填）</li>")).toHaveLength(201);
    }
  });

  it("is needed: a bare PassThrough shows the renderer's NUL bytes at some offset (remove htmlSink when this fails)", async () => {
    const bare = await Promise.all(pads.map((pad) => render(pad, () => new PassThrough())));
    expect(bare.some((html) => html.includes("\u0000"))).toBe(true);
  });
});
