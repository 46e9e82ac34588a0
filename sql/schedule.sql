--
-- schedule: the weekly schedule (timepool.clinic_time_slots) and the per-date
-- exceptions (timepool.schedule_overrides), and the pools they make, as seen
-- through timepool.availability(), can_book() and book_service().
--
-- Covered: weekly rows per resource and day of week (0 = Sunday .. 6),
-- periods as data (an EVENING period), capacity_minutes defaulting to the
-- window, a capacity below the window, effective_from/effective_until (a
-- schedule change from a date on), inactive rows ignored, overrides for one
-- or every resource and for one period or the whole day, closures, special
-- hours, added periods, override precedence, a day without a schedule, and
-- closing a period that already holds reservations.
--
-- "today" is frozen at Friday 2025-11-14.  2025-11-15 is a Saturday (6),
-- 2025-11-16 a Sunday (0), 2025-11-17 a Monday (1), 2025-11-18 a Tuesday (2),
-- 2025-11-19 a Wednesday (3).
--
SET timepool.today = '2025-11-14';
SET datestyle = 'ISO, YMD';

-- pg_regress runs every suite of one invocation in the same database: start
-- from empty tables and fresh identities whatever ran before.
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

INSERT INTO timepool.resources (code, name) VALUES
  ('DR_A', 'Doctor A'),
  ('DR_B', 'Doctor B');
INSERT INTO timepool.services (code, name, duration_minutes) VALUES
  ('CONSULT', 'Consultation', 30),
  ('LONG', 'Long session', 150);

-- A compact view of the pools of a date (the service columns are the
-- availability suite's business).
CREATE FUNCTION pg_temp.pools(d date)
RETURNS TABLE (resource text, period text, start_time time, end_time time,
               total integer, booked integer, remaining integer, n integer,
               utilization numeric, is_closed boolean)
LANGUAGE sql AS $$
  SELECT a.resource, a.period, a.start_time, a.end_time, a.total_minutes,
         a.booked_minutes, a.remaining_minutes, a.reservation_count,
         a.utilization, a.is_closed
    FROM timepool.availability(d) a
$$;

---------------------------------------------------------------------------
-- Weekly rows
---------------------------------------------------------------------------

-- Monday: DR_A has three periods; EVENING is just another label.
-- MORNING and EVENING leave capacity_minutes out: it defaults to the window
-- (180 and 120 minutes); AFTERNOON has 120 minutes in a 240-minute window.
INSERT INTO timepool.clinic_time_slots
  (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
VALUES
  ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), 1, 'MORNING',   '09:00', '12:00', NULL),
  ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), 1, 'AFTERNOON', '13:00', '17:00', 120),
  ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), 1, 'EVENING',   '18:00', '20:00', NULL),
  ((SELECT id FROM timepool.resources WHERE code = 'DR_B'), 1, 'MORNING',   '08:00', '12:00', 200);

-- Saturday: DR_A's row is inactive; DR_B has an active row and an inactive
-- one that overlaps it (allowed, and ignored).
INSERT INTO timepool.clinic_time_slots
  (resource_id, day_of_week, period, start_time, end_time, capacity_minutes, is_active)
VALUES
  ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), 6, 'MORNING', '09:00', '12:00', NULL, false),
  ((SELECT id FROM timepool.resources WHERE code = 'DR_B'), 6, 'MORNING', '10:00', '12:00', NULL, true),
  ((SELECT id FROM timepool.resources WHERE code = 'DR_B'), 6, 'EXTRA',   '10:30', '13:00', NULL, false);

-- Tuesday: DR_B's hours change from Tuesday 2025-11-25 on: the old row ends
-- the day before (2025-11-24), the new row starts on 2025-11-25.
INSERT INTO timepool.clinic_time_slots
  (resource_id, day_of_week, period, start_time, end_time, capacity_minutes,
   effective_from, effective_until)
