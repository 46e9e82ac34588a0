-- examples/sharding/router.sql: a router database for a clinic group whose
-- locations live on several timepool databases (shards), with PL/Proxy.
--
-- Each shard is an ordinary timepool database holding whole locations: a
-- location's resources, schedule and reservations are on one shard.  The
-- router holds no timepool data, only timepool_router.locations (which
-- shard holds which location) and, in a schema named timepool, functions
-- with the signatures of timepool's entry points, so that an application
-- sends the same SQL to the router as to a shard.  Each routes its call:
--   - by p_location (required here: the router does not know resources),
--     through timepool_router.shard(p_location);
--   - by reservation id: each shard's ids start at its index times 10^12
--     (set up once per shard, see README "Sharding"), so an id names its
--     shard (timepool_router.shard_of_id);
--   - by token: run on every shard, where the shard that holds the token
--     answers and the others find no row (P0002 when none does);
--   - group-wide reports (utilization without p_location): every shard,
--     the rows of all.
-- Before running it: CREATE EXTENSION plproxy, and the cluster
-- timepool_shards (CREATE SERVER ... FOREIGN DATA WRAPPER plproxy
-- OPTIONS (p0 '...', p1 '...'); CREATE USER MAPPING ...), as in README.

CREATE SCHEMA timepool_router;
CREATE TABLE timepool_router.locations (
  code  text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{0,49}$'),
  shard integer NOT NULL CHECK (shard >= 0)
);
COMMENT ON TABLE timepool_router.locations IS
  'which shard (the index of its pN option in the server timepool_shards) holds each location';

-- the shard of a location: 22004 without one, TP003 for an unknown one, as
-- a shard itself says.  SECURITY DEFINER, so that the roles calling the
-- entry points need no privilege on the routing table (it compares its
-- text argument and nothing else)
CREATE FUNCTION timepool_router.shard(p_location text) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v integer;
BEGIN
  IF p_location IS NULL THEN
    RAISE EXCEPTION 'p_location is required on the router'
      USING ERRCODE = 'null_value_not_allowed',
            HINT = 'The router sends a call to the shard of its location.';
  END IF;
  SELECT l.shard INTO v FROM timepool_router.locations l WHERE l.code = p_location;
  IF v IS NULL THEN
    RAISE EXCEPTION 'location "%" does not exist', p_location
      USING ERRCODE = 'TP003', HINT = 'SELECT code FROM timepool_router.locations lists them.';
  END IF;
  RETURN v;
END
$$;

-- the shard of a reservation id: its high digits
CREATE FUNCTION timepool_router.shard_of_id(p_id bigint) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT (p_id / 1000000000000)::integer $$;

CREATE SCHEMA timepool;
-- the row types the shards return, as their columns are
CREATE TYPE timepool.booking_receipt AS (
  id bigint, access_token uuid, created boolean, status text, service text, service_name text,
  resource text, date date, period text, start_time time, end_time time, price numeric(12,2),
  patient_name text, hold_expires_at timestamptz);
CREATE TYPE timepool.reservations AS (
  id bigint, resource_id bigint, service_id bigint, service_code text, service_name text,
  duration_minutes integer, buffer_minutes integer, required_minutes integer, price numeric(12,2),
  reservation_date date, start_time time, end_time time, period text, status text,
  patient_name text, patient_phone text, patient_email text, notes text, details jsonb,
  idempotency_key text, created_at timestamptz, updated_at timestamptz,
  status_changed_at timestamptz, cancel_reason text, hold_expires_at timestamptz,
  access_token uuid, hold_token uuid);

---------------------------------------------------------------------------
-- by location
---------------------------------------------------------------------------
CREATE FUNCTION timepool.availability(p_date date, p_period text DEFAULT NULL, p_service text DEFAULT NULL,
    p_resource text DEFAULT NULL, p_location text DEFAULT NULL)
RETURNS TABLE (resource text, date date, period text, start_time time, end_time time,
    total_minutes integer, booked_minutes integer, remaining_minutes integer, reservation_count integer,
    utilization numeric, is_closed boolean, service text, required_minutes integer, can_book boolean)
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard(p_location); $$ LANGUAGE plproxy;

CREATE FUNCTION timepool.can_book(p_service text, p_date date, p_time time DEFAULT NULL,
    p_resource text DEFAULT NULL, p_location text DEFAULT NULL) RETURNS boolean
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard(p_location); $$ LANGUAGE plproxy;

CREATE FUNCTION timepool.check_booking(p_service text, p_date date, p_time time, p_resource text DEFAULT NULL,
    p_location text DEFAULT NULL, OUT accepted boolean, OUT sqlstate text, OUT message text,
    OUT detail text, OUT hint text, OUT earliest_start timestamp)
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard(p_location); $$ LANGUAGE plproxy;

