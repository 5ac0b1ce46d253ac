CREATE TABLE "customer_event_dedupe" (
	"tenant_id" text NOT NULL,
	"message_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "customer_event_dedupe_tenant_id_message_id_pk" PRIMARY KEY("tenant_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "source_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"source_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"message_id" text,
	"type" text,
	"reason" text NOT NULL,
	"raw" text
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"channel" text NOT NULL,
	"store_id" text,
	"write_key_hash" text NOT NULL,
	"write_key_prefix" text NOT NULL,
	"previous_key_hash" text,
	"previous_key_expires_at" timestamp with time zone,
	"enabled" boolean DEFAULT true NOT NULL,
	"rate_limit" integer,
	"key_rotated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "source_errors" ADD CONSTRAINT "source_errors_source_id_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sources" ADD CONSTRAINT "sources_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_event_dedupe_expires_brin" ON "customer_event_dedupe" USING brin ("expires_at");--> statement-breakpoint
CREATE INDEX "source_errors_source_idx" ON "source_errors" USING btree ("source_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sources_tenant_name_uq" ON "sources" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "sources_write_key_uq" ON "sources" USING btree ("write_key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "sources_previous_key_uq" ON "sources" USING btree ("previous_key_hash") WHERE "sources"."previous_key_hash" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "sources_tenant_store_idx" ON "sources" USING btree ("tenant_id","store_id");