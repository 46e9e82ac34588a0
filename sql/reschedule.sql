--
-- reschedule: timepool.reschedule_reservation(), the staff's move
--
-- A move keeps the reservation (same id, same token, same snapshot of
-- price and duration) and judges the target with every rule of a booking:
-- within one pool (even a full one: its own minutes are left out), across
-- pools, dates and resources (named or chosen); refused onto a full pool
-- (TP001), a closed day (TP002), a past date (TP005), a daily cap (TP006),
-- a taken clock time (TP007), a resource that does not perform the
-- service (TP008); only PENDING and CONFIRMED move (TP004); the history
-- shows an UPDATE, never a cancellation; argument errors 22004 / 22023,
-- an unknown id P0002.
--
-- The clinic's clock is frozen at Friday 2025-11-14 10:00 (UTC).
-- 2025-11-17 is a Monday.
--
SET timepool.now = '2025-11-14 10:00';
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
\pset null '(null)'
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365,
                             cancel_notice_minutes = 0, online_status = 'PENDING';

---------------------------------------------------------------------------
-- set-up: DR_A has MORNING 09:00-12:00 and AFTERNOON 13:00-17:00 every day,
-- DR_B MORNING 09:00-12:00, ROOM_1 MORNING 09:00-12:00 and performs
-- SKIN_CARE only.  One booking at a time each (max_concurrent 1).
-- On 2025-11-17 DR_A's MORNING has only 90 minutes; 2025-11-20 is a holiday.
---------------------------------------------------------------------------
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves'), ('DR_B', 'Dr. Barros'),
                                                   ('ROOM_1', 'Treatment room 1');
INSERT INTO timepool.services (code, name, duration_minutes, price, daily_cap_minutes) VALUES
  ('BOTOX',     'Botox injection', 30, 100.00, NULL),
  ('CAPPED',    'Capped service',  30,  50.00, 60),
  ('SKIN_CARE', 'Skin care',       30,  80.00, NULL);
SELECT id AS dr_a FROM timepool.resources WHERE code = 'DR_A' \gset
SELECT id AS dr_b FROM timepool.resources WHERE code = 'DR_B' \gset
SELECT id AS room FROM timepool.resources WHERE code = 'ROOM_1' \gset
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, 'MORNING', '09:00', '12:00'
  FROM timepool.resources r CROSS JOIN generate_series(0, 6) d;
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT :dr_a, d, 'AFTERNOON', '13:00', '17:00' FROM generate_series(0, 6) d;
INSERT INTO timepool.resource_services (resource_id, service_id)
SELECT :room, id FROM timepool.services WHERE code = 'SKIN_CARE';
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
VALUES (:dr_a, '2025-11-17', 'MORNING', '09:00', '12:00', 90, 'paperwork');
INSERT INTO timepool.schedule_overrides (date, is_closed, reason) VALUES ('2025-11-20', true, 'holiday');

-- the suites of a run share the audit log: this suite's entries come after
SELECT coalesce(max(id), 0) AS audit_start FROM timepool.audit_log \gset
-- a reservation as a move shows it
\set show 'id, (SELECT code FROM timepool.resources x WHERE x.id = r.resource_id) AS resource, service_code, reservation_date, start_time, end_time, period, status, price, duration_minutes AS dur, required_minutes AS req'
-- one pool's minutes
\set pool 'SELECT resource, date, period, total_minutes AS total, booked_minutes AS booked, remaining_minutes AS remaining, reservation_count AS n FROM timepool.availability'

