-- test/pgtap/privileges.sql: what PUBLIC, an application role (tp_app) and
-- an admin role (tp_admin) can do with timepool, and that the SECURITY
-- DEFINER functions cannot be steered through the caller's search_path;
-- then 1.1's: a role with EXECUTE on delete_service only, the audit log that
-- nobody but its owner may write whatever was granted, and who the log says
-- made each change; then 1.2's: trigger functions that nobody but their
-- owner may execute and that refuse to run on any table but their own (a
-- temporary twin included), and lock_service, which only timepool's owner
-- may take whatever was granted; and 1.3's resource_services, closed to
-- PUBLIC and to tp_app like every table; then 1.5's: utilization() and the
-- report views, closed to PUBLIC and to tp_app, schedule_notify(), which
-- refuses to run but as the AFTER row trigger of the two schedule tables
-- (called directly, on a table of its own, BEFORE or per statement), and
-- the README's reporting role clinic_reports, which reads the five views
-- and utilization() and nothing else; then 1.7's: the locations table and
-- its sequence, closed to PUBLIC and to tp_app like every table, the nine
-- functions that take p_location, closed to PUBLIC as before, and the two
-- new trigger functions, which nobody but their owner may execute and which
-- refuse to run on any table but their own.
BEGIN;
CREATE EXTENSION timepool;
-- bookings below are on Saturday 2025-11-15 (day_of_week 6); set before any
-- SET ROLE: only a superuser may set timepool.today
SET timepool.today = '2025-11-14';
SELECT plan(260);

-- 1.2: straight after CREATE EXTENSION (before this file grants anything),
-- nobody but the owner may execute a trigger or event trigger function:
-- triggers fire whatever the writer was granted (a NULL proacl would be the
-- default, which lets PUBLIC execute)
SELECT is_empty(
  $$SELECT p.oid::regprocedure::text, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END
      FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
     WHERE p.pronamespace = 'timepool'::regnamespace
       AND p.prorettype IN ('trigger'::regtype, 'event_trigger'::regtype)
       AND a.grantee <> p.proowner AND a.privilege_type = 'EXECUTE'$$,
  'no role but the owner has EXECUTE on a trigger or event trigger function of timepool');
SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.pronamespace = 'timepool'::regnamespace
              AND p.prorettype IN ('trigger'::regtype, 'event_trigger'::regtype)),
          14, 'timepool has 14 trigger and event trigger functions (the checks above covered them; 1.5 added schedule_notify, 1.7 locations_check_row and resources_location)');
-- 1.7: the two new trigger functions by name, EXECUTE for their owner alone
SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.oid IN ('timepool.locations_check_row()'::regprocedure, 'timepool.resources_location()'::regprocedure)
              AND EXISTS (SELECT FROM aclexplode(p.proacl) a WHERE a.grantee = p.proowner AND a.privilege_type = 'EXECUTE')
              AND NOT EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                               WHERE a.grantee <> p.proowner)),
          2, '1.7''s locations_check_row and resources_location have an ACL of their own: EXECUTE for the owner and nobody else');
SELECT is_empty(
  $$SELECT p.oid::regprocedure::text, r.rolname::text
      FROM pg_proc p, pg_roles r
     WHERE p.pronamespace = 'timepool'::regnamespace
       AND p.prorettype IN ('trigger'::regtype, 'event_trigger'::regtype)
       AND NOT r.rolsuper AND r.oid <> p.proowner
       AND has_function_privilege(r.oid, p.oid, 'EXECUTE')$$,
  'no role that is not a superuser or the owner can execute a trigger or event trigger function of timepool');

-- data, as the superuser
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Doctor A');
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price)
  VALUES ('CONSULT', 'Consultation', 30, 10, 50), ('XRAY', 'X-ray', 20, 0, 80);
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
  SELECT id, 6, 'MORNING', '09:00', '12:00' FROM timepool.resources WHERE code = 'DR_A';
-- no clock limit (1.3): the pool probes below fill MORNING with bookings
-- that all start at 09:00; they are about the minutes, not the clock
UPDATE timepool.resources SET max_concurrent = NULL WHERE code = 'DR_A';

CREATE ROLE tp_app NOLOGIN;
GRANT EXECUTE ON FUNCTION timepool.availability(date, text, text, text, text),
                          timepool.can_book(text, date, time, text, text),
                          timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text)
  TO tp_app;
CREATE ROLE tp_nobody NOLOGIN;
CREATE ROLE tp_admin NOLOGIN;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA timepool TO tp_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA timepool TO tp_admin;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA timepool TO tp_admin;

---------------------------------------------------------------------------
-- PUBLIC: the schema's name and the range types, nothing else
---------------------------------------------------------------------------
SELECT is(ARRAY[has_table_privilege('public', c.oid, 'SELECT'),
                has_table_privilege('public', c.oid, 'INSERT'),
                has_table_privilege('public', c.oid, 'UPDATE'),
                has_table_privilege('public', c.oid, 'DELETE'),
                has_table_privilege('public', c.oid, 'TRUNCATE'),
                has_table_privilege('public', c.oid, 'REFERENCES'),
                has_table_privilege('public', c.oid, 'TRIGGER')],
          ARRAY[false, false, false, false, false, false, false],
          'PUBLIC has no privilege on ' || c.oid::regclass::text)
  FROM pg_class c
 WHERE c.oid IN ('timepool.resources'::regclass, 'timepool.services'::regclass,
                 'timepool.clinic_time_slots'::regclass, 'timepool.schedule_overrides'::regclass,
                 'timepool.reservations'::regclass, 'timepool.bookable_services'::regclass,
                 'timepool.service_categories'::regclass, 'timepool.settings'::regclass,
                 'timepool.audit_log'::regclass, 'timepool.reservation_history'::regclass,
                 'timepool.resource_services'::regclass,
                 -- 1.5
                 'timepool.daily_overview'::regclass, 'timepool.service_stats'::regclass,
                 'timepool.resource_stats'::regclass, 'timepool.overbooked_pools'::regclass,
                 'timepool.nearly_full'::regclass,
                 -- 1.7
                 'timepool.locations'::regclass)
 ORDER BY c.relname;
SELECT is((SELECT count(*)::int FROM pg_class c
            WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind IN ('r', 'v', 'S')
              AND (has_table_privilege('public', c.oid, 'SELECT')
                   OR has_table_privilege('public', c.oid, 'INSERT')
                   OR has_table_privilege('public', c.oid, 'UPDATE')
                   OR has_table_privilege('public', c.oid, 'DELETE'))),
          0, 'PUBLIC can read or write no relation of schema timepool');
SELECT is((SELECT count(*)::int FROM pg_class c
            WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind = 'S'
              AND (has_sequence_privilege('public', c.oid, 'USAGE')
                   OR has_sequence_privilege('public', c.oid, 'SELECT')
                   OR has_sequence_privilege('public', c.oid, 'UPDATE'))),
          0, 'PUBLIC has no privilege on the identity sequences');
-- 1.7
SELECT is(ARRAY[has_sequence_privilege('public', 'timepool.locations_id_seq', 'USAGE'),
                has_sequence_privilege('public', 'timepool.locations_id_seq', 'SELECT'),
                has_sequence_privilege('public', 'timepool.locations_id_seq', 'UPDATE')],
          ARRAY[false, false, false],
          'PUBLIC has no privilege on timepool.locations_id_seq (1.7)');
