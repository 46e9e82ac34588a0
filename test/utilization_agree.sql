--
-- test/utilization_agree.sql: utilization() agrees with availability() on
-- every pool of a generated year, run by test/utilization_agree.sh in a
-- database of its own.
--
-- A year (setseed: the same every run) of 5 resources, one of them
-- inactive, with random weekly capacities, a schedule change on
-- 2026-07-01, a Sunday NIGHT over both days the clocks change in
-- America/New_York, and random overrides (holidays, a resource's day off,
-- closed periods, special hours, periods only an override opens), half of
-- them made after the bookings (closures and cuts that bookings outlive);
-- random reservations by plain INSERT that the guard accepts, moved along
-- by set_reservation_status(), cancel_reservation() or a plain UPDATE;
-- holds, live and expired; and history written with the triggers off
-- (session_replication_role = replica): over capacity, overlapping beyond
-- the clock limit, in periods and on dates off the schedule.
--
-- Checks, each failure a disagreement:
--  1. the scheduled pools: utilization(year) has a row with a window for
--     exactly the (resource, date, period) that availability(d) lists on
--     each day d, open and closed, with the same window, closed flag,
--     total, booked minutes and count; remaining is total - booked (which
--     availability() shows floored at 0) and utilization is availability's
--     percent / 100 (both round booked x 10000 / total half up);
--  2. utilization()'s other rows are exactly the periods that only
--     reservations name on a date (holding rows, no pool): no window,
--     closed, no minutes, utilization NULL;
--  3. every row's booked, count, COMPLETED, NO_SHOW and open minutes are
--     those of the holding reservations summed in SQL (live holds open,
--     expired ones nowhere), and max_overlap is the most of the resource's
--     holding reservations that overlap at one instant of the pool's own;
--  4. the year in one call gives what its 365 one-day calls give;
--  5. the inactive resource is left out, and named, its rows agree with
--     the SQL sums too;
--  6. the data has each case at least once (else the check proves little);
--  7. the rows come by date, resource code and start time, the periods that
--     only reservations name after the day's pools (the README's order).
-- Prints the counts; the last line is "disagreements: N".
--
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
UPDATE timepool.settings SET time_zone = 'America/New_York', min_notice_minutes = 0, max_advance_days = 3660,
       cancel_notice_minutes = 0;
-- Wednesday 2026-07-15, 10:07 in New York
SET timepool.now = '2026-07-15 10:07';
SELECT setseed(0.311);

INSERT INTO timepool.resources (code, name, max_concurrent) VALUES
  ('R_ONE', 'One at a time', 1), ('R_TWO', 'Two at a time', 2), ('R_ANY', 'No clock limit', NULL),
  ('R_ALT', 'One at a time, weekdays', 1), ('R_OFF', 'Inactive later', 2);
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price) VALUES
  ('S20', 'Twenty', 20, 0, 40.00), ('S30', 'Thirty', 25, 5, 55.50), ('S45', 'Forty-five', 45, 0, 90.00),
  ('S60', 'Sixty', 50, 10, 120.00), ('S90', 'Ninety', 90, 0, 150.00);

-- weekly: MORNING 08:00-12:00 and AFTERNOON 13:00-17:30 with random
-- capacities; R_ALT on weekdays only, and some days without AFTERNOON; R_TWO's
-- rows change on 2026-07-01; a NIGHT 00:00-06:00 on Sundays for R_ONE and
-- R_ANY (2026-03-08 and 2026-11-01 are Sundays)
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes,
                                        effective_from, effective_until)
