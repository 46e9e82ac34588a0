--
-- booking: timepool.book_service()
--
-- The returned row and its snapshots, status on creation, how the period is
-- chosen and the window must fit it, the refusals TP001 (pool full), TP002
-- (outside the schedule, closed), TP003 (unknown/inactive/deleted service,
-- unknown/inactive resource), TP005 (past date), hidden services, service
-- snapshots surviving later service changes, the choice of resource without
-- p_resource, idempotency keys, and the optional text arguments.
--
-- "Today" is frozen at Friday 2025-11-14; 2025-11-15 is a Saturday
-- (day_of_week 6) and 2025-11-16 a Sunday (0).
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
-- the suites of a run share one database: start from empty tables and
-- fresh identities whatever ran before
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

---------------------------------------------------------------------------
-- set-up
---------------------------------------------------------------------------
INSERT INTO timepool.resources (code, name, is_active) VALUES
  ('DR_A', 'Dr. Alves', true),
  ('DR_B', 'Dr. Barros', true),
  ('DR_C', 'Dr. Costa', true),
  ('DR_OFF', 'Dr. Away', false);
-- this suite tests the pools' minutes; sql/clock.sql tests the clock limit
UPDATE timepool.resources SET max_concurrent = NULL;

INSERT INTO timepool.services
  (code, name, duration_minutes, buffer_minutes, price, is_active, is_visible, deleted_at) VALUES
  ('BOTOX',      'Botox injection',  30,  0, 250.00, true,  true,  NULL),
  ('SKIN_CARE',  'Skin care',        60, 10, 120.00, true,  true,  NULL),
  ('CONSULT',    'Consultation',     15,  5,   NULL, true,  true,  NULL),
  ('PEEL',       'Chemical peel',    40,  5,  80.00, true,  false, NULL),
  ('LASER',      'Laser session',    45,  0, 300.00, false, true,  NULL),
  ('OLD_FACIAL', 'Old facial',       50,  0,  60.00, true,  true,  now()),
  ('FACIAL',     'Facial (retired)', 90,  0,  99.00, true,  true,  now()),
  ('FACIAL',     'Facial',           50,  0,  70.00, true,  true,  NULL);

-- Saturday: DR_A has MORNING 09:00-12:00 (capacity = window = 180) and
-- AFTERNOON 13:00-17:00 with only 120 minutes; the lunch gap is 12:00-13:00.
-- Friday (today): DR_A MORNING.  Sunday: DR_A and DR_B MORNING (180 each),
-- DR_C EARLY 09:00-10:00 (60).  The inactive DR_OFF has the roomiest pools.
INSERT INTO timepool.clinic_time_slots
  (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT r.id, s.dow, s.period, s.st, s.et, s.cap
  FROM (VALUES ('DR_A',   6, 'MORNING',   '09:00'::time, '12:00'::time, NULL::int),
               ('DR_A',   6, 'AFTERNOON', '13:00', '17:00', 120),
               ('DR_A',   5, 'MORNING',   '09:00', '12:00', NULL),
               ('DR_A',   0, 'MORNING',   '09:00', '12:00', NULL),
               ('DR_B',   0, 'MORNING',   '09:00', '12:00', NULL),
               ('DR_C',   0, 'EARLY',     '09:00', '10:00', NULL),
               ('DR_OFF', 6, 'MORNING',   '08:00', '13:00', NULL),
               ('DR_OFF', 0, 'MORNING',   '08:00', '13:00', NULL))
       AS s(code, dow, period, st, et, cap)
  JOIN timepool.resources r ON r.code = s.code;

-- DR_A is closed all day on Saturday 2025-11-22.
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, reason)
SELECT id, '2025-11-22', NULL, true, 'training' FROM timepool.resources WHERE code = 'DR_A';

-- the columns of a reservation worth showing (no timestamps)
\set show 'id, (SELECT code FROM timepool.resources x WHERE x.id = b.resource_id) AS resource, service_code, required_minutes AS req, price, reservation_date, start_time, end_time, period, status, patient_name'