SELECT is(has_function_privilege('public', p.oid, 'EXECUTE'), false,
          'PUBLIC cannot execute ' || p.oid::regprocedure::text)
  FROM pg_proc p
 WHERE p.oid IN ('timepool.book_service(text,date,time,text,text,text,text,jsonb,text,text,text,text)'::regprocedure,
                 'timepool.cancel_reservation(bigint,text)'::regprocedure,
                 'timepool.set_reservation_status(bigint,text)'::regprocedure,
                 'timepool.availability(date,text,text,text,text)'::regprocedure,
                 'timepool.can_book(text,date,time,text,text)'::regprocedure,
                 'timepool.pool_lock_key(bigint,date,text)'::regprocedure,
                 'timepool.delete_service(text,boolean)'::regprocedure,
                 'timepool.restore_service(bigint)'::regprocedure,
                 'timepool.clinic_now()'::regprocedure,
                 'timepool.clinic_today(text)'::regprocedure,
                 'timepool.audit_change()'::regprocedure,
                 'timepool.audit_log_append_only()'::regprocedure,
                 'timepool.keep_service_code()'::regprocedure,
                 'timepool.settings_keep_row()'::regprocedure,
                 'timepool.settings_keep_table()'::regprocedure,
                 'timepool.lock_service(bigint)'::regprocedure,
                 'timepool.lock_pool(bigint,date,text)'::regprocedure,
                 'timepool.keep_triggers()'::regprocedure,
                 -- 1.4
                 'timepool.open_slots(text,date,date,integer,text,text)'::regprocedure,
                 'timepool.check_booking(text,date,time,text,text)'::regprocedure,
                 'timepool.hold_slot(text,date,time,text,interval,text,text)'::regprocedure,
                 'timepool.confirm_hold(uuid,text,text,text,text,jsonb)'::regprocedure,
                 'timepool.release_hold(uuid)'::regprocedure,
                 'timepool.expire_holds()'::regprocedure,
                 'timepool.book_online(text,date,time,text,text,text,text,jsonb,text,text,text)'::regprocedure,
                 'timepool.get_booking(uuid)'::regprocedure,
                 'timepool.cancel_booking(uuid,text)'::regprocedure,
                 'timepool.reschedule_booking(uuid,date,time,text)'::regprocedure,
                 'timepool.reschedule_reservation(bigint,date,time,text)'::regprocedure,
                 -- 1.5
                 'timepool.utilization(date,date,text,text)'::regprocedure,
                 'timepool.schedule_notify()'::regprocedure,
                 -- 1.7
                 'timepool.locations_check_row()'::regprocedure,
                 'timepool.resources_location()'::regprocedure)
 ORDER BY p.proname;
-- 1.4: each new function is EXECUTE for its owner alone (and tp_admin, whom
-- this file granted EXECUTE ON ALL FUNCTIONS)
SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.oid IN ('timepool.open_slots(text,date,date,integer,text,text)'::regprocedure, 'timepool.check_booking(text,date,time,text,text)'::regprocedure, 'timepool.hold_slot(text,date,time,text,interval,text,text)'::regprocedure, 'timepool.confirm_hold(uuid,text,text,text,text,jsonb)'::regprocedure, 'timepool.release_hold(uuid)'::regprocedure, 'timepool.expire_holds()'::regprocedure,
                            'timepool.book_online(text,date,time,text,text,text,text,jsonb,text,text,text)'::regprocedure, 'timepool.get_booking(uuid)'::regprocedure, 'timepool.cancel_booking(uuid,text)'::regprocedure, 'timepool.reschedule_booking(uuid,date,time,text)'::regprocedure, 'timepool.reschedule_reservation(bigint,date,time,text)'::regprocedure)
              AND p.prosecdef
              AND EXISTS (SELECT FROM aclexplode(p.proacl) a WHERE a.grantee = p.proowner AND a.privilege_type = 'EXECUTE')
              AND NOT EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                               WHERE a.grantee <> p.proowner AND a.grantee NOT IN ('tp_admin'::regrole))),
          11, '1.4''s 11 functions are SECURITY DEFINER with an ACL of their own: EXECUTE for the owner, and only tp_admin''s grant besides');
SELECT is(has_function_privilege('tp_app', p.oid, 'EXECUTE'), false,
          'tp_app (granted availability, can_book, book_service) cannot execute ' || p.oid::regprocedure::text)
  FROM pg_proc p
 WHERE p.oid IN ('timepool.open_slots(text,date,date,integer,text,text)'::regprocedure,
                 'timepool.check_booking(text,date,time,text,text)'::regprocedure,
                 'timepool.hold_slot(text,date,time,text,interval,text,text)'::regprocedure,
                 'timepool.confirm_hold(uuid,text,text,text,text,jsonb)'::regprocedure,
                 'timepool.release_hold(uuid)'::regprocedure,
                 'timepool.expire_holds()'::regprocedure,
                 'timepool.book_online(text,date,time,text,text,text,text,jsonb,text,text,text)'::regprocedure,
                 'timepool.get_booking(uuid)'::regprocedure,
                 'timepool.cancel_booking(uuid,text)'::regprocedure,
                 'timepool.reschedule_booking(uuid,date,time,text)'::regprocedure,
                 'timepool.reschedule_reservation(bigint,date,time,text)'::regprocedure)
 ORDER BY p.proname;
-- 1.5: the same for utilization() and schedule_notify()
SELECT is((SELECT count(*)::int FROM pg_proc p
            WHERE p.oid IN ('timepool.utilization(date,date,text,text)'::regprocedure, 'timepool.schedule_notify()'::regprocedure)
              AND p.prosecdef
              AND EXISTS (SELECT FROM aclexplode(p.proacl) a WHERE a.grantee = p.proowner AND a.privilege_type = 'EXECUTE')
              AND NOT EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                               WHERE a.grantee <> p.proowner AND a.grantee NOT IN ('tp_admin'::regrole))),
          2, '1.5''s utilization and schedule_notify are SECURITY DEFINER with an ACL of their own: EXECUTE for the owner, and only tp_admin''s grant besides');
SELECT is(has_function_privilege('tp_app', 'timepool.utilization(date,date,text,text)', 'EXECUTE'), false,
          'tp_app (granted availability, can_book, book_service) cannot execute utilization (1.5)');
SELECT is_empty(
  $$SELECT c.oid::regclass::text FROM pg_class c
     WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind = 'v'
       AND relname IN ('daily_overview', 'service_stats', 'resource_stats', 'overbooked_pools', 'nearly_full')
       AND (has_table_privilege('tp_app', c.oid, 'SELECT') OR has_table_privilege('tp_nobody', c.oid, 'SELECT'))$$,
  'neither tp_app nor tp_nobody may SELECT a report view (1.5)');
SELECT is(has_type_privilege('public', 'timepool.booking_receipt', 'USAGE'), true,
          'PUBLIC may use the type booking_receipt (a type''s default; the functions that return it are not PUBLIC''s)');
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'timepool'::regnamespace
                   AND has_function_privilege('public', p.oid, 'EXECUTE')$$,
              ARRAY['timepool.time_range(time without time zone,time without time zone)',
                    'timepool.time_range(time without time zone,time without time zone,text)',
                    'timepool.label_range(text,text)',
                    'timepool.label_range(text,text,text)',
                    -- 1.7: the tables' policies call them with the reader's rights
                    'timepool.location_visible(bigint)',
                    'timepool.resource_visible(bigint)'],
              'PUBLIC can execute only the range constructors the exclusion constraints call, and 1.7''s location_visible and resource_visible the policies call');
SELECT schema_privs_are('timepool', 'public', ARRAY['USAGE'],
                        'PUBLIC has USAGE, and not CREATE, on schema timepool');
SELECT is(has_type_privilege('public', 'timepool.time_range', 'USAGE')
          AND has_type_privilege('public', 'timepool.label_range', 'USAGE'),
          true, 'PUBLIC may use the two range types');
-- a role with no grant of its own gets only what PUBLIC has
SET LOCAL ROLE tp_nobody;
SELECT throws_ok($$SELECT * FROM timepool.availability('2025-11-15')$$, '42501', NULL,
                 'a role without grants cannot call availability');
RESET ROLE;
SET LOCAL ROLE tp_nobody;
SELECT throws_ok($$SELECT timepool.book_service('CONSULT', '2025-11-15', '09:00', 'Mallory')$$, '42501', NULL,
                 'a role without grants cannot call book_service');
SELECT throws_ok($$SELECT timepool.hold_slot('CONSULT', '2025-11-15', '09:00')$$, '42501', NULL,
                 'a role without grants cannot call hold_slot (1.4)');
SELECT throws_ok($$SELECT timepool.get_booking(gen_random_uuid())$$, '42501', NULL,
                 'a role without grants cannot call get_booking (1.4)');
SELECT throws_ok($$SELECT timepool.expire_holds()$$, '42501', NULL,
                 'a role without grants cannot call expire_holds (1.4)');
SELECT throws_ok($$SELECT * FROM timepool.utilization('2025-11-15', '2025-11-15')$$, '42501', NULL,
                 'a role without grants cannot call utilization (1.5)');
SELECT throws_ok($$SELECT * FROM timepool.daily_overview$$, '42501', NULL,
                 'a role without grants cannot read daily_overview (1.5)');
RESET ROLE;

---------------------------------------------------------------------------
-- tp_app: EXECUTE on availability, can_book and book_service only
---------------------------------------------------------------------------
SELECT function_privs_are('timepool', 'availability', ARRAY['date', 'text', 'text', 'text', 'text'],
                          'tp_app', ARRAY['EXECUTE'], 'tp_app may execute availability');
SELECT function_privs_are('timepool', 'can_book', ARRAY['text', 'date', 'time without time zone', 'text', 'text'],
                          'tp_app', ARRAY['EXECUTE'], 'tp_app may execute can_book');
