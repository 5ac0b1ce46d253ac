CREATE TABLE "journey_enrollments" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"journey_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"step_id" text,
	"step_entered_at" timestamp with time zone NOT NULL,
	"wake_at" timestamp with time zone,
	"trigger_key" text NOT NULL,
	"trigger" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"exit_reason" text,
	"entered_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "journey_step_runs" (
	"enrollment_id" text NOT NULL,
	"step_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"journey_id" text NOT NULL,
	"outcome" text NOT NULL,
	"detail" text,
	"message_id" text,
	"at" timestamp with time zone NOT NULL,
	"seq" bigserial NOT NULL,
	CONSTRAINT "journey_step_runs_enrollment_id_step_id_pk" PRIMARY KEY("enrollment_id","step_id")
);
--> statement-breakpoint
CREATE TABLE "journeys" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"org_unit_id" text NOT NULL,
	"org_path" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"trigger" jsonb NOT NULL,
	"steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reentry" jsonb NOT NULL,
	"purpose" text DEFAULT 'marketing' NOT NULL,
	"quiet_start" text DEFAULT '21:00' NOT NULL,
	"quiet_end" text DEFAULT '09:00' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "journey_enrollments_trigger_idx" ON "journey_enrollments" USING btree ("journey_id","trigger_key");--> statement-breakpoint
CREATE UNIQUE INDEX "journey_enrollments_active_idx" ON "journey_enrollments" USING btree ("journey_id","profile_id") WHERE "journey_enrollments"."status" = 'active';--> statement-breakpoint
CREATE INDEX "journey_enrollments_wake_idx" ON "journey_enrollments" USING btree ("wake_at") WHERE "journey_enrollments"."status" = 'active';--> statement-breakpoint
CREATE INDEX "journey_enrollments_journey_idx" ON "journey_enrollments" USING btree ("journey_id","entered_at");--> statement-breakpoint
CREATE INDEX "journey_enrollments_profile_idx" ON "journey_enrollments" USING btree ("profile_id","entered_at");--> statement-breakpoint
CREATE INDEX "journey_step_runs_journey_idx" ON "journey_step_runs" USING btree ("journey_id","step_id");--> statement-breakpoint
CREATE INDEX "journeys_tenant_idx" ON "journeys" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "journeys_active_idx" ON "journeys" USING btree ("tenant_id") WHERE "journeys"."status" = 'active';