VALUES
  ((SELECT id FROM timepool.resources WHERE code = 'DR_B'), 2, 'MORNING', '08:00', '12:00', NULL, NULL, '2025-11-24'),
  ((SELECT id FROM timepool.resources WHERE code = 'DR_B'), 2, 'MORNING', '09:00', '11:00', 90, '2025-11-25', NULL);

-- Wednesday: a row in force on one day only (both bounds are inclusive).
INSERT INTO timepool.clinic_time_slots
  (resource_id, day_of_week, period, start_time, end_time, capacity_minutes,
   effective_from, effective_until)
VALUES
  ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), 3, 'SPECIAL', '10:00', '11:00', NULL, '2025-11-19', '2025-11-19');

-- The rows as stored: the capacities left out were filled with the window.
SELECT r.code, s.day_of_week, s.period, s.start_time, s.end_time,
       s.capacity_minutes, s.is_active, s.effective_from, s.effective_until
  FROM timepool.clinic_time_slots s JOIN timepool.resources r ON r.id = s.resource_id
 ORDER BY s.day_of_week, r.code, s.start_time, s.effective_from NULLS FIRST;

-- Monday 2025-11-17: one pool per weekly row, by resource code then start
-- time; total = capacity (defaulted or not), nothing booked yet.
SELECT * FROM pg_temp.pools('2025-11-17');

-- The pool's capacity, not its window, bounds a booking: LONG needs 150
-- minutes; DR_A's AFTERNOON has a 240-minute window but 120 minutes, DR_B's
-- MORNING has 200.
SELECT timepool.can_book('LONG', '2025-11-17', '13:00', 'DR_A') AS dr_a_afternoon,
       timepool.can_book('LONG', '2025-11-17', '08:00', 'DR_B') AS dr_b_morning;

-- EVENING takes bookings like any other period.
SELECT patient_name, period, start_time, end_time, status
  FROM timepool.book_service('CONSULT', '2025-11-17', '18:00', 'Eve Evening', p_resource => 'DR_A');
SELECT * FROM pg_temp.pools('2025-11-17') WHERE period = 'EVENING';

-- Saturday 2025-11-15: DR_A's only row is inactive, so DR_A has no pool;
-- DR_B's inactive EXTRA row is ignored too.
SELECT * FROM pg_temp.pools('2025-11-15');
SELECT timepool.can_book('CONSULT', '2025-11-15', '09:00', 'DR_A') AS dr_a_inactive_row,
       timepool.can_book('CONSULT', '2025-11-15', '12:00', 'DR_B') AS dr_b_extra_inactive;

-- Sunday 2025-11-16: no schedule at all: no rows, not an error.
SELECT count(*) AS pools FROM timepool.availability('2025-11-16');
SELECT timepool.can_book('CONSULT', '2025-11-16') AS sunday;

-- Schedule change on Tuesdays: before the change (2025-11-18) the old row,
-- at it (2025-11-25) and after it (2025-12-02) the new one.
SELECT * FROM pg_temp.pools('2025-11-18');
SELECT * FROM pg_temp.pools('2025-11-25');
SELECT * FROM pg_temp.pools('2025-12-02');
-- 08:30 is inside the old hours only.
SELECT timepool.can_book('CONSULT', '2025-11-18', '08:30', 'DR_B') AS before_change,
       timepool.can_book('CONSULT', '2025-11-25', '08:30', 'DR_B') AS at_change,
       timepool.can_book('CONSULT', '2025-11-25', '09:00', 'DR_B') AS at_change_new_hours;

-- A row effective on 2025-11-19 only: there that day, not a week before or
-- after.
SELECT * FROM pg_temp.pools('2025-11-12');
SELECT * FROM pg_temp.pools('2025-11-19');
SELECT * FROM pg_temp.pools('2025-11-26');

-- Deactivating a weekly row takes its pools away.
UPDATE timepool.clinic_time_slots SET is_active = false
 WHERE day_of_week = 3 AND period = 'SPECIAL';
