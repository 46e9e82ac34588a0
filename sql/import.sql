--
-- import: timepool.import_reservations() on the legacy fixture
-- (test/legacy/clinic.csv, made by test/legacy/make_fixture.py, whose
-- comment lists its kinds of rows by legacy id prefix): a dry run changes
-- nothing; every staged row is reported exactly once; history keeps its
-- created_at, status and price and goes in over capacity; upcoming rows are
-- decided as bookings now; a rerun imports nothing twice; overbooked_pools
-- shows the legacy system's overbooked mornings; only the owner or a
-- superuser may import, and only through import_reservations() does
-- history go in over capacity; a batch can be removed.
--
SET DateStyle = 'ISO, YMD';
\pset null '(null)'
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources, timepool.import_rows, timepool.import_services,
         timepool.import_statuses, timepool.imported RESTART IDENTITY;
SELECT time_zone AS s_tz, min_notice_minutes AS s_notice, max_advance_days AS s_advance FROM timepool.settings \gset
UPDATE timepool.settings SET time_zone = 'UTC', min_notice_minutes = 0, max_advance_days = 60;
-- the clinic's now: Monday 2026-11-23 08:00
SET timepool.now = '2026-11-23 08:00';

INSERT INTO timepool.resources (code, name) VALUES ('DR_KIM', 'Dr. Kim'), ('DR_LEE', 'Dr. Lee');
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, p, s, e
  FROM timepool.resources r, generate_series(1, 6) d,
       (VALUES ('MORNING', time '09:00', time '12:00'), ('AFTERNOON', time '13:00', time '17:00')) v(p, s, e);
INSERT INTO timepool.services (code, name, duration_minutes, price) VALUES
  ('BOTOX', 'Botox', 30, 250.00), ('FILLER', 'Filler', 45, 300.00),
  ('PEEL', 'Chemical peel', 60, 150.00), ('CONSULT', 'Consultation', 15, 50.00);

-- 1. stage: the export, the service codes, the statuses
\copy timepool.import_rows FROM 'test/legacy/clinic.csv' WITH (FORMAT csv, HEADER)
SELECT count(*) AS staged FROM timepool.import_rows;
INSERT INTO timepool.import_services (legacy_service, service_code) VALUES
  ('BTX', 'BOTOX'), ('FIL', 'FILLER'), ('PEEL', 'PEEL'), ('CONS', 'CONSULT');
INSERT INTO timepool.import_statuses (legacy_status, status) VALUES
  ('done', 'COMPLETED'), ('noshow', 'NO_SHOW'), ('cancel', 'CANCELLED'), ('booked', 'CONFIRMED'), ('new', 'PENDING');

-- 2. the dry run: the report, and nothing changed
CREATE TEMP TABLE dry AS SELECT * FROM timepool.import_reservations('legacy-2026-11', p_dry_run => true);
SELECT (SELECT count(*) FROM dry) = (SELECT count(*) FROM timepool.import_rows) AS every_row_reported,
       (SELECT count(*) FROM timepool.reservations) AS reservations,
       (SELECT count(*) FROM timepool.imported) AS imported;

-- 3. the import
CREATE TEMP TABLE report AS SELECT * FROM timepool.import_reservations('legacy-2026-11');
-- every staged row in the report exactly once (by legacy id, NULL included)
SELECT count(*) AS rows_reported,
       (SELECT count(*) FROM timepool.import_rows) AS rows_staged,
       NOT EXISTS (SELECT coalesce(legacy_id, '(none)'), count(*) FROM timepool.import_rows GROUP BY 1
                   EXCEPT ALL
                   SELECT coalesce(legacy_id, '(none)'), count(*) FROM report GROUP BY 1) AS each_once
  FROM report;
-- the dry run said the same
SELECT NOT EXISTS (SELECT legacy_id, outcome, sqlstate FROM report EXCEPT ALL SELECT legacy_id, outcome, sqlstate FROM dry)
       AND NOT EXISTS (SELECT legacy_id, outcome, sqlstate FROM dry EXCEPT ALL SELECT legacy_id, outcome, sqlstate FROM report)
       AS dry_run_foretold;
-- the outcomes by kind of row (the prefix of the legacy id)
SELECT coalesce(substring(legacy_id FROM '^[A-Z]+'), '(none)') AS kind, outcome, sqlstate, count(*)
  FROM report GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
-- the refused rows, with their reasons
SELECT legacy_id, sqlstate, reason FROM report WHERE outcome = 'refused' ORDER BY legacy_id, reason;

-- 4. what history and bookings keep
SELECT count(*) AS checked,
       bool_and(r.created_at = i.created_at) AS created_at_kept,
       bool_and(r.status = CASE i.legacy_status WHEN 'done' THEN 'COMPLETED' WHEN 'noshow' THEN 'NO_SHOW'
                                                WHEN 'cancel' THEN 'CANCELLED' WHEN 'booked' THEN 'CONFIRMED'
                                                ELSE 'PENDING' END) AS status_mapped,
       bool_and(r.price = coalesce(i.price, s.price)) AS price_kept,
       bool_and(r.reservation_date = i.reservation_date AND r.start_time = btrim(i.start_time)::time) AS when_kept,
       bool_and(i.resource_code = '' OR i.resource_code IS NULL
                OR r.resource_id = (SELECT x.id FROM timepool.resources x WHERE x.code = i.resource_code)) AS resource_kept
  FROM report p
  JOIN timepool.imported m ON m.reservation_id = p.reservation_id
  JOIN timepool.reservations r ON r.id = m.reservation_id
  JOIN timepool.import_rows i ON i.legacy_id = m.legacy_id AND i.patient_name = r.patient_name
  JOIN timepool.services s ON s.id = r.service_id
 WHERE p.outcome = 'imported';
