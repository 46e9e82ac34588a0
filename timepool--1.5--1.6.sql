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
  period      text,
  booked_minutes bigint
);
COMMENT ON TABLE timepool.notify_queue IS
  'pools changed by committed transactions while timepool.notify was on, until the notifier sends their payloads on timepool_availability (resource_id 0: every active resource; period NULL: every pool of the day; booked_minutes: what the pool held at that commit, decided under its lock, or NULL for the notifier to read it)';
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

---------------------------------------------------------------------------
-- importing a count-based system's reservations
---------------------------------------------------------------------------
-- The staging table: one row per legacy reservation, as the legacy system
-- stores it (times as text: '9:30', '14:00 ', '10:10:30').  No constraint:
-- import_reservations() reports what it cannot take.
CREATE TABLE timepool.import_rows (
  legacy_id       text,
  legacy_service  text,
  resource_code   text,
  reservation_date date,
  start_time      text,
  patient_name    text,
  patient_phone   text,
  patient_email   text,
  legacy_status   text,
  created_at      timestamptz,
  notes           text,
  price           numeric(10,2)
);
COMMENT ON TABLE timepool.import_rows IS
  'staging for import_reservations(): one row per legacy reservation, loaded by the DBA (COPY or INSERT), emptied by the DBA';
-- legacy service codes (a legacy enum's values) to timepool's services
CREATE TABLE timepool.import_services (
  legacy_service text PRIMARY KEY,
  service_code   text NOT NULL
);
-- one mapping per code as it is compared (trimmed)
CREATE UNIQUE INDEX import_services_trimmed ON timepool.import_services ((btrim(legacy_service)));
COMMENT ON TABLE timepool.import_services IS
  'for import_reservations(): each legacy service code and the code of the timepool service it becomes';
-- legacy statuses to timepool's (a status named as timepool names it needs no row)
CREATE TABLE timepool.import_statuses (
  legacy_status text PRIMARY KEY,
  status        text NOT NULL
                CONSTRAINT import_statuses_status_valid
                CHECK (status IN ('PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW', 'CANCELLED', 'REJECTED'))
);
-- one mapping per status as it is compared (trimmed, case-blind)
CREATE UNIQUE INDEX import_statuses_trimmed ON timepool.import_statuses ((upper(btrim(legacy_status))));
COMMENT ON TABLE timepool.import_statuses IS
  'for import_reservations(): each legacy status and the timepool status it becomes (compared trimmed and case-blind)';
-- what was imported: the legacy id kept with its reservation, by batch.  No
-- foreign key (TRUNCATE timepool.reservations stays possible): a row whose
-- reservation is gone no longer counts, and a rerun imports its legacy row
-- again.
CREATE TABLE timepool.imported (
  legacy_id      text PRIMARY KEY,
  reservation_id bigint NOT NULL UNIQUE,
  access_token   uuid,
  batch          text NOT NULL,
  imported_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE timepool.imported IS
  'each legacy reservation import_reservations() imported: its legacy id, the reservation it became (by id and by its access_token, which an id given again after a TRUNCATE does not have), the batch (a rerun skips a legacy id whose reservation still exists)';
CREATE INDEX imported_batch_idx ON timepool.imported (batch);
SELECT pg_catalog.pg_extension_config_dump('timepool.imported', '');
REVOKE ALL ON TABLE timepool.import_rows, timepool.import_services, timepool.import_statuses, timepool.imported FROM PUBLIC;

-- the import itself, row by row, in PL/pgSQL; import_reservations() (C)
-- runs it with the guard told that its past rows are history
CREATE FUNCTION timepool.import_run(p_batch text, p_dry_run boolean, p_now timestamp)
RETURNS TABLE (legacy_id text, outcome text, reservation_id bigint, sqlstate text, reason text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r record;
  v_id text;
  v_code text;
  v_svc bigint;
  v_t text;
  v_time time;
  v_status text;
  v_name text;
  v_res bigint;
  v_rcode text;
  v_period text;
  v_rid bigint;
  -- p_now: the clinic's wall clock, as the guard reads it (import.c); a row
  -- that has ended by then is history
  v_now timestamp := p_now;
  v_required integer;
  v_state text;
  v_msg text;
  v_detail text;
BEGIN
  BEGIN
    -- first booked, first served: the legacy created_at decides who gets a
    -- future pool's last minutes
    FOR r IN SELECT i.*,
                    row_number() OVER (PARTITION BY nullif(btrim(i.legacy_id), '')
                                       ORDER BY i.created_at NULLS LAST, i.reservation_date, i.start_time, i.patient_name) AS nth
               FROM timepool.import_rows i
              ORDER BY i.created_at NULLS LAST, i.legacy_id NULLS LAST, i.reservation_date, i.start_time, i.patient_name
    LOOP
      legacy_id := r.legacy_id; outcome := 'refused'; reservation_id := NULL; sqlstate := NULL; reason := NULL;
      v_id := nullif(btrim(r.legacy_id), '');
      IF v_id IS NULL THEN
        sqlstate := '23502'; reason := 'no legacy id';
        RETURN NEXT; CONTINUE;
      END IF;
      IF r.nth > 1 THEN
        sqlstate := '23505'; reason := 'the legacy id is on an earlier staged row';
        RETURN NEXT; CONTINUE;
      END IF;
      SELECT m.reservation_id INTO v_rid FROM timepool.imported m
       WHERE m.legacy_id = v_id
         AND EXISTS (SELECT FROM timepool.reservations x
                      WHERE x.id = m.reservation_id AND x.access_token IS NOT DISTINCT FROM m.access_token);
      IF FOUND THEN
        outcome := 'already imported'; reservation_id := v_rid;
        RETURN NEXT; CONTINUE;
      END IF;
      -- its reservation deleted since: imported again
      DELETE FROM timepool.imported m WHERE m.legacy_id = v_id;
      -- the service
      SELECT m.service_code INTO v_code FROM timepool.import_services m
       WHERE btrim(m.legacy_service) = btrim(r.legacy_service);
      IF v_code IS NULL THEN
        sqlstate := 'TP003'; reason := format('unknown legacy service %s (no row in import_services)', coalesce(quote_literal(r.legacy_service), 'NULL'));
        RETURN NEXT; CONTINUE;
      END IF;
      SELECT s.id, s.duration_minutes + s.buffer_minutes INTO v_svc, v_required
        FROM timepool.services s WHERE s.code = v_code AND s.deleted_at IS NULL;
      IF v_svc IS NULL THEN
        sqlstate := 'TP003'; reason := format('service %s does not exist', v_code);
        RETURN NEXT; CONTINUE;
      END IF;
      -- the date and the time, as legacy systems write it
      v_t := btrim(r.start_time);
      IF r.reservation_date IS NULL OR NOT isfinite(r.reservation_date) THEN
        sqlstate := '22007'; reason := 'no date';
        RETURN NEXT; CONTINUE;
      END IF;
      IF v_t IS NULL OR v_t !~ '^[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$'
         OR split_part(v_t, ':', 1)::int > 23 OR split_part(v_t, ':', 2)::int > 59
         OR coalesce(nullif(split_part(v_t, ':', 3), '')::int, 0) > 59 THEN
        sqlstate := '22007'; reason := format('start time %s not understood (H:MM, HH:MM or HH:MM:SS)', coalesce(quote_literal(r.start_time), 'NULL'));
        RETURN NEXT; CONTINUE;
      END IF;
      IF coalesce(nullif(split_part(v_t, ':', 3), '')::int, 0) <> 0 THEN
        sqlstate := '22007'; reason := format('start time %s has seconds: timepool keeps whole minutes', quote_literal(r.start_time));
        RETURN NEXT; CONTINUE;
      END IF;
      v_time := make_time(split_part(v_t, ':', 1)::int, split_part(v_t, ':', 2)::int, 0);
      -- the status
      SELECT m.status INTO v_status FROM timepool.import_statuses m
       WHERE upper(btrim(m.legacy_status)) = upper(btrim(r.legacy_status));
      IF v_status IS NULL AND upper(btrim(r.legacy_status)) IN ('PENDING', 'CONFIRMED', 'COMPLETED', 'NO_SHOW', 'CANCELLED', 'REJECTED') THEN
        v_status := upper(btrim(r.legacy_status));
      END IF;
      IF v_status IS NULL THEN
        sqlstate := '22023'; reason := format('unknown legacy status %s (no row in import_statuses)', coalesce(quote_literal(r.legacy_status), 'NULL'));
        RETURN NEXT; CONTINUE;
      END IF;
      v_name := nullif(btrim(r.patient_name), '');
      IF v_name IS NULL THEN
        sqlstate := '23502'; reason := 'no patient name';
        RETURN NEXT; CONTINUE;
      END IF;
      -- the resource, when the row names one
      v_res := NULL; v_rcode := nullif(btrim(r.resource_code), '');
      IF v_rcode IS NOT NULL THEN
        SELECT x.id INTO v_res FROM timepool.resources x WHERE x.code = v_rcode;
        IF v_res IS NULL THEN
          sqlstate := 'TP003'; reason := format('unknown resource %s', v_rcode);
          RETURN NEXT; CONTINUE;
        END IF;
      END IF;

      BEGIN
        IF r.reservation_date + v_time + make_interval(mins => v_required) <= v_now THEN
          -- history: as it was, where it was, over capacity if it was
          IF v_res IS NULL THEN
            -- as book_service chooses: a resource that performs the service,
            -- the one with the most minutes left that day, then by code
            SELECT x.id, x.code INTO v_res, v_rcode
              FROM timepool.resources x
             WHERE x.is_active
               AND (NOT EXISTS (SELECT FROM timepool.resource_services k WHERE k.resource_id = x.id)
                    OR EXISTS (SELECT FROM timepool.resource_services k WHERE k.resource_id = x.id AND k.service_id = v_svc))
             ORDER BY (SELECT coalesce(sum(a.remaining_minutes), 0)
                         FROM timepool.availability(r.reservation_date, p_resource => x.code) a) DESC, x.code
             LIMIT 1;
            IF v_res IS NULL THEN
              RAISE EXCEPTION 'no active resource performs %', v_code USING ERRCODE = 'TP008';
            END IF;
          END IF;
          -- its period: the weekly period of that day whose window holds the
          -- start, else LEGACY (history need not fit today's schedule)
          v_period := NULL;
          SELECT w.period INTO v_period
            FROM timepool.clinic_time_slots w
           WHERE w.resource_id = v_res AND w.is_active
             AND w.day_of_week = extract(dow FROM r.reservation_date)
             AND r.reservation_date BETWEEN coalesce(w.effective_from, '-infinity') AND coalesce(w.effective_until, 'infinity')
             AND v_time >= w.start_time AND v_time < w.end_time
           ORDER BY w.start_time LIMIT 1;
          INSERT INTO timepool.reservations
                 (resource_id, service_id, reservation_date, start_time, period, status, patient_name,
                  patient_phone, patient_email, notes, created_at, updated_at, price,
                  status_changed_at)
          SELECT v_res, v_svc, r.reservation_date, v_time, coalesce(v_period, 'LEGACY'), v_status, v_name,
                 nullif(btrim(r.patient_phone), ''), nullif(btrim(r.patient_email), ''), r.notes,
                 coalesce(r.created_at, now()), coalesce(r.created_at, now()),
                 coalesce(r.price, (SELECT s.price FROM timepool.services s WHERE s.id = v_svc)),
                 coalesce(r.created_at, now())
          RETURNING id INTO v_rid;
        ELSIF v_status IN ('COMPLETED', 'NO_SHOW') THEN
          RAISE EXCEPTION 'a reservation that has not ended by now cannot be %', v_status USING ERRCODE = '22023';
        ELSIF v_status IN ('CANCELLED', 'REJECTED') THEN
          -- a future row that holds no time: kept as it is, judged like any write
          IF v_res IS NULL THEN
            RAISE EXCEPTION 'a cancelled row names no resource' USING ERRCODE = 'TP003';
          END IF;
          INSERT INTO timepool.reservations
                 (resource_id, service_id, reservation_date, start_time, status, patient_name,
                  patient_phone, patient_email, notes, created_at, price)
          VALUES (v_res, v_svc, r.reservation_date, v_time, v_status, v_name,
                  nullif(btrim(r.patient_phone), ''), nullif(btrim(r.patient_email), ''), r.notes,
                  coalesce(r.created_at, now()),
                  coalesce(r.price, (SELECT s.price FROM timepool.services s WHERE s.id = v_svc)))
          RETURNING id INTO v_rid;
        ELSE
          -- a booking: every rule of book_service, now
          SELECT b.id INTO v_rid
            FROM timepool.book_service(p_service => v_code, p_date => r.reservation_date, p_time => v_time,
                                       p_patient_name => v_name,
                                       p_patient_phone => nullif(btrim(r.patient_phone), ''),
                                       p_patient_email => nullif(btrim(r.patient_email), ''),
                                       p_notes => r.notes, p_resource => v_rcode, p_status => v_status) b;
          IF r.price IS NOT NULL OR r.created_at IS NOT NULL THEN
            UPDATE timepool.reservations x
               SET price = coalesce(r.price, x.price), created_at = coalesce(r.created_at, x.created_at)
             WHERE x.id = v_rid;
          END IF;
        END IF;
        INSERT INTO timepool.imported (legacy_id, reservation_id, access_token, batch)
        SELECT v_id, v_rid, x.access_token, p_batch FROM timepool.reservations x WHERE x.id = v_rid;
        v_state := NULL;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        IF v_state IN ('57014', '40P01', '40001', '53100', '53200', '53300', '55P03') THEN
          RAISE;   -- not this row's fault: the import stops, nothing taken
        END IF;
      END;
      IF v_state IS NULL THEN
        -- a dry run's ids are rolled back with its rows: none is reported
        outcome := 'imported'; reservation_id := CASE WHEN p_dry_run THEN NULL ELSE v_rid END;
      ELSE
        sqlstate := v_state; reason := v_msg || coalesce(' (' || nullif(v_detail, '') || ')', '');
      END IF;
      RETURN NEXT;
    END LOOP;
    IF p_dry_run THEN
      RAISE EXCEPTION 'timepool import: dry run' USING ERRCODE = 'TPDRY';
    END IF;
  EXCEPTION WHEN SQLSTATE 'TPDRY' THEN
    NULL;   -- a dry run: every change rolled back, the report kept
  END;
END
$$;
REVOKE ALL ON FUNCTION timepool.import_run(text, boolean, timestamp) FROM PUBLIC;
COMMENT ON FUNCTION timepool.import_run(text, boolean, timestamp) IS
  'the row-by-row work of import_reservations(), which alone should call it, p_now the clinic''s wall clock (called directly, its history is judged like any INSERT)';

CREATE FUNCTION timepool.import_reservations(p_batch text, p_dry_run boolean DEFAULT false)
RETURNS TABLE (legacy_id text, outcome text, reservation_id bigint, sqlstate text, reason text)
AS 'MODULE_PATHNAME', 'tp_import_reservations'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION timepool.import_reservations(text, boolean) FROM PUBLIC;
COMMENT ON FUNCTION timepool.import_reservations(text, boolean) IS
  'imports timepool.import_rows in one transaction as batch p_batch (p_dry_run: changes nothing) and reports each staged row once: imported, already imported or refused, with the reservation, SQLSTATE and reason; past rows are history (kept over capacity), future rows are bookings decided now';
