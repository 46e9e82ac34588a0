--
-- guard: the triggers on timepool.reservations, for plain DML
--
-- A plain INSERT fills the service snapshot, end_time and period; plain
-- INSERTs and UPDATEs that add minutes to a pool (new rows, moves to another
-- date, time or resource, revived cancellations, longer reservations) are
-- held to the pool's capacity (TP001) and schedule (TP002), multi-row
-- statements as a whole; writes that add nothing (notes, status changes
-- between holding statuses) pass even in an over-full pool; DELETE frees
-- minutes; only a restore (section 9) is taken as it is.
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
-- the suites of a run share one database: start from empty tables and
-- fresh identities whatever ran before
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

---------------------------------------------------------------------------
-- set-up: on Saturdays DR_A has MORNING 09:00-12:00 with 120 minutes and
-- AFTERNOON 13:00-17:00 with 240; DR_B has MORNING 09:00-12:00 with 180.
-- DR_A is closed on 2025-11-22.
---------------------------------------------------------------------------
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves'), ('DR_B', 'Dr. Barros');
-- this suite tests the pools' minutes; sql/clock.sql tests the clock limit
UPDATE timepool.resources SET max_concurrent = NULL;
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price) VALUES
  ('SKIN_CARE', 'Skin care',       60, 10, 120.00),
  ('BOTOX',     'Botox injection', 30,  0, 250.00),
  ('QUICK',     'Quick check',     20,  0,  50.00);
SELECT id AS dr_a FROM timepool.resources WHERE code = 'DR_A' \gset
SELECT id AS dr_b FROM timepool.resources WHERE code = 'DR_B' \gset
SELECT id AS skin FROM timepool.services WHERE code = 'SKIN_CARE' \gset
SELECT id AS botox FROM timepool.services WHERE code = 'BOTOX' \gset
SELECT id AS quick FROM timepool.services WHERE code = 'QUICK' \gset
INSERT INTO timepool.clinic_time_slots
  (resource_id, day_of_week, period, start_time, end_time, capacity_minutes) VALUES
  (:dr_a, 6, 'MORNING',   '09:00', '12:00', 120),
  (:dr_a, 6, 'AFTERNOON', '13:00', '17:00', NULL),
  (:dr_b, 6, 'MORNING',   '09:00', '12:00', NULL);
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
VALUES (:dr_a, '2025-11-22', true, 'training');

---------------------------------------------------------------------------
-- 1. a plain INSERT with only resource, service, date, time and patient
---------------------------------------------------------------------------
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :skin, '2025-11-15', '09:00', 'Plain Ana')
RETURNING service_code, service_name, duration_minutes, buffer_minutes, required_minutes,
          price, start_time, end_time, period, status,
          created_at = updated_at AND created_at = status_changed_at AS timestamps_equal;
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :botox, '2025-11-15', '10:10', 'Plain Bo')
RETURNING service_code, required_minutes, price, start_time, end_time, period, status;
-- the period is the one containing the start time
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :quick, '2025-11-15', '13:00', 'Afternoon Quick')
RETURNING service_code, required_minutes, price, start_time, end_time, period, status;
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes
  FROM timepool.availability('2025-11-15');

---------------------------------------------------------------------------
-- 2. a plain INSERT that overbooks: TP001
---------------------------------------------------------------------------
-- error: SKIN_CARE needs 70 minutes, MORNING has 20 left
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :skin, '2025-11-15', '10:40', 'Over Booked');
\echo :LAST_ERROR_SQLSTATE

---------------------------------------------------------------------------
-- 3. a multi-row INSERT is held to capacity as a whole
---------------------------------------------------------------------------
-- error: three SKIN_CARE (210 minutes) into DR_B's 180
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_b, :skin, '2025-11-15', '09:00', 'Group 1'),
       (:dr_b, :skin, '2025-11-15', '09:00', 'Group 2'),
       (:dr_b, :skin, '2025-11-15', '09:00', 'Group 3');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS group_rows FROM timepool.reservations WHERE patient_name LIKE 'Group%';
-- two of them (140 minutes) fit
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_b, :skin, '2025-11-15', '09:00', 'Group 1'),
       (:dr_b, :skin, '2025-11-15', '10:00', 'Group 2')
RETURNING patient_name, start_time, end_time, period;