-- history sits where it was, over capacity: the legacy system's mornings
-- of 8 Botox and 3 fillers (375 of 180 minutes)
SELECT count(*) AS overbooked_pools, min(minutes_over), max(minutes_over),
       bool_and(resource = 'DR_KIM' AND period = 'MORNING' AND extract(day FROM date) = 3) AS the_third_of_each_month
  FROM timepool.overbooked_pools WHERE minutes_over > 0;
-- the cancelled history of Sundays (no pool then) keeps its place
SELECT count(*) AS sunday_cancellations, bool_and(r.status = 'CANCELLED') AS cancelled
  FROM timepool.imported m JOIN timepool.reservations r ON r.id = m.reservation_id WHERE m.legacy_id LIKE 'HC%';
-- and the upcoming bookings are within every rule: no future pool over
SELECT count(*) AS future_pools_over FROM timepool.overbooked_pools WHERE date >= '2026-11-23';

-- 5. a rerun imports nothing twice
SELECT outcome, count(*) FROM timepool.import_reservations('legacy-2026-11') GROUP BY 1 ORDER BY 1;
SELECT count(*) AS imported_rows, count(DISTINCT legacy_id) AS legacy_ids FROM timepool.imported;

-- 6. only through import_reservations() does history go in over capacity:
-- import_run() called directly judges it like any INSERT
TRUNCATE timepool.import_rows;
INSERT INTO timepool.import_rows (legacy_id, legacy_service, resource_code, reservation_date, start_time, patient_name,
                                  legacy_status, created_at)
VALUES ('X01', 'BTX', 'DR_KIM', '2026-11-03', '9:00', 'Late entry', 'done', '2026-11-01 08:00+00');
SELECT legacy_id, outcome, sqlstate FROM timepool.import_run('late', false, '2026-11-23 08:00');
SELECT legacy_id, outcome, sqlstate FROM timepool.import_reservations('late');
-- error: a role that may execute it but owns nothing
CREATE ROLE tp_import_clerk NOLOGIN;
GRANT USAGE ON SCHEMA timepool TO tp_import_clerk;
GRANT EXECUTE ON FUNCTION timepool.import_reservations(text, boolean) TO tp_import_clerk;
SET ROLE tp_import_clerk;
SELECT * FROM timepool.import_reservations('clerk');
RESET ROLE;
REVOKE ALL ON FUNCTION timepool.import_reservations(text, boolean) FROM tp_import_clerk;
REVOKE ALL ON SCHEMA timepool FROM tp_import_clerk;
DROP ROLE tp_import_clerk;
-- error: NULL and empty batches
SELECT * FROM timepool.import_reservations(NULL);
SELECT * FROM timepool.import_reservations('');

-- a row is history once it has ended: at 10:30, a peel of 9:00 (ended at
-- 10:00) is history; one of 10:00, still running, is no history, and as a
-- booking it cannot be COMPLETED (22023): nothing of it blocks the morning
SET timepool.now = '2026-11-24 10:30';
TRUNCATE timepool.import_rows;
INSERT INTO timepool.import_rows (legacy_id, legacy_service, resource_code, reservation_date, start_time, patient_name,
                                  legacy_status, created_at)
VALUES ('N01', 'PEEL', 'DR_KIM', '2026-11-24', '9:00', 'Ended peel', 'done', '2026-11-20 08:00+00'),
       ('N02', 'PEEL', 'DR_KIM', '2026-11-24', '10:00', 'Running peel', 'done', '2026-11-20 09:00+00');
SELECT legacy_id, outcome, sqlstate FROM timepool.import_reservations('now');
SET timepool.now = '2026-11-23 08:00';

-- 7. removing one batch: its reservations, then its rows of imported
DELETE FROM timepool.reservations WHERE id IN (SELECT reservation_id FROM timepool.imported WHERE batch = 'late');
DELETE FROM timepool.imported WHERE batch = 'late';
SELECT batch, count(*) FROM timepool.imported GROUP BY 1 ORDER BY 1;
-- a legacy row whose reservation was deleted is imported again
DELETE FROM timepool.reservations WHERE id = (SELECT reservation_id FROM timepool.imported WHERE legacy_id = 'F001');
TRUNCATE timepool.import_rows;
INSERT INTO timepool.import_rows SELECT * FROM (VALUES
  ('F001', 'CONS', 'DR_LEE', date '2026-11-24', '9:00', 'Patient F1 again', NULL, NULL, 'booked',
   timestamptz '2026-11-02 10:00+00', NULL, NULL::numeric)) v;
SELECT legacy_id, outcome, sqlstate FROM timepool.import_reservations('again');

-- an id given again (TRUNCATE ... RESTART IDENTITY) is not the imported
-- reservation: the legacy row is imported again
TRUNCATE timepool.reservations RESTART IDENTITY;
SELECT id FROM timepool.book_service('CONSULT', '2026-11-25', '09:00', 'Unrelated', p_resource => 'DR_LEE');
SELECT legacy_id, outcome, sqlstate FROM timepool.import_reservations('again');
SELECT m.legacy_id, r.patient_name FROM timepool.imported m JOIN timepool.reservations r ON r.id = m.reservation_id
                                                        AND r.access_token = m.access_token ORDER BY 1;
-- error: two mappings of one status as compared (trimmed, case-blind)
INSERT INTO timepool.import_statuses (legacy_status, status) VALUES ('DONE ', 'NO_SHOW');

TRUNCATE timepool.import_rows, timepool.import_services, timepool.import_statuses, timepool.imported;
UPDATE timepool.settings SET time_zone = :'s_tz', min_notice_minutes = :s_notice, max_advance_days = :s_advance;
RESET timepool.now;
