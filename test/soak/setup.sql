-- test/soak/setup.sql: the soak test's data, run by test/soak/run in a fresh
-- database right after CREATE EXTENSION timepool.
--
-- Five dates, 30 to 34 days from today (far enough that TP005 never occurs),
-- four active resources and one inactive one, at two locations, with clock limits
-- (max_concurrent) 1, 2, 2 (3 after a mid-run step) and none, six services, who performs
-- what (one doctor does no surgery, the room only three services), a weekly
-- schedule (with a row that ends and one that starts inside the five dates,
-- and an inactive row), and overrides that exercise every level of the
-- precedence: resource + period > resource whole day > every resource +
-- period > every resource whole day.  Nothing here is closed or shrunk while
-- the clients run: the closures are in place before the first booking.
--
-- It also creates the schema soak: soak.dates and soak.pools, the pools of
-- those dates computed in plain SQL from the tables (no timepool function),
-- against which the final checks and the mid-run audits compare, and
-- soak.clock and soak.unperformed, the clock limit and who performs what
-- recounted in plain SQL.

SET client_min_messages = warning;

-- The clock limits (1.3): DR_A sees one patient at a time (the default of a
-- new resource), DR_B two (two chairs), ROOM_1 two (three after step 6 of
-- changes.sql), DR_C has no clock limit (only the minutes count, as at 1.2;
-- its mornings are the ones that hold fewer minutes than their window).
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. A');
INSERT INTO timepool.resources (code, name, max_concurrent) VALUES
  ('DR_B', 'Dr. B', 2), ('DR_C', 'Dr. C', NULL), ('ROOM_1', 'Treatment room 1', 2);
-- never bookable without naming it, never in availability()
INSERT INTO timepool.resources (code, name, is_active) VALUES ('DR_X', 'Dr. X (away)', false);
-- 1.7: a group of two clinics.  The first resource made MAIN (the group's
-- clock); DR_C and the room are at EAST, in another time zone with its own
-- notice (the five dates are far enough ahead that neither clock refuses):
-- a booking that names no resource names a location, and is decided among
-- its resources alone.
INSERT INTO timepool.locations (code, name, time_zone, min_notice_minutes)
VALUES ('EAST', 'East clinic', 'Asia/Tokyo', 120);
UPDATE timepool.resources SET location_id = (SELECT id FROM timepool.locations WHERE code = 'EAST')
 WHERE code IN ('DR_C', 'ROOM_1');

INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price, display_order) VALUES
  ('CONSULT',   'Consultation', 10,  0,  40.00, 1),
  ('PEEL',      'Peel',         20,  5,  80.00, 2),
  ('LASER',     'Laser',        30, 10, 150.00, 3),
  ('BOTOX',     'Botox',        40,  0, 250.00, 4),
  ('SKIN_CARE', 'Skin care',    70,  0, 120.00, 5),
  ('SURGERY',   'Minor surgery',90, 15, 900.00, 6);

-- Who performs what (1.3): DR_B everything but SURGERY, ROOM_1 only PEEL,
-- LASER and SKIN_CARE (changes.sql adds CONSULT mid-run); DR_A and DR_C have
-- no rows, so they perform every service.
INSERT INTO timepool.resource_services (resource_id, service_id)
SELECT r.id, s.id FROM timepool.resources r, timepool.services s
 WHERE (r.code = 'DR_B' AND s.code <> 'SURGERY')
    OR (r.code = 'ROOM_1' AND s.code IN ('PEEL', 'LASER', 'SKIN_CARE'));

CREATE SCHEMA soak;
CREATE TABLE soak.dates (date date PRIMARY KEY, n int NOT NULL UNIQUE);
INSERT INTO soak.dates SELECT current_date + 30 + i, i FROM generate_series(0, 4) i;

-- Weekly: every resource, every day, MORNING 09:00-12:00 and AFTERNOON 13:00-18:00.
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, p.period, p.s, p.e
  FROM timepool.resources r, generate_series(0, 6) d,
       (VALUES ('MORNING', time '09:00', time '12:00')) p(period, s, e);
-- DR_C's mornings hold 120 of their 180 minutes
UPDATE timepool.clinic_time_slots s SET capacity_minutes = 120
  FROM timepool.resources r WHERE r.id = s.resource_id AND r.code = 'DR_C';
