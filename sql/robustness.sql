--
-- robustness: odd, missing, huge and malformed inputs
--
-- Every input below gets either a clear error with its SQLSTATE or a
-- correct answer, and none brings the backend down: NULL required
-- arguments (22004), infinite dates (22023), the earliest and latest dates
-- PostgreSQL has, 24:00, times with seconds, empty, lower-case, non-ASCII
-- and 10,000-character codes, oversized free text, huge numbers in plain
-- DML, negative ids, pool_lock_key with odd inputs, and timepool.today
-- with bad values.  The file ends with SELECT 1: the backend survived.
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
-- the suites of a run share one database: start from empty tables and
-- fresh identities whatever ran before
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

---------------------------------------------------------------------------
-- set-up: R_ONE works every day, MORNING 09:00-12:00 and LATE 23:00-24:00
---------------------------------------------------------------------------
INSERT INTO timepool.resources (code, name) VALUES ('R_ONE', 'Room one');
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price)
VALUES ('BOTOX', 'Botox injection', 30, 0, 250.00);
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, p.period, p.st, p.et
  FROM timepool.resources r, generate_series(0, 6) AS d,
       (VALUES ('MORNING', '09:00'::time, '12:00'::time), ('LATE', '23:00', '24:00')) AS p(period, st, et);
SELECT id AS r_one FROM timepool.resources \gset
SELECT id AS botox FROM timepool.services \gset

---------------------------------------------------------------------------
-- 1. NULL for a required argument: 22004
---------------------------------------------------------------------------
-- error: availability(NULL)
SELECT * FROM timepool.availability(NULL);
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: can_book, NULL service
SELECT timepool.can_book(NULL, '2025-11-15');
-- error: can_book, NULL date
SELECT timepool.can_book('BOTOX', NULL);
-- error: book_service, NULL service
SELECT id FROM timepool.book_service(NULL, '2025-11-15', '09:00', 'X');
-- error: book_service, NULL date
SELECT id FROM timepool.book_service('BOTOX', NULL, '09:00', 'X');
-- error: book_service, NULL time
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', NULL, 'X');
-- error: book_service, NULL patient name
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', NULL);
-- error: book_service, NULL status
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'X', p_status => NULL);
-- error: cancel_reservation, NULL id
SELECT id FROM timepool.cancel_reservation(NULL);
-- error: set_reservation_status, NULL id
SELECT id FROM timepool.set_reservation_status(NULL, 'CONFIRMED');
-- error: set_reservation_status, NULL status
SELECT id FROM timepool.set_reservation_status(1, NULL);
\set VERBOSITY default
-- NULL optional arguments are fine
SELECT resource, period, total_minutes, booked_minutes
  FROM timepool.availability('2025-11-15', NULL, NULL, NULL);
SELECT timepool.can_book('BOTOX', '2025-11-15', NULL, NULL) AS can_book;
SELECT start_time, period, patient_phone, patient_email, notes, details, idempotency_key
  FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Nulls', NULL, NULL, NULL, NULL, NULL,
                             'PENDING', NULL);
SELECT status, cancel_reason FROM timepool.cancel_reservation(
  (SELECT id FROM timepool.reservations WHERE patient_name = 'Nulls'), NULL);

---------------------------------------------------------------------------
-- 2. infinite dates: 22023
---------------------------------------------------------------------------
-- error: availability('infinity')
SELECT * FROM timepool.availability('infinity');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: availability('-infinity')
SELECT * FROM timepool.availability('-infinity');
-- error: can_book('infinity')
SELECT timepool.can_book('BOTOX', 'infinity');
-- error: can_book('-infinity')
SELECT timepool.can_book('BOTOX', '-infinity', '09:00');
-- error: book_service('infinity')
SELECT id FROM timepool.book_service('BOTOX', 'infinity', '09:00', 'X');
-- error: book_service('-infinity')
SELECT id FROM timepool.book_service('BOTOX', '-infinity', '09:00', 'X');
-- error: plain INSERT with an infinite date
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:r_one, :botox, 'infinity', '09:00', 'X');
\set VERBOSITY default

