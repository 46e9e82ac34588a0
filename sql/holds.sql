--
-- holds: timepool.hold_slot(), confirm_hold(), release_hold() and
-- expire_holds() (1.4).  A hold (status HELD) is decided like a booking and
-- holds its pool's minutes, the resource's clock (max_concurrent) and the
-- service's daily cap until hold_expires_at, and nothing from that instant
-- on, with no job: every decision, can_book() and availability() pass over
-- it.  confirm_hold() turns a live hold into a booking (settings.online_status)
-- without a new capacity decision; an expired or released hold cannot be
-- confirmed (TP009, with a DETAIL saying which).  release_hold() ends a hold
-- at once (EXPIRED).  expire_holds() is housekeeping: it marks the holds past
-- their expiry EXPIRED, and correctness never waits for it.  An EXPIRED row
-- is not a cancellation in any report.
--
-- The clinic's clock is frozen with timepool.now and moved forward to make
-- holds expire.
--
SET timepool.now = '2025-11-14 08:00';
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
\pset null '(null)'
\set VERBOSITY default
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365,
       cancel_notice_minutes = 0, online_status = 'PENDING';
SELECT coalesce(max(id), 0) AS mark FROM timepool.audit_log \gset

-- DR_KIM sees one patient at a time; ROOM has no clock limit, only its
-- minutes.  Each has MORNING 09:00-10:00 (60 minutes) on Saturdays.
INSERT INTO timepool.resources (code, name, max_concurrent) VALUES ('DR_KIM', 'Dr. Kim', 1), ('ROOM', 'Room', NULL);
INSERT INTO timepool.services (code, name, duration_minutes, price, is_visible, is_active, daily_cap_minutes) VALUES
  ('BOTOX', 'Botox', 40, 250.00, true, true, NULL),
  ('PEEL', 'Peel', 20, 90.00, true, true, NULL),
  ('CAPPED', 'Capped', 30, NULL, true, true, 30),   -- 30 minutes a day
  ('HIDDEN', 'Hidden', 20, NULL, false, true, NULL), -- staff only
  ('OFF', 'Off', 20, NULL, true, false, NULL),       -- inactive
  ('DELME', 'Delete me', 20, NULL, true, true, NULL);
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT id, 6, 'MORNING', '09:00', '10:00' FROM timepool.resources;

