--
-- policy: the clinic's settings, its clock and the booking window
--
-- timepool.settings (one row, a valid time zone, ranges, INSERT replaces,
-- DELETE/TRUNCATE refused), the clinic clock (clinic_now, clinic_today,
-- timepool.now winning over timepool.today, the clinic's time zone rather
-- than the session's, the GUCs' checks and privileges), the minimum notice
-- (TP005 "too soon" / "in the past", a service's override), how far ahead
-- (TP005 "too far ahead", a service's override), the daily cap of a service
-- (TP006 from book_service and from the guard for plain INSERT/UPDATE), and
-- can_book() and availability(p_service => ...) agreeing with book_service
-- on every one of those rules.
--
-- "Today" is frozen at Friday 2025-11-14; 2025-11-15, 2025-11-22 and
-- 2025-11-29 are Saturdays (day_of_week 6), 2025-12-14 a Sunday and
-- 2025-12-15 a Monday.
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
-- the suites of a run share one database: start from empty tables and
-- fresh identities whatever ran before
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

---------------------------------------------------------------------------
-- set-up: DR_A and DR_B have MORNING 09:00-12:00 every day; DR_A also has
-- AFTERNOON 13:00-17:00 on Saturdays.
---------------------------------------------------------------------------
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves'), ('DR_B', 'Dr. Barros');
-- no clock limit: this suite tests the pool's minutes, which overlapping
-- bookings share (sql/clock.sql tests max_concurrent)
UPDATE timepool.resources SET max_concurrent = NULL;
INSERT INTO timepool.services
  (code, name, duration_minutes, min_notice_minutes, max_advance_days, daily_cap_minutes) VALUES
  ('BOTOX',  'Botox injection', 30, NULL, NULL, NULL),
  ('LONG',   'Long treatment', 100, NULL, NULL, NULL),
  ('QUICK',  'Quick check',     20, NULL, NULL, NULL),
  ('FAR',    'Far ahead',       30, NULL, NULL, NULL),
  ('CAPPED', 'Capped service',  40, NULL, NULL, 80),
  ('FREE',   'Uncapped',        40, NULL, NULL, NULL);
SELECT id AS dr_a FROM timepool.resources WHERE code = 'DR_A' \gset
SELECT id AS dr_b FROM timepool.resources WHERE code = 'DR_B' \gset
SELECT id AS capped FROM timepool.services WHERE code = 'CAPPED' \gset
SELECT id AS free FROM timepool.services WHERE code = 'FREE' \gset
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, 'MORNING', '09:00', '12:00'
  FROM timepool.resources r CROSS JOIN generate_series(0, 6) d;
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
VALUES (:dr_a, 6, 'AFTERNOON', '13:00', '17:00');

-- the columns of a reservation worth showing (no timestamps)
\set show 'id, (SELECT code FROM timepool.resources x WHERE x.id = b.resource_id) AS resource, service_code, required_minutes AS req, reservation_date, start_time, end_time, period, status, patient_name'

---------------------------------------------------------------------------
-- 1. settings: one row, always
---------------------------------------------------------------------------
-- the install made the row; its time zone (the server's) is a valid name
SELECT count(*) AS rows, min(id) AS id,
       bool_and(time_zone IN (SELECT name FROM pg_timezone_names)) AS time_zone_valid
  FROM timepool.settings;
-- known values for this suite
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365;
SELECT id, time_zone, min_notice_minutes, max_advance_days FROM timepool.settings;

-- the time zone must be a name of pg_timezone_names, exactly: 'UTC' is one,
-- 'utc' is not (the check compares names with =, case and all)
SELECT name FROM pg_timezone_names WHERE lower(name) IN ('utc', 'mars/olympus') ORDER BY name;
-- error: settings_time_zone_valid, a zone that does not exist
UPDATE timepool.settings SET time_zone = 'Mars/Olympus';
\echo :LAST_ERROR_SQLSTATE
-- error: settings_time_zone_valid, lower-case 'utc'
UPDATE timepool.settings SET time_zone = 'utc';
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: settings_time_zone_valid, empty
UPDATE timepool.settings SET time_zone = '';
-- error: settings_time_zone_valid, a POSIX offset is no zone name
UPDATE timepool.settings SET time_zone = '+03:00';
\set VERBOSITY default
-- the refusal is a check_violation naming its constraint, table and schema
DO $$
DECLARE
  st text; cn text; tn text; sn text;
BEGIN
  UPDATE timepool.settings SET time_zone = 'Mars/Olympus';
  RAISE NOTICE 'not refused';
EXCEPTION WHEN check_violation THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, cn = CONSTRAINT_NAME,
                          tn = TABLE_NAME, sn = SCHEMA_NAME;
  RAISE NOTICE 'sqlstate %, constraint %, table %.%', st, cn, sn, tn;
END
$$;
-- nothing changed
SELECT time_zone FROM timepool.settings;
-- a valid name is taken, and updated_at is set by the UPDATE
BEGIN;
UPDATE timepool.settings SET time_zone = 'Europe/Paris';
SELECT time_zone, updated_at = now() AS updated_at_now FROM timepool.settings;
COMMIT;

-- error: DELETE is refused (restrict_violation)
DELETE FROM timepool.settings;
\echo :LAST_ERROR_SQLSTATE
-- error: TRUNCATE is refused (restrict_violation)
TRUNCATE timepool.settings;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows FROM timepool.settings;

-- an INSERT replaces the values of the one row (pg_dump's data does this):
-- nothing is inserted, the row takes the new values
INSERT INTO timepool.settings (time_zone, min_notice_minutes, max_advance_days)
VALUES ('Asia/Tokyo', 15, 90);
SELECT count(*) AS rows, min(id) AS id, min(time_zone) AS time_zone,
       min(min_notice_minutes) AS notice, min(max_advance_days) AS advance
  FROM timepool.settings;
-- also with the id given, and the defaults of the columns left out
INSERT INTO timepool.settings (id, time_zone) VALUES (1, 'UTC');
SELECT id, time_zone, min_notice_minutes, max_advance_days FROM timepool.settings;
-- (terse: the DETAIL of a table CHECK shows updated_at)
\set VERBOSITY terse
-- error: settings_single_row, a row with another id
INSERT INTO timepool.settings (id, time_zone) VALUES (2, 'UTC');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- error: settings_time_zone_valid, an INSERT with a bad zone does not replace the row
INSERT INTO timepool.settings (time_zone, min_notice_minutes) VALUES ('Mars/Olympus', 5);
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse
-- error: settings_min_notice_range, an INSERT with a bad notice does not replace it either
INSERT INTO timepool.settings (time_zone, min_notice_minutes) VALUES ('UTC', -1);
\set VERBOSITY default
SELECT count(*) AS rows, min(time_zone) AS time_zone, min(min_notice_minutes) AS notice,
       min(max_advance_days) AS advance
  FROM timepool.settings;

-- the ranges: notice 0..525600 minutes, advance 0..3660 days
\set VERBOSITY terse
-- error: settings_min_notice_range, -1
UPDATE timepool.settings SET min_notice_minutes = -1;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: settings_min_notice_range, 525601
UPDATE timepool.settings SET min_notice_minutes = 525601;
-- error: min_notice_minutes is NOT NULL
UPDATE timepool.settings SET min_notice_minutes = NULL;
\set VERBOSITY terse
-- error: settings_max_advance_range, -1
UPDATE timepool.settings SET max_advance_days = -1;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: settings_max_advance_range, 3661
UPDATE timepool.settings SET max_advance_days = 3661;
-- error: max_advance_days is NOT NULL
UPDATE timepool.settings SET max_advance_days = NULL;
\set VERBOSITY default
-- error: time_zone NULL is refused by NOT NULL (23502), not by the zone check
\set VERBOSITY terse
UPDATE timepool.settings SET time_zone = NULL;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- the bounds themselves are accepted
UPDATE timepool.settings SET min_notice_minutes = 525600, max_advance_days = 3660;
SELECT min_notice_minutes, max_advance_days FROM timepool.settings;
UPDATE timepool.settings SET min_notice_minutes = 0, max_advance_days = 0;
SELECT min_notice_minutes, max_advance_days FROM timepool.settings;
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365;

---------------------------------------------------------------------------
-- 2. the clinic clock
---------------------------------------------------------------------------
-- timepool.now freezes the clinic's wall clock (settings.time_zone is UTC)
SET timepool.now = '2025-11-14 10:30';
SELECT timepool.clinic_today(),
       timepool.clinic_now() AT TIME ZONE 'UTC' AS clinic_now_utc;
-- timepool.now wins over timepool.today, whichever was set last
SET timepool.today = '2025-12-01';
SELECT timepool.clinic_today(),
       timepool.clinic_now() AT TIME ZONE 'UTC' AS clinic_now_utc;
-- without timepool.now, timepool.today is midnight of its date
RESET timepool.now;
SELECT timepool.clinic_today(),
       timepool.clinic_now() AT TIME ZONE 'UTC' AS clinic_now_utc;
-- with neither, now is the transaction's start in the clinic's time zone
RESET timepool.today;
SELECT timepool.clinic_now() = now() AS clinic_now_is_now,
       timepool.clinic_today() = (now() AT TIME ZONE 'UTC')::date AS clinic_today_in_utc;

-- the clinic's time zone decides, not the session's: the session is in
-- Kiritimati (UTC+14), the clinic in Pago Pago (UTC-11), 25 hours apart,
-- so the session's date is always one or two days after the clinic's
UPDATE timepool.settings SET time_zone = 'Pacific/Pago_Pago';
SET TimeZone = 'Pacific/Kiritimati';
SELECT timepool.clinic_today() = (now() AT TIME ZONE 'Pacific/Pago_Pago')::date AS clinic_today_in_pago_pago,
       timepool.clinic_today() <> current_date AS differs_from_session_date,
       current_date - timepool.clinic_today() IN (1, 2) AS session_one_or_two_days_ahead,
       timepool.clinic_now() = now() AS clinic_now_is_now;
-- the bookings follow the clinic's date: with 0 days ahead, the clinic's
-- today is the last bookable date, its tomorrow is too far ahead (whatever
-- the session's date); with 1 day ahead the clinic's tomorrow is bookable
UPDATE timepool.settings SET max_advance_days = 0;
SELECT timepool.can_book('BOTOX', timepool.clinic_today() + 1, '09:00') AS tomorrow_at_9,
       timepool.can_book('BOTOX', timepool.clinic_today() + 1) AS tomorrow,
       timepool.can_book('BOTOX', timepool.clinic_today() - 1) AS yesterday;
DO $$
BEGIN
  PERFORM timepool.book_service('BOTOX', timepool.clinic_today() + 1, '09:00', 'Tomorrow');
  RAISE NOTICE 'booked';
EXCEPTION WHEN SQLSTATE 'TP005' THEN
  RAISE NOTICE 'TP005, too far ahead: %', SQLERRM LIKE '% is too far ahead';
END
$$;
UPDATE timepool.settings SET max_advance_days = 1;
SELECT timepool.can_book('BOTOX', timepool.clinic_today() + 1, '09:00') AS tomorrow_at_9,
       timepool.can_book('BOTOX', timepool.clinic_today() + 2, '09:00') AS day_after_at_9;
SELECT resource, period, can_book
  FROM timepool.availability(timepool.clinic_today() + 1, 'MORNING', p_service => 'BOTOX');
-- a frozen wall clock is a time in the clinic's zone: 10:30 in Pago Pago is
-- 21:30 UTC and 11:30 the next day in Kiritimati
SET timepool.now = '2025-11-14 10:30';
SELECT timepool.clinic_today(),
       timepool.clinic_now() AT TIME ZONE 'UTC' AS clinic_now_utc,
       timepool.clinic_now() AS clinic_now_in_session_zone;
RESET timepool.now;
SET timepool.today = '2025-11-14';
SELECT timepool.clinic_today(),
       timepool.clinic_now() AT TIME ZONE 'UTC' AS clinic_now_utc;
RESET timepool.today;
RESET TimeZone;
UPDATE timepool.settings SET time_zone = 'UTC', max_advance_days = 365;

-- error: timepool.now is not a calendar date (month 13): 22023
SET timepool.now = '2025-13-01 10:00';
\echo :LAST_ERROR_SQLSTATE
-- error: timepool.now takes no words
SET timepool.now = 'tomorrow';
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: timepool.now without a time
SET timepool.now = '2025-11-14';
-- error: timepool.now at 24:00
SET timepool.now = '2025-11-14 24:00';
-- error: timepool.now on February 30th
SET timepool.now = '2025-02-30 10:00';
-- error: timepool.today on February 29th of a common year
SET timepool.today = '2025-02-29';
-- error: timepool.today with a time
SET timepool.today = '2025-11-14 10:00';
\set VERBOSITY default
-- the refused values left both unset
SHOW timepool.now;
SHOW timepool.today;

-- only superusers can set them: 42501
CREATE ROLE tp_policy_user NOLOGIN;
SET ROLE tp_policy_user;
-- error: timepool.now as a plain role
SET timepool.now = '2025-11-14 10:30';
\echo :LAST_ERROR_SQLSTATE
-- error: timepool.today as a plain role
SET timepool.today = '2000-01-01';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP ROLE tp_policy_user;
SHOW timepool.now;
SHOW timepool.today;

---------------------------------------------------------------------------
-- 3. minimum notice (Saturday 2025-11-15, now 08:30, 120 minutes' notice:
--    the earliest start is 10:30)
---------------------------------------------------------------------------
SET timepool.today = '2025-11-14';
UPDATE timepool.settings SET min_notice_minutes = 120;
SET timepool.now = '2025-11-15 08:30';
-- error: 10:00 is too soon (TP005)
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '10:00', 'Too Soon') b;
\echo :LAST_ERROR_SQLSTATE
-- error: 10:29 is still too soon
\set VERBOSITY sqlstate
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '10:29', 'Too Soon') b;
\set VERBOSITY default
-- 10:30 is exactly the notice
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '10:30', 'Notice Ok') b;
-- can_book agrees at both times
SELECT timepool.can_book('BOTOX', '2025-11-15', '10:00') AS at_1000,
       timepool.can_book('BOTOX', '2025-11-15', '10:29') AS at_1029,
       timepool.can_book('BOTOX', '2025-11-15', '10:30') AS at_1030,
       timepool.can_book('BOTOX', '2025-11-15') AS that_day;
-- availability: MORNING (09:00-12:00) can take a 30-minute BOTOX from 10:30
-- but not a 100-minute LONG (10:30 + 100 = 12:10); AFTERNOON can take both
SELECT resource, period, remaining_minutes, service, required_minutes, can_book
  FROM timepool.availability('2025-11-15', p_service => 'BOTOX');
SELECT resource, period, remaining_minutes, service, required_minutes, can_book
  FROM timepool.availability('2025-11-15', p_service => 'LONG');
SELECT timepool.can_book('LONG', '2025-11-15', '10:30') AS long_at_1030,
       timepool.can_book('LONG', '2025-11-15', '13:00') AS long_at_1300,
       timepool.can_book('LONG', '2025-11-15') AS long_that_day;
-- error: LONG at 09:00 would fit MORNING's window, but is too soon
SELECT :show FROM timepool.book_service('LONG', '2025-11-15', '09:00', 'Too Soon') b;
\echo :LAST_ERROR_SQLSTATE
-- the next day is not limited by the notice
SELECT timepool.can_book('BOTOX', '2025-11-16', '09:00') AS sunday_at_0900;

-- a service's own notice wins over the clinic's: QUICK with 0 minutes
-- books at 09:00, half an hour from now
UPDATE timepool.services SET min_notice_minutes = 0 WHERE code = 'QUICK';
SELECT timepool.can_book('QUICK', '2025-11-15', '09:00') AS quick_at_0900;
SELECT :show FROM timepool.book_service('QUICK', '2025-11-15', '09:00', 'Quick Ok') b;
-- error: with no notice, 08:00 has passed: in the past (TP005), which is
-- checked before the schedule (no period holds 08:00)
SELECT :show FROM timepool.book_service('QUICK', '2025-11-15', '08:00', 'Quick Past') b;
\echo :LAST_ERROR_SQLSTATE
-- and a longer notice than the clinic's: QUICK with 180 minutes
UPDATE timepool.services SET min_notice_minutes = 180 WHERE code = 'QUICK';
-- error: 11:00 is enough for the clinic, too soon for QUICK
SELECT :show FROM timepool.book_service('QUICK', '2025-11-15', '11:00', 'Quick Late') b;
\echo :LAST_ERROR_SQLSTATE
SELECT timepool.can_book('QUICK', '2025-11-15', '11:00') AS quick_at_1100,
       timepool.can_book('QUICK', '2025-11-15', '11:30') AS quick_at_1130;
UPDATE timepool.services SET min_notice_minutes = NULL WHERE code = 'QUICK';

-- a notice that runs past midnight: at 23:00 with 120 minutes, nothing is
-- left today and the next day is open from 01:00
SET timepool.now = '2025-11-15 23:00';
-- error: 16:00 (AFTERNOON) has passed; with a notice the refusal says too
-- soon and names the earliest start, the next day at 01:00
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '16:00', 'Late Night') b;
\echo :LAST_ERROR_SQLSTATE
SELECT resource, period, can_book
  FROM timepool.availability('2025-11-15', p_service => 'BOTOX');
SELECT timepool.can_book('BOTOX', '2025-11-15') AS saturday,
       timepool.can_book('BOTOX', '2025-11-16', '09:00') AS sunday_at_0900;

-- with no notice, a time that has passed today is "in the past", and now
-- itself is allowed (now 10:00)
UPDATE timepool.settings SET min_notice_minutes = 0;
SET timepool.now = '2025-11-15 10:00';
-- error: 09:30 has passed (TP005)
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '09:30', 'Passed') b;
\echo :LAST_ERROR_SQLSTATE
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '10:00', 'Right Now') b;
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:30') AS at_0930,
       timepool.can_book('BOTOX', '2025-11-15', '10:00') AS at_1000;
