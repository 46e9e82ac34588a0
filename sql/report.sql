--
-- report: timepool.utilization() and the report views of 1.5
-- (daily_overview, service_stats, resource_stats, overbooked_pools,
-- nearly_full) on fixed data.
--
-- Covered: one row per pool, open and closed (a holiday, a resource's
-- closed period, special hours, an override-only period), the periods that
-- only reservations name (history imported with session_replication_role =
-- replica into a date or period off the schedule), pools over capacity
-- (imported, and a capacity cut after booking) and clock overlaps beyond
-- max_concurrent in overbooked_pools with minutes_over, overlap_over and the
-- reservation ids; the status split (COMPLETED, NO_SHOW, open = PENDING,
-- CONFIRMED and live holds; expired holds, CANCELLED, REJECTED and EXPIRED
-- nowhere); utilization to 4 decimals, rounded half up; the errors (22023,
-- 22004, TP003); an inactive resource named explicitly; the days the clocks
-- change in America/New_York, against availability(); daily_overview's 14
-- days per resource; service_stats' money, rates and categories;
-- resource_stats' Mondays and busiest period (ties); nearly_full's
-- threshold, ended and closed pools; no patient column in any view, the
-- security barriers, a COMMENT on every view and column; a read-only
-- reporting role.
--
-- The clinic is in America/New_York; its clock is frozen at Wednesday
-- 2026-03-04 10:30.  2026-03-08 (Sunday) springs forward (02:00-02:59 do
-- not exist), 2026-11-01 (Sunday) falls back.
--
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';
\pset null '(null)'
\set VERBOSITY default
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.service_categories, timepool.resources RESTART IDENTITY;
-- the settings row is shared with the other suites: put it back at the end
SELECT time_zone AS tz0, min_notice_minutes AS notice0, max_advance_days AS advance0,
       cancel_notice_minutes AS cancel0 FROM timepool.settings \gset
UPDATE timepool.settings SET time_zone = 'America/New_York', min_notice_minutes = 0, max_advance_days = 365,
       cancel_notice_minutes = 0, nearly_full_percent = DEFAULT;
SET timepool.now = '2026-03-04 10:30';
SELECT timepool.clinic_today(), timepool.clinic_now();

---------------------------------------------------------------------------
-- set-up
---------------------------------------------------------------------------
-- DR_A one at a time, DR_B two, ROOM no clock limit; DR_OFF is made
-- inactive once its booking is in
INSERT INTO timepool.resources (code, name, max_concurrent) VALUES
  ('DR_B', 'Dr. Brown', 2), ('ROOM', 'Laser room', NULL), ('DR_A', 'Dr. Alves', 1), ('DR_OFF', 'Dr. Away', 1);
INSERT INTO timepool.service_categories (code, name) VALUES ('GENERAL', 'General medicine'), ('SKIN', 'Skin care');
-- required minutes: CONSULT 30, CHECK 45 (35 + 10 buffer), LONG 60, PEEL 45
-- (40 + 5), FILLER 60, NOPRICE 30
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price, category) VALUES
  ('CONSULT', 'Consultation', 30, 0, 80.00, 'GENERAL'),
  ('CHECK', 'Check-up', 35, 10, 45.50, 'GENERAL'),
  ('LONG', 'Long session', 60, 0, 150.00, NULL),
  ('PEEL', 'Peel', 40, 5, 33.33, 'SKIN'),
  ('FILLER', 'Filler', 60, 0, 250.00, 'SKIN'),
  ('NOPRICE', 'Free advice', 30, 0, NULL, NULL);
-- DR_A Mon-Fri MORNING 09:00-12:00 (180) and AFTERNOON 13:00-16:00 (160);
-- DR_B every day MORNING 08:00-11:00 (150) and Sundays NIGHT 00:00-06:00
-- (360); ROOM Mon-Fri EARLY 07:00-08:00 (60) and DAY 09:00-17:00 (400);
-- DR_OFF Mon-Fri MORNING 09:00-12:00 (180)
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT r.id, d, p.period, p.st, p.et, p.cap
  FROM timepool.resources r, generate_series(0, 6) d,
       (VALUES ('DR_A', 'MORNING', time '09:00', time '12:00', 180, 1, 5),
               ('DR_A', 'AFTERNOON', '13:00', '16:00', 160, 1, 5),
               ('DR_B', 'MORNING', '08:00', '11:00', 150, 0, 6),
               ('DR_B', 'NIGHT', '00:00', '06:00', 360, 0, 0),
               ('ROOM', 'EARLY', '07:00', '08:00', 60, 1, 5),
               ('ROOM', 'DAY', '09:00', '17:00', 400, 1, 5),
               ('DR_OFF', 'MORNING', '09:00', '12:00', 180, 1, 5)) AS p(res, period, st, et, cap, d0, d1)
 WHERE r.code = p.res AND d BETWEEN p.d0 AND p.d1;

-- A plain INSERT (the guard checks it) of a reservation in p_status; a hold
-- expires p_expires after the clinic's now.
CREATE FUNCTION report_book(p_res text, p_svc text, p_date date, p_time time,
                            p_status text DEFAULT 'PENDING', p_expires interval DEFAULT NULL)
