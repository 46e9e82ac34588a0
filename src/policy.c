/*-------------------------------------------------------------------------
 *
 * policy.c
 *	  The clinic's clock and the booking window of a service: today and now
 *	  in the clinic's time zone, the minimum notice and how far ahead a
 *	  service can be booked.  From 1.7 each location has its clock: its
 *	  time zone and policy, each left NULL the group's (timepool.settings);
 *	  every rule here takes the location whose clock it reads, and location
 *	  0 is the group's.
 *
 *	  Now is the statement's start (statement_timestamp()), seen in the
 *	  clinic's time zone, unless a superuser froze it with timepool.now or
 *	  timepool.today: a transaction kept open does not keep "now" behind.
 *	  A database still at version 1.0 has no settings: today is then the
 *	  session's current_date and there is neither notice nor a limit ahead,
 *	  as in 1.0.
 *
 * IDENTIFICATION
 *	  src/policy.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "access/xact.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(tp_clinic_now);
PG_FUNCTION_INFO_V1(tp_clinic_today);

/* A clinic-local wall-clock time: a date and microseconds after midnight. */
typedef struct TpLocal
{
	DateADT		date;
	int64		usecs;
} TpLocal;

static pg_tz *
tp_clinic_tz(const TpCache *cache, const TpCachedLocation *loc)
{
	pg_tz	   *tz;

	if (!cache->has_policy)
		return session_timezone;
	tz = pg_tzset(loc->time_zone);
	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" of %s is not recognized", loc->time_zone,
						loc->id == 0 ? "timepool.settings" : "timepool.locations"),
				 errhint("UPDATE timepool.%s SET time_zone = a name from pg_timezone_names.",
						 loc->id == 0 ? "settings" : "locations")));
	return tz;
}

/* A timestamptz as the clinic's wall clock shows it. */
static TpLocal
tp_to_local(TimestampTz ts, pg_tz *tz)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;
	TpLocal		l;

	if (timestamp2tm(ts, &tzoff, &tm, &fsec, NULL, tz) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	l.date = date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE;
	l.usecs = ((int64) (tm.tm_hour * 60 + tm.tm_min) * 60 + tm.tm_sec) * USECS_PER_SEC + fsec;
	return l;
}

