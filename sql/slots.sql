--
-- slots: timepool.open_slots() (1.4), every start on a grid of
-- p_step_minutes from each period's start at which book_service() would
-- accept the service now: the pool's minutes, the clock limit, who performs
-- what, closures and overrides, notice, the advance limit and past dates,
-- the daily cap, holds (a live one counts, an expired one does not), and
-- overlapping pools (the one book_service() books into: most minutes left,
-- ties by the pool's start).  test/slots_agree.sh checks the same against
-- book_service() on generated days.
--
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
\set VERBOSITY default
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365;
-- Friday 2025-11-14, 10:07 on the clinic's clock
SET timepool.now = '2025-11-14 10:07';

INSERT INTO timepool.resources (code, name, max_concurrent) VALUES
  ('DR_A', 'Dr. A', 1), ('DR_B', 'Dr. B', 2), ('ROOM', 'Room', NULL);
INSERT INTO timepool.resources (code, name, is_active) VALUES ('DR_OFF', 'Dr. Off', false);
INSERT INTO timepool.services (code, name, duration_minutes, min_notice_minutes, max_advance_days, daily_cap_minutes) VALUES
  ('BOTOX', 'Botox', 30, NULL, NULL, NULL),
  ('PEEL', 'Peel', 60, NULL, NULL, NULL),
  ('NOTE', 'A day''s notice', 20, 1440, NULL, NULL),
  ('FAR', 'Two days ahead', 60, NULL, 2, NULL),
  ('CAP', 'Capped', 30, NULL, NULL, 60);
INSERT INTO timepool.services (code, name, duration_minutes, is_active) VALUES ('OLD', 'Inactive', 30, false);
-- the room performs PEEL only
INSERT INTO timepool.resource_services (resource_id, service_id)
SELECT r.id, s.id FROM timepool.resources r, timepool.services s WHERE r.code = 'ROOM' AND s.code = 'PEEL';
-- every day MORNING 09:00-11:00: 120 minutes, 90 for the room
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT r.id, d, 'MORNING', '09:00', '11:00', CASE r.code WHEN 'ROOM' THEN 90 ELSE 120 END
  FROM timepool.resources r, generate_series(0, 6) d;

---------------------------------------------------------------------------
-- 1. an empty Saturday at a 30-minute step: DR_A and DR_B at 09:00, 09:30,
-- 10:00, 10:30 (10:30 + 30 = 11:00 fits); not the room, which does not
-- perform BOTOX
SELECT * FROM timepool.open_slots('BOTOX', '2025-11-15', p_step_minutes => 30);

---------------------------------------------------------------------------
-- 2. the clock limit.  DR_A (one at a time) is busy 09:20-09:50: of the
-- 15-minute grid only 10:00, 10:15 and 10:30 stay, with 90 minutes left
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, status)
VALUES (1, 1, '2025-11-15', '09:20', 'P1', 'CONFIRMED');
SELECT resource, period, start_time, end_time, remaining_minutes
  FROM timepool.open_slots('BOTOX', '2025-11-15', p_resource => 'DR_A');
-- DR_B (two at a time) has two bookings overlapping 09:15-09:30: 09:00 and
-- 09:15 would make three at once; 09:30 on fits, 60 minutes left
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (2, 1, '2025-11-15', '09:00', 'P2'), (2, 1, '2025-11-15', '09:15', 'P3');
SELECT resource, period, start_time, end_time, remaining_minutes
  FROM timepool.open_slots('BOTOX', '2025-11-15', p_resource => 'DR_B');
-- the same day for every resource: DR_A's, then DR_B's
SELECT resource, string_agg(to_char(start_time, 'HH24:MI'), ' ' ORDER BY start_time) AS starts
  FROM timepool.open_slots('BOTOX', '2025-11-15') GROUP BY resource ORDER BY resource;

---------------------------------------------------------------------------
-- 3. holds: on Sunday DR_A has a live hold at 09:00 (until 10:17 today)
-- and an expired one at 10:00 (ended 10:00 today): 09:00 is taken, 10:00
-- is free, and only the live hold's 30 minutes count
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, status, hold_expires_at)
VALUES (1, 1, '2025-11-16', '09:00', 'HELD', '2025-11-14 10:17+00'),
       (1, 1, '2025-11-16', '10:00', 'HELD', '2025-11-14 10:00+00');
