import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { RequestHandler } from "express";
import { QUEUES } from "~/domain/jobs";
import { getUserFromCookieHeader } from "./auth.server";
import { getQueue } from "./queue.server";

export const QUEUE_BOARD_PATH = "/admin/queues";

/** Only signed-in admins and supervisors reach the queue board (retry or discard failed jobs there). */
export const requireQueueBoardAccess: RequestHandler = (req, res, next) => {
  void (async () => {
    const user = await getUserFromCookieHeader(req.headers.cookie);
    if (!user) return res.redirect(302, `/login?redirectTo=${encodeURIComponent(QUEUE_BOARD_PATH)}`);
    if (!user.roles.some((r) => r === "ADMIN" || r === "SUPERVISOR")) return res.status(403).send("Forbidden");
    next();
  })().catch(next);
};

/** bull-board over every queue the system has. */
export function queueBoardRouter() {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: Object.values(QUEUES).map((name) => new BullMQAdapter(getQueue(name))),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Accounting Factory queues" } },
  });
  return serverAdapter.getRouter() as RequestHandler;
}
