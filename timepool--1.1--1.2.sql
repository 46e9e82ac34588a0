/* timepool--1.1--1.2.sql: security and correctness hardening of 1.1 */

\echo Use "ALTER EXTENSION timepool UPDATE TO '1.2'" to load this file. \quit

---------------------------------------------------------------------------
-- capacity checks in bigint: capacity_minutes * 60 overflowed int4 (22003)
-- instead of failing the constraint (23514)
---------------------------------------------------------------------------
ALTER TABLE timepool.clinic_time_slots DROP CONSTRAINT clinic_time_slots_capacity_range;
ALTER TABLE timepool.clinic_time_slots ADD CONSTRAINT clinic_time_slots_capacity_range
  CHECK (capacity_minutes >= 1
         AND capacity_minutes::bigint * 60 <= date_part('epoch', end_time - start_time));
ALTER TABLE timepool.schedule_overrides DROP CONSTRAINT schedule_overrides_capacity_range;
ALTER TABLE timepool.schedule_overrides ADD CONSTRAINT schedule_overrides_capacity_range
  CHECK (capacity_minutes >= 1
         AND capacity_minutes::bigint * 60 <= date_part('epoch', end_time - start_time));

---------------------------------------------------------------------------
-- views that hide rows are security barriers: a cheap function in a
-- caller's WHERE clause runs only on the rows the view shows
---------------------------------------------------------------------------
ALTER VIEW timepool.reservation_history SET (security_barrier = true);
ALTER VIEW timepool.bookable_services SET (security_barrier = true);

---------------------------------------------------------------------------
-- trigger functions run only on the tables they were made for, by OID
---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION timepool.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_WHEN OPERATOR(pg_catalog.<>) 'BEFORE' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'ROW'
     OR TG_OP OPERATOR(pg_catalog.<>) 'UPDATE'
     OR NOT TG_RELID OPERATOR(pg_catalog.=) ANY (ARRAY['timepool.resources'::pg_catalog.regclass,
                                                       'timepool.services'::pg_catalog.regclass,
                                                       'timepool.service_categories'::pg_catalog.regclass,
                                                       'timepool.clinic_time_slots'::pg_catalog.regclass,
                                                       'timepool.schedule_overrides'::pg_catalog.regclass]::pg_catalog.oid[]) THEN
    RAISE EXCEPTION 'touch_updated_at() fired on table "%"', TG_TABLE_NAME
      USING ERRCODE = 'trigger_protocol_violated',
            DETAIL = 'It is timepool''s BEFORE UPDATE trigger for its own tables and runs on nothing else.';
  END IF;
  NEW.updated_at := pg_catalog.now();
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION timepool.fill_capacity() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_WHEN OPERATOR(pg_catalog.<>) 'BEFORE' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'ROW'
     OR TG_OP OPERATOR(pg_catalog.=) 'DELETE'
     OR NOT TG_RELID OPERATOR(pg_catalog.=) ANY (ARRAY['timepool.clinic_time_slots'::pg_catalog.regclass,
                                                       'timepool.schedule_overrides'::pg_catalog.regclass]::pg_catalog.oid[]) THEN
    RAISE EXCEPTION 'fill_capacity() fired on table "%"', TG_TABLE_NAME
      USING ERRCODE = 'trigger_protocol_violated',
            DETAIL = 'It is timepool''s BEFORE INSERT OR UPDATE trigger for its schedule tables and runs on nothing else.';
  END IF;
  IF NEW.start_time IS NOT NULL AND NEW.end_time IS NOT NULL
     AND NEW.end_time OPERATOR(pg_catalog.<=) NEW.start_time THEN
    RAISE EXCEPTION 'new row for relation "%" violates check constraint "%_window"', TG_TABLE_NAME, TG_TABLE_NAME
      USING ERRCODE = 'check_violation', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
            CONSTRAINT = TG_TABLE_NAME || '_window',
            DETAIL = pg_catalog.format('end_time %s is not later than start_time %s.', NEW.end_time, NEW.start_time);
  END IF;
  IF NEW.capacity_minutes IS NULL AND NEW.start_time IS NOT NULL AND NEW.end_time IS NOT NULL THEN
    NEW.capacity_minutes := (pg_catalog.date_part('epoch', NEW.end_time OPERATOR(pg_catalog.-) NEW.start_time)
                             OPERATOR(pg_catalog./) 60)::integer;
  END IF;
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION timepool.keep_service_code() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_WHEN OPERATOR(pg_catalog.<>) 'BEFORE' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'ROW'
     OR TG_OP OPERATOR(pg_catalog.<>) 'UPDATE'
     OR TG_RELID OPERATOR(pg_catalog.<>) 'timepool.services'::pg_catalog.regclass THEN
    RAISE EXCEPTION 'keep_service_code() fired on table "%"', TG_TABLE_NAME
      USING ERRCODE = 'trigger_protocol_violated',
            DETAIL = 'It is the BEFORE UPDATE trigger of timepool.services and runs on nothing else.';
  END IF;
  IF NEW.code IS DISTINCT FROM OLD.code THEN
    RAISE EXCEPTION 'the code of a service cannot be changed'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = pg_catalog.format('Service %s has code %s; reservations and reports name it by that code.',
                                       OLD.id, OLD.code),
            HINT = 'Create a service with the new code, then retire this one with timepool.delete_service().';
  END IF;
  RETURN NEW;
