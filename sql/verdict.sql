--
-- verdict: timepool.check_booking(p_service, p_date, p_time, p_resource)
-- (1.4), the verdict book_service() would give right now, without booking:
-- accepted, or the refusal's SQLSTATE, message, DETAIL and HINT, and the
-- earliest start the notice allows on the clinic's clock.  For every
-- refusal (TP001, TP002, TP003, TP005, TP006, TP007, TP008) and for
-- accepted calls, each column is proven equal to what book_service() raises
-- for the same call (caught in PL/pgSQL with GET STACKED DIAGNOSTICS, the
-- booking rolled back), and accepted equal to can_book().  Argument errors
-- (22004, 22023) are raised, not returned.
--
SET timepool.now = '2025-11-14 08:00';
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
\pset null '(null)'
\set VERBOSITY default
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365,
       cancel_notice_minutes = 0, online_status = 'PENDING';

-- DR_KIM: one patient at a time; ROOM: no clock limit; DR_LEE performs
-- BOTOX and CAPPED only; OLD is inactive.  MORNING 09:00-10:00 (60 minutes)
-- on Saturdays for all.
INSERT INTO timepool.resources (code, name, max_concurrent, is_active) VALUES
  ('DR_KIM', 'Dr. Kim', 1, true), ('DR_LEE', 'Dr. Lee', 1, true), ('OLD', 'Old room', NULL, false),
  ('ROOM', 'Room', NULL, true);
INSERT INTO timepool.services (code, name, duration_minutes, is_visible, is_active, daily_cap_minutes,
                               min_notice_minutes, max_advance_days) VALUES
  ('BOTOX', 'Botox', 40, true, true, NULL, NULL, NULL),
  ('PEEL', 'Peel', 20, true, true, NULL, NULL, NULL),
  ('CAPPED', 'Capped', 30, true, true, 30, NULL, NULL),     -- 30 minutes a day
  ('SOON', 'Soon', 20, true, true, NULL, 1530, NULL),       -- 25 h 30 min notice
  ('NOW', 'Now', 20, true, true, NULL, 0, NULL),            -- no notice, whatever the clinic's
  ('NEAR', 'Near', 20, true, true, NULL, NULL, 7),          -- a week ahead at most
  ('HIDDEN', 'Hidden', 20, false, true, NULL, NULL, NULL),  -- staff can book it
  ('OFF', 'Off', 20, true, false, NULL, NULL, NULL);        -- inactive
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT id, 6, 'MORNING', '09:00', '10:00' FROM timepool.resources;
INSERT INTO timepool.resource_services (resource_id, service_id)
SELECT r.id, s.id FROM timepool.resources r, timepool.services s
 WHERE r.code = 'DR_LEE' AND s.code IN ('BOTOX', 'CAPPED');
-- ROOM is closed on 2025-11-29
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, reason)
SELECT id, '2025-11-29', 'MORNING', true, 'painting' FROM timepool.resources WHERE code = 'ROOM';

-- Saturday 2025-11-15: BOTOX 09:00-09:40 on ROOM (20 of its 60 minutes
-- left) and on DR_KIM (busy until 09:40); Saturday 2025-11-22: CAPPED on
-- DR_LEE takes the day's 30 minutes
SELECT timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Ann', p_resource => 'ROOM') IS NOT NULL AS booked;
SELECT timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Bob', p_resource => 'DR_KIM') IS NOT NULL AS booked;
SELECT timepool.book_service('CAPPED', '2025-11-22', '09:00', 'Cy', p_resource => 'DR_LEE') IS NOT NULL AS booked;

