import { useEffect, useRef } from "react";
import type { Chart as ChartType } from "chart.js";
import type { BoardData } from "~/contracts/board";

type Props = { perHour: BoardData["perHour"]; todayLabel: string; lastWeekLabel: string; ariaLabel: string; locale: string };

const TODAY = "#38bdf8";
const LAST_WEEK = "#94a3b8";
const GRID = "rgba(148, 163, 184, 0.18)";
const TEXT = "#cbd5e1";

/**
 * Tasks finished per hour, today (bars) against the same weekday last week (line). Chart.js is loaded
 * in the browser only and only the parts drawn here are registered; later data updates the same chart.
 */
export function BoardHourlyChart({ perHour, todayLabel, lastWeekLabel, ariaLabel, locale }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartType | null>(null);
  const latest = useRef({ perHour, todayLabel, lastWeekLabel });
  latest.current = { perHour, todayLabel, lastWeekLabel };

  useEffect(() => {
    let cancelled = false;
    void import("chart.js").then(({ Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend }) => {
      if (cancelled || !canvas.current) return;
      Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend);
      const big = Math.max(14, Math.round(window.innerHeight / 48));
      const { perHour: rows, todayLabel: tl, lastWeekLabel: ll } = latest.current;
      chart.current = new Chart(canvas.current, {
        data: {
          labels: rows.map((r) => String(r.hour).padStart(2, "0")),
          datasets: [
            { type: "bar", label: tl, data: rows.map((r) => r.today), backgroundColor: TODAY, borderRadius: 3, order: 2 },
            { type: "line", label: ll, data: rows.map((r) => r.lastWeek), borderColor: LAST_WEEK, backgroundColor: LAST_WEEK, borderDash: [6, 4], borderWidth: 2, pointRadius: 0, tension: 0.3, order: 1 },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : { duration: 300 },
          locale,
          plugins: { legend: { position: "top", align: "end", labels: { color: TEXT, font: { size: big }, boxWidth: big, sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0) } } },
          scales: {
            x: { ticks: { color: TEXT, font: { size: big * 0.85 }, maxRotation: 0, autoSkip: true, autoSkipPadding: 8 }, grid: { display: false } },
            y: { beginAtZero: true, ticks: { color: TEXT, font: { size: big * 0.85 }, precision: 0 }, grid: { color: GRID } },
          },
        },
      });
    });
    return () => {
      cancelled = true;
      chart.current?.destroy();
      chart.current = null;
    };
  }, [locale]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = perHour.map((r) => String(r.hour).padStart(2, "0"));
    c.data.datasets[0]!.data = perHour.map((r) => r.today);
    c.data.datasets[0]!.label = todayLabel;
    c.data.datasets[1]!.data = perHour.map((r) => r.lastWeek);
    c.data.datasets[1]!.label = lastWeekLabel;
    c.update();
  }, [perHour, todayLabel, lastWeekLabel]);

  return (
    <div className="board-chart">
      <canvas ref={canvas} role="img" aria-label={ariaLabel} data-testid="board-chart" />
    </div>
  );
}