-- AFTERNOON: DR_B's ends after the second date, and a shorter one
-- (13:00-17:00, 200 minutes) starts on the third
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, effective_until)
SELECT r.id, d, 'AFTERNOON', '13:00', '18:00',
       CASE WHEN r.code = 'DR_B' THEN (SELECT date FROM soak.dates WHERE n = 1) END
  FROM timepool.resources r, generate_series(0, 6) d;
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes, effective_from)
SELECT r.id, d, 'AFTERNOON', '13:00', '17:00', 200, (SELECT date FROM soak.dates WHERE n = 2)
  FROM timepool.resources r, generate_series(0, 6) d WHERE r.code = 'DR_B';
-- an inactive row: no EVENING for DR_A from the weekly schedule
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, is_active)
SELECT r.id, d, 'EVENING', '18:00', '22:00', false
  FROM timepool.resources r, generate_series(0, 6) d WHERE r.code = 'DR_A';

-- Overrides, one set per date (n = 0..4).
-- 0: DR_A gets an EVENING 18:00-20:00 of 100 minutes (a period only an override opens)
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
SELECT r.id, d.date, 'EVENING', '18:00', '20:00', 100, 'late clinic'
  FROM timepool.resources r, soak.dates d WHERE r.code = 'DR_A' AND d.n = 0;
-- 1: every AFTERNOON closed, but DR_B's own AFTERNOON (14:00-17:00, 150) wins
INSERT INTO timepool.schedule_overrides (date, period, is_closed, reason)
SELECT date, 'AFTERNOON', true, 'staff meeting' FROM soak.dates WHERE n = 1;
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
SELECT r.id, d.date, 'AFTERNOON', '14:00', '17:00', 150, 'covers the meeting'
  FROM timepool.resources r, soak.dates d WHERE r.code = 'DR_B' AND d.n = 1;
-- 2: DR_A off all day; an EVENING 18:00-21:00 (120) for every resource,
--    listed closed for DR_A (its own whole-day closure wins)
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
SELECT r.id, d.date, true, 'day off' FROM timepool.resources r, soak.dates d WHERE r.code = 'DR_A' AND d.n = 2;
INSERT INTO timepool.schedule_overrides (date, period, start_time, end_time, capacity_minutes, reason)
SELECT date, 'EVENING', '18:00', '21:00', 120, 'evening clinic' FROM soak.dates WHERE n = 2;
-- 3: DR_C's MORNING is 10:00-12:00, 90 minutes
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
SELECT r.id, d.date, 'MORNING', '10:00', '12:00', 90, 'late start'
  FROM timepool.resources r, soak.dates d WHERE r.code = 'DR_C' AND d.n = 3;
-- 4: a holiday for everybody, but DR_B's own MORNING stays open
INSERT INTO timepool.schedule_overrides (date, is_closed, reason)
SELECT date, true, 'holiday' FROM soak.dates WHERE n = 4;
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
SELECT r.id, d.date, 'MORNING', '09:00', '12:00', 180, 'on call'
  FROM timepool.resources r, soak.dates d WHERE r.code = 'DR_B' AND d.n = 4;

-- The pools of the soak's dates, in plain SQL: the weekly rows in force,
-- each replaced by the most specific override (closed: capacity 0, the
-- weekly window kept), plus the periods that only an override opens (its
-- window from the most specific open row; closed if the most specific row
-- of all closes it).
CREATE VIEW soak.pools AS
WITH res AS (
  SELECT id, code FROM timepool.resources WHERE is_active
), ovr AS (
  SELECT o.id, o.resource_id, o.date, o.period, o.is_closed, o.start_time, o.end_time,
         o.capacity_minutes,
         CASE WHEN o.resource_id IS NOT NULL THEN 3 ELSE 1 END
           + CASE WHEN o.period IS NOT NULL THEN 1 ELSE 0 END AS rank
    FROM timepool.schedule_overrides o
), weekly AS (
  SELECT d.date, r.id AS resource_id, r.code, s.period, s.start_time, s.end_time, s.capacity_minutes
    FROM soak.dates d
    JOIN timepool.clinic_time_slots s
      ON s.day_of_week = extract(dow FROM d.date) AND s.is_active
     AND (s.effective_from IS NULL OR s.effective_from <= d.date)
     AND (s.effective_until IS NULL OR s.effective_until >= d.date)
    JOIN res r ON r.id = s.resource_id
)
SELECT w.date, w.resource_id, w.code AS resource, w.period,
       CASE WHEN b.is_closed IS FALSE THEN b.start_time ELSE w.start_time END AS start_time,
       CASE WHEN b.is_closed IS FALSE THEN b.end_time ELSE w.end_time END AS end_time,
       CASE WHEN b.is_closed THEN 0
            WHEN b.is_closed IS FALSE THEN b.capacity_minutes
            ELSE w.capacity_minutes END AS capacity,
       coalesce(b.is_closed, false) AS is_closed
  FROM weekly w
  LEFT JOIN LATERAL (
    SELECT o.is_closed, o.start_time, o.end_time, o.capacity_minutes
      FROM ovr o
     WHERE o.date = w.date
       AND (o.resource_id IS NULL OR o.resource_id = w.resource_id)
       AND (o.period IS NULL OR o.period = w.period)
     ORDER BY o.rank DESC LIMIT 1) b ON true