-- a clock between two minutes: the next whole minute is the first start
SET timepool.now = '2025-11-15 09:59:30';
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:59') AS at_0959,
       timepool.can_book('BOTOX', '2025-11-15', '10:00') AS at_1000;
-- error: 09:59 is in the past at 09:59:30
\set VERBOSITY sqlstate
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '09:59', 'Passed') b;
\set VERBOSITY default
-- error: a date before today is in the past (timepool.now says today is
-- 2025-11-15, whatever timepool.today says)
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-14', '11:00', 'Yesterday') b;
\echo :LAST_ERROR_SQLSTATE
RESET timepool.now;

---------------------------------------------------------------------------
-- 4. how far ahead (today Friday 2025-11-14, 30 days ahead: the last
--    bookable date is Sunday 2025-12-14)
---------------------------------------------------------------------------
UPDATE timepool.settings SET max_advance_days = 30;
SELECT timepool.clinic_today(), timepool.clinic_today() + 30 AS last_date;
-- the 30th day ahead
SELECT :show FROM timepool.book_service('BOTOX', '2025-12-14', '09:00', 'Day 30') b;
-- error: the 31st day ahead (TP005)
SELECT :show FROM timepool.book_service('BOTOX', '2025-12-15', '09:00', 'Day 31') b;
\echo :LAST_ERROR_SQLSTATE
SELECT timepool.can_book('BOTOX', '2025-12-14', '09:00') AS day_30,
       timepool.can_book('BOTOX', '2025-12-15', '09:00') AS day_31,
       timepool.can_book('BOTOX', '2025-12-14') AS day_30_any,
       timepool.can_book('BOTOX', '2025-12-15') AS day_31_any;
