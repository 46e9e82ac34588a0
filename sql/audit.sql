--
-- audit: timepool.audit_log and timepool.reservation_history (version 1.1)
--
-- Every INSERT, UPDATE and DELETE of resources, services,
-- service_categories, clinic_time_slots, schedule_overrides, settings and
-- reservations leaves a row in the log with the old and the new row; a
-- TRUNCATE leaves one row without row_id.  reservation_history follows a
-- reservation through its statuses.  changed_by names the role in effect
-- (SET ROLE included, not the owner of a SECURITY DEFINER function);
-- session_role the session's user.  Nobody but the log's owner and
-- superusers can write to the log, whatever was granted.
--
-- The log's timestamps and transaction ids are never shown; neither are
-- whole rows (they hold timestamps) nor the superuser's name (compared to
-- session_user instead).
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
-- the suites of a run share one database: start from empty tables and
-- fresh identities whatever ran before; then from an empty log (a
-- superuser may truncate it)
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.service_categories, timepool.resources RESTART IDENTITY;
TRUNCATE timepool.audit_log RESTART IDENTITY;
SELECT count(*) AS log_rows FROM timepool.audit_log;

-- the log's rows since :mark, with who made them as booleans
\set mark 0
\set who 'changed_by = session_user AS by_me, session_role = session_user AS session_me'

---------------------------------------------------------------------------
-- 1. resources
---------------------------------------------------------------------------
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves'), ('DR_X', 'Dr. Xavier');
UPDATE timepool.resources SET name = 'Dr. Ana Alves' WHERE code = 'DR_A';
UPDATE timepool.resources SET is_active = false WHERE code = 'DR_X';
DELETE FROM timepool.resources WHERE code = 'DR_X';
SELECT id, table_name, row_id, action,
       old_row ->> 'code' AS old_code, old_row ->> 'name' AS old_name, old_row ->> 'is_active' AS old_active,
       new_row ->> 'code' AS new_code, new_row ->> 'name' AS new_name, new_row ->> 'is_active' AS new_active,
       :who
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
-- the whole row is logged, timestamps included: every column is a key
SELECT (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(new_row) k) AS new_row_keys
  FROM timepool.audit_log WHERE id = 1;
-- an INSERT has no old row, a DELETE no new row
SELECT action, old_row IS NULL AS no_old_row, new_row IS NULL AS no_new_row
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
SELECT max(id) AS mark FROM timepool.audit_log \gset

---------------------------------------------------------------------------
-- 2. service_categories, and services following a renamed code
---------------------------------------------------------------------------
INSERT INTO timepool.service_categories (code, name, display_order) VALUES
  ('FACIAL', 'Facial treatments', 1), ('SPARE', 'Spare', 9);
INSERT INTO timepool.services (code, name, category, duration_minutes, buffer_minutes, price)
VALUES ('PEEL', 'Chemical peel', 'FACIAL', 40, 5, 80.00);
-- the rename cascades to the service: both changes are logged
UPDATE timepool.service_categories SET code = 'FACE' WHERE code = 'FACIAL';
DELETE FROM timepool.service_categories WHERE code = 'SPARE';
SELECT table_name, row_id, action,
       old_row ->> 'code' AS old_code, old_row ->> 'category' AS old_category,
       new_row ->> 'code' AS new_code, new_row ->> 'category' AS new_category,
       :who
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
SELECT max(id) AS mark FROM timepool.audit_log \gset

---------------------------------------------------------------------------
-- 3. services: INSERT, UPDATE, delete_service (an UPDATE), DELETE
---------------------------------------------------------------------------
INSERT INTO timepool.services (code, name, duration_minutes, price) VALUES
  ('BOTOX', 'Botox injection', 30, 250.00), ('TEMP', 'Temporary', 10, 5.00);
UPDATE timepool.services SET price = 275.00 WHERE code = 'BOTOX';
SELECT code FROM timepool.delete_service('TEMP');
DELETE FROM timepool.services WHERE code = 'TEMP';
SELECT table_name, row_id, action,
       old_row ->> 'code' AS old_code, old_row ->> 'price' AS old_price,
       old_row -> 'deleted_at' <> 'null' AS old_deleted,
       new_row ->> 'code' AS new_code, new_row ->> 'price' AS new_price,
       new_row -> 'deleted_at' <> 'null' AS new_deleted,
       :who
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
SELECT id AS botox FROM timepool.services WHERE code = 'BOTOX' \gset
SELECT max(id) AS mark FROM timepool.audit_log \gset

