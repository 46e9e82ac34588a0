--
-- constraints: the table constraints of timepool--1.0.sql, exercised with
-- plain SQL DML as a DBA would write it.  Every CHECK, UNIQUE, EXCLUDE and
-- FOREIGN KEY gets at least one statement that violates it and one that it
-- accepts: code formats, unique codes (services: unique among the rows not
-- deleted), service durations, buffers and prices, weekly rows (window,
-- capacity, whole minutes, effective dates, no overlap, one label per
-- resource and day), override shapes and their uniqueness, reservation
-- columns and statuses, idempotency keys, and ON DELETE RESTRICT / CASCADE.
--
-- Errors are shown tersely: the message names the constraint.
--
SET timepool.today = '2025-11-14';
SET datestyle = 'ISO, YMD';

-- pg_regress runs every suite of one invocation in the same database: start
-- from empty tables and fresh identities whatever ran before.
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.service_categories, timepool.resources RESTART IDENTITY;
\set VERBOSITY terse

---------------------------------------------------------------------------
-- resources
---------------------------------------------------------------------------

-- error: resources_code_format, lower case
INSERT INTO timepool.resources (code, name) VALUES ('dr_a', 'Doctor A');

-- error: resources_code_format, starts with a digit
INSERT INTO timepool.resources (code, name) VALUES ('1DR', 'Doctor 1');

-- error: resources_code_format, 51 characters
INSERT INTO timepool.resources (code, name) VALUES ('R' || repeat('X', 50), 'Too long');

-- error: resources_name_length, blank name
INSERT INTO timepool.resources (code, name) VALUES ('DR_Z', '   ');

-- error: resources_name_length, 201 characters
INSERT INTO timepool.resources (code, name) VALUES ('DR_Z', repeat('n', 201));

-- accepted: one letter, 50 characters, underscores and digits; a 200-character name
INSERT INTO timepool.resources (code, name) VALUES
  ('DR_A', 'Doctor A'),
  ('DR_B', 'Doctor B'),
  ('ROOM_1', 'Room 1'),
  ('X', 'One letter'),
  ('R' || repeat('9', 49), repeat('n', 200));
-- this suite tests the pools' minutes; sql/clock.sql tests the clock limit
UPDATE timepool.resources SET max_concurrent = NULL;
SELECT code, char_length(code) AS code_len, char_length(name) AS name_len
  FROM timepool.resources ORDER BY id;

-- error: resources_code_key, duplicate code
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Another Doctor A');

-- error: resources_id_positive, an id of 0 forced past the identity (0
-- would read as "every resource" in the schedule's overrides)
INSERT INTO timepool.resources (id, code, name) OVERRIDING SYSTEM VALUE VALUES (0, 'ZERO', 'Zero');

SELECT id AS dr_a FROM timepool.resources WHERE code = 'DR_A' \gset
SELECT id AS dr_b FROM timepool.resources WHERE code = 'DR_B' \gset
SELECT id AS room_1 FROM timepool.resources WHERE code = 'ROOM_1' \gset

---------------------------------------------------------------------------
-- services
---------------------------------------------------------------------------

-- error: services_code_format
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('consult', 'Consultation', 30);

-- error: services_name_length, blank name
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('CONSULT', ' ', 30);

-- error: services_description_length, 4001 characters
INSERT INTO timepool.services (code, name, duration_minutes, description)
VALUES ('CONSULT', 'Consultation', 30, repeat('d', 4001));

-- error: services_category_fkey, a category that is not in service_categories
-- (1.1: categories are data; 1.0 took any text of 1 to 100 characters)
INSERT INTO timepool.services (code, name, duration_minutes, category) VALUES ('CONSULT', 'Consultation', 30, '');

-- error: services_category_fkey, a category code nobody created
INSERT INTO timepool.services (code, name, duration_minutes, category)
VALUES ('CONSULT', 'Consultation', 30, 'SKIN');

-- error: services_duration_range, 0 minutes
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('CONSULT', 'Consultation', 0);

-- error: services_duration_range, 1441 minutes
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('CONSULT', 'Consultation', 1441);

-- error: services_buffer_range, negative buffer
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes) VALUES ('CONSULT', 'Consultation', 30, -1);

-- error: services_buffer_range, 1441 minutes
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes) VALUES ('CONSULT', 'Consultation', 1, 1441);