RETURNS bigint LANGUAGE sql AS $$
  INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time,
                                     patient_name, status, hold_expires_at)
  SELECT r.id, s.id, p_date, p_time,
         CASE WHEN p_status NOT IN ('HELD', 'EXPIRED') THEN 'Patient ' || p_res || ' ' || p_time END,
         p_status, timepool.clinic_now() + p_expires
    FROM timepool.resources r, timepool.services s
   WHERE r.code = p_res AND s.code = p_svc AND s.deleted_at IS NULL
  RETURNING id
$$;

-- today, ROOM: EARLY full with a COMPLETED LONG; DAY with every status
SELECT report_book('ROOM', 'LONG', '2026-03-04', '07:00', 'COMPLETED') AS early_id \gset
SELECT report_book('ROOM', 'CONSULT', '2026-03-04', '09:00', 'COMPLETED') AS completed_id \gset
SELECT report_book('ROOM', 'LONG', '2026-03-04', '09:00', 'NO_SHOW') AS no_show_id \gset
SELECT report_book('ROOM', 'CONSULT', '2026-03-04', '10:00', 'CONFIRMED') AS confirmed_id \gset
SELECT report_book('ROOM', 'CHECK', '2026-03-04', '11:00', 'PENDING') AS pending_id \gset
-- a hold until 10:40, and one that expired at 10:20 (its status still HELD)
SELECT report_book('ROOM', 'CONSULT', '2026-03-04', '11:00', 'HELD', '10 minutes') AS live_hold_id \gset
SELECT report_book('ROOM', 'CONSULT', '2026-03-04', '11:30', 'HELD', '-10 minutes') AS dead_hold_id \gset
SELECT status FROM timepool.cancel_reservation(report_book('ROOM', 'LONG', '2026-03-04', '12:00'), 'called');
SELECT status FROM timepool.set_reservation_status(report_book('ROOM', 'LONG', '2026-03-04', '12:00'), 'REJECTED');
SELECT report_book('ROOM', 'CONSULT', '2026-03-04', '13:00', 'HELD', '10 minutes') AS expired_id \gset
UPDATE timepool.reservations SET status = 'EXPIRED' WHERE id = :expired_id;