---------------------------------------------------------------------------
-- 1. the returned row: the full reservation, with the service snapshot
---------------------------------------------------------------------------
-- the reservation's columns, then created (true: this call made it)
SELECT b::text AS first_row_created, b.created
  FROM timepool.book_service('SKIN_CARE', '2025-11-15', '09:00', 'Ana Lima') b \gset
SELECT :'created' AS created;
-- the row returned is the row stored, column for column (timestamps included)
SELECT regexp_replace(:'first_row_created', ',t\)$', ')') AS first_row \gset
SELECT count(*) AS stored_rows_equal_to_returned
  FROM timepool.reservations r WHERE r::text = :'first_row';
\x on
SELECT r.id, x.code AS resource, r.service_id = s.id AS service_id_ok,
       r.service_code, r.service_name, r.duration_minutes, r.buffer_minutes,
       r.required_minutes, r.price, r.reservation_date, r.start_time, r.end_time,
       r.period, r.status, r.patient_name, r.patient_phone, r.patient_email,
       r.notes, r.details, r.idempotency_key, r.cancel_reason,
       r.created_at = r.updated_at AND r.created_at = r.status_changed_at AS timestamps_equal,
       r.hold_expires_at, r.access_token IS NOT NULL AS has_token
  FROM timepool.reservations r
  JOIN timepool.resources x ON x.id = r.resource_id
  JOIN timepool.services s ON s.code = 'SKIN_CARE'
 WHERE r::text = :'first_row';
\x off

-- CONFIRMED on request; price and required minutes come from the service
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '10:10', 'Bruno Reis',
                                        p_status => 'CONFIRMED') b;

-- a window ending exactly at the period's end (11:40 + 20 = 12:00) is accepted;
-- a NULL price is snapshotted as NULL
SELECT :show FROM timepool.book_service('CONSULT', '2025-11-15', '11:40', 'Carla Dias') b;

-- the period is the one whose window contains the start time
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '13:00', 'Davi Melo') b;
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '16:30', 'Eva Nunes') b;

-- MORNING now holds 70 + 30 + 20 = 120 of 180 minutes, AFTERNOON 60 of 120
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-15', p_resource => 'DR_A');

---------------------------------------------------------------------------
-- 2. p_status other than PENDING or CONFIRMED: 22023
---------------------------------------------------------------------------
-- error: COMPLETED is not a status a booking starts in
\set VERBOSITY sqlstate
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '14:00', 'X', p_status => 'COMPLETED') b;
-- error: CANCELLED
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '14:00', 'X', p_status => 'CANCELLED') b;
-- error: lower case 'confirmed'
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '14:00', 'X', p_status => 'confirmed') b;
-- error: empty status
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '14:00', 'X', p_status => '') b;
\set VERBOSITY default
-- error: the message
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '14:00', 'X', p_status => 'NO_SHOW') b;
\echo :LAST_ERROR_SQLSTATE

---------------------------------------------------------------------------
-- 3. the window must fit in the period: TP002
---------------------------------------------------------------------------
-- error: CONSULT at 11:41 would end at 12:01, one minute past MORNING
SELECT :show FROM timepool.book_service('CONSULT', '2025-11-15', '11:41', 'Late') b;
\echo :LAST_ERROR_SQLSTATE
-- error: the same with the resource named
\set VERBOSITY sqlstate
SELECT :show FROM timepool.book_service('CONSULT', '2025-11-15', '11:41', 'Late', p_resource => 'DR_A') b;
-- error: BOTOX at 16:31 would end at 17:01, past AFTERNOON
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '16:31', 'Late') b;
\set VERBOSITY default

---------------------------------------------------------------------------
-- 4. a time in no period: TP002
---------------------------------------------------------------------------
-- error: lunch gap
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '12:30', 'Lunch') b;
\echo :LAST_ERROR_SQLSTATE
-- error: lunch gap, resource named: the detail names it
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '12:30', 'Lunch', p_resource => 'DR_A') b;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: 12:00, the end of MORNING, is not in MORNING (windows are half-open)
SELECT :show FROM timepool.book_service('CONSULT', '2025-11-15', '12:00', 'Noon') b;
-- error: one minute before opening
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '08:59', 'Early') b;
-- error: 24:00
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '24:00', 'Midnight') b;
-- error: a weekday without any schedule (Monday)
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-17', '09:00', 'Monday') b;
-- error: DR_OFF's Saturday pool starts at 08:00, but DR_OFF is inactive
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '08:00', 'Early') b;
\set VERBOSITY default

