/* timepool--1.3--1.4.sql: the patient's booking flow (open start times,
 * holds, rescheduling, self-service by token, the public entry points) */

\echo Use "ALTER EXTENSION timepool UPDATE TO '1.4'" to load this file. \quit

---------------------------------------------------------------------------
-- settings: the notice for changes made online, and the status of an
-- online booking; a service may have its own notice
---------------------------------------------------------------------------
ALTER TABLE timepool.settings
  ADD COLUMN cancel_notice_minutes integer NOT NULL DEFAULT 0
      CONSTRAINT settings_cancel_notice_range CHECK (cancel_notice_minutes BETWEEN 0 AND 525600),
  ADD COLUMN online_status text NOT NULL DEFAULT 'PENDING'
      CONSTRAINT settings_online_status_valid CHECK (online_status IN ('PENDING', 'CONFIRMED'));
COMMENT ON COLUMN timepool.settings.cancel_notice_minutes IS
  'a patient may cancel or reschedule by token until this many minutes before the start; staff are not bound by it';
COMMENT ON COLUMN timepool.settings.online_status IS
  'the status of a booking made through the public entry points (book_online, confirm_hold): PENDING or CONFIRMED';

ALTER TABLE timepool.services
  ADD COLUMN cancel_notice_minutes integer
      CONSTRAINT services_cancel_notice_range CHECK (cancel_notice_minutes BETWEEN 0 AND 525600);
COMMENT ON COLUMN timepool.services.cancel_notice_minutes IS
  'the service''s own notice for changes made online; NULL = the clinic''s (settings.cancel_notice_minutes)';

-- the settings' INSERT (a restore's COPY) replaces the row, new columns too
CREATE OR REPLACE FUNCTION timepool.settings_keep_row() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_WHEN OPERATOR(pg_catalog.<>) 'BEFORE' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'ROW'
     OR TG_RELID OPERATOR(pg_catalog.<>) 'timepool.settings'::pg_catalog.regclass THEN
    RAISE EXCEPTION 'settings_keep_row() fired on table "%"', TG_TABLE_NAME
      USING ERRCODE = 'trigger_protocol_violated',
            DETAIL = 'It is the row trigger of timepool.settings and runs on nothing else.';
  END IF;
  IF TG_OP = 'DELETE' THEN
    -- a second row that a restore with triggers disabled left may go; the
    -- rows are locked, so that two such deletes cannot leave none
    IF (SELECT pg_catalog.count(*)
          FROM (SELECT FROM timepool.settings FOR UPDATE) AS l) OPERATOR(pg_catalog.>) 1 THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'timepool.settings must keep its row'
      USING ERRCODE = 'restrict_violation', HINT = 'UPDATE the row instead.';
  END IF;
  -- a NULL is left to the NOT NULL constraint (23502)
  IF NEW.time_zone IS NOT NULL
     AND NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names z
                  WHERE z.name OPERATOR(pg_catalog.=) NEW.time_zone) THEN
    RAISE EXCEPTION 'new row for relation "settings" violates check constraint "settings_time_zone_valid"'
      USING ERRCODE = 'check_violation', TABLE = 'settings', SCHEMA = 'timepool',
            CONSTRAINT = 'settings_time_zone_valid',
            DETAIL = pg_catalog.format('time_zone %L is not an IANA time zone name.', NEW.time_zone),
            HINT = 'SELECT name FROM pg_timezone_names lists the names, such as Europe/Paris.';
  END IF;
  IF TG_OP = 'INSERT' AND NEW.id OPERATOR(pg_catalog.=) 1 THEN
    -- the table always has its row (DELETE and TRUNCATE refuse the last
    -- one): locking it makes concurrent INSERTs replace it one at a time
    PERFORM FROM timepool.settings FOR UPDATE;
    IF FOUND THEN
      -- the row's updated_at comes along: a restore keeps the dumped one
      UPDATE timepool.settings
         SET time_zone = NEW.time_zone,
             min_notice_minutes = NEW.min_notice_minutes,
             max_advance_days = NEW.max_advance_days,
             cancel_notice_minutes = NEW.cancel_notice_minutes,
             online_status = NEW.online_status,
             updated_at = NEW.updated_at;
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP = 'UPDATE' AND pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.=) 1 THEN
    NEW.updated_at := pg_catalog.now();
  END IF;
  RETURN NEW;
