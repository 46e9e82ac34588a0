--
-- catalogue: service categories, services and their rules (version 1.1)
--
-- Categories as data (services.category is a foreign key to a category's
-- code, renamed codes cascade, categories in use cannot go), the fixed code
-- of a service, the named rules for bad values, delete_service() and
-- restore_service(), hidden versus inactive services, and reservations
-- keeping the service as it was when they were booked.
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
         timepool.services, timepool.service_categories, timepool.resources RESTART IDENTITY;

---------------------------------------------------------------------------
-- set-up: DR_A works 09:00-12:00 (MORNING) and 13:00-17:00 (AFTERNOON)
-- on Fridays, Saturdays and Sundays, each pool as long as its window
---------------------------------------------------------------------------
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves');
-- this suite tests the pools' minutes; sql/clock.sql tests the clock limit
UPDATE timepool.resources SET max_concurrent = NULL;
INSERT INTO timepool.clinic_time_slots
  (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT r.id, d.dow, p.period, p.st, p.et, NULL
  FROM timepool.resources r
 CROSS JOIN (VALUES (5), (6), (0)) AS d(dow)
 CROSS JOIN (VALUES ('MORNING', time '09:00', time '12:00'),
                    ('AFTERNOON', time '13:00', time '17:00')) AS p(period, st, et)
 WHERE r.code = 'DR_A';
SELECT day_of_week, period, start_time, end_time, capacity_minutes
  FROM timepool.clinic_time_slots ORDER BY day_of_week, start_time;

-- the columns of a reservation worth showing (no timestamps)
\set show 'id, service_code, service_name, duration_minutes AS dur, buffer_minutes AS buf, required_minutes AS req, price, reservation_date, start_time, end_time, period, status'

---------------------------------------------------------------------------
-- 1. categories are rows; services name them by code
---------------------------------------------------------------------------
-- display_order, not the code, orders the categories: FACIAL before BODY
INSERT INTO timepool.service_categories (code, name, display_order) VALUES
  ('FACIAL',       'Facial treatments', 1),
  ('BODY',         'Body treatments',   2),
  ('CONSULTATION', 'Consultations',     3),
  ('UNUSED',       'Nothing here yet',  4)
RETURNING id, code, name, display_order;
-- within a category, the service's display_order, not its code: PEEL before CLEANSE
INSERT INTO timepool.services
  (code, name, category, duration_minutes, buffer_minutes, price, display_order) VALUES
  ('PEEL',    'Chemical peel', 'FACIAL',       40,  5,  80.00, 1),
  ('CLEANSE', 'Deep cleanse',  'FACIAL',       50, 10, 100.00, 2),
  ('MASSAGE', 'Massage',       'BODY',         60,  0,  90.00, 1),
  ('WRAP',    'Body wrap',     'BODY',         45, 15,  70.00, 2),
  ('CONSULT', 'Consultation',  'CONSULTATION', 15,  5,   NULL, 1),
  ('WALKIN',  'Walk-in check', NULL,           10,  0,  20.00, 0)
RETURNING id, code, category;
SELECT id AS peel FROM timepool.services WHERE code = 'PEEL' \gset
SELECT id AS massage FROM timepool.services WHERE code = 'MASSAGE' \gset
SELECT id AS wrap FROM timepool.services WHERE code = 'WRAP' \gset
-- categories by display_order, services by display_order within them; a
-- service without category comes last
SELECT code, category, category_name, category_display_order, display_order, required_minutes
  FROM timepool.bookable_services;
-- error: a category that does not exist, on INSERT
INSERT INTO timepool.services (code, name, category, duration_minutes)
VALUES ('NAILS', 'Nails', 'HANDS', 30);
\echo :LAST_ERROR_SQLSTATE
-- error: a category that does not exist, on UPDATE
UPDATE timepool.services SET category = 'HANDS' WHERE code = 'WALKIN';
\echo :LAST_ERROR_SQLSTATE
-- error: a category's name is not its code
\set VERBOSITY terse
UPDATE timepool.services SET category = 'Body treatments' WHERE code = 'WALKIN';
\set VERBOSITY default
SELECT code, category FROM timepool.services WHERE code IN ('NAILS', 'WALKIN') ORDER BY code;
-- renaming a category's code renames it in its services
UPDATE timepool.service_categories SET code = 'FACE' WHERE code = 'FACIAL'
RETURNING id, code, name;
SELECT code, category FROM timepool.services ORDER BY id;
SELECT code, category, category_name FROM timepool.bookable_services WHERE category = 'FACE';
-- error: a category in use cannot be deleted
DELETE FROM timepool.service_categories WHERE code = 'BODY';
\echo :LAST_ERROR_SQLSTATE
-- one nobody uses can
DELETE FROM timepool.service_categories WHERE code = 'UNUSED' RETURNING code;
SELECT code, name, display_order FROM timepool.service_categories ORDER BY display_order;
-- moving a category first moves its services first
UPDATE timepool.service_categories SET display_order = 0 WHERE code = 'CONSULTATION';
SELECT code, category, category_display_order, display_order FROM timepool.bookable_services;
UPDATE timepool.service_categories SET display_order = 3 WHERE code = 'CONSULTATION';

---------------------------------------------------------------------------
-- 2. a service's code cannot be changed; everything else can
---------------------------------------------------------------------------
-- error: the message, detail and hint
UPDATE timepool.services SET code = 'PEEL_2' WHERE code = 'PEEL';
\echo :LAST_ERROR_SQLSTATE
-- error: also together with other columns, and nothing else changes
\set VERBOSITY sqlstate
UPDATE timepool.services SET code = 'MASSAGE_60', name = 'Massage (60)' WHERE id = :massage;
\set VERBOSITY default
SELECT id, code, name FROM timepool.services WHERE id IN (:peel, :massage) ORDER BY id;
-- setting the code to itself is no change
UPDATE timepool.services SET code = code, name = 'Chemical peel (light)' WHERE code = 'PEEL'
RETURNING id, code, name;
-- every other column can change
UPDATE timepool.services
   SET name = 'Chemical peel', description = 'A light peel', category = 'BODY',
       duration_minutes = 35, buffer_minutes = 10, price = 85.50, display_order = 3,
       min_notice_minutes = 60, max_advance_days = 30, daily_cap_minutes = 240
 WHERE code = 'PEEL'
RETURNING id, code, name, description, category, duration_minutes, buffer_minutes, price,
          display_order, min_notice_minutes, max_advance_days, daily_cap_minutes;
UPDATE timepool.services
   SET name = 'Chemical peel', description = NULL, category = 'FACE',
       duration_minutes = 40, buffer_minutes = 5, price = 80.00, display_order = 1,
       min_notice_minutes = NULL, max_advance_days = NULL, daily_cap_minutes = NULL
 WHERE code = 'PEEL'
RETURNING id, code, name, description, category, duration_minutes, buffer_minutes, price,
          display_order, min_notice_minutes, max_advance_days, daily_cap_minutes;

---------------------------------------------------------------------------
-- 3. bad values name the rule they break, on INSERT and on UPDATE
---------------------------------------------------------------------------
-- (terse: the DETAIL would print the failing row with its timestamps)
\set VERBOSITY terse
-- error: duration 0
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BAD', 'Bad', 0);
-- error: duration 1441
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BAD', 'Bad', 1441);
-- error: duration 0, on UPDATE
UPDATE timepool.services SET duration_minutes = 0 WHERE code = 'WALKIN';
-- error: buffer -1
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes) VALUES ('BAD', 'Bad', 30, -1);
-- error: buffer 1441, on UPDATE
UPDATE timepool.services SET buffer_minutes = 1441 WHERE code = 'WALKIN';
-- error: duration + buffer over a day (1000 + 441)
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes) VALUES ('BAD', 'Bad', 1000, 441);
-- error: the same on UPDATE (10 + 1431)
UPDATE timepool.services SET buffer_minutes = 1431 WHERE code = 'WALKIN';
-- error: a negative price
INSERT INTO timepool.services (code, name, duration_minutes, price) VALUES ('BAD', 'Bad', 30, -0.01);
-- error: a negative price, on UPDATE
UPDATE timepool.services SET price = -1 WHERE code = 'WALKIN';
-- error: negative notice
INSERT INTO timepool.services (code, name, duration_minutes, min_notice_minutes) VALUES ('BAD', 'Bad', 30, -1);
-- error: notice over a year, on UPDATE
UPDATE timepool.services SET min_notice_minutes = 525601 WHERE code = 'WALKIN';
-- error: negative advance
INSERT INTO timepool.services (code, name, duration_minutes, max_advance_days) VALUES ('BAD', 'Bad', 30, -1);
-- error: advance over 3660 days, on UPDATE
UPDATE timepool.services SET max_advance_days = 3661 WHERE code = 'WALKIN';
-- error: a daily cap of 0
INSERT INTO timepool.services (code, name, duration_minutes, daily_cap_minutes) VALUES ('BAD', 'Bad', 30, 0);
-- error: a daily cap over 1000000, on UPDATE
UPDATE timepool.services SET daily_cap_minutes = 1000001 WHERE code = 'WALKIN';
-- error: a lower-case code
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('bad', 'Bad', 30);
-- error: a code starting with a digit
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('1BAD', 'Bad', 30);
-- error: a code of 51 characters
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('B' || repeat('A', 50), 'Bad', 30);
-- error: an empty code
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('', 'Bad', 30);
-- error: on UPDATE a bad code is first a change of code
UPDATE timepool.services SET code = 'walkin' WHERE code = 'WALKIN';
-- error: a blank name
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BAD', '   ', 30);
-- error: a name of 201 characters, on UPDATE
UPDATE timepool.services SET name = repeat('n', 201) WHERE code = 'WALKIN';
-- error: no name
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BAD', NULL, 30);
-- error: no name, on UPDATE
UPDATE timepool.services SET name = NULL WHERE code = 'WALKIN';
\set VERBOSITY default
-- the limits themselves are accepted
INSERT INTO timepool.services
  (code, name, duration_minutes, buffer_minutes, price, min_notice_minutes, max_advance_days,
   daily_cap_minutes)