---------------------------------------------------------------------------
-- 5. a closed pool: TP002
---------------------------------------------------------------------------
-- error: DR_A is closed on 2025-11-22
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-22', '09:00', 'Closed') b;
\echo :LAST_ERROR_SQLSTATE
-- error: the same with the resource named
\set VERBOSITY sqlstate
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-22', '13:00', 'Closed', p_resource => 'DR_A') b;
\set VERBOSITY default

---------------------------------------------------------------------------
-- 6. not enough time left: TP001
---------------------------------------------------------------------------
-- error: SKIN_CARE needs 70 minutes, MORNING has 60 left
SELECT :show FROM timepool.book_service('SKIN_CARE', '2025-11-15', '09:00', 'Full') b;
\echo :LAST_ERROR_SQLSTATE
-- error: the same with the resource named
\set VERBOSITY sqlstate
SELECT :show FROM timepool.book_service('SKIN_CARE', '2025-11-15', '10:00', 'Full', p_resource => 'DR_A') b;
\set VERBOSITY default
-- but a service needing exactly the 60 minutes left still fits (overlapping
-- times do not matter: a pool counts minutes)
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Fits One') b;
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '09:30', 'Fits Two') b;
-- error: now MORNING is full: 0 of 180 left
SELECT :show FROM timepool.book_service('CONSULT', '2025-11-15', '09:00', 'Too Many') b;
\echo :LAST_ERROR_SQLSTATE
-- nothing was written by the refusals
SELECT period, count(*), sum(required_minutes)
  FROM timepool.reservations WHERE reservation_date = '2025-11-15'
 GROUP BY period ORDER BY period;

---------------------------------------------------------------------------
-- 7. dates in the past: TP005; today itself is bookable
---------------------------------------------------------------------------
-- error: yesterday
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-13', '09:00', 'Yesterday') b;
\echo :LAST_ERROR_SQLSTATE
-- error: long ago
\set VERBOSITY sqlstate
SELECT :show FROM timepool.book_service('BOTOX', '2024-11-15', '09:00', 'Last Year') b;
\set VERBOSITY default
-- today (Friday) is fine
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-14', '09:00', 'Today') b;

---------------------------------------------------------------------------
-- 8. services and resources that cannot be booked: TP003
---------------------------------------------------------------------------
-- error: unknown service
SELECT :show FROM timepool.book_service('NOPE', '2025-11-15', '13:30', 'X') b;
\echo :LAST_ERROR_SQLSTATE
-- error: inactive service
SELECT :show FROM timepool.book_service('LASER', '2025-11-15', '13:30', 'X') b;
\echo :LAST_ERROR_SQLSTATE
-- error: deleted service
SELECT :show FROM timepool.book_service('OLD_FACIAL', '2025-11-15', '13:30', 'X') b;
\echo :LAST_ERROR_SQLSTATE
-- error: unknown resource
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '13:30', 'X', p_resource => 'DR_Z') b;
\echo :LAST_ERROR_SQLSTATE
-- error: inactive resource
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-15', '13:30', 'X', p_resource => 'DR_OFF') b;
\echo :LAST_ERROR_SQLSTATE
-- a code that was deleted and created again books the live service
SELECT :show, duration_minutes, b.service_name
  FROM timepool.book_service('FACIAL', '2025-11-15', '13:30', 'Facial Client') b;

---------------------------------------------------------------------------
-- 9. hidden services: bookable, but not listed
---------------------------------------------------------------------------
SELECT code, required_minutes, price FROM timepool.bookable_services;
SELECT :show FROM timepool.book_service('PEEL', '2025-11-29', '14:00', 'Hidden Peel') b;