SELECT date, resource, period, remaining_minutes, can_book
  FROM timepool.availability('2025-12-14', p_service => 'BOTOX')
UNION ALL
SELECT date, resource, period, remaining_minutes, can_book
  FROM timepool.availability('2025-12-15', p_service => 'BOTOX')
 ORDER BY 1, 2, 3;
-- a service's own limit wins: FAR can be booked 60 days ahead
UPDATE timepool.services SET max_advance_days = 60 WHERE code = 'FAR';
SELECT :show FROM timepool.book_service('FAR', '2025-12-15', '09:00', 'Far 31') b;
SELECT timepool.can_book('FAR', '2025-12-15', '09:00') AS far_day_31,
       timepool.can_book('FAR', '2026-01-13', '09:00') AS far_day_60,
       timepool.can_book('FAR', '2026-01-14', '09:00') AS far_day_61;
SELECT date, resource, period, can_book
  FROM timepool.availability('2026-01-13', p_service => 'FAR')
UNION ALL
SELECT date, resource, period, can_book
  FROM timepool.availability('2026-01-14', p_service => 'FAR')
 ORDER BY 1, 2, 3;
SELECT :show FROM timepool.book_service('FAR', '2026-01-13', '09:00', 'Far 60') b;
-- error: and its 61st day is too far ahead for it
SELECT :show FROM timepool.book_service('FAR', '2026-01-14', '09:00', 'Far 61') b;
\echo :LAST_ERROR_SQLSTATE
-- a shorter limit than the clinic's: FAR with 0 days only books today
UPDATE timepool.services SET max_advance_days = 0 WHERE code = 'FAR';
\set VERBOSITY sqlstate
-- error: tomorrow is too far ahead for FAR
SELECT :show FROM timepool.book_service('FAR', '2025-11-15', '09:00', 'Far 1') b;
\set VERBOSITY default
SELECT timepool.can_book('FAR', '2025-11-14', '09:00') AS far_today,
       timepool.can_book('FAR', '2025-11-15', '09:00') AS far_tomorrow;
