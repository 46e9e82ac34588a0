/* timepool--1.6--1.7.sql: locations.  A clinic group's clinics, each with
 * its time zone and booking policy (NULL: the group's, timepool.settings);
 * every resource is at one, and every rule of the clock reads its
 * resource's location's (src/policy.c).  A database with resources gets
 * one location, MAIN, which inherits every setting: nothing changes for a
 * one-clinic database.  A location's staff (timepool.location_staff)
 * see only their clinics, through row-level security and the same rule in
 * the functions and views. */

\echo Use "ALTER EXTENSION timepool UPDATE TO '1.7'" to load this file. \quit

---------------------------------------------------------------------------
-- locations
---------------------------------------------------------------------------
CREATE TABLE timepool.locations (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code                  text NOT NULL
                        CONSTRAINT locations_code_format CHECK (code ~ '^[A-Z][A-Z0-9_]{0,49}$'),
  name                  text NOT NULL
                        CONSTRAINT locations_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
  time_zone             text,
  min_notice_minutes    integer
                        CONSTRAINT locations_min_notice_range CHECK (min_notice_minutes BETWEEN 0 AND 525600),
  max_advance_days      integer
                        CONSTRAINT locations_max_advance_range CHECK (max_advance_days BETWEEN 0 AND 3660),
  cancel_notice_minutes integer
                        CONSTRAINT locations_cancel_notice_range CHECK (cancel_notice_minutes BETWEEN 0 AND 525600),
  online_status         text
                        CONSTRAINT locations_online_status_check CHECK (online_status IN ('PENDING', 'CONFIRMED')),
  nearly_full_percent   integer
                        CONSTRAINT locations_nearly_full_range CHECK (nearly_full_percent BETWEEN 1 AND 100),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT locations_code_key UNIQUE (code),
  CONSTRAINT locations_id_positive CHECK (id > 0)
);
COMMENT ON TABLE timepool.locations IS
  'the clinics of the group: each resource is at one, whose clock (time zone) and booking policy its rules read; a NULL value is the group''s, in timepool.settings';
COMMENT ON COLUMN timepool.locations.code IS 'the location''s code, as the functions'' p_location takes it';
COMMENT ON COLUMN timepool.locations.name IS 'the clinic''s name';
COMMENT ON COLUMN timepool.locations.time_zone IS 'the clinic''s time zone, a name from pg_timezone_names; NULL: settings.time_zone';
COMMENT ON COLUMN timepool.locations.min_notice_minutes IS 'NULL: settings.min_notice_minutes (a service''s own notice wins over both)';
COMMENT ON COLUMN timepool.locations.max_advance_days IS 'NULL: settings.max_advance_days (a service''s own limit wins over both)';
COMMENT ON COLUMN timepool.locations.cancel_notice_minutes IS 'NULL: settings.cancel_notice_minutes (a service''s own notice wins over both)';
COMMENT ON COLUMN timepool.locations.online_status IS 'PENDING or CONFIRMED: the status of an online booking here; NULL: settings.online_status';
COMMENT ON COLUMN timepool.locations.nearly_full_percent IS 'the threshold of timepool.nearly_full here; NULL: settings.nearly_full_percent';

CREATE FUNCTION timepool.locations_check_row() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_WHEN OPERATOR(pg_catalog.<>) 'BEFORE' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'ROW'
     OR TG_OP NOT IN ('INSERT', 'UPDATE')
     OR TG_RELID OPERATOR(pg_catalog.<>) 'timepool.locations'::pg_catalog.regclass THEN
    RAISE EXCEPTION 'locations_check_row() fired on table "%"', TG_TABLE_NAME
      USING ERRCODE = 'trigger_protocol_violated',
            DETAIL = 'It is the row trigger of timepool.locations and runs on nothing else.';
  END IF;
  IF NEW.time_zone IS NOT NULL
     AND NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names z
                      WHERE z.name OPERATOR(pg_catalog.=) NEW.time_zone) THEN
    RAISE EXCEPTION 'new row for relation "locations" violates check constraint "locations_time_zone_valid"'
      USING ERRCODE = 'check_violation', TABLE = 'locations', SCHEMA = 'timepool',
            CONSTRAINT = 'locations_time_zone_valid',
            DETAIL = pg_catalog.format('time_zone %L is not an IANA time zone name.', NEW.time_zone),
            HINT = 'SELECT name FROM pg_timezone_names lists the names, such as Europe/Paris; NULL takes settings.time_zone.';
  END IF;
  IF TG_OP = 'UPDATE' AND pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.=) 1 THEN
    NEW.updated_at := pg_catalog.now();
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION timepool.locations_check_row() IS
  'trigger: checks locations.time_zone and keeps updated_at';