/* A wall-clock time of the clinic as a timestamptz. */
static TimestampTz
tp_from_local(TpLocal l, pg_tz *tz)
{
	struct pg_tm tm;
	int64		secs = l.usecs / USECS_PER_SEC;
	fsec_t		fsec = (fsec_t) (l.usecs % USECS_PER_SEC);
	int			tzoff;
	TimestampTz result;

	j2date(l.date + POSTGRES_EPOCH_JDATE, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_hour = (int) (secs / 3600);
	tm.tm_min = (int) (secs / 60 % 60);
	tm.tm_sec = (int) (secs % 60);
	tzoff = DetermineTimeZoneOffset(&tm, tz);
	if (tm2timestamp(&tm, fsec, &tzoff, &result) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return result;
}

/*
 * Now, as a timestamptz and on the wall clock of a location.  A frozen now
 * (timepool.now, timepool.today) is a wall-clock time of the group's time
 * zone: one instant, which each location sees on its own clock.
 */
static void
tp_clinic_clock(const TpCache *cache, const TpCachedLocation *loc, TimestampTz *ts,
				TpLocal *local, pg_tz **tzp)
{
	pg_tz	   *tz = tp_clinic_tz(cache, loc);

	if (tp_frozen_now(&local->date, &local->usecs))
	{
		*ts = tp_from_local(*local, loc == &cache->group ? tz : tp_clinic_tz(cache, &cache->group));
		if (loc != &cache->group)
			*local = tp_to_local(*ts, tz);
	}
	else
	{
		*ts = GetCurrentStatementStartTimestamp();
		*local = tp_to_local(*ts, tz);
	}
	if (tzp)
		*tzp = tz;
}

/*
 * Holds.  A HELD reservation holds its minutes while tp_hold_live() says so
 * and not a moment after: no job has to expire it.  This is the one place
 * of the rule; the pool scan (schedule.c), the service-day sum, the guard
 * and the functions of flow.c all ask here.
 *
 * Which now: a decision that passes over a hold as expired must never be
 * followed, under the same pool lock, by a confirmation that takes the hold
 * as live.  Deciders read the statement's clock (tp_hold_clock(false)); a
 * confirmation, and the guard judging a write that keeps a hold's minutes,
 * read the time it is once they hold the pool locks (tp_hold_clock(true)),
 * which is never earlier.  With timepool.now set, both are that time.
 */
TimestampTz
tp_hold_clock(bool live)
{
	TimestampTz ts;
	TpLocal		local;

	if (tp_frozen_now(&local.date, &local.usecs))
	{
		TpCache    *cache = tp_cache_get();

		tp_clinic_clock(cache, &cache->group, &ts, &local, NULL);
		return ts;
	}
	return live ? GetCurrentTimestamp() : GetCurrentStatementStartTimestamp();
}

bool
tp_hold_live(TimestampTz expires, TimestampTz now)
{
	return expires > now;
}

/* Whether a booking made online at the location is CONFIRMED at once. */
bool
tp_online_confirmed(int64 location_id)
{
	return tp_location(location_id)->online_confirmed;
}

/*
 * The booking window of a service (or of the clinic, svc = NULL) at a
 * location: today, the earliest start allowed by the notice, the last date
 * allowed ahead.
 */
void
tp_policy(const TpService *svc, int64 location_id, TpPolicy *out)
{
	TpCache    *cache = tp_cache_get();
	TpCachedLocation *loc = tp_location(location_id);
	TimestampTz now;
	TpLocal		local;
	TpLocal		earliest;
	pg_tz	   *tz;

	if (!cache->has_policy)
	{
		/* version 1.0: the date alone, in the session's time zone */
		int64		usecs;

		if (!tp_frozen_now(&out->today, &usecs))
		{
			TimestampTz now;
			TpLocal		local;

			out->today = GetSQLCurrentDate();
			tp_clinic_clock(cache, loc, &now, &local, NULL);
			usecs = local.usecs;
		}
		out->now_date = out->today;
		out->now_usecs = usecs;
		out->earliest_date = out->today;
		out->earliest_min = 0;
		DATE_NOEND(out->last_date);
		out->notice = 0;
		out->advance = -1;
		out->legacy = true;
		return;
	}

	out->legacy = false;
	out->notice = (svc && svc->notice != TP_INHERIT) ? svc->notice : loc->notice;
	out->advance = (svc && svc->advance != TP_INHERIT) ? svc->advance : loc->advance;
	tp_clinic_clock(cache, loc, &now, &local, &tz);
	out->today = local.date;
	out->now_date = local.date;
	out->now_usecs = local.usecs;
	out->last_date = local.date + out->advance;

	/* the notice is elapsed time: across a DST change the wall clock jumps */
	earliest = tp_to_local(now + (int64) out->notice * USECS_PER_MINUTE, tz);

	/* bookings start on whole minutes: round up */
	out->earliest_date = earliest.date;
	out->earliest_min = (int) ((earliest.usecs + USECS_PER_MINUTE - 1) / USECS_PER_MINUTE);
}

/* The first minute of date at which a booking may start; 1440 = none. */
int
tp_policy_first_minute(const TpPolicy *pol, DateADT date)
{
	if (date < pol->earliest_date || date > pol->last_date)
		return TP_MINUTES_PER_DAY;
	if (date == pol->earliest_date)
		return Min(pol->earliest_min, TP_MINUTES_PER_DAY);
	return 0;
}

bool
tp_policy_allows(const TpPolicy *pol, DateADT date, int start)
{
	int			first = tp_policy_first_minute(pol, date);

	/* 24:00 is no start at all, but the schedule says so (TP002), not this */
	return start >= first || start == TP_MINUTES_PER_DAY;
}

/*
 * Refuse (TP005) a booking of svc at date and start that the policy does
 * not allow: in the past, sooner than the notice, or too far ahead.  svc
 * may be NULL for the date check of a 1.0 database.
 */
void
tp_check_policy(const TpService *svc, const TpPolicy *pol, DateADT date, int start)
{
	char	   *datestr;

	if (date < pol->today && pol->legacy)
		ereport(ERROR,
				(errcode(ERRCODE_TP_OUTSIDE_WINDOW),
				 errmsg("date %s is in the past", tp_date_str(date)),
				 errdetail("Today is %s.", tp_date_str(pol->today))));
	if (date < pol->today)
		ereport(ERROR,
				(errcode(ERRCODE_TP_OUTSIDE_WINDOW),
				 errmsg("date %s is in the past", tp_date_str(date)),
				 errdetail("Today is %s in the clinic's time zone.", tp_date_str(pol->today))));
	if (date > pol->last_date)
		ereport(ERROR,
				(errcode(ERRCODE_TP_OUTSIDE_WINDOW),
				 errmsg("date %s is too far ahead", tp_date_str(date)),
				 errdetail("%s can be booked up to %d days ahead, until %s.",
						   svc->code, pol->advance, tp_date_str(pol->last_date))));
	if (tp_policy_allows(pol, date, start))
		return;
	datestr = tp_date_str(date);
	if (pol->notice == 0)
		ereport(ERROR,
				(errcode(ERRCODE_TP_OUTSIDE_WINDOW),
				 errmsg("%s on %s is in the past", tp_time_str(start), datestr),
				 errdetail("It is now %s %s in the clinic's time zone.",
						   tp_date_str(pol->earliest_date),
						   tp_time_str(Min(pol->earliest_min, TP_MINUTES_PER_DAY - 1)))));
	ereport(ERROR,
			(errcode(ERRCODE_TP_OUTSIDE_WINDOW),
			 errmsg("%s on %s is too soon", tp_time_str(start), datestr),
			 errdetail("%s needs %d minutes' notice; the earliest start is %s %s.",
					   svc->code, pol->notice, tp_date_str(pol->earliest_date),
					   pol->earliest_min >= TP_MINUTES_PER_DAY ? "24:00" :
					   tp_time_str(pol->earliest_min))));
}

/*
 * The cancellation notice: a patient (the token functions of flow.c) may
 * cancel or move a reservation that starts at (date, start) until
 * cancel_notice_minutes before its start, the service's own or the
 * clinic's; TP005 after.  Staff functions do not ask.
 */
void
tp_check_change_notice(const TpService *svc, int64 location_id, DateADT date, int start)
{
	TpCache    *cache = tp_cache_get();
	TpCachedLocation *loc = tp_location(location_id);
	int			notice = (svc && svc->cancel_notice != TP_INHERIT) ?
	svc->cancel_notice : loc->cancel_notice;
	TimestampTz now;
	TpLocal		local;
	TpLocal		at;
	TpLocal		until;
	pg_tz	   *tz;
	TimestampTz deadline;

	tp_clinic_clock(cache, loc, &now, &local, &tz);
	at.date = date;
	at.usecs = (int64) start * USECS_PER_MINUTE;
	/* elapsed time before the start, as the booking notice is */
	deadline = tp_from_local(at, tz) - (int64) notice * USECS_PER_MINUTE;
	if (now < deadline)
		return;
	until = tp_to_local(deadline, tz);
	ereport(ERROR,
			(errcode(ERRCODE_TP_OUTSIDE_WINDOW),
			 errmsg("the reservation at %s on %s can no longer be changed online",
					tp_time_str(start), tp_date_str(date)),
			 notice > 0 ?
			 errdetail("Online changes are accepted until %d minutes before the start, %s %s; it is now %s %s in the clinic's time zone.",
					   notice, tp_date_str(until.date),
					   tp_time_str((int) (until.usecs / USECS_PER_MINUTE)),
					   tp_date_str(local.date), tp_time_str((int) (local.usecs / USECS_PER_MINUTE))) :
			 errdetail("It has started: it is now %s %s in the clinic's time zone.",
					   tp_date_str(local.date), tp_time_str((int) (local.usecs / USECS_PER_MINUTE))),
			 errhint("Call the clinic to change it.")));
}

/*
 * TP005 once (date, start) has begun on the clinic's clock: a hold is
 * confirmed only before the time it holds.
 */
void
tp_check_not_started(int64 location_id, DateADT date, int start)
{
	TpCache    *cache = tp_cache_get();
	TimestampTz now;
	TpLocal		local;
	TpLocal		at;
	pg_tz	   *tz;

	tp_clinic_clock(cache, tp_location(location_id), &now, &local, &tz);
	at.date = date;
	at.usecs = (int64) start * USECS_PER_MINUTE;
	if (now < tp_from_local(at, tz))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_TP_OUTSIDE_WINDOW),
			 errmsg("%s on %s is in the past", tp_time_str(start), tp_date_str(date)),
			 errdetail("The hold was for %s on %s; it is now %s %s in the clinic's time zone.",
					   tp_time_str(start), tp_date_str(date), tp_date_str(local.date),
					   tp_time_str((int) (local.usecs / USECS_PER_MINUTE))),
			 errhint("Choose another time: timepool.open_slots().")));
}