-- book_service of a patient 'P', the outcome as text
CREATE FUNCTION pg_temp.book(p_service text, p_date date, p_time time, p_resource text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  SELECT * INTO r FROM timepool.book_service(p_service, p_date, p_time, 'P', p_resource => p_resource);
  RETURN 'booked ' || (SELECT code FROM timepool.resources WHERE id = r.resource_id) || ' '
         || r.start_time || '-' || r.end_time;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END
$$;
-- hold_slot's outcome as text
CREATE FUNCTION pg_temp.hold(p_service text, p_date date, p_time time, p_resource text DEFAULT NULL,
                             p_ttl interval DEFAULT '10 minutes')
RETURNS text LANGUAGE plpgsql AS $$
DECLARE r timepool.booking_receipt;
BEGIN
  r := timepool.hold_slot(p_service, p_date, p_time, p_resource, p_ttl);
  RETURN 'held ' || r.resource || ' ' || r.start_time || '-' || r.end_time || ' until ' || r.hold_expires_at;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END
$$;
-- the pools of a day as availability() sees them for a service, with
-- can_book() for the day beside its can_book column
CREATE FUNCTION pg_temp.pools(p_date date, p_service text)
RETURNS TABLE (resource text, booked_minutes integer, remaining_minutes integer,
               reservation_count integer, can_book boolean, can_book_day boolean)
LANGUAGE sql AS $$
  SELECT a.resource, a.booked_minutes, a.remaining_minutes, a.reservation_count, a.can_book,
         timepool.can_book(p_service, p_date, NULL, a.resource)
    FROM timepool.availability(p_date, p_service => p_service) a
   ORDER BY a.resource
$$;

---------------------------------------------------------------------------
-- 1. hold_slot: the receipt.  Status HELD, no patient, the price of the
-- service, expiry = the clinic's now + p_ttl (10 minutes by default), a
-- token, created true
---------------------------------------------------------------------------
SELECT id, access_token IS NOT NULL AS has_token, created, status, service, service_name, resource,
       date, period, start_time, end_time, price, patient_name, hold_expires_at,
       hold_expires_at = timepool.clinic_now() + interval '10 minutes' AS expires_in_ttl
  FROM timepool.hold_slot('BOTOX', '2025-11-29', '09:00', 'ROOM');
-- the row itself: HELD, the expiry, the snapshot of the service
SELECT status, patient_name, hold_expires_at, required_minutes, price, idempotency_key
  FROM timepool.reservations WHERE id = 1;
-- p_ttl: one hour is the longest
SELECT status, hold_expires_at
  FROM timepool.hold_slot('PEEL', '2025-11-29', '09:00', 'DR_KIM', p_ttl => '1 hour');
-- without a resource, the first candidate by code that fits: DR_KIM is busy
-- on its clock until 09:20, ROOM has 20 minutes left
SELECT resource, start_time, end_time
  FROM timepool.hold_slot('PEEL', '2025-11-29', '09:00', p_ttl => '90 seconds');

-- error: p_ttl of 0 (22023)
SELECT timepool.hold_slot('BOTOX', '2025-11-29', '09:00', 'ROOM', p_ttl => '0');
\echo :LAST_ERROR_SQLSTATE
-- error: a negative p_ttl (22023)
SELECT timepool.hold_slot('BOTOX', '2025-11-29', '09:00', 'ROOM', p_ttl => '-5 minutes');
\echo :LAST_ERROR_SQLSTATE
-- error: 61 minutes, more than the hour (22023)
SELECT timepool.hold_slot('BOTOX', '2025-11-29', '09:00', 'ROOM', p_ttl => '61 minutes');
\echo :LAST_ERROR_SQLSTATE
-- error: '1 day' (22023)
SELECT timepool.hold_slot('BOTOX', '2025-11-29', '09:00', 'ROOM', p_ttl => '1 day');
\echo :LAST_ERROR_SQLSTATE
-- error: '1 month' (22023)
SELECT timepool.hold_slot('BOTOX', '2025-11-29', '09:00', 'ROOM', p_ttl => '1 month');
\echo :LAST_ERROR_SQLSTATE
-- error: a NULL p_ttl (22004)
SELECT timepool.hold_slot('BOTOX', '2025-11-29', '09:00', 'ROOM', p_ttl => NULL);
\echo :LAST_ERROR_SQLSTATE
-- error: NULL p_service, p_date, p_time (22004)
\set VERBOSITY terse
SELECT timepool.hold_slot(NULL, '2025-11-29', '09:00');
SELECT timepool.hold_slot('BOTOX', NULL, '09:00');
SELECT timepool.hold_slot('BOTOX', '2025-11-29', NULL);
\set VERBOSITY default
-- none of the refused calls left a row
SELECT id, service_code, status FROM timepool.reservations ORDER BY id;

---------------------------------------------------------------------------
-- 2. a hold counts against the pool's minutes and the resource's clock
-- until it expires, then not at all, with no job run.  Saturday 2025-11-15:
-- a BOTOX hold (40 minutes) on each resource at 09:00, for 10 minutes (until
-- 08:10)
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
SELECT pg_temp.hold('BOTOX', '2025-11-15', '09:00', 'ROOM') AS room_hold,
       pg_temp.hold('BOTOX', '2025-11-15', '09:00', 'DR_KIM') AS kim_hold;
-- error: ROOM has 20 minutes left, BOTOX needs 40 (TP001)
SELECT timepool.book_service('BOTOX', '2025-11-15', '09:20', 'P', p_resource => 'ROOM');
\echo :LAST_ERROR_SQLSTATE
-- error: DR_KIM has 20 minutes left, enough for a PEEL, but is busy with the
-- hold until 09:40 (TP007)
SELECT timepool.book_service('PEEL', '2025-11-15', '09:20', 'P', p_resource => 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
-- a second hold is refused as a booking is
SELECT pg_temp.hold('BOTOX', '2025-11-15', '09:20', 'ROOM') AS room_again,
       pg_temp.hold('PEEL', '2025-11-15', '09:20', 'DR_KIM') AS kim_again;
-- can_book and availability agree: the holds' minutes are taken; a PEEL
-- after the hold fits both
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:20', 'ROOM') AS botox_room_0920,
       timepool.can_book('PEEL', '2025-11-15', '09:20', 'DR_KIM') AS peel_kim_0920,
       timepool.can_book('PEEL', '2025-11-15', '09:40', 'DR_KIM') AS peel_kim_0940,
       timepool.can_book('BOTOX', '2025-11-15', NULL) AS botox_any;
SELECT * FROM pg_temp.pools('2025-11-15', 'BOTOX');
SELECT * FROM pg_temp.pools('2025-11-15', 'PEEL');

-- 08:09: still held
SET timepool.now = '2025-11-14 08:09';
SELECT pg_temp.book('BOTOX', '2025-11-15', '09:20', 'ROOM') AS room_0809,
       pg_temp.book('PEEL', '2025-11-15', '09:20', 'DR_KIM') AS kim_0809,
       timepool.can_book('BOTOX', '2025-11-15', '09:20', 'ROOM') AS can_room,
       timepool.can_book('PEEL', '2025-11-15', '09:20', 'DR_KIM') AS can_kim;
SELECT * FROM pg_temp.pools('2025-11-15', 'BOTOX');

-- 08:10, the instant they expire: they hold nothing any more, though they
-- are still HELD (no expire_holds() ran)
SET timepool.now = '2025-11-14 08:10';
SELECT status, count(*) FROM timepool.reservations GROUP BY status;
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:20', 'ROOM') AS can_room,
       timepool.can_book('PEEL', '2025-11-15', '09:20', 'DR_KIM') AS can_kim,
       timepool.can_book('BOTOX', '2025-11-15', NULL) AS botox_any;
SELECT * FROM pg_temp.pools('2025-11-15', 'BOTOX');
SELECT pg_temp.book('BOTOX', '2025-11-15', '09:20', 'ROOM') AS room_0810,
       pg_temp.book('PEEL', '2025-11-15', '09:20', 'DR_KIM') AS kim_0810;
-- the bookings alone count now
SELECT * FROM pg_temp.pools('2025-11-15', 'PEEL');

---------------------------------------------------------------------------
-- 3. the daily cap counts live holds and not expired ones: CAPPED (30
-- minutes a day) held on ROOM until 08:20
---------------------------------------------------------------------------
SELECT pg_temp.hold('CAPPED', '2025-11-22', '09:00', 'ROOM') AS capped_hold;
-- error: DR_KIM is free, but the hold took the day's 30 minutes (TP006)
SELECT timepool.book_service('CAPPED', '2025-11-22', '09:00', 'P', p_resource => 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
SELECT timepool.can_book('CAPPED', '2025-11-22', '09:00', 'DR_KIM') AS can_at,
       timepool.can_book('CAPPED', '2025-11-22') AS can_day;
SELECT * FROM pg_temp.pools('2025-11-22', 'CAPPED');
-- 08:20: the hold has expired; its 30 minutes are free again
SET timepool.now = '2025-11-14 08:20';
SELECT timepool.can_book('CAPPED', '2025-11-22', '09:00', 'DR_KIM') AS can_at,
       timepool.can_book('CAPPED', '2025-11-22') AS can_day;
SELECT pg_temp.book('CAPPED', '2025-11-22', '09:00', 'DR_KIM') AS capped_booking;
-- error: the booking has the 30 minutes now, and the expired hold none: the
-- detail says 30 are booked, not 60 (TP006)
SELECT timepool.book_service('CAPPED', '2025-11-22', '09:00', 'P', p_resource => 'ROOM');
\echo :LAST_ERROR_SQLSTATE

---------------------------------------------------------------------------
-- 4. confirm_hold: a live hold becomes a booking with the patient's
-- details, PENDING by default (settings.online_status), without a new
-- capacity decision; the patient's fields are checked as book_service
-- checks them
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
SET timepool.now = '2025-11-14 09:00';
SELECT access_token AS tok FROM timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'ROOM') \gset
-- error: an empty name (22023)
SELECT timepool.confirm_hold(:'tok', '');
\echo :LAST_ERROR_SQLSTATE
-- error: a blank name (22023)
SELECT timepool.confirm_hold(:'tok', '   ');
\echo :LAST_ERROR_SQLSTATE
-- error: a NULL name (22004)
SELECT timepool.confirm_hold(:'tok', NULL);
\echo :LAST_ERROR_SQLSTATE
-- error: an email without "@" (22023)
SELECT timepool.confirm_hold(:'tok', 'Ann', p_patient_email => 'ann.example.com');
\echo :LAST_ERROR_SQLSTATE
-- error: an email with a space (22023)
SELECT timepool.confirm_hold(:'tok', 'Ann', p_patient_email => 'ann @example.com');
\echo :LAST_ERROR_SQLSTATE
-- error: a name of 201 characters (22023)
SELECT timepool.confirm_hold(:'tok', repeat('a', 201));
\echo :LAST_ERROR_SQLSTATE
-- error: a NULL token (22004)
SELECT timepool.confirm_hold(NULL, 'Ann');
\echo :LAST_ERROR_SQLSTATE
-- error: a token no reservation has (P0002)
SELECT timepool.confirm_hold('00000000-0000-4000-8000-000000000000', 'Ann');
\echo :LAST_ERROR_SQLSTATE
-- the hold is untouched
SELECT status, patient_name, hold_expires_at FROM timepool.reservations WHERE access_token = :'tok';
-- confirmed: PENDING, the patient's details, no expiry any more; the same
-- id and price, and a new token (the hold's, which a replay of hold_slot's
-- key gives, must not open the booking)
SELECT id, access_token = :'tok' AS same_token, created, status, service, resource, date, start_time,
       end_time, price, patient_name, hold_expires_at
  FROM timepool.confirm_hold(:'tok', 'Ann', '+1 555 0100', 'ann@example.com', 'first visit', '{"source": "web"}');
SELECT status, patient_name, patient_phone, patient_email, notes, details, hold_expires_at,
       access_token <> hold_token AS new_token
  FROM timepool.reservations WHERE hold_token = :'tok';
-- error: the hold's token opens nothing but a repeated confirmation (P0002)
SELECT status FROM timepool.get_booking(:'tok');
\echo :LAST_ERROR_SQLSTATE
-- the booking holds its minutes after the hold's expiry: 09:10 and later
SET timepool.now = '2025-11-14 09:30';
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:20', 'ROOM') AS botox_room_0920;
-- a repeated confirmation with the same patient (its answer was lost): the
-- booking, created false, even after the hold's expiry
SELECT id, created, status, patient_name
  FROM timepool.confirm_hold(:'tok', 'Ann', '+1 555 0100', 'ann@example.com', 'first visit', '{"source": "web"}');
-- error: a repeat must pass every detail again: the name alone is refused (TP004)
SELECT id, created, status, patient_name FROM timepool.confirm_hold(:'tok', 'Ann');
\echo :LAST_ERROR_SQLSTATE
-- error: another patient on the same token: confirmed already (TP004)
SELECT timepool.confirm_hold(:'tok', 'Bob');
\echo :LAST_ERROR_SQLSTATE

-- settings.online_status = 'CONFIRMED': a confirmed hold is CONFIRMED
UPDATE timepool.settings SET online_status = 'CONFIRMED';
SELECT access_token AS tok2 FROM timepool.hold_slot('PEEL', '2025-11-15', '09:00', 'DR_KIM') \gset
SELECT created, status, patient_name, hold_expires_at FROM timepool.confirm_hold(:'tok2', 'Cy');
UPDATE timepool.settings SET online_status = 'PENDING';

---------------------------------------------------------------------------
-- 5. a hold that has ended cannot be confirmed: TP009, the DETAIL says
-- whether it expired (and when) or was released
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
SET timepool.now = '2025-11-14 10:00';
SELECT access_token AS t_exp FROM timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'ROOM') \gset
SET timepool.now = '2025-11-14 10:10';
-- error: expired at 10:10, still HELD in the table (TP009)
SELECT timepool.confirm_hold(:'t_exp', 'Ann');
\echo :LAST_ERROR_SQLSTATE
-- the same error read in a DO block: its SQLSTATE, message, detail and hint
DO $$
DECLARE s text; m text; d text; h text;
BEGIN
  PERFORM timepool.confirm_hold(access_token, 'Ann') FROM timepool.reservations WHERE resource_id = 2;
  RAISE NOTICE 'confirmed (wrong)';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
  RAISE NOTICE 'sqlstate %: % / % / %', s, m, d, h;
END
$$;
-- after expire_holds() (EXPIRED, the expiry kept): the same detail (TP009)
SELECT timepool.expire_holds() AS expired;
SELECT timepool.confirm_hold(:'t_exp', 'Ann');
\echo :LAST_ERROR_SQLSTATE
SELECT status, hold_expires_at, patient_name FROM timepool.reservations WHERE access_token = :'t_exp';
-- released (before it expired), then confirmed: "was released" (TP009)
TRUNCATE timepool.reservations;
SET timepool.now = '2025-11-14 10:00';
SELECT access_token AS t_rel FROM timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'DR_KIM') \gset
SELECT created, status, hold_expires_at FROM timepool.release_hold(:'t_rel');
SELECT timepool.confirm_hold(:'t_rel', 'Ann');
\echo :LAST_ERROR_SQLSTATE

