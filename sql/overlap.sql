--
-- overlap: an override can give a resource two periods whose windows
-- overlap (an EXTRA hour inside MORNING).  A booking considers every pool
-- whose window holds it, so availability(), can_book() and book_service()
-- agree: where availability() says a pool can take a service, a booking at
-- a time in it goes through.
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

INSERT INTO timepool.resources (code, name) VALUES ('DR_KIM', 'Dr. Kim');
-- no clock limit: this suite tests the pool's minutes, which overlapping
-- bookings share (sql/clock.sql tests max_concurrent)
UPDATE timepool.resources SET max_concurrent = NULL;
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BOTOX', 'Botox', 40), ('FILL', 'Filler', 50);
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT id, 6, 'MORNING', '09:00', '12:00' FROM timepool.resources;
-- MORNING nearly full: 150 of 180 minutes
SELECT count(*) FROM (
  SELECT timepool.book_service('FILL', '2025-11-15', t, 'P') FROM (VALUES (time '09:00'), ('09:50'), ('10:40')) AS v(t)) b;
-- EXTRA 10:00-11:00 on that date, for the same resource
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, reason)
SELECT id, '2025-11-15', 'EXTRA', '10:00', '11:00', 'an extra hour' FROM timepool.resources;

SELECT period, start_time, end_time, remaining_minutes, can_book
  FROM timepool.availability('2025-11-15', p_service => 'BOTOX');
-- can_book says yes where EXTRA holds the booking, no where only MORNING does
SELECT t, timepool.can_book('BOTOX', '2025-11-15', t) AS can_book
  FROM (VALUES (time '09:30'), ('10:00'), ('10:10'), ('10:20'), ('10:30')) AS v(t);
-- and book_service agrees: 10:00 goes to EXTRA, with or without the resource
SELECT start_time, end_time, period FROM timepool.book_service('BOTOX', '2025-11-15', '10:00', 'Ann', p_resource => 'DR_KIM');
-- error: EXTRA has 20 minutes left now and MORNING 30: TP001
SELECT start_time, end_time, period FROM timepool.book_service('BOTOX', '2025-11-15', '10:10', 'Bob');
\echo :LAST_ERROR_SQLSTATE
SELECT timepool.can_book('BOTOX', '2025-11-15', '10:10') AS can_book_now;

-- a plain INSERT without a period goes to the first pool whose window
-- holds it and that is open: 10:20-10:40 fits both, MORNING comes first
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, end_time,
                                   duration_minutes, buffer_minutes, required_minutes, service_code, service_name,
                                   patient_name)
SELECT r.id, s.id, '2025-11-15', '10:20', '10:40', 20, 0, 20, s.code, s.name, 'Cy'
  FROM timepool.resources r, timepool.services s WHERE s.code = 'BOTOX'
RETURNING start_time, end_time, period;
-- with the period named, it goes there
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, end_time,
                                   duration_minutes, buffer_minutes, required_minutes, service_code, service_name,
                                   period, patient_name)
SELECT r.id, s.id, '2025-11-15', '10:40', '11:00', 20, 0, 20, s.code, s.name, 'EXTRA', 'Di'
  FROM timepool.resources r, timepool.services s WHERE s.code = 'BOTOX'
RETURNING start_time, end_time, period;
SELECT period, booked_minutes, remaining_minutes FROM timepool.availability('2025-11-15');
