/* timepool--1.0--1.1.sql: service catalogue, booking policy and audit trail */

\echo Use "ALTER EXTENSION timepool UPDATE TO '1.1'" to load this file. \quit

---------------------------------------------------------------------------
-- service_categories: the catalogue's categories, as data
---------------------------------------------------------------------------
CREATE TABLE timepool.service_categories (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code          text NOT NULL
                CONSTRAINT service_categories_code_format CHECK (code ~ '^[A-Z][A-Z0-9_]{0,49}$'),
  name          text NOT NULL
                CONSTRAINT service_categories_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
  display_order integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT service_categories_code_key UNIQUE (code)
);
COMMENT ON TABLE timepool.service_categories IS
  'categories of the service catalogue; services.category holds a category''s code';

CREATE TRIGGER service_categories_touch BEFORE UPDATE ON timepool.service_categories
  FOR EACH ROW EXECUTE FUNCTION timepool.touch_updated_at();

-- 1.0 kept the category as free text: each distinct text becomes a category
-- named by that text (blank: "Category"), with a code made from it: upper
-- case, every run of other characters as "_", "C_" before a leading digit,
-- "CATEGORY" if nothing is left, cut to 50 characters, and "_2", "_3", ...
-- where the code is taken already.  The services then refer to the code;
-- their updated_at is left as it was.
DO $$
DECLARE
  t text;
  base text;
  candidate text;
  n integer;
  olds text[] := '{}';
  codes text[] := '{}';
BEGIN
  FOR t IN SELECT DISTINCT category COLLATE "C" FROM timepool.services
            WHERE category IS NOT NULL ORDER BY 1
  LOOP
    base := pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.upper(t), '[^A-Z0-9]+', '_', 'g'), '_');
    IF base = '' THEN
      base := 'CATEGORY';
    ELSIF base !~ '^[A-Z]' THEN
      base := 'C_' || base;
    END IF;
    base := pg_catalog.rtrim(pg_catalog.left(base, 50), '_');
    candidate := base;
    n := 1;
    WHILE candidate = ANY (codes) LOOP
      n := n + 1;
      candidate := pg_catalog.rtrim(pg_catalog.left(base, 49 - pg_catalog.length(n::text)), '_') || '_' || n;
    END LOOP;
    INSERT INTO timepool.service_categories (code, name)
    VALUES (candidate, coalesce(nullif(pg_catalog.btrim(t), ''), 'Category'));
    olds := olds || t;
    codes := codes || candidate;
  END LOOP;
  IF pg_catalog.cardinality(olds) > 0 THEN
    ALTER TABLE timepool.services DISABLE TRIGGER services_touch;
    UPDATE timepool.services s SET category = m.code
      FROM ROWS FROM (pg_catalog.unnest(olds), pg_catalog.unnest(codes)) AS m(old, code)
     WHERE s.category = m.old;
    ALTER TABLE timepool.services ENABLE TRIGGER services_touch;
  END IF;
END
$$;

ALTER TABLE timepool.services DROP CONSTRAINT services_category_length;
ALTER TABLE timepool.services
  ADD CONSTRAINT services_category_fkey FOREIGN KEY (category)
      REFERENCES timepool.service_categories (code) ON UPDATE CASCADE ON DELETE RESTRICT;
CREATE INDEX services_category_idx ON timepool.services (category);

---------------------------------------------------------------------------
-- services: booking policy per service
---------------------------------------------------------------------------
ALTER TABLE timepool.services
  ADD COLUMN min_notice_minutes integer
      CONSTRAINT services_min_notice_range CHECK (min_notice_minutes BETWEEN 0 AND 525600),
  ADD COLUMN max_advance_days integer
      CONSTRAINT services_max_advance_range CHECK (max_advance_days BETWEEN 0 AND 3660),
  ADD COLUMN daily_cap_minutes integer
      CONSTRAINT services_daily_cap_range CHECK (daily_cap_minutes BETWEEN 1 AND 1000000);
COMMENT ON COLUMN timepool.services.min_notice_minutes IS
  'minutes of notice a booking of this service needs; NULL = timepool.settings.min_notice_minutes';
COMMENT ON COLUMN timepool.services.max_advance_days IS
  'how many days ahead this service can be booked; NULL = timepool.settings.max_advance_days';
