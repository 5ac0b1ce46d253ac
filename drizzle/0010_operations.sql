CREATE TABLE "audits" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"template_id" text NOT NULL,
	"template_version" integer NOT NULL,
	"store_id" text NOT NULL,
	"auditor_id" text NOT NULL,
	"auditor_label" text NOT NULL,
	"status" text NOT NULL,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"score" double precision,
	"passed" boolean,
	"critical_failed" boolean,
	"version" integer DEFAULT 1 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "corrective_actions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"audit_id" text NOT NULL,
	"store_id" text NOT NULL,
	"item_id" text NOT NULL,
	"item_label" text NOT NULL,
	"status" text NOT NULL,
	"note" text,
	"photo_file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"review_note" text,
	"due_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operations_settings" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"weekly_minutes_cap" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"send_id" text NOT NULL,
	"template_id" text NOT NULL,
	"template_version" integer NOT NULL,
	"store_id" text NOT NULL,
	"role" text NOT NULL,
	"assignee_id" text,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"approval" text NOT NULL,
	"occurrence" timestamp NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"due_date" date NOT NULL,
	"expires_at" timestamp with time zone,
	"estimated_minutes" integer DEFAULT 0 NOT NULL,
	"sla_store_minutes" integer,
	"sla_region_minutes" integer,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"started_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"submitted_by" text,
	"approved_at" timestamp with time zone,
	"approved_by" text,
	"return_reason" text,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_sends" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"template_id" text NOT NULL,
	"template_version" integer NOT NULL,
	"org_unit_id" text NOT NULL,
	"target" jsonb NOT NULL,
	"role" text NOT NULL,
	"title" text NOT NULL,
	"opens_local" timestamp,
	"due_local" timestamp,
	"rrule" text,
	"recurrence_start" timestamp,
	"due_after_minutes" integer,
	"expire_after_minutes" integer,
	"materialised_until" timestamp,
	"status" text DEFAULT 'active' NOT NULL,
	"store_count" integer DEFAULT 0 NOT NULL,
	"instance_count" integer DEFAULT 0 NOT NULL,
	"sent_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_store_day_stats" (
	"store_id" text NOT NULL,
	"day" date NOT NULL,
	"tenant_id" text NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"on_time" integer DEFAULT 0 NOT NULL,
	"overdue" integer DEFAULT 0 NOT NULL,
	"expired" integer DEFAULT 0 NOT NULL,
	"minutes" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "task_store_day_stats_store_id_day_pk" PRIMARY KEY("store_id","day")
);
--> statement-breakpoint
CREATE TABLE "task_template_versions" (
	"template_id" text NOT NULL,
	"version" integer NOT NULL,
	"tenant_id" text NOT NULL,
	"definition" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_template_versions_template_id_version_pk" PRIMARY KEY("template_id","version")
);
--> statement-breakpoint
CREATE TABLE "task_templates" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"org_unit_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"current_version" integer DEFAULT 1 NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "task_template_versions" ADD CONSTRAINT "task_template_versions_template_id_task_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."task_templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audits_tenant_completed_idx" ON "audits" USING btree ("tenant_id","completed_at");--> statement-breakpoint
CREATE INDEX "audits_store_idx" ON "audits" USING btree ("store_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "corrective_actions_item_uq" ON "corrective_actions" USING btree ("audit_id","item_id");--> statement-breakpoint
CREATE INDEX "corrective_actions_store_idx" ON "corrective_actions" USING btree ("store_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "task_instances_occurrence_uq" ON "task_instances" USING btree ("send_id","store_id","occurrence");--> statement-breakpoint
CREATE INDEX "task_instances_board_idx" ON "task_instances" USING btree ("store_id","due_at") WHERE "task_instances"."status" IN ('open', 'in_progress', 'returned', 'overdue', 'submitted');--> statement-breakpoint
CREATE INDEX "task_instances_store_due_idx" ON "task_instances" USING btree ("store_id","due_date");--> statement-breakpoint
CREATE INDEX "task_instances_clock_idx" ON "task_instances" USING btree ("status","due_at") WHERE "task_instances"."status" IN ('scheduled', 'open', 'in_progress', 'returned', 'overdue');--> statement-breakpoint
CREATE INDEX "task_instances_submitted_idx" ON "task_instances" USING btree ("tenant_id","submitted_at") WHERE "task_instances"."status" = 'submitted';--> statement-breakpoint
CREATE INDEX "task_instances_send_idx" ON "task_instances" USING btree ("send_id");--> statement-breakpoint
CREATE INDEX "task_sends_tenant_idx" ON "task_sends" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "task_sends_recurring_idx" ON "task_sends" USING btree ("status") WHERE "task_sends"."rrule" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "task_store_day_stats_tenant_day_idx" ON "task_store_day_stats" USING btree ("tenant_id","day");--> statement-breakpoint
CREATE INDEX "task_templates_tenant_idx" ON "task_templates" USING btree ("tenant_id","kind","name");