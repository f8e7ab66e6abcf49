-- Up Migration
-- Which fetch of a Stripe object our mirror holds, for objects written as Stripe returns them now (subscriptions,
-- invoices; products, prices and customers when two of their events share a second). Stripe's objects carry no
-- version, so each fetch is stamped from one sequence: a number taken before it asks Stripe (fetch_started) and
-- one taken after the answer (fetch_ended). No lock is held while it waits on Stripe; the write that follows locks
-- this row and keeps the newest: a fetch that started after the stored one ended saw at least as much, one that
-- ended before the stored one started saw less, and two that overlapped cannot be ordered (the later writer
-- fetches again). The row lock also serialises the writes of one object.
CREATE SEQUENCE stripe_object_fetch_sequence;

CREATE TABLE stripe_object_fetches (
  object_id text PRIMARY KEY,
  fetch_started bigint NOT NULL,
  fetch_ended bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