-- error: services_required_fits_day, 1000 + 441 > 1440
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes) VALUES ('CONSULT', 'Consultation', 1000, 441);

-- error: services_price_nonnegative
INSERT INTO timepool.services (code, name, duration_minutes, price) VALUES ('CONSULT', 'Consultation', 30, -0.01);

-- accepted: the bounds (duration 1 and 1440, buffer 0 and 1439, sum 1440),
-- price 0 and NULL, longest description, categories that exist
INSERT INTO timepool.service_categories (code, name) VALUES
  (repeat('C', 50), 'Longest code'), ('C', 'One letter');
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price, description, category) VALUES
  ('CONSULT', 'Consultation', 30, 0, 50.00, repeat('d', 4000), repeat('C', 50)),
  ('ONE_MIN', 'One minute', 1, 0, 0, NULL, 'C'),
  ('FULL_DAY', 'Full day', 1440, 0, NULL, NULL, NULL),
  ('BUFFERED', 'Mostly buffer', 1, 1439, NULL, NULL, NULL),
  ('SPLIT', 'Split', 1000, 440, NULL, NULL, NULL);
SELECT code, duration_minutes, buffer_minutes, price, char_length(description) AS descr_len,
       char_length(category) AS cat_len
  FROM timepool.services ORDER BY id;

-- error: services_code_key, a second live CONSULT
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('CONSULT', 'Consultation again', 20);

-- accepted: once the first SPLIT is deleted (deleted_at set), its code is
-- free for a new service; a second deletion and reuse works as well.
UPDATE timepool.services SET deleted_at = '2025-11-01 00:00+00' WHERE code = 'SPLIT';
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('SPLIT', 'Split, second', 45);
UPDATE timepool.services SET deleted_at = '2025-11-02 00:00+00' WHERE code = 'SPLIT' AND deleted_at IS NULL;
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('SPLIT', 'Split, third', 60);
SELECT code, name, deleted_at IS NOT NULL AS deleted FROM timepool.services WHERE code = 'SPLIT' ORDER BY id;

-- error: services_code_key, undeleting a SPLIT while another one is live
UPDATE timepool.services SET deleted_at = NULL WHERE code = 'SPLIT' AND name = 'Split, second';

SELECT id AS consult FROM timepool.services WHERE code = 'CONSULT' \gset

---------------------------------------------------------------------------
-- clinic_time_slots
---------------------------------------------------------------------------

-- error: clinic_time_slots_resource_id_fkey, no such resource
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
VALUES (-1, 1, 'MORNING', '09:00', '12:00');

-- error: clinic_time_slots_day_range, 7
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
VALUES (:dr_a, 7, 'MORNING', '09:00', '12:00');

-- error: clinic_time_slots_day_range, -1
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
VALUES (:dr_a, -1, 'MORNING', '09:00', '12:00');

-- error: clinic_time_slots_period_format
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
VALUES (:dr_a, 1, 'Morning', '09:00', '12:00');

-- error: clinic_time_slots_whole_minutes, a start with seconds
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
VALUES (:dr_a, 1, 'MORNING', '09:00:30', '12:00', 60);

-- error: clinic_time_slots_whole_minutes, an end with a fraction of a second
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
VALUES (:dr_a, 1, 'MORNING', '09:00', '12:00:00.5', 60);

-- error: clinic_time_slots_window, end_time before start_time (the
-- capacity trigger reports it before any capacity check can)
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
VALUES (:dr_a, 1, 'MORNING', '12:00', '09:00', 30);

-- error: clinic_time_slots_window, end_time equal to start_time, capacity
-- left out (there is no window to default it from)
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
VALUES (:dr_a, 1, 'MORNING', '09:00', '09:00');

-- error: clinic_time_slots_capacity_range, 0 minutes
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
VALUES (:dr_a, 1, 'MORNING', '09:00', '12:00', 0);

-- error: clinic_time_slots_capacity_range, more than the 180-minute window
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
VALUES (:dr_a, 1, 'MORNING', '09:00', '12:00', 181);

-- error: clinic_time_slots_capacity_range (23514), not an int4 overflow
-- (22003) of capacity_minutes * 60, for a huge capacity
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
VALUES (:dr_a, 1, 'MORNING', '09:00', '12:00', 40000000);
\echo :LAST_ERROR_SQLSTATE

