-- visibility: pool minutes are counted right whether the pool index is read
-- alone (pages marked all-visible by VACUUM) or with the table's rows.
--
-- timepool counts a pool's minutes with a direct scan of
-- reservations_pool_idx; on pages the visibility map marks all-visible it
-- reads the index entry only, elsewhere it reads the row.  Each step below
-- compares availability() with a recount in plain SQL.

TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
SET timepool.today = '2025-11-14';
SET datestyle = 'ISO, YMD';

INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr A'), ('DR_B', 'Dr B');
-- no clock limit: this suite tests the pool's minutes, which overlapping
-- bookings share (sql/clock.sql tests max_concurrent)
UPDATE timepool.resources SET max_concurrent = NULL;
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, 6, p.period, p.s, p.e
  FROM timepool.resources r,
       (VALUES ('MORNING', time '09:00', time '12:00'), ('AFTERNOON', time '13:00', time '18:00')) p(period, s, e);
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes)
VALUES ('BOTOX', 'Botox', 40, 0), ('PEEL', 'Peel', 25, 5);

CREATE FUNCTION pg_temp.check_counts() RETURNS TABLE (resource text, period text, booked integer,
                                                        recount integer, n integer, recount_n integer, same boolean)
LANGUAGE sql AS $$
  SELECT a.resource, a.period, a.booked_minutes, coalesce(r.m, 0)::int, a.reservation_count,
         coalesce(r.n, 0)::int,
         a.booked_minutes = coalesce(r.m, 0) AND a.reservation_count = coalesce(r.n, 0)
    FROM timepool.availability('2025-11-15') a
    LEFT JOIN (SELECT x.code, v.period, sum(v.required_minutes) AS m, count(*) AS n
                 FROM timepool.reservations v JOIN timepool.resources x ON x.id = v.resource_id
                WHERE v.reservation_date = '2025-11-15' AND v.status NOT IN ('CANCELLED', 'REJECTED')
                GROUP BY 1, 2) r ON r.code = a.resource AND r.period = a.period
   ORDER BY a.resource, a.start_time
$$;

-- bookings in three of the four pools
SELECT count(*) AS booked FROM (
  SELECT timepool.book_service('BOTOX', '2025-11-15', '09:00', 'A' || g, p_resource => 'DR_A') FROM generate_series(1, 4) g
  UNION ALL
  SELECT timepool.book_service('PEEL', '2025-11-15', '13:00', 'B' || g, p_resource => 'DR_A') FROM generate_series(1, 3) g
  UNION ALL
  SELECT timepool.book_service('BOTOX', '2025-11-15', '10:00', 'C' || g, p_resource => 'DR_B') FROM generate_series(1, 2) g) x;

-- before VACUUM: rows are read from the table
SELECT * FROM pg_temp.check_counts();

-- after VACUUM the pages are all-visible: the index alone is read
VACUUM (ANALYZE) timepool.reservations;
SELECT relallvisible > 0 AS some_pages_all_visible FROM pg_class WHERE oid = 'timepool.reservations'::regclass;
SELECT * FROM pg_temp.check_counts();

-- the morning of DR_A is 160 of 180 booked: a 40-minute booking is refused
-- with the count taken from the index
SELECT timepool.can_book('BOTOX', '2025-11-15', '09:00', 'DR_A') AS can_book_dr_a_morning;
SELECT id FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Too many', p_resource => 'DR_A');
\echo SQLSTATE :LAST_ERROR_SQLSTATE

-- a cancellation and a rejection change the pages again: their rows are read
SELECT status FROM timepool.cancel_reservation(1, 'moved away');
SELECT status FROM timepool.set_reservation_status(5, 'REJECTED');
SELECT * FROM pg_temp.check_counts();
-- and now the booking fits
SELECT service_code, period, start_time FROM timepool.book_service('BOTOX', '2025-11-15', '09:00', 'Fits now', p_resource => 'DR_A');

-- after another VACUUM, the cancelled and rejected rows' index entries are
-- gone and the rest are read from the index
VACUUM timepool.reservations;
SELECT * FROM pg_temp.check_counts();

-- a revived reservation is counted again, read or not from the index
UPDATE timepool.reservations SET status = 'PENDING' WHERE id = 5 RETURNING id, status, period;
SELECT * FROM pg_temp.check_counts();
VACUUM timepool.reservations;
SELECT * FROM pg_temp.check_counts();

TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