END
$$;

---------------------------------------------------------------------------
-- reservations: holds (HELD until hold_expires_at, then nothing), EXPIRED
-- (a hold released or timed out: never a booking), and an access token
---------------------------------------------------------------------------
ALTER TABLE timepool.reservations DROP CONSTRAINT reservations_status_valid;
ALTER TABLE timepool.reservations ADD CONSTRAINT reservations_status_valid
  CHECK (status IN ('HELD', 'PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW',
                    'CANCELLED', 'REJECTED', 'EXPIRED'));

-- a hold has no patient yet
ALTER TABLE timepool.reservations ALTER COLUMN patient_name DROP NOT NULL;
ALTER TABLE timepool.reservations ADD CONSTRAINT reservations_patient_named
  CHECK (patient_name IS NOT NULL OR status IN ('HELD', 'EXPIRED'));

-- the volatile default gives every existing row its own token
ALTER TABLE timepool.reservations
  ADD COLUMN hold_expires_at timestamptz,
  ADD COLUMN access_token uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
  ADD COLUMN hold_token uuid;
ALTER TABLE timepool.reservations ADD CONSTRAINT reservations_hold_expiry
  CHECK (CASE status WHEN 'HELD' THEN hold_expires_at IS NOT NULL
                     WHEN 'EXPIRED' THEN true
                     ELSE hold_expires_at IS NULL END);
ALTER TABLE timepool.reservations ADD CONSTRAINT reservations_access_token_key UNIQUE (access_token);
-- a confirmation gives the booking a new token; the hold's stays only for
-- confirm_hold's retries (and opens nothing else)
CREATE UNIQUE INDEX reservations_hold_token_idx
  ON timepool.reservations (hold_token) WHERE hold_token IS NOT NULL;
COMMENT ON COLUMN timepool.reservations.hold_expires_at IS
  'HELD: the hold counts against its pool until this instant and not after; EXPIRED: when it timed out (NULL: released)';
COMMENT ON COLUMN timepool.reservations.hold_token IS
  'a booking confirmed from a hold: the hold''s token, which only confirm_hold accepts (a retry of the confirmation); the booking''s own is access_token';
COMMENT ON COLUMN timepool.reservations.access_token IS
  'the patient''s secret for the public functions (get_booking, cancel_booking, reschedule_booking, confirm_hold): 122 random bits';

-- The pool and service-day indexes carry each hold's expiry, so that a
-- decision passes over an expired hold on the index entry alone; EXPIRED
-- holds nothing.
DROP INDEX timepool.reservations_pool_idx;
CREATE INDEX reservations_pool_idx
  ON timepool.reservations (reservation_date, resource_id, period)
  INCLUDE (required_minutes, start_time, end_time, hold_expires_at)
  WHERE status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED');
DROP INDEX timepool.reservations_service_day_idx;
CREATE INDEX reservations_service_day_idx
  ON timepool.reservations (service_id, reservation_date)
  INCLUDE (required_minutes, hold_expires_at)
  WHERE status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED');
-- expire_holds() finds the holds to close through this
CREATE INDEX reservations_hold_idx
  ON timepool.reservations (hold_expires_at) WHERE status = 'HELD';

COMMENT ON TABLE timepool.reservations IS
  'bookings and holds; each one holds required_minutes of its pool (resource, date, period) unless CANCELLED, REJECTED or EXPIRED, or HELD past hold_expires_at';

-- an unexpired hold is upcoming work as a booking is
CREATE OR REPLACE FUNCTION timepool.delete_service(p_service text, p_force boolean DEFAULT false)
RETURNS timepool.services
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s timepool.services;
  today date;
  upcoming bigint;