---------------------------------------------------------------------------
-- 3. the earliest dates: past (TP005), but availability answers
---------------------------------------------------------------------------
-- error: the earliest date PostgreSQL has
SELECT id FROM timepool.book_service('BOTOX', '4714-11-24 BC', '09:00', 'X');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: 4713-01-01 BC
SELECT id FROM timepool.book_service('BOTOX', '4713-01-01 BC', '09:00', 'X');
-- error: 0001-01-01
SELECT id FROM timepool.book_service('BOTOX', '0001-01-01', '09:00', 'X');
\set VERBOSITY default
SELECT resource, date, period, start_time, end_time, total_minutes, booked_minutes,
       remaining_minutes, service, can_book
  FROM timepool.availability('4714-11-24 BC', p_service => 'BOTOX');
SELECT resource, date, period, total_minutes, booked_minutes
  FROM timepool.availability('0001-01-01');
SELECT timepool.can_book('BOTOX', '4714-11-24 BC') AS any_time,
       timepool.can_book('BOTOX', '0001-01-01', '09:00') AS at_nine;

---------------------------------------------------------------------------
-- 4. the latest date works
---------------------------------------------------------------------------
-- book_service() and can_book() refuse it: it is beyond max_advance_days
SELECT timepool.can_book('BOTOX', '5874897-12-31', '09:00') AS can_book;
SELECT id FROM timepool.book_service('BOTOX', '5874897-12-31', '09:00', 'Far Future');
\echo :LAST_ERROR_SQLSTATE
-- a direct INSERT (no booking window) still finds its period and is counted
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
SELECT r.id, s.id, '5874897-12-31', '09:00', 'Far Future'
  FROM timepool.resources r, timepool.services s WHERE r.code = 'R_ONE' AND s.code = 'BOTOX'
RETURNING id AS far_id \gset
SELECT reservation_date, start_time, end_time, period, status
  FROM timepool.reservations WHERE id = :far_id;
SELECT resource, date, period, total_minutes, booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('5874897-12-31');
SELECT status FROM timepool.cancel_reservation(:far_id, 'too far');
SELECT booked_minutes FROM timepool.availability('5874897-12-31', 'MORNING');

---------------------------------------------------------------------------
-- 5. times: 24:00, the last period of the day, seconds
---------------------------------------------------------------------------
-- error: 24:00 is in no period
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '24:00', 'X');
\echo :LAST_ERROR_SQLSTATE
SELECT timepool.can_book('BOTOX', '2025-11-15', '24:00') AS can_book_at_24;
-- a booking may end at 24:00
SELECT start_time, end_time, period
  FROM timepool.book_service('BOTOX', '2025-11-15', '23:30', 'Last Slot');
-- error: but not later
\set VERBOSITY sqlstate
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '23:31', 'X');
-- error: a plain INSERT running past midnight
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:r_one, :botox, '2025-11-15', '23:45', 'X');
-- error: a plain INSERT at 24:00
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:r_one, :botox, '2025-11-15', '24:00', 'X');
\set VERBOSITY default
-- error: seconds
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00:30', 'X');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: a microsecond
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00:00.000001', 'X');
-- error: seconds in can_book
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:00:30');
-- error: seconds in a plain INSERT
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:r_one, :botox, '2025-11-15', '09:00:30', 'X');
\set VERBOSITY default

---------------------------------------------------------------------------
-- 6. malformed codes: 22023
---------------------------------------------------------------------------
-- error: lower case
SELECT id FROM timepool.book_service('botox', '2025-11-15', '09:00', 'X');
\echo :LAST_ERROR_SQLSTATE
-- error: 10,000 characters: the code is not echoed back
SELECT id FROM timepool.book_service(repeat('A', 10000), '2025-11-15', '09:00', 'X');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: empty service code
SELECT id FROM timepool.book_service('', '2025-11-15', '09:00', 'X');
-- error: empty resource code
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'X', p_resource => '');
-- error: 10,000-character resource code
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'X', p_resource => repeat('R', 10000));
-- error: 51 characters
SELECT id FROM timepool.book_service('B' || repeat('X', 50), '2025-11-15', '09:00', 'X');
-- error: a leading digit
SELECT id FROM timepool.book_service('1BOTOX', '2025-11-15', '09:00', 'X');
-- error: a leading underscore
SELECT id FROM timepool.book_service('_BOTOX', '2025-11-15', '09:00', 'X');
-- error: a space
SELECT id FROM timepool.book_service('BOTOX ', '2025-11-15', '09:00', 'X');
-- error: a non-ASCII letter
SELECT id FROM timepool.book_service('BOTOXÉ', '2025-11-15', '09:00', 'X');
-- error: can_book, lower case
SELECT timepool.can_book('botox', '2025-11-15');
-- error: can_book, 10,000 characters
SELECT timepool.can_book(repeat('A', 10000), '2025-11-15');
-- error: can_book, empty resource
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:00', '');
-- error: availability, empty period
SELECT * FROM timepool.availability('2025-11-15', '');
-- error: availability, lower-case period
SELECT * FROM timepool.availability('2025-11-15', 'morning');
-- error: availability, 10,000-character period
SELECT * FROM timepool.availability('2025-11-15', repeat('P', 10000));
-- error: availability, 10,000-character service
SELECT * FROM timepool.availability('2025-11-15', p_service => repeat('S', 10000));
-- error: availability, 10,000-character resource
SELECT * FROM timepool.availability('2025-11-15', p_resource => repeat('R', 10000));
-- error: a well-formed 50-character code is only unknown: TP003
SELECT id FROM timepool.book_service('B' || repeat('X', 49), '2025-11-15', '09:00', 'X');
-- error: availability with an unknown service: TP003
SELECT * FROM timepool.availability('2025-11-15', p_service => 'NOPE');
\set VERBOSITY default
-- a well-formed period nobody has: no rows
SELECT * FROM timepool.availability('2025-11-15', 'NIGHT');