---------------------------------------------------------------------------
-- 6. release_hold: ends a hold at once (EXPIRED, no expiry), its minutes
-- free in the same instant; a second release returns it again with created
-- false; a booking is not a hold (TP004)
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
SELECT access_token AS t1 FROM timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'ROOM') \gset
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:20', 'ROOM') AS before_release;
SELECT created, status, resource, start_time, hold_expires_at FROM timepool.release_hold(:'t1');
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:20', 'ROOM') AS after_release;
SELECT created, status, hold_expires_at FROM timepool.release_hold(:'t1');
SELECT access_token AS t_book FROM timepool.book_service('PEEL', '2025-11-15', '09:00', 'Dee', p_resource => 'DR_KIM') \gset
-- error: a booking (TP004)
SELECT timepool.release_hold(:'t_book');
\echo :LAST_ERROR_SQLSTATE
-- error: a token no reservation has (P0002)
SELECT timepool.release_hold('00000000-0000-4000-8000-000000000000');
\echo :LAST_ERROR_SQLSTATE
-- error: a NULL token (22004)
SELECT timepool.release_hold(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT status, patient_name FROM timepool.reservations WHERE access_token = :'t_book';

---------------------------------------------------------------------------
-- 7. idempotency: the same key for the same slot is the same hold (created
-- false, the same id and token); the same key for another slot is refused
-- (23505)
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
SELECT id AS k_id, access_token AS k_tok, created
  FROM timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'ROOM', p_idempotency_key => 'web-1') \gset