---------------------------------------------------------------------------
-- 10. choosing a resource (Sunday 2025-11-16): among the pools that can take
-- the booking, the one with the most minutes left, ties by resource code.
-- DR_A and DR_B MORNING start with 180, DR_C EARLY (09:00-10:00) with 60;
-- the inactive DR_OFF (300) is never chosen.
---------------------------------------------------------------------------
-- A 180 = B 180: DR_A by code
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-16', '09:00', 'Sun 1') b;
-- B 180 > A 150: DR_B
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-16', '09:00', 'Sun 2') b;
-- A 150 = B 150: DR_A
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-16', '09:00', 'Sun 3') b;
-- B 150 > A 120: DR_B
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-16', '09:00', 'Sun 4') b;
-- SKIN_CARE (70) at 09:00 would run past DR_C's 10:00; A 120 = B 120: DR_A
SELECT :show FROM timepool.book_service('SKIN_CARE', '2025-11-16', '09:00', 'Sun 5') b;
-- B 120 > A 50: DR_B
SELECT :show FROM timepool.book_service('SKIN_CARE', '2025-11-16', '09:00', 'Sun 6') b;
-- now A 50, B 50, C 60.  BOTOX at 09:40 would end at 10:10, past DR_C's
-- EARLY: DR_C is no candidate although it has the most left; A = B: DR_A
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-16', '09:40', 'Sun 7') b;
-- A 20, B 50, C 60: BOTOX at 09:30 fits all three; DR_C has the most
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-16', '09:30', 'Sun 8') b;
-- A 20, B 50, C 30: p_resource books that resource, not the roomiest
SELECT :show FROM timepool.book_service('CONSULT', '2025-11-16', '09:00', 'Sun 9', p_resource => 'DR_A') b;
-- error: A 0: with p_resource there is no falling back to DR_B
SELECT :show FROM timepool.book_service('CONSULT', '2025-11-16', '09:00', 'Sun X', p_resource => 'DR_A') b;
\echo :LAST_ERROR_SQLSTATE
-- A 0, B 50, C 30: DR_B
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-16', '09:00', 'Sun 10') b;
-- A 0, B 20, C 30: DR_C
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-16', '09:00', 'Sun 11') b;
-- error: A 0, B 20, C 0: no pool has 30 minutes; the refusal names the roomiest
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-16', '09:00', 'Sun X') b;
\echo :LAST_ERROR_SQLSTATE
-- CONSULT (20) still fits DR_B
SELECT :show FROM timepool.book_service('CONSULT', '2025-11-16', '09:00', 'Sun 12') b;
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-16');

---------------------------------------------------------------------------
-- 11. idempotency keys (Saturday 2025-11-29)
---------------------------------------------------------------------------
SELECT id AS idem_id, resource_id AS idem_resource_id
  FROM timepool.book_service('BOTOX', '2025-11-29', '09:00', 'Idem Patient',
                             p_patient_phone => '555-0101', p_details => '{"source": "web"}',
                             p_idempotency_key => 'ORDER-1') \gset
-- the same call again returns the same reservation and books nothing more
SELECT id = :idem_id AS same_id, service_code, start_time, status, idempotency_key
  FROM timepool.book_service('BOTOX', '2025-11-29', '09:00', 'Idem Patient',
                             p_patient_phone => '555-0101', p_details => '{"source": "web"}',
                             p_idempotency_key => 'ORDER-1');
-- also when the replay names the resource that was chosen
SELECT id = :idem_id AS same_id
  FROM timepool.book_service('BOTOX', '2025-11-29', '09:00', 'Idem Patient',
                             p_patient_phone => '555-0101', p_details => '{"source": "web"}',
                             p_resource => 'DR_A', p_idempotency_key => 'ORDER-1');
SELECT count(*) AS rows_with_key FROM timepool.reservations WHERE idempotency_key = 'ORDER-1';
SELECT booked_minutes, reservation_count
  FROM timepool.availability('2025-11-29', 'MORNING', p_resource => 'DR_A');
-- error: the same key with another time
SELECT id FROM timepool.book_service('BOTOX', '2025-11-29', '09:30', 'Idem Patient',
                                     p_patient_phone => '555-0101', p_details => '{"source": "web"}',
                                     p_idempotency_key => 'ORDER-1');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: the same key with another service