SELECT function_privs_are('timepool', 'book_service',
                          ARRAY['text', 'date', 'time without time zone', 'text', 'text', 'text', 'text',
                                'jsonb', 'text', 'text', 'text', 'text'],
                          'tp_app', ARRAY['EXECUTE'], 'tp_app may execute book_service');
SELECT function_privs_are('timepool', 'cancel_reservation', ARRAY['bigint', 'text'],
                          'tp_app', '{}'::name[], 'tp_app may not execute cancel_reservation');
SELECT function_privs_are('timepool', 'set_reservation_status', ARRAY['bigint', 'text'],
                          'tp_app', '{}'::name[], 'tp_app may not execute set_reservation_status');
SELECT table_privs_are('timepool', 'reservations', 'tp_app', '{}'::name[],
                       'tp_app has no privilege on timepool.reservations');
SELECT table_privs_are('timepool', 'services', 'tp_app', '{}'::name[],
                       'tp_app has no privilege on timepool.services');
SELECT table_privs_are('timepool', 'resource_services', 'tp_app', '{}'::name[],
                       'tp_app has no privilege on timepool.resource_services (1.3)');
SELECT table_privs_are('timepool', 'locations', 'tp_app', '{}'::name[],
                       'tp_app has no privilege on timepool.locations (1.7)');

SET LOCAL ROLE tp_app;
SELECT is(current_user::text, 'tp_app', 'SET LOCAL ROLE tp_app took effect');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT results_eq(
  $$SELECT resource, period, total_minutes, booked_minutes, can_book
      FROM timepool.availability('2025-11-15', p_service => 'CONSULT')$$,
  $$VALUES ('DR_A'::text, 'MORNING'::text, 180, 0, true)$$,
  'tp_app can call availability');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT is(timepool.can_book('CONSULT', '2025-11-15', '09:00'), true, 'tp_app can call can_book');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT row_eq(
  $$SELECT service_code, reservation_date, start_time, end_time, period, status, patient_name
      FROM timepool.book_service('CONSULT', '2025-11-15', '09:00', 'Ann',
                                 p_idempotency_key => 'app-1')$$,
  ROW('CONSULT'::text, '2025-11-15'::date, '09:00'::time, '09:40'::time, 'MORNING'::text,
      'PENDING'::text, 'Ann'::text),
  'tp_app can book through book_service (SECURITY DEFINER)');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM timepool.reservations WHERE idempotency_key = 'app-1'), 1,
          'the booking tp_app made is stored');
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT * FROM timepool.reservations$$, '42501', NULL,
                 'tp_app cannot SELECT timepool.reservations');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT * FROM timepool.bookable_services$$, '42501', NULL,
                 'tp_app cannot SELECT timepool.bookable_services');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$UPDATE timepool.services SET price = 0$$, '42501', NULL,
                 'tp_app cannot UPDATE timepool.services');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
                   VALUES (1, 1, '2025-11-15', '10:00', 'Mallory')$$, '42501', NULL,
                 'tp_app cannot INSERT INTO timepool.reservations');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$DELETE FROM timepool.reservations$$, '42501', NULL,
                 'tp_app cannot DELETE FROM timepool.reservations');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT * FROM timepool.resource_services$$, '42501', NULL,
                 'tp_app cannot SELECT timepool.resource_services');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$INSERT INTO timepool.resource_services (resource_id, service_id) VALUES (1, 1)$$, '42501', NULL,
                 'tp_app cannot INSERT INTO timepool.resource_services');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT * FROM timepool.locations$$, '42501', NULL,
                 'tp_app cannot SELECT timepool.locations (1.7)');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$UPDATE timepool.locations SET time_zone = 'UTC'$$, '42501', NULL,
                 'tp_app cannot UPDATE timepool.locations (1.7)');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT timepool.cancel_reservation(1)$$, '42501', NULL,
                 'tp_app cannot call cancel_reservation');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT timepool.set_reservation_status(1, 'CONFIRMED')$$, '42501', NULL,
                 'tp_app cannot call set_reservation_status');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT nextval('timepool.reservations_id_seq')$$, '42501', NULL,
                 'tp_app cannot advance the reservations sequence');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SET timepool.today = '2020-01-01'$$, '42501', NULL,
                 'tp_app cannot move "today" (timepool.today is superuser-only)');
RESET ROLE;
SELECT is((SELECT status FROM timepool.reservations WHERE idempotency_key = 'app-1'), 'PENDING',
          'nothing tp_app was refused changed its booking');

---------------------------------------------------------------------------
-- tp_admin: table privileges, sequences and every function
---------------------------------------------------------------------------
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$INSERT INTO timepool.resources (code, name) VALUES ('DR_Z', 'Doctor Z')$$,
                'tp_admin can add a resource');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$INSERT INTO timepool.service_categories (code, name) VALUES ('GENERAL', 'General')$$,
                'tp_admin can add a service category');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$INSERT INTO timepool.services (code, name, duration_minutes, category)
                  VALUES ('CHECKUP', 'Check-up', 15, 'GENERAL')$$,
                'tp_admin can add a service in that category');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$UPDATE timepool.services SET price = 55, display_order = 2 WHERE code = 'CONSULT'$$,
                'tp_admin can change a service');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$UPDATE timepool.services SET deleted_at = now() WHERE code = 'XRAY'$$,
                'tp_admin can soft-delete a service');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                  SELECT id, 6, 'MORNING', '08:00', '10:00' FROM timepool.resources WHERE code = 'DR_Z'$$,
                'tp_admin can add a weekly schedule row');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$UPDATE timepool.clinic_time_slots SET capacity_minutes = 90
                   WHERE resource_id = (SELECT id FROM timepool.resources WHERE code = 'DR_Z')$$,
                'tp_admin can change a weekly schedule row');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time)
                  SELECT id, '2025-11-22', 'EVENING', '17:00', '19:00' FROM timepool.resources WHERE code = 'DR_Z'$$,
                'tp_admin can add special hours');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$INSERT INTO timepool.schedule_overrides (date, is_closed, reason)
                  VALUES ('2025-12-25', true, 'Christmas')$$,
                'tp_admin can add a closure');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$DELETE FROM timepool.schedule_overrides WHERE date = '2025-11-22'$$,
                'tp_admin can remove an override');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT lives_ok($$INSERT INTO timepool.resource_services (resource_id, service_id)
                  SELECT r.id, s.id FROM timepool.resources r, timepool.services s
                   WHERE r.code = 'DR_Z' AND s.code = 'CHECKUP'$$,
                'tp_admin can say which services a resource performs (resource_services, 1.3)');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT results_eq($$SELECT code FROM timepool.bookable_services$$,
                  ARRAY['CHECKUP', 'CONSULT'],
                  'tp_admin reads bookable_services: XRAY deleted, CHECKUP (in a category) before CONSULT (none)');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT is((SELECT status FROM timepool.set_reservation_status(
             (SELECT id FROM timepool.reservations WHERE idempotency_key = 'app-1'), 'CONFIRMED')),
          'CONFIRMED', 'tp_admin can confirm a reservation');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT is((SELECT status FROM timepool.cancel_reservation(
             (SELECT id FROM timepool.reservations WHERE idempotency_key = 'app-1'), 'patient called')),
          'CANCELLED', 'tp_admin can cancel a reservation');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT throws_ok($$TRUNCATE timepool.reservations$$, '42501', NULL,
                 'tp_admin cannot TRUNCATE (not granted)');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT throws_ok($$CREATE TABLE timepool.extra (id int)$$, '42501', NULL,
                 'tp_admin cannot create objects in schema timepool');
RESET ROLE;
SELECT row_eq($$SELECT price, display_order FROM timepool.services WHERE code = 'CONSULT'$$,
              ROW(55.00::numeric(12,2), 2), 'tp_admin''s service change is stored');
SELECT is((SELECT count(*)::int FROM timepool.schedule_overrides), 1,
          'tp_admin''s closure is stored and the removed override is gone');
SELECT is((SELECT array_agg(r.code || ' ' || s.code) FROM timepool.resource_services rs
             JOIN timepool.resources r ON r.id = rs.resource_id JOIN timepool.services s ON s.id = rs.service_id),
          ARRAY['DR_Z CHECKUP'], 'tp_admin''s resource_services row is stored');
SELECT is((SELECT ARRAY[status, cancel_reason] FROM timepool.reservations WHERE idempotency_key = 'app-1'),
          ARRAY['CANCELLED', 'patient called'], 'tp_admin''s cancellation is stored with its reason');