SELECT id = :k_id AS same_id, access_token = :'k_tok' AS same_token, created, status
  FROM timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'ROOM', p_idempotency_key => 'web-1');
-- a replay does not take the minutes twice, whatever its p_ttl
SELECT id = :k_id AS same_id, created, hold_expires_at
  FROM timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'ROOM', p_ttl => '30 minutes', p_idempotency_key => 'web-1');
SELECT count(*) AS rows, sum(required_minutes) AS minutes FROM timepool.reservations;
-- error: the same key, another time (23505)
SELECT timepool.hold_slot('BOTOX', '2025-11-15', '09:20', 'ROOM', p_idempotency_key => 'web-1');
\echo :LAST_ERROR_SQLSTATE
-- error: the same key, another resource (23505)
SELECT timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'DR_KIM', p_idempotency_key => 'web-1');
\echo :LAST_ERROR_SQLSTATE
-- once confirmed, the hold's key no longer gives it back: the booking's
-- patient and token are not the key's to give away
SELECT status FROM timepool.confirm_hold(:'k_tok', 'Eve');
-- error: the same key and slot after the confirmation (23505)
SELECT timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'ROOM', p_idempotency_key => 'web-1');
\echo :LAST_ERROR_SQLSTATE
-- error: nor does book_service with that key, as another patient (23505)
SELECT timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Mallory', p_resource => 'ROOM',
                             p_idempotency_key => 'web-1');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows FROM timepool.reservations;
