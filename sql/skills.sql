--
-- skills: who performs what (1.3).  timepool.resource_services lists the
-- services a resource performs; a resource with rows performs only those,
-- one without rows performs every service.  book_service() with a resource
-- that does not perform the service is refused with TP008; without a
-- resource only performers are candidates; can_book(), availability() and
-- the guard of plain writes agree.  The table is plain SQL, audited.
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
\set VERBOSITY default
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
SELECT coalesce(max(id), 0) AS mark FROM timepool.audit_log \gset

INSERT INTO timepool.resources (code, name) VALUES ('DR_KIM', 'Dr. Kim'), ('ROOM', 'Treatment room');
INSERT INTO timepool.services (code, name, duration_minutes) VALUES
  ('BOTOX', 'Botox', 40), ('SKIN_CARE', 'Skin care', 70);
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT id, 6, 'MORNING', '09:00', '12:00' FROM timepool.resources;

CREATE FUNCTION pg_temp.book(p_service text, p_time time, p_resource text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE r timepool.reservations;
BEGIN
  r := timepool.book_service(p_service, '2025-11-15', p_time, 'P', p_resource => p_resource);
  RETURN (SELECT code FROM timepool.resources WHERE id = r.resource_id) || ' ' || r.start_time;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END
$$;

---------------------------------------------------------------------------
-- 1. no rows: everybody performs everything (1.2's behaviour); the room
-- sorts after DR_KIM and gets a Botox once DR_KIM is busy
---------------------------------------------------------------------------
SELECT pg_temp.book('BOTOX', '09:00') AS first, pg_temp.book('BOTOX', '09:00') AS second;

---------------------------------------------------------------------------
-- 2. the room performs skin care only: a Botox never goes there
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
INSERT INTO timepool.resource_services (resource_id, service_id)
SELECT r.id, s.id FROM timepool.resources r, timepool.services s
 WHERE r.code = 'ROOM' AND s.code = 'SKIN_CARE';
SELECT pg_temp.book('BOTOX', '09:00') AS first;
-- error: DR_KIM is busy at 09:00 and the room does not do Botox: TP007 about DR_KIM
SELECT pg_temp.book('BOTOX', '09:00') AS second;
-- error: the room named: TP008
SELECT timepool.book_service('BOTOX', '2025-11-15', '10:00', 'P', p_resource => 'ROOM');
\echo :LAST_ERROR_SQLSTATE
-- skin care: DR_KIM (no rows) and the room both perform it
SELECT pg_temp.book('SKIN_CARE', '09:00') AS skin_auto, pg_temp.book('SKIN_CARE', '10:10', 'DR_KIM') AS skin_kim;

-- can_book and availability agree
SELECT timepool.can_book('BOTOX', '2025-11-15', '10:00', 'ROOM') AS botox_room_at,
       timepool.can_book('BOTOX', '2025-11-15', NULL, 'ROOM') AS botox_room_day,
       timepool.can_book('SKIN_CARE', '2025-11-15', '10:30', 'ROOM') AS skin_room_at,
       timepool.can_book('BOTOX', '2025-11-15', '11:20') AS botox_anyone;
SELECT resource, period, remaining_minutes, can_book
  FROM timepool.availability('2025-11-15', p_service => 'BOTOX') ORDER BY resource;
SELECT resource, period, remaining_minutes, can_book
  FROM timepool.availability('2025-11-15', p_service => 'SKIN_CARE') ORDER BY resource;

---------------------------------------------------------------------------
-- 3. nobody performs it
---------------------------------------------------------------------------
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('LASER', 'Laser', 30);
INSERT INTO timepool.resource_services (resource_id, service_id)
SELECT r.id, s.id FROM timepool.resources r, timepool.services s
 WHERE r.code = 'DR_KIM' AND s.code = 'BOTOX';
-- error: every active resource has rows, none for LASER: TP008
SELECT timepool.book_service('LASER', '2025-11-15', '11:00', 'P');
\echo :LAST_ERROR_SQLSTATE
SELECT timepool.can_book('LASER', '2025-11-15', '11:00') AS laser_at, timepool.can_book('LASER', '2025-11-15') AS laser_day;

---------------------------------------------------------------------------
-- 4. plain INSERT and UPDATE: the guard refuses a service the resource
-- does not perform (TP008); rows that exist keep their place when the
-- skills change afterwards
---------------------------------------------------------------------------
-- error: a plain INSERT of a Botox into the room
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
SELECT r.id, s.id, '2025-11-15', '11:00', 'Plain'
  FROM timepool.resources r, timepool.services s WHERE r.code = 'ROOM' AND s.code = 'BOTOX';
\echo :LAST_ERROR_SQLSTATE
-- error: moving DR_KIM's 09:00 Botox to the room
UPDATE timepool.reservations SET resource_id = (SELECT id FROM timepool.resources WHERE code = 'ROOM')
 WHERE service_code = 'BOTOX';
\echo :LAST_ERROR_SQLSTATE
-- error: giving DR_KIM's 09:00 Botox, in place, a service DR_KIM does not
-- perform (DR_KIM's rows list BOTOX only since section 3)
UPDATE timepool.reservations SET service_id = (SELECT id FROM timepool.services WHERE code = 'LASER'),
       service_code = 'LASER', service_name = 'Laser'
 WHERE service_code = 'BOTOX' AND resource_id = 1;
\echo :LAST_ERROR_SQLSTATE
-- DR_KIM stops doing skin care: the booked skin care stays, can move within its window...
SELECT count(*) AS kim_skin_care FROM timepool.reservations r JOIN timepool.resources x ON x.id = r.resource_id
 WHERE x.code = 'DR_KIM' AND r.service_code = 'SKIN_CARE';
UPDATE timepool.reservations SET notes = 'kept' WHERE resource_id = 1 AND service_code = 'SKIN_CARE'
RETURNING start_time, notes;
-- ...but a new one is refused: TP008
SELECT timepool.book_service('SKIN_CARE', '2025-11-15', '11:20', 'P', p_resource => 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
-- and so is a revival of a cancelled one
SELECT (timepool.cancel_reservation(id)).status FROM timepool.reservations
 WHERE resource_id = 1 AND service_code = 'SKIN_CARE';
UPDATE timepool.reservations SET status = 'PENDING' WHERE resource_id = 1 AND service_code = 'SKIN_CARE';
\echo :LAST_ERROR_SQLSTATE

---------------------------------------------------------------------------
-- 5. the table: keys, cascades, audit
---------------------------------------------------------------------------
-- error: a row twice (23505), an unknown service (23503)
\set VERBOSITY terse
INSERT INTO timepool.resource_services (resource_id, service_id) VALUES (1, (SELECT id FROM timepool.services WHERE code = 'BOTOX'));
INSERT INTO timepool.resource_services (resource_id, service_id) VALUES (1, 999);
\set VERBOSITY default
-- every change is in the audit log, with its whole row (no row_id: the key has two columns)
DELETE FROM timepool.resource_services WHERE resource_id = 1;
SELECT table_name, row_id, action, (coalesce(new_row, old_row) ->> 'resource_id')::int AS resource_id,
       (coalesce(new_row, old_row) ->> 'service_id')::int AS service_id
  FROM timepool.audit_log WHERE id > :mark AND table_name = 'resource_services' ORDER BY id;
-- with DR_KIM's rows gone, DR_KIM performs everything again
SELECT pg_temp.book('LASER', '11:20', 'DR_KIM') AS laser_kim;
-- a resource deleted takes its rows along (ON DELETE CASCADE)
INSERT INTO timepool.resources (code, name) VALUES ('DEVICE', 'Laser device');
INSERT INTO timepool.resource_services (resource_id, service_id)
SELECT r.id, s.id FROM timepool.resources r, timepool.services s WHERE r.code = 'DEVICE' AND s.code = 'LASER';
DELETE FROM timepool.resources WHERE code = 'DEVICE';
SELECT count(*) AS rows_left FROM timepool.resource_services rs
 WHERE NOT EXISTS (SELECT FROM timepool.resources r WHERE r.id = rs.resource_id);
-- nobody but its owner can write it
SELECT has_table_privilege('public', 'timepool.resource_services', 'SELECT') AS public_select,
       has_table_privilege('public', 'timepool.resource_services', 'INSERT') AS public_insert;

TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
