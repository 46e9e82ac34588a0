--
-- public: the public site's role and the staff's, tokens, the notice
--
-- The roles are the README's recipe (Privileges): a public role granted
-- only the public entry points and the service menu; a front desk with
-- the staff's functions by id; an admin.  As the public role: what it can
-- do (hold, confirm, book online with the clinic's online status, manage a
-- booking by its token) and what it cannot (book_service and its
-- p_status, a hidden or inactive service, the tables, the functions by id,
-- anything without the token); the cancellation notice on the token
-- functions and not on the staff's; and the attacks, each a test that
-- fails without its defence.
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

---------------------------------------------------------------------------
-- set-up: DR_A and DR_B, MORNING 09:00-12:00 every day.  BOTOX and QUICK
-- are offered online; PRIVATE is hidden (is_visible false), OLD inactive.
---------------------------------------------------------------------------
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves'), ('DR_B', 'Dr. Barros');
INSERT INTO timepool.services (code, name, duration_minutes, price, is_visible, is_active) VALUES
  ('BOTOX',   'Botox injection', 30, 100.00, true,  true),
  ('QUICK',   'Quick check',     15,  20.00, true,  true),
  ('PRIVATE', 'Private consult', 30, 300.00, false, true),
  ('OLD',     'Old treatment',   30,  50.00, true,  false);
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, 'MORNING', '09:00', '12:00'
  FROM timepool.resources r CROSS JOIN generate_series(0, 6) d;

-- the suites of a run share the audit log: this suite's entries come after
SELECT coalesce(max(id), 0) AS audit_start FROM timepool.audit_log \gset
-- a receipt without its token and expiry (random and clock-dependent)
\set receipt 'id, created, status, service, service_name, resource, date, period, start_time, end_time, price, patient_name'

---------------------------------------------------------------------------
-- 1. the roles, as the README's Privileges section grants them
---------------------------------------------------------------------------
CREATE ROLE regress_public_site LOGIN;
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
  TO regress_public_site;
GRANT SELECT ON timepool.bookable_services TO regress_public_site;

CREATE ROLE regress_public_desk LOGIN;
GRANT regress_public_site TO regress_public_desk;
GRANT EXECUTE ON FUNCTION
    timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text),
    timepool.cancel_reservation(bigint, text),
    timepool.set_reservation_status(bigint, text),
    timepool.reschedule_reservation(bigint, date, time, text),
    timepool.expire_holds()
  TO regress_public_desk;
GRANT SELECT ON timepool.reservations, timepool.reservation_history TO regress_public_desk;

CREATE ROLE regress_public_admin LOGIN;
GRANT regress_public_desk TO regress_public_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA timepool TO regress_public_admin;
GRANT EXECUTE ON FUNCTION
    timepool.delete_service(text, boolean),
    timepool.restore_service(bigint),
    timepool.clinic_now(),
    timepool.clinic_today(text),
    timepool.pool_lock_key(bigint, date, text),
    timepool.lock_pool(bigint, date, text)
  TO regress_public_admin;