SELECT resource, period, start_time, end_time, remaining_minutes
  FROM timepool.open_slots('BOTOX', '2025-11-16', p_step_minutes => 30, p_resource => 'DR_A');
-- once the live hold has expired too, 09:00 is open again
SET timepool.now = '2025-11-14 10:17';
SELECT string_agg(to_char(start_time, 'HH24:MI'), ' ' ORDER BY start_time) AS starts, min(remaining_minutes)
  FROM timepool.open_slots('BOTOX', '2025-11-16', p_step_minutes => 30, p_resource => 'DR_A');
SET timepool.now = '2025-11-14 10:07';

---------------------------------------------------------------------------
-- 4. closures and overrides, Monday 2025-11-17: DR_A is off; every MORNING
-- is 10:00-11:30 with 90 minutes; DR_B also has an EXTRA 10:30-11:30 of 40
-- minutes, and a PEEL 10:00-11:00 in its MORNING (30 minutes left there)
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed) VALUES (1, '2025-11-17', true);
INSERT INTO timepool.schedule_overrides (date, period, start_time, end_time, capacity_minutes)
VALUES ('2025-11-17', 'MORNING', '10:00', '11:30', 90);
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
VALUES (2, '2025-11-17', 'EXTRA', '10:30', '11:30', 40);
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (2, 2, '2025-11-17', '10:00', 'P4');
-- DR_B: 10:00 only MORNING holds it (30 left); 10:30 and 11:00 fit both
-- pools and go to EXTRA, which has more minutes left (40)
SELECT * FROM timepool.open_slots('BOTOX', '2025-11-17', p_step_minutes => 30);
-- PEEL (60 minutes): DR_B has room in neither pool; the room's MORNING
-- (the clinic's override, 90 minutes) at 10:00 and 10:30
SELECT * FROM timepool.open_slots('PEEL', '2025-11-17', p_step_minutes => 30);
-- the same resource's pools at once, EXTRA no longer ahead: a tie (30 and
-- 30 left) goes to the earlier-starting pool, MORNING
UPDATE timepool.schedule_overrides SET capacity_minutes = 30 WHERE period = 'EXTRA';
SELECT period, start_time, remaining_minutes
  FROM timepool.open_slots('BOTOX', '2025-11-17', p_step_minutes => 30, p_resource => 'DR_B');

---------------------------------------------------------------------------
-- 5. the booking window.  A past date has no open start
SELECT count(*) FROM timepool.open_slots('BOTOX', '2025-11-13');
-- today, at 10:07: only starts from 10:08 on, 10:15 and 10:30
SELECT resource, start_time FROM timepool.open_slots('BOTOX', '2025-11-14', p_resource => 'DR_A');
-- NOTE needs a day's notice: on Saturday from 10:07 on; DR_A's 10:15 and
-- 10:30 (10:30 + 20 fits), after its 09:20-09:50 booking
SELECT resource, start_time, end_time, remaining_minutes
  FROM timepool.open_slots('NOTE', '2025-11-14', '2025-11-15', p_resource => 'DR_A');
-- FAR can be booked two days ahead, until Sunday: DR_B at 10:00 on Saturday
-- (09:00 would overlap two bookings), 09:00 and 10:00 on Sunday, nothing after
SELECT date, start_time, remaining_minutes
  FROM timepool.open_slots('FAR', '2025-11-15', '2025-11-18', 60, 'DR_B');

---------------------------------------------------------------------------
-- 6. the daily cap: CAP has 60 minutes a day.  With 30 booked on Tuesday,
-- one more fits there, on any resource
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (1, 5, '2025-11-18', '09:00', 'P5');
SELECT date, start_time, remaining_minutes
  FROM timepool.open_slots('CAP', '2025-11-18', '2025-11-19', 60, 'DR_B');
