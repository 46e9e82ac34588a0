/* timepool--1.4--1.5.sql: utilization reporting (utilization(), the
 * report views) and live changes (NOTIFY timepool_availability) */

\echo Use "ALTER EXTENSION timepool UPDATE TO '1.5'" to load this file. \quit

---------------------------------------------------------------------------
-- settings: the threshold of nearly_full
---------------------------------------------------------------------------
ALTER TABLE timepool.settings
  ADD COLUMN nearly_full_percent integer NOT NULL DEFAULT 80
      CONSTRAINT settings_nearly_full_range CHECK (nearly_full_percent BETWEEN 1 AND 100);
COMMENT ON COLUMN timepool.settings.nearly_full_percent IS
  'timepool.nearly_full lists the upcoming pools booked to at least this percent of their minutes';

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
             nearly_full_percent = NEW.nearly_full_percent,
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
-- the pool index carries each row's status: utilization() splits a pool's
-- minutes by status from the index alone
---------------------------------------------------------------------------
DROP INDEX timepool.reservations_pool_idx;
CREATE INDEX reservations_pool_idx
  ON timepool.reservations (reservation_date, resource_id, period)
  INCLUDE (required_minutes, start_time, end_time, hold_expires_at, status)
  WHERE status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED');

---------------------------------------------------------------------------
-- utilization(): one row per pool of a range
---------------------------------------------------------------------------
CREATE FUNCTION timepool.utilization(
    p_from date,
    p_to date,
    p_resource text DEFAULT NULL)
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
    max_overlap integer)
AS 'MODULE_PATHNAME', 'tp_utilization'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
ROWS 100;
COMMENT ON FUNCTION timepool.utilization(date, date, text) IS
  'one row per pool from p_from to p_to (at most 1098 days), closed pools and periods that only reservations name included: its minutes, booked by status, and the most of its resource''s reservations that overlap at one instant of its own';
REVOKE ALL ON FUNCTION timepool.utilization(date, date, text) FROM PUBLIC;

---------------------------------------------------------------------------
-- the report views: no patient data, one statement each
---------------------------------------------------------------------------
CREATE VIEW timepool.daily_overview WITH (security_barrier) AS
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
                        / NULLIF(pg_catalog.sum(u.total_minutes), 0), 4) AS utilization
  FROM (SELECT (timepool.clinic_today() + i) AS date, r.code AS resource
          FROM pg_catalog.generate_series(0, 13) i, timepool.resources r
         WHERE r.is_active) d
  LEFT JOIN timepool.utilization(timepool.clinic_today(), timepool.clinic_today() + 13) u
    ON u.date = d.date AND u.resource = d.resource
 GROUP BY d.date, d.resource;
COMMENT ON VIEW timepool.daily_overview IS
  'each resource''s next 14 days in the clinic''s time zone (today first): the periods side by side and the day''s totals';
COMMENT ON COLUMN timepool.daily_overview.date IS 'the day, in the clinic''s time zone';
COMMENT ON COLUMN timepool.daily_overview.resource IS 'the resource''s code';
COMMENT ON COLUMN timepool.daily_overview.periods IS
  'the day''s pools by start: a JSON array of {period, start_time, end_time, closed, total_minutes, booked_minutes, remaining_minutes}';
COMMENT ON COLUMN timepool.daily_overview.total_minutes IS 'the day''s minutes in all its pools (a closed pool has none)';
COMMENT ON COLUMN timepool.daily_overview.booked_minutes IS 'minutes held by reservations (PENDING, CONFIRMED, COMPLETED, NO_SHOW and live holds)';
COMMENT ON COLUMN timepool.daily_overview.remaining_minutes IS 'total_minutes - booked_minutes, summed over the pools (a pool over capacity counts below zero)';
COMMENT ON COLUMN timepool.daily_overview.utilization IS 'booked_minutes / total_minutes, 4 decimals; NULL for a day without minutes';

CREATE VIEW timepool.service_stats WITH (security_barrier) AS
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
                        / NULLIF(pg_catalog.count(*) FILTER (WHERE r.status IN ('COMPLETED', 'NO_SHOW')), 0), 4) AS no_show_rate
  FROM timepool.reservations r
  JOIN timepool.services s ON s.id = r.service_id
  LEFT JOIN timepool.service_categories c ON c.code = s.category
 WHERE r.status NOT IN ('HELD', 'EXPIRED')
 GROUP BY 1, s.id, s.code, s.name, s.category, c.name;