BEGIN
  IF p_service IS NULL THEN
    RAISE EXCEPTION 'p_service must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF p_force IS NULL THEN
    RAISE EXCEPTION 'p_force must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF p_service !~ '^[A-Z][A-Z0-9_]{0,49}$' THEN
    RAISE EXCEPTION 'invalid service code'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A code is an upper-case letter followed by up to 49 upper-case letters, digits or underscores.';
  END IF;
  -- bookings of the service share its lock until they commit: waiting for
  -- them makes the count below see them, and bookings that come later wait
  -- for this and then see the service deleted
  SELECT * INTO s FROM timepool.services
   WHERE code OPERATOR(pg_catalog.=) p_service AND deleted_at IS NULL;
  IF FOUND THEN
    PERFORM timepool.lock_service(s.id);
    SELECT * INTO s FROM timepool.services
     WHERE id OPERATOR(pg_catalog.=) s.id AND deleted_at IS NULL
     FOR UPDATE;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'service "%" does not exist', p_service
      USING ERRCODE = 'TP003', DETAIL = 'No service that is not deleted has this code.';
  END IF;
  today := timepool.clinic_today();
  SELECT pg_catalog.count(*) INTO upcoming FROM timepool.reservations r
   WHERE r.service_id OPERATOR(pg_catalog.=) s.id
     AND r.reservation_date OPERATOR(pg_catalog.>=) today
     AND r.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')
     AND (r.hold_expires_at IS NULL
          OR r.hold_expires_at OPERATOR(pg_catalog.>) timepool.clinic_now());
  IF upcoming OPERATOR(pg_catalog.>) 0 AND NOT p_force THEN
    RAISE EXCEPTION 'service "%" has upcoming reservations', p_service
      USING ERRCODE = 'dependent_objects_still_exist',
            DETAIL = pg_catalog.format('%s reservation(s) from %s on hold time for service %s.',
                                       upcoming, pg_catalog.to_char(today, 'YYYY-MM-DD'), p_service),
            HINT = 'Cancel or move them first, or pass p_force => true to delete the service and keep them.';
  END IF;
  UPDATE timepool.services SET deleted_at = pg_catalog.now()
   WHERE id OPERATOR(pg_catalog.=) s.id
  RETURNING * INTO s;
  RETURN s;
END
$$;

---------------------------------------------------------------------------
-- what the public entry points return: one booking, nobody else's
---------------------------------------------------------------------------
CREATE TYPE timepool.booking_receipt AS (
  id              bigint,
  access_token    uuid,
  created         boolean,
  status          text,
  service         text,
  service_name    text,
  resource        text,
  date            date,
  period          text,
  start_time      time,
  end_time        time,
  price           numeric(12,2),
  patient_name    text,
  hold_expires_at timestamptz
);
COMMENT ON TYPE timepool.booking_receipt IS
  'one reservation as its patient sees it; created is false when the call replayed an earlier one (same idempotency key or token)';

---------------------------------------------------------------------------
-- book_service tells a new reservation from a replayed one: its result is
-- the reservation's columns and then created (the grants it had are kept)
---------------------------------------------------------------------------
CREATE TEMPORARY TABLE timepool_book_service_acl ON COMMIT DROP AS
  SELECT a.grantor, a.grantee, a.is_grantable, a.grantor OPERATOR(pg_catalog.=) p.proowner AS by_owner
    FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
   WHERE p.oid OPERATOR(pg_catalog.=)
         'timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text)'::pg_catalog.regprocedure
     AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE'
     AND a.grantee OPERATOR(pg_catalog.<>) p.proowner;
DROP FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text);
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
    p_idempotency_key text DEFAULT NULL,
    OUT id bigint,
    OUT resource_id bigint,
    OUT service_id bigint,
    OUT service_code text,
    OUT service_name text,
    OUT duration_minutes integer,
    OUT buffer_minutes integer,
    OUT required_minutes integer,
    OUT price numeric,
    OUT reservation_date date,
    OUT start_time time,
    OUT end_time time,
    OUT period text,
    OUT status text,
    OUT patient_name text,
    OUT patient_phone text,
    OUT patient_email text,
    OUT notes text,
    OUT details jsonb,
    OUT idempotency_key text,
    OUT created_at timestamptz,
    OUT updated_at timestamptz,
    OUT status_changed_at timestamptz,
    OUT cancel_reason text,
    OUT hold_expires_at timestamptz,
    OUT access_token uuid,
    OUT hold_token uuid,
    OUT created boolean)