-- a replay after the hold expired returns that hold as it is (created
-- false, its expiry past); a new key holds the slot anew
SELECT id AS k2_id FROM timepool.hold_slot('PEEL', '2025-11-15', '09:00', 'DR_KIM', p_idempotency_key => 'web-2') \gset
SET timepool.now = '2025-11-14 10:10';
SELECT id = :k2_id AS same_id, created, status, hold_expires_at
  FROM timepool.hold_slot('PEEL', '2025-11-15', '09:00', 'DR_KIM', p_idempotency_key => 'web-2');
SELECT id = :k2_id AS same_id, created, status, hold_expires_at
  FROM timepool.hold_slot('PEEL', '2025-11-15', '09:00', 'DR_KIM', p_idempotency_key => 'web-3');

---------------------------------------------------------------------------
-- 8. set_reservation_status: HELD may move to EXPIRED only; confirm_hold
-- is the way to a booking (TP004)
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
SELECT id AS h_id FROM timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'ROOM') \gset
-- error: HELD -> CONFIRMED (TP004)
SELECT timepool.set_reservation_status(:h_id, 'CONFIRMED');
\echo :LAST_ERROR_SQLSTATE
-- error: HELD -> CANCELLED (TP004)
SELECT timepool.cancel_reservation(:h_id);
\echo :LAST_ERROR_SQLSTATE
SELECT status, hold_expires_at FROM timepool.set_reservation_status(:h_id, 'EXPIRED');
-- error: EXPIRED is final (TP004)
SELECT timepool.set_reservation_status(:h_id, 'HELD');
\echo :LAST_ERROR_SQLSTATE