SELECT r.id, d, p.period, p.s, p.e,
       greatest(30, least((extract(epoch FROM p.e - p.s) / 60)::int,
                          (extract(epoch FROM p.e - p.s) / 60 * (0.4 + random() * 0.7))::int)),
       CASE WHEN r.code = 'R_TWO' AND half = 2 THEN date '2026-07-01' END,
       CASE WHEN r.code = 'R_TWO' AND half = 1 THEN date '2026-06-30' END
  FROM timepool.resources r, generate_series(0, 6) d, generate_series(1, 2) half,
       (VALUES ('MORNING', time '08:00', time '12:00'), ('AFTERNOON', time '13:00', time '17:30')) p(period, s, e)
 WHERE (r.code = 'R_TWO' OR half = 1)
   AND NOT (r.code = 'R_ALT' AND d IN (0, 6))
   AND NOT (p.period = 'AFTERNOON' AND d = 3 AND r.code IN ('R_ANY', 'R_OFF'))
 ORDER BY r.id, d, half, p.period;
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT id, 0, 'NIGHT', '00:00', '06:00', 300 FROM timepool.resources WHERE code IN ('R_ONE', 'R_ANY');

-- random overrides: n of them on random dates of the year
CREATE TEMP TABLE gen_overrides (kind text, resource_id bigint, d date, period text,
                                 st time, et time, cap int);
INSERT INTO gen_overrides
SELECT k.kind,
       CASE WHEN k.kind = 'holiday' THEN NULL
            ELSE (SELECT id FROM timepool.resources ORDER BY random() + i * 0 LIMIT 1) END,
       date '2026-01-01' + (random() * 364)::int,
       CASE k.kind WHEN 'holiday' THEN NULL WHEN 'day_off' THEN NULL
                   WHEN 'extra' THEN (ARRAY['EVENING', 'EXTRA'])[1 + (random() < 0.5)::int]
                   ELSE (ARRAY['MORNING', 'AFTERNOON'])[1 + (random() < 0.5)::int] END,
       NULL, NULL, NULL
  FROM generate_series(1, 80) i,
       LATERAL (SELECT (ARRAY['holiday', 'day_off', 'closed', 'special', 'special', 'extra', 'extra'])
                       [1 + (random() * 6 + i * 0)::int] AS kind) k;
UPDATE gen_overrides SET
  st = CASE period WHEN 'MORNING' THEN time '09:00' WHEN 'AFTERNOON' THEN time '14:00'
                   WHEN 'EVENING' THEN time '18:00' ELSE time '10:00' END
       + (random() * 6)::int * interval '5 minutes'
 WHERE kind IN ('special', 'extra');
UPDATE gen_overrides SET et = st + (60 + (random() * 12)::int * 10) * interval '1 minute' WHERE st IS NOT NULL;
UPDATE gen_overrides SET cap = greatest(20, (extract(epoch FROM et - st) / 60 * (0.5 + random() * 0.5))::int)
 WHERE st IS NOT NULL;
-- one override per (resource, date, period)
DELETE FROM gen_overrides g USING gen_overrides g2
 WHERE g.ctid > g2.ctid AND coalesce(g.resource_id, 0) = coalesce(g2.resource_id, 0) AND g.d = g2.d
   AND coalesce(g.period, '') = coalesce(g2.period, '');
ALTER TABLE gen_overrides ADD COLUMN n serial;
-- the first half now, the rest after the bookings
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
SELECT resource_id, d, period, kind IN ('holiday', 'day_off', 'closed'), st, et, cap
  FROM gen_overrides WHERE n % 2 = 0 ORDER BY n;

-- random reservations by plain INSERT; the guard refuses what does not fit
DO $$
DECLARE
  i int;
  r record;
  t time;
  st text;
  past boolean;
BEGIN
  FOR i IN 1..7000 LOOP
    SELECT x.id AS rid, s.id AS sid, dd.d INTO r
      FROM (SELECT id FROM timepool.resources ORDER BY random() LIMIT 1) x,
           (SELECT id FROM timepool.services ORDER BY random() LIMIT 1) s,
           (SELECT date '2026-01-01' + (random() * 364)::int AS d) dd;
    t := time '00:00' + ((random() * 250)::int * 5) * interval '1 minute';
    past := (r.d + t) < timestamp '2026-07-15 10:07';
    st := CASE WHEN past THEN (ARRAY['PENDING', 'CONFIRMED', 'COMPLETED', 'COMPLETED', 'NO_SHOW', 'HELD'])[1 + (random() * 5)::int]
               ELSE (ARRAY['PENDING', 'CONFIRMED', 'CONFIRMED', 'HELD', 'HELD'])[1 + (random() * 4)::int] END;
    BEGIN
      IF st = 'HELD' THEN
        INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, status, hold_expires_at)
        VALUES (r.rid, r.sid, r.d, t, 'HELD',
                timepool.clinic_now() + ((random() * 40)::int - 20) * interval '1 minute');
      ELSE
        INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, status)
        VALUES (r.rid, r.sid, r.d, t, 'P' || i, st);
      END IF;
    EXCEPTION WHEN OTHERS THEN
      NULL;
    END;
  END LOOP;