COMMENT ON VIEW timepool.service_stats IS
  'per service and month of the reservation date: bookings (holds are not bookings), minutes, revenue from the price snapshots, cancellation and no-show rates';
COMMENT ON COLUMN timepool.service_stats.month IS 'the first day of the month of the reservations'' dates';
COMMENT ON COLUMN timepool.service_stats.service IS 'the service''s code (a deleted service keeps its own rows)';
COMMENT ON COLUMN timepool.service_stats.service_name IS 'the service''s name now (each reservation keeps the name it was booked under)';
COMMENT ON COLUMN timepool.service_stats.category IS 'the service''s category code now';
COMMENT ON COLUMN timepool.service_stats.category_name IS 'that category''s name';
COMMENT ON COLUMN timepool.service_stats.bookings IS 'reservations of the month, whatever their status now (cancelled and rejected ones included, holds not)';
COMMENT ON COLUMN timepool.service_stats.kept IS 'of those, the ones not cancelled or rejected: PENDING, CONFIRMED, COMPLETED, NO_SHOW';
COMMENT ON COLUMN timepool.service_stats.completed IS 'of those, COMPLETED';
COMMENT ON COLUMN timepool.service_stats.no_shows IS 'of those, NO_SHOW';
COMMENT ON COLUMN timepool.service_stats.cancellations IS 'bookings CANCELLED';
COMMENT ON COLUMN timepool.service_stats.rejections IS 'bookings REJECTED';
COMMENT ON COLUMN timepool.service_stats.minutes IS 'the service minutes of the kept bookings (their duration; buffers not counted)';
COMMENT ON COLUMN timepool.service_stats.revenue_completed IS 'the price snapshots of the COMPLETED bookings, rounded to 2 decimals (a booking without a price counts 0)';
COMMENT ON COLUMN timepool.service_stats.revenue_booked IS 'the price snapshots of the kept bookings, rounded to 2 decimals';
COMMENT ON COLUMN timepool.service_stats.cancellation_rate IS 'cancellations / bookings, 4 decimals';
COMMENT ON COLUMN timepool.service_stats.no_show_rate IS 'no_shows / (completed + no_shows), 4 decimals; NULL before any booking of the month was attended or missed';

CREATE VIEW timepool.resource_stats WITH (security_barrier) AS
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
         LIMIT 1) AS busiest_period
  FROM u
 GROUP BY u.week_start, u.resource;
COMMENT ON VIEW timepool.resource_stats IS
  'per resource and week (Monday to Sunday), from 52 weeks before this week to 4 weeks after it: utilization, attended and missed minutes, the busiest period';
COMMENT ON COLUMN timepool.resource_stats.week_start IS 'the Monday of the week';
COMMENT ON COLUMN timepool.resource_stats.resource IS 'the resource''s code';
COMMENT ON COLUMN timepool.resource_stats.total_minutes IS 'the minutes of the week''s pools';
COMMENT ON COLUMN timepool.resource_stats.booked_minutes IS 'minutes held by reservations (PENDING, CONFIRMED, COMPLETED, NO_SHOW and live holds)';
COMMENT ON COLUMN timepool.resource_stats.utilization IS 'booked_minutes / total_minutes, 4 decimals; NULL for a week without minutes';
COMMENT ON COLUMN timepool.resource_stats.completed_minutes IS 'minutes of COMPLETED reservations';
COMMENT ON COLUMN timepool.resource_stats.no_show_minutes IS 'minutes of NO_SHOW reservations: time the resource kept and nobody used';
COMMENT ON COLUMN timepool.resource_stats.reservations IS 'reservations holding minutes in the week';
COMMENT ON COLUMN timepool.resource_stats.busiest_period IS 'the period with the highest utilization over the week (then the most booked minutes, then the name)';

CREATE VIEW timepool.overbooked_pools WITH (security_barrier) AS
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
           AND (x.status <> 'HELD' OR x.hold_expires_at > timepool.clinic_now())) AS reservation_ids
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
COMMENT ON VIEW timepool.overbooked_pools IS
  'pools holding more minutes than their capacity, or whose reservations overlap beyond the resource''s clock limit: possible only where capacity was cut after booking, a restore or an import brought history, or the schedule left reservations outside any pool';
