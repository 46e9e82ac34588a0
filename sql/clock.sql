--
-- clock: the clock-time limit of a resource (1.3).  At most
-- resources.max_concurrent holding reservations of a resource overlap at
-- any instant; a reservation occupies [start_time, end_time), its buffer
-- included.  NULL means no clock limit, only the pool's minutes.  The rule
-- holds on every write path (book_service, plain INSERT, UPDATE that moves
-- or revives), refuses with TP007 (DETAIL: the windows it overlaps; HINT:
-- the next start that fits), and can_book() and availability() agree.
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
\set VERBOSITY default
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

-- a new resource gets max_concurrent 1: one patient at a time
INSERT INTO timepool.resources (code, name) VALUES ('DR_KIM', 'Dr. Kim');
INSERT INTO timepool.resources (code, name, max_concurrent) VALUES ('DR_LEE', 'Dr. Lee', 2), ('ROOM', 'Room', NULL);
SELECT code, max_concurrent FROM timepool.resources ORDER BY code;
-- error: max_concurrent is at least 1 (23514)
\set VERBOSITY terse
INSERT INTO timepool.resources (code, name, max_concurrent) VALUES ('BAD', 'Bad', 0);
\set VERBOSITY default

INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes) VALUES
  ('BOTOX', 'Botox', 40, 5),     -- 45 minutes on the clock
  ('PEEL', 'Peel', 30, 0),
  ('LONG', 'Long', 100, 0);
-- Saturday 2025-11-15: MORNING 09:00-12:00 (180 minutes) for everybody
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT id, 6, 'MORNING', '09:00', '12:00' FROM timepool.resources;

-- the checks: no overlap beyond the limit, recounted in plain SQL
CREATE FUNCTION pg_temp.peak(p_resource text, p_date date) RETURNS bigint
LANGUAGE sql AS $$
  SELECT coalesce(max(n), 0) FROM (
    SELECT (SELECT count(*) FROM timepool.reservations o
             WHERE o.resource_id = r.resource_id AND o.reservation_date = r.reservation_date
               AND o.status NOT IN ('CANCELLED', 'REJECTED')
               AND o.start_time <= r.start_time AND r.start_time < o.end_time) AS n
      FROM timepool.reservations r JOIN timepool.resources x ON x.id = r.resource_id
     WHERE x.code = p_resource AND r.reservation_date = p_date
       AND r.status NOT IN ('CANCELLED', 'REJECTED')) s
$$;
CREATE FUNCTION pg_temp.book(p_service text, p_time time, p_resource text DEFAULT NULL,
                             p_date date DEFAULT '2025-11-15')
RETURNS text LANGUAGE plpgsql AS $$
DECLARE r timepool.reservations;
BEGIN
  r := timepool.book_service(p_service, p_date, p_time, 'P', p_resource => p_resource);
  RETURN (SELECT code FROM timepool.resources WHERE id = r.resource_id) || ' '
         || r.start_time || '-' || r.end_time;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END
$$;

---------------------------------------------------------------------------
-- 1. max_concurrent 1: the README's example.  09:00, 09:45, 10:30 and 11:15
-- Botox fit one doctor back to back (45 minutes each, buffer included);
-- a second 09:00 is refused with TP007
---------------------------------------------------------------------------
SELECT pg_temp.book('BOTOX', t, 'DR_KIM') AS booked
  FROM (VALUES (time '09:00'), ('09:45'), ('10:30'), ('11:15')) AS v(t);
-- error: TP007 (the pool is full too, but the time is what is taken); the
-- detail names the window it overlaps, no patient
SELECT timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Second', p_resource => 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.peak('DR_KIM', '2025-11-15') AS peak;