END
$$;

-- statuses moved: by the functions (refusals skipped) and by plain UPDATE
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT id, status FROM timepool.reservations WHERE random() < 0.35 ORDER BY id LOOP
    BEGIN
      IF r.status IN ('PENDING', 'CONFIRMED') AND random() < 0.4 THEN
        PERFORM timepool.cancel_reservation(r.id, 'generated');
      ELSIF r.status = 'PENDING' THEN
        PERFORM timepool.set_reservation_status(r.id, (ARRAY['CONFIRMED', 'REJECTED'])[1 + (random() < 0.5)::int]);
      ELSIF r.status = 'CONFIRMED' THEN
        PERFORM timepool.set_reservation_status(r.id, (ARRAY['COMPLETED', 'NO_SHOW'])[1 + (random() < 0.5)::int]);
      ELSIF r.status = 'HELD' THEN
        UPDATE timepool.reservations SET status = 'EXPIRED' WHERE id = r.id;
      ELSE
        UPDATE timepool.reservations SET status = 'CANCELLED' WHERE id = r.id;
      END IF;
    EXCEPTION WHEN OTHERS THEN
      NULL;
    END;
  END LOOP;
END
$$;

-- the rest of the overrides: closures and new hours that bookings outlive
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
SELECT resource_id, d, period, kind IN ('holiday', 'day_off', 'closed'), st, et, cap
  FROM gen_overrides WHERE n % 2 = 1 ORDER BY n;

-- history with the triggers off: copies of random holding rows moved 0-40
-- minutes later (over capacity, overlapping), some into periods or onto
-- dates off the schedule
SET session_replication_role = replica;
INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name, duration_minutes,
                                   buffer_minutes, required_minutes, price, reservation_date, start_time,
                                   end_time, period, status, patient_name)
SELECT x.resource_id, x.service_id, x.service_code, x.service_name, x.duration_minutes, x.buffer_minutes,
       x.required_minutes, x.price,
       x.reservation_date + CASE WHEN k % 5 = 0 THEN 1 ELSE 0 END,
       x.start_time + m.shift, x.end_time + m.shift,
       CASE WHEN k % 7 = 0 THEN 'IMPORTED' ELSE x.period END,
       (ARRAY['PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW'])[1 + k % 4], 'Imported ' || k
  FROM (SELECT r.*, row_number() OVER (ORDER BY random()) AS k
          FROM timepool.reservations r
         WHERE r.status IN ('PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW')) x,
       LATERAL (SELECT ((random() * 8)::int * 5 + k * 0) * interval '1 minute' AS shift) m
 WHERE x.k <= 150 AND x.end_time + m.shift > x.end_time;
RESET session_replication_role;

-- R_OFF becomes inactive with its reservations
UPDATE timepool.resources SET is_active = false WHERE code = 'R_OFF';

SELECT status, CASE WHEN status = 'HELD' THEN hold_expires_at > timepool.clinic_now() END AS live, count(*)
  FROM timepool.reservations GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) AS overrides, count(*) FILTER (WHERE is_closed) AS closures FROM timepool.schedule_overrides;

---------------------------------------------------------------------------
-- what each side says
---------------------------------------------------------------------------
CREATE TEMP TABLE u AS SELECT * FROM timepool.utilization('2026-01-01', '2026-12-31');
CREATE TEMP TABLE a AS
SELECT a.* FROM generate_series(date '2026-01-01', date '2026-12-31', interval '1 day') d,
       LATERAL timepool.availability(d::date) a;
