--
-- review14: defects found in the 1.4 review (each section says the right
-- behaviour; sections 1-3 failed on the code as reviewed).
--
SET timepool.now = '2025-11-14 10:00';
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
\pset null '(null)'
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365,
                             cancel_notice_minutes = 0, online_status = 'PENDING';
INSERT INTO timepool.resources (code, name, max_concurrent) VALUES ('DR_KIM', 'Dr. Kim', NULL);
INSERT INTO timepool.services (code, name, duration_minutes, price) VALUES ('BOTOX', 'Botox', 30, 100.00);
SELECT id AS kim FROM timepool.resources WHERE code = 'DR_KIM' \gset
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT :kim, d, 'MORNING', '09:00', '12:00' FROM generate_series(0, 6) d;
-- on 2025-11-18 an EARLY period 08:00-11:00 of 30 minutes overlaps MORNING
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
VALUES (:kim, '2025-11-18', 'EARLY', '08:00', '11:00', 30, 'early hour');

---------------------------------------------------------------------------
-- 1. a reschedule goes to the pool its decision chose, also when that pool
--    has the reservation's old period name (the BEFORE trigger must not
--    pick the period again)
---------------------------------------------------------------------------
-- EARLY is full
SELECT period FROM timepool.book_service('BOTOX', '2025-11-18', '08:00', 'Filler');
-- one in MORNING on 2025-11-17
SELECT id AS mv, period FROM timepool.book_service('BOTOX', '2025-11-17', '10:00', 'Mover') \gset
SELECT :'period' AS period;
-- book_service at 2025-11-18 10:00 would go to MORNING (EARLY is full)
SELECT accepted, sqlstate FROM timepool.check_booking('BOTOX', '2025-11-18', '10:00');
-- so does the move: into MORNING, not refused by EARLY
SELECT reservation_date, start_time, period FROM timepool.reschedule_reservation(:mv, '2025-11-18', '10:00');
-- a move within the day, 10:00 -> 10:30, stays in MORNING too
SELECT reservation_date, start_time, period FROM timepool.reschedule_reservation(:mv, '2025-11-18', '10:30');
SELECT period, booked_minutes, remaining_minutes FROM timepool.availability('2025-11-18') ORDER BY period;

---------------------------------------------------------------------------
-- 2. a move to a window that ends at midnight (a pool until 24:00): the
--    end is 24:00, as book_service writes it, not 00:00
---------------------------------------------------------------------------
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, reason)
VALUES (:kim, '2025-11-19', 'LATE', '23:00', '24:00', 'late shift');
SELECT start_time, end_time, period FROM timepool.book_service('BOTOX', '2025-11-19', '23:30', 'Late 1');
SELECT reservation_date, start_time, end_time, period FROM timepool.reschedule_reservation(:mv, '2025-11-19', '23:00');
SELECT reservation_date, start_time, end_time, period FROM timepool.reschedule_reservation(:mv, '2025-11-19', '23:30');

---------------------------------------------------------------------------
-- 3. a hold that staff ended before its expiry (set_reservation_status
--    'EXPIRED', which keeps the expiry) was released: confirm_hold's TP009
--    does not say it expired at a time still to come
---------------------------------------------------------------------------
SELECT access_token AS tok, id AS hid FROM timepool.hold_slot('BOTOX', '2025-11-21', '09:00', 'DR_KIM', '10 minutes') \gset
SELECT status, hold_expires_at FROM timepool.set_reservation_status(:hid, 'EXPIRED');
SELECT timepool.confirm_hold(:'tok', 'Late patient');

---------------------------------------------------------------------------
-- 4. (no defect) a move onto its own slot, and a move out of a pool that
--    no longer exists
---------------------------------------------------------------------------
SELECT reservation_date, start_time, end_time, period FROM timepool.reschedule_reservation(:mv, '2025-11-19', '23:30');
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, reason)
VALUES (:kim, '2025-11-22', 'EXTRA', '13:00', '14:00', 'extra hour');
SELECT id AS ex FROM timepool.book_service('BOTOX', '2025-11-22', '13:00', 'Extra') \gset
DELETE FROM timepool.schedule_overrides WHERE date = '2025-11-22';
SELECT reservation_date, start_time, end_time, period FROM timepool.reschedule_reservation(:ex, '2025-11-22', '09:00');
SELECT count(*) AS rows FROM timepool.reservations;
