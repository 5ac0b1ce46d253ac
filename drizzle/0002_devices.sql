CREATE TABLE "device_attributes" (
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "device_attributes_device_id_scope_key_pk" PRIMARY KEY("device_id","scope","key")
);
--> statement-breakpoint
CREATE TABLE "device_credentials" (
	"device_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"type" text NOT NULL,
	"token_hash" text,
	"token_prefix" text,
	"client_id" text,
	"username" text,
	"password_hash" text,
	"revoked_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_drop_counters" (
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"reason" text NOT NULL,
	"count" bigint NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "device_drop_counters_device_id_reason_pk" PRIMARY KEY("device_id","reason")
);
--> statement-breakpoint
CREATE TABLE "device_pipeline_state" (
	"name" text PRIMARY KEY NOT NULL,
	"value" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"kind" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"telemetry_retention_days" integer DEFAULT 30 NOT NULL,
	"inactivity_timeout_seconds" integer DEFAULT 600 NOT NULL,
	"default_chart_keys" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"provision_strategy" text DEFAULT 'disabled' NOT NULL,
	"provision_key" text,
	"provision_secret" text,
	"provision_store_id" text,
	"alarm_rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_rpc" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"request_id" integer GENERATED ALWAYS AS IDENTITY (sequence name "device_rpc_request_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1 CYCLE),
	"method" text NOT NULL,
	"params" jsonb,
	"oneway" boolean NOT NULL,
	"persistent" boolean NOT NULL,
	"status" text NOT NULL,
	"timeout_ms" integer NOT NULL,
	"response" jsonb,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" text PRIMARY KEY NOT NULL,
	"sid" integer GENERATED ALWAYS AS IDENTITY (sequence name "devices_sid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"store_id" text NOT NULL,
	"zone_id" text,
	"org_path" text NOT NULL,
	"profile_id" text NOT NULL,
	"name" text NOT NULL,
	"label" text,
	"type" text DEFAULT 'default' NOT NULL,
	"is_gateway" boolean DEFAULT false NOT NULL,
	"gateway_id" text,
	"provisioned_at" timestamp with time zone,
	"last_activity_at" timestamp with time zone,
	"online" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "telemetry_keys" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "telemetry_keys_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"key" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "telemetry_latest" (
	"device_sid" integer NOT NULL,
	"key_id" integer NOT NULL,
	"tenant_id" text NOT NULL,
	"ts" bigint NOT NULL,
	"num_v" double precision,
	"bool_v" boolean,
	"str_v" text,
	"json_v" jsonb,
	CONSTRAINT "telemetry_latest_device_sid_key_id_pk" PRIMARY KEY("device_sid","key_id")
);
--> statement-breakpoint
ALTER TABLE "device_attributes" ADD CONSTRAINT "device_attributes_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_credentials" ADD CONSTRAINT "device_credentials_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_profiles" ADD CONSTRAINT "device_profiles_provision_store_id_stores_id_fk" FOREIGN KEY ("provision_store_id") REFERENCES "public"."stores"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_rpc" ADD CONSTRAINT "device_rpc_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_zone_id_store_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."store_zones"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_profile_id_device_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."device_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_gateway_id_devices_id_fk" FOREIGN KEY ("gateway_id") REFERENCES "public"."devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "device_credentials_token_uq" ON "device_credentials" USING btree ("token_hash") WHERE "device_credentials"."token_hash" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "device_credentials_client_idx" ON "device_credentials" USING btree ("client_id") WHERE "device_credentials"."client_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "device_credentials_username_idx" ON "device_credentials" USING btree ("username") WHERE "device_credentials"."username" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "device_profiles_tenant_name_uq" ON "device_profiles" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "device_profiles_provision_key_uq" ON "device_profiles" USING btree ("provision_key") WHERE "device_profiles"."provision_key" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "device_profiles_tenant_default_uq" ON "device_profiles" USING btree ("tenant_id") WHERE "device_profiles"."is_default";--> statement-breakpoint
CREATE INDEX "device_rpc_device_idx" ON "device_rpc" USING btree ("device_id","created_at");--> statement-breakpoint
CREATE INDEX "device_rpc_request_idx" ON "device_rpc" USING btree ("device_id","request_id");--> statement-breakpoint
CREATE INDEX "device_rpc_open_idx" ON "device_rpc" USING btree ("device_id","created_at") WHERE "device_rpc"."status" IN ('QUEUED', 'SENT', 'DELIVERED');--> statement-breakpoint
CREATE UNIQUE INDEX "devices_tenant_name_uq" ON "devices" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_sid_uq" ON "devices" USING btree ("sid");--> statement-breakpoint
CREATE INDEX "devices_tenant_path_idx" ON "devices" USING btree ("tenant_id","org_path" text_pattern_ops,"name");--> statement-breakpoint
CREATE INDEX "devices_store_idx" ON "devices" USING btree ("store_id","name");--> statement-breakpoint
CREATE INDEX "devices_profile_idx" ON "devices" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "devices_gateway_idx" ON "devices" USING btree ("gateway_id");--> statement-breakpoint
CREATE UNIQUE INDEX "telemetry_keys_tenant_key_uq" ON "telemetry_keys" USING btree ("tenant_id","key");