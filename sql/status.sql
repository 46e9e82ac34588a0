--
-- status: timepool.cancel_reservation() and timepool.set_reservation_status()
--
-- The returned row, the allowed moves (PENDING -> CONFIRMED, REJECTED,
-- CANCELLED; CONFIRMED -> COMPLETED, NO_SHOW, CANCELLED; nothing out of
-- COMPLETED, NO_SHOW, CANCELLED, REJECTED) and TP004 for every other move,
-- P0002 for a missing reservation, cancel_reason, status_changed_at,
-- malformed (22023) and missing (22004) arguments, which statuses hold
-- time: cancelled and rejected reservations free their minutes for others,
-- and the clinic's clock: COMPLETED and NO_SHOW only once the appointment
-- has started (TP004 before, from set_reservation_status() and from the
-- guard for a plain UPDATE or INSERT).
--
-- A reservation is marked COMPLETED or NO_SHOW only once it has started:
-- the statements that do so set timepool.now at or after its start, and
-- reset it to timepool.today after.
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
-- the suites of a run share one database: start from empty tables and
-- fresh identities whatever ran before
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;

---------------------------------------------------------------------------
-- set-up: DR_A on Saturdays, MORNING 09:00-12:00 with 60 minutes and
-- AFTERNOON 13:00-18:00 with 300; BOTOX takes 30 minutes
---------------------------------------------------------------------------
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves');
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price)
VALUES ('BOTOX', 'Botox injection', 30, 0, 250.00);
INSERT INTO timepool.clinic_time_slots
  (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT id, 6, p.period, p.st, p.et, p.cap
  FROM timepool.resources,
       (VALUES ('MORNING', '09:00'::time, '12:00'::time, 60),
               ('AFTERNOON', '13:00', '18:00', 300)) AS p(period, st, et, cap)
 WHERE code = 'DR_A';

-- A reservation of BOTOX at p_time on p_date, walked to p_status along the
-- allowed moves.
CREATE FUNCTION reservation_in(p_status text, p_date date, p_time time)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  r timepool.reservations;
BEGIN
  r := timepool.book_service('BOTOX', p_date, p_time, 'Status ' || p_status,
         p_status => CASE WHEN p_status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')
                          THEN 'CONFIRMED' ELSE 'PENDING' END);
  IF p_status IN ('COMPLETED', 'NO_SHOW', 'REJECTED') THEN
    r := timepool.set_reservation_status(r.id, p_status);
  ELSIF p_status = 'CANCELLED' THEN
    r := timepool.cancel_reservation(r.id);
  END IF;
  IF r.status <> p_status THEN
    RAISE EXCEPTION 'reservation_in: got % instead of %', r.status, p_status;
  END IF;
  RETURN r.id;
END
$$;

-- Try one move on a fresh reservation in status p_from, report the new status
-- or the SQLSTATE, and undo everything (the reservation included).
CREATE FUNCTION try_move(p_from text, p_to text, p_cancel boolean DEFAULT false)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r timepool.reservations;
  outcome text;
BEGIN
  BEGIN
    r.id := reservation_in(p_from, '2025-11-15', '13:00');
    BEGIN
      IF p_cancel THEN
        r := timepool.cancel_reservation(r.id, 'tried');
      ELSE
        r := timepool.set_reservation_status(r.id, p_to);
      END IF;
      outcome := r.status;
    EXCEPTION WHEN OTHERS THEN
      outcome := 'error ' || SQLSTATE;
    END;
    RAISE EXCEPTION USING ERRCODE = 'ZZ001', MESSAGE = outcome;
  EXCEPTION WHEN SQLSTATE 'ZZ001' THEN
    RETURN SQLERRM;
  END;
END
$$;

---------------------------------------------------------------------------
-- 1. every move from every status: the six allowed moves succeed, all
-- thirty others (same-status moves included) are refused with TP004
---------------------------------------------------------------------------
-- the tries book at 2025-11-15 13:00: on the clinic's clock it has started
SET timepool.now = '2025-11-15 13:00';
SELECT f.s AS from_status, t.s AS to_status, try_move(f.s, t.s) AS outcome
  FROM unnest(ARRAY['PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW', 'CANCELLED', 'REJECTED'])
       WITH ORDINALITY AS f(s, i),
       unnest(ARRAY['PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW', 'CANCELLED', 'REJECTED'])
       WITH ORDINALITY AS t(s, j)
 ORDER BY f.i, t.j;

-- cancel_reservation follows the same rules: only PENDING and CONFIRMED
SELECT f.s AS from_status, try_move(f.s, NULL, p_cancel => true) AS cancel_outcome
  FROM unnest(ARRAY['PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW', 'CANCELLED', 'REJECTED'])
       WITH ORDINALITY AS f(s, i)
 ORDER BY f.i;
RESET timepool.now;

-- the tries left nothing behind
SELECT count(*) AS reservations FROM timepool.reservations;

---------------------------------------------------------------------------
-- 2. the returned row, cancel_reason, status_changed_at
---------------------------------------------------------------------------
SELECT id AS r1, created_at AS r1_created
  FROM timepool.book_service('BOTOX', '2025-11-22', '13:00', 'Ana Lima') \gset
SELECT pg_sleep(0.01);
-- PENDING -> CONFIRMED returns the whole updated row
SELECT id = :r1 AS same_id, service_code, start_time, end_time, period, status,
       patient_name, cancel_reason,
       created_at = :'r1_created' AS created_kept,
       status_changed_at > created_at AS status_changed_later,
       updated_at = status_changed_at AS updated_with_status
  FROM timepool.set_reservation_status(:r1, 'CONFIRMED');
-- the returned row is the stored row, column for column (at 13:00 :r1 has started)
SET timepool.now = '2025-11-22 13:00';
SELECT s::text AS r1_row FROM timepool.set_reservation_status(:r1, 'COMPLETED') s \gset
RESET timepool.now;
SELECT r::text = :'r1_row' AS returned_equals_stored
  FROM timepool.reservations r WHERE id = :r1;
SELECT status, status_changed_at > created_at AS changed FROM timepool.reservations WHERE id = :r1;

-- a change of another column leaves status_changed_at alone
SELECT status_changed_at AS r1_changed FROM timepool.reservations WHERE id = :r1 \gset
SELECT pg_sleep(0.01);
UPDATE timepool.reservations SET notes = 'came on time' WHERE id = :r1;
SELECT notes, status_changed_at = :'r1_changed' AS status_changed_kept,
       updated_at > status_changed_at AS updated_later
  FROM timepool.reservations WHERE id = :r1;

-- cancel_reservation returns the row with its reason
SELECT id AS r2 FROM timepool.book_service('BOTOX', '2025-11-22', '13:30', 'Bruno Reis',
                                          p_status => 'CONFIRMED') \gset
SELECT pg_sleep(0.01);
SELECT id = :r2 AS same_id, status, cancel_reason,
       status_changed_at > created_at AS status_changed_later
  FROM timepool.cancel_reservation(:r2, 'patient is travelling');
SELECT status, cancel_reason FROM timepool.reservations WHERE id = :r2;

-- without a reason, or with a blank one, cancel_reason is NULL
SELECT status, cancel_reason
  FROM timepool.cancel_reservation(reservation_in('PENDING', '2025-11-22', '14:00'));
SELECT status, cancel_reason
  FROM timepool.cancel_reservation(reservation_in('CONFIRMED', '2025-11-22', '14:00'), NULL);
SELECT status, cancel_reason
  FROM timepool.cancel_reservation(reservation_in('PENDING', '2025-11-22', '14:00'), '   ');
-- set_reservation_status(..., 'CANCELLED') cancels without a reason
SELECT status, cancel_reason
  FROM timepool.set_reservation_status(reservation_in('CONFIRMED', '2025-11-22', '14:00'), 'CANCELLED');
-- PENDING -> REJECTED and CONFIRMED -> NO_SHOW return their rows too
SELECT status, cancel_reason, status_changed_at >= created_at AS ok
  FROM timepool.set_reservation_status(reservation_in('PENDING', '2025-11-22', '14:00'), 'REJECTED');
SET timepool.now = '2025-11-22 14:00';
SELECT status, cancel_reason, status_changed_at >= created_at AS ok
  FROM timepool.set_reservation_status(reservation_in('CONFIRMED', '2025-11-22', '14:00'), 'NO_SHOW');
RESET timepool.now;

---------------------------------------------------------------------------
-- 3. refused moves: TP004, with the allowed moves or "final" in the detail
---------------------------------------------------------------------------
-- error: PENDING -> COMPLETED
SELECT status FROM timepool.set_reservation_status(reservation_in('PENDING', '2025-11-22', '15:00'), 'COMPLETED');
\echo :LAST_ERROR_SQLSTATE
-- error: CONFIRMED -> CONFIRMED (a same-status move)
SELECT status FROM timepool.set_reservation_status(reservation_in('CONFIRMED', '2025-11-22', '15:00'), 'CONFIRMED');
\echo :LAST_ERROR_SQLSTATE
-- error: out of COMPLETED (:r1)
SELECT status FROM timepool.set_reservation_status(:r1, 'CANCELLED');
\echo :LAST_ERROR_SQLSTATE
-- error: cancelling a cancelled reservation (:r2)
SELECT status FROM timepool.cancel_reservation(:r2, 'again');
\echo :LAST_ERROR_SQLSTATE
-- the refusals changed nothing
SELECT id = :r1 AS is_r1, status, cancel_reason
  FROM timepool.reservations WHERE id IN (:r1, :r2) ORDER BY id;

---------------------------------------------------------------------------
-- 4. a reservation that does not exist: P0002
---------------------------------------------------------------------------
-- error: set_reservation_status
SELECT status FROM timepool.set_reservation_status(999999, 'CONFIRMED');
\echo :LAST_ERROR_SQLSTATE
-- error: cancel_reservation
SELECT status FROM timepool.cancel_reservation(999999, 'no such thing');
\echo :LAST_ERROR_SQLSTATE

---------------------------------------------------------------------------
-- 5. malformed and missing arguments: 22023, 22004
---------------------------------------------------------------------------
-- error: an unknown status
SELECT status FROM timepool.set_reservation_status(:r1, 'DONE');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: lower case
SELECT status FROM timepool.set_reservation_status(:r1, 'confirmed');
-- error: surrounding space
SELECT status FROM timepool.set_reservation_status(:r1, ' CONFIRMED');
-- error: trailing space
SELECT status FROM timepool.set_reservation_status(:r1, 'CANCELLED ');
-- error: empty
SELECT status FROM timepool.set_reservation_status(:r1, '');
-- error: long
SELECT status FROM timepool.set_reservation_status(:r1, repeat('CONFIRMED', 1000));
-- error: a bad status is reported even for a missing reservation
SELECT status FROM timepool.set_reservation_status(999999, 'DONE');
-- error: a reason over 500 characters
SELECT status FROM timepool.cancel_reservation(reservation_in('PENDING', '2025-11-22', '15:00'), repeat('x', 501));
\set VERBOSITY default
-- error: NULL id
SELECT status FROM timepool.set_reservation_status(NULL, 'CONFIRMED');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: NULL status
SELECT status FROM timepool.set_reservation_status(:r1, NULL);
-- error: NULL id to cancel_reservation
SELECT status FROM timepool.cancel_reservation(NULL, 'why');
-- error: NULL id, reason left out
SELECT status FROM timepool.cancel_reservation(NULL);
\set VERBOSITY default
-- a reason of exactly 500 characters is fine
SELECT status, char_length(cancel_reason)
  FROM timepool.cancel_reservation(reservation_in('PENDING', '2025-11-22', '15:00'), repeat('x', 500));

---------------------------------------------------------------------------
-- 6. which statuses hold time (Saturday 2025-11-15, MORNING, 60 minutes)
---------------------------------------------------------------------------
SELECT id AS m1 FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Morning One') \gset
SELECT id AS m2 FROM timepool.book_service('BOTOX', '2025-11-15', '09:30', 'Morning Two',
                                          p_status => 'CONFIRMED') \gset
SELECT booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-15', 'MORNING');
-- error: MORNING is full
SELECT status FROM timepool.book_service('BOTOX', '2025-11-15', '10:00', 'Morning Three');
\echo :LAST_ERROR_SQLSTATE
-- CONFIRMED and NO_SHOW / COMPLETED still hold their minutes (at 09:30
-- both have started)
SELECT status FROM timepool.set_reservation_status(:m1, 'CONFIRMED');
SET timepool.now = '2025-11-15 09:30';
SELECT status FROM timepool.set_reservation_status(:m1, 'NO_SHOW');
SELECT status FROM timepool.set_reservation_status(:m2, 'COMPLETED');
RESET timepool.now;
SELECT booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-15', 'MORNING');
\set VERBOSITY sqlstate
-- error: still full
SELECT status FROM timepool.book_service('BOTOX', '2025-11-15', '10:00', 'Morning Three');
\set VERBOSITY default
SELECT timepool.can_book('BOTOX', '2025-11-15', '10:00') AS can_book;

-- a cancelled reservation frees its minutes, and they can be booked again
SELECT id AS m3 FROM timepool.book_service('BOTOX', '2025-11-22', '09:00', 'Cancel Me') \gset
SELECT id AS m4 FROM timepool.book_service('BOTOX', '2025-11-22', '09:30', 'Keep Me') \gset
SELECT booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-22', 'MORNING');
SELECT status FROM timepool.cancel_reservation(:m3, 'freeing');
SELECT booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-22', 'MORNING');
SELECT timepool.can_book('BOTOX', '2025-11-22', '09:00') AS can_book;
SELECT start_time, period, status
  FROM timepool.book_service('BOTOX', '2025-11-22', '09:00', 'Took The Slot');
SELECT booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-22', 'MORNING');
-- error: full again
SELECT status FROM timepool.book_service('BOTOX', '2025-11-22', '11:00', 'Too Late');
\echo :LAST_ERROR_SQLSTATE

-- a rejected reservation frees its minutes too
SELECT status FROM timepool.set_reservation_status(:m4, 'REJECTED');
SELECT booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-22', 'MORNING');
SELECT start_time, period, status
  FROM timepool.book_service('BOTOX', '2025-11-22', '09:30', 'Took The Rejected Slot',
                             p_status => 'CONFIRMED');
SELECT booked_minutes, remaining_minutes, reservation_count
  FROM timepool.availability('2025-11-22', 'MORNING');

-- the MORNING pools, row by row
SELECT reservation_date, start_time, status, patient_name
  FROM timepool.reservations WHERE period = 'MORNING'
 ORDER BY reservation_date, id;

---------------------------------------------------------------------------
-- 7. COMPLETED and NO_SHOW only once the appointment has started on the
-- clinic's clock: TP004 before its start (the detail gives the start and
-- the clock), allowed at its start minute and after; CANCELLED any time.
-- A plain UPDATE or INSERT gets the same answer from the guard.
-- (Saturday 2025-11-29, AFTERNOON 13:00-18:00)
---------------------------------------------------------------------------
SET timepool.now = '2025-11-29 12:59';
SELECT id AS c1 FROM timepool.book_service('BOTOX', '2025-11-29', '13:00', 'Clock One',
                                          p_status => 'CONFIRMED') \gset
