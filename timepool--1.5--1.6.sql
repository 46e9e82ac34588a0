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
