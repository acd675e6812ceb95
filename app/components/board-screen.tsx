import { Form, useLocation } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { AGE_BUCKETS, type BoardData } from "~/contracts/board";
import { dateTimeFormat, numberFormat } from "~/domain/intl-format";
import { LOCALES } from "~/i18n/config";
import { BoardAutoScroll } from "./board-auto-scroll";
import { BoardHourlyChart } from "./board-chart";
import {
  againstTarget,
  complianceLevel,
  daysInClockUnits,
  formatCount,
  formatDays,
  formatPer10k,
  formatPercent,
} from "./board-format";
import type { LiveState } from "./board-live";

function Tile({ title, children, tone, testId }: { title: string; children: ReactNode; tone?: string; testId?: string }) {
  return (
    <section className="board-tile" data-tone={tone ?? "none"} data-testid={testId}>
      <h2 className="board-tile-title">{title}</h2>
      {children}
    </section>
  );
}

/** The wall clock in the SSC's zone, ticking each second after hydration (the server renders the data's time). */
function Clock({ timeZone, locale, initial }: { timeZone: string; locale: string; initial: string }) {
  const [now, setNow] = useState(() => new Date(initial));
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), 1_000);
    return () => clearInterval(id);
  }, []);
  const text = dateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now);
  return <time className="board-clock" dateTime={now.toISOString()}>{text}</time>;
}

