--
-- test/slots_agree.sql: open_slots() agrees with book_service(), run by
-- test/slots_agree.sh in a database of its own.
--
-- Generated days (setseed: the same every run) with random reservations,
-- holds (some expired), closures, special hours and an overlapping extra
-- period; resources with clock limits 1, 2 and none, one that performs
-- only some services; services with a buffer, a daily cap, a notice and an
-- advance limit; a DST day with a night period.  For every start on the
-- grid (steps 5 and 15) of every pool of every resource, for every service:
-- a start open_slots() offers must be booked by book_service() (in a
-- subtransaction rolled back), into the period open_slots() names, with
-- the remaining minutes it gives; a start it does not offer must be
-- refused.  A month's call gives what its days' calls give.  Prints the
-- counts; the last line is "disagreements: N".
--
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET DateStyle = 'ISO, YMD';
UPDATE timepool.settings SET time_zone = 'America/New_York', min_notice_minutes = 30, max_advance_days = 365;
-- Friday 2027-03-12, 10:07 in New York; the clocks skip 02:00-03:00 on Sunday 2027-03-14
SET timepool.now = '2027-03-12 10:07';

INSERT INTO timepool.resources (code, name, max_concurrent) VALUES
  ('R_ONE', 'One at a time', 1), ('R_TWO', 'Two at a time', 2), ('R_ANY', 'No clock limit', NULL),
  ('R_SKILL', 'Some services only', 1);
INSERT INTO timepool.resources (code, name, is_active) VALUES ('R_OFF', 'Inactive', false);
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, daily_cap_minutes,
                               min_notice_minutes, max_advance_days) VALUES
  ('S_BUF', 'With buffer', 30, 5, NULL, NULL, NULL),
  ('S_CAP', 'Capped', 45, 0, 135, NULL, NULL),
  ('S_NOTE', 'Notice', 20, 0, NULL, 1500, NULL),
  ('S_NEAR', 'Advance 5 days', 60, 10, NULL, NULL, 5);
INSERT INTO timepool.resource_services (resource_id, service_id)
SELECT r.id, s.id FROM timepool.resources r, timepool.services s
 WHERE r.code = 'R_SKILL' AND s.code IN ('S_BUF', 'S_NEAR');

SELECT setseed(0.42);
-- every day: MORNING 08:00-12:00 and AFTERNOON 13:00-17:30, capacities random
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT r.id, d, p.period, p.s, p.e,
       greatest(60, least((extract(epoch FROM p.e - p.s) / 60)::int,
                          (extract(epoch FROM p.e - p.s) / 60 * (0.5 + random() * 0.7))::int))
  FROM timepool.resources r, generate_series(0, 6) d,
       (VALUES ('MORNING', time '08:00', time '12:00'), ('AFTERNOON', time '13:00', time '17:30')) p(period, s, e)
 ORDER BY r.id, d, p.period;
-- a night period on Sundays for R_ONE and R_ANY: the DST day has one
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT id, 0, 'NIGHT', '00:00', '06:00', 300 FROM timepool.resources WHERE code IN ('R_ONE', 'R_ANY');

-- overrides: a holiday, a resource's day off, a closed period, special hours,
-- an extra period overlapping MORNING
INSERT INTO timepool.schedule_overrides (date, is_closed, reason) VALUES ('2027-03-17', true, 'holiday');
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed)
SELECT id, '2027-03-15', true FROM timepool.resources WHERE code = 'R_TWO';
INSERT INTO timepool.schedule_overrides (resource_id, date, period, is_closed)
SELECT id, '2027-03-16', 'AFTERNOON', true FROM timepool.resources WHERE code = 'R_ONE';
INSERT INTO timepool.schedule_overrides (date, period, start_time, end_time, capacity_minutes)
VALUES ('2027-03-18', 'MORNING', '09:10', '11:25', 100);
INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
SELECT id, d, 'EXTRA', '10:00', '11:20', 50 FROM timepool.resources, (VALUES (date '2027-03-12'), ('2027-03-13'), ('2027-03-19')) v(d)
 WHERE code IN ('R_ONE', 'R_TWO', 'R_ANY');

