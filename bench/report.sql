-- bench/report.sql: the main data set grown for workload 8 (utilization()
-- over the past year for 10 resources).  bench/run loads it into tp_bench
-- after workloads 1 to 7, which it would change (availability() and
-- open_slots() read every active resource): two more doctors, DR_09 and
-- DR_10, with the weekly schedule and the history of the other eight
-- (psql variable history: the main data set's, so each doctor has as many
-- reservations), and what makes the past year's pools other than the
-- weekly ones, so that the check that utilization() and
-- bench.utilization_sql() give the same rows reads every rule: overrides
-- of each rank (closures, special hours, periods only an override opens,
-- a resource's closure under a clinic-wide opening), a weekly row replaced
-- half-way through the year, a period only reservations name, holds live
-- and expired, and an inactive resource with reservations.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

INSERT INTO timepool.resources (code, name, max_concurrent)
VALUES ('DR_09', 'Doctor 9', 100), ('DR_10', 'Doctor 10', 100);
INSERT INTO timepool.resources (code, name, max_concurrent, is_active)
VALUES ('DR_OLD', 'Retired doctor', 100, false);

-- DR_09 as the others; DR_10's afternoon shortened 180 days ago
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time,
                                        effective_from, effective_until)
SELECT r.id, d, p.period, p.s, p.e, p.f, p.u
  FROM timepool.resources r, generate_series(0, 6) d,
       (VALUES ('MORNING', time '08:00', time '12:00', NULL::date, NULL::date),
               ('AFTERNOON', time '13:00', time '19:00', NULL, NULL)) p(period, s, e, f, u)
 WHERE r.code IN ('DR_09', 'DR_OLD');
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time,
                                        effective_from, effective_until)
SELECT r.id, d, p.period, p.s, p.e, p.f, p.u
  FROM timepool.resources r, generate_series(0, 6) d,
       (VALUES ('MORNING', time '08:00', time '12:00', NULL::date, NULL::date),
               ('AFTERNOON', time '13:00', time '19:00', NULL, current_date - 181),
               ('AFTERNOON', time '14:00', time '18:00', current_date - 180, NULL)) p(period, s, e, f, u)
 WHERE r.code = 'DR_10';

-- History for DR_09 and DR_10 as setup.sql makes it for the others
-- (:history / 8 each, over the 730 days before today), and a few rows
-- that an import left: a period no schedule has, holds, an inactive
-- resource's bookings.
SET session_replication_role = replica;
INSERT INTO timepool.reservations
       (resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
        required_minutes, price, reservation_date, start_time, end_time, period, status,
        patient_name, created_at, updated_at, status_changed_at)
SELECT r.id, s.id, s.code, s.name, s.duration_minutes, s.buffer_minutes,
       s.duration_minutes + s.buffer_minutes, s.price, x.day,
       x.start, x.start + make_interval(mins => s.duration_minutes + s.buffer_minutes),
       CASE WHEN x.start < time '12:00' THEN 'MORNING' ELSE 'AFTERNOON' END,
       (ARRAY['COMPLETED', 'COMPLETED', 'COMPLETED', 'NO_SHOW', 'CANCELLED', 'REJECTED'])[1 + g % 6],
       format('Patient %s', g), x.day - 30, x.day, x.day
  FROM generate_series(1, :history / 4) g
  CROSS JOIN LATERAL (SELECT current_date - 1 - (g % 730) AS day,
                             CASE WHEN g % 2 = 0 THEN time '08:00' ELSE time '13:00' END
                               + make_interval(mins => (g / 7 % 20) * 5) AS start) x
  JOIN timepool.resources r ON r.code = CASE g % 2 WHEN 0 THEN 'DR_09' ELSE 'DR_10' END
  JOIN timepool.services s ON s.id = 1 + (g / 3) % 12;

INSERT INTO timepool.reservations
       (resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
        required_minutes, price, reservation_date, start_time, end_time, period, status,
        patient_name, hold_expires_at)
SELECT r.id, s.id, s.code, s.name, s.duration_minutes, s.buffer_minutes,
       s.duration_minutes + s.buffer_minutes, s.price, current_date - x.ago, x.start,
       x.start + make_interval(mins => s.duration_minutes + s.buffer_minutes), x.period, x.status,
       CASE WHEN x.status NOT IN ('HELD', 'EXPIRED') THEN 'Imported' END, x.expires
  FROM (VALUES ('DR_01', 40, time '20:00', 'NIGHT', 'COMPLETED', NULL::timestamptz),
               ('DR_01', 40, time '20:30', 'NIGHT', 'NO_SHOW', NULL),
               ('DR_09', 41, time '21:00', 'NIGHT', 'CONFIRMED', NULL),
               ('DR_02', 60, time '08:00', 'MORNING', 'HELD', now() + interval '1 day'),
               ('DR_02', 60, time '08:30', 'MORNING', 'HELD', now() - interval '1 day'),
               ('DR_02', 60, time '09:00', 'MORNING', 'EXPIRED', now() - interval '1 day'),
               ('DR_10', 61, time '13:00', 'AFTERNOON', 'HELD', now() + interval '1 day'),
               ('DR_OLD', 70, time '08:00', 'MORNING', 'COMPLETED', NULL),
               ('DR_OLD', 70, time '13:00', 'AFTERNOON', 'PENDING', NULL)) x(code, ago, start, period, status, expires)
  JOIN timepool.resources r ON r.code = x.code
  JOIN timepool.services s ON s.code = 'SVC_03';
SET session_replication_role = origin;

-- Overrides in the past year, one of each kind, and one before it.
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed, start_time, end_time, capacity_minutes, reason)
SELECT r.id, current_date - x.ago, x.period, x.closed, x.s, x.e, x.cap, x.reason
  FROM (VALUES
        -- a holiday: every resource, the whole day ...
        (NULL, 100, NULL, true, NULL::time, NULL::time, NULL::int, 'holiday'),
        -- ... but DR_02 sees patients that morning, for less
        ('DR_02', 100, 'MORNING', false, time '09:00', time '11:00', 90, 'holiday duty'),
        -- an evening for everybody, that DR_03 does not work and DR_04 takes off
        (NULL, 50, 'EVENING', false, time '19:00', time '21:00', NULL, 'late opening'),
        ('DR_03', 50, 'EVENING', true, NULL, NULL, NULL, 'not in the evening'),
        ('DR_04', 50, NULL, true, NULL, NULL, NULL, 'day off'),
        -- DR_05 special hours, DR_09 a day off, DR_10 an evening of its own
        ('DR_05', 30, 'MORNING', false, time '09:00', time '11:00', 100, 'short morning'),
        ('DR_09', 20, NULL, true, NULL, NULL, NULL, 'day off'),
        ('DR_10', 25, 'EVENING', false, time '19:00', time '20:30', NULL, 'evening'),
        -- every morning closed but DR_06's
        (NULL, 10, 'MORNING', true, NULL, NULL, NULL, 'meeting'),
        ('DR_06', 10, 'MORNING', false, time '08:00', time '10:00', NULL, 'on call'),
        -- the inactive resource's, and one before the year
        ('DR_OLD', 70, NULL, true, NULL, NULL, NULL, 'gone'),
        (NULL, 400, NULL, true, NULL, NULL, NULL, 'long ago')) x(code, ago, period, closed, s, e, cap, reason)
  LEFT JOIN timepool.resources r ON r.code = x.code;

VACUUM ANALYZE timepool.reservations;