-- error: clinic_time_slots_effective_range, until before from
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, effective_from, effective_until)
VALUES (:dr_a, 1, 'MORNING', '09:00', '12:00', '2025-12-01', '2025-11-30');

-- error: clinic_time_slots_effective_range, infinite until
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, effective_from, effective_until)
VALUES (:dr_a, 1, 'MORNING', '09:00', '12:00', '2025-12-01', 'infinity');

-- error: clinic_time_slots_effective_range, infinite from
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, effective_from, effective_until)
VALUES (:dr_a, 1, 'MORNING', '09:00', '12:00', '-infinity', '2025-12-01');

-- accepted: capacity equal to the window, capacity left out (= window),
-- capacity 1, days 0 and 6, to midnight (24:00), a one-day effective range
INSERT INTO timepool.clinic_time_slots
  (resource_id, day_of_week, period, start_time, end_time, capacity_minutes, effective_from, effective_until)
VALUES
  (:dr_a, 1, 'MORNING', '09:00', '12:00', 180,  NULL, NULL),
  (:dr_a, 1, 'AFTERNOON', '13:00', '17:00', NULL, NULL, NULL),
  (:dr_a, 0, 'SUNDAY', '10:00', '11:00', 1, NULL, NULL),
  (:dr_a, 6, 'NIGHT', '22:00', '24:00', NULL, NULL, NULL),
  (:dr_a, 3, 'ONE_DAY', '09:00', '10:00', NULL, '2025-11-19', '2025-11-19');
SELECT day_of_week, period, start_time, end_time, capacity_minutes, effective_from, effective_until
  FROM timepool.clinic_time_slots WHERE resource_id = :dr_a ORDER BY day_of_week, start_time;

-- error: clinic_time_slots_no_overlap, DR_A's Monday 11:00-13:00 overlaps MORNING (09:00-12:00)
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
VALUES (:dr_a, 1, 'LUNCH', '11:00', '13:00');

-- error: clinic_time_slots_no_overlap, also when one window holds the other
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
VALUES (:dr_a, 1, 'LUNCH', '13:30', '14:00');

-- accepted: touching windows (12:00-13:00 between 09:00-12:00 and
-- 13:00-17:00), another day, another resource at the same hours
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time) VALUES
  (:dr_a, 1, 'LUNCH', '12:00', '13:00'),
  (:dr_a, 2, 'MORNING', '09:00', '12:00'),
  (:dr_b, 1, 'MORNING', '09:00', '12:00');

-- error: clinic_time_slots_period_once, a second MORNING for DR_A on Monday (other hours)
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
VALUES (:dr_a, 1, 'MORNING', '18:00', '19:00');

-- Effective dates (DR_B, Tuesday): a row until 2025-11-24 ...
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, effective_until)
VALUES (:dr_b, 2, 'MORNING', '09:00', '12:00', '2025-11-24');

-- error: clinic_time_slots_no_overlap, overlapping hours from 2025-11-24 on (both bounds inclusive)
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, effective_from)
VALUES (:dr_b, 2, 'LATE_MORNING', '10:00', '11:00', '2025-11-24');

-- error: clinic_time_slots_period_once, the same label at other hours from 2025-11-24 on
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, effective_from)
VALUES (:dr_b, 2, 'MORNING', '13:00', '14:00', '2025-11-24');

-- accepted: the same label and overlapping hours from 2025-11-25 on (the
-- dates no longer overlap); inactive rows overlapping the active ones
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, effective_from, is_active)
VALUES (:dr_b, 2, 'MORNING', '10:00', '11:00', '2025-11-25', true),
       (:dr_b, 2, 'SPARE', '09:00', '12:00', NULL, false),
       (:dr_b, 2, 'MORNING', '15:00', '16:00', NULL, false);
SELECT period, start_time, end_time, is_active, effective_from, effective_until
  FROM timepool.clinic_time_slots WHERE resource_id = :dr_b AND day_of_week = 2
 ORDER BY start_time, effective_from NULLS FIRST;

-- error: clinic_time_slots_no_overlap, activating the overlapping SPARE row
UPDATE timepool.clinic_time_slots SET is_active = true
 WHERE resource_id = :dr_b AND day_of_week = 2 AND period = 'SPARE';