VALUES ('B' || repeat('9', 49), repeat('n', 200), 1440, 0, 0, 525600, 3660, 1000000),
       ('LIMITS_LOW', 'x', 1, 1439, 0, 0, 0, 1)
RETURNING char_length(code) AS code_len, char_length(name) AS name_len, duration_minutes,
          buffer_minutes, price, min_notice_minutes, max_advance_days, daily_cap_minutes;
DELETE FROM timepool.services WHERE code IN ('B' || repeat('9', 49), 'LIMITS_LOW');
-- nothing else was written, and WALKIN is as it was
SELECT count(*) AS bad_rows FROM timepool.services WHERE code IN ('BAD', 'bad', '1BAD', '');
SELECT code, name, duration_minutes, buffer_minutes, price, min_notice_minutes,
       max_advance_days, daily_cap_minutes
  FROM timepool.services WHERE code = 'WALKIN';

---------------------------------------------------------------------------
-- 4. delete_service() and restore_service()
---------------------------------------------------------------------------
-- MASSAGE (60 minutes): today, and on Saturday one cancelled, one
-- rejected, one pending; on Sunday one confirmed
SELECT id AS m_today FROM timepool.book_service('MASSAGE', '2025-11-14', '09:00', 'Friday Client') \gset
SELECT id AS m_cancelled FROM timepool.book_service('MASSAGE', '2025-11-15', '09:00', 'Cancelled Client') \gset
SELECT id AS m_rejected FROM timepool.book_service('MASSAGE', '2025-11-15', '10:00', 'Rejected Client') \gset
SELECT id AS m_pending FROM timepool.book_service('MASSAGE', '2025-11-15', '11:00', 'Pending Client') \gset
SELECT id AS m_confirmed FROM timepool.book_service('MASSAGE', '2025-11-16', '09:00', 'Confirmed Client',
                                                    p_status => 'CONFIRMED') \gset