SELECT id FROM timepool.book_service('SKIN_CARE', '2025-11-29', '09:00', 'Idem Patient',
                                     p_patient_phone => '555-0101', p_details => '{"source": "web"}',
                                     p_idempotency_key => 'ORDER-1');
-- error: the same key with another patient
SELECT id FROM timepool.book_service('BOTOX', '2025-11-29', '09:00', 'Other Patient',
                                     p_patient_phone => '555-0101', p_details => '{"source": "web"}',
                                     p_idempotency_key => 'ORDER-1');
-- error: the same key without the phone
SELECT id FROM timepool.book_service('BOTOX', '2025-11-29', '09:00', 'Idem Patient',
                                     p_details => '{"source": "web"}',
                                     p_idempotency_key => 'ORDER-1');
-- error: the same key with other details
SELECT id FROM timepool.book_service('BOTOX', '2025-11-29', '09:00', 'Idem Patient',
                                     p_patient_phone => '555-0101', p_details => '{"source": "phone"}',
                                     p_idempotency_key => 'ORDER-1');
-- error: the same key with another date
SELECT id FROM timepool.book_service('BOTOX', '2025-11-22', '13:00', 'Idem Patient',
                                     p_patient_phone => '555-0101', p_details => '{"source": "web"}',
                                     p_idempotency_key => 'ORDER-1');
-- error: the same key naming another resource
SELECT id FROM timepool.book_service('BOTOX', '2025-11-29', '09:00', 'Idem Patient',
                                     p_patient_phone => '555-0101', p_details => '{"source": "web"}',
                                     p_resource => 'DR_B', p_idempotency_key => 'ORDER-1');
\set VERBOSITY default
SELECT count(*) AS rows_with_key FROM timepool.reservations WHERE idempotency_key = 'ORDER-1';
-- a replay after the reservation was cancelled still returns it, cancelled
SELECT status FROM timepool.cancel_reservation(:idem_id, 'changed plans');
SELECT id = :idem_id AS same_id, status, cancel_reason
  FROM timepool.book_service('BOTOX', '2025-11-29', '09:00', 'Idem Patient',
                             p_patient_phone => '555-0101', p_details => '{"source": "web"}',
                             p_idempotency_key => 'ORDER-1');
SELECT count(*) AS rows_with_key FROM timepool.reservations WHERE idempotency_key = 'ORDER-1';
-- a new key books anew
SELECT id <> :idem_id AS new_id, status, idempotency_key
  FROM timepool.book_service('BOTOX', '2025-11-29', '09:00', 'Idem Patient',
                             p_patient_phone => '555-0101', p_details => '{"source": "web"}',
                             p_idempotency_key => 'ORDER-2');

---------------------------------------------------------------------------
-- 12. optional text arguments and details (Saturday 2025-11-29)
---------------------------------------------------------------------------
-- blank phone, email and notes are stored as NULL; details are stored
SELECT service_code, patient_name, patient_phone, patient_email, notes, details
  FROM timepool.book_service('BOTOX', '2025-11-29', '10:00', 'Blank Fields',
                             p_patient_phone => '   ', p_patient_email => '',
                             p_notes => E' \t ', p_details => '{"room": 3, "tags": ["first", "vip"]}');
-- given values are stored as given
SELECT patient_name, patient_phone, patient_email, notes, details
  FROM timepool.book_service('BOTOX', '2025-11-29', '10:00', 'Full Fields',
                             p_patient_phone => '+55 11 5555-0102',
                             p_patient_email => 'ana.lima@example.com',
                             p_notes => 'first visit');
-- the stored rows say the same
SELECT patient_name, patient_phone, patient_email, notes, details
  FROM timepool.reservations WHERE patient_name IN ('Blank Fields', 'Full Fields') ORDER BY id;
-- error: an email without "@"
SELECT id FROM timepool.book_service('BOTOX', '2025-11-29', '10:00', 'Bad Mail',
                                     p_patient_email => 'not-an-email');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: an email with two "@"
SELECT id FROM timepool.book_service('BOTOX', '2025-11-29', '10:00', 'Bad Mail',
                                     p_patient_email => 'ana@lima@example.com');