COMMENT ON COLUMN timepool.services.daily_cap_minutes IS
  'most minutes of this service booked on one date across all resources; NULL = no cap';

-- A service's code is how reservations, reports and applications name it.
CREATE FUNCTION timepool.keep_service_code() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
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
COMMENT ON FUNCTION timepool.keep_service_code() IS
  'trigger: refuses a change of services.code';

CREATE TRIGGER services_keep_code BEFORE UPDATE OF code ON timepool.services
  FOR EACH ROW EXECUTE FUNCTION timepool.keep_service_code();

-- The service-day index: a daily cap sums required_minutes through it.
CREATE INDEX reservations_service_day_idx
  ON timepool.reservations (service_id, reservation_date) INCLUDE (required_minutes)
  WHERE status NOT IN ('CANCELLED', 'REJECTED');

---------------------------------------------------------------------------
-- settings: the clinic's booking policy, one row
---------------------------------------------------------------------------
CREATE TABLE timepool.settings (
  id                 smallint NOT NULL DEFAULT 1 PRIMARY KEY
                     CONSTRAINT settings_single_row CHECK (id = 1),
  time_zone          text NOT NULL,
  min_notice_minutes integer NOT NULL DEFAULT 0
                     CONSTRAINT settings_min_notice_range CHECK (min_notice_minutes BETWEEN 0 AND 525600),
  max_advance_days   integer NOT NULL DEFAULT 365
                     CONSTRAINT settings_max_advance_range CHECK (max_advance_days BETWEEN 0 AND 3660),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE timepool.settings IS
  'the clinic''s booking policy, one row: its time zone, the minimum notice and how far ahead bookings are taken';

-- Keeps the one row: checks the time zone, turns an INSERT into an update
-- of the row (so that pg_dump's data replaces the row the install made,
-- updated_at included) and refuses DELETE.
CREATE FUNCTION timepool.settings_keep_row() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
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
  IF TG_OP = 'INSERT' AND NEW.id OPERATOR(pg_catalog.=) 1
     AND EXISTS (SELECT FROM timepool.settings WHERE id OPERATOR(pg_catalog.=) 1) THEN
    -- the row's updated_at comes along: a restore keeps the dumped one
    UPDATE timepool.settings
       SET time_zone = NEW.time_zone,
           min_notice_minutes = NEW.min_notice_minutes,
           max_advance_days = NEW.max_advance_days,
           updated_at = NEW.updated_at
     WHERE id OPERATOR(pg_catalog.=) 1;
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.=) 1 THEN
    NEW.updated_at := pg_catalog.now();
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION timepool.settings_keep_row() IS
  'trigger: checks settings.time_zone, makes an INSERT replace the one row, refuses DELETE';

CREATE FUNCTION timepool.settings_keep_table() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION 'timepool.settings must keep its row'
    USING ERRCODE = 'restrict_violation', HINT = 'UPDATE the row instead.';
END
$$;
COMMENT ON FUNCTION timepool.settings_keep_table() IS
  'trigger: refuses TRUNCATE of timepool.settings';

CREATE TRIGGER settings_keep_row BEFORE INSERT OR UPDATE OR DELETE ON timepool.settings
  FOR EACH ROW EXECUTE FUNCTION timepool.settings_keep_row();
CREATE TRIGGER settings_keep_table BEFORE TRUNCATE ON timepool.settings
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.settings_keep_table();

-- The time zone in effect where the extension is installed (the server's
-- TimeZone unless the session changed it); UTC if it is not an IANA name.
INSERT INTO timepool.settings (time_zone)
SELECT coalesce((SELECT z.name FROM pg_catalog.pg_timezone_names z
                  WHERE z.name OPERATOR(pg_catalog.=) pg_catalog.current_setting('TimeZone')),
                'UTC');

CREATE TRIGGER settings_invalidate_cache
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON timepool.settings
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache();
ALTER TABLE timepool.settings ENABLE ALWAYS TRIGGER settings_invalidate_cache;

CREATE FUNCTION timepool.clinic_now() RETURNS timestamptz
AS 'MODULE_PATHNAME', 'tp_clinic_now'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.clinic_now() IS
  'the time every booking rule takes as now: the transaction''s start, or timepool.now / timepool.today when a superuser froze it';