SELECT status FROM timepool.cancel_reservation(:m_cancelled, 'changed plans');
SELECT status FROM timepool.set_reservation_status(:m_rejected, 'REJECTED');
-- WRAP: today, and one cancelled on Saturday
SELECT id AS w_today FROM timepool.book_service('WRAP', '2025-11-14', '13:00', 'Wrap Today') \gset
SELECT id AS w_cancelled FROM timepool.book_service('WRAP', '2025-11-15', '13:00', 'Wrap Cancelled') \gset
SELECT status FROM timepool.cancel_reservation(:w_cancelled);
SELECT patient_name, service_code, reservation_date, status
  FROM timepool.reservations ORDER BY id;
-- error: MASSAGE holds time today (Friday), Saturday and Sunday: 3 reservations
SELECT code FROM timepool.delete_service('MASSAGE');
\echo :LAST_ERROR_SQLSTATE
-- error: WRAP holds time today
SELECT code FROM timepool.delete_service('WRAP');
\echo :LAST_ERROR_SQLSTATE
-- a day later, Friday's reservations are past and no longer count
SET timepool.today = '2025-11-15';
-- error: MASSAGE still has the pending Saturday and the confirmed Sunday
SELECT code FROM timepool.delete_service('MASSAGE');
\echo :LAST_ERROR_SQLSTATE
-- WRAP has only a past and a cancelled reservation: deleted
SELECT id = :wrap AS same_id, code, deleted_at IS NOT NULL AS deleted
  FROM timepool.delete_service('WRAP');