-- what the public role can run and read in timepool: exactly what it was
-- granted (and PUBLIC's two range constructors), nothing that takes an id
SELECT p.oid::regprocedure AS function
  FROM pg_proc p
 WHERE p.pronamespace = 'timepool'::regnamespace
   AND has_function_privilege('regress_public_site', p.oid, 'EXECUTE')
 ORDER BY p.oid::regprocedure::text;
SELECT c.relname, c.relkind
  FROM pg_class c
 WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind IN ('r', 'v', 'S', 'm', 'p')
   AND (has_table_privilege('regress_public_site', c.oid, 'SELECT')
        OR has_table_privilege('regress_public_site', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))
 ORDER BY 1;

---------------------------------------------------------------------------
-- 2. the public role CAN: read the menu and the free times, hold, confirm
-- its hold, book online, and manage a booking by its token
---------------------------------------------------------------------------
SET ROLE regress_public_site;
SELECT code, name, required_minutes FROM timepool.bookable_services ORDER BY code;
SELECT timepool.can_book('BOTOX', '2025-11-17', '09:00');
SELECT accepted, sqlstate FROM timepool.check_booking('BOTOX', '2025-11-17', '09:00');
SELECT count(*) AS open_starts FROM timepool.open_slots('BOTOX', '2025-11-17', p_resource => 'DR_A');
SELECT resource, remaining_minutes, can_book
  FROM timepool.availability('2025-11-17', p_service => 'BOTOX') ORDER BY resource;

-- a hold: HELD, no patient, 10 minutes
SELECT id AS hold1_id, access_token AS hold1 FROM timepool.hold_slot('BOTOX', '2025-11-17', '09:00', 'DR_A') \gset
SELECT :receipt, hold_expires_at = '2025-11-14 10:10+00' AS expires_at_10_10
  FROM timepool.get_booking(:'hold1');
-- confirmed with the patient's details: the clinic's online status (PENDING)
SELECT :receipt, hold_expires_at FROM timepool.confirm_hold(:'hold1', 'Ann Lee', '555-0101');
-- the same confirmation again (its answer was lost): the booking, created false
SELECT :receipt FROM timepool.confirm_hold(:'hold1', 'Ann Lee', '555-0101');
-- book_online: PENDING, with a token of its own
SELECT id AS bob_id, access_token AS bob FROM timepool.book_online('BOTOX', '2025-11-17', '09:30', 'Bob Ray',
                                                   p_resource => 'DR_A', p_idempotency_key => 'site-bob') \gset
SELECT :receipt FROM timepool.get_booking(:'bob');
-- a replay with the same key: the same booking, created false
SELECT :receipt, access_token = :'bob' AS same_token
  FROM timepool.book_online('BOTOX', '2025-11-17', '09:30', 'Bob Ray', p_resource => 'DR_A',
                            p_idempotency_key => 'site-bob');
RESET ROLE;
-- the clinic confirms online bookings itself: CONFIRMED, for book_online and confirm_hold
UPDATE timepool.settings SET online_status = 'CONFIRMED';
SET ROLE regress_public_site;
SELECT :receipt FROM timepool.book_online('BOTOX', '2025-11-17', '10:00', 'Cy Dorn', p_resource => 'DR_A');
SELECT access_token AS hold2 FROM timepool.hold_slot('QUICK', '2025-11-17', '09:00', 'DR_B') \gset
SELECT :receipt FROM timepool.confirm_hold(:'hold2', 'Dee Fox');
RESET ROLE;
UPDATE timepool.settings SET online_status = 'PENDING';
SET ROLE regress_public_site;

-- release: the hold ends at once, EXPIRED; its token is still its own
SELECT access_token AS hold3 FROM timepool.hold_slot('BOTOX', '2025-11-18', '09:00', 'DR_A') \gset
SELECT :receipt, hold_expires_at FROM timepool.release_hold(:'hold3');
SELECT :receipt FROM timepool.release_hold(:'hold3');
SELECT :receipt FROM timepool.get_booking(:'hold3');
-- error: TP009, not P0002: the token names the released hold
SELECT id FROM timepool.confirm_hold(:'hold3', 'Eve Gray');
-- a hold that timed out (the clock moved on, expire_holds() run by the
-- desk): EXPIRED, and its token still finds it
SELECT access_token AS hold4 FROM timepool.hold_slot('BOTOX', '2025-11-18', '09:30', 'DR_A', '5 minutes') \gset
RESET ROLE;
SET timepool.now = '2025-11-14 10:06';
SET ROLE regress_public_desk;
SELECT timepool.expire_holds() AS expired;
RESET ROLE;
SET ROLE regress_public_site;
SELECT :receipt, hold_expires_at = '2025-11-14 10:05+00' AS kept_expiry FROM timepool.get_booking(:'hold4');
-- error: TP009, its DETAIL says when it expired
SELECT id FROM timepool.confirm_hold(:'hold4', 'Eve Gray');
RESET ROLE;
SET timepool.now = '2025-11-14 10:00';
SET ROLE regress_public_site;

-- reschedule by token: the same booking, elsewhere
SELECT :receipt FROM timepool.reschedule_booking(:'bob', '2025-11-18', '10:00', 'DR_B');
-- cancel by token, and again: the second answer is the same, created false
SELECT :receipt FROM timepool.cancel_booking(:'bob', 'changed my mind');
SELECT :receipt FROM timepool.cancel_booking(:'bob');
-- error: TP004, a cancelled booking cannot move
SELECT id FROM timepool.reschedule_booking(:'bob', '2025-11-19', '10:00');
RESET ROLE;

-- as the front desk sees it: a move and a cancellation of the same row,
-- made by the public role
SET ROLE regress_public_desk;
SELECT action, old_status, new_status, cancel_reason, changed_by
  FROM timepool.reservation_history WHERE reservation_id = :bob_id
   AND audit_id > :audit_start ORDER BY audit_id;
RESET ROLE;

---------------------------------------------------------------------------
-- 3. the public role CANNOT
---------------------------------------------------------------------------
SET ROLE regress_public_site;
\set VERBOSITY terse
-- error: 42501, book_service is the staff's (and with it p_status)
SELECT id FROM timepool.book_service('BOTOX', '2025-11-19', '09:00', 'Mallory', p_status => 'CONFIRMED');
-- error: 42501, so are the functions that take an id
SELECT id FROM timepool.cancel_reservation(:hold1_id);
SELECT id FROM timepool.reschedule_reservation(:hold1_id, '2025-11-19', '09:00');
SELECT id FROM timepool.set_reservation_status(:hold1_id, 'CONFIRMED');
SELECT timepool.expire_holds();
-- error: 42501, the tables, the history and the log
SELECT count(*) FROM timepool.reservations;
SELECT count(*) FROM timepool.reservation_history;
SELECT count(*) FROM timepool.audit_log;
SELECT count(*) FROM timepool.services;
UPDATE timepool.reservations SET status = 'CONFIRMED';
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
VALUES (1, 1, '2025-11-19', '09:00', 'Mallory');
-- error: 42883, book_online has no p_status: the status is the clinic's
SELECT id FROM timepool.book_online('BOTOX', '2025-11-19', '09:00', 'Mallory', p_status => 'CONFIRMED');
-- error: 42883, nor a twelfth argument to pass it by position (the
-- eleventh is p_location, from 1.7)
SELECT id FROM timepool.book_online('BOTOX', '2025-11-19', '09:00', 'Mallory', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'CONFIRMED');
\set VERBOSITY default
-- error: TP003, a hidden service, booked or held
SELECT id FROM timepool.book_online('PRIVATE', '2025-11-19', '09:00', 'Mallory');
SELECT id FROM timepool.hold_slot('PRIVATE', '2025-11-19', '09:00');
-- error: TP003, an inactive service, booked or held
SELECT id FROM timepool.book_online('OLD', '2025-11-19', '09:00', 'Mallory');
SELECT id FROM timepool.hold_slot('OLD', '2025-11-19', '09:00');
-- error: P0002, a token no booking has, for every function that takes one
SELECT id FROM timepool.get_booking('00000000-0000-4000-8000-000000000000');
SELECT id FROM timepool.cancel_booking('00000000-0000-4000-8000-000000000000');
SELECT id FROM timepool.reschedule_booking('00000000-0000-4000-8000-000000000000', '2025-11-19', '09:00');
SELECT id FROM timepool.confirm_hold('00000000-0000-4000-8000-000000000000', 'Mallory');
SELECT id FROM timepool.release_hold('00000000-0000-4000-8000-000000000000');
\set VERBOSITY sqlstate
-- error: 22004, a NULL token
SELECT id FROM timepool.get_booking(NULL);
SELECT id FROM timepool.cancel_booking(NULL);
\set VERBOSITY default
RESET ROLE;
-- nothing of that reached the table: the bookings and holds of section 2
SELECT id, status, service_code, patient_name FROM timepool.reservations ORDER BY id;

-- a wrong token's answer says nothing: a random one, a deleted row's, and
-- a live row's token with its last digit changed get the same SQLSTATE,
-- message, DETAIL and HINT
SELECT access_token AS cy FROM timepool.reservations WHERE patient_name = 'Cy Dorn' \gset
SELECT id AS gone_id, access_token AS gone FROM timepool.book_service('QUICK', '2025-11-19', '11:00', 'Gone Soon') \gset
DELETE FROM timepool.reservations WHERE id = :gone_id;
SELECT set_config('regress.gone', :'gone', false) IS NOT NULL AS set,
       set_config('regress.cy', :'cy', false) IS NOT NULL AS set;
SET ROLE regress_public_site;
DO $$
DECLARE
  t uuid;
  cy text := current_setting('regress.cy');
  m text; d text; h text; st text;
  answers text[] := '{}';
BEGIN
  FOREACH t IN ARRAY ARRAY[pg_catalog.gen_random_uuid(),
                           current_setting('regress.gone')::uuid,
                           overlay(cy placing CASE right(cy, 1) WHEN '0' THEN '1' ELSE '0' END
                                   from 36 for 1)::uuid] LOOP
    BEGIN
      PERFORM timepool.get_booking(t);
      answers := answers || 'found'::text;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
                              h = PG_EXCEPTION_HINT;
      answers := answers || format('%s: %s / DETAIL %L / HINT %L', st, m, d, h);
    END;
  END LOOP;
  RAISE NOTICE '% answer(s) of 3 calls: %', cardinality(ARRAY(SELECT DISTINCT unnest(answers))), answers[1];
END
$$;
-- the live row itself is found, by its own token
SELECT :receipt FROM timepool.get_booking(:'cy');
RESET ROLE;

---------------------------------------------------------------------------
-- 4. the cancellation notice binds the token functions, not the staff
---------------------------------------------------------------------------
-- a day's notice; QUICK has its own, an hour
UPDATE timepool.settings SET cancel_notice_minutes = 1440;
UPDATE timepool.services SET cancel_notice_minutes = 60 WHERE code = 'QUICK';
SET ROLE regress_public_site;
-- it is 10:00 on 11-14: changes to 11-15 09:00 closed at 11-14 09:00,
-- to 10:00 close now (at the instant itself: refused), to 10:30 at 10:30
SELECT id AS near_id, access_token AS near FROM timepool.book_online('BOTOX', '2025-11-15', '09:00', 'Near', p_resource => 'DR_A') \gset
SELECT id AS edge_id, access_token AS edge FROM timepool.book_online('BOTOX', '2025-11-15', '10:00', 'Edge', p_resource => 'DR_B') \gset
SELECT access_token AS fine FROM timepool.book_online('BOTOX', '2025-11-15', '10:30', 'Fine', p_resource => 'DR_A') \gset
SELECT access_token AS quick FROM timepool.book_online('QUICK', '2025-11-15', '09:00', 'Quick', p_resource => 'DR_B') \gset
-- error: TP005, inside the notice, cancelled or moved (even to a later date)
SELECT id FROM timepool.cancel_booking(:'near');
SELECT id FROM timepool.reschedule_booking(:'near', '2025-11-21', '09:00');
-- error: TP005, the deadline is now
SELECT id FROM timepool.cancel_booking(:'edge');
-- outside it: moved, then cancelled
SELECT :receipt FROM timepool.reschedule_booking(:'fine', '2025-11-15', '11:00');
SELECT :receipt FROM timepool.cancel_booking(:'fine');
-- QUICK's own hour: 11-15 09:00 can be cancelled until 08:00 that day
SELECT :receipt FROM timepool.cancel_booking(:'quick');
RESET ROLE;
-- and the other way: QUICK's own notice of 3 days closes 11-17 09:30 at 11-14 09:30
UPDATE timepool.services SET cancel_notice_minutes = 4320 WHERE code = 'QUICK';
SET ROLE regress_public_site;
SELECT access_token AS quick2 FROM timepool.book_online('QUICK', '2025-11-17', '09:30', 'Quick Two', p_resource => 'DR_B') \gset
-- error: TP005, QUICK's three days
SELECT id FROM timepool.reschedule_booking(:'quick2', '2025-11-18', '11:00');
RESET ROLE;
-- the staff are not bound: the front desk cancels and moves inside the notice
SET ROLE regress_public_desk;
SELECT id, status FROM timepool.cancel_reservation(:near_id, 'called the clinic');
SELECT id, reservation_date, start_time FROM timepool.reschedule_reservation(:edge_id, '2025-11-15', '11:00', 'DR_B');
RESET ROLE;
-- a cancelled booking's token: the same answer again, created false, no notice
SET ROLE regress_public_site;
SELECT :receipt FROM timepool.cancel_booking(:'near');
RESET ROLE;
UPDATE timepool.settings SET cancel_notice_minutes = 0;

---------------------------------------------------------------------------
-- 5. attacks by the public role, each refused by a defence
---------------------------------------------------------------------------
-- The status: book_online has no p_status (section 3, 42883), and
-- book_service is not granted (42501): with settings PENDING, nothing the
-- public role calls makes a CONFIRMED booking
SET ROLE regress_public_site;
SELECT status, created FROM timepool.book_online('BOTOX', '2025-11-21', '11:00', 'Status Try', p_resource => 'DR_B');
RESET ROLE;

-- A receipt is one reservation as its patient sees it: no phone, email,
-- notes or details, even its own
SELECT attname FROM pg_attribute
 WHERE attrelid = 'timepool.booking_receipt'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum;

-- A refusal names no other patient: the time Ann Lee (11-17 09:00, DR_A)
-- and Cy Dorn (10:00) have is refused without their names or tokens
SELECT set_config('regress.ann', access_token::text, false) IS NOT NULL AS set
  FROM timepool.reservations WHERE patient_name = 'Ann Lee';
SET ROLE regress_public_site;
DO $$
DECLARE
  m text; d text; h text; st text;
BEGIN
  BEGIN
    PERFORM timepool.book_online('BOTOX', '2025-11-17', '09:15', 'Mallory', p_resource => 'DR_A');
    RAISE NOTICE 'booked';
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
                            h = PG_EXCEPTION_HINT;
    RAISE NOTICE '%: %', st, m;
    RAISE NOTICE 'detail: %', d;
    RAISE NOTICE 'hint: %', h;
    RAISE NOTICE 'names a patient or a token: %',
      concat_ws(' ', m, d, h) ~* 'ann|lee|cy dorn|555' OR strpos(concat_ws(' ', m, d, h), current_setting('regress.ann')) > 0;
  END;
END
$$;
RESET ROLE;

-- An idempotency key is no way into another patient's booking.  A patient
-- books online with the site's key 'order-1001'; whoever knows (or
-- guesses) that key and the time must not get the booking's receipt, its
-- patient's name or its token, by holding the same time with the same key
SET ROLE regress_public_site;
SELECT id AS victim_id FROM timepool.book_online('BOTOX', '2025-11-21', '09:00', 'Victim Vance', '555-0199',
                                                 p_resource => 'DR_A', p_idempotency_key => 'order-1001') \gset
