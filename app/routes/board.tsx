import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { BoardScreen } from "~/components/board-screen";
import { useBoardStream } from "~/components/board-live";
import { useRootData } from "~/root";
import { getBoardData } from "~/models/board-data.server";
import { getBoardHub } from "~/models/board-hub.server";
import { boardViewerFor } from "~/models/board-access.server";
import { orErrorResponse } from "~/utils/app-error.server";
import { requireUser } from "~/utils/auth.server";
import boardStyles from "~/styles/board.css";

export const links = () => [{ rel: "stylesheet", href: boardStyles }];
export const meta: MetaFunction = () => [{ title: "Wall board · Accounting Factory" }];
/** Full screen: no top bar, nothing else of the app. */
export const handle = { chrome: false };

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const user = token === null ? await requireUser(request) : null;
  const viewer = await orErrorResponse(() => boardViewerFor({ token, user }));
  // What the open boards of this scope show or load next, when there are any; else a load of its own.
  const data = (await getBoardHub().forPage(viewer.scope)) ?? (await getBoardData({ now: new Date(), scope: viewer.scope }));
  const eventsUrl = viewer.kind === "token" ? `/board/events?${new URLSearchParams({ token: viewer.token })}` : "/board/events";
  return { data, eventsUrl, canManage: viewer.kind === "user" };
}

export default function Board() {
  const { data: initial, eventsUrl, canManage } = useLoaderData<typeof loader>();
  const root = useRootData();
  const { data, state } = useBoardStream(eventsUrl, initial);
  return <BoardScreen data={data} state={state} locale={root?.locale ?? "zh-CN"} settingsHref={canManage ? "/board/settings" : undefined} />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const tokenBoard = new URLSearchParams(useLocation().search).has("token");
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (status !== 403 && status !== 401) console.error(error);
  return (
    <div className="board-error" role="alert" data-testid="board-error">
      <p className="board-error-code">{status}</p>
      <h1>{status === 403 ? t("errors.forbiddenTitle") : t("errors.genericTitle")}</h1>
      <p>{status === 403 ? (tokenBoard ? t("board:accessEnded") : t("errors.forbidden")) : t("errors.generic")}</p>
      {tokenBoard ? null : (
        <Link to="/claims" className="board-settings-link">
          {t("errors.back")}
        </Link>
      )}
    </div>
  );
}