END
$$;

---------------------------------------------------------------------------
-- settings: one row, kept by its trigger rather than by a primary key
--
-- A data-only restore with triggers disabled (pg_dump -a --disable-triggers)
-- copies the dumped row next to the one CREATE EXTENSION made; with a
-- primary key that COPY failed and the clinic's settings were lost.  Now
-- the COPY goes in, the newest row is the one in force (timepool's cache
-- reads it so), and timepool.keep_triggers() removes the older one when the
-- restore enables the triggers again.
---------------------------------------------------------------------------
ALTER TABLE timepool.settings DROP CONSTRAINT settings_pkey;
-- without a key, a publication needs the whole row to identify it
ALTER TABLE timepool.settings REPLICA IDENTITY FULL;

CREATE OR REPLACE FUNCTION timepool.settings_keep_row() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_WHEN OPERATOR(pg_catalog.<>) 'BEFORE' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'ROW'
     OR TG_RELID OPERATOR(pg_catalog.<>) 'timepool.settings'::pg_catalog.regclass THEN
    RAISE EXCEPTION 'settings_keep_row() fired on table "%"', TG_TABLE_NAME
      USING ERRCODE = 'trigger_protocol_violated',
            DETAIL = 'It is the row trigger of timepool.settings and runs on nothing else.';
  END IF;
  IF TG_OP = 'DELETE' THEN
    -- a second row that a restore with triggers disabled left may go; the
    -- rows are locked, so that two such deletes cannot leave none
    IF (SELECT pg_catalog.count(*)
          FROM (SELECT FROM timepool.settings FOR UPDATE) AS l) OPERATOR(pg_catalog.>) 1 THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'timepool.settings must keep its row'
      USING ERRCODE = 'restrict_violation', HINT = 'UPDATE the row instead.';
  END IF;
  -- a NULL is left to the NOT NULL constraint (23502)
  IF NEW.time_zone IS NOT NULL
     AND NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names z
                  WHERE z.name OPERATOR(pg_catalog.=) NEW.time_zone) THEN
    RAISE EXCEPTION 'new row for relation "settings" violates check constraint "settings_time_zone_valid"'
      USING ERRCODE = 'check_violation', TABLE = 'settings', SCHEMA = 'timepool',
            CONSTRAINT = 'settings_time_zone_valid',
            DETAIL = pg_catalog.format('time_zone %L is not an IANA time zone name.', NEW.time_zone),
            HINT = 'SELECT name FROM pg_timezone_names lists the names, such as Europe/Paris.';
  END IF;
  IF TG_OP = 'INSERT' AND NEW.id OPERATOR(pg_catalog.=) 1 THEN
    -- the table always has its row (DELETE and TRUNCATE refuse the last
    -- one): locking it makes concurrent INSERTs replace it one at a time
    PERFORM FROM timepool.settings FOR UPDATE;
    IF FOUND THEN
      -- the row's updated_at comes along: a restore keeps the dumped one
      UPDATE timepool.settings
         SET time_zone = NEW.time_zone,
             min_notice_minutes = NEW.min_notice_minutes,
             max_advance_days = NEW.max_advance_days,
             updated_at = NEW.updated_at;
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP = 'UPDATE' AND pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.=) 1 THEN
    NEW.updated_at := pg_catalog.now();
  END IF;
  RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION timepool.settings_keep_table() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_RELID OPERATOR(pg_catalog.<>) 'timepool.settings'::pg_catalog.regclass THEN
    RAISE EXCEPTION 'settings_keep_table() fired on table "%"', TG_TABLE_NAME
      USING ERRCODE = 'trigger_protocol_violated',
            DETAIL = 'It is the TRUNCATE trigger of timepool.settings and runs on nothing else.';
  END IF;
  RAISE EXCEPTION 'timepool.settings must keep its row'
    USING ERRCODE = 'restrict_violation', HINT = 'UPDATE the row instead.';