-- the holding reservations, summed in SQL
CREATE TEMP TABLE h AS
SELECT x.id, r.code AS resource, x.resource_id, x.reservation_date AS date, x.period, x.start_time, x.end_time,
       x.required_minutes, x.status
  FROM timepool.reservations x JOIN timepool.resources r ON r.id = x.resource_id
 WHERE x.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')
   AND (x.status <> 'HELD' OR x.hold_expires_at > timepool.clinic_now())
   AND x.reservation_date BETWEEN '2026-01-01' AND '2026-12-31';
-- the most windows of the resource's day covering one instant of each row:
-- the coverage is greatest at some row's start within the window
CREATE TEMP TABLE cov AS
SELECT x.id, count(*) AS c FROM h x JOIN h y
    ON y.resource_id = x.resource_id AND y.date = x.date AND y.start_time <= x.start_time AND y.end_time > x.start_time
 GROUP BY x.id;
CREATE TEMP TABLE s AS
SELECT h.resource, h.date, h.period, sum(h.required_minutes)::int AS booked, count(*)::int AS n,
       coalesce(sum(h.required_minutes) FILTER (WHERE h.status = 'COMPLETED'), 0)::int AS completed,
       coalesce(sum(h.required_minutes) FILTER (WHERE h.status = 'NO_SHOW'), 0)::int AS no_show,
       coalesce(sum(h.required_minutes) FILTER (WHERE h.status IN ('PENDING', 'CONFIRMED', 'HELD')), 0)::int AS open,
       max((SELECT max(cov.c) FROM h z JOIN cov ON cov.id = z.id
             WHERE z.resource_id = h.resource_id AND z.date = h.date
               AND z.start_time >= h.start_time AND z.start_time < h.end_time))::int AS max_overlap
  FROM h GROUP BY 1, 2, 3;

CREATE TEMP TABLE disagree (check_no int, resource text, date date, period text, why text);

-- 1. the scheduled pools
INSERT INTO disagree
SELECT 1, coalesce(a.resource, u.resource), coalesce(a.date, u.date), coalesce(a.period, u.period),
       CASE WHEN a.resource IS NULL THEN 'only utilization() has the pool'
            WHEN u.resource IS NULL THEN 'only availability() has the pool'
            ELSE format('availability %s-%s closed %s total %s booked %s remaining %s count %s util %s; '
                        'utilization %s-%s closed %s total %s booked %s remaining %s count %s util %s',
                        a.start_time, a.end_time, a.is_closed, a.total_minutes, a.booked_minutes,
                        a.remaining_minutes, a.reservation_count, a.utilization,
                        u.start_time, u.end_time, u.closed, u.total_minutes, u.booked_minutes,
                        u.remaining_minutes, u.reservations, u.utilization) END
  FROM a FULL JOIN (SELECT * FROM u WHERE start_time IS NOT NULL) u USING (resource, date, period)
 WHERE a.resource IS NULL OR u.resource IS NULL
    OR a.start_time <> u.start_time OR a.end_time <> u.end_time OR a.is_closed <> u.closed
    OR a.total_minutes <> u.total_minutes OR a.booked_minutes <> u.booked_minutes
    OR a.remaining_minutes <> greatest(u.remaining_minutes, 0)
    OR u.remaining_minutes <> u.total_minutes - u.booked_minutes
    OR a.reservation_count <> u.reservations
    OR a.utilization IS DISTINCT FROM u.utilization * 100
    OR (u.total_minutes > 0) = (u.utilization IS NULL);