UPDATE timepool.services SET max_advance_days = NULL WHERE code = 'FAR';
UPDATE timepool.settings SET max_advance_days = 365;

---------------------------------------------------------------------------
-- 5. daily cap: CAPPED (40 minutes) may hold at most 80 minutes a day,
--    across all resources (Saturday 2025-11-22)
---------------------------------------------------------------------------
SELECT :show FROM timepool.book_service('CAPPED', '2025-11-22', '09:00', 'Cap 1', p_resource => 'DR_A') b;
SELECT :show FROM timepool.book_service('CAPPED', '2025-11-22', '09:00', 'Cap 2', p_resource => 'DR_B') b;
-- error: a third on either resource breaks the cap (TP006)
SELECT :show FROM timepool.book_service('CAPPED', '2025-11-22', '10:00', 'Cap 3', p_resource => 'DR_A') b;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: on DR_B, in AFTERNOON, or without a resource: the same
SELECT :show FROM timepool.book_service('CAPPED', '2025-11-22', '10:00', 'Cap 3', p_resource => 'DR_B') b;
SELECT :show FROM timepool.book_service('CAPPED', '2025-11-22', '13:00', 'Cap 3') b;
SELECT :show FROM timepool.book_service('CAPPED', '2025-11-22', '10:00', 'Cap 3') b;
\set VERBOSITY default
-- the pools still have room: the cap, not the capacity, refuses
SELECT resource, period, remaining_minutes, required_minutes, can_book
  FROM timepool.availability('2025-11-22', p_service => 'CAPPED');