-- What book_service says for the same call: its error's SQLSTATE,
-- message, DETAIL and HINT, all NULL when it books (the booking is rolled
-- back by the block's own exception)
CREATE FUNCTION pg_temp.book_says(p_service text, p_date date, p_time time, p_resource text,
                                  OUT b_sqlstate text, OUT b_message text, OUT b_detail text, OUT b_hint text)
LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    PERFORM timepool.book_service(p_service, p_date, p_time, 'Probe', p_resource => p_resource);
    RAISE EXCEPTION 'booked' USING ERRCODE = 'P0099';
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS b_sqlstate = RETURNED_SQLSTATE, b_message = MESSAGE_TEXT,
                            b_detail = PG_EXCEPTION_DETAIL, b_hint = PG_EXCEPTION_HINT;
  END;
  -- GET STACKED DIAGNOSTICS gives '' for a missing DETAIL or HINT
  IF b_sqlstate = 'P0099' THEN
    b_sqlstate := NULL; b_message := NULL; b_detail := NULL; b_hint := NULL;
  END IF;
  b_detail := nullif(b_detail, '');
  b_hint := nullif(b_hint, '');
END
$$;
-- can_book() for the same call: true, false, or the SQLSTATE it raises
-- (can_book itself raises TP003 for an unknown service or resource, as in 1.3)
CREATE FUNCTION pg_temp.can(p_service text, p_date date, p_time time, p_resource text)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN timepool.can_book(p_service, p_date, p_time, p_resource)::text;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END
$$;

CREATE TEMP TABLE cases (n int PRIMARY KEY, name text, service text, date date, time time, resource text);
INSERT INTO cases VALUES
  (1,  'TP001 pool full',          'BOTOX',  '2025-11-15', '09:20', 'ROOM'),
  (2,  'accepted, any (DR_LEE)',   'BOTOX',  '2025-11-15', '09:20', NULL),
  (3,  'TP002 no period',          'PEEL',   '2025-11-15', '10:00', 'ROOM'),
  (4,  'TP002 no period, any',     'PEEL',   '2025-11-15', '08:30', NULL),
  (5,  'TP002 past the end',       'BOTOX',  '2025-11-15', '09:30', 'DR_LEE'),
  (6,  'TP002 closed',             'PEEL',   '2025-11-29', '09:00', 'ROOM'),
  (7,  'TP002 at 24:00',           'PEEL',   '2025-11-15', '24:00', NULL),
  (8,  'TP003 unknown service',    'NOPE',   '2025-11-15', '09:00', NULL),
  (9,  'TP003 inactive service',   'OFF',    '2025-11-15', '09:00', NULL),
  (10, 'TP003 inactive resource',  'PEEL',   '2025-11-15', '09:40', 'OLD'),
  (11, 'TP003 unknown resource',   'PEEL',   '2025-11-15', '09:40', 'NOBODY'),
  (12, 'TP005 past date',          'PEEL',   '2025-11-08', '09:00', 'ROOM'),
  (13, 'TP005 past time today',    'PEEL',   '2025-11-14', '07:00', NULL),
  (14, 'TP005 too soon (notice)',  'SOON',   '2025-11-15', '09:00', 'ROOM'),
  (15, 'TP005 too far (clinic)',   'PEEL',   '2026-11-21', '09:00', 'ROOM'),
  (16, 'TP005 too far (service)',  'NEAR',   '2025-11-22', '09:00', 'ROOM'),
  (17, 'TP006 daily cap',          'CAPPED', '2025-11-22', '09:00', 'ROOM'),
  (18, 'TP007 clock',              'PEEL',   '2025-11-15', '09:20', 'DR_KIM'),
  (19, 'TP008 not performed',      'PEEL',   '2025-11-15', '09:00', 'DR_LEE'),
  (20, 'accepted',                 'PEEL',   '2025-11-15', '09:40', 'ROOM'),
  (21, 'accepted, any resource',   'PEEL',   '2025-11-15', '09:00', NULL),
  (22, 'accepted after notice',    'SOON',   '2025-11-15', '09:30', 'ROOM'),
  (23, 'accepted, hidden (staff)', 'HIDDEN', '2025-11-15', '09:40', 'DR_KIM');

---------------------------------------------------------------------------
-- 1. the verdicts
---------------------------------------------------------------------------
\x on
SELECT c.n, c.name, v.accepted, v.sqlstate, v.message, v.detail, v.hint, v.earliest_start
  FROM cases c, timepool.check_booking(c.service, c.date, c.time, c.resource) v
 ORDER BY c.n;
\x off

---------------------------------------------------------------------------
-- 2. each verdict is what book_service raises (or its success), column by
-- column, and accepted is can_book()
---------------------------------------------------------------------------
SELECT c.n, c.name,
       v.sqlstate IS NOT DISTINCT FROM b.b_sqlstate AS same_sqlstate,
       v.message IS NOT DISTINCT FROM b.b_message AS same_message,
       v.detail IS NOT DISTINCT FROM b.b_detail AS same_detail,
       v.hint IS NOT DISTINCT FROM b.b_hint AS same_hint,
       v.accepted = (b.b_sqlstate IS NULL) AS same_outcome,
       pg_temp.can(c.service, c.date, c.time, c.resource) AS can_book,
       v.accepted = (pg_temp.can(c.service, c.date, c.time, c.resource) = 'true') AS same_as_can_book
  FROM cases c
 CROSS JOIN LATERAL timepool.check_booking(c.service, c.date, c.time, c.resource) v
 CROSS JOIN LATERAL pg_temp.book_says(c.service, c.date, c.time, c.resource) b
 ORDER BY c.n;
-- the probes booked nothing
SELECT count(*) AS reservations FROM timepool.reservations;

---------------------------------------------------------------------------
-- 3. a spring-forward day (sql/dst.sql): a time the clinic's clock skips
-- is TP002, for check_booking and book_service alike
---------------------------------------------------------------------------
UPDATE timepool.settings SET time_zone = 'America/New_York';
SET timepool.now = '2027-03-10 08:00';
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time)
SELECT id, '2027-03-14', 'NIGHT', '00:00', '06:00' FROM timepool.resources WHERE code = 'ROOM';
TRUNCATE cases;
INSERT INTO cases VALUES
  (1, 'TP002 in the gap',        'PEEL', '2027-03-14', '02:30', 'ROOM'),
  (2, 'TP002 runs into the gap', 'PEEL', '2027-03-14', '01:50', 'ROOM'),
  (3, 'accepted after the gap',  'PEEL', '2027-03-14', '03:00', 'ROOM');
