CREATE TABLE "files" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"org_unit_id" text NOT NULL,
	"org_path" text NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"uploaded_by" text NOT NULL,
	"uploaded_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alarm_work_order_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"alarm_type" text NOT NULL,
	"min_severity" text NOT NULL,
	"priority" text NOT NULL,
	"on_clear" text DEFAULT 'note' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "asset_downtime" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"asset_id" text NOT NULL,
	"store_id" text NOT NULL,
	"org_path" text NOT NULL,
	"category" text NOT NULL,
	"reason" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "assets" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"store_id" text NOT NULL,
	"zone_id" text,
	"org_unit_id" text NOT NULL,
	"org_path" text NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"make" text,
	"model" text,
	"serial" text,
	"installed_on" date,
	"warranty_end" date,
	"status" text DEFAULT 'operational' NOT NULL,
	"status_since" timestamp with time zone DEFAULT now() NOT NULL,
	"down_reason" text,
	"device_id" text,
	"public_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_calendar_feeds" (
	"user_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "maintenance_calendar_feeds_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "maintenance_contractors" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"email" text,
	"notes" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"asset_id" text NOT NULL,
	"store_id" text NOT NULL,
	"org_path" text NOT NULL,
	"description" text NOT NULL,
	"reporter_name" text,
	"reporter_contact" text,
	"photo_ids" text[] DEFAULT '{}' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"work_order_id" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_slas" (
	"tenant_id" text NOT NULL,
	"priority" text NOT NULL,
	"response_minutes" integer NOT NULL,
	"resolution_minutes" integer NOT NULL,
	"escalate_after_minutes" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "maintenance_slas_tenant_id_priority_pk" PRIMARY KEY("tenant_id","priority")
);
--> statement-breakpoint
CREATE TABLE "pm_schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"asset_id" text NOT NULL,
	"store_id" text NOT NULL,
	"org_path" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"checklist" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"priority" text DEFAULT 'medium' NOT NULL,
	"kind" text NOT NULL,
	"rrule" text,
	"starts_at" timestamp with time zone,
	"basis" text DEFAULT 'schedule' NOT NULL,
	"lead_days" integer DEFAULT 3 NOT NULL,
	"next_due_at" timestamp with time zone,
	"last_completed_at" timestamp with time zone,
	"meter_key" text,
	"meter_mode" text,
	"threshold" double precision,
	"usage_interval" double precision,
	"meter_baseline" double precision,
	"meter_armed" boolean DEFAULT true NOT NULL,
	"assignee_user_id" text,
	"contractor_id" text,
	"open_work_order_id" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_order_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"work_order_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" text NOT NULL,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"note" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"store_id" text NOT NULL,
	"org_unit_id" text NOT NULL,
	"org_path" text NOT NULL,
	"asset_id" text,
	"title" text NOT NULL,
	"description" text,
	"priority" text NOT NULL,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"assignee_user_id" text,
	"contractor_id" text,
	"checklist" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"time_spent_minutes" integer DEFAULT 0 NOT NULL,
	"parts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"photo_ids" text[] DEFAULT '{}' NOT NULL,
	"signature_file_id" text,
	"source" text NOT NULL,
	"request_id" text,
	"alarm_type" text,
	"alarm_id" text,
	"pm_schedule_id" text,
	"due_at" timestamp with time zone,
	"response_due_at" timestamp with time zone,
	"resolution_due_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"escalated_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbox_items" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"org_path" text,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"channel" text NOT NULL,
	"endpoint_id" text,
	"recipient" text NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"response_status" integer,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"url" text NOT NULL,
	"description" text,
	"kinds" text[] DEFAULT '{}' NOT NULL,
	"secret" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "asset_downtime" ADD CONSTRAINT "asset_downtime_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_requests" ADD CONSTRAINT "maintenance_requests_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pm_schedules" ADD CONSTRAINT "pm_schedules_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_order_events" ADD CONSTRAINT "work_order_events_work_order_id_work_orders_id_fk" FOREIGN KEY ("work_order_id") REFERENCES "public"."work_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "files_tenant_path_idx" ON "files" USING btree ("tenant_id","org_path" text_pattern_ops,"created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alarm_work_order_rules_type_uq" ON "alarm_work_order_rules" USING btree ("tenant_id","alarm_type","min_severity");--> statement-breakpoint
CREATE INDEX "asset_downtime_asset_idx" ON "asset_downtime" USING btree ("asset_id","started_at");--> statement-breakpoint
CREATE INDEX "asset_downtime_tenant_path_idx" ON "asset_downtime" USING btree ("tenant_id","org_path" text_pattern_ops,"started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "asset_downtime_one_open_uq" ON "asset_downtime" USING btree ("asset_id") WHERE "asset_downtime"."ended_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "assets_public_token_uq" ON "assets" USING btree ("public_token");--> statement-breakpoint
CREATE INDEX "assets_tenant_path_idx" ON "assets" USING btree ("tenant_id","org_path" text_pattern_ops,"name");--> statement-breakpoint
CREATE INDEX "assets_store_idx" ON "assets" USING btree ("store_id");--> statement-breakpoint
CREATE INDEX "assets_device_idx" ON "assets" USING btree ("device_id") WHERE "assets"."device_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "maintenance_contractors_tenant_name_uq" ON "maintenance_contractors" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "maintenance_requests_tenant_path_idx" ON "maintenance_requests" USING btree ("tenant_id","org_path" text_pattern_ops,"status","created_at");--> statement-breakpoint
CREATE INDEX "pm_schedules_tenant_path_idx" ON "pm_schedules" USING btree ("tenant_id","org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "pm_schedules_due_idx" ON "pm_schedules" USING btree ("next_due_at") WHERE "pm_schedules"."active";--> statement-breakpoint
CREATE INDEX "work_order_events_wo_idx" ON "work_order_events" USING btree ("work_order_id","id");--> statement-breakpoint
CREATE INDEX "work_orders_tenant_path_idx" ON "work_orders" USING btree ("tenant_id","org_path" text_pattern_ops,"status","created_at");--> statement-breakpoint
CREATE INDEX "work_orders_asset_idx" ON "work_orders" USING btree ("asset_id","created_at");--> statement-breakpoint
CREATE INDEX "work_orders_assignee_idx" ON "work_orders" USING btree ("assignee_user_id","status");--> statement-breakpoint
CREATE INDEX "work_orders_sla_idx" ON "work_orders" USING btree ("tenant_id","escalation_level") WHERE "work_orders"."status" IN ('OPEN', 'IN_PROGRESS', 'ON_HOLD');--> statement-breakpoint
CREATE UNIQUE INDEX "work_orders_one_open_alarm_uq" ON "work_orders" USING btree ("tenant_id","asset_id","alarm_type") WHERE "work_orders"."alarm_type" IS NOT NULL AND "work_orders"."status" IN ('OPEN', 'IN_PROGRESS', 'ON_HOLD');--> statement-breakpoint
CREATE INDEX "inbox_items_user_idx" ON "inbox_items" USING btree ("user_id",("read_at" IS NULL) DESC,"created_at","id");--> statement-breakpoint
CREATE INDEX "inbox_items_unread_idx" ON "inbox_items" USING btree ("user_id") WHERE "inbox_items"."read_at" IS NULL;--> statement-breakpoint
CREATE INDEX "notification_deliveries_endpoint_idx" ON "notification_deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "notification_deliveries_pending_idx" ON "notification_deliveries" USING btree ("created_at") WHERE "notification_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_endpoints_tenant_idx" ON "webhook_endpoints" USING btree ("tenant_id");