SELECT timepool.can_book('CAPPED', '2025-11-22', '10:00') AS at_1000,
       timepool.can_book('CAPPED', '2025-11-22', '10:00', 'DR_B') AS at_1000_dr_b,
       timepool.can_book('CAPPED', '2025-11-22') AS that_day;
-- another date is not affected
SELECT timepool.can_book('CAPPED', '2025-11-29', '09:00') AS other_date;
SELECT :show FROM timepool.book_service('CAPPED', '2025-11-29', '09:00', 'Cap Other Day') b;
-- another service is not capped: FREE (40 minutes, no cap) books four times
SELECT count(*) AS free_booked FROM (
  SELECT timepool.book_service('FREE', '2025-11-22', '10:00', 'Free ' || n, p_resource => r)
    FROM (VALUES (1, 'DR_A'), (2, 'DR_A'), (3, 'DR_B'), (4, 'DR_B')) v(n, r)) x;
SELECT service_code, sum(required_minutes) AS minutes, count(*)
  FROM timepool.reservations
 WHERE reservation_date = '2025-11-22' AND status NOT IN ('CANCELLED', 'REJECTED')
 GROUP BY 1 ORDER BY 1;
-- cancelling one frees its minutes for the cap
SELECT id AS cap1 FROM timepool.reservations WHERE patient_name = 'Cap 1' \gset
SELECT status FROM timepool.cancel_reservation(:cap1, 'moved');
SELECT timepool.can_book('CAPPED', '2025-11-22', '10:00') AS at_1000,
       timepool.can_book('CAPPED', '2025-11-22') AS that_day;
