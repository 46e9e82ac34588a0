--
-- dst: wall-clock times on the days the clinic's clocks change.
--
-- America/New_York springs forward on 2027-03-14 (02:00 becomes 03:00: the
-- minutes 02:00-02:59 do not exist) and falls back on 2027-11-07 (01:00-01:59
-- happen twice).  A booking that starts or runs in the skipped hour is
-- refused with TP002; can_book() and availability() agree; every minute of
-- the fall-back day can be booked.
--
SET timepool.today = '2027-03-01';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
UPDATE timepool.settings SET time_zone = 'America/New_York', min_notice_minutes = 0, max_advance_days = 365;

INSERT INTO timepool.resources (code, name) VALUES ('DR_N', 'Night doctor');
-- this suite tests the pools' minutes; sql/clock.sql tests the clock limit
UPDATE timepool.resources SET max_concurrent = NULL;
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BOTOX', 'Botox', 40), ('SHORT', 'Short', 20);
-- NIGHT 00:00-06:00 on both Sundays
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time)
SELECT id, d, 'NIGHT', '00:00', '06:00' FROM timepool.resources,
       (VALUES (date '2027-03-13'), (date '2027-03-14'), (date '2027-11-07')) AS v(d);
-- and an override that lies in the skipped hour
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time)
SELECT id, '2027-03-14', 'GAP', '02:00', '03:00' FROM timepool.resources;

-- error: 02:40 does not exist on 2027-03-14 (TP002)
SELECT id FROM timepool.book_service('BOTOX', '2027-03-14', '02:40', 'Ann');
\echo :LAST_ERROR_SQLSTATE
-- error: 01:30 + 40 minutes runs into the skipped hour (TP002)
SELECT id FROM timepool.book_service('BOTOX', '2027-03-14', '01:30', 'Ann');
\echo :LAST_ERROR_SQLSTATE
-- error: a plain INSERT into the skipped hour (TP002)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (1, 1, '2027-03-14', '02:00', 'Bob');
\echo :LAST_ERROR_SQLSTATE
-- ending exactly at 02:00, the instant the clocks jump, is fine; so is 03:00
SELECT start_time, end_time, period FROM timepool.book_service('SHORT', '2027-03-14', '01:40', 'Cy');
SELECT start_time, end_time, period FROM timepool.book_service('BOTOX', '2027-03-14', '03:00', 'Di');
-- a plain UPDATE that moves a booking into the hour is refused too (TP002)
UPDATE timepool.reservations SET start_time = '02:20' WHERE patient_name = 'Di';
\echo :LAST_ERROR_SQLSTATE

-- can_book agrees, at a time and for the day
SELECT t, timepool.can_book('BOTOX', '2027-03-14', t) AS can_book
  FROM (VALUES (time '01:00'), ('01:30'), ('02:00'), ('02:40'), ('03:00'), ('05:20')) AS v(t);
-- availability: GAP (02:00-03:00, only skipped minutes) takes nothing,
-- NIGHT still takes BOTOX around the hour
SELECT period, start_time, end_time, remaining_minutes, can_book
  FROM timepool.availability('2027-03-14', p_service => 'BOTOX');
-- the day before, with the same NIGHT, 02:40 is a time like any other
SELECT timepool.can_book('BOTOX', '2027-03-13', '02:40', 'DR_N') AS day_before;

-- the fall-back day: 01:00-01:59 happens twice; every wall-clock minute can
-- be booked, and a booking across the repeated hour is as long on the clock
SELECT start_time, end_time FROM timepool.book_service('BOTOX', '2027-11-07', '01:30', 'Ed', p_resource => 'DR_N');
SELECT start_time, end_time FROM timepool.book_service('BOTOX', '2027-11-07', '00:50', 'Flo', p_resource => 'DR_N');
SELECT period, booked_minutes FROM timepool.availability('2027-11-07');

-- the same date in a zone without DST: 02:40 is a time like any other
UPDATE timepool.settings SET time_zone = 'Asia/Tokyo';
SELECT start_time, end_time FROM timepool.book_service('BOTOX', '2027-03-14', '02:40', 'Gil');

-- a gap that begins the evening before: Toronto's clocks went from 23:30 on
-- 1919-03-30 to 00:30 on 1919-03-31, so 00:00-00:29 of the 31st do not
-- exist (a DBA's plain INSERT of history is checked against the clock too)
UPDATE timepool.settings SET time_zone = 'America/Toronto';
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time)
SELECT id, d, 'NIGHT', '00:00', '06:00' FROM timepool.resources, (VALUES (date '1919-03-30'), (date '1919-03-31')) AS v(d);
-- error: TP002, 00:10 on 1919-03-31
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (1, 1, '1919-03-31', '00:10', 'Hal');
\echo :LAST_ERROR_SQLSTATE
-- 00:30 exists
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (1, 1, '1919-03-31', '00:30', 'Ida') RETURNING start_time, end_time;

UPDATE timepool.settings SET time_zone = 'UTC';