CREATE TRIGGER locations_check_row BEFORE INSERT OR UPDATE ON timepool.locations
  FOR EACH ROW EXECUTE FUNCTION timepool.locations_check_row();
CREATE TRIGGER locations_invalidate_cache
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON timepool.locations
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache();
ALTER TABLE timepool.locations ENABLE ALWAYS TRIGGER locations_invalidate_cache;

REVOKE ALL ON TABLE timepool.locations FROM PUBLIC;
REVOKE ALL ON FUNCTION timepool.locations_check_row() FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('timepool.locations', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.locations_id_seq', '');

---------------------------------------------------------------------------
-- every resource at one location
---------------------------------------------------------------------------
-- A resource inserted without location_id goes to the group's only
-- location; the first resource of a database without any makes MAIN, which
-- inherits every setting.  With two or more, the INSERT must name one.  A
-- trigger rather than a column default: it runs only for a role that may
-- insert the resource, and as timepool's owner, which may make MAIN.
CREATE FUNCTION timepool.resources_location() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  ids bigint[];
BEGIN
  IF TG_WHEN OPERATOR(pg_catalog.<>) 'BEFORE' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'ROW'
     OR TG_OP OPERATOR(pg_catalog.<>) 'INSERT'
     OR TG_RELID OPERATOR(pg_catalog.<>) 'timepool.resources'::pg_catalog.regclass THEN
    RAISE EXCEPTION 'resources_location() fired on table "%"', TG_TABLE_NAME
      USING ERRCODE = 'trigger_protocol_violated',
            DETAIL = 'It is the BEFORE INSERT row trigger of timepool.resources and runs on nothing else.';
  END IF;
  IF NEW.location_id IS NOT NULL THEN
    RETURN NEW;
  END IF;
  SELECT pg_catalog.array_agg(l.id) INTO ids
    FROM (SELECT id FROM timepool.locations LIMIT 2) l;
  IF ids IS NULL THEN
    INSERT INTO timepool.locations (code, name) VALUES ('MAIN', 'Main clinic')
      ON CONFLICT (code) DO NOTHING;
    SELECT pg_catalog.array_agg(l.id) INTO ids
      FROM (SELECT id FROM timepool.locations LIMIT 2) l;
  END IF;
  IF pg_catalog.cardinality(ids) OPERATOR(pg_catalog.>) 1 THEN
    RAISE EXCEPTION 'null value in column "location_id" of relation "resources" violates not-null constraint'
      USING ERRCODE = 'not_null_violation', TABLE = 'resources', SCHEMA = 'timepool',
            COLUMN = 'location_id',
            DETAIL = 'The group has more than one location: a new resource must name its own.',
            HINT = 'INSERT ... location_id = (SELECT id FROM timepool.locations WHERE code = ...).';
  END IF;
  NEW.location_id := ids[1];
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION timepool.resources_location() IS
  'trigger: a resource inserted without location_id goes to the group''s only location (MAIN, made for the first resource of a database without any)';
REVOKE ALL ON FUNCTION timepool.resources_location() FROM PUBLIC;

-- the existing resources: one location, made from today's settings (it
-- inherits each of them)
INSERT INTO timepool.locations (code, name)
SELECT 'MAIN', 'Main clinic' WHERE EXISTS (SELECT FROM timepool.resources);

-- every existing resource at MAIN, in an update that is no edit: the
-- ordinary triggers (updated_at, the audit) do not fire for it
ALTER TABLE timepool.resources ADD COLUMN location_id bigint;
DO $$
DECLARE
  role_before text := pg_catalog.current_setting('session_replication_role');
BEGIN
  PERFORM pg_catalog.set_config('session_replication_role', 'replica', true);
  UPDATE timepool.resources
     SET location_id = (SELECT id FROM timepool.locations WHERE code OPERATOR(pg_catalog.=) 'MAIN');
  PERFORM pg_catalog.set_config('session_replication_role', role_before, true);
END
$$;
ALTER TABLE timepool.resources
  ALTER COLUMN location_id SET NOT NULL,
  ADD CONSTRAINT resources_location_id_fkey FOREIGN KEY (location_id)
      REFERENCES timepool.locations (id) ON DELETE RESTRICT;
CREATE INDEX resources_location_idx ON timepool.resources (location_id);
CREATE TRIGGER resources_location BEFORE INSERT ON timepool.resources
  FOR EACH ROW EXECUTE FUNCTION timepool.resources_location();
