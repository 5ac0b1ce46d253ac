-- The profile side's durability (docs/customers.md, "Durability"): every group commit of customer events also writes
-- one row per part of a flush (one tenant, at most 2,000 events) and stamps the part's id on its event rows. The
-- profile pipeline deletes the row in the transaction that applies the part to profiles, so a part is applied exactly
-- once; a process that dies between the ingest COMMIT and that application leaves the row, and the next start (or
-- another node's sweep) replays the part from customer_events.
ALTER TABLE "customer_events" ADD COLUMN "flush_id" bigint;
--> statement-breakpoint
-- Ids are handed out in blocks of 1,000 per process (one nextval per block).
CREATE SEQUENCE "customer_event_flush_seq" INCREMENT BY 1000;
--> statement-breakpoint
CREATE TABLE "customer_event_flushes" (
	"id" bigint PRIMARY KEY,
	"tenant_id" text NOT NULL,
	"events" integer NOT NULL,
	-- Where the part's rows lie: partitions by ts, the BRIN index by received_at.
	"ts_from" timestamp with time zone NOT NULL,
	"ts_to" timestamp with time zone NOT NULL,
	"received_from" timestamp with time zone NOT NULL,
	"received_to" timestamp with time zone NOT NULL,
	"committed_at" timestamp with time zone DEFAULT now() NOT NULL
);