-- error: nothing before "@"
SELECT id FROM timepool.book_service('BOTOX', '2025-11-29', '10:00', 'Bad Mail',
                                     p_patient_email => '@example.com');
-- error: nothing after "@"
SELECT id FROM timepool.book_service('BOTOX', '2025-11-29', '10:00', 'Bad Mail',
                                     p_patient_email => 'ana@');
-- error: a space inside
SELECT id FROM timepool.book_service('BOTOX', '2025-11-29', '10:00', 'Bad Mail',
                                     p_patient_email => 'ana lima@example.com');
\set VERBOSITY default
SELECT count(*) AS bad_mail_rows FROM timepool.reservations WHERE patient_name = 'Bad Mail';

---------------------------------------------------------------------------
-- 13. a reservation keeps its snapshot when the service changes
---------------------------------------------------------------------------
UPDATE timepool.services
   SET name = 'Botox (new protocol)', duration_minutes = 45, buffer_minutes = 15, price = 300
 WHERE code = 'BOTOX';
-- every BOTOX reservation made so far still says 30 minutes and 250.00
SELECT service_name, duration_minutes, buffer_minutes, required_minutes, price,
       min(end_time - start_time) = '30 minutes' AND max(end_time - start_time) = '30 minutes' AS all_30_min,
       count(*)
  FROM timepool.reservations WHERE service_code = 'BOTOX'
 GROUP BY 1, 2, 3, 4, 5;
-- and the pools' minutes did not change
SELECT resource, period, booked_minutes
  FROM timepool.availability('2025-11-15', p_resource => 'DR_A');
-- a new booking takes the new values
SELECT :show, b.service_name, duration_minutes, buffer_minutes
  FROM timepool.book_service('BOTOX', '2025-11-29', '13:00', 'New Protocol') b;
-- deleting the service later does not touch its reservations either
UPDATE timepool.services SET deleted_at = now(), is_active = false WHERE code = 'SKIN_CARE';
SELECT service_code, service_name, required_minutes, price, count(*)
  FROM timepool.reservations WHERE service_code = 'SKIN_CARE'
 GROUP BY 1, 2, 3, 4;

---------------------------------------------------------------------------
-- 14. over-full pools: a capacity cut below what is booked refuses new
--     bookings with TP001 (remaining shown as 0), with or without a resource
---------------------------------------------------------------------------
-- Sunday 2025-12-07: one CONSULT (20 minutes) for DR_A and DR_B, three for
-- DR_C's EARLY (60 of 60); then the date's capacities are cut to 10, 10, 30
SELECT count(*) AS booked FROM (
  SELECT timepool.book_service('CONSULT', '2025-12-07', '09:00', 'Over ' || r, p_resource => r)
    FROM unnest(ARRAY['DR_A', 'DR_B', 'DR_C', 'DR_C', 'DR_C']) r) x;
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
SELECT r.id, '2025-12-07', s.period, s.st, s.et, s.cap
  FROM (VALUES ('DR_A', 'MORNING', time '09:00', time '12:00', 10),
               ('DR_B', 'MORNING', time '09:00', time '12:00', 10),
               ('DR_C', 'EARLY', time '09:00', time '10:00', 30)) s(code, period, st, et, cap)
  JOIN timepool.resources r ON r.code = s.code;
SELECT resource, period, total_minutes, booked_minutes, remaining_minutes, utilization
  FROM timepool.availability('2025-12-07');
-- error: a named resource whose pool is over-full
SELECT id FROM timepool.book_service('CONSULT', '2025-12-07', '09:00', 'One more', p_resource => 'DR_C');
\echo :LAST_ERROR_SQLSTATE
-- error: no resource named, every candidate pool over-full (the refusal
-- names the one with the most room, DR_A, tied with DR_B and first by code)
SELECT id FROM timepool.book_service('CONSULT', '2025-12-07', '09:00', 'One more');
\echo :LAST_ERROR_SQLSTATE
SELECT timepool.can_book('CONSULT', '2025-12-07', '09:00') AS can_book_at_9,
       timepool.can_book('CONSULT', '2025-12-07') AS can_book_that_day;

---------------------------------------------------------------------------
-- clean up for the suites that follow
---------------------------------------------------------------------------
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
