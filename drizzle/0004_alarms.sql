CREATE TABLE "alarms" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"device_name" text NOT NULL,
	"store_id" text NOT NULL,
	"org_path" text NOT NULL,
	"profile_id" text NOT NULL,
	"type" text NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"propagate" boolean DEFAULT false NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"cleared_at" timestamp with time zone,
	"cleared_by" text,
	"history" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alarms_one_open_uq" ON "alarms" USING btree ("tenant_id","device_id","type") WHERE "alarms"."cleared_at" IS NULL;--> statement-breakpoint
CREATE INDEX "alarms_tenant_started_idx" ON "alarms" USING btree ("tenant_id","started_at","id");--> statement-breakpoint
CREATE INDEX "alarms_tenant_path_idx" ON "alarms" USING btree ("tenant_id","org_path" text_pattern_ops,"started_at");--> statement-breakpoint
CREATE INDEX "alarms_device_idx" ON "alarms" USING btree ("device_id","started_at");--> statement-breakpoint
CREATE INDEX "alarms_store_idx" ON "alarms" USING btree ("store_id","started_at");--> statement-breakpoint
CREATE INDEX "alarms_attention_idx" ON "alarms" USING btree ("tenant_id","severity") WHERE "alarms"."status" <> 'CLEARED_ACK';