--
-- staff: a location's staff see only their clinic (1.7,
-- timepool.location_staff).
--
-- Two clinics, MAIN and EAST, a booking at each.  A front desk of EAST
-- (the README's recipe: front_desk's grants, mapped to EAST) and an admin
-- of EAST (DML on the location's tables) try every path to MAIN's rows:
--   - functions: the listings show EAST alone (availability, open_slots,
--     utilization); a call naming MAIN, one of its resources or its
--     bookings (by id or by token) gets the answers of a location,
--     resource or reservation that does not exist (TP003, P0002); a
--     choosing call without p_location chooses in EAST, its only one;
--     lock_pool on a MAIN pool is refused;
--   - views: reservation_history and the report views show EAST alone;
--   - plain SQL: every table shows EAST's rows (and the group-wide
--     override); an INSERT or a move to MAIN is refused by the policies
--     (42501), an UPDATE or DELETE of MAIN's rows finds none; the admin
--     cannot write a group-wide override, map itself to MAIN, nor lift its
--     mapping;
--   - LISTEN timepool_availability, whose payloads carry every location's
--     pools, is refused (42501).
-- A member of the mapped role is restricted as it is; a role mapped to
-- both sees both and must name one to choose; a role mapped nowhere and a
-- superuser see everything; a change of the mapping reaches a warm session.
--
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
\pset null '(null)'
\set VERBOSITY default

TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides,
         timepool.clinic_time_slots, timepool.services, timepool.resources, timepool.locations
  RESTART IDENTITY CASCADE;
SELECT time_zone AS tz0 FROM timepool.settings \gset
UPDATE timepool.settings SET time_zone = 'UTC';
SET timepool.now = '2026-03-10 08:00';
CREATE FUNCTION pg_temp.try(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v text;
BEGIN
  EXECUTE p_sql INTO v;
  RETURN coalesce(v, '(null)');
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
CREATE FUNCTION pg_temp.run(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE p_sql;
  RETURN 'done';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.try(text), pg_temp.run(text) TO PUBLIC;

-- the group: MAIN (DR_MAIN, the group-wide override shapes it too) and EAST
-- (the audit log keeps the suites' before: this one's starts after them)
SELECT coalesce(max(id), 0) AS audit0 FROM timepool.audit_log \gset
INSERT INTO timepool.resources (code, name) VALUES ('DR_MAIN', 'Dr Main');
INSERT INTO timepool.locations (code, name, time_zone) VALUES ('EAST', 'East clinic', 'Asia/Tokyo');
INSERT INTO timepool.resources (code, name, location_id)
SELECT 'DR_EAST', 'Dr East', id FROM timepool.locations WHERE code = 'EAST';
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, 'DAY', '09:00', '17:00' FROM timepool.resources r, generate_series(0, 6) d;
INSERT INTO timepool.services (code, name, duration_minutes, price, is_visible)
VALUES ('BOTOX', 'Botox', 40, 100.00, true);
INSERT INTO timepool.resource_services (resource_id, service_id)
SELECT r.id, s.id FROM timepool.resources r, timepool.services s;
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
VALUES (NULL, '2026-03-20', true, 'group holiday');
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
SELECT id, '2026-03-21', true, 'main closed' FROM timepool.resources WHERE code = 'DR_MAIN';
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
SELECT id, '2026-03-22', true, 'east closed' FROM timepool.resources WHERE code = 'DR_EAST';
SELECT id AS main_id, access_token AS main_token
  FROM timepool.book_service('BOTOX', '2026-03-12', '10:00', 'Patient Main', p_resource => 'DR_MAIN',
                             p_idempotency_key => 'key-main') \gset
SELECT id AS east_id, access_token AS east_token
  FROM timepool.book_service('BOTOX', '2026-03-12', '10:00', 'Patient East', p_resource => 'DR_EAST') \gset
SELECT id AS dr_main FROM timepool.resources WHERE code = 'DR_MAIN' \gset
SELECT id AS loc_main FROM timepool.locations WHERE code = 'MAIN' \gset
SELECT id AS dr_east FROM timepool.resources WHERE code = 'DR_EAST' \gset

-- the roles, as the README's recipe makes them
DROP ROLE IF EXISTS regress_staff_alice;
DROP ROLE IF EXISTS regress_staff_east;
DROP ROLE IF EXISTS regress_staff_east_admin;
DROP ROLE IF EXISTS regress_staff_both;
DROP ROLE IF EXISTS regress_staff_group;
CREATE ROLE regress_staff_east;
GRANT USAGE ON SCHEMA timepool TO regress_staff_east;
GRANT EXECUTE ON FUNCTION
    timepool.availability(date, text, text, text, text),
    timepool.can_book(text, date, time, text, text),
    timepool.open_slots(text, date, date, integer, text, text),
    timepool.check_booking(text, date, time, text, text),
    timepool.hold_slot(text, date, time, text, interval, text, text),
    timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text, text),
    timepool.get_booking(uuid),
    timepool.cancel_booking(uuid, text),
    timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text),
    timepool.cancel_reservation(bigint, text),
    timepool.set_reservation_status(bigint, text),
    timepool.reschedule_reservation(bigint, date, time, text),
    timepool.utilization(date, date, text, text),
    timepool.clinic_today(text),
    timepool.clinic_now(),
    timepool.lock_pool(bigint, date, text)
  TO regress_staff_east;