SELECT count(*) AS pools FROM timepool.availability('2025-11-19');

---------------------------------------------------------------------------
-- Overrides (each case on its own Monday)
---------------------------------------------------------------------------

-- 2025-11-24: every resource closed all day (resource_id NULL, period
-- NULL).  Each pool keeps its row: total 0, remaining 0, utilization NULL.
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, reason)
VALUES (NULL, '2025-11-24', NULL, true, 'Clinic closed');
SELECT * FROM pg_temp.pools('2025-11-24');
SELECT timepool.can_book('CONSULT', '2025-11-24') AS closed_day;

-- 2025-12-01: MORNING closed for every resource, but DR_A has its own
-- MORNING row with special hours and capacity: the resource's row wins.
-- DR_A's other periods keep their weekly hours.
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES (NULL, '2025-12-01', 'MORNING', true, NULL, NULL, NULL),
       ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), '2025-12-01', 'MORNING', false, '10:00', '11:00', 45);
SELECT * FROM pg_temp.pools('2025-12-01');
-- The special hours replace the weekly ones: 09:00 is outside, a 30-minute
-- booking at 10:30 ends exactly at 11:00 and fits.
SELECT timepool.can_book('CONSULT', '2025-12-01', '09:00', 'DR_A') AS at_0900,
       timepool.can_book('CONSULT', '2025-12-01', '10:30', 'DR_A') AS at_1030,
       timepool.can_book('CONSULT', '2025-12-01', '10:31', 'DR_A') AS at_1031,
       timepool.can_book('CONSULT', '2025-12-01', '09:00', 'DR_B') AS dr_b_closed;

-- 2025-12-08: DR_A closed all day, except AFTERNOON, which DR_A's own
-- period row opens with other hours: a period row beats a whole-day row.
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), '2025-12-08', NULL, true, NULL, NULL, NULL),
       ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), '2025-12-08', 'AFTERNOON', false, '14:00', '16:00', 60);
SELECT * FROM pg_temp.pools('2025-12-08');

-- 2025-12-15: DR_A closed all day by its own row; an all-resources MORNING
-- row sets other hours.  Documented decision: the resource's own whole-day
-- closure beats the all-resources period row, so DR_A's MORNING stays
-- closed while DR_B's MORNING gets the new hours.  The all-resources row
-- also adds a NIGHT period: DR_B's is open, and DR_A's is listed, closed.
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), '2025-12-15', NULL, true, NULL, NULL, NULL),
       (NULL, '2025-12-15', 'MORNING', false, '08:00', '10:00', 100),
       (NULL, '2025-12-15', 'NIGHT', false, '21:00', '23:00', 60);
SELECT * FROM pg_temp.pools('2025-12-15');
SELECT timepool.can_book('CONSULT', '2025-12-15', '08:00', 'DR_A') AS dr_a_morning,
       timepool.can_book('CONSULT', '2025-12-15', '21:00', 'DR_A') AS dr_a_night,
       timepool.can_book('CONSULT', '2025-12-15', '08:00', 'DR_B') AS dr_b_morning,
       timepool.can_book('CONSULT', '2025-12-15', '21:00', 'DR_B') AS dr_b_night;

-- 2025-12-22: period rows for labels the weekly schedule does not have add
-- a period on that date: NIGHT for every resource (its capacity left out:
-- the window, 120), LATE for DR_B only.  Pools stay ordered by start time.
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES (NULL, '2025-12-22', 'NIGHT', false, '20:00', '22:00', NULL),
       ((SELECT id FROM timepool.resources WHERE code = 'DR_B'), '2025-12-22', 'LATE', false, '17:00', '19:00', 90);
SELECT * FROM pg_temp.pools('2025-12-22');
SELECT resource_id IS NULL AS all_resources, period, start_time, end_time, capacity_minutes
  FROM timepool.schedule_overrides WHERE date = '2025-12-22' ORDER BY period;