static bool tp_wall_gap_compute(TpCache *cache, TpCachedLocation *loc, DateADT date,
								int *gap_start, int *gap_end);

/*
 * The wall-clock minutes of date that do not exist in the clinic's time
 * zone, [*gap_start, *gap_end), when its clocks spring forward that day;
 * false when they do not (or the database is at 1.0, whose clock is the
 * session's).  Other days, the fall-back day included, have every minute.
 */
bool
tp_wall_gap(int64 location_id, DateADT date, int *gap_start, int *gap_end)
{
	TpCache    *cache = tp_cache_get();
	TpCachedLocation *loc = tp_location(location_id);

	/* the last date asked about, until the cache (the time zone) reloads */
	if (loc->gap_known && loc->gap_date == date)
	{
		*gap_start = loc->gap_start;
		*gap_end = loc->gap_end;
		return loc->gap_has;
	}
	loc->gap_known = true;
	loc->gap_date = date;
	loc->gap_has = tp_wall_gap_compute(cache, loc, date, &loc->gap_start, &loc->gap_end);
	*gap_start = loc->gap_start;
	*gap_end = loc->gap_end;
	return loc->gap_has;
}

static bool
tp_wall_gap_compute(TpCache *cache, TpCachedLocation *loc, DateADT date, int *gap_start,
					int *gap_end)
{
	pg_tz	   *tz;
	TpLocal		midnight = {date, 0};
	TimestampTz t0;
	pg_time_t	from,
				boundary;
	long int	before_off,
				after_off;
	int			before_dst,
				after_dst;
	int64		at;
	int			i;

	/* 1.0's clock is the session's; timestamps end long before dates do */
	if (!cache->has_policy ||
		date + POSTGRES_EPOCH_JDATE <= DATETIME_MIN_JULIAN + 1 ||
		date + POSTGRES_EPOCH_JDATE >= TIMESTAMP_END_JULIAN - 2)
		return false;
	tz = tp_clinic_tz(cache, loc);
	t0 = tp_from_local(midnight, tz);

	/*
	 * The transitions from a day before this midnight on, until one starts
	 * after the date: the first that skips wall-clock time on the date (it
	 * may have begun the evening before) is the gap.
	 */
	from = timestamptz_to_time_t(t0) - SECS_PER_DAY;
	for (i = 0; i < 8; i++)
	{
		int64		delta;

		if (pg_next_dst_boundary(&from, &before_off, &before_dst, &boundary,
								 &after_off, &after_dst, tz) != 1)
			return false;
		/* the wall-clock second of date at which the old offset ends */
		at = (int64) boundary + before_off -
			(int64) (date + POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
		if (at >= (int64) SECS_PER_DAY)
			return false;
		delta = (int64) after_off - before_off;
		if (delta > 0 && at + delta > 0)
		{
			*gap_start = (int) (Max(at, 0) / SECS_PER_MINUTE);
			*gap_end = (int) Min((at + delta + SECS_PER_MINUTE - 1) / SECS_PER_MINUTE,
								 (int64) TP_MINUTES_PER_DAY);
			return true;
		}
		from = boundary;
	}
	return false;
}

/* Whether [start, end) holds a minute of the gap [g0, g1) (g0 < 0: none). */
bool
tp_gap_overlaps(int g0, int g1, int start, int end)
{
	return g0 >= 0 && start < g1 && end > g0;
}

/* Whether [start, end) on date holds a wall-clock minute that does not exist. */
bool
tp_window_in_gap(int64 location_id, DateADT date, int start, int end, int *gap_start,
				 int *gap_end)
{
	int			g0,
				g1;

	if (!tp_wall_gap(location_id, date, &g0, &g1) || !tp_gap_overlaps(g0, g1, start, end))
		return false;
	*gap_start = g0;
	*gap_end = g1;
	return true;
}

/*
 * Refuse (TP002) a booking of [start, end) on date that starts or runs in
 * the hour the clinic's clocks skip.
 */
void
tp_check_wall_clock(int64 location_id, DateADT date, int start, int end)
{
	int			g0,
				g1;
	char		zone[TZ_STRLEN_MAX + 1];

	if (!tp_window_in_gap(location_id, date, start, end, &g0, &g1))
		return;
	/* read before ereport, which must run no query */
	strlcpy(zone, tp_location(location_id)->time_zone, sizeof(zone));
	ereport(ERROR,
			(errcode(ERRCODE_TP_OUTSIDE_SCHEDULE),
			 errmsg("%s to %s on %s does not exist on the clinic's clock",
					tp_time_str(start), tp_time_str(end), tp_date_str(date)),
			 errdetail("On %s the clocks of %s skip from %s to %s.",
					   tp_date_str(date), zone,
					   tp_time_str(g0), tp_time_str(g1)),
			 g0 > 0 ? errhint("Choose a time before %s or from %s on.", tp_time_str(g0), tp_time_str(g1)) :
			 errhint("Choose a time from %s on.", tp_time_str(g1))));
}

/*
 * Refuse (TP004) a reservation's move to COMPLETED or NO_SHOW before its
 * start on the clinic's clock: a treatment that has not begun was neither
 * given nor missed.  Other statuses pass, and so does every status in a
 * database still at 1.2 or before.
 */
void
tp_check_status_clock(int64 location_id, int64 id, const char *status, DateADT date, int start)
{
	TpPolicy	pol;

	if (strcmp(status, "COMPLETED") != 0 && strcmp(status, "NO_SHOW") != 0)
		return;
	/* a database not yet updated to 1.3 keeps its version's rules */
	if (!tp_cache_get()->has_clock)
		return;
	tp_policy(NULL, location_id, &pol);
	if (pol.now_date > date ||
		(pol.now_date == date && pol.now_usecs >= (int64) start * USECS_PER_MINUTE))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_TP_BAD_TRANSITION),
			 errmsg("reservation " INT64_FORMAT " cannot be marked %s before it starts",
					id, strcmp(status, "COMPLETED") == 0 ? "COMPLETED" : "NO_SHOW"),
			 errdetail("It starts at %s %s; it is %s %s on the clinic's clock.",
					   tp_date_str(date), tp_time_str(start),
					   tp_date_str(pol.now_date),
					   tp_time_str((int) (pol.now_usecs / USECS_PER_MINUTE))),
			 errhint("Set it once the appointment has started.")));
}

