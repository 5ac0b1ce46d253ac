-- Special-hours ranges of one store never overlap: the database refuses it even under concurrent writes.
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "store_special_hours" ADD CONSTRAINT "store_special_hours_no_overlap"
  EXCLUDE USING gist ("store_id" WITH =, daterange("start_date", "end_date", '[]') WITH &&);