SELECT resource, period, can_book
  FROM timepool.availability('2025-11-22', p_service => 'CAPPED');
SELECT :show FROM timepool.book_service('CAPPED', '2025-11-22', '10:00', 'Cap 3') b;
SELECT timepool.can_book('CAPPED', '2025-11-22') AS that_day_again;

-- the guard holds plain DML to the cap too (80 of 80 are booked again)
-- error: a plain INSERT (TP006)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :capped, '2025-11-22', '11:00', 'Plain Insert');
\echo :LAST_ERROR_SQLSTATE
-- error: moving the reservation of 2025-11-29 to the capped date
UPDATE timepool.reservations SET reservation_date = '2025-11-22'
 WHERE patient_name = 'Cap Other Day';
\echo :LAST_ERROR_SQLSTATE
-- error: reviving the cancelled one
UPDATE timepool.reservations SET status = 'PENDING' WHERE id = :cap1;
\echo :LAST_ERROR_SQLSTATE
-- error: turning a FREE reservation of that date into a CAPPED one
UPDATE timepool.reservations SET service_id = :capped WHERE patient_name = 'Free 1';
\echo :LAST_ERROR_SQLSTATE
-- error: a multi-row INSERT on a free date: the second row breaks the cap
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :capped, '2025-12-06', '09:00', 'Multi 1'),
       (:dr_b, :capped, '2025-12-06', '09:00', 'Multi 2'),
       (:dr_b, :capped, '2025-12-06', '10:00', 'Multi 3');
