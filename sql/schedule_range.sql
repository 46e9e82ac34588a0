--
-- schedule_range: an override over a range of dates (1.6, end_date): a
-- doctor's vacation, a clinic closed for a week, special hours for some
-- days, each one row; availability(), book_service(), open_slots() and
-- utilization() honour it; the precedence of rows that cover the same date
-- (the resource's rows over the clinic's, but for a clinic-wide closure of
-- fewer dates; within each, the fewest dates, a period over the whole day,
-- the latest start).
--
SET timepool.today = '2025-11-14';
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
-- the settings this suite needs, put back at its end
SELECT time_zone AS s_tz, min_notice_minutes AS s_notice, max_advance_days AS s_advance FROM timepool.settings \gset
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 365;

INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves'), ('DR_B', 'Dr. Barros');
INSERT INTO timepool.services (code, name, duration_minutes, price) VALUES ('BOTOX', 'Botox', 40, 250.00);
SELECT id AS dr_a FROM timepool.resources WHERE code = 'DR_A' \gset
SELECT id AS dr_b FROM timepool.resources WHERE code = 'DR_B' \gset
-- every day: MORNING 09:00-12:00 (180 minutes), AFTERNOON 13:00-18:00 (300)
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r, d, p, s, e
  FROM unnest(ARRAY[:dr_a, :dr_b]) r, generate_series(0, 6) d,
       (VALUES ('MORNING', time '09:00', time '12:00'), ('AFTERNOON', time '13:00', time '18:00')) v(p, s, e);

-- a small view of a day: each pool's window, minutes and whether closed
CREATE FUNCTION pg_temp.day(d date) RETURNS TABLE (resource text, period text, start_time time, end_time time,
                                                  total_minutes integer, is_closed boolean)
LANGUAGE sql AS $$
  SELECT resource, period, start_time, end_time, total_minutes, is_closed
    FROM timepool.availability(d) ORDER BY resource, start_time
$$;

---------------------------------------------------------------------------
-- 1. DR_A's vacation, 2025-12-01 to 2025-12-07: one row
---------------------------------------------------------------------------
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, is_closed, reason)
VALUES (:dr_a, '2025-12-01', '2025-12-07', true, 'vacation')
RETURNING date, end_date, is_closed;
-- the day before, the first, a middle, the last and the day after
SELECT * FROM pg_temp.day('2025-11-30') WHERE resource = 'DR_A';
SELECT * FROM pg_temp.day('2025-12-01') WHERE resource = 'DR_A';
SELECT * FROM pg_temp.day('2025-12-04');
SELECT * FROM pg_temp.day('2025-12-07') WHERE resource = 'DR_A';
SELECT * FROM pg_temp.day('2025-12-08') WHERE resource = 'DR_A';
-- error: booking DR_A in the vacation (TP002)
\set VERBOSITY sqlstate
SELECT id FROM timepool.book_service('BOTOX', '2025-12-03', '09:00', 'Ana', p_resource => 'DR_A');
\set VERBOSITY default
-- without a resource: DR_B is chosen
SELECT resource_id = :dr_b AS on_dr_b, reservation_date, start_time
  FROM timepool.book_service('BOTOX', '2025-12-03', '09:00', 'Ana');
-- open_slots over the vacation's edges: DR_A only on 2025-11-30 and 2025-12-08
SELECT date, count(*) AS starts
  FROM timepool.open_slots('BOTOX', '2025-11-30', '2025-12-08', 60, 'DR_A') GROUP BY date ORDER BY date;
-- utilization: every pool of the range, closed and of 0 minutes
SELECT date, period, closed, total_minutes
  FROM timepool.utilization('2025-11-30', '2025-12-08', 'DR_A')
 WHERE period = 'MORNING' ORDER BY date;

---------------------------------------------------------------------------
-- 2. the clinic closed for a week: one row for every resource
---------------------------------------------------------------------------
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, is_closed, reason)
VALUES (NULL, '2025-12-22', '2025-12-28', true, 'holidays');
SELECT * FROM pg_temp.day('2025-12-25');
SELECT count(*) FILTER (WHERE closed) AS closed_pools, count(*) AS pools
  FROM timepool.utilization('2025-12-22', '2025-12-28');
