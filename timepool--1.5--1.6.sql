/* timepool--1.5--1.6.sql: live changes leave the committing transaction.
 * A commit that changed pools writes them to notify_queue; a background
 * worker of the database (src/notify.c) sends their payloads. */

\echo Use "ALTER EXTENSION timepool UPDATE TO '1.6'" to load this file. \quit

---------------------------------------------------------------------------
-- the pools committed transactions changed, until the notifier sends them
---------------------------------------------------------------------------
-- Unlogged: the rows are a hand-over of moments, not data; a crash empties
-- the table (the payloads of the last moments before it are not sent), and
-- writing them costs a commit no WAL.  Only timepool's C code reads or
-- writes it; no role is granted anything on it.
CREATE UNLOGGED TABLE timepool.notify_queue (
  resource_id bigint NOT NULL,
  pool_date   date NOT NULL,
  period      text
);
COMMENT ON TABLE timepool.notify_queue IS
  'pools changed by committed transactions while timepool.notify was on, until the notifier sends their payloads on timepool_availability (resource_id 0: every active resource; period NULL: every pool of the day)';
REVOKE ALL ON TABLE timepool.notify_queue FROM PUBLIC;

---------------------------------------------------------------------------
-- notify_wait(): until the notifier has sent what was committed before
---------------------------------------------------------------------------
CREATE FUNCTION timepool.notify_wait(p_timeout interval DEFAULT '5 seconds') RETURNS boolean
AS 'MODULE_PATHNAME', 'tp_notify_wait'
LANGUAGE C STRICT VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION timepool.notify_wait(interval) IS
  'waits until the notifier has sent the payloads of every pool that transactions committed before the call changed (true), or p_timeout (at most 1 hour) has passed (false); a session that LISTENs receives them before the call''s ReadyForQuery';
REVOKE ALL ON FUNCTION timepool.notify_wait(interval) FROM PUBLIC;

---------------------------------------------------------------------------
-- overrides over a range of dates: a vacation or a closed week is one row
---------------------------------------------------------------------------
-- date is the first day, end_date the last (inclusive); NULL is date alone.
-- Precedence for a pool on a date among the rows that cover it
-- (tp_best_override() in src/schedule.c): within the resource's own rows and
-- within the clinic-wide ones, the fewest dates, then a period's row over a
-- whole day's, then the latest first day; then the resource's row, but for
-- a clinic-wide closure of fewer dates than the resource's opening row.
ALTER TABLE timepool.schedule_overrides
  ADD COLUMN end_date date
    CONSTRAINT schedule_overrides_end_date_range
      CHECK (end_date IS NULL OR (isfinite(end_date) AND end_date >= date AND end_date - date <= 3660));
COMMENT ON COLUMN timepool.schedule_overrides.end_date IS
  'the last date the override applies to, inclusive (at most 3660 days after date); NULL: date alone';
-- a date's own row may start on a range's first day: the key has the end
DROP INDEX timepool.schedule_overrides_once;
CREATE UNIQUE INDEX schedule_overrides_once
  ON timepool.schedule_overrides ((coalesce(resource_id, 0)), date, (coalesce(period, '')), (coalesce(end_date, date)));
