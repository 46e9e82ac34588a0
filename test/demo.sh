#!/usr/bin/env bash
# test/demo.sh: the worked example, played on the next Saturday against the
# cluster that libpq's environment points to (./dev demo makes one).
# TIMEPOOL_DEMO_KEEP=1 keeps its database, timepool_demo (./dev dashboard).
set -euo pipefail
db=timepool_demo
dropdb --if-exists "$db"
createdb "$db"
psql -X -q -v ON_ERROR_STOP=0 -d "$db" <<'SQL'
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION timepool;
SET datestyle = 'ISO, YMD';
SELECT (current_date + (CASE WHEN extract(dow FROM current_date) = 6 THEN 7
                             ELSE 6 - extract(dow FROM current_date)::int END)) AS day \gset
\echo
\echo '# timepool demo: one doctor, two periods, one shared pool per period'
\echo '# MORNING 09:00-12:00 = 180 minutes, AFTERNOON 13:00-18:00 = 300 minutes, every day'
\echo '# BOTOX takes 40 minutes, SKIN_CARE 70; Dr. Kim sees one patient at a time; the day is' :day
INSERT INTO timepool.resources (code, name) VALUES ('DR_KIM', 'Dr. Kim');
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, p.period, p.start_time, p.end_time
  FROM timepool.resources r, generate_series(0, 6) AS d,
       (VALUES ('MORNING', time '09:00', time '12:00'),
               ('AFTERNOON', time '13:00', time '18:00')) AS p(period, start_time, end_time);
INSERT INTO timepool.services (code, name, duration_minutes, display_order)
VALUES ('BOTOX', 'Botox', 40, 1), ('SKIN_CARE', 'Skin care', 70, 2);

\set show 'SELECT resource, period, start_time, end_time, total_minutes AS total, booked_minutes AS booked, remaining_minutes AS remaining, reservation_count AS n, utilization AS "util %" FROM timepool.availability(:''day'')'

\echo
\echo '## the empty day'
:show;
\echo '## book BOTOX at 09:00'
SELECT id, service_code, start_time, end_time, period, status FROM timepool.book_service('BOTOX', :'day', '09:00', 'Patient 1');
:show;
\echo '## book BOTOX at 09:45'
SELECT id, service_code, start_time, end_time, period, status FROM timepool.book_service('BOTOX', :'day', '09:45', 'Patient 2');
:show;
\echo '## book BOTOX at 10:30'
SELECT id, service_code, start_time, end_time, period, status FROM timepool.book_service('BOTOX', :'day', '10:30', 'Patient 3');
:show;
\echo '## book a second BOTOX at 09:00: 60 minutes remain, but Dr. Kim sees one patient at a time (TP007)'
SELECT id, service_code, start_time, end_time, period, status FROM timepool.book_service('BOTOX', :'day', '09:00', 'Patient 1b');
\echo 'SQLSTATE' :LAST_ERROR_SQLSTATE
\echo '## book SKIN_CARE at 10:50: it would run into the 10:30 BOTOX (and needs 70 minutes of the 60 left)'
SELECT id, service_code, start_time, end_time, period, status FROM timepool.book_service('SKIN_CARE', :'day', '10:50', 'Patient 4');
\echo 'SQLSTATE' :LAST_ERROR_SQLSTATE
:show;
\echo '## book BOTOX at 11:15: 40 minutes still fit'
SELECT id, service_code, start_time, end_time, period, status FROM timepool.book_service('BOTOX', :'day', '11:15', 'Patient 5');
:show;
\echo '## what each service can still get that day'
SELECT a.service, a.period, a.remaining_minutes AS remaining, a.required_minutes AS required, a.can_book
  FROM timepool.bookable_services s,
       LATERAL timepool.availability(:'day', p_service => s.code) a
 ORDER BY s.display_order, a.start_time;
SQL
[ "${TIMEPOOL_DEMO_KEEP:-}" = 1 ] || dropdb "$db"
