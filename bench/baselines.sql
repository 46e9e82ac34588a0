-- bench/baselines.sql: the baselines timepool is measured against, and
-- the helpers the workloads call.  Included by setup.sql and hot.sql.

CREATE SCHEMA bench;

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
  finish time;
BEGIN
  SELECT * INTO s FROM timepool.services WHERE id = p_service AND is_active AND deleted_at IS NULL;
  SELECT * INTO slot FROM timepool.clinic_time_slots
   WHERE resource_id = p_resource AND day_of_week = extract(dow FROM p_date) AND is_active
     AND start_time <= p_time AND p_time < end_time;
  -- time arithmetic wraps at midnight: a window ending at midnight ends at 24:00
  finish := p_time + make_interval(mins => s.duration_minutes + s.buffer_minutes);
  IF finish = time '00:00' THEN
    finish := time '24:00';
  END IF;
  IF slot.id IS NULL OR finish <= p_time OR finish > slot.end_time THEN
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
          s.duration_minutes + s.buffer_minutes, s.price, p_date, p_time, finish, slot.period, p_patient);
  RETURN true;
END
$$;

-- timepool's side of workload 3: a refusal (TP001/TP002, TP007 for a taken
-- time) is a decision, not an error that would stop pgbench's client.
CREATE FUNCTION bench.try_book(p_service text, p_date date, p_time time, p_patient text,
                               p_resource text DEFAULT NULL)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM timepool.book_service(p_service, p_date, p_time, p_patient, p_resource => p_resource);
  RETURN true;
EXCEPTION WHEN SQLSTATE 'TP001' OR SQLSTATE 'TP002' OR SQLSTATE 'TP007' THEN
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