/*
 * A location's staff (1.7): the one rule of who sees which location.
 *
 * The role judged is the session's (GetOuterUserId: current_user outside
 * any SECURITY DEFINER function, the role the audit log names), so that
 * timepool's functions, which run as their owner, judge their caller, and
 * a table's policy judges the role that reads it, through a view of
 * anyone's too.  A role with the privileges of a role of
 * timepool.location_staff sees the locations of those roles alone; a role
 * with none sees every location, as does a superuser and the owner of
 * timepool's schema.  Group-wide rows (location 0: an override without a
 * resource) are seen by all, and only who sees every location writes them
 * (the policies of the 1.7 script).
 *
 * The answer for one role is kept until the cache reloads (a change of
 * location_staff reloads it) or a role's membership or attributes change.
 */
static bool tp_staff_valid = false;
static Oid	tp_staff_role = InvalidOid;
static uint64 tp_staff_changes = 0;
static bool tp_staff_all = true;
static int64 *tp_staff_locations = NULL;	/* in TopMemoryContext */
static int	tp_staff_n = 0;
static int	tp_staff_max = 0;

static void
tp_staff_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	(void) arg;
	(void) cacheid;
	(void) hashvalue;
	tp_staff_valid = false;
}

void
tp_staff_init(void)
{
	CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, tp_staff_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, tp_staff_callback, (Datum) 0);
}