---------------------------------------------------------------------------
-- 9. expire_holds(): marks EXPIRED the holds past their expiry and nothing
-- else, returns how many, and does nothing the second time.  Expired holds
-- are not cancellations
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
SELECT coalesce(max(id), 0) AS mark FROM timepool.audit_log \gset
SET timepool.now = '2025-11-14 11:00';
SELECT pg_temp.hold('BOTOX', '2025-11-15', '09:00', 'ROOM', '5 minutes') AS a,
       pg_temp.hold('PEEL', '2025-11-15', '09:00', 'DR_KIM', '10 minutes') AS b,
       pg_temp.hold('PEEL', '2025-11-15', '09:40', 'ROOM', '20 minutes') AS c;
SELECT pg_temp.book('PEEL', '2025-11-15', '09:20', 'DR_KIM') AS booking;
SELECT (timepool.cancel_reservation(id, 'changed plans')).status
  FROM timepool.reservations WHERE status = 'PENDING';
SET timepool.now = '2025-11-14 11:10';
-- the 5- and 10-minute holds (the second expires at 11:10 exactly)
SELECT timepool.expire_holds() AS expired;
SELECT timepool.expire_holds() AS again;
SELECT id, service_code, start_time, status, hold_expires_at FROM timepool.reservations ORDER BY id;
-- the history says EXPIRED, with no cancellation reason, and the cancelled
-- booking is the only cancellation
SELECT reservation_id, action, old_status, new_status, cancel_reason
  FROM timepool.reservation_history WHERE audit_id > :mark ORDER BY audit_id;
SELECT count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled,
       count(*) FILTER (WHERE status = 'EXPIRED') AS expired,
       count(*) FILTER (WHERE status = 'HELD') AS held
  FROM timepool.reservations;
SELECT count(*) AS cancellations FROM timepool.reservation_history
 WHERE audit_id > :mark AND new_status = 'CANCELLED' AND old_status IS DISTINCT FROM 'CANCELLED';