-- error: clinic_time_slots_period_once, activating the second MORNING row
UPDATE timepool.clinic_time_slots SET is_active = true
 WHERE resource_id = :dr_b AND day_of_week = 2 AND period = 'MORNING' AND start_time = '15:00';

---------------------------------------------------------------------------
-- schedule_overrides
---------------------------------------------------------------------------

-- error: schedule_overrides_resource_id_fkey, no such resource
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed) VALUES (-1, '2025-12-01', true);

-- error: schedule_overrides_date_finite
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed) VALUES (NULL, 'infinity', true);

-- error: schedule_overrides_period_format
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed) VALUES (NULL, '2025-12-01', 'am', true);

-- error: schedule_overrides_reason_length, 501 characters
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
VALUES (NULL, '2025-12-01', true, repeat('r', 501));

-- error: schedule_overrides_whole_day_closes, a whole-day row that is not a closure
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES (NULL, '2025-12-01', NULL, false, '09:00', '12:00', 60);

-- error: schedule_overrides_hours, a closure with hours
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time)
VALUES (NULL, '2025-12-01', 'MORNING', true, '09:00', '10:00');

-- error: schedule_overrides_hours, a closure with a capacity
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, capacity_minutes)
VALUES (NULL, '2025-12-01', 'MORNING', true, 30);

-- error: schedule_overrides_hours, an opening without hours
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed) VALUES (NULL, '2025-12-01', 'MORNING', false);

-- error: schedule_overrides_hours, an opening without an end
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, capacity_minutes)
VALUES (NULL, '2025-12-01', 'MORNING', false, '09:00', 30);

-- error: schedule_overrides_window, end before start
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time)
VALUES (NULL, '2025-12-01', 'MORNING', false, '12:00', '09:00');

-- error: schedule_overrides_capacity_range, 0 minutes
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES (NULL, '2025-12-01', 'MORNING', false, '09:00', '10:00', 0);

-- error: schedule_overrides_capacity_range, more than the 60-minute window
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES (NULL, '2025-12-01', 'MORNING', false, '09:00', '10:00', 61);

-- error: schedule_overrides_capacity_range (23514) for a huge capacity too
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES (NULL, '2025-12-01', 'MORNING', false, '09:00', '10:00', 2147483647);
\echo :LAST_ERROR_SQLSTATE

-- error: schedule_overrides_whole_minutes
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes)
VALUES (NULL, '2025-12-01', 'MORNING', false, '09:00:30', '10:00', 30);

-- accepted: for one date, a whole-day closure for every resource and for
-- DR_A, and a MORNING row for every resource, for DR_A and for DR_B; an
-- opening without a capacity gets the window (60); a 500-character reason.
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes, reason) VALUES
  (NULL,  '2025-12-01', NULL,      true,  NULL,    NULL,    NULL, repeat('r', 500)),
  (:dr_a, '2025-12-01', NULL,      true,  NULL,    NULL,    NULL, NULL),
  (NULL,  '2025-12-01', 'MORNING', true,  NULL,    NULL,    NULL, NULL),
  (:dr_a, '2025-12-01', 'MORNING', false, '09:00', '10:00', NULL, NULL),
  (:dr_b, '2025-12-01', 'MORNING', false, '10:00', '12:00', 120, NULL);
SELECT r.code AS resource, o.period, o.is_closed, o.start_time, o.end_time, o.capacity_minutes,
       char_length(o.reason) AS reason_len
  FROM timepool.schedule_overrides o LEFT JOIN timepool.resources r ON r.id = o.resource_id
 ORDER BY r.code NULLS FIRST, o.period NULLS FIRST;

-- error: schedule_overrides_once, a second all-resources whole-day row for the date
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed) VALUES (NULL, '2025-12-01', true);

-- error: schedule_overrides_once, a second DR_A whole-day row for the date
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed) VALUES (:dr_a, '2025-12-01', true);

-- error: schedule_overrides_once, a second DR_A MORNING row for the date
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed) VALUES (:dr_a, '2025-12-01', 'MORNING', true);

-- error: schedule_overrides_once, a second all-resources MORNING row for the date
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time)
VALUES (NULL, '2025-12-01', 'MORNING', false, '09:00', '11:00');

-- accepted: the same rows on another date
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed)
VALUES (NULL, '2025-12-08', NULL, true), (:dr_a, '2025-12-08', 'MORNING', true);
SELECT date, count(*) FROM timepool.schedule_overrides GROUP BY date ORDER BY date;