static void
tp_staff_judge(void)
{
	TpCache    *cache = tp_cache_get();
	Oid			role = GetOuterUserId();
	int			i,
				j;

	if (tp_staff_valid && tp_staff_role == role && tp_staff_changes == tp_cache_changes())
		return;
	tp_staff_valid = false;
	tp_staff_all = true;
	tp_staff_n = 0;
	if (cache->nstaff > 0 && !superuser_arg(role) &&
		!has_privs_of_role(role, tp_schema_owner()))
	{
		for (i = 0; i < cache->nstaff; i++)
		{
			if (!has_privs_of_role(role, cache->staff[i].role))
				continue;
			tp_staff_all = false;
			for (j = 0; j < tp_staff_n; j++)
				if (tp_staff_locations[j] == cache->staff[i].location_id)
					break;
			if (j < tp_staff_n)
				continue;
			if (tp_staff_n == tp_staff_max)
			{
				int			max = Max(8, tp_staff_max * 2);

				tp_staff_locations = tp_staff_locations == NULL ?
					MemoryContextAlloc(TopMemoryContext, sizeof(int64) * max) :
					repalloc(tp_staff_locations, sizeof(int64) * max);
				tp_staff_max = max;
			}
			tp_staff_locations[tp_staff_n++] = cache->staff[i].location_id;
		}
	}
	tp_staff_role = role;
	tp_staff_changes = tp_cache_changes();
	tp_staff_valid = true;
}

