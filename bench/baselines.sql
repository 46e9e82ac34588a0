-- bench/baselines.sql: the baselines timepool is measured against, and
-- the helpers the workloads call.  Included by setup.sql and hot.sql.

CREATE SCHEMA bench;

-- Baseline 2: a plain table with the same columns, indexes and checks, and
-- none of the extension's triggers or logic.
CREATE TABLE bench.plain_reservations (LIKE timepool.reservations INCLUDING ALL);

-- Baseline 3: the design timepool replaces.  Read the capacity, SUM the
-- booked minutes, INSERT; correctness left to SERIALIZABLE and client retries.
CREATE TABLE bench.naive_reservations (LIKE timepool.reservations INCLUDING ALL);

CREATE FUNCTION bench.naive_book(p_resource bigint, p_service bigint, p_date date, p_time time,
                                 p_patient text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  s timepool.services;
  slot timepool.clinic_time_slots;
  used integer;
  finish time;
BEGIN
  SELECT * INTO s FROM timepool.services WHERE id = p_service AND is_active AND deleted_at IS NULL;
  SELECT * INTO slot FROM timepool.clinic_time_slots
   WHERE resource_id = p_resource AND day_of_week = extract(dow FROM p_date) AND is_active
     AND start_time <= p_time AND p_time < end_time;
  -- time arithmetic wraps at midnight: a window ending at midnight ends at 24:00
  finish := p_time + make_interval(mins => s.duration_minutes + s.buffer_minutes);
  IF finish = time '00:00' THEN
    finish := time '24:00';
  END IF;
  IF slot.id IS NULL OR finish <= p_time OR finish > slot.end_time THEN
    RETURN false;
  END IF;
  SELECT coalesce(sum(required_minutes), 0) INTO used FROM bench.naive_reservations
   WHERE resource_id = p_resource AND reservation_date = p_date AND period = slot.period
     AND status NOT IN ('CANCELLED', 'REJECTED');
  IF used + s.duration_minutes + s.buffer_minutes > slot.capacity_minutes THEN
    RETURN false;
  END IF;
  INSERT INTO bench.naive_reservations
         (resource_id, service_id, service_code, service_name, duration_minutes, buffer_minutes,
          required_minutes, price, reservation_date, start_time, end_time, period, patient_name)
  VALUES (p_resource, p_service, s.code, s.name, s.duration_minutes, s.buffer_minutes,
          s.duration_minutes + s.buffer_minutes, s.price, p_date, p_time, finish, slot.period, p_patient);
  RETURN true;
END
$$;

-- timepool's side of workload 3: a refusal (TP001/TP002, TP007 for a taken
-- time) is a decision, not an error that would stop pgbench's client.
CREATE FUNCTION bench.try_book(p_service text, p_date date, p_time time, p_patient text,
                               p_resource text DEFAULT NULL)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM timepool.book_service(p_service, p_date, p_time, p_patient, p_resource => p_resource);
  RETURN true;
EXCEPTION WHEN SQLSTATE 'TP001' OR SQLSTATE 'TP002' OR SQLSTATE 'TP007' THEN
  RETURN false;
END
$$;

-- Pools whose booked minutes exceed their capacity, in a reservations table.
CREATE FUNCTION bench.overbooked(p_table regclass) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format($q$
    SELECT count(*) FROM (
      SELECT r.resource_id, r.reservation_date, r.period, sum(r.required_minutes) AS booked
        FROM %s r WHERE r.status NOT IN ('CANCELLED', 'REJECTED') AND r.reservation_date >= current_date
       GROUP BY 1, 2, 3) b
    JOIN timepool.clinic_time_slots s
      ON s.resource_id = b.resource_id AND s.period = b.period
     AND s.day_of_week = extract(dow FROM b.reservation_date) AND s.is_active
   WHERE b.booked > s.capacity_minutes$q$, p_table) INTO n;
  RETURN n;
END
$$;

