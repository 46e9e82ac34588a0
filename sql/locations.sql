--
-- locations: a clinic group's clinics (1.7), each with its clock and policy.
--
-- Covered: the first resource makes MAIN, which inherits every setting; a
-- second location makes a resource without location_id a 23502; a
-- location's time zone is checked (23514) and one that has resources
-- cannot go (23503).  Every rule of the clock on the resource's location's:
-- today and "in the past" (TP005), the notice, the days ahead and the
-- cancellation notice of the location (a service's own wins), the online
-- status, the hour the clocks skip (TP002), COMPLETED before the start
-- (TP004), check_booking's earliest start, clinic_today(p_location).  The
-- choosing functions (book_service, book_online, hold_slot, can_book,
-- check_booking) choose within p_location or the group's only location, and
-- refuse without either (22004); a resource of another location, an
-- unknown location (TP003) and a bad code (22023).  The listings
-- (availability, open_slots, utilization) keep p_location's resources, or
-- every location's, each on its clock; reschedule_reservation without a
-- resource stays in its location.  The report views give each row's
-- location, daily_overview from each location's today, nearly_full with each
-- location's threshold.  A location's change reaches a warm session's cache.
--
-- The group's clock (settings.time_zone) is UTC, frozen at Tuesday
-- 2026-03-10 23:30 UTC: in Tokyo (UTC+9) it is already Wednesday 03-11 08:30,
-- in New York (UTC-4 since 03-08) Tuesday 19:30.
--
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
\pset null '(null)'
\set VERBOSITY default

-- from empty tables (a suite before may leave rows), with the settings kept
-- to be put back at the end
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides,
         timepool.clinic_time_slots, timepool.services, timepool.resources, timepool.locations
  RESTART IDENTITY CASCADE;
SELECT time_zone AS tz0, nearly_full_percent AS full0 FROM timepool.settings \gset
UPDATE timepool.settings SET time_zone = 'UTC';
CREATE FUNCTION pg_temp.try(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  v text;
BEGIN
  EXECUTE p_sql INTO v;
  RETURN v;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

-- the first resource of a database makes MAIN; the resource is there
INSERT INTO timepool.resources (code, name) VALUES ('DR_MAIN', 'Dr Main');
SELECT code, name, time_zone, min_notice_minutes, max_advance_days, cancel_notice_minutes,
       online_status, nearly_full_percent FROM timepool.locations;
SELECT r.code, l.code AS location FROM timepool.resources r JOIN timepool.locations l ON l.id = r.location_id;

-- two more clinics
INSERT INTO timepool.locations (code, name, time_zone, min_notice_minutes, online_status, nearly_full_percent)
VALUES ('TOKYO', 'Tokyo clinic', 'Asia/Tokyo', 60, 'CONFIRMED', 50),
       ('NYC', 'New York clinic', 'America/New_York', NULL, NULL, NULL);
-- error: 23502, a resource without its location once there are several
INSERT INTO timepool.resources (code, name) VALUES ('DR_LOST', 'Dr Lost');
INSERT INTO timepool.resources (code, name, location_id)
SELECT v.code, v.name, l.id FROM (VALUES ('DR_TOKYO', 'Dr Tokyo', 'TOKYO'), ('DR_NYC', 'Dr NYC', 'NYC')) v(code, name, loc)
  JOIN timepool.locations l ON l.code = v.loc;
-- error: 23514, no such time zone
UPDATE timepool.locations SET time_zone = 'Mars/Olympus' WHERE code = 'NYC';
-- error: 23503, a location with resources stays
DELETE FROM timepool.locations WHERE code = 'NYC';
-- error: 23514, a lower-case code
\set VERBOSITY terse
INSERT INTO timepool.locations (code, name) VALUES ('paris', 'Paris');
\set VERBOSITY default

-- every day 00:00-24:00 open, 600 minutes, for each resource
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT r.id, d, 'DAY', '00:00', '24:00', 600 FROM timepool.resources r, generate_series(0, 6) d;
INSERT INTO timepool.services (code, name, duration_minutes, is_visible) VALUES ('BOTOX', 'Botox', 40, true);
SET timepool.now = '2026-03-10 23:30';

-- each location's today
SELECT timepool.clinic_today() AS group_today, timepool.clinic_today('MAIN') AS main,
       timepool.clinic_today('TOKYO') AS tokyo, timepool.clinic_today('NYC') AS nyc;
SELECT pg_temp.try($$SELECT timepool.clinic_today('PARIS')::text$$) AS unknown_location;
SELECT timepool.clinic_today(NULL) AS null_is_the_group;

-- now on the resource's clock: 03-11 06:00 has passed in Tokyo (TP005), not in UTC
SELECT pg_temp.try($$SELECT id::text FROM timepool.book_service('BOTOX', '2026-03-11', '06:00', 'A', p_resource => 'DR_TOKYO')$$) AS tokyo_0600;
SELECT pg_temp.try($$SELECT service_code FROM timepool.book_service('BOTOX', '2026-03-11', '06:00', 'A', p_resource => 'DR_MAIN')$$) AS main_0600;
SELECT pg_temp.try($$SELECT id::text FROM timepool.book_service('BOTOX', '2026-03-10', '23:50', 'A', p_resource => 'DR_TOKYO')$$) AS tokyo_yesterday;
-- Tokyo's notice is 60 minutes: 09:00 is too soon at 08:30, 09:30 is not
SELECT pg_temp.try($$SELECT id::text FROM timepool.book_service('BOTOX', '2026-03-11', '09:00', 'A', p_resource => 'DR_TOKYO')$$) AS tokyo_0900;
SELECT pg_temp.try($$SELECT service_code FROM timepool.book_service('BOTOX', '2026-03-11', '09:30', 'A', p_resource => 'DR_TOKYO')$$) AS tokyo_0930;
-- New York: 19:30 now; 19:40 is open (no notice there)
SELECT pg_temp.try($$SELECT service_code FROM timepool.book_service('BOTOX', '2026-03-10', '19:40', 'A', p_resource => 'DR_NYC')$$) AS nyc_1940;
SELECT pg_temp.try($$SELECT id::text FROM timepool.book_service('BOTOX', '2026-03-10', '19:00', 'A', p_resource => 'DR_NYC')$$) AS nyc_1900;

-- choosing a resource: within p_location, or the group's only location
SELECT pg_temp.try($$SELECT id::text FROM timepool.book_service('BOTOX', '2026-03-12', '10:00', 'B')$$) AS no_location;
SELECT r.code FROM timepool.book_service('BOTOX', '2026-03-12', '10:00', 'B', p_location => 'NYC') b
  JOIN timepool.resources r ON r.id = b.resource_id;
SELECT pg_temp.try($$SELECT id::text FROM timepool.book_service('BOTOX', '2026-03-12', '10:00', 'B', p_resource => 'DR_MAIN', p_location => 'NYC')$$) AS wrong_location;
SELECT pg_temp.try($$SELECT id::text FROM timepool.book_service('BOTOX', '2026-03-12', '10:00', 'B', p_location => 'PARIS')$$) AS unknown_location;
SELECT pg_temp.try($$SELECT id::text FROM timepool.book_service('BOTOX', '2026-03-12', '10:00', 'B', p_location => 'nyc')$$) AS bad_code;
SELECT pg_temp.try($$SELECT timepool.can_book('BOTOX', '2026-03-12')::text$$) AS can_book_no_location;
SELECT timepool.can_book('BOTOX', '2026-03-12', p_location => 'TOKYO') AS can_book_tokyo;
SELECT pg_temp.try($$SELECT resource FROM timepool.hold_slot('BOTOX', '2026-03-12', '11:00')$$) AS hold_no_location;
SELECT resource, status FROM timepool.hold_slot('BOTOX', '2026-03-12', '11:00', p_location => 'TOKYO');
-- book_online: the location's online status (Tokyo's CONFIRMED, the group's PENDING)
SELECT resource, status FROM timepool.book_online('BOTOX', '2026-03-12', '12:00', 'C', p_location => 'TOKYO');
SELECT resource, status FROM timepool.book_online('BOTOX', '2026-03-12', '12:00', 'C', p_location => 'MAIN');
-- check_booking: the verdict and the earliest start on the location's clock
SELECT accepted, sqlstate, earliest_start FROM timepool.check_booking('BOTOX', '2026-03-11', '09:00', p_location => 'TOKYO');
SELECT accepted, sqlstate, earliest_start FROM timepool.check_booking('BOTOX', '2026-03-11', '09:00', p_location => 'NYC');
SELECT accepted, sqlstate FROM timepool.check_booking('BOTOX', '2026-03-11', '09:00');

-- the hour New York skips on 2026-03-08 is New York's only (in the past
-- here: a clock set back to 03-07 shows it)
SET timepool.now = '2026-03-07 12:00';
SELECT pg_temp.try($$SELECT id::text FROM timepool.book_service('BOTOX', '2026-03-08', '02:30', 'D', p_resource => 'DR_NYC')$$) AS nyc_gap;
SELECT pg_temp.try($$SELECT service_code FROM timepool.book_service('BOTOX', '2026-03-08', '02:30', 'D', p_resource => 'DR_MAIN')$$) AS main_same_time;
-- open_slots: no 01:30 to 02:30 in New York (they end or start in the gap),
-- every half hour in Tokyo; DR_MAIN's 02:30 booking holds its clock
SELECT resource, string_agg(to_char(start_time, 'HH24:MI'), ' ' ORDER BY start_time) AS starts
  FROM timepool.open_slots('BOTOX', '2026-03-08', p_step_minutes => 30)
 WHERE start_time BETWEEN '01:00' AND '04:00' GROUP BY resource ORDER BY resource;
SET timepool.now = '2026-03-10 23:30';

-- the listings: one location's resources, or every location's
SELECT resource, booked_minutes FROM timepool.availability('2026-03-12', p_location => 'NYC');
SELECT resource, booked_minutes FROM timepool.availability('2026-03-12') ORDER BY resource;
SELECT resource, can_book FROM timepool.availability('2026-03-11', p_service => 'BOTOX') ORDER BY resource;
SELECT pg_temp.try($$SELECT resource FROM timepool.availability('2026-03-12', p_resource => 'DR_NYC', p_location => 'TOKYO')$$) AS wrong_location;
-- open_slots: the first start of 03-11 at each location, on its clock
SELECT resource, min(start_time) AS first_start FROM timepool.open_slots('BOTOX', '2026-03-11', p_step_minutes => 30)
 GROUP BY resource ORDER BY resource;
SELECT DISTINCT resource FROM timepool.open_slots('BOTOX', '2026-03-11', p_step_minutes => 60, p_location => 'TOKYO');
-- utilization: the location of each row; p_location keeps one
SELECT resource, location, booked_minutes, reservations FROM timepool.utilization('2026-03-12', '2026-03-12') ORDER BY resource;
SELECT resource, location FROM timepool.utilization('2026-03-12', '2026-03-12', p_location => 'TOKYO');

-- COMPLETED before its start, on the location's clock: Tokyo's 09:30 of
-- 03-11 has not begun at 08:30 there
SELECT pg_temp.try(format($$SELECT status FROM timepool.set_reservation_status(%s, 'CONFIRMED')$$, id)) AS confirm,
       pg_temp.try(format($$SELECT status FROM timepool.set_reservation_status(%s, 'COMPLETED')$$, id)) AS complete_early
  FROM timepool.reservations WHERE start_time = '09:30' AND reservation_date = '2026-03-11';
-- New York's 19:40 of 03-10 began at 19:40 there, 23:40 UTC: at 23:50 UTC it can be COMPLETED
SET timepool.now = '2026-03-10 23:50';
SELECT pg_temp.try(format($$SELECT status FROM timepool.set_reservation_status(%s, 'CONFIRMED')$$, id)) AS confirm,
       pg_temp.try(format($$SELECT status FROM timepool.set_reservation_status(%s, 'COMPLETED')$$, id)) AS complete
  FROM timepool.reservations WHERE start_time = '19:40';
SET timepool.now = '2026-03-10 23:30';

-- the cancellation notice of the location: Tokyo's 120 minutes, MAIN the group's 0
UPDATE timepool.locations SET cancel_notice_minutes = 120 WHERE code = 'TOKYO';
SELECT pg_temp.try(format($$SELECT status FROM timepool.cancel_booking(%L)$$, access_token)) AS tokyo_cancel
  FROM timepool.reservations WHERE start_time = '09:30' AND reservation_date = '2026-03-11';
SELECT pg_temp.try(format($$SELECT status FROM timepool.cancel_booking(%L)$$, access_token)) AS main_cancel
  FROM timepool.reservations WHERE start_time = '06:00' AND reservation_date = '2026-03-11';
-- a service's own notice wins over the location's
UPDATE timepool.services SET min_notice_minutes = 0 WHERE code = 'BOTOX';
SELECT pg_temp.try($$SELECT service_code FROM timepool.book_service('BOTOX', '2026-03-11', '08:40', 'E', p_resource => 'DR_TOKYO')$$) AS tokyo_0840_service_notice;
UPDATE timepool.services SET min_notice_minutes = NULL WHERE code = 'BOTOX';
-- the days ahead of the location: Tokyo takes bookings 2 days ahead (to 03-13)
UPDATE timepool.locations SET max_advance_days = 2 WHERE code = 'TOKYO';
SELECT pg_temp.try($$SELECT id::text FROM timepool.book_service('BOTOX', '2026-03-14', '10:00', 'F', p_resource => 'DR_TOKYO')$$) AS tokyo_0314;
SELECT pg_temp.try($$SELECT service_code FROM timepool.book_service('BOTOX', '2026-03-14', '10:00', 'F', p_resource => 'DR_NYC')$$) AS nyc_0314;

-- reschedule without a resource stays in the reservation's location
SELECT r.code AS moved_to FROM timepool.reschedule_reservation(
         (SELECT id FROM timepool.reservations WHERE resource_id = (SELECT id FROM timepool.resources WHERE code = 'DR_NYC')
             AND reservation_date = '2026-03-12'), '2026-03-13', '15:00') m
  JOIN timepool.resources r ON r.id = m.resource_id;

-- a warm session's cache takes a location's change: Tokyo moves to UTC
SELECT timepool.clinic_today('TOKYO') AS before;
UPDATE timepool.locations SET time_zone = 'UTC' WHERE code = 'TOKYO';
SELECT timepool.clinic_today('TOKYO') AS after;
SELECT pg_temp.try($$SELECT service_code FROM timepool.book_service('BOTOX', '2026-03-11', '06:00', 'G', p_resource => 'DR_TOKYO')$$) AS tokyo_0600_now;
UPDATE timepool.locations SET time_zone = 'Asia/Tokyo' WHERE code = 'TOKYO';

-- the views: each row's location; daily_overview from each location's today
SELECT location, resource, min(date) AS first_day, max(date) AS last_day, count(*) AS days
  FROM timepool.daily_overview GROUP BY 1, 2 ORDER BY 1, 2;
SELECT location, service, month, bookings FROM timepool.service_stats ORDER BY 1, 2, 3;
SELECT DISTINCT location, resource FROM timepool.resource_stats ORDER BY 1, 2;
-- nearly_full: Tokyo's threshold is 50%, MAIN's the group's 80%: DR_TOKYO's
-- and DR_MAIN's 03-13 filled to 320 of 600, only Tokyo's is listed
INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name, duration_minutes,
                                   buffer_minutes, required_minutes, reservation_date, start_time, end_time,
                                   period, status, patient_name)
SELECT r.id, s.id, s.code, s.name, 40, 0, 40, '2026-03-13', t, t + interval '40 minutes', 'DAY', 'PENDING', 'Filler'
  FROM timepool.resources r, timepool.services s, generate_series(timestamp '2026-03-13 10:00', '2026-03-13 16:00', '50 minutes') g,
       LATERAL (SELECT g::time AS t) x
 WHERE r.code IN ('DR_TOKYO', 'DR_MAIN') AND s.code = 'BOTOX';
SELECT location, resource, date, booked_minutes, threshold_percent FROM timepool.nearly_full ORDER BY 1, 2, 3;
UPDATE timepool.settings SET nearly_full_percent = 100;
UPDATE timepool.locations SET nearly_full_percent = NULL WHERE code = 'TOKYO';
SELECT count(*) AS nearly_full_at_100 FROM timepool.nearly_full;
RESET timepool.now;

-- leave the tables empty, and one location no more, for the suite that runs next
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides,
         timepool.clinic_time_slots, timepool.services, timepool.resources, timepool.locations
  RESTART IDENTITY CASCADE;
UPDATE timepool.settings SET time_zone = :'tz0', nearly_full_percent = :full0;
