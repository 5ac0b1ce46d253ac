-- Customer events as collected (Segment's Tracking API, imports), partitioned by month of the corrected event time
-- so timelines and time windows read few partitions and old months can be archived by DETACH (docs/collection.md,
-- "Storage"). Partitions are created by the app as plain tables and ATTACHed (only SHARE UPDATE EXCLUSIVE on the
-- parent, so COPYs in flight never wait). Uniqueness of message_id is kept by customer_event_dedupe, not here: a
-- unique index on a partitioned table would have to include ts. Fixed-width columns first, so rows have no padding.
CREATE TABLE "customer_events" (
	"ts" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"original_timestamp" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"tenant_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"message_id" text NOT NULL,
	"source_id" text NOT NULL,
	"channel" text NOT NULL,
	"store_id" text,
	"type" text NOT NULL,
	"user_id" text,
	"anonymous_id" text,
	"event" text,
	"previous_id" text,
	"group_id" text,
	"properties" jsonb NOT NULL,
	"traits" jsonb NOT NULL,
	"context" jsonb NOT NULL
) PARTITION BY RANGE ("ts");
--> statement-breakpoint
-- A person's timeline (newest first, by profile) and every per-profile read of the profile pipeline.
CREATE INDEX "customer_events_profile_ts_idx" ON "customer_events" ("tenant_id", "profile_id", "ts");
--> statement-breakpoint
-- Replays by arrival time (the profile pipeline catching up after a crash) cost a BRIN, not a second btree.
CREATE INDEX "customer_events_received_brin" ON "customer_events" USING brin ("received_at");