UNION ALL
SELECT o.date, r.id, r.code, o.period, o.start_time, o.end_time,
       CASE WHEN b.is_closed THEN 0 ELSE o.capacity_minutes END,
       b.is_closed
  FROM ovr o
  JOIN soak.dates d ON d.date = o.date
  JOIN res r ON o.resource_id IS NULL OR o.resource_id = r.id
  CROSS JOIN LATERAL (
    SELECT x.is_closed FROM ovr x
     WHERE x.date = o.date
       AND (x.resource_id IS NULL OR x.resource_id = r.id)
       AND (x.period IS NULL OR x.period = o.period)
     ORDER BY x.rank DESC LIMIT 1) b
 WHERE NOT o.is_closed AND o.period IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM weekly w
                    WHERE w.date = o.date AND w.resource_id = r.id AND w.period = o.period)
   AND o.rank = (SELECT max(x.rank) FROM ovr x
                  WHERE x.date = o.date AND NOT x.is_closed AND x.period = o.period
                    AND (x.resource_id IS NULL OR x.resource_id = r.id));

-- 1.4: whether a row holds its pool's minutes and clock: a booking in a
-- holding status, or a HELD row before its expiry (EXPIRED holds nothing).
-- The instant is soak.now when the checker set it (with timepool.now, so
-- that availability() judges holds at the same instant), else the
-- statement's start.
CREATE FUNCTION soak.now() RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('soak.now', true), '')::timestamptz, statement_timestamp())
$$;
CREATE FUNCTION soak.holds(status text, expires timestamptz) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED') AND (status <> 'HELD' OR expires > soak.now())
$$;

-- Minutes and rows held per pool, in plain SQL.
CREATE VIEW soak.held AS
SELECT resource_id, reservation_date AS date, period,
       sum(required_minutes)::int AS booked, count(*)::int AS n
  FROM timepool.reservations
 WHERE soak.holds(status, hold_expires_at)
 GROUP BY resource_id, reservation_date, period;

-- What availability(date) must return, recounted in plain SQL.
CREATE VIEW soak.recount AS
SELECT p.date, p.resource, p.period,
       to_char(p.start_time, 'HH24:MI') AS start_time, to_char(p.end_time, 'HH24:MI') AS end_time,
       p.capacity AS total_minutes,
       coalesce(h.booked, 0) AS booked_minutes,
       greatest(p.capacity - coalesce(h.booked, 0), 0) AS remaining_minutes,
       coalesce(h.n, 0) AS reservation_count,
       CASE WHEN p.capacity > 0 THEN round(coalesce(h.booked, 0) * 100.0 / p.capacity, 2) END AS utilization,
       p.is_closed
  FROM soak.pools p
  LEFT JOIN soak.held h ON h.resource_id = p.resource_id AND h.date = p.date AND h.period = p.period;

-- The clock in plain SQL: for each holding reservation r, how many holding
-- reservations of its resource and date have a window [start_time,
-- end_time) that contains r's start (r included).  The most windows that
-- overlap at one instant are reached at some window's start, so the
-- maximum of overlapping over a resource and date is its peak.
CREATE VIEW soak.clock AS
SELECT r.id, r.resource_id, x.code AS resource, x.max_concurrent, r.reservation_date AS date,
       r.start_time, r.end_time, count(*)::int AS overlapping,
       string_agg(format('%s %s-%s', o.id, to_char(o.start_time, 'HH24:MI'), to_char(o.end_time, 'HH24:MI')),
                  ', ' ORDER BY o.start_time, o.id) AS windows
  FROM timepool.reservations r
  JOIN timepool.resources x ON x.id = r.resource_id
  JOIN timepool.reservations o
    ON o.resource_id = r.resource_id AND o.reservation_date = r.reservation_date
   AND o.start_time <= r.start_time AND r.start_time < o.end_time
   AND soak.holds(o.status, o.hold_expires_at)
 WHERE soak.holds(r.status, r.hold_expires_at)
 GROUP BY r.id, r.resource_id, x.code, x.max_concurrent, r.reservation_date, r.start_time, r.end_time;