-- random reservations and holds, by plain INSERT; the guard refuses what does not fit
DO $$
DECLARE
  i int;
  r record;
  t time;
  st text;
BEGIN
  FOR i IN 1..900 LOOP
    SELECT x.id AS rid, s.id AS sid, d::date AS d INTO r
      FROM (SELECT id FROM timepool.resources WHERE code <> 'R_OFF' ORDER BY random() LIMIT 1) x,
           (SELECT id FROM timepool.services ORDER BY random() LIMIT 1) s,
           (SELECT date '2027-03-10' + (random() * 10)::int AS d) dd;
    t := time '00:00' + ((random() * 215)::int * 5) * interval '1 minute';
    st := (ARRAY['PENDING', 'CONFIRMED', 'CANCELLED', 'HELD', 'HELD', 'HELD'])[1 + (random() * 5)::int];
    BEGIN
      IF st = 'HELD' THEN
        INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, status, hold_expires_at)
        VALUES (r.rid, r.sid, r.d, t, 'HELD',
                timepool.clinic_now() + ((random() * 40)::int - 20) * interval '1 minute');
      ELSE
        INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name, status)
        VALUES (r.rid, r.sid, r.d, t, 'P' || i, st);
      END IF;
    EXCEPTION WHEN OTHERS THEN
      NULL;
    END;
  END LOOP;
END
$$;
SELECT status, (hold_expires_at > timepool.clinic_now()) AS live, count(*)
  FROM timepool.reservations GROUP BY 1, 2 ORDER BY 1, 2;

CREATE TEMP TABLE agree (step int, service text, resource text, d date, s time,
                         offered boolean, booked boolean, sqlstate text, ok boolean, why text);

DO $$
DECLARE
  g record;
  o record;
  booked boolean;
  code text;
  got_period text;
  got_end time;
  rem int;
  ok boolean;
  why text;
BEGIN
  FOR g IN
    SELECT DISTINCT st.step, sv.code AS service, (sv.duration_minutes + sv.buffer_minutes) AS req, rs.code AS resource, d::date AS d,
           time '00:00' + m * interval '1 minute' AS s
      FROM (VALUES (5), (15)) st(step),
           timepool.services sv,
           timepool.resources rs,
           generate_series(date '2027-03-10', date '2027-03-20', interval '1 day') d,
           LATERAL timepool.availability(d::date, p_resource => rs.code) a,
           LATERAL (SELECT (extract(epoch FROM a.start_time) / 60)::int AS ps,
                           (extract(epoch FROM a.end_time) / 60)::int AS pe) w,
           LATERAL generate_series(w.ps, w.pe - (sv.duration_minutes + sv.buffer_minutes), st.step) m
     WHERE rs.is_active
     ORDER BY 1, 2, 4, 5, 6
  LOOP
    SELECT x.period, x.end_time, x.remaining_minutes INTO o
      FROM timepool.open_slots(g.service, g.d, g.d, g.step, g.resource) x
     WHERE x.start_time = g.s;
    booked := false;
    got_period := NULL;
    got_end := NULL;
    code := NULL;
    ok := true;
    why := NULL;
    BEGIN
      PERFORM timepool.book_service(g.service, g.d, g.s, 'Agree', p_resource => g.resource);
      SELECT r.period, r.end_time INTO got_period, got_end FROM timepool.reservations r
       WHERE r.patient_name = 'Agree' ORDER BY r.id DESC LIMIT 1;
      SELECT a.remaining_minutes INTO rem
        FROM timepool.availability(g.d, got_period, p_resource => g.resource) a;
      RAISE SQLSTATE 'ZZ001';
    EXCEPTION
      WHEN SQLSTATE 'ZZ001' THEN
        booked := true;
      WHEN OTHERS THEN
        code := SQLSTATE;
    END;
    IF o.period IS NOT NULL AND NOT booked THEN
      ok := false; why := 'offered, refused ' || code;
    ELSIF o.period IS NULL AND booked THEN
      ok := false; why := 'not offered, booked in ' || got_period;
    ELSIF booked AND (o.period <> got_period OR o.end_time <> got_end) THEN
      ok := false; why := 'offered in ' || o.period || ', booked in ' || got_period;
    ELSIF booked AND o.remaining_minutes <> rem + g.req THEN
      -- availability() after the booking shows rem; before it, rem + required
      ok := false; why := 'remaining ' || o.remaining_minutes || ' <> ' || (rem + g.req);
    END IF;
    INSERT INTO agree VALUES (g.step, g.service, g.resource, g.d, g.s, o.period IS NOT NULL,
                              booked, code, ok, why);
  END LOOP;