---------------------------------------------------------------------------
-- 4. plain INSERTs outside the schedule: TP002
---------------------------------------------------------------------------
\set VERBOSITY sqlstate
-- error: the lunch gap
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :botox, '2025-11-15', '12:30', 'Lunch');
-- error: a day without schedule (Sunday)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :botox, '2025-11-16', '09:00', 'Sunday');
\set VERBOSITY default
-- error: a closed pool
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :botox, '2025-11-22', '09:00', 'Closed');
\echo :LAST_ERROR_SQLSTATE
-- error: a window running past the period's end (11:30 + 70 = 12:40)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :skin, '2025-11-15', '11:30', 'Too Long');
\echo :LAST_ERROR_SQLSTATE
-- error: a period the resource does not have that day
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, period, patient_name)
VALUES (:dr_a, :botox, '2025-11-15', '09:00', 'EVENING', 'No Such Period');
\echo :LAST_ERROR_SQLSTATE
-- error: an explicit period whose window does not hold the start time
\set VERBOSITY sqlstate
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, period, patient_name)
VALUES (:dr_a, :botox, '2025-11-15', '09:00', 'AFTERNOON', 'Wrong Period');
-- error: a window running past midnight
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :skin, '2025-11-15', '23:50', 'Midnight');
-- error: a multi-row INSERT with one row outside the schedule writes nothing
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_b, :botox, '2025-11-29', '09:00', 'Mixed 1'),
       (:dr_b, :botox, '2025-11-29', '12:00', 'Mixed 2');
\set VERBOSITY default
SELECT count(*) AS refused_rows FROM timepool.reservations
 WHERE patient_name IN ('Over Booked', 'Lunch', 'Sunday', 'Closed', 'Too Long',
                        'No Such Period', 'Wrong Period', 'Midnight', 'Mixed 1', 'Mixed 2');

---------------------------------------------------------------------------
-- 5. moving a reservation inside an exactly full pool
---------------------------------------------------------------------------
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :quick, '2025-11-15', '11:00', 'Morning Quick')
RETURNING id AS mq \gset
SELECT booked_minutes, remaining_minutes FROM timepool.availability('2025-11-15', 'MORNING', p_resource => 'DR_A');
-- a move within the full pool adds no minutes: allowed; end_time follows
UPDATE timepool.reservations SET start_time = '11:40' WHERE id = :mq
RETURNING start_time, end_time, period;
-- error: one minute later it would end at 12:01
UPDATE timepool.reservations SET start_time = '11:41' WHERE id = :mq;
\echo :LAST_ERROR_SQLSTATE

---------------------------------------------------------------------------
-- 6. moving a reservation to another time, resource or date
---------------------------------------------------------------------------
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :botox, '2025-11-15', '13:30', 'Mover')
RETURNING id AS mover \gset
\set mv 'SELECT (SELECT code FROM timepool.resources x WHERE x.id = r.resource_id) AS resource, reservation_date, start_time, end_time, period, status FROM timepool.reservations r WHERE id = '
-- error: to 09:30, into DR_A's full MORNING
UPDATE timepool.reservations SET start_time = '09:30' WHERE id = :mover;
\echo :LAST_ERROR_SQLSTATE
-- to DR_B at 09:30: DR_B's MORNING has 40 minutes left; period and end follow
UPDATE timepool.reservations SET resource_id = :dr_b, start_time = '09:30' WHERE id = :mover
RETURNING reservation_date, start_time, end_time, period;
:mv :mover;
-- error: back to DR_A, keeping 09:30: full
\set VERBOSITY sqlstate
UPDATE timepool.reservations SET resource_id = :dr_a WHERE id = :mover;
\set VERBOSITY default
-- fill DR_B's MORNING of 2025-11-22 to 170 of 180 minutes
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_b, :skin, '2025-11-22', '09:00', 'B22 1'),
       (:dr_b, :skin, '2025-11-22', '10:00', 'B22 2'),
       (:dr_b, :botox, '2025-11-22', '11:00', 'B22 3');
-- error: to 2025-11-22: 10 minutes left
UPDATE timepool.reservations SET reservation_date = '2025-11-22' WHERE id = :mover;
\echo :LAST_ERROR_SQLSTATE
-- to 2025-11-29: free
UPDATE timepool.reservations SET reservation_date = '2025-11-29' WHERE id = :mover
RETURNING reservation_date, start_time, end_time, period;
\set VERBOSITY sqlstate
-- error: to 13:00, where DR_B has no period
UPDATE timepool.reservations SET start_time = '13:00' WHERE id = :mover;
-- error: to DR_A on 2025-11-22, which is closed
UPDATE timepool.reservations
   SET resource_id = :dr_a, reservation_date = '2025-11-22', start_time = '09:00'
 WHERE id = :mover;
