DROP INDEX "feed_files_in_sha_uq";--> statement-breakpoint
CREATE INDEX "customers_feed_file_idx" ON "customers" USING btree ("feed_file_id");--> statement-breakpoint
CREATE INDEX "extful_file_idx" ON "external_fulfillment" USING btree ("feed_file_id","id");--> statement-breakpoint
CREATE INDEX "payments_feed_file_idx" ON "order_payments" USING btree ("feed_file_id");--> statement-breakpoint
CREATE INDEX "orders_feed_file_idx" ON "orders" USING btree ("feed_file_id");--> statement-breakpoint
CREATE UNIQUE INDEX "feed_files_in_sha_uq" ON "feed_files" USING btree ("feed","sha256") WHERE direction = 'IN' and status in ('PROCESSING','APPLIED');