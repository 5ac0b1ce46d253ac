-- The per-person index of customer events carries the event name: "the newest Order Completed of these people" (the
-- segment evaluation's event conditions, the RFM rebuild) reads index entries only, where it fetched every event of
-- the person from the heap to look at its name (docs/decisions.md). Same keys, so timelines read it as before.
-- Partitions ATTACHed later get it from the parent.
CREATE INDEX "customer_events_profile_ts_event_idx" ON "customer_events" ("tenant_id", "profile_id", "ts") INCLUDE ("event");
--> statement-breakpoint
DROP INDEX "customer_events_profile_ts_idx";
