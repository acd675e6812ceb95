import { useEffect, useRef } from "react";
import type { Chart as ChartType } from "chart.js";

export type ArchiveStatsChartMonth = { month: string; view: number; borrow: number; loansOut: number; views: number };

type Props = { months: ArchiveStatsChartMonth[]; labels: { view: string; borrow: string; loansOut: string; views: string }; ariaLabel: string; locale: string };

/** Requests per month (view and borrow stacked), loans out and views logged, oldest month first. Chart.js loads in the browser only. */
export function ArchiveStatsChart({ months, labels, ariaLabel, locale }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartType | null>(null);
  const latest = useRef({ months, labels });
  latest.current = { months, labels };

  useEffect(() => {
    let cancelled = false;
    void import("chart.js").then(({ Chart, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip }) => {
      if (cancelled || !canvas.current) return;
      Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
      const { months: rows, labels: l } = latest.current;
      chart.current = new Chart(canvas.current, {
        type: "bar",
        data: {
          labels: rows.map((r) => r.month),
          datasets: [
            { label: l.view, data: rows.map((r) => r.view), backgroundColor: "#1f4e79", stack: "requests" },
            { label: l.borrow, data: rows.map((r) => r.borrow), backgroundColor: "#84adff", stack: "requests" },
            { label: l.loansOut, data: rows.map((r) => r.loansOut), backgroundColor: "#b54708", stack: "loans" },
            { label: l.views, data: rows.map((r) => r.views), backgroundColor: "#12b76a", stack: "views" },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : { duration: 300 },
          locale,
          plugins: { legend: { position: "top", align: "end" } },
          scales: { x: { stacked: true, grid: { display: false } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
    });
    return () => {
      cancelled = true;
      chart.current?.destroy();
      chart.current = null;
    };
  }, [locale, months]);

  return (
    <div className="budget-chart">
      <canvas ref={canvas} role="img" aria-label={ariaLabel} data-testid="archive-stats-chart" />
    </div>
  );
}