SET timepool.today = '2025-11-14';
-- the refusals left MASSAGE live
SELECT code, deleted_at IS NOT NULL AS deleted FROM timepool.services
 WHERE code IN ('MASSAGE', 'WRAP') ORDER BY code;
-- the reservations of MASSAGE as they are before the forced delete
SELECT string_agg(format('%s %s %s %s', id, service_id, reservation_date, status), ', ' ORDER BY id) AS massage_rows
  FROM timepool.reservations WHERE service_code = 'MASSAGE' \gset
-- p_force deletes it all the same
SELECT id = :massage AS same_id, code, deleted_at IS NOT NULL AS deleted
  FROM timepool.delete_service('MASSAGE', p_force => true);
-- and keeps its reservations as they were, still holding their time
SELECT string_agg(format('%s %s %s %s', id, service_id, reservation_date, status), ', ' ORDER BY id)
       = :'massage_rows' AS reservations_unchanged,
       count(*) AS massage_reservations
  FROM timepool.reservations WHERE service_code = 'MASSAGE';
SELECT id, patient_name, reservation_date, status FROM timepool.reservations
 WHERE service_id = :massage ORDER BY id;
SELECT resource, period, booked_minutes, reservation_count
  FROM timepool.availability('2025-11-15', 'MORNING');
-- a deleted service is not listed
SELECT code FROM timepool.bookable_services WHERE code IN ('MASSAGE', 'WRAP');
-- error: nor bookable
SELECT id FROM timepool.book_service('MASSAGE', '2025-11-16', '10:00', 'Too Late');
\echo :LAST_ERROR_SQLSTATE
-- error: can_book refuses it the same way
SELECT timepool.can_book('MASSAGE', '2025-11-16', '10:00');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: also without a time
SELECT timepool.can_book('MASSAGE', '2025-11-16');
-- error: WRAP likewise
SELECT id FROM timepool.book_service('WRAP', '2025-11-16', '10:00', 'Too Late');
\set VERBOSITY default
-- its reservations' history is all still there
SELECT count(*) AS massage_history_rows FROM timepool.reservations WHERE service_id = :massage;
-- a new service can take the code, and is the one booked by it
INSERT INTO timepool.services (code, name, category, duration_minutes, price)
VALUES ('MASSAGE', 'Massage (new)', 'BODY', 30, 60.00)
RETURNING id AS new_massage \gset
-- (its id: the refused INSERTs above used up identity values)
SELECT :new_massage AS new_massage_id;
SELECT id <> :massage AS new_id, code, name, category_name FROM timepool.bookable_services WHERE code = 'MASSAGE';
SELECT service_id = :new_massage AS new_service, service_name, required_minutes, price
  FROM timepool.book_service('MASSAGE', '2025-11-16', '10:00', 'New Massage');
-- error: the old one cannot come back while the new one has its code
SELECT code FROM timepool.restore_service(:massage);
\echo :LAST_ERROR_SQLSTATE
-- delete the new one (its booking cancelled first, so no force is needed)
SELECT status FROM timepool.cancel_reservation(
  (SELECT id FROM timepool.reservations WHERE patient_name = 'New Massage'));
SELECT code, deleted_at IS NOT NULL AS deleted FROM timepool.delete_service('MASSAGE');
-- now the old one comes back, listed and bookable again
SELECT id = :massage AS old_id, code, name, deleted_at IS NULL AS live
  FROM timepool.restore_service(:massage);
