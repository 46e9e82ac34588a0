/* timepool--1.0.sql: tables, views and function declarations of timepool 1.0 */

\echo Use "CREATE EXTENSION timepool" to load this file. \quit

-- A range over time of day, used by the schedule's exclusion constraint.
CREATE TYPE timepool.time_range AS RANGE (subtype = time);
COMMENT ON TYPE timepool.time_range IS
  'range of times of day; used to keep a resource''s weekly periods from overlapping';

-- A range over labels (text in the C collation); its only use is "=" inside
-- an exclusion constraint, which needs a GiST-indexable equality.
CREATE TYPE timepool.label_range AS RANGE (subtype = text, collation = "C");
COMMENT ON TYPE timepool.label_range IS
  'range of labels; used to keep a period label unique per resource and day';

-- Keeps updated_at current on every UPDATE.
CREATE FUNCTION timepool.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  NEW.updated_at := pg_catalog.now();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION timepool.touch_updated_at() IS
  'trigger: sets updated_at to the transaction time on UPDATE';

-- Fills capacity_minutes with the window's length when it is not given.
CREATE FUNCTION timepool.fill_capacity() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NEW.start_time IS NOT NULL AND NEW.end_time IS NOT NULL
     AND NEW.end_time OPERATOR(pg_catalog.<=) NEW.start_time THEN
    RAISE EXCEPTION 'new row for relation "%" violates check constraint "%_window"', TG_TABLE_NAME, TG_TABLE_NAME
      USING ERRCODE = 'check_violation', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
            CONSTRAINT = TG_TABLE_NAME || '_window',
            DETAIL = pg_catalog.format('end_time %s is not later than start_time %s.', NEW.end_time, NEW.start_time);
  END IF;
  IF NEW.capacity_minutes IS NULL AND NEW.start_time IS NOT NULL AND NEW.end_time IS NOT NULL THEN
    NEW.capacity_minutes := (pg_catalog.date_part('epoch', NEW.end_time OPERATOR(pg_catalog.-) NEW.start_time)
                             OPERATOR(pg_catalog./) 60)::integer;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION timepool.fill_capacity() IS
  'trigger: refuses a window that ends before it starts, and defaults capacity_minutes to the window''s length';

---------------------------------------------------------------------------
-- resources
---------------------------------------------------------------------------
CREATE TABLE timepool.resources (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL
              CONSTRAINT resources_code_format CHECK (code ~ '^[A-Z][A-Z0-9_]{0,49}$'),
  name        text NOT NULL
              CONSTRAINT resources_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT resources_code_key UNIQUE (code),
  -- identity values start at 1; 0 would read as "every resource" in overrides
  CONSTRAINT resources_id_positive CHECK (id > 0)
);
COMMENT ON TABLE timepool.resources IS
  'whoever or whatever provides the time: a doctor, a room, a device';

CREATE TRIGGER resources_touch BEFORE UPDATE ON timepool.resources
  FOR EACH ROW EXECUTE FUNCTION timepool.touch_updated_at();

---------------------------------------------------------------------------
-- services
---------------------------------------------------------------------------
CREATE TABLE timepool.services (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code             text NOT NULL
                   CONSTRAINT services_code_format CHECK (code ~ '^[A-Z][A-Z0-9_]{0,49}$'),
  name             text NOT NULL
                   CONSTRAINT services_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
  description      text
                   CONSTRAINT services_description_length CHECK (char_length(description) <= 4000),
  category         text
                   CONSTRAINT services_category_length CHECK (char_length(category) BETWEEN 1 AND 100),
  duration_minutes integer NOT NULL
                   CONSTRAINT services_duration_range CHECK (duration_minutes BETWEEN 1 AND 1440),
  buffer_minutes   integer NOT NULL DEFAULT 0
                   CONSTRAINT services_buffer_range CHECK (buffer_minutes BETWEEN 0 AND 1440),
  price            numeric(12,2)
                   CONSTRAINT services_price_nonnegative CHECK (price >= 0),
  is_active        boolean NOT NULL DEFAULT true,
  is_visible       boolean NOT NULL DEFAULT true,
  display_order    integer NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz,
  CONSTRAINT services_required_fits_day CHECK (duration_minutes + buffer_minutes <= 1440)
);
COMMENT ON TABLE timepool.services IS
  'what can be booked; a booking consumes duration_minutes + buffer_minutes of a pool';