GRANT SELECT ON timepool.reservations, timepool.reservation_history, timepool.daily_overview,
                timepool.service_stats, timepool.resource_stats, timepool.overbooked_pools,
                timepool.nearly_full, timepool.locations, timepool.resources
  TO regress_staff_east;
CREATE ROLE regress_staff_east_admin IN ROLE regress_staff_east;
GRANT SELECT, INSERT, UPDATE, DELETE ON timepool.resources, timepool.resource_services,
      timepool.clinic_time_slots, timepool.schedule_overrides, timepool.reservations,
      timepool.location_staff, timepool.services
  TO regress_staff_east_admin;
INSERT INTO timepool.location_staff (role, location_id)
SELECT 'regress_staff_east', id FROM timepool.locations WHERE code = 'EAST';
CREATE ROLE regress_staff_alice IN ROLE regress_staff_east;   -- a login of the front desk
CREATE ROLE regress_staff_both IN ROLE regress_staff_east;
INSERT INTO timepool.location_staff (role, location_id)
SELECT 'regress_staff_both', id FROM timepool.locations;
CREATE ROLE regress_staff_group;                               -- mapped nowhere
GRANT regress_staff_east TO regress_staff_group;
REVOKE regress_staff_east FROM regress_staff_group;
GRANT USAGE ON SCHEMA timepool TO regress_staff_group;
GRANT SELECT ON timepool.reservations, timepool.resources TO regress_staff_group;
GRANT EXECUTE ON FUNCTION timepool.availability(date, text, text, text, text) TO regress_staff_group;