-- the days ahead (and the fall-back Sunday)
SELECT count(report_book(v.res, v.svc, v.d::date, v.t::time, v.st)) AS booked
  FROM (VALUES
    ('DR_A', 'CONSULT', '2026-03-04', '09:00', 'PENDING'), ('DR_A', 'CONSULT', '2026-03-04', '09:30', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-04', '10:00', 'PENDING'), ('DR_A', 'CONSULT', '2026-03-04', '10:30', 'CONFIRMED'),
    ('DR_A', 'CONSULT', '2026-03-04', '11:00', 'PENDING'),
    ('DR_B', 'CONSULT', '2026-03-05', '08:00', 'PENDING'), ('DR_B', 'CONSULT', '2026-03-05', '08:30', 'PENDING'),
    ('DR_B', 'CONSULT', '2026-03-05', '09:00', 'PENDING'), ('DR_B', 'CONSULT', '2026-03-05', '09:30', 'PENDING'),
    ('DR_B', 'CONSULT', '2026-03-06', '08:00', 'PENDING'), ('DR_B', 'CONSULT', '2026-03-06', '08:30', 'PENDING'),
    ('DR_B', 'CONSULT', '2026-03-06', '09:00', 'PENDING'), ('DR_B', 'CONSULT', '2026-03-06', '09:30', 'PENDING'),
    ('DR_B', 'CONSULT', '2026-03-08', '01:30', 'PENDING'), ('DR_B', 'LONG', '2026-03-08', '03:00', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-09', '09:00', 'PENDING'), ('DR_A', 'CONSULT', '2026-03-09', '09:30', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-09', '10:00', 'PENDING'), ('DR_A', 'CONSULT', '2026-03-09', '10:30', 'PENDING'),
    ('DR_OFF', 'CONSULT', '2026-03-09', '09:00', 'PENDING'),
    ('ROOM', 'CONSULT', '2026-03-10', '09:00', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-11', '13:00', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-13', '09:00', 'PENDING'), ('DR_A', 'CONSULT', '2026-03-13', '09:30', 'PENDING'),
    ('DR_A', 'CHECK', '2026-03-13', '13:00', 'PENDING'),
    ('DR_A', 'CHECK', '2026-03-16', '09:00', 'PENDING'), ('DR_A', 'CHECK', '2026-03-17', '09:00', 'PENDING'),
    ('DR_A', 'CHECK', '2026-03-18', '09:00', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-16', '13:00', 'PENDING'), ('DR_A', 'CONSULT', '2026-03-17', '13:00', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-18', '13:00', 'PENDING'), ('DR_A', 'CONSULT', '2026-03-19', '13:00', 'PENDING'),
    ('DR_B', 'CONSULT', '2026-04-03', '08:00', 'PENDING'), ('DR_B', 'CONSULT', '2026-04-03', '08:30', 'PENDING'),
    ('DR_B', 'CONSULT', '2026-04-03', '09:00', 'PENDING'), ('DR_B', 'CONSULT', '2026-04-03', '09:30', 'PENDING'),
    ('DR_B', 'CONSULT', '2026-04-04', '08:00', 'PENDING'), ('DR_B', 'CONSULT', '2026-04-04', '08:30', 'PENDING'),
    ('DR_B', 'CONSULT', '2026-04-04', '09:00', 'PENDING'), ('DR_B', 'CONSULT', '2026-04-04', '09:30', 'PENDING'),
    ('DR_B', 'LONG', '2026-11-01', '01:30', 'PENDING')
  ) AS v(res, svc, d, t, st);
UPDATE timepool.resources SET is_active = false WHERE code = 'DR_OFF';

-- the overrides, after those bookings: 03-10 a holiday (every pool closed,
-- ROOM's booking kept); 03-11 DR_A's AFTERNOON closed (its booking kept);
-- 03-12 DR_A's MORNING 10:00-11:30 with 80 minutes and DR_B's EVENING
-- 18:00-20:00 (100), a period only the override opens; 03-06 DR_B's
-- MORNING with 151 minutes; the week of 03-23 DR_A's AFTERNOON with 180
INSERT INTO timepool.schedule_overrides (date, is_closed, reason) VALUES ('2026-03-10', true, 'Holiday');
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed)
SELECT id, '2026-03-11', 'AFTERNOON', true FROM timepool.resources WHERE code = 'DR_A';
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
SELECT r.id, v.d::date, v.period, v.st::time, v.et::time, v.cap
  FROM timepool.resources r,
       (VALUES ('DR_A', '2026-03-12', 'MORNING', '10:00', '11:30', 80),
               ('DR_B', '2026-03-12', 'EVENING', '18:00', '20:00', 100),
               ('DR_B', '2026-03-06', 'MORNING', '08:00', '11:00', 151),
               ('DR_A', '2026-03-23', 'AFTERNOON', '13:00', '16:00', 180),
               ('DR_A', '2026-03-24', 'AFTERNOON', '13:00', '16:00', 180),
               ('DR_A', '2026-03-25', 'AFTERNOON', '13:00', '16:00', 180),
               ('DR_A', '2026-03-26', 'AFTERNOON', '13:00', '16:00', 180),
               ('DR_A', '2026-03-27', 'AFTERNOON', '13:00', '16:00', 180)) AS v(res, d, period, st, et, cap)
 WHERE r.code = v.res;
SELECT count(report_book(v.res, v.svc, v.d::date, v.t::time, v.st)) AS booked
  FROM (VALUES
    ('DR_A', 'CONSULT', '2026-03-12', '10:00', 'PENDING'), ('DR_A', 'CHECK', '2026-03-12', '10:30', 'PENDING'),
    ('DR_B', 'LONG', '2026-03-12', '18:00', 'PENDING'), ('DR_B', 'CONSULT', '2026-03-12', '19:00', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-23', '09:00', 'PENDING'), ('DR_A', 'CONSULT', '2026-03-23', '09:30', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-23', '10:00', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-24', '13:00', 'PENDING'), ('DR_A', 'CONSULT', '2026-03-24', '13:30', 'PENDING'),
    ('DR_A', 'CONSULT', '2026-03-24', '14:00', 'PENDING')
  ) AS v(res, svc, d, t, st);

-- the past: Monday 03-02 and Tuesday 03-03; February for service_stats
SELECT count(report_book(v.res, v.svc, v.d::date, v.t::time, v.st)) AS booked
  FROM (VALUES
    ('ROOM', 'LONG', '2026-03-02', '09:00', 'COMPLETED'), ('ROOM', 'LONG', '2026-03-02', '10:00', 'COMPLETED'),
    ('ROOM', 'LONG', '2026-03-02', '11:00', 'COMPLETED'), ('ROOM', 'LONG', '2026-03-02', '12:00', 'COMPLETED'),
    ('ROOM', 'LONG', '2026-03-02', '13:00', 'COMPLETED'), ('ROOM', 'LONG', '2026-03-02', '14:00', 'COMPLETED'),
    ('DR_B', 'CONSULT', '2026-03-02', '08:00', 'COMPLETED'), ('DR_B', 'CONSULT', '2026-03-02', '08:30', 'COMPLETED'),
    ('DR_B', 'CONSULT', '2026-03-02', '09:00', 'NO_SHOW'), ('DR_B', 'CONSULT', '2026-03-02', '09:30', 'COMPLETED'),
    ('DR_B', 'CONSULT', '2026-03-02', '10:00', 'CONFIRMED'),
    ('DR_A', 'CONSULT', '2026-03-03', '09:00', 'COMPLETED'), ('DR_A', 'CONSULT', '2026-03-03', '15:30', 'CONFIRMED'),
    ('DR_B', 'CONSULT', '2026-03-03', '08:00', 'COMPLETED'), ('DR_B', 'CONSULT', '2026-03-03', '08:00', 'NO_SHOW'),
    ('ROOM', 'PEEL', '2026-02-16', '09:00', 'COMPLETED'), ('ROOM', 'PEEL', '2026-02-16', '09:45', 'COMPLETED'),
    ('ROOM', 'PEEL', '2026-02-16', '10:30', 'COMPLETED'), ('ROOM', 'PEEL', '2026-02-16', '11:15', 'NO_SHOW'),
    ('ROOM', 'PEEL', '2026-02-16', '12:00', 'PENDING'), ('ROOM', 'PEEL', '2026-02-16', '12:45', 'CONFIRMED'),
    ('ROOM', 'PEEL', '2026-02-16', '13:30', 'CANCELLED'), ('ROOM', 'PEEL', '2026-02-16', '13:30', 'REJECTED'),
    ('ROOM', 'FILLER', '2026-02-17', '09:00', 'COMPLETED'), ('ROOM', 'FILLER', '2026-02-17', '10:00', 'COMPLETED'),
    ('ROOM', 'NOPRICE', '2026-02-18', '09:00', 'COMPLETED'), ('ROOM', 'NOPRICE', '2026-02-18', '09:30', 'COMPLETED'),
    ('ROOM', 'NOPRICE', '2026-02-18', '10:00', 'PENDING')
  ) AS v(res, svc, d, t, st);
-- a PEEL hold (live) and an EXPIRED one: not bookings
SELECT report_book('ROOM', 'PEEL', '2026-02-16', '14:15', 'HELD', '1 hour') AS peel_hold_id \gset
SELECT report_book('ROOM', 'PEEL', '2026-02-16', '14:15', 'HELD', '1 hour') AS peel_expired_id \gset
UPDATE timepool.reservations SET status = 'EXPIRED' WHERE id = :peel_expired_id;
-- FILLER's price goes up: the next bookings keep the new price
UPDATE timepool.services SET price = 275.50 WHERE code = 'FILLER';
SELECT count(report_book(v.res, v.svc, v.d::date, v.t::time, v.st)) AS booked
  FROM (VALUES
    ('ROOM', 'FILLER', '2026-02-17', '11:00', 'COMPLETED'), ('ROOM', 'FILLER', '2026-02-17', '12:00', 'NO_SHOW'),
    ('ROOM', 'FILLER', '2026-02-17', '13:00', 'CANCELLED')
  ) AS v(res, svc, d, t, st);
SELECT status FROM timepool.set_reservation_status(report_book('ROOM', 'FILLER', '2026-03-16', '09:00'), 'REJECTED');
SELECT count(report_book('ROOM', 'NOPRICE', '2026-03-18', t)) AS booked
  FROM (VALUES (time '09:00'), ('09:30'), ('10:00')) AS v(t);
SELECT c.status FROM timepool.reservations r, LATERAL timepool.cancel_reservation(r.id) c
 WHERE r.service_code = 'NOPRICE' AND r.reservation_date = '2026-03-18' AND r.start_time < '10:00';
-- DR_B's MORNING of 03-02 cut to 100 minutes after it was booked to 150
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
SELECT id, '2026-03-02', 'MORNING', '08:00', '11:00', 100, 'cut after booking' FROM timepool.resources WHERE code = 'DR_B';

-- imported history that the guard would refuse, written with the triggers
-- off: ROOM's DAY of 03-02 to 480 of 400 minutes; DR_A's MORNING of 03-03
-- two at once (09:00 and 09:15); DR_A's EVENING of 03-03 (no such period
-- that day) overlapping its AFTERNOON booking at 15:30; DR_B three at once
-- at 08:15 on 03-03; DR_A on Saturday 02-28 and 03-14 and 2022-03-05 (no
-- pool on Saturdays)
SET session_replication_role = replica;
INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name, duration_minutes,
                                   buffer_minutes, required_minutes, price, reservation_date, start_time,
                                   end_time, period, status, patient_name)