END
$$;

---------------------------------------------------------------------------
-- timepool's locks live in a lock space of their own, which no SQL-level
-- advisory lock call reaches; these functions take them for SQL
---------------------------------------------------------------------------
CREATE FUNCTION timepool.lock_service(p_service_id bigint) RETURNS void
AS 'MODULE_PATHNAME', 'tp_lock_service'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION timepool.lock_service(bigint) IS
  'internal: delete_service''s exclusive lock of a service against its bookings; only timepool''s owner may take it';

CREATE FUNCTION timepool.lock_pool(p_resource_id bigint, p_date date, p_period text) RETURNS void
AS 'MODULE_PATHNAME', 'tp_lock_pool'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION timepool.lock_pool(bigint, date, text) IS
  'takes the lock every write to a pool takes, until the end of the transaction: holds the pool still';

COMMENT ON FUNCTION timepool.clinic_now() IS
  'the time every booking rule takes as now: the statement''s start, or timepool.now / timepool.today when a superuser froze it';

COMMENT ON FUNCTION timepool.pool_lock_key(bigint, date, text) IS
  'key of the lock timepool takes for a pool, as pg_locks shows it: locktype advisory, classid 29808, objid this key (as oid), objsubid 29808';

CREATE OR REPLACE FUNCTION timepool.delete_service(p_service text, p_force boolean DEFAULT false)
RETURNS timepool.services
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s timepool.services;
  today date;
  upcoming bigint;
BEGIN
  IF p_service IS NULL THEN
    RAISE EXCEPTION 'p_service must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF p_force IS NULL THEN
    RAISE EXCEPTION 'p_force must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF p_service !~ '^[A-Z][A-Z0-9_]{0,49}$' THEN
    RAISE EXCEPTION 'invalid service code'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A code is an upper-case letter followed by up to 49 upper-case letters, digits or underscores.';
  END IF;
  -- bookings of the service share its lock until they commit: waiting for
  -- them makes the count below see them, and bookings that come later wait
  -- for this and then see the service deleted
  SELECT * INTO s FROM timepool.services
   WHERE code OPERATOR(pg_catalog.=) p_service AND deleted_at IS NULL;
  IF FOUND THEN
    PERFORM timepool.lock_service(s.id);
    SELECT * INTO s FROM timepool.services
     WHERE id OPERATOR(pg_catalog.=) s.id AND deleted_at IS NULL
     FOR UPDATE;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'service "%" does not exist', p_service
      USING ERRCODE = 'TP003', DETAIL = 'No service that is not deleted has this code.';
  END IF;
  today := timepool.clinic_today();
  SELECT pg_catalog.count(*) INTO upcoming FROM timepool.reservations r
   WHERE r.service_id OPERATOR(pg_catalog.=) s.id
     AND r.reservation_date OPERATOR(pg_catalog.>=) today
     AND r.status NOT IN ('CANCELLED', 'REJECTED');
  IF upcoming OPERATOR(pg_catalog.>) 0 AND NOT p_force THEN
    RAISE EXCEPTION 'service "%" has upcoming reservations', p_service
      USING ERRCODE = 'dependent_objects_still_exist',
            DETAIL = pg_catalog.format('%s reservation(s) from %s on hold time for service %s.',
                                       upcoming, pg_catalog.to_char(today, 'YYYY-MM-DD'), p_service),
            HINT = 'Cancel or move them first, or pass p_force => true to delete the service and keep them.';
  END IF;
  UPDATE timepool.services SET deleted_at = pg_catalog.now()
   WHERE id OPERATOR(pg_catalog.=) s.id
  RETURNING * INTO s;
  RETURN s;
END
$$;