CREATE FUNCTION timepool.open_slots(p_service text, p_from date, p_to date DEFAULT NULL,
    p_step_minutes integer DEFAULT 15, p_resource text DEFAULT NULL, p_location text DEFAULT NULL)
RETURNS TABLE (resource text, date date, period text, start_time time, end_time time, remaining_minutes integer)
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard(p_location); $$ LANGUAGE plproxy;

CREATE FUNCTION timepool.book_service(p_service text, p_date date, p_time time, p_patient_name text,
    p_patient_phone text DEFAULT NULL, p_patient_email text DEFAULT NULL, p_notes text DEFAULT NULL,
    p_details jsonb DEFAULT NULL, p_resource text DEFAULT NULL, p_status text DEFAULT 'PENDING',
    p_idempotency_key text DEFAULT NULL, p_location text DEFAULT NULL,
    OUT id bigint, OUT resource_id bigint, OUT service_id bigint, OUT service_code text,
    OUT service_name text, OUT duration_minutes integer, OUT buffer_minutes integer,
    OUT required_minutes integer, OUT price numeric, OUT reservation_date date, OUT start_time time,
    OUT end_time time, OUT period text, OUT status text, OUT patient_name text, OUT patient_phone text,
    OUT patient_email text, OUT notes text, OUT details jsonb, OUT idempotency_key text,
    OUT created_at timestamptz, OUT updated_at timestamptz, OUT status_changed_at timestamptz,
    OUT cancel_reason text, OUT hold_expires_at timestamptz, OUT access_token uuid, OUT hold_token uuid,
    OUT created boolean)
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard(p_location); $$ LANGUAGE plproxy;

CREATE FUNCTION timepool.book_online(p_service text, p_date date, p_time time, p_patient_name text,
    p_patient_phone text DEFAULT NULL, p_patient_email text DEFAULT NULL, p_notes text DEFAULT NULL,
    p_details jsonb DEFAULT NULL, p_resource text DEFAULT NULL, p_idempotency_key text DEFAULT NULL,
    p_location text DEFAULT NULL) RETURNS timepool.booking_receipt
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard(p_location); $$ LANGUAGE plproxy;

CREATE FUNCTION timepool.hold_slot(p_service text, p_date date, p_time time, p_resource text DEFAULT NULL,
    p_ttl interval DEFAULT '10 minutes', p_idempotency_key text DEFAULT NULL, p_location text DEFAULT NULL)
RETURNS timepool.booking_receipt
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard(p_location); $$ LANGUAGE plproxy;

CREATE FUNCTION timepool.clinic_today(p_location text DEFAULT NULL) RETURNS date
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard(p_location); $$ LANGUAGE plproxy;

---------------------------------------------------------------------------
-- by reservation id
---------------------------------------------------------------------------
CREATE FUNCTION timepool.cancel_reservation(p_id bigint, p_reason text DEFAULT NULL)
RETURNS timepool.reservations
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard_of_id(p_id); $$ LANGUAGE plproxy;

CREATE FUNCTION timepool.set_reservation_status(p_id bigint, p_status text) RETURNS timepool.reservations
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard_of_id(p_id); $$ LANGUAGE plproxy;

CREATE FUNCTION timepool.reschedule_reservation(p_id bigint, p_date date, p_time time, p_resource text DEFAULT NULL)
RETURNS timepool.reservations
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard_of_id(p_id); $$ LANGUAGE plproxy;

---------------------------------------------------------------------------
-- by token: every shard; the one that holds the token answers
---------------------------------------------------------------------------
CREATE FUNCTION timepool_router.on_token(p_token uuid, p_call text, p_reason text DEFAULT NULL,
    p_date date DEFAULT NULL, p_time time DEFAULT NULL, p_resource text DEFAULT NULL,
    p_patient_name text DEFAULT NULL, p_patient_phone text DEFAULT NULL,
    p_patient_email text DEFAULT NULL, p_notes text DEFAULT NULL, p_details jsonb DEFAULT NULL)
RETURNS SETOF timepool.booking_receipt AS $$
  CLUSTER 'timepool_shards';
  RUN ON ALL;
  SELECT c.*
    FROM (SELECT 1 FROM timepool.reservations r
           WHERE r.access_token = p_token OR r.hold_token = p_token LIMIT 1) x,
         LATERAL (SELECT * FROM timepool.get_booking(p_token) WHERE p_call = 'get'
                  UNION ALL SELECT * FROM timepool.cancel_booking(p_token, p_reason) WHERE p_call = 'cancel'
                  UNION ALL SELECT * FROM timepool.release_hold(p_token) WHERE p_call = 'release'
                  UNION ALL SELECT * FROM timepool.reschedule_booking(p_token, p_date, p_time, p_resource)
                             WHERE p_call = 'reschedule'
                  UNION ALL SELECT * FROM timepool.confirm_hold(p_token, p_patient_name, p_patient_phone,
                                                                p_patient_email, p_notes, p_details)
                             WHERE p_call = 'confirm') c;