\x on
SELECT c.n, c.name, v.accepted, v.sqlstate, v.message, v.detail, v.hint, v.earliest_start
  FROM cases c, timepool.check_booking(c.service, c.date, c.time, c.resource) v
 ORDER BY c.n;
\x off
SELECT c.n,
       v.sqlstate IS NOT DISTINCT FROM b.b_sqlstate AS same_sqlstate,
       v.message IS NOT DISTINCT FROM b.b_message AS same_message,
       v.detail IS NOT DISTINCT FROM b.b_detail AS same_detail,
       v.hint IS NOT DISTINCT FROM b.b_hint AS same_hint,
       v.accepted = (pg_temp.can(c.service, c.date, c.time, c.resource) = 'true') AS same_as_can_book
  FROM cases c
 CROSS JOIN LATERAL timepool.check_booking(c.service, c.date, c.time, c.resource) v
 CROSS JOIN LATERAL pg_temp.book_says(c.service, c.date, c.time, c.resource) b
 ORDER BY c.n;
UPDATE timepool.settings SET time_zone = 'UTC';
SET timepool.now = '2025-11-14 08:00';

---------------------------------------------------------------------------
-- 4. a hold is decided on as a booking: a live hold refuses, an expired
-- one does not (the verdict follows the clock)
---------------------------------------------------------------------------
SELECT status FROM timepool.hold_slot('PEEL', '2025-11-15', '09:40', 'ROOM');
SELECT accepted, sqlstate FROM timepool.check_booking('PEEL', '2025-11-15', '09:40', 'ROOM');
SET timepool.now = '2025-11-14 08:10';
SELECT accepted, sqlstate FROM timepool.check_booking('PEEL', '2025-11-15', '09:40', 'ROOM');
-- marked EXPIRED, so that it stays out when the clock goes back to 08:00
SELECT timepool.expire_holds() AS expired;
SET timepool.now = '2025-11-14 08:00';
SELECT accepted, sqlstate FROM timepool.check_booking('PEEL', '2025-11-15', '09:40', 'ROOM');

