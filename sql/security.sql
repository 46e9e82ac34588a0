--
-- security: attacks on 1.1 by a role with the README's clinic_admin rights,
-- each of which must fail from 1.2 on.
--
--  1. audit_change() (SECURITY DEFINER) on a temp table whose column type
--     has a user cast to json: the cast would run as timepool's owner.
--  2. audit_change() on a temp table named "reservations": forged rows in
--     timepool.reservation_history.
--  3. reservations_guard() and reservations_before_write() on a temp table
--     with the right column names and other types: a crash in 1.1.
--     The other trigger functions, C and PL/pgSQL, refuse foreign tables too.
--  4. A cheap function in a WHERE clause on reservation_history or
--     bookable_services sees no row the view hides (security barriers).
--  5. timepool's lock of a service is not for anyone granted EXECUTE.
--  6. an admin's index function that writes timepool's tables, run as the
--     admin by a superuser's (or autovacuum's) ANALYZE, where timepool would
--     have taken the superuser for the writer: refused.
--  7. a transaction kept open does not keep the clinic's "now" behind; an
--     oversized p_details is refused.
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

-- the audit log is not truncated between suites: count from here
SELECT coalesce(max(id), 0) AS mark FROM timepool.audit_log \gset
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves');
INSERT INTO timepool.services (code, name, duration_minutes, price) VALUES
  ('BOTOX', 'Botox', 40, 250.00);
INSERT INTO timepool.services (code, name, duration_minutes, price, is_visible) VALUES
  ('SECRET', 'Hidden service', 30, 999.00, false);
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT id, 6, 'MORNING', '09:00', '12:00' FROM timepool.resources;
SELECT id AS booked FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Patient A') \gset
UPDATE timepool.settings SET min_notice_minutes = 0;

-- the README's roles of 1.1, with what 1.1's admin recipe granted: EXECUTE
-- on every function, the trigger functions among them
SET client_min_messages = warning;
DROP ROLE IF EXISTS tp_sec_admin;
DROP ROLE IF EXISTS tp_sec_desk;
RESET client_min_messages;
CREATE ROLE tp_sec_desk;
GRANT SELECT ON timepool.reservation_history, timepool.bookable_services TO tp_sec_desk;
CREATE ROLE tp_sec_admin;
GRANT tp_sec_desk TO tp_sec_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA timepool TO tp_sec_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA timepool TO tp_sec_admin;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA timepool TO tp_sec_admin;
SELECT count(*) AS audit_rows_before FROM timepool.audit_log \gset

---------------------------------------------------------------------------
-- 1. privilege escalation through a user cast run by audit_change()
---------------------------------------------------------------------------
SET ROLE tp_sec_admin;
CREATE TYPE pg_temp.mood AS ENUM ('happy');
CREATE FUNCTION pg_temp.mood_to_json(pg_temp.mood) RETURNS json LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE 'ALTER ROLE tp_sec_admin SUPERUSER';
  RETURN '"happy"'::json;
END $$;
CREATE CAST (pg_temp.mood AS json) WITH FUNCTION pg_temp.mood_to_json(pg_temp.mood);
CREATE TEMP TABLE t (id bigint, m pg_temp.mood);
CREATE TRIGGER a AFTER INSERT ON pg_temp.t FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
-- error: audit_change() runs on timepool's tables only (39P01)
INSERT INTO pg_temp.t VALUES (1, 'happy');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT rolsuper AS admin_is_superuser FROM pg_roles WHERE rolname = 'tp_sec_admin';

---------------------------------------------------------------------------
-- 2. forged reservation history from a temp table named "reservations"
---------------------------------------------------------------------------
SET ROLE tp_sec_admin;
CREATE TEMP TABLE reservations (id bigint, status text, cancel_reason text);
CREATE TRIGGER forge AFTER INSERT OR UPDATE ON pg_temp.reservations
  FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
-- error: 39P01, and the real reservation's history is untouched
INSERT INTO pg_temp.reservations VALUES (:booked, 'CANCELLED', 'forged');
\echo :LAST_ERROR_SQLSTATE
CREATE TRIGGER forge_truncate AFTER TRUNCATE ON pg_temp.reservations
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_change();
-- error: 39P01 for a TRUNCATE too
TRUNCATE pg_temp.reservations;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT action, new_status, cancel_reason FROM timepool.reservation_history
 WHERE reservation_id = :booked AND audit_id > :mark ORDER BY audit_id;