COMMENT ON COLUMN timepool.resources.location_id IS
  'the location the resource is at: its clock and booking policy; without one, the group''s only location';

---------------------------------------------------------------------------
-- the functions that list or choose resources take p_location; those
-- replaced keep the grants they had (their own privileges, as the
-- extension sets them, are recorded in pg_init_privs as before)
---------------------------------------------------------------------------
CREATE TEMPORARY TABLE timepool_acl17 ON COMMIT DROP AS
  SELECT f.name, a.grantor, a.grantee, a.is_grantable,
         a.grantor OPERATOR(pg_catalog.=) p.proowner AS by_owner, a.ord
    FROM (VALUES
      ('availability', 'timepool.availability(date, text, text, text)'),
      ('can_book', 'timepool.can_book(text, date, time, text)'),
      ('book_service', 'timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text)'),
      ('book_online', 'timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text)'),
      ('hold_slot', 'timepool.hold_slot(text, date, time, text, interval, text)'),
      ('open_slots', 'timepool.open_slots(text, date, date, integer, text)'),
      ('check_booking', 'timepool.check_booking(text, date, time, text)'),
      ('utilization', 'timepool.utilization(date, date, text)'),
      ('clinic_today', 'timepool.clinic_today()')) f(name, old)
    JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) f.old::pg_catalog.regprocedure,
         pg_catalog.aclexplode(p.proacl) WITH ORDINALITY a(grantor, grantee, privilege_type, is_grantable, ord)
   WHERE a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE'
     AND a.grantee OPERATOR(pg_catalog.<>) p.proowner;

DROP FUNCTION timepool.availability(date, text, text, text);
CREATE FUNCTION timepool.availability(
    p_date date,
    p_period text DEFAULT NULL,
    p_service text DEFAULT NULL,
    p_resource text DEFAULT NULL,
    p_location text DEFAULT NULL)
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
COMMENT ON FUNCTION timepool.availability(date, text, text, text, text) IS
  'one row per pool (resource, date, period) scheduled on p_date, of p_location''s resources or every location''s: capacity, booked and remaining minutes; with p_service, whether it can be booked';

DROP FUNCTION timepool.can_book(text, date, time, text);
CREATE FUNCTION timepool.can_book(
    p_service text,
    p_date date,
    p_time time DEFAULT NULL,
    p_resource text DEFAULT NULL,
    p_location text DEFAULT NULL)
RETURNS boolean
AS 'MODULE_PATHNAME', 'tp_can_book'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.can_book(text, date, time, text, text) IS
  'whether book_service would accept the service at p_time (or, without a time, in any pool that day) right now, at p_location (or the group''s only one)';

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
    p_location text DEFAULT NULL,
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
COMMENT ON FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text) IS
  'staff: books a service at a date and time under the pool lock, on p_resource or a resource of p_location (or of the group''s only one); refuses with TP001..TP008; returns the reservation and whether this call created it';

DROP FUNCTION timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text);
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
    p_idempotency_key text DEFAULT NULL,
    p_location text DEFAULT NULL)
RETURNS timepool.booking_receipt
AS 'MODULE_PATHNAME', 'tp_book_online'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text, text) IS
  'public: books a service offered online (active and visible) with the location''s online status, at p_location (or the group''s only one); returns the receipt with its access token';

DROP FUNCTION timepool.hold_slot(text, date, time, text, interval, text);
CREATE FUNCTION timepool.hold_slot(
    p_service text,
    p_date date,
    p_time time,
    p_resource text DEFAULT NULL,
    p_ttl interval DEFAULT '10 minutes',
    p_idempotency_key text DEFAULT NULL,
    p_location text DEFAULT NULL)
RETURNS timepool.booking_receipt
AS 'MODULE_PATHNAME', 'tp_hold_slot'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.hold_slot(text, date, time, text, interval, text, text) IS
  'public: holds a start time for p_ttl (at most 1 hour), decided like a booking at p_location (or the group''s only one); the hold stops counting by itself when it expires';

DROP FUNCTION timepool.open_slots(text, date, date, integer, text);
CREATE FUNCTION timepool.open_slots(
    p_service text,
    p_from date,
    p_to date DEFAULT NULL,
    p_step_minutes integer DEFAULT 15,
    p_resource text DEFAULT NULL,
    p_location text DEFAULT NULL)
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
COMMENT ON FUNCTION timepool.open_slots(text, date, date, integer, text, text) IS
  'every start time, on a grid of p_step_minutes from each period''s start, at which book_service would accept the service right now, of p_location''s resources or every location''s (p_to defaults to p_from; at most 92 days)';

