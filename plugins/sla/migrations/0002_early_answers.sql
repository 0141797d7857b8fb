CREATE TABLE "sla"."answers" (
	"source_ref" text NOT NULL,
	"responder_id" uuid NOT NULL,
	"answered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "answers_source_ref_responder_id_pk" PRIMARY KEY("source_ref","responder_id")
);