-- error: to a day without schedule
UPDATE timepool.reservations SET reservation_date = '2025-11-30' WHERE id = :mover;
\set VERBOSITY default
-- the refusals left it where it was
:mv :mover;
-- to DR_A's AFTERNOON of 2025-11-15 at 14:00
UPDATE timepool.reservations
   SET resource_id = :dr_a, reservation_date = '2025-11-15', start_time = '14:00'
 WHERE id = :mover
RETURNING reservation_date, start_time, end_time, period;
:mv :mover;
-- the pools it left are free again
SELECT resource, date, period, booked_minutes, reservation_count
  FROM timepool.availability('2025-11-29')
UNION ALL
SELECT resource, date, period, booked_minutes, reservation_count
  FROM timepool.availability('2025-11-15')
 ORDER BY date, resource, period;

---------------------------------------------------------------------------
-- 7. reviving a cancelled reservation
---------------------------------------------------------------------------
-- DR_A's MORNING: Plain Ana 70 + Plain Bo 30 + Morning Quick 20 = 120, full.
SELECT id AS bo FROM timepool.reservations WHERE patient_name = 'Plain Bo' \gset
SELECT status FROM timepool.cancel_reservation(:bo, 'moved abroad');
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :botox, '2025-11-15', '10:10', 'Taker')
RETURNING id AS taker \gset
SELECT booked_minutes, remaining_minutes FROM timepool.availability('2025-11-15', 'MORNING', p_resource => 'DR_A');
-- error: reviving Plain Bo into the full pool
UPDATE timepool.reservations SET status = 'PENDING' WHERE id = :bo;
\echo :LAST_ERROR_SQLSTATE
-- error: reviving straight to CONFIRMED, the same
\set VERBOSITY sqlstate
UPDATE timepool.reservations SET status = 'CONFIRMED' WHERE id = :bo;
\set VERBOSITY default
-- a plain UPDATE cancelling Taker frees 30 minutes
UPDATE timepool.reservations SET status = 'CANCELLED' WHERE id = :taker;
SELECT booked_minutes, remaining_minutes FROM timepool.availability('2025-11-15', 'MORNING', p_resource => 'DR_A');
-- error: reviving both at once needs 60: the statement fails as a whole
\set VERBOSITY sqlstate
UPDATE timepool.reservations SET status = 'PENDING' WHERE id IN (:bo, :taker);
\set VERBOSITY default
SELECT patient_name, status FROM timepool.reservations WHERE id IN (:bo, :taker) ORDER BY id;
-- reviving one fits
UPDATE timepool.reservations SET status = 'PENDING' WHERE id = :bo
RETURNING patient_name, status, cancel_reason;
SELECT booked_minutes, remaining_minutes FROM timepool.availability('2025-11-15', 'MORNING', p_resource => 'DR_A');

-- a statement is judged on its result: swapping Plain Bo (MORNING, full)
-- and Mover (AFTERNOON) in one UPDATE keeps MORNING at 120 and is allowed,
-- although moving Mover in alone is not
-- error: Mover alone into the full MORNING
\set VERBOSITY sqlstate
UPDATE timepool.reservations SET start_time = '10:10' WHERE id = :mover;
\set VERBOSITY default
-- (the rows in name order: RETURNING gives them in the plan's order)
WITH u AS (
UPDATE timepool.reservations
   SET start_time = CASE WHEN id = :mover THEN '10:10'::time ELSE '14:00'::time END
 WHERE id IN (:bo, :mover)
RETURNING patient_name, start_time, end_time, period)
SELECT * FROM u ORDER BY patient_name;
-- and back
WITH u AS (
UPDATE timepool.reservations
   SET start_time = CASE WHEN id = :mover THEN '14:00'::time ELSE '10:10'::time END
 WHERE id IN (:bo, :mover)
RETURNING patient_name, start_time, end_time, period)
SELECT * FROM u ORDER BY patient_name;
SELECT booked_minutes, remaining_minutes FROM timepool.availability('2025-11-15', 'MORNING', p_resource => 'DR_A');

---------------------------------------------------------------------------
-- 8. making a reservation longer (DR_A, 2025-11-29, MORNING of 120)
---------------------------------------------------------------------------
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :skin, '2025-11-29', '09:00', 'Grower')
RETURNING id AS grower \gset
-- error: a duration that does not add up to required_minutes (check violation)
\set VERBOSITY sqlstate
UPDATE timepool.reservations SET duration_minutes = 110 WHERE id = :grower;
\set VERBOSITY default
-- 110 + 10 = 120 minutes fit exactly; end_time follows
UPDATE timepool.reservations SET duration_minutes = 110, required_minutes = 120 WHERE id = :grower
RETURNING duration_minutes, buffer_minutes, required_minutes, start_time, end_time;
-- error: 121 minutes do not (the window, 09:00-11:01, would)
UPDATE timepool.reservations SET duration_minutes = 111, required_minutes = 121 WHERE id = :grower;
\echo :LAST_ERROR_SQLSTATE
-- error: nor does a longer buffer
\set VERBOSITY sqlstate
UPDATE timepool.reservations SET buffer_minutes = 11, required_minutes = 121 WHERE id = :grower;
\set VERBOSITY default
-- a shorter one is fine
UPDATE timepool.reservations SET duration_minutes = 60, required_minutes = 70 WHERE id = :grower
RETURNING duration_minutes, buffer_minutes, required_minutes, start_time, end_time;