DROP FUNCTION timepool.check_booking(text, date, time, text);
CREATE FUNCTION timepool.check_booking(
    p_service text,
    p_date date,
    p_time time,
    p_resource text DEFAULT NULL,
    p_location text DEFAULT NULL,
    OUT accepted boolean,
    OUT sqlstate text,
    OUT message text,
    OUT detail text,
    OUT hint text,
    OUT earliest_start timestamp)
AS 'MODULE_PATHNAME', 'tp_check_booking'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.check_booking(text, date, time, text, text) IS
  'the verdict book_service would give right now, without booking: accepted, or the refusal''s SQLSTATE, message, DETAIL and HINT; and the earliest start the notice allows, on the location''s clock';

-- utilization: the report views read it; they move to the new one, and
-- keep their own grants
ALTER FUNCTION timepool.utilization(date, date, text) RENAME TO utilization_16;
CREATE FUNCTION timepool.utilization(
    p_from date,
    p_to date,
    p_resource text DEFAULT NULL,
    p_location text DEFAULT NULL)
RETURNS TABLE (
    resource text,
    date date,
    period text,
    start_time time,
    end_time time,
    closed boolean,
    total_minutes integer,
    booked_minutes integer,
    remaining_minutes integer,
    reservations integer,
    utilization numeric,
    completed_minutes integer,
    no_show_minutes integer,
    open_minutes integer,
    max_overlap integer,
    location text)
AS 'MODULE_PATHNAME', 'tp_utilization'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
ROWS 100;
COMMENT ON FUNCTION timepool.utilization(date, date, text, text) IS
  'one row per pool from p_from to p_to (at most 1098 days), of p_location''s resources or every location''s, closed pools and periods that only reservations name included: its minutes, booked by status, the most of its resource''s reservations that overlap at one instant of its own, and its location';

-- clinic_today() too: no overloads (the views move to the new one)
ALTER FUNCTION timepool.clinic_today() RENAME TO clinic_today_16;
CREATE FUNCTION timepool.clinic_today(p_location text DEFAULT NULL) RETURNS date
AS 'MODULE_PATHNAME', 'tp_clinic_today'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.clinic_today(text) IS
  'today in the time zone of location p_location, or (NULL) of the group (timepool.settings.time_zone): the date the booking rules there take as today';

REVOKE ALL ON FUNCTION
  timepool.availability(date, text, text, text, text),
  timepool.can_book(text, date, time, text, text),
  timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text),
  timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text, text),
  timepool.hold_slot(text, date, time, text, interval, text, text),
  timepool.open_slots(text, date, date, integer, text, text),
  timepool.check_booking(text, date, time, text, text),
  timepool.utilization(date, date, text, text),
  timepool.clinic_today(text)
FROM PUBLIC;

DO $$
DECLARE
  g record;
  f record;
  fns CONSTANT text[][] := ARRAY[
    ['availability', 'timepool.availability(date, text, text, text, text)'],
    ['can_book', 'timepool.can_book(text, date, time, text, text)'],
    ['book_service', 'timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text)'],
    ['book_online', 'timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text, text)'],
    ['hold_slot', 'timepool.hold_slot(text, date, time, text, interval, text, text)'],
    ['open_slots', 'timepool.open_slots(text, date, date, integer, text, text)'],
    ['check_booking', 'timepool.check_booking(text, date, time, text, text)'],
    ['utilization', 'timepool.utilization(date, date, text, text)'],
    ['clinic_today', 'timepool.clinic_today(text)']];
BEGIN
  -- what the REVOKE above recorded as the extension's own privileges
  CREATE TEMPORARY TABLE timepool_init17 ON COMMIT DROP AS
    SELECT n.name, n.sig::pg_catalog.regprocedure AS fn, i.initprivs
      FROM (SELECT fns[k][1] AS name, fns[k][2] AS sig
              FROM pg_catalog.generate_subscripts(fns, 1) k) n
      LEFT JOIN pg_catalog.pg_init_privs i
        ON i.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
       AND i.objoid OPERATOR(pg_catalog.=) n.sig::pg_catalog.regprocedure
       AND i.objsubid OPERATOR(pg_catalog.=) 0;
  -- the grants the old functions had, in their order, the owner's first: a
  -- grantor other than the owner grants on from its grant option
  FOR g IN SELECT a.*, n.fn FROM pg_temp.timepool_acl17 a
             JOIN pg_temp.timepool_init17 n ON n.name OPERATOR(pg_catalog.=) a.name
            ORDER BY a.name, NOT a.by_owner, a.ord LOOP
    IF NOT g.by_owner THEN
      EXECUTE pg_catalog.format('SET LOCAL ROLE %I', pg_catalog.pg_get_userbyid(g.grantor));
    END IF;
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %s%s', g.fn::text,
      CASE WHEN g.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
           ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) END,
      CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    IF NOT g.by_owner THEN
      RESET ROLE;
    END IF;
  END LOOP;
  -- the grants are the database's, not the extension's: pg_dump writes
  -- only what differs from pg_init_privs, and must write them
  FOR f IN SELECT * FROM pg_temp.timepool_init17 LOOP
    UPDATE pg_catalog.pg_init_privs i SET initprivs = f.initprivs
     WHERE i.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
       AND i.objoid OPERATOR(pg_catalog.=) f.fn
       AND i.objsubid OPERATOR(pg_catalog.=) 0;
  END LOOP;
