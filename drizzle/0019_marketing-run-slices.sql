CREATE TABLE "campaign_run_slices" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"run" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"profile_ids" text[] NOT NULL,
	"variants" text[] NOT NULL,
	"store_ids" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "campaign_run_slices_due_idx" ON "campaign_run_slices" USING btree ("campaign_id","due_at");