COMMENT ON COLUMN timepool.overbooked_pools.resource IS 'the resource''s code';
COMMENT ON COLUMN timepool.overbooked_pools.date IS 'the pool''s date';
COMMENT ON COLUMN timepool.overbooked_pools.period IS 'the pool''s period (one that only reservations name has no minutes)';
COMMENT ON COLUMN timepool.overbooked_pools.total_minutes IS 'the pool''s capacity on the schedule now (0 when closed or not scheduled)';
COMMENT ON COLUMN timepool.overbooked_pools.booked_minutes IS 'minutes its reservations hold';
COMMENT ON COLUMN timepool.overbooked_pools.minutes_over IS 'booked_minutes - total_minutes, or 0';
COMMENT ON COLUMN timepool.overbooked_pools.max_overlap IS 'the most reservations of the resource overlapping at one instant of this pool''s reservations';
COMMENT ON COLUMN timepool.overbooked_pools.clock_limit IS 'the resource''s max_concurrent now (NULL: no clock limit)';
COMMENT ON COLUMN timepool.overbooked_pools.overlap_over IS 'max_overlap - clock_limit, or 0';
COMMENT ON COLUMN timepool.overbooked_pools.reservation_ids IS 'the ids of the reservations holding minutes in the pool, by start';

CREATE VIEW timepool.nearly_full WITH (security_barrier) AS
SELECT u.resource,
       u.date,
       u.period,
       u.start_time,
       u.end_time,
       u.total_minutes,
       u.booked_minutes,
       u.remaining_minutes,
       u.utilization,
       s.nearly_full_percent AS threshold_percent
  FROM timepool.settings s,
       LATERAL timepool.utilization(timepool.clinic_today(), timepool.clinic_today() + 30) u
 WHERE NOT u.closed AND u.total_minutes > 0
   AND u.booked_minutes * 100 >= s.nearly_full_percent * u.total_minutes
   AND (u.date > timepool.clinic_today()
        OR u.end_time > (timepool.clinic_now() AT TIME ZONE s.time_zone)::time);
COMMENT ON VIEW timepool.nearly_full IS
  'open pools of the next 31 days that have not ended yet, booked to at least settings.nearly_full_percent of their minutes';
COMMENT ON COLUMN timepool.nearly_full.resource IS 'the resource''s code';
COMMENT ON COLUMN timepool.nearly_full.date IS 'the pool''s date';
COMMENT ON COLUMN timepool.nearly_full.period IS 'the pool''s period';
COMMENT ON COLUMN timepool.nearly_full.start_time IS 'the pool''s start on that date';
COMMENT ON COLUMN timepool.nearly_full.end_time IS 'the pool''s end on that date';
COMMENT ON COLUMN timepool.nearly_full.total_minutes IS 'the pool''s capacity';
COMMENT ON COLUMN timepool.nearly_full.booked_minutes IS 'minutes its reservations hold';
COMMENT ON COLUMN timepool.nearly_full.remaining_minutes IS 'minutes left';
COMMENT ON COLUMN timepool.nearly_full.utilization IS 'booked_minutes / total_minutes, 4 decimals';
COMMENT ON COLUMN timepool.nearly_full.threshold_percent IS 'settings.nearly_full_percent';

---------------------------------------------------------------------------
-- live changes: NOTIFY timepool_availability at commit, one payload per
-- pool the transaction changed (src/notify.c); the reservations' guard
-- notes its rows' pools, these triggers the schedule's
---------------------------------------------------------------------------
CREATE FUNCTION timepool.schedule_notify() RETURNS trigger
AS 'MODULE_PATHNAME', 'tp_schedule_notify'
LANGUAGE C SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.schedule_notify() IS
  'trigger: notes the pools a change of the weekly schedule (the next 31 days) or of an override changes, for NOTIFY timepool_availability at commit';
REVOKE ALL ON FUNCTION timepool.schedule_notify() FROM PUBLIC;
CREATE TRIGGER clinic_time_slots_notify
  AFTER INSERT OR UPDATE OR DELETE ON timepool.clinic_time_slots
  FOR EACH ROW EXECUTE FUNCTION timepool.schedule_notify();
CREATE TRIGGER schedule_overrides_notify
  AFTER INSERT OR UPDATE OR DELETE ON timepool.schedule_overrides
  FOR EACH ROW EXECUTE FUNCTION timepool.schedule_notify();