END
$$;
DROP TABLE pg_temp.timepool_acl17;
DROP TABLE pg_temp.timepool_init17;

---------------------------------------------------------------------------
-- a location's staff: roles that see only their clinics
---------------------------------------------------------------------------
-- A role with the privileges of a role named here (the role itself, or a
-- member of it) sees, books, moves, cancels and reports on only the
-- resources, schedule, overrides and reservations of the locations its
-- mapped roles are at, by every path: row-level security on the tables
-- for plain SQL, and the same rule (location_visible, one place in C) in
-- timepool's functions and views, which read the tables as their owner.
-- A role mapped nowhere (the group's staff, a one-clinic database) sees
-- every location; so do a superuser and the owner of timepool's schema.
CREATE TABLE timepool.location_staff (
  role        regrole NOT NULL,
  location_id bigint NOT NULL REFERENCES timepool.locations (id) ON DELETE RESTRICT,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT location_staff_pkey PRIMARY KEY (role, location_id),
  -- PUBLIC (0) is no role whose privileges one has: mapped, it would
  -- restrict nobody
  CONSTRAINT location_staff_role_not_public CHECK (role::oid OPERATOR(pg_catalog.<>) 0::oid)
);
CREATE INDEX location_staff_location_idx ON timepool.location_staff (location_id);
COMMENT ON TABLE timepool.location_staff IS
  'which roles are a location''s staff: a role with the privileges of a role here sees only the rows, pools and reports of that role''s locations; a role with none sees every location';
COMMENT ON COLUMN timepool.location_staff.role IS
  'the role (and so every member that inherits its privileges) restricted to the location';
COMMENT ON COLUMN timepool.location_staff.location_id IS 'a location the role sees';
CREATE TRIGGER location_staff_invalidate_cache
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON timepool.location_staff
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache();
ALTER TABLE timepool.location_staff ENABLE ALWAYS TRIGGER location_staff_invalidate_cache;
REVOKE ALL ON TABLE timepool.location_staff FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('timepool.location_staff', '');

-- Not SECURITY DEFINER: they judge the role that calls them (a policy's
-- expression runs as the role that reads the table), and read the mapping
-- as timepool's owner, in C.  Granted to PUBLIC: a policy's functions run
-- with the reader's rights, and they tell a role only what it may see.
CREATE FUNCTION timepool.location_visible(p_location_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'tp_location_visible'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION timepool.location_visible(bigint) IS
  'whether the session''s role sees the location (timepool.location_staff); NULL, a group-wide row: whether it sees every location';
CREATE FUNCTION timepool.resource_visible(p_resource_id bigint) RETURNS boolean
AS 'MODULE_PATHNAME', 'tp_resource_visible'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION timepool.resource_visible(bigint) IS
  'whether the session''s role sees the resource''s location; NULL, a group-wide row: whether it sees every location';
REVOKE ALL ON FUNCTION timepool.location_visible(bigint), timepool.resource_visible(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION timepool.location_visible(bigint), timepool.resource_visible(bigint) TO PUBLIC;

-- Every policy is permissive and for every role: the rule is in the
-- functions.  A group-wide row (an override without a resource) is read
-- by every location's staff, whose pools it shapes, and written only by a
-- role that sees every location.
ALTER TABLE timepool.locations ENABLE ROW LEVEL SECURITY;
CREATE POLICY location_staff_rows ON timepool.locations
  USING (timepool.location_visible(id));
ALTER TABLE timepool.resources ENABLE ROW LEVEL SECURITY;
CREATE POLICY location_staff_rows ON timepool.resources
  USING (timepool.location_visible(location_id));
ALTER TABLE timepool.resource_services ENABLE ROW LEVEL SECURITY;
CREATE POLICY location_staff_rows ON timepool.resource_services
  USING (timepool.resource_visible(resource_id));
ALTER TABLE timepool.clinic_time_slots ENABLE ROW LEVEL SECURITY;
CREATE POLICY location_staff_rows ON timepool.clinic_time_slots
  USING (timepool.resource_visible(resource_id));
ALTER TABLE timepool.schedule_overrides ENABLE ROW LEVEL SECURITY;
CREATE POLICY location_staff_read ON timepool.schedule_overrides FOR SELECT
  USING (resource_id IS NULL OR timepool.resource_visible(resource_id));
CREATE POLICY location_staff_insert ON timepool.schedule_overrides FOR INSERT
  WITH CHECK (timepool.resource_visible(resource_id));
CREATE POLICY location_staff_update ON timepool.schedule_overrides FOR UPDATE
  USING (timepool.resource_visible(resource_id)) WITH CHECK (timepool.resource_visible(resource_id));
CREATE POLICY location_staff_delete ON timepool.schedule_overrides FOR DELETE
  USING (timepool.resource_visible(resource_id));
ALTER TABLE timepool.reservations ENABLE ROW LEVEL SECURITY;
CREATE POLICY location_staff_rows ON timepool.reservations
  USING (timepool.resource_visible(resource_id));
ALTER TABLE timepool.location_staff ENABLE ROW LEVEL SECURITY;
CREATE POLICY location_staff_read ON timepool.location_staff FOR SELECT
  USING (timepool.location_visible(location_id));
CREATE POLICY location_staff_insert ON timepool.location_staff FOR INSERT
  WITH CHECK (timepool.location_visible(NULL));
CREATE POLICY location_staff_update ON timepool.location_staff FOR UPDATE
  USING (timepool.location_visible(NULL)) WITH CHECK (timepool.location_visible(NULL));
CREATE POLICY location_staff_delete ON timepool.location_staff FOR DELETE
  USING (timepool.location_visible(NULL));

-- reservation_history reads the audit log as its owner: a change shows
-- where the reservation was, before or after it, at a location the reader
-- sees
CREATE OR REPLACE VIEW timepool.reservation_history WITH (security_barrier) AS
  SELECT a.row_id AS reservation_id,
         a.id AS audit_id,
         a.changed_at,
         a.action,
         a.old_row ->> 'status' AS old_status,
         a.new_row ->> 'status' AS new_status,
         CASE WHEN a.new_row ->> 'status' = 'CANCELLED'
                   AND (a.old_row ->> 'status') IS DISTINCT FROM 'CANCELLED'
              THEN a.new_row ->> 'cancel_reason' END AS cancel_reason,
         a.changed_by,
         a.session_role,
         (SELECT pg_catalog.jsonb_object_agg(n.key, pg_catalog.jsonb_build_object('old', a.old_row -> n.key, 'new', n.value))
            FROM pg_catalog.jsonb_each(a.new_row) AS n
           WHERE a.action = 'UPDATE'
             AND n.key NOT IN ('updated_at', 'status_changed_at')
             AND (a.old_row -> n.key) IS DISTINCT FROM n.value) AS changes,
         a.old_row,
         a.new_row
    FROM timepool.audit_log a
   WHERE a.table_name = 'reservations' AND a.row_id IS NOT NULL
     AND (timepool.resource_visible((a.new_row ->> 'resource_id')::bigint)
          OR timepool.resource_visible((a.old_row ->> 'resource_id')::bigint));

---------------------------------------------------------------------------
-- the report views gain the location (a last column), each on its
-- location's clock
---------------------------------------------------------------------------
CREATE OR REPLACE VIEW timepool.daily_overview WITH (security_barrier) AS
SELECT d.date,
       d.resource,
       COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
           'period', u.period, 'start_time', u.start_time, 'end_time', u.end_time,
           'closed', u.closed, 'total_minutes', u.total_minutes,
           'booked_minutes', u.booked_minutes, 'remaining_minutes', u.remaining_minutes)
         ORDER BY u.start_time NULLS LAST, u.period) FILTER (WHERE u.period IS NOT NULL),
         '[]'::jsonb) AS periods,
       COALESCE(pg_catalog.sum(u.total_minutes), 0)::integer AS total_minutes,
       COALESCE(pg_catalog.sum(u.booked_minutes), 0)::integer AS booked_minutes,
       COALESCE(pg_catalog.sum(u.remaining_minutes), 0)::integer AS remaining_minutes,
       pg_catalog.round(pg_catalog.sum(u.booked_minutes)::numeric
                        / NULLIF(pg_catalog.sum(u.total_minutes), 0), 4) AS utilization,
       d.location
  FROM (SELECT (t.today + i) AS date, r.code AS resource, l.code AS location
          FROM timepool.resources r
          JOIN timepool.locations l ON l.id = r.location_id,
               LATERAL (SELECT (timepool.clinic_now() AT TIME ZONE
                                COALESCE(l.time_zone, (SELECT s.time_zone FROM timepool.settings s LIMIT 1)))::date
                               AS today) t,
               pg_catalog.generate_series(0, 13) i
         WHERE r.is_active AND timepool.location_visible(r.location_id)) d
  -- the locations' todays are at most two days from the group's
  LEFT JOIN timepool.utilization(timepool.clinic_today() - 2, timepool.clinic_today() + 15) u
    ON u.date = d.date AND u.resource = d.resource
 GROUP BY d.date, d.resource, d.location;
