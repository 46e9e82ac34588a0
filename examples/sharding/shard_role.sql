-- examples/sharding/shard_role.sql: on each shard, the role the router
-- connects as (its user mapping's user).  It may call the entry points that
-- router.sql routes and read the two token columns of the reservations
-- (router.sql finds the shard that holds a token with them), and nothing
-- else: it is mapped to no location, so it sees every location of its
-- shard.  Give it a password (or a certificate) in place of LOGIN alone
-- where the shards are not on loopback with trust.
CREATE ROLE timepool_router LOGIN;
GRANT USAGE ON SCHEMA timepool TO timepool_router;
GRANT EXECUTE ON FUNCTION
    timepool.availability(date, text, text, text, text),
    timepool.can_book(text, date, time, text, text),
    timepool.check_booking(text, date, time, text, text),
    timepool.open_slots(text, date, date, integer, text, text),
    timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text),
    timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text, text),
    timepool.hold_slot(text, date, time, text, interval, text, text),
    timepool.confirm_hold(uuid, text, text, text, text, jsonb),
    timepool.release_hold(uuid),
    timepool.get_booking(uuid),
    timepool.cancel_booking(uuid, text),
    timepool.reschedule_booking(uuid, date, time, text),
    timepool.cancel_reservation(bigint, text),
    timepool.set_reservation_status(bigint, text),
    timepool.reschedule_reservation(bigint, date, time, text),
    timepool.utilization(date, date, text, text),
    timepool.clinic_today(text)
  TO timepool_router;
GRANT SELECT (access_token, hold_token) ON timepool.reservations TO timepool_router;