SELECT id AS c2 FROM timepool.book_service('BOTOX', '2025-11-29', '13:30', 'Clock Two',
                                          p_status => 'CONFIRMED') \gset
SELECT id AS c3 FROM timepool.book_service('BOTOX', '2025-11-29', '14:00', 'Clock Three',
                                          p_status => 'CONFIRMED') \gset
SELECT id AS c4 FROM timepool.book_service('BOTOX', '2025-11-29', '14:30', 'Clock Four',
                                          p_status => 'CONFIRMED') \gset
SELECT id AS c5 FROM timepool.book_service('BOTOX', '2025-11-29', '15:00', 'Clock Five',
                                          p_status => 'CONFIRMED') \gset
-- error: COMPLETED a minute before the start
SELECT status FROM timepool.set_reservation_status(:c1, 'COMPLETED');
\echo :LAST_ERROR_SQLSTATE
-- error: NO_SHOW a minute before the start
SELECT status FROM timepool.set_reservation_status(:c1, 'NO_SHOW');
\echo :LAST_ERROR_SQLSTATE
-- error: a plain UPDATE to COMPLETED before the start (the guard)
UPDATE timepool.reservations SET status = 'COMPLETED' WHERE id = :c1;
\echo :LAST_ERROR_SQLSTATE
-- error: a plain UPDATE to NO_SHOW before the start (the guard)
UPDATE timepool.reservations SET status = 'NO_SHOW' WHERE id = :c1;
\echo :LAST_ERROR_SQLSTATE
-- error: a plain INSERT of a COMPLETED reservation in the future (the guard)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, end_time,
                                   duration_minutes, buffer_minutes, required_minutes, service_code, service_name,
                                   status, patient_name)