-- the buffer blocks the minutes after a treatment: 09:40 is inside the
-- 09:00 Botox's buffer (until 09:45)
TRUNCATE timepool.reservations;
SELECT pg_temp.book('BOTOX', '09:00', 'DR_KIM') AS booked;
-- error: TP007, and the hint names 09:45, the next start that fits
SELECT timepool.book_service('PEEL', '2025-11-15', '09:40', 'P', p_resource => 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.book('PEEL', '09:45', 'DR_KIM') AS back_to_back;
-- a start that overlaps two bookings: both in the detail, the hint after both
SELECT pg_temp.book('PEEL', '10:30', 'DR_KIM') AS booked;
SELECT timepool.book_service('BOTOX', '2025-11-15', '10:00', 'P', p_resource => 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
-- error: LONG (100 minutes) overlaps too, and no later start has room: the hint says so
SELECT timepool.book_service('LONG', '2025-11-15', '10:00', 'P', p_resource => 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE

-- can_book agrees with book_service on the clock
SELECT t, timepool.can_book('PEEL', '2025-11-15', t, 'DR_KIM') AS can_book,
       pg_temp.book('PEEL', t, 'DR_KIM') AS book_service
  FROM (VALUES (time '09:00'), ('09:30'), ('10:15'), ('11:00'), ('11:30')) AS v(t);
-- without a time: no start fits any more, 15 minutes are left
SELECT timepool.can_book('PEEL', '2025-11-15', NULL, 'DR_KIM') AS peel_some_time,
       timepool.can_book('LONG', '2025-11-15', NULL, 'DR_KIM') AS long_some_time;
-- availability stays a view of minutes; its can_book column agrees
SELECT resource, booked_minutes, remaining_minutes, can_book
  FROM timepool.availability('2025-11-15', p_service => 'LONG', p_resource => 'DR_KIM');
SELECT resource, booked_minutes, remaining_minutes, can_book
  FROM timepool.availability('2025-11-15', p_service => 'PEEL', p_resource => 'DR_KIM');
SELECT pg_temp.peak('DR_KIM', '2025-11-15') AS peak;

---------------------------------------------------------------------------
-- 2. max_concurrent 2 and NULL
---------------------------------------------------------------------------
SELECT pg_temp.book('PEEL', '09:00', 'DR_LEE') AS first, pg_temp.book('PEEL', '09:10', 'DR_LEE') AS second;
-- error: a third overlapping both: TP007
SELECT timepool.book_service('PEEL', '2025-11-15', '09:20', 'P', p_resource => 'DR_LEE');
\echo :LAST_ERROR_SQLSTATE
-- 09:30 overlaps only the 09:10 one (09:00-09:30 has ended): fits
SELECT pg_temp.book('PEEL', '09:30', 'DR_LEE') AS third;
SELECT pg_temp.peak('DR_LEE', '2025-11-15') AS peak;
-- NULL: only the minutes count (180 of them: six 30-minute peels at 09:00)
SELECT count(*) FILTER (WHERE b LIKE 'ROOM%') AS booked, count(*) FILTER (WHERE b = 'TP001') AS full
  FROM (SELECT pg_temp.book('PEEL', '09:00', 'ROOM') AS b FROM generate_series(1, 7)) s;
SELECT pg_temp.peak('ROOM', '2025-11-15') AS peak;

---------------------------------------------------------------------------
-- 3. automatic choice: only resources where pool and clock both allow
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
UPDATE timepool.resources SET max_concurrent = 1;
SELECT pg_temp.book('PEEL', '09:00', 'DR_KIM') AS kim, pg_temp.book('PEEL', '09:00', 'ROOM') AS room;
SELECT pg_temp.book('PEEL', '09:30', 'DR_LEE') AS lee_later;
-- DR_LEE is the only one free at 09:00, though DR_KIM and ROOM have more minutes left
SELECT pg_temp.book('PEEL', '09:00') AS auto_09_00;
-- error: nobody is free at 09:15: TP007 about one of them
SELECT pg_temp.book('PEEL', '09:15') AS auto_09_15;
-- 09:40 is free for DR_KIM and ROOM (30 + 30 = 60, 150 left each): the first by code
SELECT pg_temp.book('PEEL', '09:40') AS auto_09_40;
SELECT timepool.can_book('PEEL', '2025-11-15', '09:15') AS can_09_15,
       timepool.can_book('PEEL', '2025-11-15', '09:40') AS can_09_40;

---------------------------------------------------------------------------
-- 4. plain INSERT and UPDATE: the guard holds the same rule
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
SELECT pg_temp.book('BOTOX', '09:00', 'DR_KIM') AS booked;
-- error: a plain INSERT overlapping it: TP007
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
SELECT r.id, s.id, '2025-11-15', '09:30', 'Plain'
  FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_KIM' AND s.code = 'PEEL';
\echo :LAST_ERROR_SQLSTATE
-- back to back: fits
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
SELECT r.id, s.id, '2025-11-15', '09:45', 'Plain'
  FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_KIM' AND s.code = 'PEEL'
RETURNING start_time, end_time;
-- error: two rows of one statement that overlap each other: TP007
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
SELECT r.id, s.id, '2025-11-15', t, 'Pair'
  FROM timepool.resources r, timepool.services s, (VALUES (time '11:00'), ('11:10')) v(t)
 WHERE r.code = 'DR_KIM' AND s.code = 'PEEL';
\echo :LAST_ERROR_SQLSTATE
-- error: moving the 09:45 peel onto the Botox: TP007
UPDATE timepool.reservations SET start_time = '09:20' WHERE patient_name = 'Plain';
\echo :LAST_ERROR_SQLSTATE
-- moving it later, away from the Botox: fine
UPDATE timepool.reservations SET start_time = '10:00' WHERE patient_name = 'Plain'
RETURNING start_time, end_time;
-- error: moving it to DR_LEE, who is busy at 10:00-10:30 twice (limit 2): TP007
UPDATE timepool.resources SET max_concurrent = 2 WHERE code = 'DR_LEE';
SELECT pg_temp.book('PEEL', '10:00', 'DR_LEE') AS a, pg_temp.book('PEEL', '10:10', 'DR_LEE') AS b;
UPDATE timepool.reservations SET resource_id = (SELECT id FROM timepool.resources WHERE code = 'DR_LEE')
 WHERE patient_name = 'Plain';
\echo :LAST_ERROR_SQLSTATE
-- error: a longer duration that runs into the next booking: TP007
SELECT pg_temp.book('PEEL', '10:30', 'DR_KIM') AS next;
UPDATE timepool.reservations SET duration_minutes = 40, required_minutes = 40, end_time = '10:40'
 WHERE patient_name = 'Plain';
\echo :LAST_ERROR_SQLSTATE
-- error: moving the Botox to another date where the 09:00 is taken: TP007
SELECT pg_temp.book('PEEL', '09:00', 'DR_KIM', '2025-11-22') AS other_day;
UPDATE timepool.reservations SET reservation_date = '2025-11-22'
 WHERE start_time = '09:00' AND reservation_date = '2025-11-15' AND resource_id = 1;
\echo :LAST_ERROR_SQLSTATE
-- a cancelled booking frees its window; reviving it when the window is taken: TP007
SELECT (timepool.cancel_reservation(id)).status FROM timepool.reservations
 WHERE patient_name = 'Plain';
SELECT pg_temp.book('PEEL', '10:00', 'DR_KIM') AS takes_the_window;
-- error: the revival overlaps it
UPDATE timepool.reservations SET status = 'PENDING' WHERE patient_name = 'Plain';
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.peak('DR_KIM', '2025-11-15') AS kim, pg_temp.peak('DR_LEE', '2025-11-15') AS lee;

---------------------------------------------------------------------------
-- 5. lowering max_concurrent keeps what is booked; new overlaps are refused,
-- a move that stays within its window is not
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
UPDATE timepool.resources SET max_concurrent = 3 WHERE code = 'DR_LEE';
SELECT pg_temp.book('PEEL', '09:00', 'DR_LEE') AS a, pg_temp.book('PEEL', '09:00', 'DR_LEE') AS b,
       pg_temp.book('PEEL', '09:10', 'DR_LEE') AS c;
UPDATE timepool.resources SET max_concurrent = 1 WHERE code = 'DR_LEE';
SELECT count(*) AS kept FROM timepool.reservations WHERE status NOT IN ('CANCELLED', 'REJECTED');
-- error: a new overlap: TP007
SELECT pg_temp.book('PEEL', '09:20', 'DR_LEE') AS new_overlap;
-- a status change and a shorter window within the old one: allowed
UPDATE timepool.reservations SET status = 'CONFIRMED' WHERE start_time = '09:10';
UPDATE timepool.reservations SET duration_minutes = 20, required_minutes = 20, end_time = '09:30'
 WHERE start_time = '09:10' RETURNING start_time, end_time, status;
-- error: but a move within the pool onto a new instant is refused
UPDATE timepool.reservations SET start_time = '09:05', end_time = '09:25' WHERE start_time = '09:10';
\echo :LAST_ERROR_SQLSTATE
-- after the last one: fine
SELECT pg_temp.book('PEEL', '09:40', 'DR_LEE') AS after;
-- a move within the pool puts no minutes at stake, so its hint does not ask
-- for room in a pool whose capacity was cut below what is booked
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
SELECT id, '2025-11-15', 'MORNING', '09:00', '12:00', 60 FROM timepool.resources WHERE code = 'DR_LEE';
SELECT remaining_minutes FROM timepool.availability('2025-11-15', p_resource => 'DR_LEE');
-- error: 09:50 overlaps the 09:40 peel: TP007, and the hint names 10:10, though no minutes are left
UPDATE timepool.reservations SET start_time = '09:50', end_time = '10:10' WHERE start_time = '09:10';
\echo :LAST_ERROR_SQLSTATE
UPDATE timepool.reservations SET start_time = '10:10', end_time = '10:30' WHERE start_time = '09:10'
RETURNING start_time, end_time;
DELETE FROM timepool.schedule_overrides;

---------------------------------------------------------------------------
-- 6. overlapping pools of one resource (an override's EXTRA hour inside
-- MORNING) share the clock: a booking in EXTRA cannot overlap one in MORNING
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, reason)
SELECT id, '2025-11-15', 'EXTRA', '10:00', '11:00', 'an extra hour' FROM timepool.resources WHERE code = 'DR_KIM';
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, period, patient_name)
SELECT r.id, s.id, '2025-11-15', '10:00', 'MORNING', 'In MORNING'
  FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_KIM' AND s.code = 'PEEL';
-- error: 10:10 in EXTRA overlaps it on the clock: TP007
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, period, patient_name)
SELECT r.id, s.id, '2025-11-15', '10:10', 'EXTRA', 'In EXTRA'
  FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_KIM' AND s.code = 'PEEL';
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.book('PEEL', '10:10', 'DR_KIM') AS via_book_service;
SELECT pg_temp.book('PEEL', '10:30', 'DR_KIM') AS after_it;
SELECT period, start_time, end_time FROM timepool.reservations ORDER BY start_time;

---------------------------------------------------------------------------
-- 7. the README's query that lists the overlaps which would block turning
-- the limit on (here on ROOM, which had none)
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
UPDATE timepool.resources SET max_concurrent = NULL WHERE code = 'ROOM';
SELECT pg_temp.book('PEEL', t, 'ROOM') FROM (VALUES (time '09:00'), ('09:00'), ('09:20'), ('09:30')) v(t);
SELECT x.code, a.reservation_date, a.id AS a, a.start_time AS a_start, a.end_time AS a_end,
       b.id AS b, b.start_time AS b_start, b.end_time AS b_end
  FROM timepool.reservations a
  JOIN timepool.reservations b
    ON b.resource_id = a.resource_id AND b.reservation_date = a.reservation_date AND b.id > a.id
   AND b.start_time < a.end_time AND a.start_time < b.end_time
  JOIN timepool.resources x ON x.id = a.resource_id
 WHERE a.status NOT IN ('CANCELLED', 'REJECTED') AND b.status NOT IN ('CANCELLED', 'REJECTED')
 ORDER BY a.id, b.id;

TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