---------------------------------------------------------------------------
-- 7. free text: empty and oversized: 22023
---------------------------------------------------------------------------
-- error: 10,000-character patient name
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', repeat('n', 10000));
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: empty patient name
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', '');
-- error: blank patient name
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', E' \t\n ');
-- error: 201 two-byte characters (the limit counts characters)
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', repeat('é', 201));
-- error: 10,000-character notes
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'X', p_notes => repeat('x', 10000));
-- error: 51-character phone
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'X', p_patient_phone => repeat('5', 51));
-- error: 321-character email
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'X',
                                     p_patient_email => repeat('a', 309) || '@example.com');
-- error: 201-character idempotency key
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'X', p_idempotency_key => repeat('k', 201));
-- error: empty idempotency key
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'X', p_idempotency_key => '');
-- error: 10,000-character status
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'X', p_status => repeat('P', 10000));
-- error: 10,000-character cancel reason
SELECT id FROM timepool.cancel_reservation(1, repeat('r', 10000));
-- error: 10,000-character status change
SELECT id FROM timepool.set_reservation_status(1, repeat('C', 10000));
\set VERBOSITY default
-- at the limits everything is taken: 200 two-byte characters, 4000 notes,
-- 50-character phone, 320-character email, 200-character key
SELECT char_length(patient_name) AS name_len, octet_length(patient_name) AS name_bytes,
       char_length(notes) AS notes_len, char_length(patient_phone) AS phone_len,
       char_length(patient_email) AS email_len, char_length(idempotency_key) AS key_len
  FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', repeat('é', 200),
                             p_notes => repeat('x', 4000), p_patient_phone => repeat('5', 50),
                             p_patient_email => repeat('a', 308) || '@example.com',
                             p_idempotency_key => repeat('k', 200));
SELECT count(*) AS rows_on_2025_11_15 FROM timepool.reservations WHERE reservation_date = '2025-11-15';

---------------------------------------------------------------------------
-- 8. huge and negative numbers in plain INSERT and UPDATE
---------------------------------------------------------------------------
\set VERBOSITY sqlstate
-- error: duration 2147483647 (check violation)
INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                                   duration_minutes, buffer_minutes, reservation_date, start_time, patient_name)
VALUES (:r_one, :botox, 'BOTOX', 'Botox', 2147483647, 0, '2025-11-22', '09:00', 'X');
-- error: duration and buffer 2147483647 (their sum overflows int4)
INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                                   duration_minutes, buffer_minutes, reservation_date, start_time, patient_name)
VALUES (:r_one, :botox, 'BOTOX', 'Botox', 2147483647, 2147483647, '2025-11-22', '09:00', 'X');
-- error: duration -2147483648
INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name,
                                   duration_minutes, buffer_minutes, reservation_date, start_time, patient_name)