---------------------------------------------------------------------------
-- search_path: SECURITY DEFINER functions run with search_path pinned
---------------------------------------------------------------------------
SELECT is(proconfig, ARRAY['search_path=pg_catalog, pg_temp'],
          p.oid::regprocedure::text || ' pins search_path = pg_catalog, pg_temp')
  FROM pg_proc p
 WHERE p.pronamespace = 'timepool'::regnamespace AND p.prosecdef
 ORDER BY p.proname;

-- A schema whose "=" on text is always true and whose "<>" on text is
-- always false, put ahead of pg_catalog in the caller's search_path.
CREATE SCHEMA evil;
CREATE FUNCTION evil.always(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION evil.never(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT false';
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.always);
CREATE OPERATOR evil.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.never);
-- an evil twin of the table too: unqualified "reservations" would find it
CREATE TABLE evil.reservations (id bigint);
GRANT USAGE ON SCHEMA evil TO PUBLIC;
GRANT SELECT ON evil.reservations TO PUBLIC;
-- the probes run with search_path = evil, pg_catalog (the last three as tp_app)
CREATE FUNCTION evil.count_services(p_code text) RETURNS bigint
  LANGUAGE sql SET search_path = evil, pg_catalog
  AS $$ SELECT count(*) FROM timepool.services WHERE code = p_code $$;
CREATE FUNCTION evil.try_can_book(p_service text) RETURNS text
  LANGUAGE plpgsql SET search_path = evil, pg_catalog
  AS $$
BEGIN
  RETURN timepool.can_book(p_service, '2025-11-15'::date, '09:00'::time, 'DR_A')::text;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END
$$;
CREATE FUNCTION evil.book(p_name text) RETURNS text
  LANGUAGE plpgsql SET search_path = evil, pg_catalog
  AS $$
BEGIN
  RETURN (timepool.book_service('CONSULT', '2025-11-15'::date, '09:00'::time, p_name,
                                p_resource => 'DR_A')).period;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END
$$;
CREATE FUNCTION evil.availability() RETURNS SETOF text
  LANGUAGE sql SET search_path = evil, pg_catalog
  AS $$ SELECT a::text FROM timepool.availability('2025-11-15'::date, NULL, 'CONSULT') a $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA evil TO tp_app;
-- one live booking before the probes (tp_app's own was cancelled above)
DO $$ BEGIN PERFORM timepool.book_service('CONSULT', '2025-11-15', '09:00', 'Before', p_resource => 'DR_A'); END $$;

-- (as the superuser, who may read services) the trap catches plain SQL
SELECT is(evil.count_services('NO_SUCH_SERVICE'), 3::bigint,
          'the trap works: under search_path evil, "code = ''NO_SUCH_SERVICE''" matches all 3 services');
SET LOCAL ROLE tp_app;
SELECT is(evil.try_can_book('NO_SUCH_SERVICE'), 'TP003',
          'can_book under the evil search_path still refuses an unknown service (TP003)');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT results_eq($$SELECT * FROM evil.availability()$$,
                  $$SELECT a::text FROM timepool.availability('2025-11-15', NULL, 'CONSULT') a$$,
                  'availability under the evil search_path returns what it returns normally');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT is(evil.book('Evelyn'), 'MORNING',
          'book_service under the evil search_path books normally');
RESET ROLE;
SELECT results_eq(
  $$SELECT booked_minutes, remaining_minutes, reservation_count
      FROM timepool.availability('2025-11-15', p_resource => 'DR_A')$$,
  $$VALUES (80, 100, 2)$$,
  'the evil booking counted the pool correctly: Before + Evelyn, the cancelled booking not counted');
-- fill the pool: 100 minutes left, CONSULT needs 40
DO $$ BEGIN
  PERFORM timepool.book_service('CONSULT', '2025-11-15', '09:00', 'Fill 1', p_resource => 'DR_A');
  PERFORM timepool.book_service('CONSULT', '2025-11-15', '09:00', 'Fill 2', p_resource => 'DR_A');
END $$;
SET LOCAL ROLE tp_app;
SELECT is(evil.book('Overflow'), 'TP001',
          'book_service under the evil search_path still refuses a full pool (TP001)');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT is(evil.try_can_book('CONSULT'), 'false',
          'can_book under the evil search_path sees the full pool');
RESET ROLE;

-- a schedule editor with table privileges only (no EXECUTE on any function)
-- can write the weekly schedule: the exclusion constraints' range
-- constructors are executable by PUBLIC
CREATE ROLE tp_editor NOLOGIN;
GRANT SELECT, INSERT, UPDATE ON timepool.clinic_time_slots, timepool.schedule_overrides TO tp_editor;
GRANT SELECT ON timepool.resources TO tp_editor;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA timepool TO tp_editor;
SET LOCAL ROLE tp_editor;
SELECT lives_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                  SELECT id, 2, 'EVENING', '18:00', '20:00' FROM timepool.resources WHERE code = 'DR_A'$$,
                'tp_editor (table privileges only) can add a weekly period');
SELECT throws_ok($$INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
                   SELECT id, 2, 'LATE', '19:00', '21:00' FROM timepool.resources WHERE code = 'DR_A'$$,
                 '23P01', NULL,
                 'tp_editor gets the overlap refusal, not a permission error');
SELECT lives_ok($$UPDATE timepool.clinic_time_slots SET end_time = '21:00' WHERE period = 'EVENING' AND day_of_week = 2$$,
                'tp_editor can move a weekly period''s end');
RESET ROLE;

---------------------------------------------------------------------------
-- 1.1: tp_app and the new objects
---------------------------------------------------------------------------
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT * FROM timepool.audit_log$$, '42501', NULL,
                 'tp_app cannot read timepool.audit_log');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT * FROM timepool.reservation_history$$, '42501', NULL,
                 'tp_app cannot read timepool.reservation_history');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$UPDATE timepool.settings SET max_advance_days = 3660$$, '42501', NULL,
                 'tp_app cannot change timepool.settings');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT timepool.delete_service('CONSULT')$$, '42501', NULL,
                 'tp_app cannot call delete_service');
RESET ROLE;
SET LOCAL ROLE tp_app;
SELECT throws_ok($$SELECT timepool.clinic_today()$$, '42501', NULL,
                 'tp_app cannot call clinic_today (not granted to PUBLIC)');
RESET ROLE;

---------------------------------------------------------------------------
-- 1.1: a role with EXECUTE on delete_service and nothing else
---------------------------------------------------------------------------
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('RETIRE', 'To retire', 10);
CREATE ROLE tp_deleter NOLOGIN;
GRANT EXECUTE ON FUNCTION timepool.delete_service(text, boolean) TO tp_deleter;
SELECT function_privs_are('timepool', 'delete_service', ARRAY['text', 'boolean'],
                          'tp_deleter', ARRAY['EXECUTE'], 'tp_deleter may execute delete_service');
SELECT function_privs_are('timepool', 'restore_service', ARRAY['bigint'],
                          'tp_deleter', '{}'::name[], 'tp_deleter may not execute restore_service');
SET LOCAL ROLE tp_deleter;
SELECT row_eq($$SELECT code, deleted_at IS NOT NULL FROM timepool.delete_service('RETIRE')$$,
              ROW('RETIRE'::text, true),
              'tp_deleter can delete a service through delete_service (SECURITY DEFINER)');
RESET ROLE;
SET LOCAL ROLE tp_deleter;
SELECT throws_ok($$SELECT * FROM timepool.services$$, '42501', NULL,
                 'tp_deleter cannot read timepool.services');
RESET ROLE;
SET LOCAL ROLE tp_deleter;
SELECT throws_ok($$UPDATE timepool.services SET deleted_at = NULL WHERE code = 'RETIRE'$$, '42501', NULL,
                 'tp_deleter cannot UPDATE timepool.services');
RESET ROLE;
SET LOCAL ROLE tp_deleter;
SELECT throws_ok($$SELECT timepool.restore_service(1)$$, '42501', NULL,
                 'tp_deleter cannot call restore_service');
RESET ROLE;
SELECT is((SELECT deleted_at IS NOT NULL FROM timepool.services WHERE code = 'RETIRE'), true,
          'RETIRE is deleted, and stays so');

---------------------------------------------------------------------------
-- 1.1: audit_log is append-only, whatever was granted
---------------------------------------------------------------------------
CREATE ROLE tp_auditor NOLOGIN;
GRANT ALL ON timepool.audit_log TO tp_auditor;
GRANT ALL ON SEQUENCE timepool.audit_log_id_seq TO tp_auditor;
SELECT table_privs_are('timepool', 'audit_log', 'tp_auditor',
                       ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
                       'tp_auditor was granted ALL on timepool.audit_log');