CREATE FUNCTION timepool.clinic_today() RETURNS date
AS 'MODULE_PATHNAME', 'tp_clinic_today'
LANGUAGE C STABLE PARALLEL UNSAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.clinic_today() IS
  'today in the clinic''s time zone (timepool.settings.time_zone): the date every booking rule takes as today';

---------------------------------------------------------------------------
-- audit_log: who changed what, append-only
---------------------------------------------------------------------------
CREATE TABLE timepool.audit_log (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  changed_at     timestamptz NOT NULL DEFAULT now(),
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  changed_by     text NOT NULL,
  session_role   text NOT NULL,
  table_name     text NOT NULL,
  row_id         bigint,
  action         text NOT NULL
                 CONSTRAINT audit_log_action_valid CHECK (action IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
  old_row        jsonb,
  new_row        jsonb
);
COMMENT ON TABLE timepool.audit_log IS
  'every change to the catalogue, the schedule, the settings and the reservations: when, by whom, old and new row; append-only';
COMMENT ON COLUMN timepool.audit_log.changed_by IS
  'current_user of the statement that made the change (the caller of a timepool function, not the function''s owner)';
COMMENT ON COLUMN timepool.audit_log.session_role IS
  'session_user of the connection that made the change';

CREATE INDEX audit_log_row_idx ON timepool.audit_log (table_name, row_id);

CREATE FUNCTION timepool.audit_change() RETURNS trigger
AS 'MODULE_PATHNAME', 'tp_audit_change'
LANGUAGE C SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.audit_change() IS
  'trigger: writes a row''s change (or a TRUNCATE) to timepool.audit_log';

CREATE FUNCTION timepool.audit_log_append_only() RETURNS trigger
AS 'MODULE_PATHNAME', 'tp_audit_log_append_only'
LANGUAGE C SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION timepool.audit_log_append_only() IS
  'trigger: lets only the owner of timepool.audit_log write to it';

CREATE TRIGGER audit_log_append_only
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON timepool.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_log_append_only();
ALTER TABLE timepool.audit_log ENABLE ALWAYS TRIGGER audit_log_append_only;

CREATE TRIGGER resources_audit AFTER INSERT OR UPDATE OR DELETE ON timepool.resources
  FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER resources_audit_truncate AFTER TRUNCATE ON timepool.resources
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER services_audit AFTER INSERT OR UPDATE OR DELETE ON timepool.services
  FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER services_audit_truncate AFTER TRUNCATE ON timepool.services
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER service_categories_audit AFTER INSERT OR UPDATE OR DELETE ON timepool.service_categories
  FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER service_categories_audit_truncate AFTER TRUNCATE ON timepool.service_categories
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER clinic_time_slots_audit AFTER INSERT OR UPDATE OR DELETE ON timepool.clinic_time_slots
  FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER clinic_time_slots_audit_truncate AFTER TRUNCATE ON timepool.clinic_time_slots
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER schedule_overrides_audit AFTER INSERT OR UPDATE OR DELETE ON timepool.schedule_overrides
  FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER schedule_overrides_audit_truncate AFTER TRUNCATE ON timepool.schedule_overrides
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER settings_audit AFTER INSERT OR UPDATE OR DELETE ON timepool.settings
  FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER reservations_audit AFTER INSERT OR UPDATE OR DELETE ON timepool.reservations
  FOR EACH ROW EXECUTE FUNCTION timepool.audit_change();
CREATE TRIGGER reservations_audit_truncate AFTER TRUNCATE ON timepool.reservations
  FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_change();

CREATE VIEW timepool.reservation_history AS
  SELECT a.row_id AS reservation_id,
         a.id AS audit_id,
         a.changed_at,
         a.action,
         a.old_row ->> 'status' AS old_status,
         a.new_row ->> 'status' AS new_status,
         CASE WHEN a.new_row ->> 'status' = 'CANCELLED'
                   AND (a.old_row ->> 'status') IS DISTINCT FROM 'CANCELLED'
              THEN a.new_row ->> 'cancel_reason' END AS cancel_reason,
         a.changed_by,
         a.session_role,
         (SELECT jsonb_object_agg(n.key, jsonb_build_object('old', a.old_row -> n.key, 'new', n.value))
            FROM jsonb_each(a.new_row) AS n
           WHERE a.action = 'UPDATE'
             AND n.key NOT IN ('updated_at', 'status_changed_at')
             AND (a.old_row -> n.key) IS DISTINCT FROM n.value) AS changes,
         a.old_row,
         a.new_row
    FROM timepool.audit_log a
   WHERE a.table_name = 'reservations' AND a.row_id IS NOT NULL;
COMMENT ON VIEW timepool.reservation_history IS
  'every change of every reservation, from timepool.audit_log: creation, status changes (with the reason for a cancellation), edits; ORDER BY audit_id';

---------------------------------------------------------------------------
-- the catalogue's functions
---------------------------------------------------------------------------
CREATE FUNCTION timepool.delete_service(p_service text, p_force boolean DEFAULT false)
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
  -- bookings of the service share its lock (29811, hashint8(id)) until they
  -- commit: waiting for them makes the count below see them, and bookings
  -- that come later wait for this and then see the service deleted
  SELECT * INTO s FROM timepool.services
   WHERE code OPERATOR(pg_catalog.=) p_service AND deleted_at IS NULL;
  IF FOUND THEN
    PERFORM pg_catalog.pg_advisory_xact_lock(29811, pg_catalog.hashint8(s.id));
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
COMMENT ON FUNCTION timepool.delete_service(text, boolean) IS
  'soft-deletes a service: no longer listed or bookable, history kept, code free again; refused while it has upcoming reservations unless p_force';

CREATE FUNCTION timepool.restore_service(p_id bigint)
RETURNS timepool.services
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s timepool.services;
  holder bigint;
BEGIN
  IF p_id IS NULL THEN
    RAISE EXCEPTION 'p_id must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT * INTO s FROM timepool.services WHERE id OPERATOR(pg_catalog.=) p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'service % does not exist', p_id USING ERRCODE = 'TP003';
  END IF;
  IF s.deleted_at IS NULL THEN
    RAISE EXCEPTION 'service % is not deleted', p_id
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = pg_catalog.format('Service %s (%s) is live.', p_id, s.code);
  END IF;
  SELECT id INTO holder FROM timepool.services
   WHERE code OPERATOR(pg_catalog.=) s.code AND deleted_at IS NULL;
  IF FOUND THEN
    RAISE EXCEPTION 'service code "%" is in use', s.code
      USING ERRCODE = 'unique_violation',
            DETAIL = pg_catalog.format('Service %s now has code %s.', holder, s.code),
            HINT = 'Delete that service first, or keep this one deleted.';
  END IF;
  UPDATE timepool.services SET deleted_at = NULL
   WHERE id OPERATOR(pg_catalog.=) p_id
  RETURNING * INTO s;
  RETURN s;
END
$$;
COMMENT ON FUNCTION timepool.restore_service(bigint) IS
  'brings back a deleted service, if no live service has taken its code';

---------------------------------------------------------------------------
-- bookable_services: with the category's name and order
---------------------------------------------------------------------------
CREATE OR REPLACE VIEW timepool.bookable_services AS
  SELECT s.id, s.code, s.name, s.description, s.category,
         s.duration_minutes, s.buffer_minutes,
         s.duration_minutes + s.buffer_minutes AS required_minutes,
         s.price, s.display_order,
         c.name AS category_name,
         c.display_order AS category_display_order
    FROM timepool.services s
    LEFT JOIN timepool.service_categories c ON c.code = s.category
   WHERE s.is_active AND s.is_visible AND s.deleted_at IS NULL
   ORDER BY c.display_order NULLS LAST, c.code, s.display_order, s.code;
COMMENT ON VIEW timepool.bookable_services IS
  'services that can be booked now (active, visible, not deleted), with their required minutes and category, in display order';

---------------------------------------------------------------------------
-- privileges: the new objects, like the old, go to nobody until granted
---------------------------------------------------------------------------
REVOKE ALL ON TABLE timepool.service_categories, timepool.settings, timepool.audit_log,
                    timepool.reservation_history FROM PUBLIC;
REVOKE ALL ON FUNCTION timepool.keep_service_code(), timepool.settings_keep_row(),
                       timepool.settings_keep_table(), timepool.clinic_now(), timepool.clinic_today(),
                       timepool.audit_change(), timepool.audit_log_append_only(),
                       timepool.delete_service(text, boolean), timepool.restore_service(bigint)
  FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('timepool.service_categories', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.service_categories_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.settings', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('timepool.audit_log_id_seq', '');