---------------------------------------------------------------------------
-- 4. clinic_time_slots
---------------------------------------------------------------------------
-- DR_A: Saturdays 09:00-12:00 and Sundays 09:00-12:00
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT id, d, 'MORNING', '09:00', '12:00', NULL FROM timepool.resources, unnest(ARRAY[6, 0]) d
 WHERE code = 'DR_A' ORDER BY d DESC;
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT id, 1, 'MONDAY_ONLY', '09:00', '10:00', 60 FROM timepool.resources WHERE code = 'DR_A';
UPDATE timepool.clinic_time_slots SET capacity_minutes = 150 WHERE day_of_week = 0;
DELETE FROM timepool.clinic_time_slots WHERE period = 'MONDAY_ONLY';
SELECT table_name, row_id, action,
       old_row ->> 'day_of_week' AS old_dow, old_row ->> 'period' AS old_period,
       old_row ->> 'capacity_minutes' AS old_cap,
       new_row ->> 'day_of_week' AS new_dow, new_row ->> 'period' AS new_period,
       new_row ->> 'capacity_minutes' AS new_cap,
       :who
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
SELECT max(id) AS mark FROM timepool.audit_log \gset

---------------------------------------------------------------------------
-- 5. schedule_overrides
---------------------------------------------------------------------------
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, reason)
SELECT id, '2025-11-22', NULL, true, 'training' FROM timepool.resources WHERE code = 'DR_A';
UPDATE timepool.schedule_overrides SET reason = 'congress' WHERE date = '2025-11-22';
DELETE FROM timepool.schedule_overrides WHERE date = '2025-11-22';
SELECT table_name, row_id, action,
       old_row ->> 'date' AS old_date, old_row ->> 'is_closed' AS old_closed, old_row ->> 'reason' AS old_reason,
       new_row ->> 'date' AS new_date, new_row ->> 'is_closed' AS new_closed, new_row ->> 'reason' AS new_reason,
       :who
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
SELECT max(id) AS mark FROM timepool.audit_log \gset

---------------------------------------------------------------------------
-- 6. reservations: book, confirm, edit, cancel; reservation_history
---------------------------------------------------------------------------
SELECT id AS r1 FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Ana Lima') \gset
SELECT status FROM timepool.set_reservation_status(:r1, 'CONFIRMED');
UPDATE timepool.reservations SET notes = 'prefers mornings' WHERE id = :r1;
SELECT status, cancel_reason FROM timepool.cancel_reservation(:r1, 'patient is ill');
-- each step, in order
SELECT reservation_id = :r1 AS same_reservation, action, old_status, new_status, cancel_reason,
       changes, :who
  FROM timepool.reservation_history WHERE audit_id > :mark ORDER BY audit_id;
-- the same rows in the log itself
SELECT table_name, row_id = :r1 AS same_row, action,
       old_row ->> 'status' AS old_status, new_row ->> 'status' AS new_status,
       new_row ->> 'service_code' AS service_code, new_row ->> 'patient_name' AS patient_name
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
SELECT max(id) AS mark FROM timepool.audit_log \gset
-- a plain INSERT and a DELETE are logged too; a cancellation without a
-- reason has a NULL cancel_reason; an UPDATE that changes nothing has no changes
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
SELECT id, :botox, '2025-11-16', '10:00', 'Plain Insert' FROM timepool.resources WHERE code = 'DR_A'
RETURNING id AS r2 \gset
UPDATE timepool.reservations SET patient_name = patient_name WHERE id = :r2;
SELECT status FROM timepool.cancel_reservation(:r2);
DELETE FROM timepool.reservations WHERE id = :r2;
SELECT reservation_id = :r2 AS same_reservation, action, old_status, new_status, cancel_reason,
       changes, :who
  FROM timepool.reservation_history WHERE audit_id > :mark ORDER BY audit_id;
SELECT max(id) AS mark FROM timepool.audit_log \gset