SET LOCAL ROLE tp_auditor;
SELECT ok((SELECT count(*) FROM timepool.audit_log) > 0, 'tp_auditor can read the log (SELECT was granted)');
RESET ROLE;
SET LOCAL ROLE tp_auditor;
SELECT throws_ok($$INSERT INTO timepool.audit_log (changed_by, session_role, table_name, action)
                   VALUES ('nobody', 'nobody', 'reservations', 'DELETE')$$,
                 '42501', 'permission denied: timepool.audit_log is append-only',
                 'tp_auditor (GRANT ALL) cannot INSERT into audit_log');
RESET ROLE;
SET LOCAL ROLE tp_auditor;
SELECT throws_ok($$UPDATE timepool.audit_log SET changed_by = 'nobody'$$,
                 '42501', 'permission denied: timepool.audit_log is append-only',
                 'tp_auditor (GRANT ALL) cannot UPDATE audit_log');
RESET ROLE;
SET LOCAL ROLE tp_auditor;
SELECT throws_ok($$DELETE FROM timepool.audit_log$$,
                 '42501', 'permission denied: timepool.audit_log is append-only',
                 'tp_auditor (GRANT ALL) cannot DELETE from audit_log');
RESET ROLE;
SET LOCAL ROLE tp_auditor;
SELECT throws_ok($$TRUNCATE timepool.audit_log$$,
                 '42501', 'permission denied: timepool.audit_log is append-only',
                 'tp_auditor (GRANT ALL) cannot TRUNCATE audit_log');
RESET ROLE;
SET LOCAL ROLE tp_auditor;
SELECT throws_ok($$UPDATE timepool.audit_log SET changed_by = 'nobody' WHERE false$$,
                 '42501', 'permission denied: timepool.audit_log is append-only',
                 'tp_auditor cannot even run an UPDATE of audit_log that changes no row');
RESET ROLE;
-- tp_admin got SELECT, INSERT, UPDATE, DELETE on ALL TABLES, audit_log among them
SET LOCAL ROLE tp_admin;
SELECT throws_ok($$DELETE FROM timepool.audit_log WHERE table_name = 'reservations'$$,
                 '42501', 'permission denied: timepool.audit_log is append-only',
                 'tp_admin (granted DELETE on every table) cannot DELETE from audit_log');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT throws_ok($$UPDATE timepool.audit_log SET changed_by = 'someone else'$$,
                 '42501', 'permission denied: timepool.audit_log is append-only',
                 'tp_admin cannot UPDATE audit_log');
RESET ROLE;
SET LOCAL ROLE tp_admin;
SELECT throws_ok($$INSERT INTO timepool.audit_log (changed_by, session_role, table_name, action)
                   VALUES ('tp_admin', 'tp_admin', 'services', 'DELETE')$$,
                 '42501', 'permission denied: timepool.audit_log is append-only',
                 'tp_admin cannot INSERT into audit_log');
RESET ROLE;
-- the owner (here a superuser) may
SELECT lives_ok($$UPDATE timepool.audit_log SET changed_by = changed_by WHERE false$$,
                'the owner of audit_log may write to it');
SELECT is((SELECT count(*)::int FROM timepool.audit_log WHERE changed_by = 'nobody' OR changed_by = 'someone else'),
          0, 'nothing the refused statements tried is in the log');

---------------------------------------------------------------------------
-- 1.1: who the log says made each change
---------------------------------------------------------------------------
SELECT is((SELECT changed_by || ' ' || session_role FROM timepool.audit_log
            WHERE table_name = 'reservations' AND action = 'INSERT'
              AND new_row ->> 'idempotency_key' = 'app-1'),
          'tp_app ' || session_user,
          'tp_app''s booking through book_service (SECURITY DEFINER) is logged as tp_app, in the session''s user');
SELECT is((SELECT changed_by FROM timepool.audit_log
            WHERE table_name = 'reservations' AND action = 'UPDATE'
              AND new_row ->> 'idempotency_key' = 'app-1' AND new_row ->> 'status' = 'CANCELLED'),
          'tp_admin', 'tp_admin''s cancellation is logged as tp_admin');
SELECT is((SELECT string_agg(changed_by, ',') FROM timepool.audit_log
            WHERE table_name = 'services' AND action = 'INSERT' AND new_row ->> 'code' = 'CHECKUP'),
          'tp_admin', 'tp_admin''s plain INSERT of a service is logged as tp_admin');
SELECT is((SELECT changed_by FROM timepool.audit_log
            WHERE table_name = 'services' AND action = 'UPDATE' AND new_row ->> 'code' = 'RETIRE'),
          'tp_deleter', 'tp_deleter''s delete_service is logged as tp_deleter');
SELECT is((SELECT changed_by FROM timepool.audit_log
            WHERE table_name = 'clinic_time_slots' AND action = 'INSERT' AND new_row ->> 'period' = 'EVENING'),
          'tp_editor', 'tp_editor''s new weekly period is logged as tp_editor');
SELECT is((SELECT string_agg(changed_by, ',') FROM timepool.audit_log
            WHERE table_name = 'resource_services' AND action = 'INSERT'),
          'tp_admin', 'tp_admin''s plain INSERT into resource_services is logged as tp_admin (1.3)');

---------------------------------------------------------------------------
-- 1.2: lock_service, whatever was granted, is timepool's owner's alone
---------------------------------------------------------------------------
CREATE ROLE tp_locker NOLOGIN;
GRANT EXECUTE ON FUNCTION timepool.lock_service(bigint) TO tp_locker;
SELECT function_privs_are('timepool', 'lock_service', ARRAY['bigint'],
                          'tp_locker', ARRAY['EXECUTE'], 'tp_locker was granted EXECUTE on lock_service');
SET LOCAL ROLE tp_locker;
SELECT throws_ok($$SELECT timepool.lock_service(1)$$, '42501', NULL,
                 'tp_locker (granted EXECUTE) still cannot take a service''s lock (42501)');
RESET ROLE;
-- the owner takes it through delete_service (tp_deleter above), and may
-- take it directly
SELECT lives_ok($$SELECT timepool.lock_service(1)$$, 'timepool''s owner can take a service''s lock');

---------------------------------------------------------------------------
-- 1.2: trigger functions run only on the tables they were made for
--
-- tp_intruder got what 1.1's README recipe gave its admin (GRANT EXECUTE ON
-- ALL FUNCTIONS), which lets it attach timepool's trigger functions to a
-- table of its own: a temporary one named like timepool's, with a period
-- that is an int where reservations' is text.  Each fires with the timing
-- its own trigger has, and refuses (39P01) on that table.
---------------------------------------------------------------------------
CREATE ROLE tp_intruder NOLOGIN;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA timepool TO tp_intruder;
SELECT is_empty(
  $$SELECT p FROM unnest(ARRAY['timepool.audit_change()', 'timepool.reservations_guard()',
                               'timepool.reservations_before_write()', 'timepool.invalidate_cache()',
                               'timepool.touch_updated_at()', 'timepool.fill_capacity()',
                               'timepool.keep_service_code()', 'timepool.settings_keep_row()',
                               'timepool.settings_keep_table()', 'timepool.audit_log_append_only()',
                               'timepool.schedule_notify()',
                               -- 1.7
                               'timepool.locations_check_row()', 'timepool.resources_location()']::regprocedure[]) p
     WHERE NOT has_function_privilege('tp_intruder', p, 'EXECUTE')$$,
  'tp_intruder may execute every trigger function of timepool (GRANT EXECUTE ON ALL FUNCTIONS)');
CREATE TEMP TABLE audit_mark AS SELECT count(*) AS n FROM timepool.audit_log;
SET LOCAL ROLE tp_intruder;
CREATE TEMP TABLE reservations (
  id bigint, resource_id bigint, service_id bigint, service_code text, service_name text,
  duration_minutes integer, buffer_minutes integer, required_minutes integer, price numeric(12,2),
  reservation_date date, start_time time, end_time time, period integer, status text,
  patient_name text, patient_phone text, patient_email text, notes text, details jsonb,
  idempotency_key text, created_at timestamptz, updated_at timestamptz,
  status_changed_at timestamptz, cancel_reason text);
CREATE TEMP TABLE resources (id bigint, code text, name text, is_active boolean,
                             created_at timestamptz, updated_at timestamptz);
INSERT INTO resources VALUES (1, 'DR_T', 'Temp', true, now(), now());
CREATE TEMP TABLE services (id bigint, code text, name text, updated_at timestamptz);
INSERT INTO services VALUES (1, 'TEMP', 'Temp', now());
CREATE TEMP TABLE clinic_time_slots (id bigint, start_time time, end_time time, capacity_minutes integer,
                                     updated_at timestamptz,
                                     -- what schedule_notify() reads of a weekly row (1.5)
                                     resource_id bigint, day_of_week smallint, period text, is_active boolean,
                                     effective_from date, effective_until date);
