--
-- availability: timepool.availability(p_date, p_period, p_service,
-- p_resource) and timepool.can_book(p_service, p_date, p_time, p_resource).
--
-- Covered: the columns and their order, one row per pool ordered by
-- resource code then start time, inactive resources left out, the p_period,
-- p_resource and p_service filters and named-argument calls, booked minutes
-- counting every status but CANCELLED and REJECTED, utilization (2 decimals,
-- NULL when total is 0), remaining never below 0 for an over-full pool,
-- can_book with and without a time agreeing with availability's can_book,
-- past dates, buffer minutes in the required minutes, and the errors
-- (TP003, TP005, 22004, 22023).
--
-- "today" is frozen at Friday 2025-11-14; 2025-11-17 is a Monday,
-- 2025-11-10 the Monday before (past), 2025-11-07 the Friday before (past).
--
SET timepool.today = '2025-11-14';
SET datestyle = 'ISO, YMD';

-- pg_regress runs every suite of one invocation in the same database: start
-- from empty tables and fresh identities whatever ran before.
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

-- Resources inserted out of code order: the output is ordered by code.
-- DELTA is inactive.
INSERT INTO timepool.resources (code, name, is_active) VALUES
  ('CHARLIE', 'Room C', true),
  ('ALPHA', 'Room A', true),
  ('DELTA', 'Room D', false),
  ('BRAVO', 'Room B', true);
-- this suite tests the pools' minutes; sql/clock.sql tests the clock limit
UPDATE timepool.resources SET max_concurrent = NULL;

-- CHECKUP takes 20 minutes plus a 10-minute buffer: it requires 30.
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price, is_active, deleted_at) VALUES
  ('CONSULT', 'Consultation', 30, 0, 50.00, true, NULL),
  ('CHECKUP', 'Check-up', 20, 10, 35.00, true, NULL),
  ('SHORT', 'Short visit', 25, 0, NULL, true, NULL),
  ('LONG', 'Long session', 90, 0, NULL, true, NULL),
  ('BIG', 'Big session', 150, 0, NULL, true, NULL),
  ('OLD', 'Retired service', 30, 0, NULL, false, NULL),
  ('GONE', 'Deleted service', 30, 0, NULL, true, '2025-01-01 00:00+00');