-- with 60 booked, Tuesday has none; Wednesday keeps its starts
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (2, 5, '2025-11-18', '10:00', 'P6');
SELECT date, start_time, remaining_minutes
  FROM timepool.open_slots('CAP', '2025-11-18', '2025-11-19', 60, 'DR_B');
-- a cancelled booking gives its minutes back
UPDATE timepool.reservations SET status = 'CANCELLED' WHERE patient_name = 'P6';
SELECT date, start_time FROM timepool.open_slots('CAP', '2025-11-18', p_step_minutes => 60, p_resource => 'DR_B');

---------------------------------------------------------------------------
-- 7. who performs what: the room has no BOTOX (book_service says TP008)
-- and PEEL at 09:00, 09:30 and 10:00 of its 90 minutes
SELECT count(*) FROM timepool.open_slots('BOTOX', '2025-11-15', p_resource => 'ROOM');
SELECT resource, start_time, end_time, remaining_minutes
  FROM timepool.open_slots('PEEL', '2025-11-15', p_step_minutes => 30, p_resource => 'ROOM');

---------------------------------------------------------------------------
-- 8. step sizes.  DR_A on Sunday (the live hold 09:00-09:30): every minute
-- from 09:30 to 10:30 at a step of 1
SELECT count(*), min(start_time), max(start_time)
  FROM timepool.open_slots('BOTOX', '2025-11-16', p_step_minutes => 1, p_resource => 'DR_A');
-- a step of 7: 09:00, 09:07, ... 10:24; those from 09:30 on
SELECT string_agg(to_char(start_time, 'HH24:MI'), ' ' ORDER BY start_time) AS starts
  FROM timepool.open_slots('BOTOX', '2025-11-16', p_step_minutes => 7, p_resource => 'DR_A');
-- a step of 1440: each period's start alone (taken on DR_A, free on DR_B)
SELECT resource, start_time
  FROM timepool.open_slots('BOTOX', '2025-11-16', p_step_minutes => 1440);

---------------------------------------------------------------------------
-- 9. ranges: p_to defaults to p_from; 92 days are allowed (DR_B has a
-- 60-minute step start on each but today, whose 09:00 and 10:00 are past)
SELECT count(DISTINCT date), min(date), max(date)
  FROM timepool.open_slots('BOTOX', '2025-11-14', '2026-02-13', 60, 'DR_B');

---------------------------------------------------------------------------
-- 10. errors
-- error: 93 days (22023)
SELECT * FROM timepool.open_slots('BOTOX', '2025-11-14', '2026-02-14');
-- error: p_to before p_from (22023)
SELECT * FROM timepool.open_slots('BOTOX', '2025-11-15', '2025-11-14');
-- error: a step of 0 and of 1441 (22023)
SELECT * FROM timepool.open_slots('BOTOX', '2025-11-15', p_step_minutes => 0);
SELECT * FROM timepool.open_slots('BOTOX', '2025-11-15', p_step_minutes => 1441);
-- error: NULL service, date, step (22004)
SELECT * FROM timepool.open_slots(NULL, '2025-11-15');
SELECT * FROM timepool.open_slots('BOTOX', NULL);
SELECT * FROM timepool.open_slots('BOTOX', '2025-11-15', p_step_minutes => NULL);
-- error: infinite dates (22023)
SELECT * FROM timepool.open_slots('BOTOX', 'infinity');
SELECT * FROM timepool.open_slots('BOTOX', '2025-11-15', 'infinity');
-- error: a code that is no code (22023)
SELECT * FROM timepool.open_slots('botox', '2025-11-15');
-- error: unknown and inactive services, unknown and inactive resources (TP003), as book_service says
SELECT * FROM timepool.open_slots('NOPE', '2025-11-15');
SELECT * FROM timepool.open_slots('OLD', '2025-11-15');
SELECT * FROM timepool.open_slots('BOTOX', '2025-11-15', p_resource => 'NOPE');
SELECT * FROM timepool.open_slots('BOTOX', '2025-11-15', p_resource => 'DR_OFF');
SELECT * FROM timepool.book_service('BOTOX', '2025-11-15', '10:00', 'P', p_resource => 'DR_OFF');

RESET timepool.now;