\echo :LAST_ERROR_SQLSTATE
-- nothing of that was written
SELECT patient_name, reservation_date, status, service_code
  FROM timepool.reservations
 WHERE service_id = :capped OR patient_name IN ('Free 1', 'Plain Insert')
 ORDER BY id;
-- changes that add no minutes of the service to the date pass: a move to
-- the other resource on the same date, a new time, a status change
UPDATE timepool.reservations SET resource_id = :dr_a WHERE patient_name = 'Cap 2';
UPDATE timepool.reservations SET start_time = '11:00' WHERE patient_name = 'Cap 2';
SELECT status FROM timepool.set_reservation_status(
  (SELECT id FROM timepool.reservations WHERE patient_name = 'Cap 3'), 'CONFIRMED');
-- and plain DML within the cap passes (2025-11-29 holds 40 of 80)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_b, :capped, '2025-11-29', '09:00', 'Plain Ok');
SELECT (SELECT code FROM timepool.resources x WHERE x.id = r.resource_id) AS resource,
       patient_name, reservation_date, start_time, end_time, period, status
  FROM timepool.reservations r
 WHERE service_id = :capped AND status NOT IN ('CANCELLED', 'REJECTED')
 ORDER BY reservation_date, patient_name;
-- lowering the cap below what is booked keeps the bookings, refuses more
UPDATE timepool.services SET daily_cap_minutes = 40 WHERE code = 'CAPPED';
-- error: 2025-11-29 now has 80 of 40 (the detail shows both)
SELECT :show FROM timepool.book_service('CAPPED', '2025-11-29', '10:00', 'Cap Lowered') b;
\echo :LAST_ERROR_SQLSTATE
SELECT timepool.can_book('CAPPED', '2025-11-29') AS capped_that_day,
       timepool.can_book('CAPPED', '2025-12-06') AS capped_free_day;
-- over the lowered cap, moving a reservation within its date (to the other
-- resource, another time) adds no minutes of the service: accepted
UPDATE timepool.reservations
   SET resource_id = CASE WHEN resource_id = :dr_a THEN :dr_b ELSE :dr_a END, start_time = '11:00'
 WHERE id = (SELECT min(id) FROM timepool.reservations
              WHERE service_id = :capped AND reservation_date = '2025-11-29'
                AND status NOT IN ('CANCELLED', 'REJECTED'))
