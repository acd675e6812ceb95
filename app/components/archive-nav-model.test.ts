import { describe, expect, it } from "vitest";
import { archiveNavModel } from "./archive-nav-model";

const current = (m: ReturnType<typeof archiveNavModel>) => [
  ...m.sections.filter((s) => s.current).map((s) => `${s.key}:${s.current}`),
  ...(m.sub?.items ?? []).filter((s) => s.current).map((s) => `${s.key}:${s.current}`),
];

describe("the archive's navigation", () => {
  const archivist = ["EMPLOYEE", "ARCHIVIST"];
  it("shows archive staff every section, and everyone else only packets and loans", () => {
    expect(archiveNavModel(archivist, "/archive").sections.map((s) => s.key)).toEqual(["search", "arrivals", "packets", "boxes", "records", "retention", "requests", "stats"]);
    expect(archiveNavModel(["EMPLOYEE"], "/archive/requests").sections.map((s) => s.key)).toEqual(["packets", "requests"]);
  });
  it("marks the page shown, and the section of a deeper page", () => {
    expect(current(archiveNavModel(archivist, "/archive"))).toEqual(["search:page"]);
    expect(current(archiveNavModel(archivist, "/archive/requests"))).toEqual(["requests:page"]);
    expect(current(archiveNavModel(archivist, "/archive/requests/abc"))).toEqual(["requests:true"]);
    expect(current(archiveNavModel(archivist, "/archive/records/r1/"))).toEqual(["records:true"]);
    expect(current(archiveNavModel(archivist, "/archive/originals/c1"))).toEqual(["arrivals:true"]);
    // Nothing under /archive but the search page itself belongs to the search.
    expect(current(archiveNavModel(archivist, "/archive/unknown"))).toEqual([]);
  });
  it("shows the current section's own pages, the page shown marked, in the same navigation", () => {
    const boxes = archiveNavModel(archivist, "/archive/boxes/file");
    expect(boxes.sub?.section).toBe("boxes");
    expect(boxes.sub?.items.map((i) => i.key)).toEqual(["boxes.list", "boxes.file", "boxes.locations"]);
    expect(current(boxes)).toEqual(["boxes:true", "boxes.file:page"]);
    expect(current(archiveNavModel(archivist, "/archive/boxes"))).toEqual(["boxes:true", "boxes.list:page"]);
    // One box's page belongs to the box list.
    expect(current(archiveNavModel(archivist, "/archive/boxes/b-123"))).toEqual(["boxes:true", "boxes.list:true"]);
    expect(current(archiveNavModel(archivist, "/archive/retention/requests/d1"))).toEqual(["retention:true", "retention.appraisal:true"]);
    expect(current(archiveNavModel(archivist, "/archive/retention/register"))).toEqual(["retention:true", "retention.register:page"]);
    expect(archiveNavModel(archivist, "/archive/requests").sub).toBeNull();
  });
  it("offers the numbering scheme to admins only and the filing station to those who file", () => {
    expect(archiveNavModel(["ADMIN"], "/archive/boxes").sub?.items.map((i) => i.key)).toEqual(["boxes.list", "boxes.file", "boxes.locations", "boxes.settings"]);
    expect(archiveNavModel(["SUPERVISOR"], "/archive/boxes").sub?.items.map((i) => i.key)).toEqual(["boxes.list", "boxes.locations"]);
  });
});