-- Holding reservations whose resource does not perform their service: the
-- resource has rows in resource_services, and none for the service.
CREATE VIEW soak.unperformed AS
SELECT r.id, x.code AS resource, r.service_code, r.status, r.reservation_date AS date,
       r.start_time, r.end_time
  FROM timepool.reservations r
  JOIN timepool.resources x ON x.id = r.resource_id
 WHERE soak.holds(r.status, r.hold_expires_at)
   AND EXISTS (SELECT 1 FROM timepool.resource_services a WHERE a.resource_id = r.resource_id)
   AND NOT EXISTS (SELECT 1 FROM timepool.resource_services a
                    WHERE a.resource_id = r.resource_id AND a.service_id = r.service_id);

-- What the can_book column of availability(date, p_service => ...) must
-- say, recounted in plain SQL: the resource performs the service, the pool
-- is open, its minutes left hold the service's required minutes, and its
-- window has a run of that many consecutive minutes at each of which fewer
-- than max_concurrent holding reservations of the resource (of any period)
-- are under way (any minute, without a clock limit).  run is the longest
-- such run.
CREATE VIEW soak.fit AS
WITH ev AS (
  SELECT resource_id, date, m, sum(d)::int AS d
    FROM (SELECT resource_id, reservation_date AS date, (extract(epoch FROM start_time) / 60)::int AS m, 1 AS d
            FROM timepool.reservations WHERE soak.holds(status, hold_expires_at)
          UNION ALL
          SELECT resource_id, reservation_date, (extract(epoch FROM end_time) / 60)::int, -1
            FROM timepool.reservations WHERE soak.holds(status, hold_expires_at)) e
   GROUP BY 1, 2, 3
), occ AS (
  -- windows under way at each minute of the day
  SELECT d.resource_id, d.date, g.m,
         sum(coalesce(ev.d, 0)) OVER (PARTITION BY d.resource_id, d.date ORDER BY g.m) AS n
    FROM (SELECT DISTINCT resource_id, date FROM soak.pools) d
   CROSS JOIN generate_series(0, 1439) g(m)
    LEFT JOIN ev ON ev.resource_id = d.resource_id AND ev.date = d.date AND ev.m = g.m
), free AS (
  SELECT p.date, p.resource_id, p.period,
         o.m - row_number() OVER (PARTITION BY p.date, p.resource_id, p.period ORDER BY o.m) AS island
    FROM soak.pools p
    JOIN timepool.resources x ON x.id = p.resource_id
    JOIN occ o ON o.resource_id = p.resource_id AND o.date = p.date
              AND o.m >= (extract(epoch FROM p.start_time) / 60)::int
              AND o.m < (extract(epoch FROM p.end_time) / 60)::int
   WHERE x.max_concurrent IS NULL OR o.n < x.max_concurrent
), longest AS (
  SELECT date, resource_id, period, max(len)::int AS run
    FROM (SELECT date, resource_id, period, island, count(*) AS len FROM free GROUP BY 1, 2, 3, 4) i
   GROUP BY 1, 2, 3
)
SELECT p.date, p.resource, p.period, s.code AS service,
       s.duration_minutes + s.buffer_minutes AS required, p.capacity, coalesce(h.booked, 0) AS booked,
       coalesce(l.run, 0) AS run, w.performs,
       (w.performs AND NOT p.is_closed
        AND coalesce(h.booked, 0) + s.duration_minutes + s.buffer_minutes <= p.capacity
        AND coalesce(l.run, 0) >= s.duration_minutes + s.buffer_minutes) AS can_book
  FROM soak.pools p
  CROSS JOIN timepool.services s
  CROSS JOIN LATERAL (
    SELECT NOT EXISTS (SELECT 1 FROM timepool.resource_services a WHERE a.resource_id = p.resource_id)
           OR EXISTS (SELECT 1 FROM timepool.resource_services a
                       WHERE a.resource_id = p.resource_id AND a.service_id = s.id) AS performs) w
  LEFT JOIN soak.held h ON h.resource_id = p.resource_id AND h.date = p.date AND h.period = p.period
  LEFT JOIN longest l ON l.resource_id = p.resource_id AND l.date = p.date AND l.period = p.period
 WHERE s.deleted_at IS NULL;