CREATE TEMP TABLE settings (id smallint, time_zone text, min_notice_minutes integer,
                            max_advance_days integer, updated_at timestamptz);
CREATE TEMP TABLE audit_log (id bigint, changed_by text);
-- 1.7: what locations_check_row() reads of a location
CREATE TEMP TABLE locations (id bigint, code text, name text, time_zone text, updated_at timestamptz);

CREATE TRIGGER t AFTER INSERT OR UPDATE OR DELETE ON reservations
  FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
SELECT throws_ok($$INSERT INTO reservations (id, resource_id, service_id, period, status, patient_name)
                   VALUES (1, 1, 1, 1, 'PENDING', 'Temp')$$,
                 '39P01', 'audit_change() fired on table "reservations"',
                 'audit_change() (SECURITY DEFINER) refuses to run on tp_intruder''s temp reservations (39P01)');
DROP TRIGGER t ON reservations;
CREATE TRIGGER t AFTER INSERT OR UPDATE OR DELETE ON reservations
  FOR EACH ROW EXECUTE FUNCTION timepool.reservations_guard();
SELECT throws_ok($$INSERT INTO reservations (id, resource_id, service_id, period, status, patient_name)
                   VALUES (1, 1, 1, 1, 'PENDING', 'Temp')$$,
                 '39P01', 'reservations_guard() fired on table "reservations"',
                 'reservations_guard() refuses to run on a temp reservations whose period is an int (39P01)');
DROP TRIGGER t ON reservations;
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON reservations
  FOR EACH ROW EXECUTE FUNCTION timepool.reservations_before_write();
SELECT throws_ok($$INSERT INTO reservations (id, resource_id, service_id, period, status, patient_name)
                   VALUES (1, 1, 1, 1, 'PENDING', 'Temp')$$,
                 '39P01', 'reservations_before_write() fired on table "reservations"',
                 'reservations_before_write() refuses to run on a temp reservations whose period is an int (39P01)');
DROP TRIGGER t ON reservations;
CREATE TRIGGER t AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON services
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache();
SELECT throws_ok($$INSERT INTO services VALUES (2, 'TEMP_2', 'Temp 2', now())$$,
                 '39P01', 'invalidate_cache() fired on table "services"',
                 'invalidate_cache() refuses to run on a temp services (39P01)');
DROP TRIGGER t ON services;
CREATE TRIGGER t BEFORE UPDATE ON resources
  FOR EACH ROW EXECUTE FUNCTION timepool.touch_updated_at();
SELECT throws_ok($$UPDATE resources SET name = 'Renamed'$$,
                 '39P01', 'touch_updated_at() fired on table "resources"',
                 'touch_updated_at() refuses to run on a temp resources (39P01)');
DROP TRIGGER t ON resources;
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON clinic_time_slots
  FOR EACH ROW EXECUTE FUNCTION timepool.fill_capacity();
SELECT throws_ok($$INSERT INTO clinic_time_slots (id, start_time, end_time) VALUES (1, '09:00', '12:00')$$,
                 '39P01', 'fill_capacity() fired on table "clinic_time_slots"',
                 'fill_capacity() refuses to run on a temp clinic_time_slots (39P01)');
DROP TRIGGER t ON clinic_time_slots;
-- 1.5: the weekly row has every column schedule_notify() reads
CREATE TRIGGER t AFTER INSERT OR UPDATE OR DELETE ON clinic_time_slots
  FOR EACH ROW EXECUTE FUNCTION timepool.schedule_notify();
SELECT throws_ok($$INSERT INTO clinic_time_slots (id, start_time, end_time, resource_id, day_of_week, period, is_active)
                   VALUES (2, '09:00', '12:00', 1, 6, 'MORNING', true)$$,
                 '39P01', 'schedule_notify() fired on table "clinic_time_slots"',
                 'schedule_notify() (SECURITY DEFINER) refuses to run on tp_intruder''s temp clinic_time_slots (39P01)');
DROP TRIGGER t ON clinic_time_slots;
CREATE TRIGGER t BEFORE UPDATE OF code ON services
  FOR EACH ROW EXECUTE FUNCTION timepool.keep_service_code();
SELECT throws_ok($$UPDATE services SET code = 'OTHER'$$,
                 '39P01', 'keep_service_code() fired on table "services"',
                 'keep_service_code() refuses to run on a temp services (39P01)');
DROP TRIGGER t ON services;
CREATE TRIGGER t BEFORE INSERT OR UPDATE OR DELETE ON settings
  FOR EACH ROW EXECUTE FUNCTION timepool.settings_keep_row();
SELECT throws_ok($$INSERT INTO settings VALUES (1, 'UTC', 0, 365, now())$$,
                 '39P01', 'settings_keep_row() fired on table "settings"',
                 'settings_keep_row() refuses to run on a temp settings (39P01)');
DROP TRIGGER t ON settings;
CREATE TRIGGER t BEFORE TRUNCATE ON settings
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.settings_keep_table();
SELECT throws_ok($$TRUNCATE settings$$,
                 '39P01', 'settings_keep_table() fired on table "settings"',
                 'settings_keep_table() refuses to run on a temp settings (39P01)');
DROP TRIGGER t ON settings;
CREATE TRIGGER t BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_log_append_only();
SELECT throws_ok($$INSERT INTO audit_log VALUES (1, 'tp_intruder')$$,
                 '39P01', 'audit_log_append_only() fired on table "audit_log"',
                 'audit_log_append_only() refuses to run on a temp audit_log (39P01)');
DROP TRIGGER t ON audit_log;
-- 1.7
CREATE TRIGGER t BEFORE INSERT OR UPDATE ON locations
  FOR EACH ROW EXECUTE FUNCTION timepool.locations_check_row();
SELECT throws_ok($$INSERT INTO locations VALUES (1, 'TEMP', 'Temp', 'No/Such_Zone', now())$$,
                 '39P01', 'locations_check_row() fired on table "locations"',
                 'locations_check_row() refuses to run on a temp locations (39P01)');
DROP TRIGGER t ON locations;
CREATE TRIGGER t BEFORE INSERT ON resources
  FOR EACH ROW EXECUTE FUNCTION timepool.resources_location();
SELECT throws_ok($$INSERT INTO resources VALUES (2, 'DR_U', 'Temp 2', true, now(), now())$$,
                 '39P01', 'resources_location() fired on table "resources"',
                 'resources_location() (SECURITY DEFINER) refuses to run on a temp resources (39P01)');
DROP TRIGGER t ON resources;
RESET ROLE;
SELECT is((SELECT array_agg(code ORDER BY id) FROM timepool.locations), ARRAY['MAIN'],
          'nothing tp_intruder''s temp tables fired made a location (MAIN, of the first resource, is the only one)');
SELECT is((SELECT count(*) FROM timepool.audit_log), (SELECT n FROM audit_mark),
          'nothing tp_intruder''s temp tables fired was written to timepool.audit_log');
SELECT is((SELECT count(*)::int FROM timepool.audit_log WHERE changed_by = 'tp_intruder'), 0,
          'timepool.audit_log has no row by tp_intruder');
DROP TABLE pg_temp.reservations, pg_temp.resources, pg_temp.services, pg_temp.clinic_time_slots,
           pg_temp.settings, pg_temp.audit_log, pg_temp.locations, pg_temp.audit_mark;

---------------------------------------------------------------------------
-- 1.5: schedule_notify() runs only as the AFTER row trigger of
-- clinic_time_slots and schedule_overrides.  Called directly, or attached
-- (here by a superuser) to a table of its own with the very columns it
-- reads, or to its own tables BEFORE or per statement, it refuses (39P01)
-- and notes nothing.
---------------------------------------------------------------------------
SELECT throws_ok($$SELECT timepool.schedule_notify()$$,
                 '39P01', 'schedule_notify() must be called as a trigger',
                 'schedule_notify() called outside a trigger, by its owner, refuses (39P01)');
SET LOCAL ROLE tp_nobody;
SELECT throws_ok($$SELECT timepool.schedule_notify()$$, '42501', NULL,
                 'a role without grants cannot even call schedule_notify() (42501)');
RESET ROLE;
-- a weekly row's columns and an override's, in tables of public
CREATE TABLE public.x (id bigint, resource_id bigint, day_of_week smallint, period text, start_time time,
                       end_time time, capacity_minutes integer, is_active boolean, effective_from date,
                       effective_until date);