SELECT count(*) AS open_starts FROM timepool.open_slots('BOTOX', '2025-12-22', '2025-12-28', 30);

---------------------------------------------------------------------------
-- 3. special hours over some days, and a date's own row within them
---------------------------------------------------------------------------
-- DR_B's MORNING is 10:00-11:00 (60 minutes) from 2026-01-05 to 2026-01-09
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, period, start_time, end_time, capacity_minutes)
VALUES (:dr_b, '2026-01-05', '2026-01-09', 'MORNING', '10:00', '11:00', 60);
-- and 08:00-12:00 (240) on 2026-01-07 alone: the date's own row wins
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
VALUES (:dr_b, '2026-01-07', 'MORNING', '08:00', '12:00', 240);
SELECT d::date AS date, (SELECT start_time || '-' || end_time || ' ' || total_minutes FROM pg_temp.day(d::date)
                          WHERE resource = 'DR_B' AND period = 'MORNING') AS morning
  FROM generate_series(date '2026-01-04', '2026-01-10', '1 day') d;
-- error: a start outside the range's hours (TP002)
\set VERBOSITY sqlstate
SELECT id FROM timepool.book_service('BOTOX', '2026-01-06', '09:00', 'Ben', p_resource => 'DR_B');
\set VERBOSITY default
SELECT start_time, end_time, period
  FROM timepool.book_service('BOTOX', '2026-01-06', '10:00', 'Ben', p_resource => 'DR_B');
-- the same hour on the date of its own row
SELECT start_time, end_time, period
  FROM timepool.book_service('BOTOX', '2026-01-07', '08:00', 'Bia', p_resource => 'DR_B');

---------------------------------------------------------------------------
-- 4. precedence among rows that cover a date
---------------------------------------------------------------------------
-- the fewest dates win: DR_B's AFTERNOON closed for February, open
-- 14:00-16:00 from the 10th to the 12th
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, period, is_closed)
VALUES (:dr_b, '2026-02-01', '2026-02-28', 'AFTERNOON', true);
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, period, start_time, end_time, capacity_minutes)
VALUES (:dr_b, '2026-02-10', '2026-02-12', 'AFTERNOON', '14:00', '16:00', 120);
SELECT d::date AS date, (SELECT start_time || '-' || end_time || ' ' || total_minutes || ' ' || is_closed
                          FROM pg_temp.day(d::date) WHERE resource = 'DR_B' AND period = 'AFTERNOON') AS afternoon
  FROM generate_series(date '2026-02-09', '2026-02-13', '1 day') d;
-- the scope first, whatever the dates: DR_A closed 2026-03-01 to 2026-03-10
-- (the resource's day) is not reopened by the clinic's MORNING row of one
-- date; DR_B gets that row's hours
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, is_closed)
VALUES (:dr_a, '2026-03-01', '2026-03-10', true);
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
VALUES (NULL, '2026-03-05', 'MORNING', '09:00', '10:00', 60);
SELECT * FROM pg_temp.day('2026-03-05') WHERE period = 'MORNING';
-- as many dates: the later start wins (DR_B's AFTERNOON 13:00-15:00 from
-- 2026-04-01 to 04-03, closed from 04-02 to 04-04)
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, period, start_time, end_time, capacity_minutes)
VALUES (:dr_b, '2026-04-01', '2026-04-03', 'AFTERNOON', '13:00', '15:00', 100);
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, period, is_closed)
VALUES (:dr_b, '2026-04-02', '2026-04-04', 'AFTERNOON', true);
SELECT d::date AS date, (SELECT start_time || '-' || end_time || ' ' || total_minutes || ' ' || is_closed
                          FROM pg_temp.day(d::date) WHERE resource = 'DR_B' AND period = 'AFTERNOON') AS afternoon
  FROM generate_series(date '2026-03-31', '2026-04-05', '1 day') d;
-- a period only a range opens: EVENING 19:00-21:00 for DR_A, 2026-05-04 to 05-06
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, period, start_time, end_time, capacity_minutes)
VALUES (:dr_a, '2026-05-04', '2026-05-06', 'EVENING', '19:00', '21:00', 120);
SELECT d::date AS date, (SELECT count(*) FROM pg_temp.day(d::date) WHERE resource = 'DR_A' AND period = 'EVENING') AS evenings
  FROM generate_series(date '2026-05-03', '2026-05-07', '1 day') d;