CREATE UNIQUE INDEX services_code_key ON timepool.services (code) WHERE deleted_at IS NULL;

CREATE TRIGGER services_touch BEFORE UPDATE ON timepool.services
  FOR EACH ROW EXECUTE FUNCTION timepool.touch_updated_at();

---------------------------------------------------------------------------
-- clinic_time_slots: the weekly schedule
---------------------------------------------------------------------------
CREATE TABLE timepool.clinic_time_slots (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_id      bigint NOT NULL REFERENCES timepool.resources (id) ON DELETE CASCADE,
  day_of_week      smallint NOT NULL
                   CONSTRAINT clinic_time_slots_day_range CHECK (day_of_week BETWEEN 0 AND 6),
  period           text NOT NULL
                   CONSTRAINT clinic_time_slots_period_format CHECK (period ~ '^[A-Z][A-Z0-9_]{0,49}$'),
  start_time       time NOT NULL,
  end_time         time NOT NULL,
  capacity_minutes integer NOT NULL,
  is_active        boolean NOT NULL DEFAULT true,
  effective_from   date,
  effective_until  date,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT clinic_time_slots_whole_minutes
    CHECK (date_trunc('minute', start_time::interval) = start_time::interval
           AND date_trunc('minute', end_time::interval) = end_time::interval),
  CONSTRAINT clinic_time_slots_window CHECK (end_time > start_time),
  CONSTRAINT clinic_time_slots_capacity_range
    CHECK (capacity_minutes >= 1
           AND capacity_minutes * 60 <= date_part('epoch', end_time - start_time)),
  CONSTRAINT clinic_time_slots_effective_range
    CHECK (effective_until >= effective_from AND isfinite(effective_from) AND isfinite(effective_until)),
  CONSTRAINT clinic_time_slots_no_overlap EXCLUDE USING gist (
    int8range(resource_id, resource_id, '[]') WITH =,
    int4range(day_of_week, day_of_week, '[]') WITH =,
    timepool.time_range(start_time, end_time) WITH &&,
    daterange(effective_from, effective_until, '[]') WITH &&
  ) WHERE (is_active),
  CONSTRAINT clinic_time_slots_period_once EXCLUDE USING gist (
    int8range(resource_id, resource_id, '[]') WITH =,
    int4range(day_of_week, day_of_week, '[]') WITH =,
    timepool.label_range(period, period, '[]') WITH =,
    daterange(effective_from, effective_until, '[]') WITH &&
  ) WHERE (is_active)
);
COMMENT ON TABLE timepool.clinic_time_slots IS
  'weekly schedule: one row per resource, day of week (0 = Sunday) and period, with its capacity in minutes';

CREATE INDEX clinic_time_slots_day_idx ON timepool.clinic_time_slots (day_of_week, resource_id);

CREATE TRIGGER clinic_time_slots_capacity BEFORE INSERT OR UPDATE ON timepool.clinic_time_slots
  FOR EACH ROW EXECUTE FUNCTION timepool.fill_capacity();
CREATE TRIGGER clinic_time_slots_touch BEFORE UPDATE ON timepool.clinic_time_slots
  FOR EACH ROW EXECUTE FUNCTION timepool.touch_updated_at();

