-- bench/hot.sql: the hot day's database.  Two resources whose pools are
-- 12 hours long every day (MORNING 00:00-12:00 and AFTERNOON 12:00-24:00,
-- 720 minutes each) and one 2-minute service: 1440 bookings fill the four
-- pools of a day.  Short bookings make a long race for few pools.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS timepool;
-- the booking workload books up to 1500 days ahead
UPDATE timepool.settings SET max_advance_days = 3660;

-- one patient at a time (1.3's default): the race is for the clock as well
-- as for the minutes, and a taken time is refused (TP007)
INSERT INTO timepool.resources (code, name, max_concurrent) VALUES ('HOT_A', 'Hot A', 1), ('HOT_B', 'Hot B', 1);
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, p.period, p.s, p.e
  FROM timepool.resources r, generate_series(0, 6) d,
       (VALUES ('MORNING', time '00:00', time '12:00'), ('AFTERNOON', time '12:00', time '24:00')) p(period, s, e);
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('HOT_2', 'Quick check', 2);

\ir baselines.sql
VACUUM ANALYZE;