RETURNING start_time, period, status;
-- error: but a longer one adds minutes: TP006
UPDATE timepool.reservations SET duration_minutes = 41, required_minutes = 41
 WHERE id = (SELECT min(id) FROM timepool.reservations
              WHERE service_id = :capped AND reservation_date = '2025-11-29'
                AND status NOT IN ('CANCELLED', 'REJECTED'));
\echo :LAST_ERROR_SQLSTATE
-- without a cap the service is not limited
UPDATE timepool.services SET daily_cap_minutes = NULL WHERE code = 'CAPPED';
SELECT :show FROM timepool.book_service('CAPPED', '2025-11-22', '10:00', 'Cap Lifted', p_resource => 'DR_B') b;
SELECT sum(required_minutes) AS capped_minutes_on_1122
  FROM timepool.reservations
 WHERE service_id = :capped AND reservation_date = '2025-11-22'
   AND status NOT IN ('CANCELLED', 'REJECTED');

---------------------------------------------------------------------------
-- 5b. notice across a DST change is elapsed time, also on a frozen clock:
-- Europe/Paris springs forward at 02:00 on 2026-03-29 (01:30 + 120 minutes
-- = 04:30) and falls back at 03:00 on 2026-10-25 (01:30 + 120 = 02:30)
---------------------------------------------------------------------------
UPDATE timepool.settings SET time_zone = 'Europe/Paris', min_notice_minutes = 120, max_advance_days = 3660;
SET timepool.now = '2026-03-29 01:30';
-- the pool starts at midnight for this block
UPDATE timepool.clinic_time_slots SET start_time = '00:00' WHERE period = 'MORNING';
SELECT timepool.can_book('BOTOX', '2026-03-29', '03:30') AS at_0330_spring,
       timepool.can_book('BOTOX', '2026-03-29', '04:29') AS at_0429_spring,
       timepool.can_book('BOTOX', '2026-03-29', '04:30') AS at_0430_spring;
SET timepool.now = '2026-10-25 01:30';
SELECT timepool.can_book('BOTOX', '2026-10-25', '02:29') AS at_0229_autumn,
       timepool.can_book('BOTOX', '2026-10-25', '02:30') AS at_0230_autumn;
UPDATE timepool.clinic_time_slots SET start_time = '09:00' WHERE period = 'MORNING';
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365;
RESET timepool.now;

---------------------------------------------------------------------------
-- 6. the session's time zone does not change the rules: the notice checks
--    of block 3, with the clinic in Sao Paulo (UTC-3) and the session in
--    Tokyo (UTC+9), give the same results
---------------------------------------------------------------------------
UPDATE timepool.settings SET time_zone = 'America/Sao_Paulo', min_notice_minutes = 120;
SET TimeZone = 'Asia/Tokyo';
SET timepool.now = '2025-11-15 08:30';
SELECT timepool.clinic_today(),
       timepool.clinic_now() AT TIME ZONE 'America/Sao_Paulo' AS clinic_wall_clock;
-- error: 10:00 is too soon (TP005)
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '10:00', 'Tokyo Too Soon') b;
\echo :LAST_ERROR_SQLSTATE
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '10:30', 'Tokyo Ok') b;
SELECT timepool.can_book('BOTOX', '2025-11-15', '10:00') AS at_1000,
       timepool.can_book('BOTOX', '2025-11-15', '10:29') AS at_1029,
       timepool.can_book('BOTOX', '2025-11-15', '10:30') AS at_1030;
SELECT resource, period, service, can_book
  FROM timepool.availability('2025-11-15', p_service => 'LONG');
-- with no notice, 09:30 has passed and 10:00 is now
UPDATE timepool.settings SET min_notice_minutes = 0;
SET timepool.now = '2025-11-15 10:00';
-- error: 09:30 has passed (TP005)
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '09:30', 'Tokyo Passed') b;
\echo :LAST_ERROR_SQLSTATE
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:30') AS at_0930,
       timepool.can_book('BOTOX', '2025-11-15', '10:00') AS at_1000;
RESET timepool.now;
RESET TimeZone;

---------------------------------------------------------------------------
-- clean up for the suites that follow
---------------------------------------------------------------------------
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365;
SELECT id, time_zone, min_notice_minutes, max_advance_days FROM timepool.settings;
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