CREATE TRIGGER x_notify AFTER INSERT OR UPDATE OR DELETE ON public.x
  FOR EACH ROW EXECUTE FUNCTION timepool.schedule_notify();
SELECT throws_ok($$INSERT INTO public.x VALUES (1, 1, 6, 'MORNING', '09:00', '12:00', 180, true, NULL, NULL)$$,
                 '39P01', 'schedule_notify() fired on table "x"',
                 'schedule_notify() attached by a superuser to public.x (a weekly row''s columns) refuses the INSERT (39P01)');
SELECT is((SELECT count(*)::int FROM public.x), 0, 'and the row is not written');
CREATE TABLE public.y (id bigint, resource_id bigint, date date, period text, is_closed boolean);
INSERT INTO public.y VALUES (1, 1, '2025-11-15', NULL, true);
CREATE TRIGGER y_notify AFTER INSERT OR UPDATE OR DELETE ON public.y
  FOR EACH ROW EXECUTE FUNCTION timepool.schedule_notify();
SELECT throws_ok($$UPDATE public.y SET is_closed = false$$,
                 '39P01', 'schedule_notify() fired on table "y"',
                 'schedule_notify() on public.y (an override''s columns) refuses the UPDATE (39P01)');
SELECT throws_ok($$DELETE FROM public.y$$,
                 '39P01', 'schedule_notify() fired on table "y"',
                 'and the DELETE (39P01)');
DROP TABLE public.x, public.y;
-- on its own tables, with the wrong timing
CREATE TRIGGER t_before BEFORE INSERT ON timepool.schedule_overrides
  FOR EACH ROW EXECUTE FUNCTION timepool.schedule_notify();
SELECT throws_ok($$INSERT INTO timepool.schedule_overrides (date, is_closed) VALUES ('2026-01-01', true)$$,
                 '39P01', 'schedule_notify() must be fired AFTER INSERT, UPDATE or DELETE for each row',
                 'schedule_notify() as a BEFORE row trigger of schedule_overrides refuses (39P01)');
DROP TRIGGER t_before ON timepool.schedule_overrides;
CREATE TRIGGER t_statement AFTER UPDATE ON timepool.clinic_time_slots
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.schedule_notify();
SELECT throws_ok($$UPDATE timepool.clinic_time_slots SET is_active = is_active$$,
                 '39P01', 'schedule_notify() must be fired AFTER INSERT, UPDATE or DELETE for each row',
                 'schedule_notify() as a statement trigger of clinic_time_slots refuses (39P01)');
DROP TRIGGER t_statement ON timepool.clinic_time_slots;
CREATE TRIGGER t_truncate AFTER TRUNCATE ON timepool.schedule_overrides
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.schedule_notify();
SELECT throws_ok($$TRUNCATE timepool.schedule_overrides$$,
                 '39P01', 'schedule_notify() must be fired AFTER INSERT, UPDATE or DELETE for each row',
                 'schedule_notify() as a TRUNCATE trigger of schedule_overrides refuses (39P01)');
DROP TRIGGER t_truncate ON timepool.schedule_overrides;
SELECT is((SELECT count(*)::int FROM timepool.schedule_overrides), 1,
          'the refused writes changed no override (tp_admin''s closure is the only one)');
-- its own triggers still work: a plain override is written
SELECT lives_ok($$INSERT INTO timepool.schedule_overrides (date, is_closed, reason) VALUES ('2026-01-01', true, 'New Year')$$,
                'with the stray triggers gone, schedule_overrides_notify lets an override be written');

---------------------------------------------------------------------------
-- 1.5: the README's read-only reporting role clinic_reports: USAGE on the
-- schema, SELECT on the five report views, EXECUTE on utilization(),
-- clinic_today() and clinic_now().  It reads them, and nothing else.
---------------------------------------------------------------------------
CREATE ROLE clinic_reports NOLOGIN;
GRANT USAGE ON SCHEMA timepool TO clinic_reports;
GRANT SELECT ON timepool.daily_overview, timepool.service_stats, timepool.resource_stats,
                timepool.overbooked_pools, timepool.nearly_full TO clinic_reports;
GRANT EXECUTE ON FUNCTION timepool.utilization(date, date, text, text), timepool.clinic_today(text), timepool.clinic_now()
  TO clinic_reports;
-- its privileges, from the catalogue: on every relation and function
SELECT set_eq(
  $$SELECT c.relname::text, p.priv
      FROM pg_class c, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p(priv)
     WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
       AND has_table_privilege('clinic_reports', c.oid, p.priv)$$,
  $$VALUES ('daily_overview', 'SELECT'), ('service_stats', 'SELECT'), ('resource_stats', 'SELECT'),
           ('overbooked_pools', 'SELECT'), ('nearly_full', 'SELECT')$$,
  'clinic_reports has SELECT on the five report views and no other privilege on any table or view of timepool');
SELECT is_empty(
  $$SELECT c.relname::text FROM pg_class c
     WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind = 'r'
       AND (has_table_privilege('clinic_reports', c.oid, 'SELECT')
            OR has_any_column_privilege('clinic_reports', c.oid, 'SELECT'))$$,
  'clinic_reports can SELECT no table of timepool, not even one column');
SELECT is_empty(
  $$SELECT c.relname::text FROM pg_class c
     WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind = 'S'
       AND (has_sequence_privilege('clinic_reports', c.oid, 'USAGE')
            OR has_sequence_privilege('clinic_reports', c.oid, 'SELECT')
            OR has_sequence_privilege('clinic_reports', c.oid, 'UPDATE'))$$,
  'clinic_reports has no privilege on a sequence of timepool');
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'timepool'::regnamespace
                   AND has_function_privilege('clinic_reports', p.oid, 'EXECUTE')$$,
              ARRAY['timepool.utilization(date,date,text,text)', 'timepool.clinic_today(text)', 'timepool.clinic_now()',
                    -- PUBLIC's
                    'timepool.time_range(time without time zone,time without time zone)',
                    'timepool.time_range(time without time zone,time without time zone,text)',
                    'timepool.label_range(text,text)',
                    'timepool.label_range(text,text,text)',
                    'timepool.location_visible(bigint)',
                    'timepool.resource_visible(bigint)'],
              'clinic_reports can execute utilization, clinic_today and clinic_now, and otherwise only what PUBLIC can');
SELECT schema_privs_are('timepool', 'clinic_reports', ARRAY['USAGE'],
                        'clinic_reports has USAGE, and not CREATE, on schema timepool');
SELECT is(ARRAY[has_table_privilege('clinic_reports', 'timepool.reservations', 'SELECT'),
                has_table_privilege('clinic_reports', 'timepool.services', 'SELECT'),
                has_table_privilege('clinic_reports', 'timepool.settings', 'SELECT'),
                has_table_privilege('clinic_reports', 'timepool.audit_log', 'SELECT'),
                has_table_privilege('clinic_reports', 'timepool.reservation_history', 'SELECT'),
                has_table_privilege('clinic_reports', 'timepool.bookable_services', 'SELECT')],
          ARRAY[false, false, false, false, false, false],
          'has_table_privilege: clinic_reports may not SELECT reservations, services, settings, audit_log, reservation_history or bookable_services');
SELECT is(ARRAY[has_function_privilege('clinic_reports', 'timepool.book_service(text,date,time,text,text,text,text,jsonb,text,text,text,text)', 'EXECUTE'),
                has_function_privilege('clinic_reports', 'timepool.cancel_reservation(bigint,text)', 'EXECUTE'),
                has_function_privilege('clinic_reports', 'timepool.set_reservation_status(bigint,text)', 'EXECUTE'),
                has_function_privilege('clinic_reports', 'timepool.reschedule_reservation(bigint,date,time,text)', 'EXECUTE'),
                has_function_privilege('clinic_reports', 'timepool.delete_service(text,boolean)', 'EXECUTE'),
                has_function_privilege('clinic_reports', 'timepool.restore_service(bigint)', 'EXECUTE'),
                has_function_privilege('clinic_reports', 'timepool.expire_holds()', 'EXECUTE'),
                has_function_privilege('clinic_reports', 'timepool.availability(date,text,text,text,text)', 'EXECUTE'),
                has_function_privilege('clinic_reports', 'timepool.schedule_notify()', 'EXECUTE')],
          ARRAY[false, false, false, false, false, false, false, false, false],
          'has_function_privilege: clinic_reports may not execute book_service, the staff functions (cancel_reservation, set_reservation_status, reschedule_reservation, delete_service, restore_service, expire_holds), availability or schedule_notify');