VALUES (:r_one, :botox, 'BOTOX', 'Botox', -2147483648, 0, '2025-11-22', '09:00', 'X');
-- error: required_minutes 2147483647
INSERT INTO timepool.reservations (resource_id, service_id, required_minutes, reservation_date, start_time, patient_name)
VALUES (:r_one, :botox, 2147483647, '2025-11-22', '09:00', 'X');
-- error: price 1e20 (numeric field overflow)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, price)
VALUES (:r_one, :botox, '2025-11-22', '09:00', 'X', 1e20);
-- error: a negative price
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, price)
VALUES (:r_one, :botox, '2025-11-22', '09:00', 'X', -1);
-- error: a duration beyond int4
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, duration_minutes)
VALUES (:r_one, :botox, '2025-11-22', '09:00', 'X', 2147483648);
\set VERBOSITY default
-- a reservation to update
SELECT id AS victim FROM timepool.book_service('BOTOX', '2025-11-22', '09:00', 'Victim') \gset
\set VERBOSITY sqlstate
-- error: UPDATE duration and required to 2147483647
UPDATE timepool.reservations SET duration_minutes = 2147483647, required_minutes = 2147483647 WHERE id = :victim;
-- error: UPDATE required to 2147483647
UPDATE timepool.reservations SET required_minutes = 2147483647 WHERE id = :victim;
-- error: UPDATE buffer to 2147483647
UPDATE timepool.reservations SET buffer_minutes = 2147483647 WHERE id = :victim;
-- error: UPDATE duration and required to -2147483648
UPDATE timepool.reservations SET duration_minutes = -2147483648, required_minutes = -2147483648 WHERE id = :victim;
-- error: UPDATE price to 1e20
UPDATE timepool.reservations SET price = 1e20 WHERE id = :victim;
-- error: UPDATE start_time to one with seconds
UPDATE timepool.reservations SET start_time = '09:00:30' WHERE id = :victim;
-- error: UPDATE the date to infinity
UPDATE timepool.reservations SET reservation_date = 'infinity' WHERE id = :victim;
\set VERBOSITY default
-- the victim is unchanged
SELECT duration_minutes, buffer_minutes, required_minutes, price, reservation_date, start_time, end_time
  FROM timepool.reservations WHERE id = :victim;

---------------------------------------------------------------------------
-- 9. negative, zero and huge ids
---------------------------------------------------------------------------
-- error: cancel_reservation(-1)
SELECT id FROM timepool.cancel_reservation(-1);
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: cancel_reservation(0)
SELECT id FROM timepool.cancel_reservation(0);
-- error: set_reservation_status(-9223372036854775808)
SELECT id FROM timepool.set_reservation_status(-9223372036854775808, 'CONFIRMED');
-- error: set_reservation_status(9223372036854775807)
SELECT id FROM timepool.set_reservation_status(9223372036854775807, 'CANCELLED');
-- error: a plain INSERT for resource -1
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, period, patient_name)
VALUES (-1, :botox, '2025-11-22', '09:00', 'MORNING', 'X');
-- error: a plain INSERT for resource 0
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, period, patient_name)
VALUES (0, :botox, '2025-11-22', '09:00', 'MORNING', 'X');
-- error: a plain INSERT naming a service that does not exist, snapshots
-- left for the trigger to fill (the foreign key error, 23503)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
SELECT min(id), 999999, '2025-11-22', '09:00', 'X' FROM timepool.resources;
-- error: a plain INSERT for a resource that does not exist, period left for
-- the trigger to find (the foreign key error, 23503)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (999999, :botox, '2025-11-22', '09:00', 'X');
-- error: a plain UPDATE moving to resource -1 (the foreign key error, 23503)
UPDATE timepool.reservations SET resource_id = -1 WHERE id = :victim;
\set VERBOSITY default
SELECT count(*) AS reservations_of_missing_resources
  FROM timepool.reservations WHERE resource_id NOT IN (SELECT id FROM timepool.resources);

---------------------------------------------------------------------------
-- 10. pool_lock_key with odd inputs
---------------------------------------------------------------------------
-- STRICT: a NULL argument gives NULL
SELECT timepool.pool_lock_key(NULL, '2025-11-15', 'MORNING') IS NULL AS null_id,
       timepool.pool_lock_key(1, NULL, 'MORNING') IS NULL AS null_date,
       timepool.pool_lock_key(1, '2025-11-15', NULL) IS NULL AS null_period;
