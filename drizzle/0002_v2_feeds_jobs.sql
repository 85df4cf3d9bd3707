CREATE TABLE "netsuite_refusals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"feed" text NOT NULL,
	"feed_file_id" text,
	"file_name" text NOT NULL,
	"row_number" integer NOT NULL,
	"order_id" text,
	"order_item_seq_id" text,
	"variance_id" text,
	"outbox_id" integer,
	"message" text NOT NULL,
	"report_file_id" text NOT NULL,
	"status" text DEFAULT 'OPEN' NOT NULL,
	"resolved_by" text,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "feed_files_in_sha_uq";--> statement-breakpoint
DROP INDEX "extful_res_kind_uq";--> statement-breakpoint
ALTER TABLE "external_fulfillment" ALTER COLUMN "reservation_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "brokering_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "external_fulfillment" ADD COLUMN "line_id" text;--> statement-breakpoint
ALTER TABLE "external_fulfillment" ADD COLUMN "location" text;--> statement-breakpoint
ALTER TABLE "external_fulfillment" ADD COLUMN "closed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "external_fulfillment" ADD COLUMN "superseded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "job_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "job_runs" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "order_items" ADD COLUMN "netsuite_line_qty" integer;--> statement-breakpoint
ALTER TABLE "order_items" ADD COLUMN "netsuite_sync" text;--> statement-breakpoint
ALTER TABLE "order_payments" ADD COLUMN "netsuite_deposit_id" text;--> statement-breakpoint
ALTER TABLE "rejections" ADD COLUMN "netsuite_rejection_id" text;--> statement-breakpoint
CREATE INDEX "refusals_item_idx" ON "netsuite_refusals" USING btree ("order_id","order_item_seq_id");--> statement-breakpoint
CREATE INDEX "refusals_status_idx" ON "netsuite_refusals" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "extful_closed_uq" ON "external_fulfillment" USING btree ("order_id","order_item_seq_id") WHERE closed and superseded_at is null;--> statement-breakpoint
CREATE INDEX "extful_item_idx" ON "external_fulfillment" USING btree ("order_id","order_item_seq_id");--> statement-breakpoint
CREATE UNIQUE INDEX "feed_files_in_name_uq" ON "feed_files" USING btree ("feed","file_name") WHERE direction = 'IN' and status in ('PROCESSING','APPLIED');--> statement-breakpoint
CREATE INDEX "feed_files_in_sha_idx" ON "feed_files" USING btree ("feed","sha256") WHERE direction = 'IN';--> statement-breakpoint
CREATE INDEX "items_ns_sync_idx" ON "order_items" USING btree ("order_id") WHERE netsuite_sync is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "extful_res_kind_uq" ON "external_fulfillment" USING btree ("reservation_id","kind") WHERE superseded_at is null;--> statement-breakpoint
UPDATE "external_fulfillment" ef SET "line_id" = oi."netsuite_line_id" FROM "order_items" oi WHERE oi."order_id" = ef."order_id" AND oi."seq_id" = ef."order_item_seq_id";--> statement-breakpoint
UPDATE "external_fulfillment" ef SET "location" = f."netsuite_location_id" FROM "facilities" f WHERE f."id" = ef."facility_id";