$$ LANGUAGE plproxy;

CREATE FUNCTION timepool_router.one(p_rows timepool.booking_receipt[]) RETURNS timepool.booking_receipt
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF coalesce(array_length(p_rows, 1), 0) = 0 THEN
    RAISE EXCEPTION 'no booking has this token' USING ERRCODE = 'no_data_found';
  END IF;
  RETURN p_rows[1];
END
$$;

CREATE FUNCTION timepool.get_booking(p_token uuid) RETURNS timepool.booking_receipt
LANGUAGE sql AS $$
  SELECT timepool_router.one(ARRAY(SELECT t FROM timepool_router.on_token(p_token, 'get') t))
$$;
CREATE FUNCTION timepool.cancel_booking(p_token uuid, p_reason text DEFAULT NULL) RETURNS timepool.booking_receipt
LANGUAGE sql AS $$
  SELECT timepool_router.one(ARRAY(SELECT t FROM timepool_router.on_token(p_token, 'cancel', p_reason) t))
$$;
CREATE FUNCTION timepool.release_hold(p_token uuid) RETURNS timepool.booking_receipt
LANGUAGE sql AS $$
  SELECT timepool_router.one(ARRAY(SELECT t FROM timepool_router.on_token(p_token, 'release') t))
$$;
CREATE FUNCTION timepool.reschedule_booking(p_token uuid, p_date date, p_time time, p_resource text DEFAULT NULL)
RETURNS timepool.booking_receipt
LANGUAGE sql AS $$
  SELECT timepool_router.one(ARRAY(SELECT t FROM timepool_router.on_token(p_token, 'reschedule', NULL,
                                                                          p_date, p_time, p_resource) t))
$$;
CREATE FUNCTION timepool.confirm_hold(p_token uuid, p_patient_name text, p_patient_phone text DEFAULT NULL,
    p_patient_email text DEFAULT NULL, p_notes text DEFAULT NULL, p_details jsonb DEFAULT NULL)
RETURNS timepool.booking_receipt
LANGUAGE sql AS $$
  SELECT timepool_router.one(ARRAY(SELECT t FROM timepool_router.on_token(p_token, 'confirm', NULL, NULL, NULL,
                                                                          NULL, p_patient_name, p_patient_phone,
                                                                          p_patient_email, p_notes, p_details) t))
$$;

---------------------------------------------------------------------------
-- reports: one location's shard, or the group's on every shard
---------------------------------------------------------------------------
CREATE FUNCTION timepool_router.utilization_all(p_from date, p_to date)
RETURNS TABLE (resource text, date date, period text, start_time time, end_time time, closed boolean,
    total_minutes integer, booked_minutes integer, remaining_minutes integer, reservations integer,
    utilization numeric, completed_minutes integer, no_show_minutes integer, open_minutes integer,
    max_overlap integer, location text)
AS $$ CLUSTER 'timepool_shards'; RUN ON ALL; SELECT * FROM timepool.utilization(p_from, p_to); $$ LANGUAGE plproxy;
CREATE FUNCTION timepool_router.utilization_at(p_from date, p_to date, p_resource text, p_location text)
RETURNS TABLE (resource text, date date, period text, start_time time, end_time time, closed boolean,
    total_minutes integer, booked_minutes integer, remaining_minutes integer, reservations integer,
    utilization numeric, completed_minutes integer, no_show_minutes integer, open_minutes integer,
    max_overlap integer, location text)
AS $$ CLUSTER 'timepool_shards'; RUN ON timepool_router.shard(p_location);
      SELECT * FROM timepool.utilization(p_from, p_to, p_resource, p_location); $$ LANGUAGE plproxy;
CREATE FUNCTION timepool.utilization(p_from date, p_to date, p_resource text DEFAULT NULL, p_location text DEFAULT NULL)
RETURNS TABLE (resource text, date date, period text, start_time time, end_time time, closed boolean,
    total_minutes integer, booked_minutes integer, remaining_minutes integer, reservations integer,
    utilization numeric, completed_minutes integer, no_show_minutes integer, open_minutes integer,
    max_overlap integer, location text)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF p_location IS NULL AND p_resource IS NULL THEN
    RETURN QUERY SELECT * FROM timepool_router.utilization_all(p_from, p_to);
  ELSE
    RETURN QUERY SELECT * FROM timepool_router.utilization_at(p_from, p_to, p_resource, p_location);
  END IF;
END
$$;

-- nothing here for PUBLIC: grant the entry points to the site's and the
-- staff's roles on the router, as on a shard (README, Privileges)
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA timepool, timepool_router FROM PUBLIC;
REVOKE ALL ON SCHEMA timepool_router FROM PUBLIC;
