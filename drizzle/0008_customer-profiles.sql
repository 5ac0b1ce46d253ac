CREATE TABLE "computed_trait_values" (
	"trait_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"value" jsonb,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "computed_trait_values_trait_id_profile_id_pk" PRIMARY KEY("trait_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "computed_traits" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"definition" jsonb NOT NULL,
	"status" text DEFAULT 'computing' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consent_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"purpose" text NOT NULL,
	"channel" text NOT NULL,
	"granted" boolean NOT NULL,
	"source" text NOT NULL,
	"message_id" text,
	"actor" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"tenant_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"purpose" text NOT NULL,
	"channel" text NOT NULL,
	"granted" boolean NOT NULL,
	"source" text NOT NULL,
	"message_id" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "consents_profile_id_purpose_channel_pk" PRIMARY KEY("profile_id","purpose","channel")
);
--> statement-breakpoint
CREATE TABLE "customer_settings" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"identity" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"rfm" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"rfm_boundaries" jsonb,
	"rfm_computed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_event_daily_counts" (
	"tenant_id" text NOT NULL,
	"day" text NOT NULL,
	"event" text NOT NULL,
	"channel" text NOT NULL,
	"store_id" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"revenue" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "customer_event_daily_counts_tenant_id_day_event_channel_store_id_pk" PRIMARY KEY("tenant_id","day","event","channel","store_id")
);
--> statement-breakpoint
CREATE TABLE "identity_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"kind" text NOT NULL,
	"profile_id" text NOT NULL,
	"other_profile_id" text,
	"identifiers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reason" text NOT NULL,
	"message_id" text,
	"actor" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "privacy_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"profile_id" text,
	"requested_by" text NOT NULL,
	"reason" text,
	"receipt" jsonb,
	"export" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "profile_identifiers" (
	"tenant_id" text NOT NULL,
	"type" text NOT NULL,
	"value" text NOT NULL,
	"profile_id" text NOT NULL,
	"claimed_at" timestamp with time zone NOT NULL,
	"message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "profile_identifiers_tenant_id_type_value_pk" PRIMARY KEY("tenant_id","type","value")
);
--> statement-breakpoint
CREATE TABLE "profile_stores" (
	"tenant_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"store_id" text NOT NULL,
	"org_path" text NOT NULL,
	"visits" integer DEFAULT 0 NOT NULL,
	"purchases" integer DEFAULT 0 NOT NULL,
	"revenue" double precision DEFAULT 0 NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "profile_stores_profile_id_store_id_pk" PRIMARY KEY("profile_id","store_id")
);
--> statement-breakpoint
CREATE TABLE "profile_timers" (
	"kind" text NOT NULL,
	"ref_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	CONSTRAINT "profile_timers_kind_ref_id_profile_id_pk" PRIMARY KEY("kind","ref_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"merged_into" text,
	"version" integer DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"identifier_counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"traits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"trait_times" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"preferred_store_id" text,
	"rebuild_needed" boolean DEFAULT false NOT NULL,
	"last_order_at" timestamp with time zone,
	"order_window" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"frequency" integer DEFAULT 0 NOT NULL,
	"monetary" double precision DEFAULT 0 NOT NULL,
	"rfm_r" smallint,
	"rfm_f" smallint,
	"rfm_m" smallint,
	"lifetime_value" double precision DEFAULT 0 NOT NULL,
	"lifetime_orders" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segment_daily_counts" (
	"segment_id" text NOT NULL,
	"day" text NOT NULL,
	"tenant_id" text NOT NULL,
	"entered" integer DEFAULT 0 NOT NULL,
	"exited" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "segment_daily_counts_segment_id_day_pk" PRIMARY KEY("segment_id","day")
);
--> statement-breakpoint
CREATE TABLE "segment_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"segment_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segment_members" (
	"segment_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"entered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "segment_members_segment_id_profile_id_pk" PRIMARY KEY("segment_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"definition" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'computing' NOT NULL,
	"progress" jsonb DEFAULT '{"done":0,"total":0}'::jsonb NOT NULL,
	"member_count" integer DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"tenant_id" text NOT NULL,
	"identifier_hash" text NOT NULL,
	"type" text NOT NULL,
	"reason" text NOT NULL,
	"request_id" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppressions_tenant_id_identifier_hash_pk" PRIMARY KEY("tenant_id","identifier_hash")
);
--> statement-breakpoint
CREATE TABLE "profile_trait_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"key" text NOT NULL,
	"value" jsonb,
	"at" timestamp with time zone NOT NULL,
	"message_id" text,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "computed_trait_values_profile_idx" ON "computed_trait_values" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "computed_traits_tenant_key_idx" ON "computed_traits" USING btree ("tenant_id","key");--> statement-breakpoint
CREATE INDEX "consent_history_profile_idx" ON "consent_history" USING btree ("profile_id","id");--> statement-breakpoint
CREATE INDEX "consents_tenant_idx" ON "consents" USING btree ("tenant_id","purpose","channel");--> statement-breakpoint
CREATE INDEX "identity_log_profile_idx" ON "identity_log" USING btree ("tenant_id","profile_id","id");--> statement-breakpoint
CREATE INDEX "identity_log_other_idx" ON "identity_log" USING btree ("other_profile_id");--> statement-breakpoint
CREATE INDEX "privacy_requests_tenant_idx" ON "privacy_requests" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "profile_identifiers_profile_idx" ON "profile_identifiers" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "profile_stores_path_idx" ON "profile_stores" USING btree ("tenant_id","org_path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "profile_timers_due_idx" ON "profile_timers" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "profile_timers_profile_idx" ON "profile_timers" USING btree ("profile_id","kind");--> statement-breakpoint
CREATE INDEX "profiles_tenant_live_idx" ON "profiles" USING btree ("tenant_id","id") WHERE "profiles"."merged_into" IS NULL;--> statement-breakpoint
CREATE INDEX "profiles_merged_into_idx" ON "profiles" USING btree ("merged_into") WHERE "profiles"."merged_into" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "segment_history_segment_idx" ON "segment_history" USING btree ("segment_id","id");--> statement-breakpoint
CREATE INDEX "segment_history_profile_idx" ON "segment_history" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "segment_members_profile_idx" ON "segment_members" USING btree ("profile_id");--> statement-breakpoint
CREATE INDEX "segments_tenant_idx" ON "segments" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "profile_trait_history_profile_idx" ON "profile_trait_history" USING btree ("profile_id","key","at");