-- An added period takes bookings; it exists on that date only.
SELECT period, start_time, end_time
  FROM timepool.book_service('CONSULT', '2025-12-22', '17:30', 'Lee Late', p_resource => 'DR_B');
SELECT timepool.can_book('CONSULT', '2025-12-29', '17:30', 'DR_B') AS late_next_week;

-- 2025-12-29: every resource closed all day, but an all-resources EVENING
-- row (period row over whole-day row) and a DR_B MORNING row (resource row
-- over all-resources row) open those periods.
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES (NULL, '2025-12-29', NULL, true, NULL, NULL, NULL),
       (NULL, '2025-12-29', 'EVENING', false, '18:00', '19:00', 60),
       ((SELECT id FROM timepool.resources WHERE code = 'DR_B'), '2025-12-29', 'MORNING', false, '09:00', '10:00', 30);
SELECT * FROM pg_temp.pools('2025-12-29');

-- 2026-01-05: DR_A's MORNING moved to 17:00-18:00 for that date: pools are
-- ordered by their start time on the date, so it now comes after AFTERNOON.
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), '2026-01-05', 'MORNING', false, '17:00', '18:00', 60);
SELECT * FROM pg_temp.pools('2026-01-05');

-- Monday 2025-11-17 is still untouched by all of these.
SELECT * FROM pg_temp.pools('2025-11-17');

---------------------------------------------------------------------------
-- Closing a period that already holds reservations
---------------------------------------------------------------------------

-- Two bookings in DR_A's MORNING on 2025-11-17, then the period is closed
-- for that date.
SELECT patient_name, period, start_time, end_time, status
  FROM timepool.book_service('CONSULT', '2025-11-17', '09:00', 'Ann First', p_resource => 'DR_A');
SELECT patient_name, period, start_time, end_time, status
  FROM timepool.book_service('CONSULT', '2025-11-17', '10:00', 'Bob Second', p_resource => 'DR_A',
                             p_status => 'CONFIRMED');
SELECT * FROM pg_temp.pools('2025-11-17') WHERE resource = 'DR_A' AND period = 'MORNING';
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, reason)
VALUES ((SELECT id FROM timepool.resources WHERE code = 'DR_A'), '2025-11-17', 'MORNING', true, 'Training');
-- The reservations stay, and still count: booked 60, 2 reservations;
-- total and remaining 0, utilization NULL.
SELECT * FROM pg_temp.pools('2025-11-17');
SELECT count(*) AS kept FROM timepool.reservations
 WHERE reservation_date = '2025-11-17' AND period = 'MORNING' AND status IN ('PENDING', 'CONFIRMED');
SELECT timepool.can_book('CONSULT', '2025-11-17', '09:30', 'DR_A') AS dr_a_morning;

-- error: booking in the closed period is refused with TP002
SELECT id FROM timepool.book_service('CONSULT', '2025-11-17', '09:30', 'Cy Closed', p_resource => 'DR_A');
\echo sqlstate :SQLSTATE

-- error: a closed day refuses bookings with TP002 as well
SELECT id FROM timepool.book_service('CONSULT', '2025-11-24', '09:00', 'Dee Day');
\echo sqlstate :SQLSTATE

-- error: outside the special hours of 2025-12-01 (TP002, no period holds 09:00)
SELECT id FROM timepool.book_service('CONSULT', '2025-12-01', '09:00', 'Ed Early', p_resource => 'DR_A');
\echo sqlstate :SQLSTATE

-- error: the new Tuesday hours end at 11:00; 10:45 + 30 minutes runs past (TP002)
SELECT id FROM timepool.book_service('CONSULT', '2025-11-25', '10:45', 'Flo Late', p_resource => 'DR_B');
\echo sqlstate :SQLSTATE

-- Leave the tables empty for the suite that runs next.
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