SELECT r.id, s.id, s.code, s.name, s.duration_minutes, s.buffer_minutes, s.duration_minutes + s.buffer_minutes,
       s.price, v.d::date, v.t::time, v.t::time + (s.duration_minutes + s.buffer_minutes) * interval '1 minute',
       v.period, v.st, 'Imported'
  FROM (VALUES
    ('ROOM', 'LONG', '2026-03-02', '15:00', 'DAY', 'COMPLETED'),
    ('ROOM', 'LONG', '2026-03-02', '16:00', 'DAY', 'COMPLETED'),
    ('DR_A', 'CHECK', '2026-03-03', '09:15', 'MORNING', 'COMPLETED'),
    ('DR_A', 'CONSULT', '2026-03-03', '15:45', 'EVENING', 'COMPLETED'),
    ('DR_B', 'CONSULT', '2026-03-03', '08:15', 'MORNING', 'COMPLETED'),
    ('DR_A', 'CONSULT', '2026-02-28', '09:00', 'MORNING', 'COMPLETED'),
    ('DR_A', 'CONSULT', '2026-02-28', '09:30', 'MORNING', 'NO_SHOW'),
    ('DR_A', 'CONSULT', '2026-03-14', '09:00', 'MORNING', 'PENDING'),
    ('DR_A', 'CONSULT', '2022-03-05', '09:00', 'MORNING', 'COMPLETED')
  ) AS v(res, svc, d, t, period, st)
  JOIN timepool.resources r ON r.code = v.res
  JOIN timepool.services s ON s.code = v.svc
 ORDER BY v.d, v.res, v.t;