SELECT r.id, s.id, '2025-11-29', '16:00', '16:30', 30, 0, 30, s.code, s.name, 'COMPLETED', 'Clock Insert'
  FROM timepool.resources r, timepool.services s WHERE s.code = 'BOTOX';
\echo :LAST_ERROR_SQLSTATE
-- CANCELLED before the start is fine
SELECT status, cancel_reason FROM timepool.cancel_reservation(:c3, 'cannot come');
-- the refusals changed nothing
SELECT patient_name, start_time, status FROM timepool.reservations
 WHERE reservation_date = '2025-11-29' ORDER BY start_time;

-- at exactly the start minute: COMPLETED of :c1 passes, the next one
-- (13:30) has not started yet
SET timepool.now = '2025-11-29 13:00';
SELECT status FROM timepool.set_reservation_status(:c1, 'COMPLETED');
-- error: NO_SHOW of :c2, half an hour before its start
SELECT status FROM timepool.set_reservation_status(:c2, 'NO_SHOW');
\echo :LAST_ERROR_SQLSTATE
-- at its start, NO_SHOW of :c2 passes
SET timepool.now = '2025-11-29 13:30';
SELECT status FROM timepool.set_reservation_status(:c2, 'NO_SHOW');

-- after the start: COMPLETED and NO_SHOW pass, a plain UPDATE too
SET timepool.now = '2025-11-29 17:00';
SELECT status FROM timepool.set_reservation_status(:c4, 'COMPLETED');
UPDATE timepool.reservations SET status = 'NO_SHOW' WHERE id = :c5 RETURNING status;
SELECT patient_name, start_time, status FROM timepool.reservations
 WHERE reservation_date = '2025-11-29' ORDER BY start_time;
RESET timepool.now;

---------------------------------------------------------------------------
-- clean up for the suites that follow
---------------------------------------------------------------------------
DROP FUNCTION try_move(text, text, boolean);
DROP FUNCTION reservation_in(text, date, time);
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