---------------------------------------------------------------------------
-- 9. the restore rule: only a restore (pg_dump's COPY FROM STDIN into
-- timepool.reservations, in a session with check_function_bodies off as
-- pg_dump and pg_restore set it, by the owner or a superuser) is taken
-- without the capacity check; any INSERT is judged, whatever its created_at
---------------------------------------------------------------------------
-- DR_A's MORNING of 2025-11-15 is full (120 of 120).
-- error: with the default created_at
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :botox, '2025-11-15', '09:00', 'Imported');
\echo :LAST_ERROR_SQLSTATE
-- error: created_at = now() is not older than the transaction
\set VERBOSITY sqlstate
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, created_at)
VALUES (:dr_a, :botox, '2025-11-15', '09:00', 'Imported', now());
\set VERBOSITY default
-- error: an older created_at, by a superuser, is no restore either (TP001;
-- before 1.6 it was taken, and history copied in this way overbooked
-- future pools)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, created_at)
VALUES (:dr_a, :botox, '2025-11-15', '09:00', 'Imported', '2025-01-10 10:00:00+00');
\echo :LAST_ERROR_SQLSTATE
-- error: nor an INSERT ... SELECT of legacy rows with their old created_at
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, created_at)
SELECT :dr_a, :botox, '2025-11-15', t, 'Legacy ' || t, '2024-06-01 10:00:00+00'
  FROM (VALUES (time '09:00'), (time '10:00'), (time '11:00')) v(t);
\echo :LAST_ERROR_SQLSTATE
-- nor with check_function_bodies off
SET check_function_bodies = off;
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, created_at)
VALUES (:dr_a, :botox, '2025-11-15', '09:00', 'Imported', '2025-01-10 10:00:00+00');
\echo :LAST_ERROR_SQLSTATE
RESET check_function_bodies;
-- the COPY below names DR_A and BOTOX by their ids (fresh identities above)
SELECT :dr_a = 1 AND :botox = 2 AS ids_as_the_copy_says;
-- error: a COPY FROM STDIN with check_function_bodies on is a DBA's COPY
-- (or psql's \copy), not a restore: judged
COPY timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, created_at) FROM stdin;
1	2	2025-11-15	09:00	Imported	2025-01-10 10:00:00+00
\.
\echo :LAST_ERROR_SQLSTATE
-- as pg_dump's script restores it: taken
SET check_function_bodies = off;
COPY timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, created_at) FROM stdin;
1	2	2025-11-15	09:00	Imported	2025-01-10 10:00:00+00
\.
SELECT patient_name, service_code, start_time, end_time, period, status,
       created_at = '2025-01-10 10:00:00+00' AS created_kept
  FROM timepool.reservations WHERE patient_name = 'Imported';
-- restored rows keep their place even in a pool that is closed now
COPY timepool.reservations (resource_id, service_id, reservation_date, start_time, end_time, period, patient_name, created_at) FROM stdin;
1	2	2025-11-22	09:00	09:30	MORNING	Imported Closed	2025-01-10 10:00:00+00
\.
SELECT patient_name, reservation_date, start_time, end_time, period, status
  FROM timepool.reservations WHERE patient_name = 'Imported Closed';
