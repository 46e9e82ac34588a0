--
-- twophase: a transaction that changed timepool's schedule cannot be
-- prepared (PREPARE TRANSACTION).  Prepared, it would hold the schedule's
-- commit-order lock, and with it every booking decision of the database,
-- until somebody ran COMMIT PREPARED, across restarts.  A transaction that
-- only books can be prepared as before (where max_prepared_transactions
-- allows it; this suite's server has none, so it only shows the refusal
-- comes first).
--
SET timepool.today = '2025-11-14';
TRUNCATE timepool.reservations, timepool.resource_services, timepool.schedule_overrides, timepool.clinic_time_slots,
         timepool.services, timepool.resources RESTART IDENTITY;
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr. Alves');

-- error: 0A000, for a change of the settings, and of the overrides
BEGIN;
UPDATE timepool.settings SET min_notice_minutes = 5;
PREPARE TRANSACTION 'tp_settings';
\echo :LAST_ERROR_SQLSTATE
BEGIN;
INSERT INTO timepool.schedule_overrides (date, is_closed) VALUES ('2025-12-25', true);
PREPARE TRANSACTION 'tp_override';
\echo :LAST_ERROR_SQLSTATE
-- and nothing of them was kept
SELECT min_notice_minutes FROM timepool.settings;
SELECT count(*) AS overrides FROM timepool.schedule_overrides;
-- a change undone by a rolled-back transaction leaves the next one free
BEGIN;
UPDATE timepool.resources SET name = 'Dr. A.';
ROLLBACK;
BEGIN;
SELECT count(*) FROM timepool.resources;
PREPARE TRANSACTION 'tp_read_only';
\echo :LAST_ERROR_SQLSTATE
