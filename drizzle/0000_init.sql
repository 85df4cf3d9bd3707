CREATE TABLE "brokering_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"orders" integer DEFAULT 0 NOT NULL,
	"items" integer DEFAULT 0 NOT NULL,
	"allocated" integer DEFAULT 0 NOT NULL,
	"exception" integer DEFAULT 0 NOT NULL,
	"queued" integer DEFAULT 0 NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" text PRIMARY KEY NOT NULL,
	"external_id" text,
	"first_name" text,
	"last_name" text,
	"email" text,
	"phone" text,
	"netsuite_customer_id" text,
	"feed_file_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "external_fulfillment" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reservation_id" integer NOT NULL,
	"order_id" text NOT NULL,
	"order_item_seq_id" text NOT NULL,
	"facility_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"kind" text NOT NULL,
	"feed_file_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "facilities" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"fulfillment_system" text DEFAULT 'OMS' NOT NULL,
	"netsuite_location_id" text,
	"address1" text,
	"city" text,
	"state" text,
	"postal_code" text,
	"country" text DEFAULT 'US' NOT NULL,
	"market" text,
	"latitude" double precision,
	"longitude" double precision,
	"ranking" integer DEFAULT 100 NOT NULL,
	"zip_ranges" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"accounting_codes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"daily_order_limit" integer,
	"safety_stock" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "facilities_type_chk" CHECK ("facilities"."type" in ('STORE','WAREHOUSE','VIRTUAL')),
	CONSTRAINT "facilities_fs_chk" CHECK ("facilities"."fulfillment_system" in ('OMS','NETSUITE'))
);
--> statement-breakpoint
CREATE TABLE "facility_exclusions" (
	"order_id" text NOT NULL,
	"order_item_seq_id" text NOT NULL,
	"facility_id" text NOT NULL,
	"until" timestamp with time zone,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "facility_exclusions_order_id_order_item_seq_id_facility_id_pk" PRIMARY KEY("order_id","order_item_seq_id","facility_id")
);
--> statement-breakpoint
CREATE TABLE "facility_order_counts" (
	"facility_id" text NOT NULL,
	"day" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "facility_order_counts_facility_id_day_pk" PRIMARY KEY("facility_id","day")
);
--> statement-breakpoint
CREATE TABLE "feed_files" (
	"id" text PRIMARY KEY NOT NULL,
	"feed" text NOT NULL,
	"direction" text NOT NULL,
	"file_name" text NOT NULL,
	"folder" text NOT NULL,
	"sha256" text,
	"size" integer,
	"status" text NOT NULL,
	"row_count" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"errors" jsonb,
	"job_run_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "feed_rows_applied" (
	"feed" text NOT NULL,
	"business_key" text NOT NULL,
	"feed_file_id" text NOT NULL,
	"row_number" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feed_rows_applied_feed_business_key_pk" PRIMARY KEY("feed","business_key")
);
--> statement-breakpoint
CREATE TABLE "inventory_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"facility_id" text NOT NULL,
	"kind" text NOT NULL,
	"on_hand_delta" integer DEFAULT 0 NOT NULL,
	"reserved_delta" integer DEFAULT 0 NOT NULL,
	"reason" text,
	"order_id" text,
	"order_item_seq_id" text,
	"actor" text DEFAULT 'system' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inventory_levels" (
	"product_id" text NOT NULL,
	"facility_id" text NOT NULL,
	"on_hand" integer DEFAULT 0 NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"safety_stock" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inventory_levels_product_id_facility_id_pk" PRIMARY KEY("product_id","facility_id"),
	CONSTRAINT "inv_on_hand_chk" CHECK ("inventory_levels"."on_hand" >= 0),
	CONSTRAINT "inv_reserved_chk" CHECK ("inventory_levels"."reserved" >= 0)
);
--> statement-breakpoint
CREATE TABLE "item_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"order_item_seq_id" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"from_facility_id" text,
	"to_facility_id" text,
	"reason" text,
	"actor" text DEFAULT 'system' NOT NULL,
	"run_id" text,
	"rule" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_definitions" (
	"name" text PRIMARY KEY NOT NULL,
	"description" text NOT NULL,
	"cron" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"files" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"row_errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "order_items" (
	"order_id" text NOT NULL,
	"seq_id" text NOT NULL,
	"product_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price" numeric(14, 2) DEFAULT '0' NOT NULL,
	"status" text DEFAULT 'CREATED' NOT NULL,
	"facility_id" text,
	"parent_seq_id" text,
	"shipment_group" text,
	"carrier" text,
	"backordered" boolean DEFAULT false NOT NULL,
	"netsuite_line_id" text,
	"tracking_number" text,
	"shipped_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_items_order_id_seq_id_pk" PRIMARY KEY("order_id","seq_id"),
	CONSTRAINT "items_qty_chk" CHECK ("order_items"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "order_payments" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"method" text NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"feed_file_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"external_id" text,
	"sales_channel" text DEFAULT 'WEB' NOT NULL,
	"accounting_code" text,
	"priority" integer DEFAULT 0 NOT NULL,
	"order_date" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'CREATED' NOT NULL,
	"customer_id" text,
	"origin_facility_id" text,
	"ship_to" jsonb NOT NULL,
	"shipping_method" text,
	"shipping_cost" numeric(14, 2),
	"currency" text DEFAULT 'USD' NOT NULL,
	"netsuite_order_id" text,
	"feed_file_id" text,
	"exception_reason" text,
	"exception_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"id" text PRIMARY KEY NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"hazmat" boolean DEFAULT false NOT NULL,
	"sample" boolean DEFAULT false NOT NULL,
	"warehouse_id" text,
	"netsuite_item_id" text,
	"auto_created" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rejection_reasons" (
	"id" text PRIMARY KEY NOT NULL,
	"description" text NOT NULL,
	"variance_type" text NOT NULL,
	"target_facility_id" text DEFAULT '_NA_' NOT NULL,
	"push_to_netsuite" boolean DEFAULT false NOT NULL,
	"variance_sign" integer DEFAULT -1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rejections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"order_item_seq_id" text NOT NULL,
	"facility_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"source" text NOT NULL,
	"reason" text,
	"comments" text,
	"reservation_id" integer,
	"actor" text DEFAULT 'system' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reservations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"order_item_seq_id" text NOT NULL,
	"product_id" text NOT NULL,
	"facility_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL,
	"run_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "routing_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"order_id" text NOT NULL,
	"status" text NOT NULL,
	"exception_reason" text,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routing_profile_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"profile_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb NOT NULL,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "routing_profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"sales_channel" text,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text DEFAULT 'system' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "variances" (
	"id" text PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"facility_id" text NOT NULL,
	"reason" text NOT NULL,
	"quantity" integer NOT NULL,
	"order_id" text,
	"order_item_seq_id" text,
	"push_to_netsuite" boolean DEFAULT false NOT NULL,
	"feed_file_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_levels" ADD CONSTRAINT "inventory_levels_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_facility_id_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."facilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_payments" ADD CONSTRAINT "order_payments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_origin_facility_id_facilities_id_fk" FOREIGN KEY ("origin_facility_id") REFERENCES "public"."facilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_warehouse_id_facilities_id_fk" FOREIGN KEY ("warehouse_id") REFERENCES "public"."facilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_external_uq" ON "customers" USING btree ("external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "extful_res_kind_uq" ON "external_fulfillment" USING btree ("reservation_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "feed_files_in_sha_uq" ON "feed_files" USING btree ("feed","sha256") WHERE direction = 'IN' and status <> 'FAILED';--> statement-breakpoint
CREATE INDEX "feed_files_status_idx" ON "feed_files" USING btree ("direction","status");--> statement-breakpoint
CREATE INDEX "ledger_pf_idx" ON "inventory_ledger" USING btree ("product_id","facility_id");--> statement-breakpoint
CREATE INDEX "inv_facility_idx" ON "inventory_levels" USING btree ("facility_id");--> statement-breakpoint
CREATE INDEX "history_item_idx" ON "item_history" USING btree ("order_id","order_item_seq_id");--> statement-breakpoint
CREATE INDEX "job_runs_name_idx" ON "job_runs" USING btree ("name","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "job_runs_running_uq" ON "job_runs" USING btree ("name") WHERE status = 'RUNNING';--> statement-breakpoint
CREATE INDEX "items_facility_status_idx" ON "order_items" USING btree ("facility_id","status");--> statement-breakpoint
CREATE INDEX "payments_order_idx" ON "order_payments" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_external_uq" ON "orders" USING btree ("external_id");--> statement-breakpoint
CREATE INDEX "orders_status_idx" ON "orders" USING btree ("status");--> statement-breakpoint
CREATE INDEX "orders_date_idx" ON "orders" USING btree ("order_date");--> statement-breakpoint
CREATE UNIQUE INDEX "products_sku_uq" ON "products" USING btree ("sku");--> statement-breakpoint
CREATE UNIQUE INDEX "rejections_reservation_uq" ON "rejections" USING btree ("reservation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reservations_active_item_uq" ON "reservations" USING btree ("order_id","order_item_seq_id") WHERE status = 'ACTIVE';--> statement-breakpoint
CREATE INDEX "reservations_pf_idx" ON "reservations" USING btree ("product_id","facility_id");--> statement-breakpoint
CREATE INDEX "decisions_order_idx" ON "routing_decisions" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "decisions_run_idx" ON "routing_decisions" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "profiles_channel_uq" ON "routing_profiles" USING btree ("sales_channel");--> statement-breakpoint
CREATE INDEX "variances_unsent_idx" ON "variances" USING btree ("push_to_netsuite","feed_file_id");