AS 'MODULE_PATHNAME', 'tp_book_service'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text) IS
  'staff: books a service at a date and time under the pool lock; refuses with TP001..TP008; returns the reservation and whether this call created it';
REVOKE ALL ON FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text) FROM PUBLIC;
DO $$
DECLARE
  g record;
  init pg_catalog.aclitem[];
BEGIN
  -- what the REVOKE above recorded as the extension's own privileges
  SELECT i.initprivs INTO init FROM pg_catalog.pg_init_privs i
   WHERE i.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
     AND i.objoid OPERATOR(pg_catalog.=)
         'timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text)'::pg_catalog.regprocedure
     AND i.objsubid OPERATOR(pg_catalog.=) 0;
  -- the owner's grants first: a grantor other than the owner grants on
  -- from its grant option (GRANTED BY must be the current user in 15)
  FOR g IN SELECT * FROM pg_temp.timepool_book_service_acl ORDER BY NOT by_owner LOOP
    IF NOT g.by_owner THEN
      EXECUTE pg_catalog.format('SET LOCAL ROLE %I', pg_catalog.pg_get_userbyid(g.grantor));
    END IF;
    EXECUTE pg_catalog.format(
      'GRANT EXECUTE ON FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text) TO %s%s',
      CASE WHEN g.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
           ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) END,
      CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    IF NOT g.by_owner THEN
      RESET ROLE;
    END IF;
  END LOOP;
  -- the grants are the database's, not the extension's: pg_dump writes
  -- only what differs from pg_init_privs, and must write them
  UPDATE pg_catalog.pg_init_privs i SET initprivs = init
   WHERE i.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
     AND i.objoid OPERATOR(pg_catalog.=)
         'timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text)'::pg_catalog.regprocedure
     AND i.objsubid OPERATOR(pg_catalog.=) 0;
END
$$;
DROP TABLE pg_temp.timepool_book_service_acl;

---------------------------------------------------------------------------
-- reading: open start times and the verdict of a booking
---------------------------------------------------------------------------
CREATE FUNCTION timepool.open_slots(
    p_service text,
    p_from date,
    p_to date DEFAULT NULL,
    p_step_minutes integer DEFAULT 15,
    p_resource text DEFAULT NULL)
RETURNS TABLE (
    resource text,
    date date,
    period text,
    start_time time,
    end_time time,
    remaining_minutes integer)
AS 'MODULE_PATHNAME', 'tp_open_slots'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
ROWS 200;
COMMENT ON FUNCTION timepool.open_slots(text, date, date, integer, text) IS
  'every start time, on a grid of p_step_minutes from each period''s start, at which book_service would accept the service right now (p_to defaults to p_from; at most 92 days)';

CREATE FUNCTION timepool.check_booking(
    p_service text,
    p_date date,
    p_time time,
    p_resource text DEFAULT NULL,
    OUT accepted boolean,
    OUT sqlstate text,
    OUT message text,
    OUT detail text,
    OUT hint text,
    OUT earliest_start timestamp)
AS 'MODULE_PATHNAME', 'tp_check_booking'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.check_booking(text, date, time, text) IS
  'the verdict book_service would give right now, without booking: accepted, or the refusal''s SQLSTATE, message, DETAIL and HINT; and the earliest start the notice allows, on the clinic''s clock';

---------------------------------------------------------------------------
-- holds
---------------------------------------------------------------------------
CREATE FUNCTION timepool.hold_slot(
    p_service text,
    p_date date,
    p_time time,
    p_resource text DEFAULT NULL,
    p_ttl interval DEFAULT '10 minutes',
    p_idempotency_key text DEFAULT NULL)
RETURNS timepool.booking_receipt
AS 'MODULE_PATHNAME', 'tp_hold_slot'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.hold_slot(text, date, time, text, interval, text) IS
  'public: holds a start time for p_ttl (at most 1 hour), decided like a booking; the hold stops counting by itself when it expires';