---------------------------------------------------------------------------
-- reservations (plain INSERT: the trigger fills the service snapshot,
-- required_minutes, end_time and period).  DR_A's Monday MORNING is
-- 09:00-12:00 with 180 minutes; 2025-11-17 is a Monday.
---------------------------------------------------------------------------

-- accepted: the smallest plain INSERT
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :consult, '2025-11-17', '09:00', 'Ann Plain')
RETURNING service_code, service_name, duration_minutes, buffer_minutes, required_minutes, price,
          start_time, end_time, period, status;

-- error: reservations_status_valid, an unknown status
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, status)
VALUES (:dr_a, :consult, '2025-11-17', '09:30', 'Bad Status', 'BOOKED');

-- error: reservations_status_valid, lower case
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, status)
VALUES (:dr_a, :consult, '2025-11-17', '09:30', 'Bad Status', 'pending');

-- accepted: every status of the list (on the clinic's clock the 09:30
-- appointments have started, as COMPLETED and NO_SHOW need)
SET timepool.now = '2025-11-17 09:30';
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, status)
SELECT :dr_a, :consult, '2025-11-17', '09:30', 'Status ' || s, s
  FROM unnest(ARRAY['PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW', 'CANCELLED', 'REJECTED']) AS s;
RESET timepool.now;
SELECT patient_name, status FROM timepool.reservations ORDER BY id;

-- error: reservations_status_valid, by UPDATE
UPDATE timepool.reservations SET status = 'DONE' WHERE patient_name = 'Ann Plain';

-- error: reservations_resource_id_fkey, no such resource
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, period, patient_name)
VALUES (-1, :consult, '2025-11-17', '10:00', 'MORNING', 'No Resource');

-- error: reservations_service_id_fkey, no such service (snapshot given)
INSERT INTO timepool.reservations
  (resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
   reservation_date, start_time, period, patient_name)
VALUES (:dr_a, -1, 'GHOST', 'Ghost', 30, 0, '2025-11-17', '10:00', 'MORNING', 'No Service');

-- error: reservations_duration_range, 0 minutes
INSERT INTO timepool.reservations
  (resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
   reservation_date, start_time, patient_name)
VALUES (:dr_a, :consult, 'CONSULT', 'Consultation', 0, 0, '2025-11-17', '10:00', 'Zero Duration');

-- error: reservations_buffer_range, negative buffer
INSERT INTO timepool.reservations
  (resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
   reservation_date, start_time, patient_name)
VALUES (:dr_a, :consult, 'CONSULT', 'Consultation', 30, -1, '2025-11-17', '10:00', 'Negative Buffer');

-- error: reservations_price_nonnegative
INSERT INTO timepool.reservations (resource_id, service_id, price, reservation_date, start_time, patient_name)
VALUES (:dr_a, :consult, -1, '2025-11-17', '10:00', 'Negative Price');

-- error: reservations_date_finite
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, period, patient_name)
VALUES (:dr_a, :consult, 'infinity', '10:00', 'MORNING', 'Infinite Date');

-- error: reservations_period_format
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, period, patient_name)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', 'morning', 'Bad Period');

-- error: reservations_patient_name_length, blank
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', '   ');

-- error: reservations_patient_name_length, 201 characters
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', repeat('p', 201));

-- error: reservations_patient_phone_length, 51 characters
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, patient_phone)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', 'Long Phone', repeat('5', 51));

-- error: reservations_patient_email_format, no @
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, patient_email)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', 'Bad Email', 'nobody.example.org');

-- error: reservations_patient_email_format, two @
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, patient_email)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', 'Bad Email', 'a@b@example.org');

-- error: reservations_patient_email_format, a space
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, patient_email)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', 'Bad Email', 'a b@example.org');

-- error: reservations_patient_email_format, 321 characters
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, patient_email)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', 'Long Email', repeat('a', 309) || '@example.org');

-- error: reservations_notes_length, 4001 characters
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, notes)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', 'Long Notes', repeat('x', 4001));

-- error: reservations_idempotency_key_length, empty key
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, idempotency_key)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', 'Empty Key', '');

-- error: reservations_idempotency_key_length, 201 characters
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, idempotency_key)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', 'Long Key', repeat('k', 201));

