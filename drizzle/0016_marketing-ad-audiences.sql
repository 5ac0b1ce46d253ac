CREATE TABLE "ad_audience_refreshes" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"audience_id" text NOT NULL,
	"segment_id" text NOT NULL,
	"format" text NOT NULL,
	"reason" text NOT NULL,
	"rows" integer NOT NULL,
	"bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ad_audiences" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"org_unit_id" text NOT NULL,
	"org_path" text NOT NULL,
	"segment_id" text NOT NULL,
	"formats" jsonb NOT NULL,
	"purpose" text DEFAULT 'advertising' NOT NULL,
	"interval_hours" integer DEFAULT 6 NOT NULL,
	"on_change" boolean DEFAULT true NOT NULL,
	"change_delay_minutes" integer DEFAULT 10 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"next_run_at" timestamp with time zone,
	"changed_at" timestamp with time zone,
	"last_refresh_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "marketing_messages_pace_idx";--> statement-breakpoint
DROP INDEX "marketing_messages_provider_idx";--> statement-breakpoint
CREATE INDEX "ad_audience_refreshes_audience_idx" ON "ad_audience_refreshes" USING btree ("audience_id","created_at");--> statement-breakpoint
CREATE INDEX "ad_audiences_tenant_idx" ON "ad_audiences" USING btree ("tenant_id","segment_id");--> statement-breakpoint
CREATE INDEX "ad_audiences_segment_idx" ON "ad_audiences" USING btree ("segment_id");--> statement-breakpoint
CREATE INDEX "ad_audiences_due_idx" ON "ad_audiences" USING btree ("next_run_at") WHERE "ad_audiences"."active";--> statement-breakpoint
CREATE INDEX "marketing_messages_pace_idx" ON "marketing_messages" USING btree ("campaign_id","sent_at") WHERE "marketing_messages"."sent_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "marketing_messages_provider_idx" ON "marketing_messages" USING btree ("channel_id","provider_id") WHERE "marketing_messages"."provider_id" IS NOT NULL;