-- Baseline 6: timepool.open_slots() in plain SQL, the same rules: a
-- generate_series over each pool's grid, then for every start the pool's
-- minutes, the clock (the most reservations at once in the window: at its
-- start or at a reservation's start inside it), who performs what, the
-- weekly schedule with the override that applies, holds until they
-- expire, notice, advance limit, the daily cap and the clocks' skipped
-- hour; of the pools that fit a start, the one book_service() takes.
CREATE FUNCTION bench.open_slots_sql(p_service text, p_from date, p_to date DEFAULT NULL,
                                     p_step_minutes integer DEFAULT 15, p_resource text DEFAULT NULL)
RETURNS TABLE (resource text, date date, period text, start_time time, end_time time,
               remaining_minutes integer)
LANGUAGE sql STABLE AS $$
WITH svc AS (
  SELECT s.id, s.duration_minutes + s.buffer_minutes AS req, s.daily_cap_minutes AS cap,
         coalesce(s.min_notice_minutes, st.min_notice_minutes) AS notice,
         coalesce(s.max_advance_days, st.max_advance_days) AS advance, st.time_zone AS tz
    FROM timepool.services s, timepool.settings st
   WHERE s.code = p_service AND s.is_active AND s.deleted_at IS NULL
), days AS (
  SELECT d::date AS d FROM generate_series(p_from, coalesce(p_to, p_from), interval '1 day') d
), res AS (
  SELECT r.id, r.code, r.max_concurrent FROM timepool.resources r, svc
   WHERE r.is_active AND (p_resource IS NULL OR r.code = p_resource)
     AND (NOT EXISTS (SELECT FROM timepool.resource_services x WHERE x.resource_id = r.id)
          OR EXISTS (SELECT FROM timepool.resource_services x WHERE x.resource_id = r.id AND x.service_id = svc.id))
), labels AS (   -- every period a resource may have on a date: weekly or an override's
  SELECT res.id AS rid, days.d, w.period FROM res, days, timepool.clinic_time_slots w
   WHERE w.resource_id = res.id AND w.is_active AND w.day_of_week = extract(dow FROM days.d)
     AND days.d BETWEEN coalesce(w.effective_from, '-infinity') AND coalesce(w.effective_until, 'infinity')
  UNION
  SELECT res.id, days.d, o.period FROM res, days, timepool.schedule_overrides o
   WHERE days.d BETWEEN o.date AND coalesce(o.end_date, o.date) AND o.period IS NOT NULL AND NOT o.is_closed
     AND (o.resource_id IS NULL OR o.resource_id = res.id)
), pools AS (
  SELECT l.rid, l.d, l.period, coalesce(o.start_time, w.start_time) AS ps, coalesce(o.end_time, w.end_time) AS pe,
         CASE WHEN o.is_closed THEN 0 ELSE coalesce(o.capacity_minutes, w.capacity_minutes) END AS cap,
         coalesce(o.is_closed, false) AS closed, w.id AS weekly
    FROM labels l
    LEFT JOIN timepool.clinic_time_slots w
      ON w.resource_id = l.rid AND w.is_active AND w.period = l.period AND w.day_of_week = extract(dow FROM l.d)
     AND l.d BETWEEN coalesce(w.effective_from, '-infinity') AND coalesce(w.effective_until, 'infinity')
    LEFT JOIN LATERAL (   -- the best of the resource's rows and of the clinic's, then the rule between them
      WITH c AS (
        SELECT DISTINCT ON (o.resource_id IS NULL) o.*, coalesce(o.end_date, o.date) - o.date AS span
          FROM timepool.schedule_overrides o
         WHERE l.d BETWEEN o.date AND coalesce(o.end_date, o.date) AND (o.resource_id IS NULL OR o.resource_id = l.rid)
           AND (o.period IS NULL OR o.period = l.period)
         ORDER BY o.resource_id IS NULL, coalesce(o.end_date, o.date) - o.date, o.period IS NULL, o.date DESC)
      SELECT c.* FROM c
       ORDER BY CASE WHEN c.resource_id IS NULL THEN 1
                     WHEN NOT c.is_closed AND EXISTS (SELECT FROM c a WHERE a.resource_id IS NULL AND a.is_closed
                                                                       AND a.span < c.span) THEN 2
                     ELSE 0 END
       LIMIT 1) o ON true
), open_pools AS (   -- a period no weekly row has needs an opening override's window
  SELECT p.*, p.cap - coalesce((SELECT sum(b.required_minutes) FROM timepool.reservations b
                                 WHERE b.resource_id = p.rid AND b.reservation_date = p.d AND b.period = p.period
                                   AND b.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')
                                   AND (b.hold_expires_at IS NULL OR b.hold_expires_at > timepool.clinic_now())), 0)
           AS remaining
    FROM pools p WHERE NOT p.closed AND (p.weekly IS NOT NULL OR p.ps IS NOT NULL)
), grid AS (
  SELECT DISTINCT p.rid, p.d, (p.ps + make_interval(mins => k))::time AS s,
         extract(epoch FROM p.ps)::int / 60 + k AS sm
    FROM pools p, svc,
         generate_series(0, extract(epoch FROM p.pe - p.ps)::int / 60 - svc.req, p_step_minutes) k
   WHERE p.ps IS NOT NULL
), cand AS (
  SELECT g.rid, g.d, g.s, g.sm, op.period, op.ps, op.remaining, svc.req
    FROM grid g JOIN open_pools op ON op.rid = g.rid AND op.d = g.d, svc
   WHERE g.sm >= extract(epoch FROM op.ps) / 60 AND g.sm + svc.req <= extract(epoch FROM op.pe) / 60
     AND op.remaining >= svc.req
     -- notice, past dates and the advance limit, on the clinic's clock
     AND (g.d + g.s) >= (timepool.clinic_now() + make_interval(mins => svc.notice)) AT TIME ZONE svc.tz
     AND g.d <= timepool.clinic_today() + svc.advance
     -- the daily cap
     AND (svc.cap IS NULL OR svc.req + coalesce((
           SELECT sum(b.required_minutes) FROM timepool.reservations b
            WHERE b.service_id = svc.id AND b.reservation_date = g.d
              AND b.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')
              AND (b.hold_expires_at IS NULL OR b.hold_expires_at > timepool.clinic_now())), 0) <= svc.cap)
     -- a window that exists on the clinic's clock: its first and last minutes
     -- a real req - 1 minutes apart (it may end where the clocks skip)
     AND (((g.d + g.s) AT TIME ZONE svc.tz + make_interval(mins => svc.req - 1)) AT TIME ZONE svc.tz)
         = (g.d + g.s) + make_interval(mins => svc.req - 1)
     AND ((g.d + g.s) AT TIME ZONE svc.tz) AT TIME ZONE svc.tz = (g.d + g.s)
     -- the clock: fewer than max_concurrent at once anywhere in the window
     AND ((SELECT r.max_concurrent FROM res r WHERE r.id = g.rid) IS NULL OR (
       SELECT coalesce(max(n), 0) FROM (
         SELECT (SELECT count(*) FROM timepool.reservations b
                  WHERE b.resource_id = g.rid AND b.reservation_date = g.d
                    AND b.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')
                    AND (b.hold_expires_at IS NULL OR b.hold_expires_at > timepool.clinic_now())
                    AND extract(epoch FROM b.start_time) / 60 <= t.t AND t.t < extract(epoch FROM b.end_time) / 60) AS n
           FROM (SELECT g.sm AS t
                 UNION
                 SELECT extract(epoch FROM b.start_time)::int / 60 FROM timepool.reservations b
                  WHERE b.resource_id = g.rid AND b.reservation_date = g.d
                    AND b.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')
                    AND (b.hold_expires_at IS NULL OR b.hold_expires_at > timepool.clinic_now())
                    AND extract(epoch FROM b.start_time) / 60 > g.sm
                    AND extract(epoch FROM b.start_time) / 60 < g.sm + svc.req) t) x)
         < (SELECT r.max_concurrent FROM res r WHERE r.id = g.rid))
)
SELECT DISTINCT ON (c.d, r.code COLLATE "C", c.s) r.code, c.d, c.period, c.s,
       (time '00:00' + make_interval(mins => c.sm + c.req))::time, c.remaining::int
  FROM cand c JOIN res r ON r.id = c.rid
 ORDER BY c.d, r.code COLLATE "C", c.s, c.remaining DESC, c.ps, c.period
$$;

-- Workload 7: a move that may find its target taken, as try_book().
CREATE FUNCTION bench.try_reschedule(p_id bigint, p_date date, p_time time, p_resource text)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM timepool.reschedule_reservation(p_id, p_date, p_time, p_resource);
  RETURN true;
EXCEPTION WHEN SQLSTATE 'TP001' OR SQLSTATE 'TP002' OR SQLSTATE 'TP007' THEN
  RETURN false;
END
$$;

-- Baseline 8: timepool.utilization() in plain SQL, the same rows.  The
-- pools of each date from the weekly schedule (active rows, in their
-- effective range) and the overrides, with the precedence the C gives them
-- (src/schedule.c, tp_best_override): of the overrides that cover the date
-- and apply to a pool, the best of the resource's own and the best of the
-- clinic's (each by fewest dates, then a period's row over a whole day's,
-- then the latest start); the resource's wins, but for a clinic-wide
-- closure of fewer dates than its opening row.  That row replaces the
-- weekly row's window and capacity, or closes the pool; a period no weekly
-- row has is a pool when an override opens it (its window from the best
-- row that opens it, closed if the row that applies closes it).  Then the reservations that
-- hold time (not CANCELLED, REJECTED or EXPIRED, nor HELD past their
-- expiry), summed by status; a period that only reservations name is a
-- pool of no minutes.  max_overlap: the most of the resource's
-- reservations of the date that cover one minute of a reservation of the
-- pool (a window is [start, end)), found at the day's starts (a running
-- sum of +1 at each start and -1 at each end) inside the windows of the
-- pool's reservations; with p_overlap => false it is left NULL, to show
-- what it costs.  Active resources, or the one named (active or not); each
-- row's location (1.7) last.
CREATE FUNCTION bench.utilization_sql(p_from date, p_to date, p_resource text DEFAULT NULL,
                                      p_overlap boolean DEFAULT true)