-- a vacation closes the days of a longer range of special hours: DR_B's
-- MORNING is 10:00-12:00 (120) for the season, 2026-07-01 to 2026-09-30,
-- and DR_B is away 2026-08-10 to 2026-08-14
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, period, start_time, end_time, capacity_minutes, reason)
VALUES (:dr_b, '2026-07-01', '2026-09-30', 'MORNING', '10:00', '12:00', 120, 'season');
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, is_closed, reason)
VALUES (:dr_b, '2026-08-10', '2026-08-14', true, 'away');
SELECT d::date AS date, (SELECT start_time || '-' || end_time || ' ' || total_minutes || ' ' || is_closed
                          FROM pg_temp.day(d::date) WHERE resource = 'DR_B' AND period = 'MORNING') AS morning
  FROM generate_series(date '2026-08-09', '2026-08-15', '1 day') d;
-- error: nor can it be booked then (TP002)
\set VERBOSITY sqlstate
SELECT id FROM timepool.book_service('BOTOX', '2026-08-12', '10:00', 'Cid', p_resource => 'DR_B');
\set VERBOSITY default
-- and the clinic closed for a week closes it too (a clinic-wide closure of
-- fewer dates than the resource's range), while a clinic-wide row never
-- reopens a resource's own closure (above, 2026-03-05)
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, is_closed, reason)
VALUES (NULL, '2026-09-07', '2026-09-11', true, 'clinic week off');
SELECT resource, period, total_minutes, is_closed FROM pg_temp.day('2026-09-09');
-- a date's own row may start on a range's first day, and wins there
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
VALUES (:dr_b, '2026-07-01', 'MORNING', '09:00', '10:00', 60);
SELECT d::date AS date, (SELECT start_time || '-' || end_time || ' ' || total_minutes
                          FROM pg_temp.day(d::date) WHERE resource = 'DR_B' AND period = 'MORNING') AS morning
  FROM generate_series(date '2026-07-01', '2026-07-02', '1 day') d;

---------------------------------------------------------------------------
-- 5. a range changed and removed: the schedule follows at once
---------------------------------------------------------------------------
UPDATE timepool.schedule_overrides SET end_date = '2025-12-03' WHERE reason = 'vacation';
SELECT d::date AS date, (SELECT bool_and(is_closed) FROM pg_temp.day(d::date) WHERE resource = 'DR_A') AS closed
  FROM generate_series(date '2025-12-02', '2025-12-05', '1 day') d;
DELETE FROM timepool.schedule_overrides WHERE reason = 'holidays';
SELECT bool_or(is_closed) AS any_closed FROM pg_temp.day('2025-12-25');

---------------------------------------------------------------------------
-- 6. what a range may be
---------------------------------------------------------------------------
\set VERBOSITY terse
-- error: ending before it starts
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, is_closed)
VALUES (:dr_a, '2026-06-10', '2026-06-09', true);
-- error: without an end
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, is_closed)
VALUES (:dr_a, '2026-06-10', 'infinity', true);
-- error: longer than 3660 days
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, is_closed)
VALUES (:dr_a, '2026-06-10', '2037-01-01', true);
-- error: two rows of one scope with the same dates
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, is_closed)
VALUES (:dr_a, '2026-03-01', '2026-03-10', true);
\set VERBOSITY default
-- end_date = date is the date alone
INSERT INTO timepool.schedule_overrides (resource_id, date, end_date, is_closed)
VALUES (:dr_a, '2026-06-10', '2026-06-10', true)
RETURNING date, end_date;
SELECT bool_and(is_closed) AS closed_0610, (SELECT bool_or(is_closed) FROM pg_temp.day('2026-06-11') WHERE resource = 'DR_A') AS closed_0611
  FROM pg_temp.day('2026-06-10') WHERE resource = 'DR_A';

UPDATE timepool.settings SET time_zone = :'s_tz', min_notice_minutes = :s_notice, max_advance_days = :s_advance;
RESET timepool.today;
