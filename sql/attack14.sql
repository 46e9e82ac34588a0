--
-- attack14: a hostile review of 1.4's public surface, as the README's
-- roles (Privileges): the public site's role, granted only the public
-- entry points and the menu; the front desk.  Each block is one attack;
-- its comment says what the correct answer is.  The attacks that the code
-- refuses today are kept too, so that they stay refused.
--
-- The clinic's clock is frozen at Friday 2025-11-14 10:00 (UTC).
--
SET timepool.now = '2025-11-14 10:00';
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
\pset null '(null)'
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365,
                             cancel_notice_minutes = 0, online_status = 'PENDING';

-- DR_A and DR_B, MORNING 09:00-12:00 every day; BOTOX, QUICK, SOON and
-- GONE are offered online
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves'), ('DR_B', 'Dr. Barros');
INSERT INTO timepool.services (code, name, duration_minutes, price, is_visible, is_active) VALUES
  ('BOTOX', 'Botox injection', 30, 100.00, true, true),
  ('QUICK', 'Quick check',     15,  20.00, true, true),
  ('SOON',  'Soon hidden',     15,  20.00, true, true),
  ('GONE',  'Soon deleted',    15,  20.00, true, true);
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, 'MORNING', '09:00', '12:00'
  FROM timepool.resources r CROSS JOIN generate_series(0, 6) d;

CREATE ROLE regress_attack14_site;
GRANT EXECUTE ON FUNCTION
    timepool.availability(date, text, text, text, text),
    timepool.can_book(text, date, time, text, text),
    timepool.open_slots(text, date, date, integer, text, text),
    timepool.check_booking(text, date, time, text, text),
    timepool.hold_slot(text, date, time, text, interval, text, text),
    timepool.confirm_hold(uuid, text, text, text, text, jsonb),
    timepool.release_hold(uuid),
    timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text, text),
    timepool.get_booking(uuid),
    timepool.cancel_booking(uuid, text),
    timepool.reschedule_booking(uuid, date, time, text)
  TO regress_attack14_site;
GRANT SELECT ON timepool.bookable_services TO regress_attack14_site;