---------------------------------------------------------------------------
-- 1. within one pool that is full: the move leaves its own minutes out
---------------------------------------------------------------------------
-- DR_A's MORNING on 2025-11-17 holds 90 minutes: three BOTOX fill it
SELECT id AS full1 FROM timepool.book_service('BOTOX', '2025-11-17', '09:00', 'Patient 1', p_resource => 'DR_A') \gset
SELECT id AS full2 FROM timepool.book_service('BOTOX', '2025-11-17', '09:30', 'Patient 2', p_resource => 'DR_A') \gset
SELECT id AS full3 FROM timepool.book_service('BOTOX', '2025-11-17', '10:00', 'Patient 3', p_resource => 'DR_A') \gset
:pool ('2025-11-17', 'MORNING', p_resource => 'DR_A');
-- error: TP001, the pool is full for a new booking at a free clock time
\set VERBOSITY sqlstate
SELECT id FROM timepool.book_service('BOTOX', '2025-11-17', '11:00', 'Patient 4', p_resource => 'DR_A');
\set VERBOSITY default
-- the move of 10:00 to 11:00 in the same pool works: same id, 90 of 90 still
SELECT :show FROM timepool.reschedule_reservation(:full3, '2025-11-17', '11:00', 'DR_A') r;
:pool ('2025-11-17', 'MORNING', p_resource => 'DR_A');
-- and back to 10:30
SELECT :show FROM timepool.reschedule_reservation(:full3, '2025-11-17', '10:30', 'DR_A') r;
-- moving onto the minute it already has is fine too
SELECT :show FROM timepool.reschedule_reservation(:full3, '2025-11-17', '10:30', 'DR_A') r;
-- one row, not two
SELECT count(*) AS rows FROM timepool.reservations;

---------------------------------------------------------------------------
-- 2. across pools: MORNING -> AFTERNOON of the same day and resource
---------------------------------------------------------------------------
SELECT :show FROM timepool.reschedule_reservation(:full2, '2025-11-17', '14:00') r;
-- 30 minutes freed in MORNING, taken in AFTERNOON
:pool ('2025-11-17', p_resource => 'DR_A') ORDER BY start_time;
-- the freed minutes book at once
SELECT id AS newcomer FROM timepool.book_service('BOTOX', '2025-11-17', '09:30', 'Patient 4', p_resource => 'DR_A') \gset
:pool ('2025-11-17', 'MORNING', p_resource => 'DR_A');

---------------------------------------------------------------------------
-- 3. across dates and resources
---------------------------------------------------------------------------
-- a named resource: DR_A's 11-17 09:00 to DR_B on 11-18 at 09:30
SELECT :show FROM timepool.reschedule_reservation(:full1, '2025-11-18', '09:30', 'DR_B') r;
:pool ('2025-11-17', 'MORNING', p_resource => 'DR_A');
:pool ('2025-11-18', 'MORNING', p_resource => 'DR_B');
-- a chosen resource: a move of DR_A's booking (Patient 4) without one
SELECT id AS busy FROM timepool.book_service('BOTOX', '2025-11-18', '11:00', 'Patient 5', p_resource => 'DR_A') \gset
SELECT :show FROM timepool.reschedule_reservation(:newcomer, '2025-11-18', '11:00') r;
-- without a resource the move is decided as a booking without one: DR_A
-- and DR_B had 150 minutes left each, DR_A's clock is Patient 5's from
-- 11:00, ROOM_1 does not perform BOTOX: DR_B it is (now 120 left)
:pool ('2025-11-18', 'MORNING') ORDER BY resource;