-- 2. the other rows: periods only reservations name
INSERT INTO disagree
SELECT 2, coalesce(x.resource, s.resource), coalesce(x.date, s.date), coalesce(x.period, s.period),
       CASE WHEN s.resource IS NULL THEN 'a row without a window but no reservation without a pool'
            WHEN x.resource IS NULL THEN 'reservations without a pool but no row for them'
            ELSE format('closed %s total %s remaining %s util %s end %s', x.closed, x.total_minutes,
                        x.remaining_minutes, x.utilization, x.end_time) END
  FROM (SELECT * FROM u WHERE start_time IS NULL) x
  FULL JOIN (SELECT s.* FROM s WHERE NOT EXISTS (SELECT FROM a WHERE (a.resource, a.date, a.period) = (s.resource, s.date, s.period))
                                 AND s.resource <> 'R_OFF') s USING (resource, date, period)
 WHERE x.resource IS NULL OR s.resource IS NULL
    OR NOT x.closed OR x.total_minutes <> 0 OR x.end_time IS NOT NULL OR x.utilization IS NOT NULL
    OR x.remaining_minutes <> -x.booked_minutes;

-- 3. every row against the SQL sums
INSERT INTO disagree
SELECT 3, u.resource, u.date, u.period,
       format('utilization booked %s n %s completed %s no_show %s open %s overlap %s; SQL %s %s %s %s %s %s',
              u.booked_minutes, u.reservations, u.completed_minutes, u.no_show_minutes, u.open_minutes,
              u.max_overlap, s.booked, s.n, s.completed, s.no_show, s.open, s.max_overlap)
  FROM u LEFT JOIN s USING (resource, date, period)
 WHERE u.booked_minutes <> coalesce(s.booked, 0) OR u.reservations <> coalesce(s.n, 0)
    OR u.completed_minutes <> coalesce(s.completed, 0) OR u.no_show_minutes <> coalesce(s.no_show, 0)
    OR u.open_minutes <> coalesce(s.open, 0) OR u.max_overlap <> coalesce(s.max_overlap, 0)
    OR u.booked_minutes <> u.completed_minutes + u.no_show_minutes + u.open_minutes;

-- 4. the year in one call = its days one by one
INSERT INTO disagree
SELECT 4, x.resource, x.date, x.period, 'the range call and the day calls differ: ' || x.side
  FROM ((SELECT 'only in the range' AS side, * FROM u
         EXCEPT ALL
         SELECT 'only in the range', d.* FROM generate_series(date '2026-01-01', date '2026-12-31', interval '1 day') g,
                LATERAL timepool.utilization(g::date, g::date) d)
        UNION ALL
        (SELECT 'only in the days', d.* FROM generate_series(date '2026-01-01', date '2026-12-31', interval '1 day') g,
                LATERAL timepool.utilization(g::date, g::date) d
         EXCEPT ALL
         SELECT 'only in the days', * FROM u)) x;

-- 5. the inactive resource: not in the year's rows; named, its rows agree
-- with the SQL sums (pools and periods only reservations name alike)
INSERT INTO disagree
SELECT 5, 'R_OFF', NULL, NULL, count(*) || ' rows of the inactive resource without naming it'
  FROM u WHERE resource = 'R_OFF' HAVING count(*) > 0;
INSERT INTO disagree
SELECT 5, coalesce(o.resource, s.resource), coalesce(o.date, s.date), coalesce(o.period, s.period),
       format('named: booked %s n %s overlap %s; SQL %s %s %s', o.booked_minutes, o.reservations, o.max_overlap,
              s.booked, s.n, s.max_overlap)
  FROM timepool.utilization('2026-01-01', '2026-12-31', 'R_OFF') o
  FULL JOIN (SELECT * FROM s WHERE resource = 'R_OFF') s USING (resource, date, period)
 WHERE o.resource IS NULL AND s.resource IS NOT NULL
    OR coalesce(o.booked_minutes, 0) <> coalesce(s.booked, 0) OR coalesce(o.reservations, 0) <> coalesce(s.n, 0)
    OR coalesce(o.max_overlap, 0) <> coalesce(s.max_overlap, 0) OR o.resource <> 'R_OFF';
INSERT INTO disagree
SELECT 5, 'R_OFF', NULL, NULL, 'named, the inactive resource has no scheduled pool'
 WHERE NOT EXISTS (SELECT FROM timepool.utilization('2026-01-01', '2026-12-31', 'R_OFF') WHERE start_time IS NOT NULL);