/*
 * Whether the session's role sees location_id (0: a group-wide row).
 * The caller is connected to SPI, or the cache is valid.
 */
bool
tp_sees_location(int64 location_id)
{
	int			i;

	tp_staff_judge();
	if (tp_staff_all)
		return true;
	for (i = 0; i < tp_staff_n; i++)
		if (tp_staff_locations[i] == location_id)
			return true;
	return false;
}

/* Whether the session's role sees every location (is no location's staff). */
bool
tp_sees_every_location(void)
{
	tp_staff_judge();
	return tp_staff_all;
}

/*
 * timepool.location_visible(p_location_id bigint) and
 * timepool.resource_visible(p_resource_id bigint) returns boolean: the
 * rule above for the tables' policies and the views.  NULL is a
 * group-wide row.  They run as whoever reads (not SECURITY DEFINER); a
 * reload of the cache reads the tables as the owner of timepool's schema
 * (tp_commit_scope_begin), past their policies, which would otherwise
 * call these again.
 */
static bool
tp_visible(FunctionCallInfo fcinfo, bool resource)
{
	TpCommitScope scope;
	bool		scoped = !tp_cache_is_valid();
	bool		ok;

	if (scoped)
		tp_commit_scope_begin(&scope);
	if (PG_ARGISNULL(0))
		ok = tp_sees_every_location();
	else if (tp_sees_every_location())
		ok = true;
	else if (resource)
		ok = tp_sees_location(tp_resource_location(PG_GETARG_INT64(0)));
	else
		ok = PG_GETARG_INT64(0) != 0 && tp_sees_location(PG_GETARG_INT64(0));
	if (scoped)
		tp_commit_scope_end(&scope);
	return ok;
}

PG_FUNCTION_INFO_V1(tp_location_visible);
PG_FUNCTION_INFO_V1(tp_resource_visible);

Datum
tp_location_visible(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(tp_visible(fcinfo, false));
}

Datum
tp_resource_visible(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(tp_visible(fcinfo, true));
}

/*
 * The id of the location with this code; 0 when there is none, or when
 * the session's role does not see it.
 */