---------------------------------------------------------------------------
-- 7. a restore (pg_dump's COPY FROM STDIN with check_function_bodies off,
-- of a row whose created_at is older than the transaction, by a superuser
-- or the table's owner) is not logged
---------------------------------------------------------------------------
SET check_function_bodies = off;
COPY timepool.resources (code, name, created_at, updated_at) FROM stdin;
DR_OLD	Dr. Restored	2020-01-01 10:00+00	2020-01-01 10:00+00
\.
RESET check_function_bodies;
SELECT count(*) AS logged_rows FROM timepool.audit_log WHERE id > :mark;
-- a plain INSERT with an old created_at is no restore, a superuser's
-- included: it is logged
INSERT INTO timepool.resources (code, name, created_at, updated_at)
VALUES ('DR_OLD2', 'Dr. Inserted', '2020-01-01 10:00+00', '2020-01-01 10:00+00');
SELECT table_name, action, new_row ->> 'code' AS code
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
DELETE FROM timepool.resources WHERE code = 'DR_OLD2';
SELECT max(id) AS mark FROM timepool.audit_log \gset
-- but a later change of that row is
UPDATE timepool.resources SET name = 'Dr. Restored Later' WHERE code = 'DR_OLD';
SELECT table_name, action, old_row ->> 'name' AS old_name, new_row ->> 'name' AS new_name
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
SELECT max(id) AS mark FROM timepool.audit_log \gset

---------------------------------------------------------------------------
-- 8. changed_by: the role in effect, also through SECURITY DEFINER
-- functions; session_role: the session's user
---------------------------------------------------------------------------
CREATE ROLE tp_audit_site NOLOGIN;
GRANT EXECUTE ON FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text),
                          timepool.cancel_reservation(bigint, text)
  TO tp_audit_site;
GRANT INSERT ON timepool.resources TO tp_audit_site;
SET ROLE tp_audit_site;
SELECT current_user;
SELECT id AS r3, service_code, status FROM timepool.book_service('BOTOX', '2025-11-15', '10:00', 'Site Patient') \gset
SELECT status FROM timepool.cancel_reservation(:r3, 'booked by mistake');
-- a plain INSERT with an old created_at by a role that is neither
-- superuser nor owner is no restore: it is logged
INSERT INTO timepool.resources (code, name, created_at) VALUES ('DR_SITE', 'Dr. Site', '2020-01-01 10:00+00');
-- error: the role cannot read the log
SELECT count(*) FROM timepool.audit_log;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT table_name, row_id = :r3 AS same_row, action,
       coalesce(new_row ->> 'patient_name', new_row ->> 'code') AS what, new_row ->> 'status' AS new_status,
       changed_by = 'tp_audit_site' AS by_site, session_role = session_user AS session_me,
       changed_by = session_user AS by_me
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
SELECT action, old_status, new_status, cancel_reason,
       changed_by = 'tp_audit_site' AS by_site, session_role = session_user AS session_me
  FROM timepool.reservation_history WHERE reservation_id = :r3 ORDER BY audit_id;
-- the superuser's own changes again name the superuser
UPDATE timepool.resources SET is_active = false WHERE code = 'DR_SITE';
SELECT action, changed_by = session_user AS by_me, changed_by = 'tp_audit_site' AS by_site
  FROM timepool.audit_log WHERE id = (SELECT max(id) FROM timepool.audit_log);
SELECT max(id) AS mark FROM timepool.audit_log \gset