-- error: reservations_cancel_reason_length, 501 characters
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, status, cancel_reason)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', 'Long Reason', 'CANCELLED', repeat('c', 501));

-- error: reservations_required_sum, required_minutes other than duration + buffer
INSERT INTO timepool.reservations (resource_id, service_id, required_minutes, reservation_date, start_time, patient_name)
VALUES (:dr_a, :consult, 40, '2025-11-17', '10:00', 'Wrong Sum');

-- error: reservations_whole_minutes, a start with seconds
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (:dr_a, :consult, '2025-11-17', '10:00:30', 'Seconds');

-- error: reservations_window, an end that does not match required_minutes
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, end_time, patient_name)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', '10:45', 'Wrong End');

-- accepted: every optional column at its longest (CANCELLED, so it holds
-- no minutes), an idempotency key, and a second row without a key
INSERT INTO timepool.reservations
  (resource_id, service_id, reservation_date, start_time, patient_name, patient_phone, patient_email,
   notes, idempotency_key, status, cancel_reason)
VALUES (:dr_a, :consult, '2025-11-17', '10:00', repeat('p', 200), repeat('5', 50),
        repeat('a', 308) || '@example.org', repeat('x', 4000), repeat('k', 200), 'CANCELLED', repeat('c', 500)),
       (:dr_a, :consult, '2025-11-17', '10:00', 'Keyed', NULL, 'a@b', NULL, 'KEY-1', 'CANCELLED', NULL),
       (:dr_a, :consult, '2025-11-17', '10:00', 'Unkeyed', NULL, NULL, NULL, NULL, 'CANCELLED', NULL);
SELECT char_length(patient_name) AS name_len, char_length(patient_phone) AS phone_len,
       char_length(patient_email) AS email_len, char_length(notes) AS notes_len,
       char_length(idempotency_key) AS key_len, char_length(cancel_reason) AS reason_len
  FROM timepool.reservations WHERE start_time = '10:00' ORDER BY id;

-- error: reservations_idempotency_key_key, a key used twice
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, idempotency_key)
VALUES (:dr_a, :consult, '2025-11-17', '10:30', 'Keyed Again', 'KEY-1');

-- error: reservations_idempotency_key_key, by UPDATE
UPDATE timepool.reservations SET idempotency_key = 'KEY-1' WHERE patient_name = 'Unkeyed';

---------------------------------------------------------------------------
-- ON DELETE: RESTRICT for reservations, CASCADE for the schedule
---------------------------------------------------------------------------

-- error: reservations_service_id_fkey, deleting a service that has reservations
DELETE FROM timepool.services WHERE code = 'CONSULT';

-- error: reservations_resource_id_fkey, deleting a resource that has reservations
DELETE FROM timepool.resources WHERE code = 'DR_A';

-- even when all its reservations are cancelled or rejected
-- error: reservations_resource_id_fkey
UPDATE timepool.reservations SET status = 'CANCELLED' WHERE status IN ('PENDING', 'CONFIRMED');
DELETE FROM timepool.resources WHERE code = 'DR_A';

-- accepted: deleting a service without reservations
DELETE FROM timepool.services WHERE code = 'ONE_MIN';
-- accepted: a resource without reservations goes, with its weekly rows and overrides
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
VALUES (:room_1, 1, 'MORNING', '09:00', '12:00');
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed) VALUES (:room_1, '2025-12-01', true);
SELECT (SELECT count(*) FROM timepool.clinic_time_slots WHERE resource_id = :room_1) AS slots,
       (SELECT count(*) FROM timepool.schedule_overrides WHERE resource_id = :room_1) AS overrides;
DELETE FROM timepool.resources WHERE code = 'ROOM_1';
SELECT (SELECT count(*) FROM timepool.clinic_time_slots WHERE resource_id = :room_1) AS slots,
       (SELECT count(*) FROM timepool.schedule_overrides WHERE resource_id = :room_1) AS overrides;
-- DR_A and CONSULT are still there
SELECT (SELECT count(*) FROM timepool.resources WHERE code = 'DR_A') AS dr_a,
       (SELECT count(*) FROM timepool.services WHERE code = 'CONSULT') AS consult,
       (SELECT count(*) FROM timepool.services WHERE code = 'ONE_MIN') AS one_min;

-- Leave the tables empty for the suite that runs next.
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.service_categories, timepool.resources RESTART IDENTITY;