SELECT id = :massage AS old_id, code, name FROM timepool.bookable_services WHERE code = 'MASSAGE';
SELECT timepool.can_book('MASSAGE', '2025-11-16', '13:00') AS can_book;
SELECT service_id = :massage AS old_service, service_name, required_minutes
  FROM timepool.book_service('MASSAGE', '2025-11-16', '13:00', 'Old Massage Again');
-- every service with the code, live or deleted
SELECT id = :massage AS old_id, code, name, deleted_at IS NOT NULL AS deleted
  FROM timepool.services WHERE code = 'MASSAGE' ORDER BY id;
-- error: restoring a live service
SELECT code FROM timepool.restore_service(:massage);
\echo :LAST_ERROR_SQLSTATE
-- error: no such id
SELECT code FROM timepool.restore_service(9999);
\echo :LAST_ERROR_SQLSTATE
-- error: NULL id
SELECT code FROM timepool.restore_service(NULL);
\echo :LAST_ERROR_SQLSTATE
-- error: NULL code
SELECT code FROM timepool.delete_service(NULL);
\echo :LAST_ERROR_SQLSTATE
-- error: NULL p_force
SELECT code FROM timepool.delete_service('WALKIN', NULL);
\echo :LAST_ERROR_SQLSTATE
-- error: a malformed code
SELECT code FROM timepool.delete_service('walkin');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY sqlstate
-- error: an empty code
SELECT code FROM timepool.delete_service('');
\set VERBOSITY default
-- error: an unknown code
SELECT code FROM timepool.delete_service('NOPE');
\echo :LAST_ERROR_SQLSTATE
-- error: a code whose only service is deleted already
SELECT code FROM timepool.delete_service('WRAP', p_force => true);
\echo :LAST_ERROR_SQLSTATE
-- none of the refusals changed anything
SELECT code, count(*) FILTER (WHERE deleted_at IS NULL) AS live,
       count(*) FILTER (WHERE deleted_at IS NOT NULL) AS deleted
  FROM timepool.services GROUP BY code ORDER BY code;

---------------------------------------------------------------------------
-- 5. hidden services are bookable, inactive ones are not
---------------------------------------------------------------------------
UPDATE timepool.services SET is_visible = false WHERE code = 'PEEL';
UPDATE timepool.services SET is_active = false WHERE code = 'CLEANSE';
-- neither is listed
SELECT code FROM timepool.bookable_services;
-- the hidden one can be booked
SELECT service_code, service_name, required_minutes, price, status
  FROM timepool.book_service('PEEL', '2025-11-16', '14:00', 'Hidden Peel');
SELECT timepool.can_book('PEEL', '2025-11-16', '15:00') AS can_book_hidden;
-- error: the inactive one cannot
SELECT id FROM timepool.book_service('CLEANSE', '2025-11-16', '14:00', 'Inactive Cleanse');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS cleanse_rows FROM timepool.reservations WHERE service_code = 'CLEANSE';
-- active again, it can
UPDATE timepool.services SET is_active = true WHERE code = 'CLEANSE';
SELECT service_code, required_minutes FROM timepool.book_service('CLEANSE', '2025-11-16', '14:00', 'Active Cleanse');

---------------------------------------------------------------------------
-- 6. a reservation keeps the service as it was booked
---------------------------------------------------------------------------
SELECT id AS before_change FROM timepool.book_service('CLEANSE', '2025-11-15', '13:00', 'Before Change') \gset
UPDATE timepool.services
   SET name = 'Deep cleanse (short)', duration_minutes = 40, buffer_minutes = 0, price = 110.00
 WHERE code = 'CLEANSE';
SELECT id AS after_change FROM timepool.book_service('CLEANSE', '2025-11-15', '13:00', 'After Change') \gset
SELECT :show, patient_name FROM timepool.reservations b
 WHERE id IN (:before_change, :after_change) ORDER BY id;
-- the service itself has only the new values
SELECT code, name, duration_minutes, buffer_minutes, price FROM timepool.services WHERE code = 'CLEANSE';
-- the pool counts each with its own minutes: 60 + 40
SELECT resource, period, booked_minutes, reservation_count
  FROM timepool.availability('2025-11-15', 'AFTERNOON');

---------------------------------------------------------------------------
-- clean up for the suites that follow
---------------------------------------------------------------------------
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.service_categories, timepool.resources RESTART IDENTITY;