COMMENT ON VIEW timepool.daily_overview IS
  'each resource''s next 14 days in its location''s time zone (today first): the periods side by side and the day''s totals';
COMMENT ON COLUMN timepool.daily_overview.date IS 'the day, in the time zone of the resource''s location';
COMMENT ON COLUMN timepool.daily_overview.location IS 'the code of the resource''s location';

CREATE OR REPLACE VIEW timepool.service_stats WITH (security_barrier) AS
SELECT pg_catalog.date_trunc('month', r.reservation_date)::date AS month,
       s.code AS service,
       s.name AS service_name,
       s.category,
       c.name AS category_name,
       pg_catalog.count(*)::integer AS bookings,
       (pg_catalog.count(*) FILTER (WHERE r.status IN ('PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW')))::integer AS kept,
       (pg_catalog.count(*) FILTER (WHERE r.status = 'COMPLETED'))::integer AS completed,
       (pg_catalog.count(*) FILTER (WHERE r.status = 'NO_SHOW'))::integer AS no_shows,
       (pg_catalog.count(*) FILTER (WHERE r.status = 'CANCELLED'))::integer AS cancellations,
       (pg_catalog.count(*) FILTER (WHERE r.status = 'REJECTED'))::integer AS rejections,
       COALESCE(pg_catalog.sum(r.duration_minutes)
         FILTER (WHERE r.status IN ('PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW')), 0)::integer AS minutes,
       pg_catalog.round(COALESCE(pg_catalog.sum(r.price) FILTER (WHERE r.status = 'COMPLETED'), 0), 2) AS revenue_completed,
       pg_catalog.round(COALESCE(pg_catalog.sum(r.price)
         FILTER (WHERE r.status IN ('PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW')), 0), 2) AS revenue_booked,
       pg_catalog.round((pg_catalog.count(*) FILTER (WHERE r.status = 'CANCELLED'))::numeric
                        / pg_catalog.count(*), 4) AS cancellation_rate,
       pg_catalog.round((pg_catalog.count(*) FILTER (WHERE r.status = 'NO_SHOW'))::numeric
                        / NULLIF(pg_catalog.count(*) FILTER (WHERE r.status IN ('COMPLETED', 'NO_SHOW')), 0), 4) AS no_show_rate,
       l.code AS location
  FROM timepool.reservations r
  JOIN timepool.services s ON s.id = r.service_id
  JOIN timepool.resources x ON x.id = r.resource_id
  JOIN timepool.locations l ON l.id = x.location_id
  LEFT JOIN timepool.service_categories c ON c.code = s.category
 WHERE r.status NOT IN ('HELD', 'EXPIRED') AND timepool.location_visible(x.location_id)
 GROUP BY 1, s.id, s.code, s.name, s.category, c.name, l.id, l.code;