RETURNS TABLE (resource text, date date, period text, start_time time, end_time time, closed boolean,
               total_minutes integer, booked_minutes integer, remaining_minutes integer,
               reservations integer, utilization numeric, completed_minutes integer,
               no_show_minutes integer, open_minutes integer, max_overlap integer, location text)
LANGUAGE sql STABLE AS $$
WITH res AS (
  SELECT r.id, r.code, (SELECT l.code FROM timepool.locations l WHERE l.id = r.location_id) AS location
    FROM timepool.resources r
   WHERE CASE WHEN p_resource IS NULL THEN r.is_active ELSE r.code = p_resource END
), ovr AS (   -- the overrides of the range, for each resource and date they apply to
  SELECT res.id AS rid, g.d::date AS d, o.period, o.is_closed, o.start_time, o.end_time, o.capacity_minutes,
         o.resource_id IS NOT NULL AS mine, o.period IS NULL AS whole,
         coalesce(o.end_date, o.date) - o.date AS span, o.date AS first
    FROM timepool.schedule_overrides o JOIN res ON o.resource_id IS NULL OR o.resource_id = res.id
   CROSS JOIN LATERAL generate_series(greatest(o.date, p_from), least(coalesce(o.end_date, o.date), p_to), interval '1 day') g(d)
   WHERE o.date <= p_to AND coalesce(o.end_date, o.date) >= p_from
), weekly AS (
  SELECT res.id AS rid, d::date AS d, w.period, w.start_time, w.end_time, w.capacity_minutes
    FROM generate_series(p_from, p_to, interval '1 day') d
    JOIN timepool.clinic_time_slots w ON w.day_of_week = extract(dow FROM d)
    JOIN res ON res.id = w.resource_id
   WHERE w.is_active AND d::date BETWEEN coalesce(w.effective_from, '-infinity') AND coalesce(w.effective_until, 'infinity')
), labels AS (   -- a pool: a weekly row's period, or one an override opens
  SELECT rid, d, period FROM weekly
  UNION
  SELECT rid, d, period FROM ovr WHERE period IS NOT NULL AND NOT is_closed
), applies_by_kind AS (   -- the best of the resource's rows and of the clinic's for a pool
  SELECT DISTINCT ON (l.rid, l.d, l.period, o.mine) l.rid, l.d, l.period, o.mine, o.is_closed, o.span
    FROM labels l JOIN ovr o ON o.rid = l.rid AND o.d = l.d AND (o.period IS NULL OR o.period = l.period)
   ORDER BY l.rid, l.d, l.period, o.mine, o.span, o.whole, o.first DESC
), applies AS (   -- the override that applies to a pool, closing or not: the resource's, but for a
                  -- clinic-wide closure of fewer dates than its opening row
  SELECT DISTINCT ON (x.rid, x.d, x.period) x.rid, x.d, x.period, x.is_closed
    FROM applies_by_kind x
   ORDER BY x.rid, x.d, x.period,
            CASE WHEN NOT x.mine THEN 1
                 WHEN NOT x.is_closed AND EXISTS (SELECT FROM applies_by_kind a
                                                   WHERE a.rid = x.rid AND a.d = x.d AND a.period = x.period
                                                     AND NOT a.mine AND a.is_closed AND a.span < x.span) THEN 2
                 ELSE 0 END
), opens AS (   -- the best one that opens it
  SELECT DISTINCT ON (o.rid, o.d, o.period) o.rid, o.d, o.period, o.start_time, o.end_time, o.capacity_minutes
    FROM ovr o WHERE o.period IS NOT NULL AND NOT o.is_closed
   ORDER BY o.rid, o.d, o.period, o.mine DESC, o.span, o.whole, o.first DESC
), pools AS (
  SELECT l.rid, l.d, l.period, coalesce(a.is_closed, false) AS closed,
         CASE WHEN a.rid IS NULL OR (a.is_closed AND w.rid IS NOT NULL) THEN w.start_time ELSE o.start_time END AS ps,
         CASE WHEN a.rid IS NULL OR (a.is_closed AND w.rid IS NOT NULL) THEN w.end_time ELSE o.end_time END AS pe,
         CASE WHEN a.is_closed THEN 0 WHEN a.rid IS NULL THEN w.capacity_minutes ELSE o.capacity_minutes END AS total
    FROM labels l
    LEFT JOIN weekly w ON w.rid = l.rid AND w.d = l.d AND w.period = l.period
    LEFT JOIN applies a ON a.rid = l.rid AND a.d = l.d AND a.period = l.period
    LEFT JOIN opens o ON o.rid = l.rid AND o.d = l.d AND o.period = l.period
), booked AS (   -- what holds time, as every decision counts it
  SELECT b.resource_id AS rid, b.reservation_date AS d, b.period, b.required_minutes AS req, b.status,
         b.start_time AS s, b.end_time AS e
    FROM timepool.reservations b JOIN res ON res.id = b.resource_id
   WHERE b.reservation_date BETWEEN p_from AND p_to
     AND b.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED')
     AND (b.hold_expires_at IS NULL OR b.hold_expires_at > timepool.clinic_now())
), figures AS (
  SELECT rid, d, period, sum(req) AS booked, count(*) AS n,
         coalesce(sum(req) FILTER (WHERE status = 'COMPLETED'), 0) AS completed,
         coalesce(sum(req) FILTER (WHERE status = 'NO_SHOW'), 0) AS no_show,
         coalesce(sum(req) FILTER (WHERE status NOT IN ('COMPLETED', 'NO_SHOW')), 0) AS open,
         sum(count(*)) OVER (PARTITION BY rid, d) AS day_n
    FROM booked GROUP BY rid, d, period
), ev AS (   -- each window's start (+1) and end (-1)
  SELECT rid, d, s AS m, 1 AS delta FROM booked WHERE p_overlap AND s < e
  UNION ALL
  SELECT rid, d, e, -1 FROM booked WHERE p_overlap AND s < e
), starts AS (   -- how many windows cover each start of the day
  SELECT DISTINCT rid, d, m, c
    FROM (SELECT rid, d, m, delta, sum(delta) OVER (PARTITION BY rid, d ORDER BY m) AS c FROM ev) x
   WHERE delta = 1
), overlap AS (   -- the most at the starts inside the pool's windows
  SELECT b.rid, b.d, b.period, max(t.c) AS c
    FROM booked b JOIN starts t ON t.rid = b.rid AND t.d = b.d AND t.m >= b.s AND t.m < b.e
   WHERE p_overlap
   GROUP BY b.rid, b.d, b.period
)
SELECT r.code, k.d, k.period, p.ps, p.pe, coalesce(p.closed, true),
       coalesce(p.total, 0), coalesce(f.booked, 0)::int, (coalesce(p.total, 0) - coalesce(f.booked, 0))::int,
       coalesce(f.n, 0)::int,
       CASE WHEN p.total > 0 THEN round(coalesce(f.booked, 0)::numeric / p.total, 4) END,
       coalesce(f.completed, 0)::int, coalesce(f.no_show, 0)::int, coalesce(f.open, 0)::int,
       CASE WHEN NOT p_overlap THEN NULL
            WHEN f.n IS NULL THEN 0 WHEN f.day_n = 1 THEN 1 ELSE coalesce(ov.c, 0) END::int,
       r.location
  FROM (SELECT rid, d, period FROM pools UNION SELECT rid, d, period FROM figures) k
  JOIN res r ON r.id = k.rid
  LEFT JOIN pools p ON p.rid = k.rid AND p.d = k.d AND p.period = k.period
  LEFT JOIN figures f ON f.rid = k.rid AND f.d = k.d AND f.period = k.period
  LEFT JOIN overlap ov ON ov.rid = k.rid AND ov.d = k.d AND ov.period = k.period
 ORDER BY k.d, r.code COLLATE "C", p.ps NULLS LAST, k.period COLLATE "C"
$$;
