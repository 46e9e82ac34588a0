-- bench/setup.sql: the benchmark's data set and its baselines.
--
-- psql variables: history (reservations in the two years before today),
-- upcoming_fill (percent of each pool filled in the next 30 days).
-- History is loaded the way a restore or an import loads it: in bulk, with
-- session_replication_role = replica, so it is not re-checked (it need not
-- fit today's schedule, and at tens of millions of rows it does not).

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS timepool;
-- the booking workload books up to 1500 days ahead
UPDATE timepool.settings SET max_advance_days = 3660;

-- 8 resources, 12 services, every day MORNING 08:00-12:00 and AFTERNOON 13:00-19:00.
-- The doctors have a clock limit (1.3), high enough that the random
-- bookings of workload 2 are never refused: every booking pays the clock
-- check in full, and every call writes a row, as the plain INSERT does.
INSERT INTO timepool.resources (code, name, max_concurrent)
SELECT format('DR_%s', lpad(i::text, 2, '0')), format('Doctor %s', i), 100 FROM generate_series(1, 8) i;

INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, p.period, p.s, p.e
  FROM timepool.resources r, generate_series(0, 6) d,
       (VALUES ('MORNING', time '08:00', time '12:00'), ('AFTERNOON', time '13:00', time '19:00')) p(period, s, e);

INSERT INTO timepool.service_categories (code, name, display_order)
VALUES ('INJECTION', 'Injections', 1), ('SKIN', 'Skin care', 2), ('LASER', 'Laser', 3);

INSERT INTO timepool.services (code, name, category, duration_minutes, buffer_minutes, price, display_order)
SELECT format('SVC_%s', lpad(i::text, 2, '0')), format('Service %s', i),
       (ARRAY['INJECTION', 'SKIN', 'LASER'])[1 + i % 3],
       (ARRAY[5, 10, 15, 20, 30, 40, 45, 50, 60, 70, 80, 90])[i], (i % 3) * 5, 50 + i * 10, i
  FROM generate_series(1, 12) i;


-- History: :history reservations spread over the 730 days before today.
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
  FROM generate_series(1, :history) g
  CROSS JOIN LATERAL (SELECT current_date - 1 - (g % 730) AS day,
                             CASE WHEN g % 2 = 0 THEN time '08:00' ELSE time '13:00' END
                               + make_interval(mins => (g / 7 % 20) * 5) AS start) x
  JOIN timepool.resources r ON r.id = 1 + g % 8
  JOIN timepool.services s ON s.id = 1 + (g / 3) % 12;
SET session_replication_role = origin;

-- The next 30 days: each pool filled to about :upcoming_fill percent, through the guard.
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, status)
SELECT r.id, 2, current_date + d, p.s + make_interval(mins => 10 * k), 'Upcoming', 'CONFIRMED'
  FROM timepool.resources r, generate_series(1, 30) d,
       (VALUES (time '08:00', 24), (time '13:00', 36)) p(s, slots),
       generate_series(0, 35) k
 WHERE k < p.slots * :upcoming_fill / 100;

VACUUM ANALYZE;

\ir baselines.sql