COMMENT ON VIEW timepool.service_stats IS
  'per service, month of the reservation date and location: bookings (holds are not bookings), minutes, revenue from the price snapshots, cancellation and no-show rates';
COMMENT ON COLUMN timepool.service_stats.location IS 'the code of the location of the reservations'' resources (a row per location)';

CREATE OR REPLACE VIEW timepool.resource_stats WITH (security_barrier) AS
WITH w AS (
  SELECT timepool.clinic_today() - (pg_catalog.date_part('isodow', timepool.clinic_today())::integer - 1) AS monday
), u AS (
  SELECT u.*, u.date - (pg_catalog.date_part('isodow', u.date)::integer - 1) AS week_start
    FROM w, timepool.utilization(w.monday - 364, w.monday + 34) u
), p AS (
  SELECT u.week_start, u.resource, u.period,
         pg_catalog.sum(u.booked_minutes) AS booked, pg_catalog.sum(u.total_minutes) AS total
    FROM u GROUP BY 1, 2, 3
)
SELECT u.week_start,
       u.resource,
       pg_catalog.sum(u.total_minutes)::integer AS total_minutes,
       pg_catalog.sum(u.booked_minutes)::integer AS booked_minutes,
       pg_catalog.round(pg_catalog.sum(u.booked_minutes)::numeric / NULLIF(pg_catalog.sum(u.total_minutes), 0), 4) AS utilization,
       pg_catalog.sum(u.completed_minutes)::integer AS completed_minutes,
       pg_catalog.sum(u.no_show_minutes)::integer AS no_show_minutes,
       pg_catalog.sum(u.reservations)::integer AS reservations,
       (SELECT p.period FROM p
         WHERE p.week_start = u.week_start AND p.resource = u.resource
         ORDER BY p.booked::numeric / NULLIF(p.total, 0) DESC NULLS LAST, p.booked DESC, p.period
         LIMIT 1) AS busiest_period,
       u.location
  FROM u
 GROUP BY u.week_start, u.resource, u.location;
