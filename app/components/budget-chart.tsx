import { useEffect, useRef } from "react";
import type { Chart as ChartType } from "chart.js";
import { numberFormat } from "~/domain/intl-format";
import { minorToDecimalString } from "~/domain/money";

export type BudgetChartMonth = { period: string; budgetMinor: string; consumedMinor: string; reservedMinor: string };

type Props = {
  months: BudgetChartMonth[];
  currency: string;
  labels: { consumed: string; reserved: string; budget: string };
  ariaLabel: string;
  locale: string;
};

const CONSUMED = "#1f4e79";
const RESERVED = "#84adff";
const BUDGET = "#b54708";

/**
 * A department's year: consumed and reserved stacked per month against the budget (a stepped line).
 * Chart.js is loaded in the browser only, as on the board; amounts are drawn in major units.
 */
export function BudgetChart({ months, currency, labels, ariaLabel, locale }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<ChartType | null>(null);
  const latest = useRef({ months, currency, labels });
  latest.current = { months, currency, labels };

  useEffect(() => {
    let cancelled = false;
    void import("chart.js").then(({ Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip }) => {
      if (cancelled || !canvas.current) return;
      Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);
      const { months: rows, currency: cur, labels: l } = latest.current;
      const major = (minor: string) => Number(minorToDecimalString(BigInt(minor), cur));
      const money = numberFormat(locale, { style: "currency", currency: cur, maximumFractionDigits: 0 });
      chart.current = new Chart(canvas.current, {
        data: {
          labels: rows.map((r) => r.period.slice(5)),
          datasets: [
            { type: "bar", label: l.consumed, data: rows.map((r) => major(r.consumedMinor)), backgroundColor: CONSUMED, stack: "used", order: 2 },
            { type: "bar", label: l.reserved, data: rows.map((r) => major(r.reservedMinor)), backgroundColor: RESERVED, stack: "used", order: 2 },
            { type: "line", label: l.budget, data: rows.map((r) => major(r.budgetMinor)), borderColor: BUDGET, backgroundColor: BUDGET, borderWidth: 2, stepped: "middle", pointRadius: 2, order: 1 },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : { duration: 300 },
          locale,
          plugins: {
            legend: { position: "top", align: "end" },
            tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ""}: ${money.format(Number(item.raw))}` } },
          },
          scales: {
            x: { stacked: true, grid: { display: false } },
            y: { stacked: true, beginAtZero: true, ticks: { callback: (v) => money.format(Number(v)) } },
          },
        },
      });
    });
    return () => {
      cancelled = true;
      chart.current?.destroy();
      chart.current = null;
    };
  }, [locale, currency, months]);

  return (
    <div className="budget-chart">
      <canvas ref={canvas} role="img" aria-label={ariaLabel} data-testid="budget-chart" />
    </div>
  );
}