-- 7. the year's rows come in the documented order: by date, resource code
-- and start time, the periods that only reservations name after the pools
INSERT INTO disagree
SELECT 7, resource, date, period, 'row ' || n || ' out of order'
  FROM (SELECT resource, date, period, n,
               row_number() OVER (ORDER BY date, resource COLLATE "C", start_time NULLS LAST, period COLLATE "C") AS rn
          FROM timepool.utilization('2026-01-01', '2026-12-31')
               WITH ORDINALITY AS x(resource, date, period, start_time, end_time, closed, total_minutes,
                                    booked_minutes, remaining_minutes, reservations, utilization,
                                    completed_minutes, no_show_minutes, open_minutes, max_overlap, location, n)) q
 WHERE n <> rn;

-- 6. each case at least once
INSERT INTO disagree
SELECT 6, NULL, NULL, NULL, 'no ' || c.what || ' in the data'
  FROM (VALUES
    ('closed pool', (SELECT count(*) FROM u WHERE closed AND start_time IS NOT NULL)),
    ('closed pool with bookings', (SELECT count(*) FROM u WHERE closed AND start_time IS NOT NULL AND booked_minutes > 0)),
    ('special hours', (SELECT count(*) FROM u JOIN timepool.schedule_overrides o ON o.date = u.date AND o.period = u.period
                        AND NOT o.is_closed AND o.start_time = u.start_time AND u.period IN ('MORNING', 'AFTERNOON'))),
    ('override-only period', (SELECT count(*) FROM u WHERE period IN ('EVENING', 'EXTRA') AND start_time IS NOT NULL)),
    ('period only reservations name', (SELECT count(*) FROM u WHERE start_time IS NULL)),
    ('pool over capacity', (SELECT count(*) FROM u WHERE booked_minutes > total_minutes AND total_minutes > 0)),
    ('clock overlap beyond the limit', (SELECT count(*) FROM u JOIN timepool.resources r ON r.code = u.resource
                                         WHERE u.max_overlap > r.max_concurrent)),
    ('live hold', (SELECT count(*) FROM h WHERE status = 'HELD')),
    ('expired hold', (SELECT count(*) FROM timepool.reservations WHERE status = 'HELD' AND hold_expires_at <= timepool.clinic_now())),
    ('COMPLETED', (SELECT count(*) FROM h WHERE status = 'COMPLETED')),
    ('NO_SHOW', (SELECT count(*) FROM h WHERE status = 'NO_SHOW')),
    ('CANCELLED', (SELECT count(*) FROM timepool.reservations WHERE status = 'CANCELLED')),
    ('REJECTED', (SELECT count(*) FROM timepool.reservations WHERE status = 'REJECTED')),
    ('EXPIRED', (SELECT count(*) FROM timepool.reservations WHERE status = 'EXPIRED')),
    ('DST NIGHT pool', (SELECT count(*) FROM u WHERE date IN ('2026-03-08', '2026-11-01') AND period = 'NIGHT')),
    ('schedule change', (SELECT count(DISTINCT total_minutes) FROM u WHERE resource = 'R_TWO' AND period = 'MORNING'
                          AND extract(dow FROM date) = 1 AND NOT closed AND start_time = '08:00'
                        ) - 1)
  ) AS c(what, n)
 WHERE c.n < 1;

SELECT count(*) AS pools, count(*) FILTER (WHERE start_time IS NULL) AS periods_only_reservations_name,
       count(*) FILTER (WHERE closed AND start_time IS NOT NULL) AS closed_pools,
       count(*) FILTER (WHERE booked_minutes > total_minutes) AS over_capacity,
       count(*) FILTER (WHERE booked_minutes > 0) AS with_bookings,
       sum(booked_minutes) AS booked_minutes, max(max_overlap) AS max_overlap
  FROM u;
SELECT count(*) AS availability_rows FROM a;
SELECT check_no, count(*) FROM disagree GROUP BY 1 ORDER BY 1;
SELECT * FROM disagree ORDER BY check_no, resource, date, period LIMIT 20;
SELECT 'disagreements: ' || count(*) FROM disagree;