int64
tp_location_id(const char *code)
{
	TpCache    *cache = tp_cache_get();
	int			i;

	for (i = 0; i < cache->nlocations; i++)
		if (strcmp(cache->locations[i].code, code) == 0)
			return tp_sees_location(cache->locations[i].id) ? cache->locations[i].id : 0;
	return 0;
}

/*
 * The only location the session's role sees; 0 when it sees none or
 * several (*n: how many).
 */
int64
tp_only_location(int *n)
{
	TpCache    *cache = tp_cache_get();
	int64		only = 0;
	int			i;

	*n = 0;
	for (i = 0; i < cache->nlocations; i++)
		if (tp_sees_location(cache->locations[i].id))
		{
			only = cache->locations[i].id;
			(*n)++;
		}
	return *n == 1 ? only : 0;
}

/*
 * A call's p_location at argno, its format checked, into code; false when
 * it is NULL or the function (created before 1.7) has no such argument.
 */
bool
tp_location_arg(FunctionCallInfo fcinfo, int argno, char *code)
{
	if (argno >= PG_NARGS() || PG_ARGISNULL(argno))
		return false;
	tp_check_code("location", PG_GETARG_TEXT_PP(argno), code);
	return true;
}

/*
 * The location a call works in, from its p_location (code, or NULL) and
 * its resource (resource_id, 0 when none was given): the one rule of where
 * a call chooses, lists and takes its clock.
 *	 - p_location given: that location (TP003 when no location has the
 *	   code, or when the resource given is at another).
 *	 - else a resource given: the resource's location.
 *	 - else, when choose (the call picks a resource): the group's only
 *	   location (the only one the session's role sees: tp_sees_location),
 *	   and 22004 when it has more than one, since a booking
 *	   never goes to another clinic than its caller meant; when not choose
 *	   (a listing), 0: every location.
 * Before 1.7 it is always 0, the group, where every resource is.
 */
int64
tp_call_location(const char *code, int64 resource_id, bool choose)
{
	TpCache    *cache = tp_cache_get();
	int64		only;
	int			n;

	if (code != NULL)
	{
		int64		id = tp_location_id(code);

		if (id == 0)
			ereport(ERROR,
					(errcode(ERRCODE_TP_UNKNOWN_OBJECT),
					 errmsg("location \"%s\" does not exist", code),
					 errhint("SELECT code FROM timepool.locations lists them.")));
		if (resource_id != 0 && tp_resource_location(resource_id) != id)
			ereport(ERROR,
					(errcode(ERRCODE_TP_UNKNOWN_OBJECT),
					 errmsg("the resource is not at location \"%s\"", code),
					 errhint("Give the resource alone, or one of this location's.")));
		return id;
	}
	if (resource_id != 0)
		return tp_resource_location(resource_id);
	if (!choose || cache->nlocations == 0)
		return 0;
	only = tp_only_location(&n);
	if (only != 0)
		return only;
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("p_location is required without p_resource: the group has %d locations", n),
			 errhint("Name the clinic with p_location, or the resource with p_resource.")));
	return 0;					/* not reached */
}

/*
 * timepool.clinic_now() returns timestamptz: the same instant everywhere
 */
Datum
tp_clinic_now(PG_FUNCTION_ARGS)
{
	TimestampTz now;
	TpLocal		local;
	TpCache    *cache;

	(void) fcinfo;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	cache = tp_cache_get();
	tp_clinic_clock(cache, &cache->group, &now, &local, NULL);
	SPI_finish();
	PG_RETURN_TIMESTAMPTZ(now);
}

/*
 * timepool.clinic_today(p_location text DEFAULT NULL) returns date: the
 * location's today, or (NULL; no argument before 1.7) the group's
 */
Datum
tp_clinic_today(PG_FUNCTION_ARGS)
{
	TpPolicy	pol;
	int64		location_id = 0;
	char		code[TP_CODE_MAXLEN + 1];
	bool		have_location = tp_location_arg(fcinfo, 0, code);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	if (have_location)
		location_id = tp_call_location(code, 0, false);
	tp_policy(NULL, location_id, &pol);
	SPI_finish();
	PG_RETURN_DATEADT(pol.today);
}
