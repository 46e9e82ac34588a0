-- examples/dashboard/roles.sql: the roles the dashboard connects with.
-- Run as a superuser in the database that has the extension (the grants on
-- functions and views are per database), with the dashboard's password:
--   psql -d clinic -v dashboard_password='...' -f examples/dashboard/roles.sql
-- A cluster that already has clinic_reports or booking_site (from the
-- README's recipes) needs only the last part: grants are per database, so in
-- another database run the GRANTs of the parts whose role exists.
\set ON_ERROR_STOP 1

-- clinic_reports: the read-only reporting role (README, Privileges): the
-- report views and utilization(), nothing that shows a patient.  NOLOGIN
-- here: only a set of grants for the dashboard.
CREATE ROLE clinic_reports NOLOGIN;
GRANT USAGE ON SCHEMA timepool TO clinic_reports;
GRANT SELECT ON timepool.daily_overview, timepool.service_stats, timepool.resource_stats,
    timepool.overbooked_pools, timepool.nearly_full
  TO clinic_reports;
GRANT EXECUTE ON FUNCTION
    timepool.utilization(date, date, text, text),
    timepool.clinic_today(text),
    timepool.clinic_now()
  TO clinic_reports;

-- booking_site: the public booking site's role (README, Privileges), NOLOGIN
-- here for the same reason: the menu and the public booking functions
-- (the dashboard calls open_slots and reads bookable_services).
CREATE ROLE booking_site NOLOGIN;
GRANT EXECUTE ON FUNCTION
    timepool.availability(date, text, text, text, text),
    timepool.can_book(text, date, time, text, text),
    timepool.open_slots(text, date, date, integer, text, text),
    timepool.check_booking(text, date, time, text, text),
    timepool.hold_slot(text, date, time, text, interval, text, text),
    timepool.confirm_hold(uuid, text, text, text, text, jsonb),
    timepool.release_hold(uuid),
    timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text, text),
    timepool.get_booking(uuid),
    timepool.cancel_booking(uuid, text),
    timepool.reschedule_booking(uuid, date, time, text)
  TO booking_site;
GRANT SELECT ON timepool.bookable_services TO booking_site;

-- dashboard: what the server logs in as; no superuser (server.js refuses
-- one), no table, no patient
CREATE ROLE dashboard LOGIN PASSWORD :'dashboard_password';
GRANT clinic_reports, booking_site TO dashboard;