---------------------------------------------------------------------------
-- the front desk of EAST, through the functions
---------------------------------------------------------------------------
SET ROLE regress_staff_alice;
-- the listings: EAST alone
SELECT resource, period, booked_minutes FROM timepool.availability('2026-03-12');
SELECT resource, count(*) FROM timepool.open_slots('BOTOX', '2026-03-12', '2026-03-12') GROUP BY 1;
SELECT resource, date, booked_minutes, location FROM timepool.utilization('2026-03-12', '2026-03-12');
-- naming MAIN, its resource: as if neither existed (TP003)
SELECT pg_temp.try($$SELECT count(*) FROM timepool.availability('2026-03-12', p_location => 'MAIN')$$);
SELECT pg_temp.try($$SELECT count(*) FROM timepool.availability('2026-03-12', p_resource => 'DR_MAIN')$$);
SELECT pg_temp.try($$SELECT count(*) FROM timepool.availability('2026-03-12', p_location => 'NOWHERE')$$);
SELECT pg_temp.try($$SELECT count(*) FROM timepool.open_slots('BOTOX', '2026-03-12', '2026-03-12', p_location => 'MAIN')$$);
SELECT pg_temp.try($$SELECT count(*) FROM timepool.utilization('2026-03-12', '2026-03-12', 'DR_MAIN')$$);
SELECT pg_temp.try($$SELECT timepool.clinic_today('MAIN')::text$$);
SELECT pg_temp.try($$SELECT timepool.can_book('BOTOX', '2026-03-12', '11:00', p_location => 'MAIN')::text$$);
SELECT pg_temp.try($$SELECT id FROM timepool.book_service('BOTOX', '2026-03-12', '11:00', 'Mallory', p_resource => 'DR_MAIN')$$);
SELECT pg_temp.try($$SELECT id FROM timepool.book_service('BOTOX', '2026-03-12', '11:00', 'Mallory', p_location => 'MAIN')$$);
SELECT pg_temp.try($$SELECT id FROM timepool.hold_slot('BOTOX', '2026-03-12', '11:00', p_location => 'MAIN')$$);
SELECT pg_temp.try($$SELECT id FROM timepool.book_online('BOTOX', '2026-03-12', '11:00', 'Mallory', p_resource => 'DR_MAIN')$$);
SELECT accepted, sqlstate, message FROM timepool.check_booking('BOTOX', '2026-03-12', '11:00', 'DR_MAIN');
-- a choosing call without p_location chooses in EAST, the only one it sees
-- (no 22004 for a group of two)
SELECT timepool.can_book('BOTOX', '2026-03-12', '11:00');
SELECT accepted, sqlstate FROM timepool.check_booking('BOTOX', '2026-03-12', '11:00');
SELECT r.code FROM timepool.book_service('BOTOX', '2026-03-12', '11:00', 'Pat East 2') b
  JOIN timepool.resources r ON r.id = b.resource_id;
-- MAIN's booking, by id and by token: as if it did not exist (P0002)
SELECT pg_temp.try(format($$SELECT status FROM timepool.cancel_reservation(%s, 'gone')$$, :main_id));
SELECT pg_temp.try(format($$SELECT status FROM timepool.set_reservation_status(%s, 'CONFIRMED')$$, :main_id));
SELECT pg_temp.try(format($$SELECT status FROM timepool.reschedule_reservation(%s, '2026-03-13', '10:00')$$, :main_id));
SELECT pg_temp.try(format($$SELECT status FROM timepool.get_booking(%L)$$, :'main_token'));
SELECT pg_temp.try(format($$SELECT status FROM timepool.cancel_booking(%L)$$, :'main_token'));
-- nor by replaying its idempotency key with every argument (23505, as a
-- key used for another booking)
SELECT pg_temp.try($$SELECT id FROM timepool.book_service('BOTOX', '2026-03-12', '10:00', 'Patient Main',
                     p_idempotency_key => 'key-main')$$);
-- its own booking it moves, but not to MAIN's doctor
SELECT pg_temp.try(format($$SELECT status FROM timepool.reschedule_reservation(%s, '2026-03-13', '10:00', 'DR_MAIN')$$, :east_id));
SELECT pg_temp.try(format($$SELECT start_time::text FROM timepool.reschedule_reservation(%s, '2026-03-12', '12:00')$$, :east_id));
SELECT pg_temp.try(format($$SELECT status FROM timepool.get_booking(%L)$$, :'east_token'));
-- nor take MAIN's pool lock
SELECT pg_temp.try(format($$SELECT timepool.lock_pool(%s, '2026-03-12', 'DAY')::text$$, :dr_main));
-- a service's daily cap is the group's: refused, without MAIN's minutes
RESET ROLE;
UPDATE timepool.services SET daily_cap_minutes = 120 WHERE code = 'BOTOX';
SET ROLE regress_staff_alice;
SELECT * FROM timepool.book_service('BOTOX', '2026-03-12', '14:00', 'Pat East 3');
RESET ROLE;
UPDATE timepool.services SET daily_cap_minutes = NULL WHERE code = 'BOTOX';
-- the backend's cache reloaded in a call that is not SECURITY DEFINER
-- (lock_pool) holds every location's rows, not the caller's: the desk takes
-- its own pool's lock, and every role after it sees what it saw before
UPDATE timepool.locations SET name = name WHERE code = 'EAST';   -- the cache goes stale
SET ROLE regress_staff_alice;
SELECT pg_temp.try(format($$SELECT timepool.lock_pool(%s, '2026-03-12', 'DAY')::text$$, :dr_east));
RESET ROLE;
SELECT resource FROM timepool.availability('2026-03-12') ORDER BY 1;
SET ROLE regress_staff_alice;