CREATE FUNCTION timepool.confirm_hold(
    p_token uuid,
    p_patient_name text,
    p_patient_phone text DEFAULT NULL,
    p_patient_email text DEFAULT NULL,
    p_notes text DEFAULT NULL,
    p_details jsonb DEFAULT NULL)
RETURNS timepool.booking_receipt
AS 'MODULE_PATHNAME', 'tp_confirm_hold'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.confirm_hold(uuid, text, text, text, text, jsonb) IS
  'public: turns an unexpired hold into a booking (status settings.online_status) with the patient''s details; TP009 once it has expired or was released';

CREATE FUNCTION timepool.release_hold(p_token uuid)
RETURNS timepool.booking_receipt
AS 'MODULE_PATHNAME', 'tp_release_hold'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.release_hold(uuid) IS
  'public: ends a hold at once (status EXPIRED), freeing its minutes';

CREATE FUNCTION timepool.expire_holds()
RETURNS integer
AS 'MODULE_PATHNAME', 'tp_expire_holds'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.expire_holds() IS
  'housekeeping (for a scheduler such as pg_cron): marks every hold past its expiry EXPIRED; returns how many. Correctness never depends on it';

---------------------------------------------------------------------------
-- the public booking and the patient's own booking, by token
---------------------------------------------------------------------------
CREATE FUNCTION timepool.book_online(
    p_service text,
    p_date date,
    p_time time,
    p_patient_name text,
    p_patient_phone text DEFAULT NULL,
    p_patient_email text DEFAULT NULL,
    p_notes text DEFAULT NULL,
    p_details jsonb DEFAULT NULL,
    p_resource text DEFAULT NULL,
    p_idempotency_key text DEFAULT NULL)
RETURNS timepool.booking_receipt
AS 'MODULE_PATHNAME', 'tp_book_online'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text) IS
  'public: books a service offered online (active and visible) with the clinic''s online status; returns the receipt with its access token';

CREATE FUNCTION timepool.get_booking(p_token uuid)
RETURNS timepool.booking_receipt
AS 'MODULE_PATHNAME', 'tp_get_booking'
LANGUAGE C STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.get_booking(uuid) IS
  'public: the reservation whose access token this is; P0002 for any other token';

CREATE FUNCTION timepool.cancel_booking(p_token uuid, p_reason text DEFAULT NULL)
RETURNS timepool.booking_receipt
AS 'MODULE_PATHNAME', 'tp_cancel_booking'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.cancel_booking(uuid, text) IS
  'public: cancels the reservation of this token, outside the cancellation notice (TP005 inside it)';

CREATE FUNCTION timepool.reschedule_booking(
    p_token uuid,
    p_date date,
    p_time time,
    p_resource text DEFAULT NULL)
RETURNS timepool.booking_receipt
AS 'MODULE_PATHNAME', 'tp_reschedule_booking'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.reschedule_booking(uuid, date, time, text) IS
  'public: moves the reservation of this token, outside the cancellation notice, with every rule of a booking';

CREATE FUNCTION timepool.reschedule_reservation(
    p_id bigint,
    p_date date,
    p_time time,
    p_resource text DEFAULT NULL)
RETURNS timepool.reservations
AS 'MODULE_PATHNAME', 'tp_reschedule_reservation'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.reschedule_reservation(bigint, date, time, text) IS
  'staff: moves a PENDING or CONFIRMED reservation to another date, time or resource; same id and snapshot, checked with every rule of a booking';

REVOKE ALL ON FUNCTION
    timepool.open_slots(text, date, date, integer, text),
    timepool.check_booking(text, date, time, text),
    timepool.hold_slot(text, date, time, text, interval, text),
    timepool.confirm_hold(uuid, text, text, text, text, jsonb),
    timepool.release_hold(uuid),
    timepool.expire_holds(),
    timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text),
    timepool.get_booking(uuid),
    timepool.cancel_booking(uuid, text),
    timepool.reschedule_booking(uuid, date, time, text),
    timepool.reschedule_reservation(bigint, date, time, text)
  FROM PUBLIC;
