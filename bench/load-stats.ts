/** Per-route latency samples of the load bench and their percentiles. */

export type Sample = { route: string; startedAt: number; clientMs: number; serverMs: number; status: number };

export type RouteSummary = {
  route: string;
  count: number;
  errors: number;
  /** Error answers by status ("0": no answer). */
  errorStatuses: Record<string, number>;
  client: { p50: number; p95: number; p99: number };
  server: { p50: number; p95: number; p99: number };
};

/** The p-quantile (0..1) of `values` by the nearest-rank method; NaN when empty. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** An answer the user did not want: no answer, or 4xx/5xx (redirects and 304 are answers). */
export const isError = (status: number) => status === 0 || status >= 400;

export class Recorder {
  private samples: Sample[] = [];

  add(sample: Sample): void {
    this.samples.push(sample);
  }

  /** One row per route for the samples `keep` selects, ordered by route. */
  summary(keep: (s: Sample) => boolean): RouteSummary[] {
    const byRoute = new Map<string, Sample[]>();
    for (const s of this.samples) {
      if (!keep(s)) continue;
      const list = byRoute.get(s.route) ?? [];
      list.push(s);
      byRoute.set(s.route, list);
    }
    return [...byRoute.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([route, list]) => {
        const client = list.map((s) => s.clientMs);
        const server = list.map((s) => s.serverMs).filter(Number.isFinite);
        const errorStatuses: Record<string, number> = {};
        for (const s of list) if (isError(s.status)) errorStatuses[s.status] = (errorStatuses[s.status] ?? 0) + 1;
        return {
          route,
          count: list.length,
          errors: list.filter((s) => isError(s.status)).length,
          errorStatuses,
          client: { p50: quantile(client, 0.5), p95: quantile(client, 0.95), p99: quantile(client, 0.99) },
          server: { p50: quantile(server, 0.5), p95: quantile(server, 0.95), p99: quantile(server, 0.99) },
        };
      });
  }
}