-- what a call did, as one line: the receipt's status and patient, or the
-- refusal's SQLSTATE and message (the token and the expiry are left out)
CREATE FUNCTION pg_temp.try(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r timepool.booking_receipt;
BEGIN
  EXECUTE p_sql INTO r;
  RETURN format('%s %s %s %s %s (created %s)', r.status, coalesce(r.patient_name, '-'), r.service,
                to_char(r.date, 'YYYY-MM-DD'), to_char(r.start_time, 'HH24:MI'), r.created);
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.try(text) TO regress_attack14_site;

---------------------------------------------------------------------------
-- 1. FAILS TODAY.  A hold's idempotency key and its slot give its token,
-- and that token is the booking's once the patient confirms: whoever knows
-- (or guesses) the site's key and the time reads the patient's name later,
-- and cancels or moves the booking.  flow.c's own rule is that the key and
-- the slot alone must not give away the booking a hold became, its patient
-- and its token; replaying while the reservation is still a hold, and
-- waiting, gets around it.  Correct: the token a replay of the hold gave
-- opens no booking (get_booking and cancel_booking refuse it), and the
-- patient's booking stays as it is.
---------------------------------------------------------------------------
SET ROLE regress_attack14_site;
-- the patient holds 11-21 09:00 with the site's key 'cart-42'
SELECT access_token AS victim_hold FROM timepool.hold_slot('BOTOX', '2025-11-21', '09:00', 'DR_A',
                                                           p_idempotency_key => 'cart-42') \gset
-- the attacker replays the key and the time (no resource, no patient)
SELECT created AS attacker_replay_created, access_token AS attacker_token
  FROM timepool.hold_slot('BOTOX', '2025-11-21', '09:00', p_idempotency_key => 'cart-42') \gset
SELECT :'attacker_replay_created' AS replay_created;
-- the patient confirms, with their details
SELECT access_token AS victim_booking, status, patient_name
  FROM timepool.confirm_hold(:'victim_hold', 'Victim Vance', '555-0199') \gset
SELECT :'status' AS status, :'patient_name' AS patient_name;
-- the attacker, with the token of the replay: no booking (P0002 or
-- another refusal), not the patient's name, no move and no cancellation
SELECT pg_temp.try(format('SELECT * FROM timepool.get_booking(%L)', :'attacker_token')) ~ 'Victim'
       AS attacker_reads_patient;
SELECT pg_temp.try(format('SELECT * FROM timepool.reschedule_booking(%L, %L, %L)', :'attacker_token',
                          '2025-11-22', '11:00')) ~ '^PENDING'
       AS attacker_moves;
SELECT pg_temp.try(format('SELECT * FROM timepool.cancel_booking(%L)', :'attacker_token')) ~ '^CANCELLED'
       AS attacker_cancels;
RESET ROLE;
-- the booking is still the patient's, where they booked it
SELECT status, patient_name, reservation_date, start_time
  FROM timepool.reservations WHERE access_token = :'victim_booking';

---------------------------------------------------------------------------
-- 2. FAILS TODAY.  confirm_hold books a service that is no longer
-- offered online: a hold is taken while the service is on the menu, the
-- clinic deactivates, hides or deletes it, and confirm_hold still makes
-- the booking (PENDING).  The README: the public role cannot "book or hold
-- a hidden or inactive service", whatever it passes; confirm_hold is the
-- call that books.  Correct: TP003, and the hold stays a hold.
---------------------------------------------------------------------------
SET ROLE regress_attack14_site;
SELECT access_token AS h_inactive FROM timepool.hold_slot('QUICK', '2025-11-21', '10:00', 'DR_A') \gset
SELECT access_token AS h_hidden FROM timepool.hold_slot('SOON', '2025-11-21', '10:30', 'DR_A') \gset
SELECT access_token AS h_deleted FROM timepool.hold_slot('GONE', '2025-11-21', '11:00', 'DR_A') \gset
RESET ROLE;
UPDATE timepool.services SET is_active = false WHERE code = 'QUICK';
UPDATE timepool.services SET is_visible = false WHERE code = 'SOON';
SELECT code, deleted_at IS NOT NULL AS deleted FROM timepool.delete_service('GONE', p_force => true);
SET ROLE regress_attack14_site;
-- TP003 each
SELECT pg_temp.try(format('SELECT * FROM timepool.confirm_hold(%L, %L)', :'h_inactive', 'Ina Ctive')) AS inactive;
SELECT pg_temp.try(format('SELECT * FROM timepool.confirm_hold(%L, %L)', :'h_hidden', 'Hid Den')) AS hidden;
SELECT pg_temp.try(format('SELECT * FROM timepool.confirm_hold(%L, %L)', :'h_deleted', 'Del Eted')) AS deleted;
RESET ROLE;
-- still holds, no patient
SELECT service_code, status, patient_name FROM timepool.reservations
 WHERE access_token IN (:'h_inactive', :'h_hidden', :'h_deleted') ORDER BY start_time;
UPDATE timepool.services SET is_active = true WHERE code = 'QUICK';
UPDATE timepool.services SET is_visible = true WHERE code = 'SOON';

---------------------------------------------------------------------------
-- 2b. FAILS TODAY.  A hold outlives its own start: held at 10:00 for
-- 10:15 with an hour's ttl, it is confirmed at 10:45 into a PENDING
-- booking that started half an hour ago (book_online at 10:45 gets TP005,
-- "in the past").  Correct: confirm_hold refuses (TP005, or TP009 if a
-- hold ends at its start), and the hold is no booking.
---------------------------------------------------------------------------
SET ROLE regress_attack14_site;
SELECT access_token AS h_late FROM timepool.hold_slot('BOTOX', '2025-11-14', '10:15', 'DR_B', p_ttl => '1 hour') \gset
RESET ROLE;
SET timepool.now = '2025-11-14 10:45';
SET ROLE regress_attack14_site;
SELECT pg_temp.try(format('SELECT * FROM timepool.book_online(%L, %L, %L, %L, p_resource => %L)',
                          'BOTOX', '2025-11-14', '10:15', 'Late Larry', 'DR_B')) AS book_online_at_10_45;
SELECT pg_temp.try(format('SELECT * FROM timepool.confirm_hold(%L, %L)', :'h_late', 'Late Larry')) ~ '^(PENDING|CONFIRMED)'
       AS booked_in_the_past;
RESET ROLE;
SET timepool.now = '2025-11-14 10:00';
SELECT status IN ('HELD', 'EXPIRED') AS still_a_hold, patient_name
  FROM timepool.reservations WHERE start_time = '10:15' AND reservation_date = '2025-11-14';

---------------------------------------------------------------------------
-- 3. refused today: the frozen clock is the superuser's.  The public role
-- sets neither timepool.now nor timepool.today, for itself, through a role
-- setting or through a function's SET clause
---------------------------------------------------------------------------
SET ROLE regress_attack14_site;
\set VERBOSITY sqlstate
-- error: 42501 each
SET timepool.now = '2025-11-01 09:00';
SET timepool.today = '2025-11-01';
SELECT set_config('timepool.now', '2025-11-01 09:00', false);
ALTER ROLE regress_attack14_site SET timepool.now = '2025-11-01 09:00';
CREATE FUNCTION pg_temp.frozen() RETURNS integer LANGUAGE sql SET timepool.now = '2025-11-01 09:00' AS 'SELECT 1';
\set VERBOSITY default
RESET ROLE;
SHOW timepool.now;

---------------------------------------------------------------------------
-- 4. refused today: a hold lasts at most an hour, and a replay does not
-- make it last longer
---------------------------------------------------------------------------
SET ROLE regress_attack14_site;
\set VERBOSITY sqlstate
-- error: 22023 each: 0, negative, just over an hour, a month less 30 days,
-- two days less 47 hours, a day plus an overflowing count of hours
SELECT id FROM timepool.hold_slot('BOTOX', '2025-11-24', '09:00', p_ttl => '0');
SELECT id FROM timepool.hold_slot('BOTOX', '2025-11-24', '09:00', p_ttl => '-1 hour');
SELECT id FROM timepool.hold_slot('BOTOX', '2025-11-24', '09:00', p_ttl => '1 hour 1 microsecond');
SELECT id FROM timepool.hold_slot('BOTOX', '2025-11-24', '09:00', p_ttl => '1 mon -30 days');
SELECT id FROM timepool.hold_slot('BOTOX', '2025-11-24', '09:00', p_ttl => '2 days -47 hours');
SELECT id FROM timepool.hold_slot('BOTOX', '2025-11-24', '09:00', p_ttl => '1 day 2562047788 hours');
\set VERBOSITY default
-- a day less 23 hours is an hour: held until 11:00
SELECT status, hold_expires_at FROM timepool.hold_slot('BOTOX', '2025-11-24', '09:00', 'DR_A',
                                                       p_ttl => '1 day -23 hours', p_idempotency_key => 'ttl-1');
RESET ROLE;
-- 50 minutes later, the same key again: the same hold, its expiry unchanged
SET timepool.now = '2025-11-14 10:50';
SET ROLE regress_attack14_site;
SELECT status, created, hold_expires_at FROM timepool.hold_slot('BOTOX', '2025-11-24', '09:00', 'DR_A',
                                                                p_ttl => '1 hour', p_idempotency_key => 'ttl-1');
RESET ROLE;
SET timepool.now = '2025-11-14 10:00';

---------------------------------------------------------------------------
-- 5. refused today: check_booking's subtransaction leaves no lock and no
-- transaction id behind, accepted or refused
---------------------------------------------------------------------------
SET ROLE regress_attack14_site;
BEGIN;
SELECT accepted, sqlstate FROM timepool.check_booking('BOTOX', '2025-11-25', '09:00');
SELECT accepted, sqlstate FROM timepool.check_booking('BOTOX', '2025-11-25', '08:00');
SELECT count(*) AS advisory_locks FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory';
SELECT txid_current_if_assigned() IS NULL AS no_xid;
COMMIT;
RESET ROLE;

---------------------------------------------------------------------------
-- clean up: the role is the cluster's
---------------------------------------------------------------------------
RESET timepool.now;
DROP FUNCTION pg_temp.try(text);
DROP OWNED BY regress_attack14_site;
DROP ROLE regress_attack14_site;
