CREATE TABLE "campaigns" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"org_unit_id" text NOT NULL,
	"org_path" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"channel_id" text NOT NULL,
	"purpose" text DEFAULT 'marketing' NOT NULL,
	"include_segments" jsonb NOT NULL,
	"exclude_segments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"variants" jsonb NOT NULL,
	"holdout_percent" integer DEFAULT 0 NOT NULL,
	"schedule" jsonb NOT NULL,
	"quiet_start" text DEFAULT '21:00' NOT NULL,
	"quiet_end" text DEFAULT '09:00' NOT NULL,
	"rate_per_minute" integer DEFAULT 600 NOT NULL,
	"attribution_days" integer DEFAULT 7 NOT NULL,
	"current_run" text,
	"next_run_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketing_channels" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cap_max" integer,
	"cap_days" integer DEFAULT 7 NOT NULL,
	"secret" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketing_interactions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"message_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"kind" text NOT NULL,
	"url" text,
	"detail" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketing_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"run" text NOT NULL,
	"profile_id" text NOT NULL,
	"variant" text NOT NULL,
	"channel_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text NOT NULL,
	"skip_reason" text,
	"due_at" timestamp with time zone NOT NULL,
	"store_id" text,
	"recipient" text,
	"subject" text,
	"body" text,
	"provider_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"opened_at" timestamp with time zone,
	"clicked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketing_templates" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"variables" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "campaigns_tenant_idx" ON "campaigns" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "campaigns_next_run_idx" ON "campaigns" USING btree ("next_run_at") WHERE "campaigns"."next_run_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "marketing_channels_tenant_idx" ON "marketing_channels" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "marketing_interactions_message_idx" ON "marketing_interactions" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "marketing_interactions_campaign_idx" ON "marketing_interactions" USING btree ("campaign_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "marketing_messages_idempotency_idx" ON "marketing_messages" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "marketing_messages_campaign_idx" ON "marketing_messages" USING btree ("campaign_id","status");--> statement-breakpoint
CREATE INDEX "marketing_messages_due_idx" ON "marketing_messages" USING btree ("due_at") WHERE "marketing_messages"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "marketing_messages_profile_idx" ON "marketing_messages" USING btree ("profile_id","channel_id","sent_at");--> statement-breakpoint
CREATE INDEX "marketing_messages_provider_idx" ON "marketing_messages" USING btree ("channel_id","provider_id");--> statement-breakpoint
CREATE INDEX "marketing_templates_tenant_idx" ON "marketing_templates" USING btree ("tenant_id","id");