RESET session_replication_role;

SELECT status, count(*) FROM timepool.reservations GROUP BY 1 ORDER BY 1;

---------------------------------------------------------------------------
-- 1. utilization(): the past two days.  03-02: DR_B's MORNING cut to 100
-- holds 150 (remaining -50, 1.5000); ROOM's DAY 480 of 400 (1.2000).
-- 03-03: DR_A's MORNING two at once (max_overlap 2), its AFTERNOON and the
-- imported EVENING overlap at 15:45 (2 each; EVENING has no minutes, no
-- window, and counts as closed); DR_B three at once at 08:15.
---------------------------------------------------------------------------
SELECT * FROM timepool.utilization('2026-03-02', '2026-03-03')
 ORDER BY date, resource, start_time NULLS LAST, period;

---------------------------------------------------------------------------
-- 2. today: the status split in ROOM's DAY.  Holding: COMPLETED 30,
-- NO_SHOW 60, CONFIRMED 30, PENDING 45 and the live hold 30 = 195 of 400
-- (0.4875), 5 reservations, open 105; the expired hold, CANCELLED, REJECTED
-- and EXPIRED count nowhere.  At most 2 at once (09:00-09:30, 11:00-11:30).
---------------------------------------------------------------------------
SELECT id, service_code, start_time, end_time, status,
       status = 'HELD' AND hold_expires_at > timepool.clinic_now() AS live_hold
  FROM timepool.reservations WHERE reservation_date = '2026-03-04' AND period = 'DAY' ORDER BY id;
SELECT * FROM timepool.utilization('2026-03-04', '2026-03-04')
 ORDER BY date, resource, start_time NULLS LAST, period;
-- at 10:45 the hold has expired too: 165 minutes, 4 reservations, open 75;
-- at most 2 at once still (09:00-09:30)
SET timepool.now = '2026-03-04 10:45';
SELECT resource, period, booked_minutes, remaining_minutes, reservations, utilization,
       completed_minutes, no_show_minutes, open_minutes, max_overlap
  FROM timepool.utilization('2026-03-04', '2026-03-04', 'ROOM') ORDER BY start_time;
SET timepool.now = '2026-03-04 10:30';
-- availability() agrees on every pool of the day (it shows percent, 2
-- decimals, and never less than 0 remaining)
SELECT a.resource, a.period, a.total_minutes = u.total_minutes AS same_total,
       a.booked_minutes = u.booked_minutes AS same_booked,
       a.remaining_minutes = greatest(u.remaining_minutes, 0) AS same_remaining,
       a.reservation_count = u.reservations AS same_count,
       a.utilization IS NOT DISTINCT FROM u.utilization * 100 AS same_utilization,
       a.is_closed = u.closed AS same_closed
  FROM timepool.availability('2026-03-04') a
  FULL JOIN timepool.utilization('2026-03-04', '2026-03-04') u USING (resource, date, period)
 ORDER BY 1, a.start_time;

---------------------------------------------------------------------------
-- 3. the days ahead: 03-09 DR_A's MORNING 120/180 = 0.6667 (two thirds);
-- 03-10 the holiday closes every pool (ROOM's DAY keeps its 30 minutes:
-- remaining -30, utilization NULL); 03-11 DR_A's AFTERNOON closed with 30;
-- 03-12 DR_A's MORNING 10:00-11:30 with 80 minutes holds 75 (0.9375) and
-- DR_B's EVENING 90/100; 03-13 DR_A's MORNING 60/180 = 0.3333 (a third)
-- and AFTERNOON 45/160 = 0.28125, rounded half up to 0.2813; 03-14 DR_A's
-- imported MORNING on a Saturday.
---------------------------------------------------------------------------
SELECT * FROM timepool.utilization('2026-03-09', '2026-03-14')
 ORDER BY date, resource, start_time NULLS LAST, period;

