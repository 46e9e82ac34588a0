/* timepool--1.2--1.3.sql: one patient at a time (clock-time limits) and who performs what */

\echo Use "ALTER EXTENSION timepool UPDATE TO '1.3'" to load this file. \quit

---------------------------------------------------------------------------
-- resources.max_concurrent: how many holding reservations of a resource
-- may overlap at any instant of clock time
--
-- Added without a default, so that every resource that exists when a
-- database is upgraded keeps 1.2's behaviour (NULL: only the pool's
-- minutes count); then the default becomes 1, which every new resource
-- gets: a doctor, a room or a device sees one patient at a time.
---------------------------------------------------------------------------
ALTER TABLE timepool.resources ADD COLUMN max_concurrent integer
  CONSTRAINT resources_max_concurrent_range CHECK (max_concurrent >= 1);
ALTER TABLE timepool.resources ALTER COLUMN max_concurrent SET DEFAULT 1;
COMMENT ON COLUMN timepool.resources.max_concurrent IS
  'at most this many holding reservations of the resource overlap at any instant, buffer included; NULL = no clock limit, only the pools'' minutes';

---------------------------------------------------------------------------
-- the pool index carries each reservation's window: the clock rule reads
-- a resource's day from the index alone, as the minutes rule does
---------------------------------------------------------------------------
DROP INDEX timepool.reservations_pool_idx;
CREATE INDEX reservations_pool_idx
  ON timepool.reservations (reservation_date, resource_id, period)
  INCLUDE (required_minutes, start_time, end_time)
  WHERE status NOT IN ('CANCELLED', 'REJECTED');

---------------------------------------------------------------------------
-- resource_services: who performs what
---------------------------------------------------------------------------
CREATE TABLE timepool.resource_services (
  resource_id bigint NOT NULL REFERENCES timepool.resources (id) ON DELETE CASCADE,
  service_id  bigint NOT NULL REFERENCES timepool.services (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT resource_services_pkey PRIMARY KEY (resource_id, service_id)
);
COMMENT ON TABLE timepool.resource_services IS
  'which services a resource performs: a resource with rows here performs only those services, one without rows performs every service';
CREATE INDEX resource_services_service_idx ON timepool.resource_services (service_id);

CREATE TRIGGER resource_services_invalidate_cache
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON timepool.resource_services
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache();
ALTER TABLE timepool.resource_services ENABLE ALWAYS TRIGGER resource_services_invalidate_cache;
CREATE TRIGGER resource_services_audit AFTER INSERT OR UPDATE OR DELETE ON timepool.resource_services
  FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER resource_services_audit_truncate AFTER TRUNCATE ON timepool.resource_services
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_change();

REVOKE ALL ON TABLE timepool.resource_services FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('timepool.resource_services', '');

---------------------------------------------------------------------------
-- what the functions now refuse
---------------------------------------------------------------------------
COMMENT ON FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text) IS
  'books a service at a date and time under the pool lock; refuses with TP001..TP008; returns the reservation';
COMMENT ON FUNCTION timepool.can_book(text, date, time, text) IS
  'whether book_service would accept the service at p_time (or, without a time, at some start that day) right now: minutes, clock limit, who performs it, schedule and policy';
COMMENT ON FUNCTION timepool.set_reservation_status(bigint, text) IS
  'moves a reservation to another status along the allowed transitions (COMPLETED and NO_SHOW once it has started); returns the updated row';
COMMENT ON TABLE timepool.reservations IS
  'bookings; each one holds required_minutes of its pool (resource, date, period) and its window [start_time, end_time) on the resource''s clock, unless CANCELLED or REJECTED';