---------------------------------------------------------------------------
-- 10. a hold is decided like a booking, of a service offered online
---------------------------------------------------------------------------
-- error: a hidden service is not offered online (TP003)
SELECT timepool.hold_slot('HIDDEN', '2025-11-15', '09:00', 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
-- error: an inactive service (TP003)
SELECT timepool.hold_slot('OFF', '2025-11-15', '09:00', 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
-- error: an unknown service (TP003)
SELECT timepool.hold_slot('NOPE', '2025-11-15', '09:00', 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
-- error: a date in the past (TP005)
SELECT timepool.hold_slot('PEEL', '2025-11-08', '09:00', 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
-- error: beyond the 365 days ahead (TP005); 2026-11-14 is the last day
SELECT timepool.hold_slot('PEEL', '2026-11-21', '09:00', 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
-- error: outside the schedule (TP002)
SELECT timepool.hold_slot('PEEL', '2025-11-15', '10:00', 'DR_KIM');
\echo :LAST_ERROR_SQLSTATE
-- staff can still book the hidden service
SELECT pg_temp.book('HIDDEN', '2025-11-29', '09:00', 'DR_KIM') AS staff_hidden;

---------------------------------------------------------------------------
-- 11. plain writes: the table's rules for holds
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
SET timepool.now = '2025-11-14 12:00';
-- (terse: the failing row's DETAIL shows timestamps and a random token)
\set VERBOSITY terse
-- error: a HELD row without hold_expires_at (23514, reservations_hold_expiry)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, status)
SELECT r.id, s.id, '2025-11-15', '09:00', 'HELD'
  FROM timepool.resources r, timepool.services s WHERE r.code = 'ROOM' AND s.code = 'PEEL';
\echo :LAST_ERROR_SQLSTATE
-- error: a booking with an expiry (23514, reservations_hold_expiry)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, hold_expires_at)
SELECT r.id, s.id, '2025-11-15', '09:00', 'Flo', '2025-11-14 12:10'
  FROM timepool.resources r, timepool.services s WHERE r.code = 'ROOM' AND s.code = 'PEEL';
\echo :LAST_ERROR_SQLSTATE
-- error: a booking without a patient (23514, reservations_patient_named)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time)
SELECT r.id, s.id, '2025-11-15', '09:00'
  FROM timepool.resources r, timepool.services s WHERE r.code = 'ROOM' AND s.code = 'PEEL';
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default

-- an expired hold revived by a plain UPDATE is judged like a new booking:
-- a BOTOX hold on ROOM until 12:10; at 12:10 a BOTOX booking takes 40 of
-- ROOM's 60 minutes; the hold turned PENDING would need 40 more (TP001)
SELECT id AS x_id FROM timepool.hold_slot('BOTOX', '2025-11-15', '09:00', 'ROOM') \gset
SET timepool.now = '2025-11-14 12:10';
SELECT pg_temp.book('BOTOX', '2025-11-15', '09:20', 'ROOM') AS booking;
UPDATE timepool.reservations SET status = 'PENDING', hold_expires_at = NULL, patient_name = 'Gus'
 WHERE id = :x_id;
\echo :LAST_ERROR_SQLSTATE
SELECT status, patient_name FROM timepool.reservations WHERE id = :x_id;
-- with the booking cancelled, the same UPDATE is a booking that fits
SELECT (timepool.cancel_reservation(id)).status
  FROM timepool.reservations WHERE patient_name = 'P';
UPDATE timepool.reservations SET status = 'PENDING', hold_expires_at = NULL, patient_name = 'Gus'
 WHERE id = :x_id RETURNING status, patient_name, hold_expires_at;

---------------------------------------------------------------------------
-- 12. delete_service counts a live hold as upcoming work, an expired one
-- not
---------------------------------------------------------------------------
TRUNCATE timepool.reservations;
SET timepool.now = '2025-11-14 13:00';
SELECT pg_temp.hold('DELME', '2025-11-15', '09:00', 'ROOM') AS delme_hold;
-- error: one reservation on hold time (2BP01)
SELECT timepool.delete_service('DELME');
\echo :LAST_ERROR_SQLSTATE
SET timepool.now = '2025-11-14 13:10';
SELECT code, deleted_at IS NOT NULL AS deleted FROM timepool.delete_service('DELME');

TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365,
       cancel_notice_minutes = 0, online_status = 'PENDING';
RESET timepool.now;