---------------------------------------------------------------------------
-- 9. the log is append-only, whatever was granted
---------------------------------------------------------------------------
CREATE ROLE tp_audit_all NOLOGIN;
CREATE ROLE tp_audit_none NOLOGIN;
GRANT ALL ON timepool.audit_log TO tp_audit_all;
GRANT ALL ON SEQUENCE timepool.audit_log_id_seq TO tp_audit_all;
SELECT count(*) AS log_rows_before, sum(id) AS id_sum_before FROM timepool.audit_log \gset
SET ROLE tp_audit_all;
-- reading is what ALL gives
SELECT count(*) = :log_rows_before AS can_read FROM timepool.audit_log;
-- (terse: the DETAIL names the log's owner, the superuser)
\set VERBOSITY terse
-- error: UPDATE
UPDATE timepool.audit_log SET changed_by = 'nobody';
\echo :LAST_ERROR_SQLSTATE
-- error: DELETE
DELETE FROM timepool.audit_log;
\echo :LAST_ERROR_SQLSTATE
-- error: INSERT
INSERT INTO timepool.audit_log (changed_by, session_role, table_name, action)
VALUES ('nobody', 'nobody', 'resources', 'INSERT');
\echo :LAST_ERROR_SQLSTATE
-- error: TRUNCATE
TRUNCATE timepool.audit_log;
\echo :LAST_ERROR_SQLSTATE
-- error: even an UPDATE or DELETE of no row
UPDATE timepool.audit_log SET changed_by = 'nobody' WHERE false;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM timepool.audit_log WHERE false;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE tp_audit_none;
-- error: SELECT
SELECT count(*) FROM timepool.audit_log;
\echo :LAST_ERROR_SQLSTATE
-- error: UPDATE
UPDATE timepool.audit_log SET changed_by = 'nobody';
\echo :LAST_ERROR_SQLSTATE
-- error: DELETE
DELETE FROM timepool.audit_log;
\echo :LAST_ERROR_SQLSTATE
-- error: INSERT
INSERT INTO timepool.audit_log (changed_by, session_role, table_name, action)
VALUES ('nobody', 'nobody', 'resources', 'INSERT');
\echo :LAST_ERROR_SQLSTATE
-- error: TRUNCATE
TRUNCATE timepool.audit_log;
\echo :LAST_ERROR_SQLSTATE
-- error: nor reservation_history
SELECT count(*) FROM timepool.reservation_history;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
\set VERBOSITY default
-- the log is as it was
SELECT count(*) = :log_rows_before AS same_count, sum(id) = :id_sum_before AS same_ids,
       count(*) FILTER (WHERE changed_by = 'nobody') AS nobody_rows
  FROM timepool.audit_log;

---------------------------------------------------------------------------
-- 10. TRUNCATE: one row per table, without row_id
---------------------------------------------------------------------------
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.service_categories, timepool.resources;
SELECT table_name, row_id, action, old_row, new_row, :who
  FROM timepool.audit_log WHERE id > :mark ORDER BY table_name;
-- reservation_history leaves TRUNCATE out (it has no reservation)
SELECT count(*) AS history_truncates FROM timepool.reservation_history WHERE action = 'TRUNCATE';
SELECT max(id) AS mark FROM timepool.audit_log \gset

---------------------------------------------------------------------------
-- 11. settings: old and new time zone
---------------------------------------------------------------------------
SELECT time_zone AS tz0 FROM timepool.settings \gset
UPDATE timepool.settings SET time_zone = 'America/Sao_Paulo';
UPDATE timepool.settings SET time_zone = 'Europe/Lisbon', min_notice_minutes = 30;
-- an INSERT replaces the row: logged as the UPDATE it is
INSERT INTO timepool.settings (time_zone) VALUES ('Asia/Tokyo');
-- error: a time zone that does not exist writes nothing, logs nothing
UPDATE timepool.settings SET time_zone = 'Mars/Olympus';
\echo :LAST_ERROR_SQLSTATE
-- back to what it was
UPDATE timepool.settings SET time_zone = :'tz0';
SELECT table_name, row_id, action,
       CASE WHEN old_row ->> 'time_zone' = :'tz0' THEN '(as before)' ELSE old_row ->> 'time_zone' END AS old_time_zone,
       CASE WHEN new_row ->> 'time_zone' = :'tz0' THEN '(as before)' ELSE new_row ->> 'time_zone' END AS new_time_zone,
       old_row ->> 'min_notice_minutes' AS old_notice, new_row ->> 'min_notice_minutes' AS new_notice,
       :who
  FROM timepool.audit_log WHERE id > :mark ORDER BY id;
UPDATE timepool.settings SET min_notice_minutes = 0;
SELECT time_zone = :'tz0' AS time_zone_restored, min_notice_minutes, max_advance_days
  FROM timepool.settings;

---------------------------------------------------------------------------
-- clean up for the suites that follow: the roles, the tables, the log
---------------------------------------------------------------------------
REVOKE ALL ON timepool.audit_log FROM tp_audit_all;
REVOKE ALL ON SEQUENCE timepool.audit_log_id_seq FROM tp_audit_all;
REVOKE ALL ON timepool.resources FROM tp_audit_site;
REVOKE ALL ON FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text),
                       timepool.cancel_reservation(bigint, text)
  FROM tp_audit_site;
DROP OWNED BY tp_audit_site, tp_audit_all, tp_audit_none;
DROP ROLE tp_audit_site, tp_audit_all, tp_audit_none;
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.service_categories, timepool.resources RESTART IDENTITY;
TRUNCATE timepool.audit_log RESTART IDENTITY;
SELECT count(*) AS log_rows FROM timepool.audit_log;