---------------------------------------------------------------------------
-- the views
---------------------------------------------------------------------------
SELECT new_row ->> 'patient_name' AS patient, action, new_status FROM timepool.reservation_history
 WHERE audit_id > :audit0 ORDER BY audit_id;
SELECT resource, location, booked_minutes FROM timepool.daily_overview WHERE date = '2026-03-12';
SELECT service, location, bookings FROM timepool.service_stats;
SELECT resource, location, booked_minutes FROM timepool.resource_stats WHERE booked_minutes > 0;
SELECT count(*) AS overbooked FROM timepool.overbooked_pools;
SELECT count(*) AS nearly_full FROM timepool.nearly_full;

---------------------------------------------------------------------------
-- plain SQL
---------------------------------------------------------------------------
SELECT patient_name FROM timepool.reservations ORDER BY id;
SELECT code FROM timepool.resources;
SELECT code FROM timepool.locations;
SELECT count(*) FROM timepool.reservations WHERE id = :main_id;
-- no LISTEN on the channel of every location's pools
SELECT pg_temp.run('LISTEN timepool_availability');
RESET ROLE;

SET ROLE regress_staff_east_admin;
SELECT reason FROM timepool.schedule_overrides ORDER BY date;   -- the group's too
SELECT r.code FROM timepool.clinic_time_slots t JOIN timepool.resources r ON r.id = t.resource_id GROUP BY 1;
SELECT count(*) AS skills FROM timepool.resource_services;
SELECT count(*) AS mappings FROM timepool.location_staff;
-- error: 42501, a booking into MAIN's pool, or a move of EAST's there
SELECT pg_temp.try(format($$INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
  SELECT %s, id, '2026-03-12', '13:00', 'Mallory' FROM timepool.services RETURNING id$$, :dr_main));
SELECT pg_temp.try(format($$UPDATE timepool.reservations SET resource_id = %s WHERE id = %s RETURNING id$$, :dr_main, :east_id));
-- and a resource that does not exist gets the same (not 23503)
SELECT pg_temp.try($$INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
  SELECT 9999, id, '2026-03-12', '13:00', 'Mallory' FROM timepool.services RETURNING id$$);
-- MAIN's rows are not there to change
UPDATE timepool.reservations SET patient_name = 'Mallory' WHERE id = :main_id;
DELETE FROM timepool.reservations WHERE id = :main_id;
UPDATE timepool.resources SET name = 'Mallory' WHERE code = 'DR_MAIN';
DELETE FROM timepool.clinic_time_slots WHERE resource_id = :dr_main;
DELETE FROM timepool.schedule_overrides WHERE reason IN ('main closed', 'group holiday');
-- error: 42501, a group-wide override (it shapes MAIN's pools too)
SELECT pg_temp.try($$INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed) VALUES (NULL, '2026-03-25', true) RETURNING id$$);
SELECT pg_temp.try(format($$INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed) VALUES (%s, '2026-03-25', true) RETURNING id$$, :dr_main));
-- its own location's schedule it edits
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
SELECT id, '2026-03-26', true, 'east training' FROM timepool.resources WHERE code = 'DR_EAST';
-- error: 42501, a mapping of itself to MAIN; and its own it cannot lift
SELECT pg_temp.try(format($$INSERT INTO timepool.location_staff (role, location_id)
  VALUES ('regress_staff_east_admin', %s) RETURNING role::text$$, :loc_main));
