-- worked_example: the clinic day from the README, step by step.
--
-- One doctor; all seven days have MORNING 09:00-12:00 (180 minutes) and
-- AFTERNOON 13:00-18:00 (300 minutes).  BOTOX takes 40 minutes and
-- SKIN_CARE 70, both without buffer, and both draw on the same pool.
-- On Saturday 2025-11-15: BOTOX at 09:00, 09:45 and 10:30 leave 140, 100
-- and 60 minutes; a second BOTOX at 09:00 is refused with TP007 (one
-- patient at a time), as is SKIN_CARE at 10:50; BOTOX at 11:15 is accepted
-- and leaves 20; the afternoon still has 300 minutes and every service can
-- be booked there.
--
-- "Today" is frozen at 2025-11-14 with the superuser-only setting
-- timepool.today, so the date stays in the future; the last block shows
-- that an ordinary role cannot set it.

-- the suites of one run share a database: start from empty tables
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
SET timepool.today = '2025-11-14';
SET datestyle = 'ISO, YMD';

INSERT INTO timepool.resources (code, name) VALUES ('DR_KIM', 'Dr. Kim');

INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, p.period, p.start_time, p.end_time
  FROM timepool.resources r,
       generate_series(0, 6) AS d,
       (VALUES ('MORNING', time '09:00', time '12:00'),
               ('AFTERNOON', time '13:00', time '18:00')) AS p(period, start_time, end_time)
 WHERE r.code = 'DR_KIM';

-- capacity defaults to the window's length
SELECT day_of_week, period, start_time, end_time, capacity_minutes
  FROM timepool.clinic_time_slots ORDER BY day_of_week, start_time;

INSERT INTO timepool.services (code, name, duration_minutes, display_order)
VALUES ('BOTOX', 'Botox', 40, 1),
       ('SKIN_CARE', 'Skin care', 70, 2);

SELECT code, name, required_minutes FROM timepool.bookable_services;

-- the empty day
SELECT * FROM timepool.availability('2025-11-15');

-- BOTOX at 09:00 leaves 140
SELECT service_code, reservation_date, start_time, end_time, period, required_minutes, status
  FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Patient 1');
SELECT period, total_minutes, booked_minutes, remaining_minutes, reservation_count, utilization
  FROM timepool.availability('2025-11-15');

-- BOTOX at 09:45 leaves 100
SELECT service_code, start_time, end_time, period
  FROM timepool.book_service('BOTOX', '2025-11-15', '09:45', 'Patient 2');
SELECT period, total_minutes, booked_minutes, remaining_minutes, reservation_count, utilization
  FROM timepool.availability('2025-11-15');

-- BOTOX at 10:30 leaves 60
SELECT service_code, start_time, end_time, period
  FROM timepool.book_service('BOTOX', '2025-11-15', '10:30', 'Patient 3');
SELECT period, total_minutes, booked_minutes, remaining_minutes, reservation_count, utilization
  FROM timepool.availability('2025-11-15');

-- a second BOTOX at 09:00: 60 minutes are left, but Dr. Kim sees one
-- patient at a time and is with Patient 1 until 09:40: refused with TP007
SELECT service_code FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Patient 1b');
\echo SQLSTATE :LAST_ERROR_SQLSTATE

-- SKIN_CARE at 10:50 would run into the 10:30 BOTOX (and needs 70 of the
-- 60 left): the taken time refuses it, TP007, nothing booked
SELECT * FROM timepool.availability('2025-11-15', p_service => 'SKIN_CARE');
SELECT service_code FROM timepool.book_service('SKIN_CARE', '2025-11-15', '10:50', 'Patient 4');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT period, total_minutes, booked_minutes, remaining_minutes, reservation_count, utilization
  FROM timepool.availability('2025-11-15');

-- BOTOX at 11:15 fits (ends 11:55) and leaves 20
SELECT service_code, start_time, end_time, period
  FROM timepool.book_service('BOTOX', '2025-11-15', '11:15', 'Patient 5');
SELECT * FROM timepool.availability('2025-11-15', p_service => 'BOTOX');

-- the afternoon still has 300 minutes, and every service can be booked there
SELECT s.code, a.period, a.remaining_minutes, a.required_minutes, a.can_book
  FROM timepool.bookable_services s,
       LATERAL timepool.availability('2025-11-15', p_period => 'AFTERNOON', p_service => s.code) a
 ORDER BY s.display_order;
SELECT code,
       timepool.can_book(code, '2025-11-15', '13:00') AS at_13_00,
       timepool.can_book(code, '2025-11-15', '11:15') AS at_11_15
  FROM timepool.bookable_services ORDER BY display_order;

-- the doctor's day: 160 of 480 minutes booked
SELECT sum(total_minutes) AS total, sum(booked_minutes) AS booked,
       sum(remaining_minutes) AS remaining
  FROM timepool.availability('2025-11-15');

-- the past-date rule still holds for everyone: the day before "today" is refused
SELECT service_code FROM timepool.book_service('BOTOX', '2025-11-13', '09:00', 'Late');
\echo SQLSTATE :LAST_ERROR_SQLSTATE

-- and only a superuser can move "today"
CREATE ROLE tp_worked_example_user;
SET ROLE tp_worked_example_user;
SET timepool.today = '2000-01-01';
RESET ROLE;
DROP ROLE tp_worked_example_user;
SHOW timepool.today;