END
$$;

-- A range is read in one scan: a call for a month (past days, days beyond
-- the advance limit, empty days included) gives what its days give one by
-- one, for every service, on every resource and on any.
INSERT INTO agree (step, service, resource, d, s, offered, booked, ok, why)
SELECT x.step, x.service, x.resource, x.d, x.s, true, NULL, false,
       'the range call and the day calls differ: ' || x.side
  FROM (SELECT step, service, resource, d, s, min(side) AS side
          FROM ((SELECT st.step, sv.code AS service, coalesce(rs.code, '') AS resource, o.date AS d, o.start_time AS s,
                        'only in the range' AS side, o.resource AS r, o.period, o.end_time, o.remaining_minutes
                   FROM (VALUES (5), (15)) st(step), timepool.services sv,
                        (SELECT NULL::text AS code UNION ALL SELECT code FROM timepool.resources WHERE is_active) rs,
                        LATERAL timepool.open_slots(sv.code, '2027-03-01', '2027-03-31', st.step, rs.code) o
                 EXCEPT ALL
                 SELECT st.step, sv.code, coalesce(rs.code, ''), o.date, o.start_time,
                        'only in the range', o.resource, o.period, o.end_time, o.remaining_minutes
                   FROM (VALUES (5), (15)) st(step), timepool.services sv,
                        (SELECT NULL::text AS code UNION ALL SELECT code FROM timepool.resources WHERE is_active) rs,
                        generate_series(date '2027-03-01', date '2027-03-31', interval '1 day') d,
                        LATERAL timepool.open_slots(sv.code, d::date, d::date, st.step, rs.code) o)
                UNION ALL
                (SELECT st.step, sv.code, coalesce(rs.code, ''), o.date, o.start_time,
                        'only in the days', o.resource, o.period, o.end_time, o.remaining_minutes
                   FROM (VALUES (5), (15)) st(step), timepool.services sv,
                        (SELECT NULL::text AS code UNION ALL SELECT code FROM timepool.resources WHERE is_active) rs,
                        generate_series(date '2027-03-01', date '2027-03-31', interval '1 day') d,
                        LATERAL timepool.open_slots(sv.code, d::date, d::date, st.step, rs.code) o
                 EXCEPT ALL
                 SELECT st.step, sv.code, coalesce(rs.code, ''), o.date, o.start_time,
                        'only in the days', o.resource, o.period, o.end_time, o.remaining_minutes
                   FROM (VALUES (5), (15)) st(step), timepool.services sv,
                        (SELECT NULL::text AS code UNION ALL SELECT code FROM timepool.resources WHERE is_active) rs,
                        LATERAL timepool.open_slots(sv.code, '2027-03-01', '2027-03-31', st.step, rs.code) o)) u
         GROUP BY 1, 2, 3, 4, 5) x;
SELECT 'range calls: ' || count(*) || ' starts' FROM timepool.services sv,
       LATERAL timepool.open_slots(sv.code, '2027-03-01', '2027-03-31', 15) o;

SELECT step, count(*) AS starts, count(*) FILTER (WHERE offered) AS offered,
       count(*) FILTER (WHERE booked) AS booked, count(*) FILTER (WHERE NOT booked) AS refused
  FROM agree GROUP BY step ORDER BY step;
SELECT sqlstate, count(*) FROM agree WHERE NOT booked GROUP BY 1 ORDER BY 1;
SELECT * FROM agree WHERE NOT ok ORDER BY step, service, resource, d, s LIMIT 20;
SELECT 'disagreements: ' || count(*) FROM agree WHERE NOT ok;