---------------------------------------------------------------------------
-- schedule_overrides: per-date exceptions
---------------------------------------------------------------------------
CREATE TABLE timepool.schedule_overrides (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_id      bigint REFERENCES timepool.resources (id) ON DELETE CASCADE,
  date             date NOT NULL
                   CONSTRAINT schedule_overrides_date_finite CHECK (isfinite(date)),
  period           text
                   CONSTRAINT schedule_overrides_period_format CHECK (period ~ '^[A-Z][A-Z0-9_]{0,49}$'),
  is_closed        boolean NOT NULL DEFAULT false,
  start_time       time,
  end_time         time,
  capacity_minutes integer,
  reason           text
                   CONSTRAINT schedule_overrides_reason_length CHECK (char_length(reason) <= 500),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT schedule_overrides_whole_day_closes CHECK (period IS NOT NULL OR is_closed),
  CONSTRAINT schedule_overrides_hours
    CHECK ((is_closed AND start_time IS NULL AND end_time IS NULL AND capacity_minutes IS NULL)
           OR (NOT is_closed AND start_time IS NOT NULL AND end_time IS NOT NULL
               AND capacity_minutes IS NOT NULL)),
  CONSTRAINT schedule_overrides_window CHECK (end_time > start_time),
  CONSTRAINT schedule_overrides_whole_minutes
    CHECK (date_trunc('minute', start_time::interval) = start_time::interval
           AND date_trunc('minute', end_time::interval) = end_time::interval),
  CONSTRAINT schedule_overrides_capacity_range
    CHECK (capacity_minutes >= 1
           AND capacity_minutes * 60 <= date_part('epoch', end_time - start_time))
);
COMMENT ON TABLE timepool.schedule_overrides IS
  'per-date exceptions: closures (is_closed) or special hours that replace or add a period; resource_id NULL = every resource, period NULL = the whole day';

CREATE UNIQUE INDEX schedule_overrides_once
  ON timepool.schedule_overrides ((coalesce(resource_id, 0)), date, (coalesce(period, '')));
CREATE INDEX schedule_overrides_resource_idx ON timepool.schedule_overrides (resource_id);

CREATE TRIGGER schedule_overrides_capacity BEFORE INSERT OR UPDATE ON timepool.schedule_overrides
  FOR EACH ROW EXECUTE FUNCTION timepool.fill_capacity();
CREATE TRIGGER schedule_overrides_touch BEFORE UPDATE ON timepool.schedule_overrides
  FOR EACH ROW EXECUTE FUNCTION timepool.touch_updated_at();