---------------------------------------------------------------------------
-- 4. refusals: nothing changes
---------------------------------------------------------------------------
-- the reservation refused moves below: Patient 5's, DR_A 11-18 11:00
SELECT :show FROM timepool.reservations r WHERE id = :busy;
-- DR_A's MORNING on 11-17 (Patient 3 at 10:30 is left) is filled again
SELECT id AS fill1 FROM timepool.book_service('BOTOX', '2025-11-17', '09:00', 'Patient 12', p_resource => 'DR_A') \gset
SELECT id AS fill2 FROM timepool.book_service('BOTOX', '2025-11-17', '09:30', 'Patient 13', p_resource => 'DR_A') \gset
:pool ('2025-11-17', 'MORNING', p_resource => 'DR_A');
-- error: TP001, onto the full pool (DR_A 11-17 MORNING: 90 of 90; 11:30 is free on the clock)
SELECT :show FROM timepool.reschedule_reservation(:busy, '2025-11-17', '11:30', 'DR_A') r;
:pool ('2025-11-17', 'MORNING', p_resource => 'DR_A');
-- error: TP007, a taken clock time (DR_B at 09:30 on 11-18 is Patient 1's)
SELECT :show FROM timepool.reschedule_reservation(:busy, '2025-11-18', '09:45', 'DR_B') r;
-- error: TP002, a closed day
SELECT :show FROM timepool.reschedule_reservation(:busy, '2025-11-20', '09:00') r;
-- error: TP002, the window runs past the period's end
SELECT :show FROM timepool.reschedule_reservation(:busy, '2025-11-18', '11:45', 'DR_B') r;
-- error: TP005, a past date
SELECT :show FROM timepool.reschedule_reservation(:busy, '2025-11-13', '09:00') r;
-- error: TP005, today but earlier than now (10:00)
SELECT :show FROM timepool.reschedule_reservation(:busy, '2025-11-14', '09:30') r;
-- error: TP008, a resource that does not perform BOTOX
SELECT :show FROM timepool.reschedule_reservation(:busy, '2025-11-18', '09:00', 'ROOM_1') r;
-- error: TP003, an unknown resource
SELECT :show FROM timepool.reschedule_reservation(:busy, '2025-11-18', '09:00', 'DR_NOBODY') r;
-- it is where it was
SELECT :show FROM timepool.reservations r WHERE id = :busy;

-- the daily cap: CAPPED has 60 minutes a day, two bookings fill 11-19
SELECT id AS cap1 FROM timepool.book_service('CAPPED', '2025-11-19', '09:00', 'Patient 6', p_resource => 'DR_A') \gset
SELECT id AS cap2 FROM timepool.book_service('CAPPED', '2025-11-19', '09:00', 'Patient 7', p_resource => 'DR_B') \gset
SELECT id AS cap3 FROM timepool.book_service('CAPPED', '2025-11-18', '10:00', 'Patient 8', p_resource => 'DR_A') \gset
-- error: TP006, a third onto 11-19
SELECT :show FROM timepool.reschedule_reservation(:cap3, '2025-11-19', '10:00', 'DR_A') r;
-- a move within 11-19 keeps the day's minutes at 60: fine, to another
-- time, to another resource, and to another pool
SELECT :show FROM timepool.reschedule_reservation(:cap1, '2025-11-19', '10:00') r;
SELECT :show FROM timepool.reschedule_reservation(:cap2, '2025-11-19', '11:00', 'DR_A') r;
SELECT :show FROM timepool.reschedule_reservation(:cap2, '2025-11-19', '13:00', 'DR_A') r;
-- and the cap3 booking moves within 11-18 as well
SELECT :show FROM timepool.reschedule_reservation(:cap3, '2025-11-18', '09:00', 'DR_A') r;

---------------------------------------------------------------------------
-- 5. the snapshot: price and duration stay as booked
---------------------------------------------------------------------------
SELECT access_token AS busy_token FROM timepool.reservations WHERE id = :busy \gset
UPDATE timepool.services SET price = 150.00, duration_minutes = 45 WHERE code = 'BOTOX';
SELECT :show FROM timepool.reschedule_reservation(:busy, '2025-11-21', '09:00', 'DR_A') r;
-- the same token, service name and patient
SELECT access_token = :'busy_token' AS same_token, service_name, patient_name
  FROM timepool.reservations WHERE id = :busy;
-- 30 minutes taken in the new pool, not 45
:pool ('2025-11-21', 'MORNING', p_resource => 'DR_A');
-- a new booking takes the new snapshot
SELECT :show FROM timepool.book_service('BOTOX', '2025-11-21', '10:00', 'Patient 9', p_resource => 'DR_A') r;
-- the move judges the old length: 11:30 leaves 30 minutes to noon, enough
-- for the moved booking (a new one of 45 would not fit there)
SELECT :show FROM timepool.reschedule_reservation(:busy, '2025-11-21', '11:30', 'DR_A') r;
\set VERBOSITY sqlstate
-- error: TP002, a new 45-minute booking at 11:30
SELECT id FROM timepool.book_service('BOTOX', '2025-11-21', '11:30', 'Patient 10', p_resource => 'DR_B');
\set VERBOSITY default

---------------------------------------------------------------------------
-- 6. the history: an UPDATE of the same row, not a cancellation
---------------------------------------------------------------------------
SELECT action, old_status, new_status, cancel_reason, changes
  FROM timepool.reservation_history
 WHERE reservation_id = :busy AND audit_id > :audit_start ORDER BY audit_id;
SELECT action, old_row ->> 'status' AS old_status, new_row ->> 'status' AS new_status,
       old_row ->> 'reservation_date' AS old_date, new_row ->> 'reservation_date' AS new_date
  FROM timepool.audit_log
 WHERE table_name = 'reservations' AND row_id = :busy AND id > :audit_start ORDER BY id;
-- no reservation was ever cancelled or inserted again by a move
SELECT count(*) FILTER (WHERE action = 'INSERT') AS inserts,
       count(*) FILTER (WHERE new_status = 'CANCELLED') AS cancellations
  FROM timepool.reservation_history WHERE audit_id > :audit_start;
SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM timepool.reservations;

---------------------------------------------------------------------------
-- 7. only a PENDING or CONFIRMED reservation moves
---------------------------------------------------------------------------
-- CONFIRMED moves
SELECT status FROM timepool.set_reservation_status(:cap3, 'CONFIRMED');
SELECT :show FROM timepool.reschedule_reservation(:cap3, '2025-11-18', '09:30', 'DR_A') r;
-- error: TP004, CANCELLED
SELECT status FROM timepool.cancel_reservation(:newcomer, 'moved away');
SELECT :show FROM timepool.reschedule_reservation(:newcomer, '2025-11-24', '09:00') r;
-- error: TP004, COMPLETED (booked for 10:30 today, done by 11:00)
SELECT id AS done FROM timepool.book_service('SKIN_CARE', '2025-11-14', '10:30', 'Patient 11',
                                              p_resource => 'ROOM_1', p_status => 'CONFIRMED') \gset
SET timepool.now = '2025-11-14 11:00';
SELECT status FROM timepool.set_reservation_status(:done, 'COMPLETED');
SELECT :show FROM timepool.reschedule_reservation(:done, '2025-11-24', '09:00') r;
-- error: TP004, a hold (confirm_hold makes it a booking)
SELECT id AS held FROM timepool.hold_slot('BOTOX', '2025-11-24', '09:00', 'DR_A') \gset
SELECT :show FROM timepool.reschedule_reservation(:held, '2025-11-24', '10:00') r;
-- error: TP004, an EXPIRED hold
SELECT status FROM timepool.set_reservation_status(:held, 'EXPIRED');
SELECT :show FROM timepool.reschedule_reservation(:held, '2025-11-24', '10:00') r;
SELECT id, status, reservation_date, start_time FROM timepool.reservations
 WHERE id IN (:newcomer, :done, :held) ORDER BY id;

---------------------------------------------------------------------------
-- 8. arguments
---------------------------------------------------------------------------
-- error: P0002, no reservation has this id
SELECT id FROM timepool.reschedule_reservation(999999, '2025-11-24', '09:00');
\set VERBOSITY sqlstate
-- error: 22004, p_id NULL
SELECT id FROM timepool.reschedule_reservation(NULL, '2025-11-24', '09:00');
-- error: 22004, p_date NULL
SELECT id FROM timepool.reschedule_reservation(:cap3, NULL, '09:00');
-- error: 22004, p_time NULL
SELECT id FROM timepool.reschedule_reservation(:cap3, '2025-11-24', NULL);
-- error: 22023, a time with seconds
SELECT id FROM timepool.reschedule_reservation(:cap3, '2025-11-24', '09:00:30');
-- error: 22023, an infinite date
SELECT id FROM timepool.reschedule_reservation(:cap3, 'infinity', '09:00');
-- error: 22023, a resource code not in the code format
SELECT id FROM timepool.reschedule_reservation(:cap3, '2025-11-24', '09:00', 'dr_a');
\set VERBOSITY default
-- error: 22023, a resource code longer than 50
SELECT id FROM timepool.reschedule_reservation(:cap3, '2025-11-24', '09:00', repeat('A', 51));
-- nothing moved
SELECT :show FROM timepool.reservations r WHERE id = :cap3;

---------------------------------------------------------------------------
-- 9. every pool within its minutes, every resource one at a time
---------------------------------------------------------------------------
SELECT count(*) AS overbooked_pools
  FROM (SELECT DISTINCT reservation_date, resource_id FROM timepool.reservations) d
  CROSS JOIN LATERAL timepool.availability(d.reservation_date,
                        p_resource => (SELECT code FROM timepool.resources WHERE id = d.resource_id)) a
 WHERE a.booked_minutes > a.total_minutes AND NOT a.is_closed;
SELECT count(*) AS overlaps
  FROM timepool.reservations a JOIN timepool.reservations b
    ON a.id < b.id AND a.resource_id = b.resource_id AND a.reservation_date = b.reservation_date
   AND a.start_time < b.end_time AND b.start_time < a.end_time
 WHERE a.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')
   AND b.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED');

RESET timepool.now;