-- Monday (1) pools, and ALPHA on Friday (5).
INSERT INTO timepool.clinic_time_slots
  (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
VALUES
  ((SELECT id FROM timepool.resources WHERE code = 'ALPHA'),   1, 'MORNING',   '09:00', '12:00', NULL),
  ((SELECT id FROM timepool.resources WHERE code = 'ALPHA'),   1, 'AFTERNOON', '13:00', '15:00', 100),
  ((SELECT id FROM timepool.resources WHERE code = 'BRAVO'),   1, 'MORNING',   '08:00', '11:00', 120),
  ((SELECT id FROM timepool.resources WHERE code = 'CHARLIE'), 1, 'AFTERNOON', '14:00', '16:00', 55),
  ((SELECT id FROM timepool.resources WHERE code = 'DELTA'),   1, 'MORNING',   '09:00', '12:00', NULL),
  ((SELECT id FROM timepool.resources WHERE code = 'ALPHA'),   5, 'MORNING',   '09:00', '12:00', NULL);

---------------------------------------------------------------------------
-- Rows, columns, order and filters
---------------------------------------------------------------------------

-- Every column; without p_service, service, required_minutes and can_book
-- are NULL.  One row per pool, by resource code then start time; DELTA is
-- inactive and left out.
SELECT * FROM timepool.availability('2025-11-17');

-- p_period
SELECT resource, period, start_time FROM timepool.availability(p_date => '2025-11-17', p_period => 'MORNING');
-- p_resource
SELECT resource, period, start_time FROM timepool.availability(p_date => '2025-11-17', p_resource => 'ALPHA');
-- both
SELECT resource, period, start_time
  FROM timepool.availability(p_date => '2025-11-17', p_period => 'AFTERNOON', p_resource => 'ALPHA');
-- a period nobody has, and a resource without that period: no rows
SELECT count(*) AS night FROM timepool.availability(p_date => '2025-11-17', p_period => 'NIGHT');
SELECT count(*) AS charlie_morning
  FROM timepool.availability(p_date => '2025-11-17', p_period => 'MORNING', p_resource => 'CHARLIE');
-- p_service: service, required_minutes and can_book filled in
SELECT resource, period, remaining_minutes, service, required_minutes, can_book
  FROM timepool.availability(p_date => '2025-11-17', p_service => 'CONSULT');
-- positional call with every argument
SELECT resource, period, service, required_minutes, can_book
  FROM timepool.availability('2025-11-17', 'MORNING', 'LONG', 'BRAVO');

---------------------------------------------------------------------------
-- Booked minutes by status
---------------------------------------------------------------------------

-- Six 30-minute bookings fill ALPHA's MORNING (180 minutes).
SELECT patient_name, period, start_time, end_time, status, required_minutes
  FROM timepool.book_service('CONSULT', '2025-11-17', '09:00', 'P1', p_resource => 'ALPHA');
SELECT patient_name, period, start_time, end_time, status, required_minutes
  FROM timepool.book_service('CONSULT', '2025-11-17', '09:30', 'P2', p_resource => 'ALPHA', p_status => 'CONFIRMED');
SELECT patient_name, period, start_time, end_time, status, required_minutes
  FROM timepool.book_service('CONSULT', '2025-11-17', '10:00', 'P3', p_resource => 'ALPHA', p_status => 'CONFIRMED');
SELECT patient_name, period, start_time, end_time, status, required_minutes
  FROM timepool.book_service('CONSULT', '2025-11-17', '10:30', 'P4', p_resource => 'ALPHA', p_status => 'CONFIRMED');
SELECT patient_name, period, start_time, end_time, status, required_minutes
  FROM timepool.book_service('CONSULT', '2025-11-17', '11:00', 'P5', p_resource => 'ALPHA');
SELECT patient_name, period, start_time, end_time, status, required_minutes
  FROM timepool.book_service('CONSULT', '2025-11-17', '11:30', 'P6', p_resource => 'ALPHA');
-- full: 180 of 180, 6 reservations, 100.00%, nothing left
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes, reservation_count,
       utilization, can_book
  FROM timepool.availability('2025-11-17', 'MORNING', 'CONSULT', 'ALPHA');
SELECT timepool.can_book('CONSULT', '2025-11-17', '09:00', 'ALPHA') AS at_0900,
       timepool.can_book('CONSULT', '2025-11-17', p_resource => 'ALPHA') AS any_time;

-- error: no time left in the full pool (TP001)
SELECT id FROM timepool.book_service('CONSULT', '2025-11-17', '09:00', 'P7', p_resource => 'ALPHA');
\echo sqlstate :SQLSTATE

-- COMPLETED and NO_SHOW still hold their minutes.  They are set once P3
-- (10:00) and P4 (10:30) have started on the clinic's clock.
SET timepool.now = '2025-11-17 11:00';
SELECT patient_name, status
  FROM timepool.set_reservation_status((SELECT id FROM timepool.reservations WHERE patient_name = 'P3'), 'COMPLETED');
SELECT patient_name, status
  FROM timepool.set_reservation_status((SELECT id FROM timepool.reservations WHERE patient_name = 'P4'), 'NO_SHOW');
RESET timepool.now;
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes, reservation_count, utilization
  FROM timepool.availability('2025-11-17', 'MORNING', NULL, 'ALPHA');

-- CANCELLED frees its minutes.
SELECT patient_name, status, cancel_reason
  FROM timepool.cancel_reservation((SELECT id FROM timepool.reservations WHERE patient_name = 'P5'), 'Patient called');
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes, reservation_count, utilization
  FROM timepool.availability('2025-11-17', 'MORNING', NULL, 'ALPHA');

-- REJECTED frees its minutes.
SELECT patient_name, status
  FROM timepool.set_reservation_status((SELECT id FROM timepool.reservations WHERE patient_name = 'P6'), 'REJECTED');
-- Left holding: P1 PENDING, P2 CONFIRMED, P3 COMPLETED, P4 NO_SHOW = 120
-- minutes; 120 / 180 = 66.67%.
SELECT patient_name, status FROM timepool.reservations ORDER BY patient_name;
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes, reservation_count,
       utilization, service, required_minutes, can_book
  FROM timepool.availability('2025-11-17', 'MORNING', 'CONSULT', 'ALPHA');

---------------------------------------------------------------------------
-- can_book agrees with availability
---------------------------------------------------------------------------

-- Left now: ALPHA MORNING 60, ALPHA AFTERNOON 100, BRAVO MORNING 120,
-- CHARLIE AFTERNOON 55.  LONG needs 90 minutes.
SELECT resource, period, remaining_minutes, required_minutes, can_book
  FROM timepool.availability('2025-11-17', p_service => 'LONG');

-- With a time: at each pool's start, per resource, can_book gives the same
-- answer as availability's can_book column, for every service.
SELECT a.service, a.resource, a.period, a.remaining_minutes, a.required_minutes, a.can_book,
       timepool.can_book(a.service, a.date, a.start_time, a.resource) AS can_book_at_start
  FROM timepool.bookable_services s,
       LATERAL timepool.availability('2025-11-17', p_service => s.code) a
 ORDER BY a.service, a.resource, a.start_time;

-- Without a time: true when any pool of the day can take the service.
SELECT s.code, s.required_minutes,
       timepool.can_book(s.code, '2025-11-17') AS can_book_day,
       (SELECT bool_or(a.can_book) FROM timepool.availability('2025-11-17', p_service => s.code) a) AS any_pool
  FROM timepool.bookable_services s
 ORDER BY s.code;
-- ... and per resource
SELECT r.code, timepool.can_book('LONG', '2025-11-17', p_resource => r.code) AS can_book_long,
       (SELECT bool_or(a.can_book)
          FROM timepool.availability('2025-11-17', p_service => 'LONG', p_resource => r.code) a) AS any_pool
  FROM timepool.resources r WHERE r.is_active ORDER BY r.code;

-- With a time, the whole window must fit the period: LONG at 13:00 in
-- ALPHA's AFTERNOON (13:00-15:00) ends at 14:30; at 13:30 it ends at 15:00
-- exactly, which is fine; at 13:31 it would end at 15:01.
SELECT timepool.can_book('LONG', '2025-11-17', '13:00', 'ALPHA') AS at_1300,
       timepool.can_book('LONG', '2025-11-17', '13:30', 'ALPHA') AS at_1330,
       timepool.can_book('LONG', '2025-11-17', '13:31', 'ALPHA') AS at_1331,
       timepool.can_book('LONG', '2025-11-17', '12:30', 'ALPHA') AS at_1230_no_period;
-- Without a resource, any active resource whose period holds the window
-- may take it: at 08:00 BRAVO's MORNING, at 13:00 ALPHA's AFTERNOON.  At
-- 14:00 none: in ALPHA's AFTERNOON LONG would run past 15:00, and CHARLIE's
-- AFTERNOON has 55 minutes.  SHORT (25) fits CHARLIE at 14:00.
SELECT timepool.can_book('LONG', '2025-11-17', '08:00') AS long_0800,
       timepool.can_book('LONG', '2025-11-17', '13:00') AS long_1300,
       timepool.can_book('LONG', '2025-11-17', '14:00') AS long_1400,
       timepool.can_book('SHORT', '2025-11-17', '14:00') AS short_1400;

---------------------------------------------------------------------------
-- Buffer minutes count in the required minutes
---------------------------------------------------------------------------

-- One CONSULT in CHARLIE's AFTERNOON leaves 25 minutes.  CHECKUP lasts 20
-- minutes but requires 30 with its buffer: it does not fit; SHORT (25) does.
SELECT patient_name, period, start_time, end_time
  FROM timepool.book_service('CONSULT', '2025-11-17', '14:00', 'C1', p_resource => 'CHARLIE');
SELECT resource, period, remaining_minutes, service, required_minutes, can_book
  FROM timepool.availability('2025-11-17', p_service => 'CHECKUP', p_resource => 'CHARLIE');
SELECT resource, period, remaining_minutes, service, required_minutes, can_book
  FROM timepool.availability('2025-11-17', p_service => 'SHORT', p_resource => 'CHARLIE');
SELECT timepool.can_book('CHECKUP', '2025-11-17', '14:30', 'CHARLIE') AS checkup,
       timepool.can_book('SHORT', '2025-11-17', '14:30', 'CHARLIE') AS short;
-- The buffer is part of the window too: CHECKUP at 14:30 in ALPHA's
-- AFTERNOON ends at 15:00 with its buffer (fits), at 14:31 at 15:01 (does
-- not, though its 20 minutes alone would end at 14:51).
SELECT timepool.can_book('CHECKUP', '2025-11-17', '14:30', 'ALPHA') AS at_1430,
       timepool.can_book('CHECKUP', '2025-11-17', '14:31', 'ALPHA') AS at_1431;
-- A booking holds duration + buffer.
SELECT patient_name, period, start_time, end_time, duration_minutes, buffer_minutes, required_minutes
  FROM timepool.book_service('CHECKUP', '2025-11-17', '14:30', 'A1', p_resource => 'ALPHA');
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes, reservation_count, utilization
  FROM timepool.availability('2025-11-17', 'AFTERNOON', NULL, 'ALPHA');

---------------------------------------------------------------------------
-- An over-full pool
---------------------------------------------------------------------------

-- Three CONSULTs (90 minutes) in BRAVO's MORNING (120), then its capacity
-- is lowered to 60 directly in the table: 90 booked of 60, remaining 0,
-- utilization 150.00.
SELECT patient_name, period, start_time FROM timepool.book_service('CONSULT', '2025-11-17', '08:00', 'B1', p_resource => 'BRAVO');
SELECT patient_name, period, start_time FROM timepool.book_service('CONSULT', '2025-11-17', '08:30', 'B2', p_resource => 'BRAVO');
SELECT patient_name, period, start_time FROM timepool.book_service('CONSULT', '2025-11-17', '09:00', 'B3', p_resource => 'BRAVO');
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes, reservation_count, utilization
  FROM timepool.availability('2025-11-17', p_resource => 'BRAVO');
UPDATE timepool.clinic_time_slots SET capacity_minutes = 60
 WHERE resource_id = (SELECT id FROM timepool.resources WHERE code = 'BRAVO') AND day_of_week = 1;
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes, reservation_count,
       utilization, service, required_minutes, can_book
  FROM timepool.availability('2025-11-17', p_service => 'SHORT', p_resource => 'BRAVO');
SELECT timepool.can_book('SHORT', '2025-11-17', '10:00', 'BRAVO') AS at_1000,
       timepool.can_book('SHORT', '2025-11-17', p_resource => 'BRAVO') AS any_time;

-- The whole day after all of the above.
SELECT * FROM timepool.availability('2025-11-17', p_service => 'CONSULT');

---------------------------------------------------------------------------
-- Past dates and today
---------------------------------------------------------------------------

-- Monday 2025-11-10 is past: its pools are still listed, but nothing can
-- be booked.
SELECT * FROM timepool.availability('2025-11-10', p_service => 'CONSULT');
SELECT resource, period, service, can_book FROM timepool.availability('2025-11-10');
SELECT timepool.can_book('CONSULT', '2025-11-10') AS past_day,
       timepool.can_book('CONSULT', '2025-11-10', '09:00') AS past_0900,
       timepool.can_book('CONSULT', '2025-11-10', '09:00', 'ALPHA') AS past_0900_alpha;
-- Today (Friday 2025-11-14) is not past; the Friday before is.
SELECT date, resource, period, can_book FROM timepool.availability('2025-11-14', p_service => 'CONSULT')
UNION ALL
SELECT date, resource, period, can_book FROM timepool.availability('2025-11-07', p_service => 'CONSULT')
ORDER BY date;
SELECT timepool.can_book('CONSULT', '2025-11-14', '09:00') AS today_0900,
       timepool.can_book('CONSULT', '2025-11-14') AS today,
       timepool.can_book('CONSULT', '2025-11-07', '09:00') AS last_friday_0900,
       timepool.can_book('CONSULT', '2025-11-07') AS last_friday;

-- error: booking on a past date (TP005)
SELECT id FROM timepool.book_service('CONSULT', '2025-11-10', '09:00', 'Late Larry');
\echo sqlstate :SQLSTATE

---------------------------------------------------------------------------
-- Errors
---------------------------------------------------------------------------

-- error: availability, unknown service (TP003)
SELECT * FROM timepool.availability('2025-11-17', p_service => 'NOPE');
\echo sqlstate :SQLSTATE

-- error: availability, inactive service (TP003)
SELECT * FROM timepool.availability('2025-11-17', p_service => 'OLD');
\echo sqlstate :SQLSTATE

-- error: availability, deleted service (TP003)
SELECT * FROM timepool.availability('2025-11-17', p_service => 'GONE');
\echo sqlstate :SQLSTATE

-- error: can_book, unknown service (TP003)
SELECT timepool.can_book('NOPE', '2025-11-17');
\echo sqlstate :SQLSTATE

-- error: can_book, inactive service (TP003), also with a time
SELECT timepool.can_book('OLD', '2025-11-17', '09:00');
\echo sqlstate :SQLSTATE

-- error: can_book, deleted service (TP003), even for a past date
SELECT timepool.can_book('GONE', '2025-11-10');
\echo sqlstate :SQLSTATE

-- A deleted service's code can be taken by a new service; the live one is
-- then the one used.
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('GONE', 'Reborn service', 45);
SELECT resource, period, service, required_minutes, can_book
  FROM timepool.availability('2025-11-17', 'AFTERNOON', 'GONE');
SELECT timepool.can_book('GONE', '2025-11-17', '13:00', 'ALPHA') AS reborn;

-- error: availability, unknown resource (TP003)
SELECT * FROM timepool.availability('2025-11-17', p_resource => 'ECHO');
\echo sqlstate :SQLSTATE

-- error: availability, inactive resource (TP003)
SELECT * FROM timepool.availability('2025-11-17', p_resource => 'DELTA');
\echo sqlstate :SQLSTATE

-- error: can_book, unknown resource (TP003)
SELECT timepool.can_book('CONSULT', '2025-11-17', '09:00', 'ECHO');
\echo sqlstate :SQLSTATE

-- error: can_book, inactive resource (TP003), also without a time
SELECT timepool.can_book('CONSULT', '2025-11-17', p_resource => 'DELTA');
\echo sqlstate :SQLSTATE

-- error: availability, NULL p_date (22004)
SELECT * FROM timepool.availability(NULL);
\echo sqlstate :SQLSTATE

-- error: can_book, NULL p_date (22004)
SELECT timepool.can_book('CONSULT', NULL);
\echo sqlstate :SQLSTATE

-- error: can_book, NULL p_service (22004)
SELECT timepool.can_book(NULL, '2025-11-17');
\echo sqlstate :SQLSTATE

-- error: availability, malformed service code (22023)
SELECT * FROM timepool.availability('2025-11-17', p_service => 'consult');
\echo sqlstate :SQLSTATE

-- error: availability, malformed period (22023)
SELECT * FROM timepool.availability('2025-11-17', p_period => 'morning');
\echo sqlstate :SQLSTATE

-- error: availability, empty resource code (22023)
SELECT * FROM timepool.availability('2025-11-17', p_resource => '');
\echo sqlstate :SQLSTATE

-- error: availability, resource code longer than 50 (22023)
SELECT * FROM timepool.availability('2025-11-17', p_resource => repeat('A', 51));
\echo sqlstate :SQLSTATE

-- error: availability, infinite date (22023)
SELECT * FROM timepool.availability('infinity');
\echo sqlstate :SQLSTATE

-- error: can_book, malformed service code (22023)
SELECT timepool.can_book('BAD CODE', '2025-11-17');
\echo sqlstate :SQLSTATE

-- error: can_book, malformed resource code (22023)
SELECT timepool.can_book('CONSULT', '2025-11-17', '09:00', 'alpha');
\echo sqlstate :SQLSTATE

-- error: can_book, time not on a whole minute (22023)
SELECT timepool.can_book('CONSULT', '2025-11-17', '09:00:30');
\echo sqlstate :SQLSTATE

-- Leave the tables empty for the suite that runs next.
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