SELECT count(*) - :audit_rows_before AS audit_rows_added FROM timepool.audit_log;

---------------------------------------------------------------------------
-- 3. the reservations triggers on a table of the right names and other
-- types: refused, no crash
---------------------------------------------------------------------------
SET ROLE tp_sec_admin;
DROP TABLE pg_temp.reservations;
CREATE TEMP TABLE reservations (
  id bigint, resource_id bigint, service_id bigint, service_code text, service_name text,
  duration_minutes int, buffer_minutes int, required_minutes int, price numeric,
  reservation_date date, start_time time, end_time time, period int, status int,
  created_at timestamptz, updated_at timestamptz, status_changed_at timestamptz);
CREATE TRIGGER g AFTER INSERT ON pg_temp.reservations
  FOR EACH ROW EXECUTE FUNCTION timepool.reservations_guard();
-- error: 39P01
INSERT INTO pg_temp.reservations (id, resource_id, service_id, reservation_date, start_time, end_time,
                                  required_minutes, period, status)
VALUES (1, 1, 1, '2025-11-15', '09:00', '09:40', 40, 7, 1);
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER g ON pg_temp.reservations;
CREATE TRIGGER b BEFORE INSERT OR UPDATE ON pg_temp.reservations
  FOR EACH ROW EXECUTE FUNCTION timepool.reservations_before_write();
-- error: 39P01
INSERT INTO pg_temp.reservations (id, resource_id, service_id, reservation_date, start_time, period, status)
VALUES (1, 1, 1, '2025-11-15', '09:00', 7, 1);
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER b ON pg_temp.reservations;

-- every other trigger function of timepool refuses a foreign table (39P01)
CREATE TEMP TABLE other (id bigint, code text, start_time time, end_time time,
                         capacity_minutes int, time_zone text, updated_at timestamptz);
INSERT INTO pg_temp.other VALUES (1, 'X', '09:00', '10:00', NULL, 'UTC', now());
CREATE TRIGGER c AFTER UPDATE ON pg_temp.other
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache();
UPDATE pg_temp.other SET code = 'Y';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER c ON pg_temp.other;
CREATE TRIGGER c BEFORE UPDATE ON pg_temp.other
  FOR EACH ROW EXECUTE FUNCTION timepool.touch_updated_at();
UPDATE pg_temp.other SET code = 'Y';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER c ON pg_temp.other;
CREATE TRIGGER c BEFORE UPDATE ON pg_temp.other
  FOR EACH ROW EXECUTE FUNCTION timepool.fill_capacity();
UPDATE pg_temp.other SET code = 'Y';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER c ON pg_temp.other;
CREATE TRIGGER c BEFORE UPDATE ON pg_temp.other
  FOR EACH ROW EXECUTE FUNCTION timepool.keep_service_code();
UPDATE pg_temp.other SET code = 'Y';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER c ON pg_temp.other;
CREATE TRIGGER c BEFORE UPDATE ON pg_temp.other
  FOR EACH ROW EXECUTE FUNCTION timepool.settings_keep_row();
UPDATE pg_temp.other SET code = 'Y';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER c ON pg_temp.other;
CREATE TRIGGER c BEFORE TRUNCATE ON pg_temp.other
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.settings_keep_table();
TRUNCATE pg_temp.other;
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER c ON pg_temp.other;
CREATE TRIGGER c BEFORE UPDATE ON pg_temp.other
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_log_append_only();
UPDATE pg_temp.other SET code = 'Y';
\echo :LAST_ERROR_SQLSTATE
DROP TRIGGER c ON pg_temp.other;
SELECT code FROM pg_temp.other;
RESET ROLE;
SELECT count(*) - :audit_rows_before AS audit_rows_added FROM timepool.audit_log;
-- the server is still up, and the real tables still work
SELECT start_time, period FROM timepool.book_service('BOTOX', '2025-11-15', '10:00', 'Patient B');

---------------------------------------------------------------------------
-- 4. security barriers: a cheap function in the caller's WHERE clause
---------------------------------------------------------------------------
SELECT relname, reloptions FROM pg_class
 WHERE oid IN ('timepool.reservation_history'::regclass, 'timepool.bookable_services'::regclass)
 ORDER BY relname;