---------------------------------------------------------------------------
-- 5. earliest_start: now plus the notice on the clinic's clock, the
-- service's own notice (min_notice_minutes) before the clinic's, rounded up
-- to a whole minute
---------------------------------------------------------------------------
SELECT s AS service, earliest_start
  FROM unnest(ARRAY['PEEL', 'SOON', 'NOW']) s, timepool.check_booking(s, '2025-11-15', '09:40')
 ORDER BY s;
UPDATE timepool.settings SET min_notice_minutes = 90;
-- PEEL follows the clinic (09:30 today), SOON and NOW keep their own
SELECT s AS service, earliest_start
  FROM unnest(ARRAY['PEEL', 'SOON', 'NOW']) s, timepool.check_booking(s, '2025-11-15', '09:40')
 ORDER BY s;
-- an unknown service: the clinic's notice, beside the TP003
SELECT sqlstate, earliest_start FROM timepool.check_booking('NOPE', '2025-11-15', '09:40');
-- half a minute past 08:00: 08:00:30 + 90 minutes = 09:30:30, the next whole minute 09:31
SET timepool.now = '2025-11-14 08:00:30';
SELECT earliest_start FROM timepool.check_booking('PEEL', '2025-11-15', '09:40');
-- a notice that reaches into the next day: 1 day and 90 minutes; 09:00 is
-- too soon, 09:40 is not
UPDATE timepool.settings SET min_notice_minutes = 1530;
SET timepool.now = '2025-11-14 08:00';
SELECT accepted, sqlstate, detail, earliest_start
  FROM timepool.check_booking('PEEL', '2025-11-15', '09:00', 'ROOM');
SELECT accepted, sqlstate, earliest_start FROM timepool.check_booking('PEEL', '2025-11-15', '09:40', 'ROOM');
UPDATE timepool.settings SET min_notice_minutes = 0;

---------------------------------------------------------------------------
-- 6. argument errors are raised, not returned
---------------------------------------------------------------------------
-- error: p_service NULL (22004)
SELECT * FROM timepool.check_booking(NULL, '2025-11-15', '09:00');
\echo :LAST_ERROR_SQLSTATE
-- error: p_date NULL (22004)
SELECT * FROM timepool.check_booking('PEEL', NULL, '09:00');
\echo :LAST_ERROR_SQLSTATE
-- error: p_time NULL (22004)
SELECT * FROM timepool.check_booking('PEEL', '2025-11-15', NULL);
\echo :LAST_ERROR_SQLSTATE
-- a NULL p_resource is any resource
SELECT accepted FROM timepool.check_booking('PEEL', '2025-11-15', '09:40', NULL);
-- error: a malformed service code (22023)
SELECT * FROM timepool.check_booking('peel', '2025-11-15', '09:00');
\echo :LAST_ERROR_SQLSTATE
-- error: a malformed resource code (22023)
SELECT * FROM timepool.check_booking('PEEL', '2025-11-15', '09:00', 'room 1');
\echo :LAST_ERROR_SQLSTATE
-- error: an empty service code (22023)
SELECT * FROM timepool.check_booking('', '2025-11-15', '09:00');
\echo :LAST_ERROR_SQLSTATE
-- error: a time that is not a whole minute (22023)
SELECT * FROM timepool.check_booking('PEEL', '2025-11-15', '09:00:30');
\echo :LAST_ERROR_SQLSTATE
-- error: an infinite date (22023)
SELECT * FROM timepool.check_booking('PEEL', 'infinity', '09:00');
\echo :LAST_ERROR_SQLSTATE
-- book_service raises the same for the same arguments
SELECT n, b_sqlstate, b_message
  FROM (VALUES (1, 'peel', date '2025-11-15', time '09:00'), (2, 'PEEL', '2025-11-15', '09:00:30'),
               (3, 'PEEL', 'infinity', '09:00')) AS v(n, s, d, t),
       pg_temp.book_says(s, d, t, NULL)
 ORDER BY n;

TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
RESET timepool.now;