COMMENT ON COLUMN timepool.resource_stats.location IS 'the code of the resource''s location';

CREATE OR REPLACE VIEW timepool.overbooked_pools WITH (security_barrier) AS
SELECT u.resource,
       u.date,
       u.period,
       u.total_minutes,
       u.booked_minutes,
       GREATEST(u.booked_minutes - u.total_minutes, 0) AS minutes_over,
       u.max_overlap,
       r.max_concurrent AS clock_limit,
       GREATEST(u.max_overlap - r.max_concurrent, 0) AS overlap_over,
       (SELECT pg_catalog.array_agg(x.id ORDER BY x.start_time, x.id)
          FROM timepool.reservations x
         WHERE x.reservation_date = u.date AND x.resource_id = r.id AND x.period = u.period
           AND x.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')
           AND (x.status <> 'HELD' OR x.hold_expires_at > timepool.clinic_now())) AS reservation_ids,
       u.location
  FROM (WITH RECURSIVE b AS (
          SELECT pg_catalog.min(reservation_date) AS lo, pg_catalog.max(reservation_date) AS hi
            FROM timepool.reservations
           WHERE status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')
        ), c(d, hi) AS (
          -- the dates with reservations, in spans utilization() takes
          SELECT b.lo, b.hi FROM b WHERE b.lo IS NOT NULL
          UNION ALL
          SELECT c.d + 1098, c.hi FROM c WHERE c.d + 1098 <= c.hi
        )
        SELECT c.d, c.hi FROM c) c,
       LATERAL timepool.utilization(c.d, LEAST(c.d + 1097, c.hi)) u
  JOIN timepool.resources r ON r.code = u.resource
 WHERE u.booked_minutes > u.total_minutes
    OR (r.max_concurrent IS NOT NULL AND u.max_overlap > r.max_concurrent);
COMMENT ON COLUMN timepool.overbooked_pools.location IS 'the code of the resource''s location';

CREATE OR REPLACE VIEW timepool.nearly_full WITH (security_barrier) AS
SELECT u.resource,
       u.date,
       u.period,
       u.start_time,
       u.end_time,
       u.total_minutes,
       u.booked_minutes,
       u.remaining_minutes,
       u.utilization,
       k.threshold AS threshold_percent,
       u.location
  FROM (SELECT l.code,
               COALESCE(l.nearly_full_percent, s.nearly_full_percent) AS threshold,
               timepool.clinic_now() AT TIME ZONE COALESCE(l.time_zone, s.time_zone) AS now
          FROM timepool.locations l,
               (SELECT * FROM timepool.settings LIMIT 1) s
         WHERE timepool.location_visible(l.id)) k,
       LATERAL timepool.utilization(k.now::date, k.now::date + 30, NULL, k.code) u
 WHERE NOT u.closed AND u.total_minutes > 0
   AND u.booked_minutes * 100 >= k.threshold * u.total_minutes
   AND (u.date > k.now::date OR u.end_time > k.now::time);
COMMENT ON VIEW timepool.nearly_full IS
  'open pools of the next 31 days of each location that have not ended yet on its clock, booked to at least its nearly_full_percent of their minutes';
COMMENT ON COLUMN timepool.nearly_full.threshold_percent IS 'the location''s nearly_full_percent, or settings.nearly_full_percent';
COMMENT ON COLUMN timepool.nearly_full.location IS 'the code of the resource''s location';

DROP FUNCTION timepool.utilization_16(date, date, text);
DROP FUNCTION timepool.clinic_today_16();