SET ROLE tp_sec_desk;
CREATE TEMP TABLE seen (what text);
CREATE FUNCTION pg_temp.peek(text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
  INSERT INTO pg_temp.seen VALUES ($1);
  RETURN true;
END $$;
-- the history shows reservations only; the peek must see nothing else of
-- the audit log (settings, resources, services, schedule rows)
SELECT count(*) AS history_rows FROM timepool.reservation_history
 WHERE pg_temp.peek(coalesce(new_row, old_row)::text) AND audit_id > :mark;
SELECT count(*) AS other_rows_seen FROM pg_temp.seen
 WHERE what NOT LIKE '%"patient_name"%';
TRUNCATE pg_temp.seen;
-- the menu shows bookable services only; the peek must not see SECRET
SELECT code FROM timepool.bookable_services WHERE pg_temp.peek(code || ' ' || name || ' ' || price);
SELECT count(*) AS hidden_seen FROM pg_temp.seen WHERE what LIKE 'SECRET%';
RESET ROLE;

---------------------------------------------------------------------------
-- 5. timepool's lock of a service: only delete_service() takes it
---------------------------------------------------------------------------
SET ROLE tp_sec_admin;
-- error: 42501, though EXECUTE was granted
SELECT timepool.lock_service(1);
\echo :LAST_ERROR_SQLSTATE
-- delete_service() takes it, as its owner
SELECT code, deleted_at IS NOT NULL AS deleted FROM timepool.delete_service('SECRET');
RESET ROLE;
-- the SQL advisory lock functions cannot reach timepool's lock space: the
-- keys of 1.1 taken from SQL block no booking (the isolation spec
-- lock_space shows it across sessions); here, the lock a booking holds is
-- in that space and no SQL lock is held
BEGIN;
SELECT pg_advisory_xact_lock(29808, timepool.pool_lock_key(1, '2025-11-15', 'MORNING'));
SELECT start_time FROM timepool.book_service('BOTOX', '2025-11-15', '11:00', 'Patient C');
SELECT objsubid, count(*) FROM pg_locks
 WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = 29808
 GROUP BY objsubid ORDER BY objsubid;
ROLLBACK;

---------------------------------------------------------------------------
-- 6. writes from a security-restricted operation
---------------------------------------------------------------------------
CREATE SCHEMA tp_sec_app AUTHORIZATION tp_sec_admin;
SET ROLE tp_sec_admin;
CREATE TABLE tp_sec_app.t (x int);
CREATE TABLE tp_sec_app.armed (x int);
-- writes "restored history" (an old created_at) into a full pool, once armed
CREATE FUNCTION tp_sec_app.sneak() RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF EXISTS (SELECT FROM tp_sec_app.armed) THEN
    INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time,
                                       patient_name, created_at)
    SELECT 1, 1, '2025-11-15', '09:00', 'Ghost ' || g, '2001-01-01' FROM generate_series(1, 5) g;
  END IF;
END $$;
-- and an index function that claims to be immutable and calls it
CREATE FUNCTION tp_sec_app.f(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM tp_sec_app.sneak();
  RETURN $1;
END $$;
INSERT INTO tp_sec_app.t SELECT generate_series(1, 10);
CREATE INDEX ON tp_sec_app.t (tp_sec_app.f(x));
INSERT INTO tp_sec_app.armed VALUES (1);
RESET ROLE;
SELECT count(*) AS morning_rows FROM timepool.reservations WHERE reservation_date = '2025-11-15' \gset
-- error: 42501 when a superuser's ANALYZE evaluates the index
ANALYZE tp_sec_app.t;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) - :morning_rows AS ghosts FROM timepool.reservations WHERE reservation_date = '2025-11-15';
DROP SCHEMA tp_sec_app CASCADE;

---------------------------------------------------------------------------
-- 7. the clinic's clock runs within a transaction; p_details' size
---------------------------------------------------------------------------
RESET timepool.today;
BEGIN;
SELECT pg_sleep(0.2);
SELECT timepool.clinic_now() > now() AS now_is_the_statements;
COMMIT;
SET timepool.today = '2025-11-14';
-- error: 22023, 70000 bytes of details
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '11:00', 'Big',
                                     p_details => jsonb_build_object('x', repeat('x', 70000)));
\echo :LAST_ERROR_SQLSTATE

-- clean up
DROP CAST (pg_temp.mood AS json);
DROP OWNED BY tp_sec_admin, tp_sec_desk;
DROP ROLE tp_sec_admin;
DROP ROLE tp_sec_desk;