export function BoardScreen({ data, state, locale, settingsHref }: { data: BoardData; state: LiveState; locale: string; settingsHref?: string }) {
  const { t } = useTranslation("board");
  const location = useLocation();
  const dayText = dateTimeFormat(locale, { timeZone: data.timeZone, weekday: "long", year: "numeric", month: "long", day: "numeric" }).format(
    new Date(data.generatedAt),
  );
  const updated = dateTimeFormat(locale, { timeZone: data.timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(
    new Date(data.generatedAt),
  );
  const ct = data.cycleTime;
  const clock = (days: number | null) => {
    const c = daysInClockUnits(days);
    return c ? t(`units.${c.unit}`, { value: numberFormat(locale).format(c.value) }) : "";
  };
  const p50Tone = againstTarget(ct.p50Days, ct.targetDays);
  const slaTone = complianceLevel(data.sla.compliance);
  const leaderMax = Math.max(1, ...data.leaderboard.map((l) => l.pieces));

  return (
    <div className="board" data-testid="board" data-generated-at={data.generatedAt} data-live={state}>
      <header className="board-head">
        <div className="board-head-title">
          <h1>{t("title")}</h1>
          <p className="board-day">{dayText}</p>
        </div>
        <div className="board-head-right">
          <span className="board-status" data-state={state} role="status" data-testid="board-status">
            <span className="board-status-dot" aria-hidden />
            {state === "live"
              ? t("live")
              : state === "ended"
                ? t("accessEnded")
                : state === "busy"
                  ? t("busy")
                  : state === "connecting"
                    ? t("connecting")
                    : t("reconnecting")}
          </span>
          <span className="board-updated">{t("updated", { time: updated })}</span>
          <Form method="post" action="/locale" className="board-lang">
            <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
            {LOCALES.map((l) => (
              <button key={l} type="submit" name="locale" value={l} aria-pressed={locale === l}>
                {l === "en" ? "EN" : "中文"}
              </button>
            ))}
          </Form>
          {settingsHref ? (
            <a className="board-settings-link" href={settingsHref}>
              {t("settings.link")}
            </a>
          ) : null}
          <Clock timeZone={data.timeZone} locale={locale} initial={data.generatedAt} />
        </div>
      </header>

      <div className="board-kpis">
        <Tile title={t("completed.title")} testId="kpi-completed">
          <p className="board-big" data-testid="completed-tasks">{formatCount(data.completedToday.tasks, locale)}</p>
          <p className="board-sub">
            {t("completed.tasks")} · <strong data-testid="completed-claims">{formatCount(data.completedToday.claims, locale)}</strong> {t("completed.claims")}
          </p>
        </Tile>
        <Tile title={t("cycle.title")} tone={p50Tone} testId="kpi-cycle">
          <p className="board-big">
            <span className="board-big-label">{t("cycle.p50")}</span> {formatDays(ct.p50Days, locale)}
            <span className="board-unit">{ct.p50Days === null ? "" : ` ${locale === "en" ? "d" : "天"}`}</span>
          </p>
          <p className="board-sub">
            {t("cycle.p90")} {formatDays(ct.p90Days, locale)} · {t("cycle.target", { value: formatDays(ct.targetDays, locale) })}
            {ct.p50Days !== null ? ` · ${clock(ct.p50Days)}` : ""}
          </p>
          <p className="board-sub board-dim">{t("cycle.claims", { count: ct.claims })}</p>
        </Tile>
        <Tile title={t("sla.title")} tone={slaTone} testId="kpi-sla">
          <p className="board-big">{formatPercent(data.sla.compliance, locale)}</p>
          <p className="board-sub">{t("sla.met", { met: formatCount(data.sla.met, locale), finished: formatCount(data.sla.finished, locale) })}</p>
          <p className="board-sub">
            <span className={data.sla.atRisk ? "board-warn" : "board-dim"}>{t("sla.atRisk", { count: data.sla.atRisk })}</span> ·{" "}
            <span className={data.sla.breached ? "board-bad" : "board-dim"}>{t("sla.breached", { count: data.sla.breached })}</span>
          </p>
        </Tile>
        <Tile title={t("fpy.title")} testId="kpi-fpy">
          <p className="board-big">{formatPercent(data.firstPassYield.rate, locale)}</p>
          <p className="board-sub">{t("fpy.detail", { firstPass: formatCount(data.firstPassYield.firstPass, locale), approved: formatCount(data.firstPassYield.approved, locale) })}</p>
        </Tile>
        <Tile title={t("quality.title")} tone={data.quality.per10k === null ? "none" : data.quality.per10k <= 1 ? "good" : "bad"} testId="kpi-quality">
          <p className="board-big">{formatPer10k(data.quality.per10k, locale)}</p>
          <p className="board-sub">{t("quality.detail", { errors: formatCount(data.quality.errors, locale), checked: formatCount(data.quality.checked, locale) })}</p>
        </Tile>
        <Tile title={t("payments.title")} testId="kpi-payments">
          <p className="board-big" data-testid="paid-today">{formatCount(data.payments.paidToday, locale)}</p>
          <p className="board-sub">{t("payments.paidToday")}</p>
          <p className="board-sub">
            <span className={data.payments.runsAwaitingApproval ? "board-warn" : "board-dim"} data-testid="runs-awaiting">{t("payments.awaiting", { count: data.payments.runsAwaitingApproval })}</span> ·{" "}
            <span className={data.payments.failed ? "board-bad" : "board-dim"} data-testid="payments-failed">{t("payments.failed", { count: data.payments.failed })}</span>
          </p>
        </Tile>
        <Tile title={t("paper.title")} tone={data.paper.overdue > 0 ? "bad" : "none"} testId="kpi-paper">
          <p className="board-big" data-testid="paper-expected">
            {formatCount(data.paper.expected, locale)}
            <span className="board-unit"> {t("paper.expected")}</span>
          </p>
          <p className="board-sub" data-testid="paper-received-today">{t("paper.receivedToday", { count: data.paper.receivedToday, value: formatCount(data.paper.receivedToday, locale) })}</p>
          <p className="board-sub">
            <span className={data.paper.overdue ? "board-bad" : "board-dim"} data-testid="paper-overdue">{t("paper.overdue", { count: data.paper.overdue, value: formatCount(data.paper.overdue, locale) })}</span>
          </p>
        </Tile>
      </div>

      <section className="board-panel board-panel-chart">
        <h2 className="board-tile-title">{t("perHour.title")}</h2>
        <BoardHourlyChart perHour={data.perHour} todayLabel={t("today")} lastWeekLabel={t("lastWeek")} ariaLabel={t("perHour.chartLabel")} locale={locale} />
      </section>

      <section className="board-panel board-panel-backlog">
        <h2 className="board-tile-title">{t("backlog.title")}</h2>
        <div className="board-grid board-grid-backlog board-grid-head" role="row">
          <span role="columnheader">{t("backlog.group")}</span>
          <span role="columnheader">{t("backlog.open")}</span>
          <span role="columnheader">{t("backlog.inProgress")}</span>
          {AGE_BUCKETS.map((b) => (
            <span role="columnheader" key={b} className="board-age-head">{t(`backlog.ages.${b}`)}</span>
          ))}
          <span role="columnheader">{t("backlog.atRisk")}</span>
          <span role="columnheader">{t("backlog.breached")}</span>
        </div>
        {data.backlog.length === 0 ? (
          <p className="board-empty">{t("backlog.empty")}</p>
        ) : (
          <BoardAutoScroll label={t("backlog.title")} testId="backlog-rows">
            {data.backlog.map((g) => (
              <div className="board-grid board-grid-backlog board-row" role="row" key={g.groupId} data-testid="backlog-row" data-group={g.code}>
                <span className="board-name" title={g.code}>{locale === "en" ? g.name : g.nameZh}</span>
                <span className="board-num" data-testid="backlog-open">{formatCount(g.open, locale)}</span>
                <span className="board-num">{formatCount(g.inProgress, locale)}</span>
                {AGE_BUCKETS.map((b, i) => (
                  <span key={b} className="board-num board-age" data-age={i} data-zero={g.ages[b] === 0}>
                    {formatCount(g.ages[b], locale)}
                  </span>
                ))}
                <span className={`board-num ${g.atRisk ? "board-warn" : "board-dim"}`}>{formatCount(g.atRisk, locale)}</span>
                <span className={`board-num ${g.breached ? "board-bad" : "board-dim"}`}>{formatCount(g.breached, locale)}</span>
              </div>
            ))}
          </BoardAutoScroll>
        )}
      </section>

      <section className="board-panel board-panel-leaders">
        <h2 className="board-tile-title">{t("leaders.title")}</h2>
        {data.leaderboard.length === 0 ? (
          <p className="board-empty" data-testid="leaders-empty">{t("leaders.empty")}</p>
        ) : (
          <BoardAutoScroll label={t("leaders.title")} testId="leader-rows">
            <ol className="board-leaders">
              {data.leaderboard.map((l, i) => (
                <li key={l.operatorId} className="board-leader" data-testid="leader-row" data-operator={l.operatorId}>
                  <span className="board-rank">{i + 1}</span>
                  <span className="board-name">{l.name}</span>
                  <span className="board-bar" aria-hidden>
                    <meter min={0} max={leaderMax} value={l.pieces} />
                  </span>
                  <span className="board-num board-pieces" data-testid="leader-pieces">{formatCount(l.pieces, locale)}</span>
                </li>
              ))}
            </ol>
          </BoardAutoScroll>
        )}
      </section>
    </div>
  );
}
