-- Days whose live counters (Redis) are behind their rollups. A flush recomputes hours and commits, then rewrites the
-- live counters of the days it changed; a flusher that dies (or finds Redis down) between the two left those days
-- stale until some later event touched them again. The recompute now marks its days here in its own transaction;
-- a flush rewrites every marked day and removes a mark only if nobody marked the day again meanwhile (`mark`).
CREATE SEQUENCE "metric_live_stale_mark_seq";

CREATE TABLE "metric_live_stale" (
    "day" DATE NOT NULL,
    "mark" BIGINT NOT NULL DEFAULT nextval('metric_live_stale_mark_seq'),

    CONSTRAINT "metric_live_stale_pkey" PRIMARY KEY ("day")
);

ALTER SEQUENCE "metric_live_stale_mark_seq" OWNED BY "metric_live_stale"."mark";