-- odd but non-NULL inputs give a key, the same one every time
SELECT a.k IS NOT NULL AS has_key, a.k = b.k AS stable
  FROM (VALUES (1), (2), (3), (4), (5), (6), (7)) AS n(i),
       LATERAL (SELECT CASE n.i
                  WHEN 1 THEN timepool.pool_lock_key(-1, '2025-11-15', 'MORNING')
                  WHEN 2 THEN timepool.pool_lock_key(0, '2025-11-15', '')
                  WHEN 3 THEN timepool.pool_lock_key(9223372036854775807, 'infinity', 'morning')
                  WHEN 4 THEN timepool.pool_lock_key(-9223372036854775808, '-infinity', 'x y')
                  WHEN 5 THEN timepool.pool_lock_key(1, '4714-11-24 BC', repeat('P', 10000))
                  WHEN 6 THEN timepool.pool_lock_key(1, '5874897-12-31', 'ÉTÉ')
                  WHEN 7 THEN timepool.pool_lock_key(1, '2025-11-15', 'MORNING') END AS k) AS a,
       LATERAL (SELECT CASE n.i
                  WHEN 1 THEN timepool.pool_lock_key(-1, '2025-11-15', 'MORNING')
                  WHEN 2 THEN timepool.pool_lock_key(0, '2025-11-15', '')
                  WHEN 3 THEN timepool.pool_lock_key(9223372036854775807, 'infinity', 'morning')
                  WHEN 4 THEN timepool.pool_lock_key(-9223372036854775808, '-infinity', 'x y')
                  WHEN 5 THEN timepool.pool_lock_key(1, '4714-11-24 BC', repeat('P', 10000))
                  WHEN 6 THEN timepool.pool_lock_key(1, '5874897-12-31', 'ÉTÉ')
                  WHEN 7 THEN timepool.pool_lock_key(1, '2025-11-15', 'MORNING') END AS k) AS b
 ORDER BY n.i;
-- different pools get different keys here
SELECT count(DISTINCT k) AS distinct_keys
  FROM (VALUES (timepool.pool_lock_key(1, '2025-11-15', 'MORNING')),
               (timepool.pool_lock_key(2, '2025-11-15', 'MORNING')),
               (timepool.pool_lock_key(1, '2025-11-16', 'MORNING')),
               (timepool.pool_lock_key(1, '2025-11-15', 'LATE'))) AS v(k);
-- the key is the one book_service locks, in timepool's own lock space
-- (objsubid 29808, which no SQL advisory lock function uses)
BEGIN;
SELECT start_time, period FROM timepool.book_service('BOTOX', '2025-11-29', '09:00', 'Locker');
SELECT count(*) AS pool_lock_held
  FROM pg_locks
 WHERE locktype = 'advisory' AND pid = pg_backend_pid()
   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND classid = 29808 AND objsubid = 29808
   AND objid = timepool.pool_lock_key(:r_one, '2025-11-29', 'MORNING')::oid;
ROLLBACK;

---------------------------------------------------------------------------
-- 11. timepool.today with bad values
---------------------------------------------------------------------------
-- error: not a date
SET timepool.today = 'tomorrow';
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: not a calendar date
SET timepool.today = '2025-02-30';
-- error: a year beyond 9999
SET timepool.today = '10000-01-01';
-- error: trailing text
SET timepool.today = '2025-11-14x';
\set VERBOSITY default
SHOW timepool.today;

---------------------------------------------------------------------------
-- parallel plans: availability() and can_book() are PARALLEL UNSAFE (their
-- schedule cache reads the latest committed state, which a parallel worker
-- may not), so a plan that would run them in parallel keeps them in the
-- leader instead of failing
---------------------------------------------------------------------------
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT count(*) AS pools FROM timepool.availability('2025-11-15');
SELECT count(*) FILTER (WHERE timepool.can_book('BOTOX', '2025-11-15'::date + g)) AS bookable_days,
       count(*) AS days
  FROM generate_series(0, 100) g;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;

---------------------------------------------------------------------------
-- clean up for the suites that follow
---------------------------------------------------------------------------
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

---------------------------------------------------------------------------
-- the extension dropped and created again in the same session: the
-- session's cache and saved plans follow the new tables
---------------------------------------------------------------------------
SELECT count(*) AS pools_before FROM timepool.availability('2025-11-15');
DROP EXTENSION timepool;
DROP SCHEMA timepool;
CREATE EXTENSION timepool;
SET timepool.today = '2025-11-14';
INSERT INTO timepool.resources (code, name) VALUES ('AGAIN', 'Again');
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT id, 6, 'AFTERNOON', '13:00', '15:00' FROM timepool.resources;
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BOTOX', 'Botox', 30);
SELECT period, start_time, end_time FROM timepool.book_service('BOTOX', '2025-11-15', '13:00', 'Again');
SELECT resource, period, total_minutes, booked_minutes FROM timepool.availability('2025-11-15');
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

---------------------------------------------------------------------------
-- the backend survived
---------------------------------------------------------------------------
SELECT 1;
