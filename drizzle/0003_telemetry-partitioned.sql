-- (Replaced by 0005: telemetry_entries, one row per device and timestamp.)
-- Telemetry, partitioned so that retention is DROP of old partitions, never DELETE (docs/devices.md, "Storage").
-- Level 1: LIST by the profile's retention in days (one partition per retention in use, created by the app).
-- Level 2: RANGE by ts (ms since epoch), a day or a few days per partition, created ahead by the maintenance job.
-- Rows carry no tenant_id: device_sid leads to the device and its tenant (docs/decisions.md). Columns are ordered
-- widest first so the row has no alignment padding.
CREATE TABLE "telemetry" (
	"ts" bigint NOT NULL,
	"num_v" double precision,
	"device_sid" integer NOT NULL,
	"key_id" integer NOT NULL,
	"retention_days" smallint NOT NULL,
	"bool_v" boolean,
	"str_v" text,
	"json_v" jsonb
) PARTITION BY LIST ("retention_days");
--> statement-breakpoint
CREATE INDEX "telemetry_series_idx" ON "telemetry" ("device_sid", "key_id", "ts");
--> statement-breakpoint
CREATE INDEX "telemetry_ts_brin" ON "telemetry" USING brin ("ts");
--> statement-breakpoint
-- Hourly rollups of numeric values (min, max, sum, count), partitioned by month of the hour.
CREATE TABLE "telemetry_rollups" (
	"hour" bigint NOT NULL,
	"min_v" double precision NOT NULL,
	"max_v" double precision NOT NULL,
	"sum_v" double precision NOT NULL,
	"device_sid" integer NOT NULL,
	"key_id" integer NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "telemetry_rollups_pk" PRIMARY KEY ("device_sid", "key_id", "hour")
) PARTITION BY RANGE ("hour");
--> statement-breakpoint
-- Latest values and device activity are updated in place every few seconds: leave room on each page for HOT updates.
ALTER TABLE "telemetry_latest" SET (fillfactor = 70);
--> statement-breakpoint
ALTER TABLE "devices" SET (fillfactor = 80);
