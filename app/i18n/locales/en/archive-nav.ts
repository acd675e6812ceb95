// The archive's screens (app/components/archive-nav.tsx).
export default {
  nav: "Archive",
  tabs: "Archive screens",
  search: "Search",
  arrivals: "Arrival desk",
  packets: "Packets",
  boxes: "Boxes",
  records: "Electronic records",
  retention: "Retention",
  requests: "Loans and access",
  stats: "Statistics",
  subLabel: "{{section}}: pages",
  sub: {
    boxes: { list: "All boxes", file: "Filing station", locations: "Locations", settings: "Numbering scheme" },
    retention: { appraisal: "Appraisal", holds: "Legal holds", register: "Destruction register", settings: "Retention periods" },
  },
};