-- error: but not a COPY that names the table without its schema (pg_dump
-- always writes it)
SET search_path = timepool, public;
COPY reservations (resource_id, service_id, reservation_date, start_time, patient_name, created_at) FROM stdin;
1	2	2025-11-15	10:00	Not restored	2025-01-10 10:00:00+00
\.
\echo :LAST_ERROR_SQLSTATE
RESET search_path;
-- a restored row's own values do not decide: one whose created_at is in the
-- future (an application may write any) is restored too
COPY timepool.reservations (resource_id, service_id, reservation_date, start_time, end_time, period, patient_name, created_at) FROM stdin;
1	2	2025-11-22	10:00	10:30	MORNING	Future Stamp	2099-01-01 00:00:00+00
\.
SELECT patient_name, reservation_date, start_time FROM timepool.reservations WHERE patient_name = 'Future Stamp';
DELETE FROM timepool.reservations WHERE patient_name = 'Future Stamp';
RESET check_function_bodies;
-- error: nor a COPY by a role that may insert but owns nothing (BYPASSRLS:
-- since 1.7's policies on the table, PostgreSQL refuses COPY FROM to any
-- other role that neither owns it nor bypasses them, 0A000, before the guard)
CREATE ROLE tp_guard_copier NOLOGIN BYPASSRLS;
GRANT USAGE ON SCHEMA timepool TO tp_guard_copier;
GRANT INSERT ON timepool.reservations TO tp_guard_copier;
SET ROLE tp_guard_copier;
SET check_function_bodies = off;
COPY timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, created_at) FROM stdin;
1	2	2025-11-15	10:00	Copier	2025-01-10 10:00:00+00
\.
\echo :LAST_ERROR_SQLSTATE
RESET check_function_bodies;
RESET ROLE;
REVOKE ALL ON timepool.reservations FROM tp_guard_copier;
REVOKE ALL ON SCHEMA timepool FROM tp_guard_copier;
DROP ROLE tp_guard_copier;
-- the pool is now over-full
SELECT booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-15', 'MORNING', p_resource => 'DR_A');

---------------------------------------------------------------------------
-- 10. writes that add no minutes pass in an over-full pool, a move inside
--     it included (the window must still fit); a move into it does not
---------------------------------------------------------------------------
UPDATE timepool.reservations SET notes = 'bring previous results' WHERE patient_name = 'Plain Ana'
RETURNING patient_name, notes, status;
UPDATE timepool.reservations SET patient_phone = '555-0199', details = '{"vip": true}'
 WHERE patient_name = 'Morning Quick'
RETURNING patient_name, patient_phone, details;
SELECT status FROM timepool.set_reservation_status(
  (SELECT id FROM timepool.reservations WHERE patient_name = 'Plain Ana'), 'CONFIRMED');
-- moving a reservation within the over-full pool adds no minutes: accepted,
-- and end_time follows
UPDATE timepool.reservations SET start_time = '11:00' WHERE id = :mq
RETURNING patient_name, period, start_time, end_time;
-- error: a move within the pool whose window runs past the period's end (TP002)
UPDATE timepool.reservations SET start_time = '11:50' WHERE id = :mq;
\echo :LAST_ERROR_SQLSTATE
-- error: moving one in from elsewhere
\set VERBOSITY sqlstate
UPDATE timepool.reservations SET start_time = '09:00' WHERE id = :mover;
\set VERBOSITY default
SELECT booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-15', 'MORNING', p_resource => 'DR_A');

---------------------------------------------------------------------------
-- 11. DELETE
---------------------------------------------------------------------------
DELETE FROM timepool.reservations WHERE patient_name IN ('Imported', 'Imported Closed')
RETURNING patient_name, reservation_date;
SELECT booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-15', 'MORNING', p_resource => 'DR_A');
DELETE FROM timepool.reservations WHERE resource_id = :dr_b AND reservation_date = '2025-11-22';
SELECT resource, booked_minutes, reservation_count
  FROM timepool.availability('2025-11-22', p_resource => 'DR_B');
-- the freed minutes can be taken again
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_b, :skin, '2025-11-22', '09:00', 'After Delete 1'),
       (:dr_b, :skin, '2025-11-22', '09:00', 'After Delete 2')
RETURNING patient_name, period;

---------------------------------------------------------------------------
-- what is left
---------------------------------------------------------------------------
SELECT reservation_date, (SELECT code FROM timepool.resources x WHERE x.id = r.resource_id) AS resource,
       period, start_time, end_time, service_code, required_minutes, status, patient_name
  FROM timepool.reservations r
 ORDER BY reservation_date, resource, period, start_time, id;

---------------------------------------------------------------------------
-- clean up for the suites that follow
---------------------------------------------------------------------------
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
