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

-- 8 resources, 12 services, every day MORNING 08:00-12:00 and AFTERNOON 13:00-19:00
INSERT INTO timepool.resources (code, name)
SELECT format('DR_%s', lpad(i::text, 2, '0')), format('Doctor %s', i) FROM generate_series(1, 8) i;

INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, p.period, p.s, p.e
  FROM timepool.resources r, generate_series(0, 6) d,
       (VALUES ('MORNING', time '08:00', time '12:00'), ('AFTERNOON', time '13:00', time '19:00')) p(period, s, e);

INSERT INTO timepool.services (code, name, category, duration_minutes, buffer_minutes, price, display_order)
SELECT format('SVC_%s', lpad(i::text, 2, '0')), format('Service %s', i),
       (ARRAY['INJECTION', 'SKIN', 'LASER'])[1 + i % 3],
       (ARRAY[5, 10, 15, 20, 30, 40, 45, 50, 60, 70, 80, 90])[i], (i % 3) * 5, 50 + i * 10, i
  FROM generate_series(1, 12) i;
-- the hot day's service: 5 minutes, no buffer
INSERT INTO timepool.services (code, name, duration_minutes, display_order) VALUES ('HOT_5', 'Quick check', 5, 13);

CREATE SCHEMA bench;

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

-- Baseline 2: a plain table with the same columns, indexes and checks, and
-- none of the extension's triggers or logic.
CREATE TABLE bench.plain_reservations (LIKE timepool.reservations INCLUDING ALL);

-- Baseline 3: the design timepool replaces.  Read the capacity, SUM the
-- booked minutes, INSERT; correctness left to SERIALIZABLE and client retries.
CREATE TABLE bench.naive_reservations (LIKE timepool.reservations INCLUDING ALL);

CREATE FUNCTION bench.naive_book(p_resource bigint, p_service bigint, p_date date, p_time time,
                                 p_patient text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  s timepool.services;
  slot timepool.clinic_time_slots;
  used integer;
BEGIN
  SELECT * INTO s FROM timepool.services WHERE id = p_service AND is_active AND deleted_at IS NULL;
  SELECT * INTO slot FROM timepool.clinic_time_slots
   WHERE resource_id = p_resource AND day_of_week = extract(dow FROM p_date) AND is_active
     AND start_time <= p_time AND p_time < end_time;
  IF slot.id IS NULL OR p_time + make_interval(mins => s.duration_minutes + s.buffer_minutes) > slot.end_time THEN
    RETURN false;
  END IF;
  SELECT coalesce(sum(required_minutes), 0) INTO used FROM bench.naive_reservations
   WHERE resource_id = p_resource AND reservation_date = p_date AND period = slot.period
     AND status NOT IN ('CANCELLED', 'REJECTED');
  IF used + s.duration_minutes + s.buffer_minutes > slot.capacity_minutes THEN
    RETURN false;
  END IF;
  INSERT INTO bench.naive_reservations
         (resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
          required_minutes, price, reservation_date, start_time, end_time, period, patient_name)
  VALUES (p_resource, p_service, s.code, s.name, s.duration_minutes, s.buffer_minutes,
          s.duration_minutes + s.buffer_minutes, s.price, p_date, p_time,
          p_time + make_interval(mins => s.duration_minutes + s.buffer_minutes), slot.period, p_patient);
  RETURN true;
END
$$;

-- timepool's side of workload 3: a refusal (TP001/TP002) is a decision, not
-- an error that would stop pgbench's client.
CREATE FUNCTION bench.try_book(p_service text, p_date date, p_time time, p_patient text,
                               p_resource text DEFAULT NULL)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM timepool.book_service(p_service, p_date, p_time, p_patient, p_resource => p_resource);
  RETURN true;
EXCEPTION WHEN SQLSTATE 'TP001' OR SQLSTATE 'TP002' THEN
  RETURN false;
END
$$;

-- Pools whose booked minutes exceed their capacity, in a reservations table.
CREATE FUNCTION bench.overbooked(p_table regclass) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format($q$
    SELECT count(*) FROM (
      SELECT r.resource_id, r.reservation_date, r.period, sum(r.required_minutes) AS booked
        FROM %s r WHERE r.status NOT IN ('CANCELLED', 'REJECTED') AND r.reservation_date >= current_date
       GROUP BY 1, 2, 3) b
    JOIN timepool.clinic_time_slots s
      ON s.resource_id = b.resource_id AND s.period = b.period
     AND s.day_of_week = extract(dow FROM b.reservation_date) AND s.is_active
   WHERE b.booked > s.capacity_minutes$q$, p_table) INTO n;
  RETURN n;
END
$$;