-- what the owner reads, for clinic_reports to read the same
CREATE TEMP TABLE owner_util AS SELECT * FROM timepool.utilization('2025-11-01', '2025-12-31');
CREATE TEMP TABLE owner_daily AS SELECT * FROM timepool.daily_overview;
CREATE TEMP TABLE owner_service AS SELECT * FROM timepool.service_stats;
CREATE TEMP TABLE owner_resource AS SELECT * FROM timepool.resource_stats;
CREATE TEMP TABLE owner_overbooked AS SELECT * FROM timepool.overbooked_pools;
CREATE TEMP TABLE owner_nearly AS SELECT * FROM timepool.nearly_full;
GRANT SELECT ON owner_util, owner_daily, owner_service, owner_resource, owner_overbooked, owner_nearly TO clinic_reports;
SELECT ok((SELECT count(*) FROM owner_util) > 0 AND (SELECT count(*) FROM owner_daily) > 0
          AND (SELECT count(*) FROM owner_service) > 0 AND (SELECT count(*) FROM owner_resource) > 0
          AND (SELECT count(*) FROM owner_nearly) > 0,
          'the owner''s utilization() and report views have rows to compare (overbooked_pools may have none)');
SET LOCAL ROLE clinic_reports;
SELECT results_eq(
  $$SELECT resource, date, period, start_time, end_time, closed, total_minutes, booked_minutes, remaining_minutes,
           reservations, utilization, completed_minutes, no_show_minutes, open_minutes, max_overlap
      FROM timepool.utilization('2025-11-15', '2025-11-15') ORDER BY resource, start_time$$,
  $$VALUES ('DR_A'::text, '2025-11-15'::date, 'MORNING'::text, '09:00'::time, '12:00'::time, false, 180, 160, 20,
            4, 0.8889::numeric, 0, 0, 160, 4),
           ('DR_Z', '2025-11-15', 'MORNING', '08:00', '10:00', false, 90, 0, 90, 0, 0.0000, 0, 0, 0, 0)$$,
  'clinic_reports calls utilization(): DR_A''s Saturday morning holds Before, Evelyn, Fill 1 and Fill 2 (4 x 40 of 180, all at 09:00), DR_Z''s 90 minutes nothing (utilization 0, not NULL: it has minutes)');
RESET ROLE;
SET LOCAL ROLE clinic_reports;
SELECT results_eq($$SELECT * FROM timepool.utilization('2025-11-01', '2025-12-31') ORDER BY date, resource, period$$,
                  $$SELECT * FROM owner_util ORDER BY date, resource, period$$,
                  'clinic_reports gets from utilization() what the owner gets, November and December');
RESET ROLE;
SET LOCAL ROLE clinic_reports;
SELECT results_eq($$SELECT * FROM timepool.daily_overview ORDER BY date, resource$$,
                  $$SELECT * FROM owner_daily ORDER BY date, resource$$,
                  'clinic_reports reads daily_overview, as the owner does');
RESET ROLE;
SET LOCAL ROLE clinic_reports;
SELECT results_eq($$SELECT date, resource, total_minutes, booked_minutes, remaining_minutes, utilization,
                           jsonb_array_length(periods)
                      FROM timepool.daily_overview WHERE date = '2025-11-15' ORDER BY resource$$,
                  $$VALUES ('2025-11-15'::date, 'DR_A'::text, 180, 160, 20, 0.8889::numeric, 1),
                           ('2025-11-15', 'DR_Z', 90, 0, 90, 0.0000, 1)$$,
                  'daily_overview on 2025-11-15: DR_A 160 of 180, DR_Z none of 90');
RESET ROLE;
SET LOCAL ROLE clinic_reports;
SELECT results_eq($$SELECT * FROM timepool.service_stats ORDER BY month, service$$,
                  $$SELECT * FROM owner_service ORDER BY month, service$$,
                  'clinic_reports reads service_stats, as the owner does');
RESET ROLE;
SET LOCAL ROLE clinic_reports;
SELECT results_eq($$SELECT * FROM timepool.resource_stats ORDER BY week_start, resource$$,
                  $$SELECT * FROM owner_resource ORDER BY week_start, resource$$,
                  'clinic_reports reads resource_stats, as the owner does');
RESET ROLE;
SET LOCAL ROLE clinic_reports;
SELECT results_eq($$SELECT * FROM timepool.overbooked_pools ORDER BY date, resource, period$$,
                  $$SELECT * FROM owner_overbooked ORDER BY date, resource, period$$,
                  'clinic_reports reads overbooked_pools, as the owner does');
RESET ROLE;
SET LOCAL ROLE clinic_reports;
SELECT results_eq($$SELECT * FROM timepool.nearly_full ORDER BY date, resource, period$$,
                  $$VALUES ('DR_A'::text, '2025-11-15'::date, 'MORNING'::text, '09:00'::time, '12:00'::time,
                            180, 160, 20, 0.8889::numeric, 80, 'MAIN'::text)$$,
                  'clinic_reports reads nearly_full: DR_A''s morning of 2025-11-15 at MAIN, booked to 88.89% (at least 80)');
RESET ROLE;
-- and nothing else: every attempt is refused for want of a privilege
SET LOCAL ROLE clinic_reports;
SELECT throws_ok($$SELECT * FROM timepool.reservations$$, '42501', 'permission denied for table reservations',
                 'clinic_reports cannot SELECT timepool.reservations');
SELECT throws_ok($$SELECT patient_name FROM timepool.reservations$$, '42501', 'permission denied for table reservations',
                 'clinic_reports cannot SELECT a patient''s name');
SELECT throws_ok($$SELECT * FROM timepool.services$$, '42501', 'permission denied for table services',
                 'clinic_reports cannot SELECT timepool.services');
SELECT throws_ok($$SELECT * FROM timepool.settings$$, '42501', 'permission denied for table settings',
                 'clinic_reports cannot SELECT timepool.settings (nearly_full reads it for it)');
SELECT throws_ok($$SELECT * FROM timepool.audit_log$$, '42501', 'permission denied for table audit_log',
                 'clinic_reports cannot SELECT timepool.audit_log');
SELECT throws_ok($$SELECT * FROM timepool.reservation_history$$, '42501', 'permission denied for view reservation_history',
                 'clinic_reports cannot SELECT timepool.reservation_history');
SELECT throws_ok($$SELECT * FROM timepool.bookable_services$$, '42501', 'permission denied for view bookable_services',
                 'clinic_reports cannot SELECT timepool.bookable_services');
SELECT throws_ok($$UPDATE timepool.settings SET nearly_full_percent = 50$$, '42501', 'permission denied for table settings',
                 'clinic_reports cannot change the threshold of nearly_full');
SELECT throws_ok($$SELECT timepool.book_service('CONSULT', '2025-11-22', '09:00', 'Reporter')$$, '42501',
                 'permission denied for function book_service',
                 'clinic_reports cannot call book_service');
SELECT throws_ok($$SELECT timepool.cancel_reservation(1)$$, '42501', 'permission denied for function cancel_reservation',
                 'clinic_reports cannot call cancel_reservation');
SELECT throws_ok($$SELECT timepool.set_reservation_status(1, 'CONFIRMED')$$, '42501',
                 'permission denied for function set_reservation_status',
                 'clinic_reports cannot call set_reservation_status');
SELECT throws_ok($$SELECT timepool.reschedule_reservation(1, '2025-11-22', '09:00')$$, '42501',
                 'permission denied for function reschedule_reservation',
                 'clinic_reports cannot call reschedule_reservation');
SELECT throws_ok($$SELECT * FROM timepool.availability('2025-11-15')$$, '42501', 'permission denied for function availability',
                 'clinic_reports cannot call availability');
SELECT throws_ok($$SELECT timepool.hold_slot('CONSULT', '2025-11-22', '09:00')$$, '42501', 'permission denied for function hold_slot',
                 'clinic_reports cannot call hold_slot');
SELECT throws_ok($$SELECT timepool.expire_holds()$$, '42501', 'permission denied for function expire_holds',
                 'clinic_reports cannot call expire_holds');
RESET ROLE;
-- the README's EXECUTE grants are needed: a role with SELECT on a view
-- alone cannot read it, as the view calls utilization() with the reader's
-- privileges
CREATE ROLE tp_viewer NOLOGIN;
GRANT USAGE ON SCHEMA timepool TO tp_viewer;
GRANT SELECT ON timepool.daily_overview TO tp_viewer;
SET LOCAL ROLE tp_viewer;
SELECT throws_ok($$SELECT * FROM timepool.daily_overview$$, '42501', 'permission denied for function clinic_today',
                 'a role with SELECT on daily_overview but no EXECUTE on the functions it calls cannot read it (42501)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