\set VERBOSITY sqlstate
-- error: 23505, the key was used for a booking, not for this hold
SELECT id, patient_name, access_token IS NOT NULL AS token FROM timepool.hold_slot('BOTOX', '2025-11-21', '09:00', p_idempotency_key => 'order-1001');
\set VERBOSITY default
RESET ROLE;
-- the front desk books the hidden PRIVATE service with its key 'desk-7':
-- the public role must get TP003 for it, replay or not, not its receipt
SELECT id AS vip_id FROM timepool.book_service('PRIVATE', '2025-11-21', '10:00', 'Vip Vera',
                                               p_resource => 'DR_B', p_status => 'CONFIRMED', p_idempotency_key => 'desk-7') \gset
SET ROLE regress_public_site;
\set VERBOSITY sqlstate
-- error: TP003, a hidden service
SELECT id, patient_name FROM timepool.book_online('PRIVATE', '2025-11-21', '10:00', 'Vip Vera', p_resource => 'DR_B', p_idempotency_key => 'desk-7');
-- error: TP003, a hidden service
SELECT id, patient_name FROM timepool.hold_slot('PRIVATE', '2025-11-21', '10:00', 'DR_B', p_idempotency_key => 'desk-7');
\set VERBOSITY default
RESET ROLE;
-- the two bookings are as they were
SELECT id, status, service_code, patient_name FROM timepool.reservations WHERE id IN (:victim_id, :vip_id) ORDER BY id;

-- get_booking with random tokens: P0002 each time
SET ROLE regress_public_site;
DO $$
DECLARE
  found integer := 0;
  refused integer := 0;
BEGIN
  FOR i IN 1..200 LOOP
    BEGIN
      PERFORM timepool.get_booking(pg_catalog.gen_random_uuid());
      found := found + 1;
    EXCEPTION WHEN no_data_found THEN
      refused := refused + 1;
    END;
  END LOOP;
  RAISE NOTICE 'random tokens: % found, % refused with P0002', found, refused;
END
$$;
RESET ROLE;

---------------------------------------------------------------------------
-- clean up: the roles are the cluster's
---------------------------------------------------------------------------
UPDATE timepool.settings SET cancel_notice_minutes = 0, online_status = 'PENDING';
RESET timepool.now;
DROP OWNED BY regress_public_site, regress_public_desk, regress_public_admin;
DROP ROLE regress_public_admin, regress_public_desk, regress_public_site;