DELETE FROM timepool.location_staff WHERE role = 'regress_staff_east'::regrole;
SELECT pg_temp.run('LISTEN timepool_availability');
RESET ROLE;
-- error: 23514, PUBLIC mapped would restrict nobody
SELECT pg_temp.try(format($$INSERT INTO timepool.location_staff (role, location_id) VALUES (0::oid::regrole, %s) RETURNING 1$$, :loc_main));
-- nothing of MAIN changed
SELECT r.code, x.patient_name, x.status FROM timepool.reservations x JOIN timepool.resources r ON r.id = x.resource_id ORDER BY x.id;
SELECT name FROM timepool.resources WHERE code = 'DR_MAIN';
SELECT count(*) AS main_slots FROM timepool.clinic_time_slots WHERE resource_id = :dr_main;
SELECT reason FROM timepool.schedule_overrides ORDER BY date;
SELECT role::text, l.code FROM timepool.location_staff s JOIN timepool.locations l ON l.id = s.location_id ORDER BY 1, 2;

---------------------------------------------------------------------------
-- a role mapped to both, one mapped nowhere, a superuser
---------------------------------------------------------------------------
SET ROLE regress_staff_both;
SELECT resource FROM timepool.availability('2026-03-12') ORDER BY 1;
-- error: 22004, two locations: a booking names one
SELECT pg_temp.try($$SELECT id FROM timepool.book_service('BOTOX', '2026-03-12', '14:00', 'Pat')$$);
SELECT count(*) FROM timepool.reservations;
RESET ROLE;
SET ROLE regress_staff_group;
SELECT resource FROM timepool.availability('2026-03-12') ORDER BY 1;
SELECT count(*) FROM timepool.reservations;
RESET ROLE;
SELECT count(*) AS superuser_sees FROM timepool.reservations;

-- a change of the mapping reaches a warm session: EAST's desk unmapped
-- sees every location (and may LISTEN), mapped again only EAST
SET ROLE regress_staff_alice;
SELECT count(*) FROM timepool.availability('2026-03-12');
RESET ROLE;
DELETE FROM timepool.location_staff WHERE role = 'regress_staff_east'::regrole;
SET ROLE regress_staff_alice;
SELECT count(*) FROM timepool.availability('2026-03-12');
SELECT count(*) FROM timepool.reservations;
SELECT pg_temp.run('LISTEN timepool_availability');
UNLISTEN *;
RESET ROLE;
INSERT INTO timepool.location_staff (role, location_id)
SELECT 'regress_staff_east', id FROM timepool.locations WHERE code = 'EAST';
SET ROLE regress_staff_alice;
SELECT count(*) FROM timepool.availability('2026-03-12');
SELECT count(*) FROM timepool.reservations;
RESET ROLE;
-- and a change of membership too: out of the mapped role, alice has no grants left
REVOKE regress_staff_east FROM regress_staff_alice;
GRANT USAGE ON SCHEMA timepool TO regress_staff_alice;
GRANT SELECT ON timepool.reservations TO regress_staff_alice;
SET ROLE regress_staff_alice;
SELECT count(*) FROM timepool.reservations;
RESET ROLE;

RESET timepool.now;
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides,
         timepool.clinic_time_slots, timepool.services, timepool.resources, timepool.locations
  RESTART IDENTITY CASCADE;
UPDATE timepool.settings SET time_zone = :'tz0';
DROP OWNED BY regress_staff_alice, regress_staff_east, regress_staff_east_admin,
              regress_staff_both, regress_staff_group;
DROP ROLE regress_staff_alice;
DROP ROLE regress_staff_both;
DROP ROLE regress_staff_east_admin;
DROP ROLE regress_staff_east;
DROP ROLE regress_staff_group;