---------------------------------------------------------------------------
-- 4. an inactive resource: left out unless named; named, its pools come
-- (its booking of 03-09, the holiday's closure on 03-10)
---------------------------------------------------------------------------
SELECT count(*) AS dr_off_rows FROM timepool.utilization('2026-03-09', '2026-03-10') WHERE resource = 'DR_OFF';
SELECT resource, date, period, closed, total_minutes, booked_minutes, remaining_minutes, reservations, utilization
  FROM timepool.utilization('2026-03-09', '2026-03-10', 'DR_OFF') ORDER BY date, start_time;
-- p_resource NULL is every active resource, like no argument
SELECT count(*) AS with_null, (SELECT count(*) FROM timepool.utilization('2026-03-02', '2026-03-15')) AS without
  FROM timepool.utilization('2026-03-02', '2026-03-15', NULL);
-- without ORDER BY the rows come as documented: by date, resource code and
-- start time, a period that only reservations name after its resource's
-- pools of the day
SELECT count(*) AS rows, bool_and(n = rn) AS in_documented_order
  FROM (SELECT n, row_number() OVER (ORDER BY date, resource COLLATE "C", start_time NULLS LAST, period COLLATE "C") AS rn
          FROM timepool.utilization('2026-02-28', '2026-03-15')
               WITH ORDINALITY AS u(resource, date, period, start_time, end_time, closed, total_minutes,
                                    booked_minutes, remaining_minutes, reservations, utilization,
                                    completed_minutes, no_show_minutes, open_minutes, max_overlap, location, n)) q;
-- named arguments; one resource
SELECT resource, date, period, booked_minutes
  FROM timepool.utilization(p_resource => 'DR_B', p_from => '2026-03-12', p_to => '2026-03-12') ORDER BY start_time;

---------------------------------------------------------------------------
-- 5. errors
---------------------------------------------------------------------------
-- 1098 days is the longest range: 2026-01-01 to 2029-01-02 (DR_B has a
-- pool every day)
SELECT count(DISTINCT date) AS days, min(date), max(date) FROM timepool.utilization('2026-01-01', '2029-01-02');
-- error: 1099 days (22023)
SELECT count(*) FROM timepool.utilization('2026-01-01', '2029-01-03');
\echo :LAST_ERROR_SQLSTATE
-- error: p_to before p_from (22023)
SELECT count(*) FROM timepool.utilization('2026-03-04', '2026-03-03');
\echo :LAST_ERROR_SQLSTATE
-- one day is from = to
SELECT count(*) FROM timepool.utilization('2026-03-03', '2026-03-03');
-- error: NULL p_from, NULL p_to (22004)
SELECT count(*) FROM timepool.utilization(NULL, '2026-03-03');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM timepool.utilization('2026-03-03', NULL);
\echo :LAST_ERROR_SQLSTATE
-- error: infinite dates (22023)
SELECT count(*) FROM timepool.utilization('-infinity', '2026-03-03');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM timepool.utilization('2026-03-03', 'infinity');
\echo :LAST_ERROR_SQLSTATE
-- error: an unknown resource (TP003)
SELECT count(*) FROM timepool.utilization('2026-03-03', '2026-03-03', 'DR_X');
\echo :LAST_ERROR_SQLSTATE
-- error: a malformed resource code (22023)
SELECT count(*) FROM timepool.utilization('2026-03-03', '2026-03-03', 'dr a');
\echo :LAST_ERROR_SQLSTATE

---------------------------------------------------------------------------
-- 6. the days the clocks change.  On 2026-03-08 02:00-02:59 do not exist:
-- a booking there is refused (TP002); DR_B's NIGHT 00:00-06:00 has 300
-- real minutes but keeps its 360 as scheduled (README: capacity_minutes is
-- the resource's working minutes and is not changed), as availability()
-- shows: 90 booked, 270 left, 0.2500.  Pools are by the clinic's local
-- date: the session's TimeZone changes nothing.  On 2026-11-01 (01:00-01:59
-- twice) a LONG 01:30-02:30 on the wall clock holds 60 minutes.
---------------------------------------------------------------------------
-- error: TP002
SELECT report_book('DR_B', 'CONSULT', '2026-03-08', '02:30');
\echo :LAST_ERROR_SQLSTATE
SELECT resource, date, period, start_time, end_time, total_minutes, booked_minutes, remaining_minutes,
       reservations, utilization
  FROM timepool.utilization('2026-03-07', '2026-03-08', 'DR_B') ORDER BY date, start_time;
SELECT resource, date, period, start_time, end_time, total_minutes, booked_minutes, remaining_minutes,
       reservation_count, utilization
  FROM timepool.availability('2026-03-08', p_resource => 'DR_B') ORDER BY start_time;
SET TimeZone = 'Pacific/Kiritimati';
SELECT resource, date, period, booked_minutes FROM timepool.utilization('2026-03-08', '2026-03-08', 'DR_B')
 ORDER BY start_time;
SET TimeZone = 'UTC';
SELECT resource, date, period, start_time, end_time, total_minutes, booked_minutes, remaining_minutes, utilization
  FROM timepool.utilization('2026-11-01', '2026-11-01', 'DR_B') ORDER BY start_time;

---------------------------------------------------------------------------
-- 7. overbooked_pools: every pool over capacity or over its clock limit,
-- across more than 1098 days (2022-03-05 to 2026-11-01)
---------------------------------------------------------------------------
SELECT o.resource, o.date, o.period, o.total_minutes, o.booked_minutes, o.minutes_over, o.max_overlap,
       o.clock_limit, o.overlap_over,
       (SELECT array_agg(r.start_time::text || ' ' || r.status ORDER BY i)
          FROM unnest(o.reservation_ids) WITH ORDINALITY AS x(id, i)
          JOIN timepool.reservations r ON r.id = x.id) AS reservations
  FROM timepool.overbooked_pools o ORDER BY o.date, o.resource, o.period;
-- the ids are those of the pool's holding rows, by start then id
SELECT o.resource, o.date, o.period,
       o.reservation_ids = (SELECT array_agg(r.id ORDER BY r.start_time, r.id) FROM timepool.reservations r
                             JOIN timepool.resources x ON x.id = r.resource_id
                            WHERE x.code = o.resource AND r.reservation_date = o.date AND r.period = o.period
                              AND r.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')) AS ids_right
  FROM timepool.overbooked_pools o ORDER BY o.date, o.resource, o.period;

---------------------------------------------------------------------------
-- 8. daily_overview: 14 days from today for each active resource, the
-- periods by start, the day's totals; a day without minutes has
-- utilization NULL: a holiday, a day with only an imported period, and a
-- day the resource has no pool at all (DR_A and ROOM at the weekend),
-- which still has its row, with periods [] and 0 minutes
---------------------------------------------------------------------------
SELECT resource, count(*) AS days, min(date), max(date) FROM timepool.daily_overview GROUP BY 1 ORDER BY 1;
SELECT date, resource, jsonb_path_query_array(periods, '$[*].period') AS periods,
       total_minutes, booked_minutes, remaining_minutes, utilization
  FROM timepool.daily_overview ORDER BY resource, date;
SELECT date, resource, jsonb_pretty(periods) AS periods FROM timepool.daily_overview
 WHERE (resource, date) IN (('DR_B', '2026-03-08'), ('DR_B', '2026-03-12'), ('DR_A', '2026-03-14'), ('ROOM', '2026-03-10'))
 ORDER BY resource, date;
-- today follows the clinic's clock
SET timepool.now = '2026-03-17 23:59';
SELECT min(date), max(date), count(*) FROM timepool.daily_overview;
SET timepool.now = '2026-03-04 10:30';

---------------------------------------------------------------------------
-- 9. service_stats.  February: PEEL 8 bookings (the hold and the EXPIRED
-- one are not bookings), 6 kept, 3 completed at 33.33 = 99.99, 6 kept =
-- 199.98, 1/8 cancelled, 1/4 of the attended or missed did not come;
-- FILLER 2 at 250.00 and 3 at 275.50 after the price rise: completed
-- 250 + 250 + 275.50 = 775.50, kept + the NO_SHOW's 275.50 = 1051.00;
-- NOPRICE without a price or category: revenue 0.00.  March: FILLER 1
-- rejected (no kept, no_show_rate NULL); NOPRICE 2 of 3 cancelled (0.6667).
---------------------------------------------------------------------------
SELECT * FROM timepool.service_stats WHERE service IN ('PEEL', 'FILLER', 'NOPRICE') ORDER BY month, service;
-- the whole view: every reservation but holds once
SELECT sum(bookings) AS bookings,
       (SELECT count(*) FROM timepool.reservations WHERE status NOT IN ('HELD', 'EXPIRED')) AS reservations,
       sum(kept) = sum(completed) + sum(no_shows)
                   + (SELECT count(*) FROM timepool.reservations WHERE status IN ('PENDING', 'CONFIRMED')) AS kept_right,
       sum(revenue_booked) AS revenue_booked,
       (SELECT sum(price) FROM timepool.reservations
         WHERE status IN ('PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW')) AS prices_kept
  FROM timepool.service_stats;
SELECT month, service, bookings, kept, completed, no_shows, cancellations, rejections, minutes,
       revenue_completed, revenue_booked, cancellation_rate, no_show_rate
  FROM timepool.service_stats WHERE service NOT IN ('PEEL', 'FILLER', 'NOPRICE') ORDER BY month, service;

---------------------------------------------------------------------------
-- 10. resource_stats: from 52 weeks before this week (2025-03-03) to 4
-- weeks after it (2026-03-30), Mondays only, one row per week and active
-- resource
---------------------------------------------------------------------------
SELECT resource, count(*) AS weeks, min(week_start), max(week_start),
       bool_and(extract(isodow FROM week_start) = 1) AS mondays
  FROM timepool.resource_stats GROUP BY 1 ORDER BY 1;
SELECT * FROM timepool.resource_stats WHERE week_start BETWEEN '2026-02-16' AND '2026-03-23'
 ORDER BY resource, week_start;

---------------------------------------------------------------------------
-- 11. nearly_full: open pools of today to today + 30 booked to 80% or
-- more.  In: DR_A today 150/180 (ends 12:00, after 10:30), DR_B 03-05
-- exactly 80% (120/150), 03-12 DR_A 75/80 and DR_B's EVENING 90/100, 04-03
-- (today + 30) 120/150.  Out: ROOM's EARLY today (full, ended at 08:00),
-- DR_B 03-06 (120/151 = 79.5%), 04-04 (today + 31), the closed pools with
-- their bookings, 03-14's imported period, and the past.
---------------------------------------------------------------------------
SELECT * FROM timepool.nearly_full ORDER BY date, resource, start_time;
-- at 11:59 DR_A's MORNING of today has not ended; at 12:00 it has
SET timepool.now = '2026-03-04 11:59';
SELECT resource, date, period FROM timepool.nearly_full WHERE date = '2026-03-04';
SET timepool.now = '2026-03-04 12:00';
SELECT resource, date, period FROM timepool.nearly_full WHERE date = '2026-03-04';
SET timepool.now = '2026-03-04 10:30';
-- the threshold is settings.nearly_full_percent (default 80)
SELECT column_default FROM information_schema.columns
 WHERE table_schema = 'timepool' AND table_name = 'settings' AND column_name = 'nearly_full_percent';
UPDATE timepool.settings SET nearly_full_percent = 90;
SELECT resource, date, period, utilization, threshold_percent FROM timepool.nearly_full ORDER BY date, resource, start_time;
UPDATE timepool.settings SET nearly_full_percent = 79;
SELECT resource, date, period, utilization, threshold_percent FROM timepool.nearly_full ORDER BY date, resource, start_time;
UPDATE timepool.settings SET nearly_full_percent = DEFAULT;

---------------------------------------------------------------------------
-- 12. the views' columns: no patient data; security barriers; a COMMENT on
-- every view and column
---------------------------------------------------------------------------
SELECT table_name, string_agg(column_name, ', ' ORDER BY ordinal_position) AS columns
  FROM information_schema.columns
 WHERE table_schema = 'timepool'
   AND table_name IN ('daily_overview', 'service_stats', 'resource_stats', 'overbooked_pools', 'nearly_full')
 GROUP BY 1 ORDER BY 1;
SELECT table_name, column_name FROM information_schema.columns
 WHERE table_schema = 'timepool'
   AND table_name IN ('daily_overview', 'service_stats', 'resource_stats', 'overbooked_pools', 'nearly_full')
   AND (column_name ~ '^patient' OR column_name ~ '(phone|email|notes|details|access_token|hold_token|token)');
SELECT c.relname, c.relkind, c.reloptions FROM pg_class c
 WHERE c.oid IN ('timepool.daily_overview'::regclass, 'timepool.service_stats'::regclass,
                 'timepool.resource_stats'::regclass, 'timepool.overbooked_pools'::regclass,
                 'timepool.nearly_full'::regclass)
 ORDER BY 1;
SELECT c.relname, a.attname AS missing_comment
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum >= 0 AND NOT a.attisdropped
 WHERE c.oid IN ('timepool.daily_overview'::regclass, 'timepool.service_stats'::regclass,
                 'timepool.resource_stats'::regclass, 'timepool.overbooked_pools'::regclass,
                 'timepool.nearly_full'::regclass)
   AND a.attnum > 0
   AND NOT EXISTS (SELECT FROM pg_description d
                    WHERE d.classoid = 'pg_class'::regclass AND d.objoid = c.oid AND d.objsubid = a.attnum
                      AND d.description <> '')
UNION ALL
SELECT c.relname, '(the view)' FROM pg_class c
 WHERE c.oid IN ('timepool.daily_overview'::regclass, 'timepool.service_stats'::regclass,
                 'timepool.resource_stats'::regclass, 'timepool.overbooked_pools'::regclass,
                 'timepool.nearly_full'::regclass)
   AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT obj_description('timepool.utilization(date, date, text, text)'::regprocedure, 'pg_proc') IS NOT NULL AS utilization_comment;
-- utilization() is not for PUBLIC
SELECT has_function_privilege('public', 'timepool.utilization(date, date, text, text)', 'EXECUTE') AS public_execute;

---------------------------------------------------------------------------
-- 13. a read-only reporting role, as the README's clinic_reports
---------------------------------------------------------------------------
CREATE ROLE regress_clinic_reports NOLOGIN;
GRANT USAGE ON SCHEMA timepool TO regress_clinic_reports;
GRANT SELECT ON timepool.daily_overview, timepool.service_stats, timepool.resource_stats,
                timepool.overbooked_pools, timepool.nearly_full TO regress_clinic_reports;
GRANT EXECUTE ON FUNCTION timepool.utilization(date, date, text, text), timepool.clinic_today(text), timepool.clinic_now()
  TO regress_clinic_reports;
SET ROLE regress_clinic_reports;
SELECT (SELECT count(*) FROM timepool.daily_overview) AS daily_overview,
       (SELECT count(*) FROM timepool.service_stats) AS service_stats,
       (SELECT count(*) FROM timepool.resource_stats) AS resource_stats,
       (SELECT count(*) FROM timepool.overbooked_pools) AS overbooked_pools,
       (SELECT count(*) FROM timepool.nearly_full) AS nearly_full;
SELECT resource, period, booked_minutes FROM timepool.utilization('2026-03-04', '2026-03-04', 'ROOM') ORDER BY start_time;
-- error: the table (42501)
SELECT count(*) FROM timepool.reservations;
\echo :LAST_ERROR_SQLSTATE
-- error: booking (42501)
SELECT id FROM timepool.book_service('CONSULT', '2026-03-20', '09:00', 'Reporter');
\echo :LAST_ERROR_SQLSTATE
-- error: availability() was not granted (42501)
SELECT count(*) FROM timepool.availability('2026-03-04');
\echo :LAST_ERROR_SQLSTATE
-- error: writing the settings (42501)
UPDATE timepool.settings SET nearly_full_percent = 50;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP OWNED BY regress_clinic_reports;
DROP ROLE regress_clinic_reports;

-- clean up
DROP FUNCTION report_book(text, text, date, time, text, interval);
UPDATE timepool.settings SET time_zone = :'tz0', min_notice_minutes = :notice0, max_advance_days = :advance0,
       cancel_notice_minutes = :cancel0, nearly_full_percent = DEFAULT;
RESET timepool.now;