---------------------------------------------------------------------------
-- reservations
---------------------------------------------------------------------------
CREATE TABLE timepool.reservations (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  resource_id       bigint NOT NULL REFERENCES timepool.resources (id) ON DELETE RESTRICT,
  service_id        bigint NOT NULL REFERENCES timepool.services (id) ON DELETE RESTRICT,
  service_code      text NOT NULL,
  service_name      text NOT NULL,
  duration_minutes  integer NOT NULL
                    CONSTRAINT reservations_duration_range CHECK (duration_minutes BETWEEN 1 AND 1440),
  buffer_minutes    integer NOT NULL
                    CONSTRAINT reservations_buffer_range CHECK (buffer_minutes BETWEEN 0 AND 1440),
  required_minutes  integer NOT NULL,
  price             numeric(12,2)
                    CONSTRAINT reservations_price_nonnegative CHECK (price >= 0),
  reservation_date  date NOT NULL
                    CONSTRAINT reservations_date_finite CHECK (isfinite(reservation_date)),
  start_time        time NOT NULL,
  end_time          time NOT NULL,
  period            text NOT NULL
                    CONSTRAINT reservations_period_format CHECK (period ~ '^[A-Z][A-Z0-9_]{0,49}$'),
  status            text NOT NULL DEFAULT 'PENDING'
                    CONSTRAINT reservations_status_valid
                    CHECK (status IN ('PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW', 'CANCELLED', 'REJECTED')),
  patient_name      text NOT NULL
                    CONSTRAINT reservations_patient_name_length CHECK (char_length(btrim(patient_name)) BETWEEN 1 AND 200),
  patient_phone     text
                    CONSTRAINT reservations_patient_phone_length CHECK (char_length(patient_phone) <= 50),
  patient_email     text
                    CONSTRAINT reservations_patient_email_format
                    CHECK (char_length(patient_email) <= 320 AND patient_email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  notes             text
                    CONSTRAINT reservations_notes_length CHECK (char_length(notes) <= 4000),
  details           jsonb,
  idempotency_key   text
                    CONSTRAINT reservations_idempotency_key_length CHECK (char_length(idempotency_key) BETWEEN 1 AND 200),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  cancel_reason     text
                    CONSTRAINT reservations_cancel_reason_length CHECK (char_length(cancel_reason) <= 500),
  CONSTRAINT reservations_required_sum CHECK (required_minutes = duration_minutes + buffer_minutes),
  CONSTRAINT reservations_whole_minutes
    CHECK (date_trunc('minute', start_time::interval) = start_time::interval),
  CONSTRAINT reservations_window
    CHECK (end_time > start_time
           AND date_part('epoch', end_time - start_time) = required_minutes * 60),
  CONSTRAINT reservations_idempotency_key_key UNIQUE (idempotency_key)
);
COMMENT ON TABLE timepool.reservations IS
  'bookings; each one holds required_minutes of its pool (resource, date, period) unless CANCELLED or REJECTED';

-- The pool index: every capacity decision sums required_minutes through it.
CREATE INDEX reservations_pool_idx
  ON timepool.reservations (reservation_date, resource_id, period) INCLUDE (required_minutes)
  WHERE status NOT IN ('CANCELLED', 'REJECTED');
CREATE INDEX reservations_resource_idx ON timepool.reservations (resource_id);
CREATE INDEX reservations_service_idx ON timepool.reservations (service_id);

CREATE FUNCTION timepool.reservations_before_write() RETURNS trigger
AS 'MODULE_PATHNAME', 'tp_reservations_before_write'
LANGUAGE C SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.reservations_before_write() IS
  'trigger: fills service snapshots, end_time and period of a reservation and keeps its timestamps';

CREATE FUNCTION timepool.reservations_guard() RETURNS trigger
AS 'MODULE_PATHNAME', 'tp_reservations_guard'
LANGUAGE C SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.reservations_guard() IS
  'trigger: takes the pool lock for every write and refuses a write that overbooks a pool or leaves its schedule';

CREATE TRIGGER reservations_before_write BEFORE INSERT OR UPDATE ON timepool.reservations
  FOR EACH ROW EXECUTE FUNCTION timepool.reservations_before_write();
CREATE TRIGGER reservations_guard AFTER INSERT OR UPDATE OR DELETE ON timepool.reservations
  FOR EACH ROW EXECUTE FUNCTION timepool.reservations_guard();

---------------------------------------------------------------------------
-- the per-backend cache of resources, services and schedule
---------------------------------------------------------------------------
CREATE FUNCTION timepool.invalidate_cache() RETURNS trigger
AS 'MODULE_PATHNAME', 'tp_invalidate_cache'
LANGUAGE C SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.invalidate_cache() IS
  'trigger: tells every session to reload its cache of the table when the change commits';

CREATE TRIGGER resources_invalidate_cache
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON timepool.resources
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache();
CREATE TRIGGER services_invalidate_cache
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON timepool.services
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache();
CREATE TRIGGER clinic_time_slots_invalidate_cache
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON timepool.clinic_time_slots
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache();
CREATE TRIGGER schedule_overrides_invalidate_cache
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON timepool.schedule_overrides
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache();
-- also under session_replication_role = replica (logical replication's apply):
-- a change nobody announced would stay unseen.  ENABLE TRIGGER ALL, which a
-- restore with --disable-triggers ends with, makes them ordinary again; from
-- 1.2 the event trigger timepool_keep_triggers sets them back to ALWAYS, and
-- a session whose cache finds one of them off reloads before every decision.
ALTER TABLE timepool.resources ENABLE ALWAYS TRIGGER resources_invalidate_cache;
ALTER TABLE timepool.services ENABLE ALWAYS TRIGGER services_invalidate_cache;
ALTER TABLE timepool.clinic_time_slots ENABLE ALWAYS TRIGGER clinic_time_slots_invalidate_cache;
ALTER TABLE timepool.schedule_overrides ENABLE ALWAYS TRIGGER schedule_overrides_invalidate_cache;

---------------------------------------------------------------------------
-- views
---------------------------------------------------------------------------
CREATE VIEW timepool.bookable_services AS
  SELECT s.id, s.code, s.name, s.description, s.category,
         s.duration_minutes, s.buffer_minutes,
         s.duration_minutes + s.buffer_minutes AS required_minutes,
         s.price, s.display_order
    FROM timepool.services s
   WHERE s.is_active AND s.is_visible AND s.deleted_at IS NULL
   ORDER BY s.display_order, s.code;
COMMENT ON VIEW timepool.bookable_services IS
  'services that can be booked now (active, visible, not deleted), with their required minutes, in display order';

---------------------------------------------------------------------------
-- functions
---------------------------------------------------------------------------
CREATE FUNCTION timepool.availability(
    p_date date,
    p_period text DEFAULT NULL,
    p_service text DEFAULT NULL,
    p_resource text DEFAULT NULL)
RETURNS TABLE (
    resource text,
    date date,
    period text,
    start_time time,
    end_time time,
    total_minutes integer,
    booked_minutes integer,
    remaining_minutes integer,
    reservation_count integer,
    utilization numeric,
    is_closed boolean,
    service text,
    required_minutes integer,
    can_book boolean)
AS 'MODULE_PATHNAME', 'tp_availability'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
ROWS 4;
COMMENT ON FUNCTION timepool.availability(date, text, text, text) IS
  'one row per pool (resource, date, period) scheduled on p_date: capacity, booked and remaining minutes; with p_service, whether it can be booked';

CREATE FUNCTION timepool.can_book(
    p_service text,
    p_date date,
    p_time time DEFAULT NULL,
    p_resource text DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'tp_can_book'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.can_book(text, date, time, text) IS
  'whether book_service would accept the service at p_time (or, without a time, in any pool that day) right now';

CREATE FUNCTION timepool.book_service(
    p_service text,
    p_date date,
    p_time time,
    p_patient_name text,
    p_patient_phone text DEFAULT NULL,
    p_patient_email text DEFAULT NULL,
    p_notes text DEFAULT NULL,
    p_details jsonb DEFAULT NULL,
    p_resource text DEFAULT NULL,
    p_status text DEFAULT 'PENDING',
    p_idempotency_key text DEFAULT NULL)
RETURNS timepool.reservations
AS 'MODULE_PATHNAME', 'tp_book_service'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text) IS
  'books a service at a date and time under the pool lock; refuses with TP001..TP005; returns the reservation';

CREATE FUNCTION timepool.cancel_reservation(p_id bigint, p_reason text DEFAULT NULL)
RETURNS timepool.reservations
AS 'MODULE_PATHNAME', 'tp_cancel_reservation'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.cancel_reservation(bigint, text) IS
  'cancels a PENDING or CONFIRMED reservation, freeing its minutes; returns the updated row';

CREATE FUNCTION timepool.set_reservation_status(p_id bigint, p_status text)
RETURNS timepool.reservations
AS 'MODULE_PATHNAME', 'tp_set_reservation_status'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.set_reservation_status(bigint, text) IS
  'moves a reservation to another status along the allowed transitions; returns the updated row';

CREATE FUNCTION timepool.pool_lock_key(p_resource_id bigint, p_date date, p_period text)
RETURNS integer
AS 'MODULE_PATHNAME', 'tp_pool_lock_key'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION timepool.pool_lock_key(bigint, date, text) IS
  'second key of the advisory lock timepool takes for a pool: pg_advisory_xact_lock(29808, pool_lock_key(...))';

---------------------------------------------------------------------------
-- privileges: nothing for PUBLIC but the schema's name
---------------------------------------------------------------------------
REVOKE ALL ON ALL TABLES IN SCHEMA timepool FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA timepool FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA timepool FROM PUBLIC;
GRANT USAGE ON SCHEMA timepool TO PUBLIC;
-- The exclusion constraints of clinic_time_slots call the range constructors
-- with the writer's privileges; they read nothing and grant nothing.
GRANT USAGE ON TYPE timepool.time_range, timepool.label_range TO PUBLIC;
GRANT EXECUTE ON FUNCTION timepool.time_range(time, time), timepool.time_range(time, time, text),
                          timepool.label_range(text, text), timepool.label_range(text, text, text)
  TO PUBLIC;

---------------------------------------------------------------------------
-- pg_dump keeps the data of every table and the state of its sequence
---------------------------------------------------------------------------
SELECT pg_catalog.pg_extension_config_dump('timepool.resources', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.services', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.clinic_time_slots', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.schedule_overrides', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.reservations', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.resources_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.services_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.clinic_time_slots_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.schedule_overrides_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.reservations_id_seq', '');
