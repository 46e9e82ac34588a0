-- test/soak/changes.sql: schedule changes the auditor makes while the
-- clients run, one step per transaction, spread over the middle of the run.
-- Each "-- step" line starts a step.
--
-- They only open and widen, never close or shrink (bookings made before a
-- closure may legitimately exceed it, which would blur the capacity check).
-- The same goes for the 1.3 rules: a clock limit is only raised and a
-- service only added to a resource's list (one that has a list already: the
-- first row would narrow it).  Rows written under a lower limit or a shorter
-- list stay within the new ones, so the final checks can compare every row
-- with the limits and lists as they are at the end.
-- A client's call that starts after a step committed must book by the new
-- schedule: under READ COMMITTED from the next statement on, under
-- REPEATABLE READ and SERIALIZABLE from the next transaction on.  The
-- clients learn that a step committed from a file the auditor writes after
-- its COMMIT; a TP002 where the schedule has opened a pool, or a TP008 for a
-- service the resource performs by then, is then a failure.

-- step 1: on the first date DR_C gets an EVENING 18:00-20:30 (a new pool)
-- and its MORNING grows from 120 to 180 minutes
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
SELECT r.id, d.date, 'EVENING', '18:00', '20:30', 120, 'soak step 1'
  FROM timepool.resources r, soak.dates d WHERE r.code = 'DR_C' AND d.n = 0;
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
SELECT r.id, d.date, 'MORNING', '09:00', '12:00', 180, 'soak step 1'
  FROM timepool.resources r, soak.dates d WHERE r.code = 'DR_C' AND d.n = 0;

-- step 2: on the fourth date DR_A gets an EVENING 18:00-20:00
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
SELECT r.id, d.date, 'EVENING', '18:00', '20:00', 120, 'soak step 2'
  FROM timepool.resources r, soak.dates d WHERE r.code = 'DR_A' AND d.n = 3;

-- step 3: on the holiday (fifth date) DR_C's own AFTERNOON reopens:
-- its row outranks the holiday of every resource
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
SELECT r.id, d.date, 'AFTERNOON', '13:00', '18:00', 300, 'soak step 3'
  FROM timepool.resources r, soak.dates d WHERE r.code = 'DR_C' AND d.n = 4;

-- step 4: on the second date DR_B works on, 17:00-19:00
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes, reason)
SELECT r.id, d.date, 'EVENING', '17:00', '19:00', 100, 'soak step 4'
  FROM timepool.resources r, soak.dates d WHERE r.code = 'DR_B' AND d.n = 1;

-- step 5: on the fourth date an EVENING 18:00-19:30 for every resource;
-- DR_A keeps its own (step 2), which outranks it
INSERT INTO timepool.schedule_overrides (date, period, start_time, end_time, capacity_minutes, reason)
SELECT d.date, 'EVENING', '18:00', '19:30', 90, 'soak step 5'
  FROM soak.dates d WHERE d.n = 3;

-- step 6: ROOM_1 takes up to three bookings at once (from two)
UPDATE timepool.resources SET max_concurrent = 3 WHERE code = 'ROOM_1';

-- step 7: ROOM_1 also performs CONSULT
INSERT INTO timepool.resource_services (resource_id, service_id)
SELECT r.id, s.id FROM timepool.resources r, timepool.services s
 WHERE r.code = 'ROOM_1' AND s.code = 'CONSULT';