---------------------------------------------------------------------------
-- keep_triggers: the triggers that must fire in every session stay so
--
-- pg_dump -a --disable-triggers brackets each table's data with DISABLE
-- TRIGGER ALL and ENABLE TRIGGER ALL, and the latter turns an ENABLE ALWAYS
-- trigger into an ordinary one, which a session with session_replication_role
-- = replica (logical replication's apply) skips.  After every ALTER TABLE of
-- one of timepool's tables, this sets timepool's ALWAYS triggers that came
-- out ordinary back to ALWAYS (a disabled one stays disabled: that was
-- somebody's choice), and drops the older of two settings rows.
---------------------------------------------------------------------------
CREATE FUNCTION timepool.keep_triggers() RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  altered oid[];
  t record;
  role_before text;
BEGIN
  SELECT pg_catalog.array_agg(c.objid) INTO altered
    FROM pg_catalog.pg_event_trigger_ddl_commands() c
    JOIN pg_catalog.pg_class r ON r.oid OPERATOR(pg_catalog.=) c.objid
   WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
     AND r.relnamespace OPERATOR(pg_catalog.=) 'timepool'::pg_catalog.regnamespace;
  IF altered IS NULL THEN
    RETURN;
  END IF;
  FOR t IN SELECT tg.tgrelid::pg_catalog.regclass AS rel, tg.tgname
             FROM pg_catalog.pg_trigger tg
            WHERE tg.tgrelid OPERATOR(pg_catalog.=) ANY (altered)
              AND tg.tgenabled OPERATOR(pg_catalog.=) 'O'
              AND tg.tgfoid OPERATOR(pg_catalog.=) ANY
                  (ARRAY['timepool.invalidate_cache()'::pg_catalog.regprocedure,
                         'timepool.audit_log_append_only()'::pg_catalog.regprocedure]::pg_catalog.oid[])
  LOOP
    EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', t.rel, t.tgname);
  END LOOP;
  IF 'timepool.settings'::pg_catalog.regclass OPERATOR(pg_catalog.=) ANY (altered)
     AND (SELECT pg_catalog.count(*) FROM timepool.settings) OPERATOR(pg_catalog.>) 1 THEN
    -- the restored row is the newest; a superuser (who restores) drops the
    -- other one unlogged, as the rest of the restore is
    role_before := pg_catalog.current_setting('session_replication_role');
    IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) current_user) THEN
      PERFORM pg_catalog.set_config('session_replication_role', 'replica', true);
    END IF;
    DELETE FROM timepool.settings s
     WHERE s.ctid OPERATOR(pg_catalog.<>)
           (SELECT n.ctid FROM timepool.settings n
             ORDER BY pg_catalog.age(n.xmin), n.ctid DESC LIMIT 1);
    PERFORM pg_catalog.set_config('session_replication_role', role_before, true);
  END IF;
END
$$;
COMMENT ON FUNCTION timepool.keep_triggers() IS
  'event trigger: after ALTER TABLE of a timepool table, sets its ALWAYS triggers back to ALWAYS and keeps one settings row';

CREATE EVENT TRIGGER timepool_keep_triggers ON ddl_command_end
  WHEN TAG IN ('ALTER TABLE')
  EXECUTE FUNCTION timepool.keep_triggers();
ALTER EVENT TRIGGER timepool_keep_triggers ENABLE ALWAYS;

---------------------------------------------------------------------------
-- privileges: trigger functions need EXECUTE for nobody (triggers fire
-- whatever the writer was granted); take back what 1.1's README recipe
-- ("GRANT EXECUTE ON ALL FUNCTIONS") gave
---------------------------------------------------------------------------
REVOKE ALL ON FUNCTION timepool.lock_service(bigint), timepool.lock_pool(bigint, date, text),
                       timepool.keep_triggers()
  FROM PUBLIC;
DO $$
DECLARE
  g record;
BEGIN
  FOR g IN SELECT p.oid::pg_catalog.regprocedure AS f, a.grantee
             FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
            WHERE p.pronamespace OPERATOR(pg_catalog.=) 'timepool'::pg_catalog.regnamespace
              AND p.prorettype OPERATOR(pg_catalog.=) ANY
                  (ARRAY['trigger'::pg_catalog.regtype, 'event_trigger'::pg_catalog.regtype]::pg_catalog.oid[])
              AND a.grantee OPERATOR(pg_catalog.<>) p.proowner
  LOOP
    EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM %s CASCADE', g.f,
                              CASE WHEN g.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                   ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) END);
  END LOOP;
END
$$;
