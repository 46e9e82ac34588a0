/*-------------------------------------------------------------------------
 *
 * decide.c
 *	  Where a booking is decided.
 *
 *	  A reservation that holds time takes two things of its resource: its
 *	  required minutes from its pool (resource, date, period), and its
 *	  window [start_time, end_time), buffer included, on the resource's
 *	  clock, where at most resources.max_concurrent windows may overlap at
 *	  any instant (NULL: no clock limit).  tp_judge() is the one rule that
 *	  says whether a window fits a pool on both counts, and why not.  Every
 *	  path asks it:
 *
 *	  - book_service() (booking.c, tp_decide) judges each candidate pool
 *		under its locks and books into the one with the most minutes left;
 *	  - the guard (guard.c) judges every write that adds minutes to a pool
 *		or moves a window on the clock, book_service()'s row included (it
 *		holds the locks by then: the same rule on the same state), a plain
 *		INSERT, an UPDATE that moves or revives a reservation;
 *	  - can_book() and availability() judge on the statement's snapshot,
 *		without locks; tp_first_fit() finds the earliest start that
 *		tp_judge() accepts, for them and for the hint of a TP007;
 *	  - open_slots() (slots.c) takes every start tp_judge() accepts from
 *		tp_fit_starts(), one pass over a pool's minutes that gives the same
 *		answers (test/slots_agree.sh checks them against book_service()).
 *
 *	  What the rule reads is a TpDayState: every holding reservation of one
 *	  resource on one date, from the pool index.  A write reads it from the
 *	  latest committed state while it holds the lock of every pool of the
 *	  resource whose window overlaps its own (tp_touched_pools): two writes
 *	  that could overlap on the clock always share a lock, at every
 *	  isolation level.  Under REPEATABLE READ and SERIALIZABLE it then
 *	  checks that its snapshot saw those pools the same way
 *	  (tp_day_check_snapshot), or fails with 40001.
 *
 *	  The locks of the pools a window touches are found on the schedule as
 *	  the write sees it, which relies on every reservation lying within its
 *	  own pool's window.  A schedule change that commits while a write is in
 *	  flight can take that away (MORNING shrinks from 12:00 to 11:00 under a
 *	  booking at 11:00), and a booking in another pool could then overlap it
 *	  unseen.  So every write to a resource with a clock limit is noted, and
 *	  at its commit checked again on the schedule committed by then, under
 *	  the schedule lock (tp_clock_writes_check): one that no longer lies in
 *	  its pool fails with 40001, to be retried on the new schedule.
 *
 *	  Who performs what (tp_performs) is asked before a pool is judged; the
 *	  daily cap of a service (schedule.c) after, under its own lock.
 *
 * IDENTIFICATION
 *	  src/decide.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/syscache.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

/*
 * Whether the resource performs the service: it does when timepool.
 * resource_services has no row for it (1.2's rule) or has this one.
 */
bool
tp_performs(int64 resource_id, int64 service_id)
{
	TpCache    *cache = tp_cache_get();
	int			i;

	for (i = 0; i < cache->nresources; i++)
	{
		TpCachedResource *r = &cache->resources[i];
		int			lo,
					hi;

		if (r->id != resource_id)
			continue;
		if (r->nskills == 0)
			return true;
		/* its service ids are sorted */
		lo = r->skill_first;
		hi = r->skill_first + r->nskills;
		while (lo < hi)
		{
			int			mid = (lo + hi) / 2;

			if (cache->skills[mid] < service_id)
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < r->skill_first + r->nskills && cache->skills[lo] == service_id;
	}
	/* a resource unknown to the cache: the foreign key refuses it */
	return true;
}

static void
tp_collect(void *arg, const TpBooking *b)
{
	TpDayState *st = (TpDayState *) arg;

	if (st->n == st->max)
	{
		st->max *= 2;
		st->rows = repalloc(st->rows, sizeof(TpBooking) * st->max);
	}
	st->rows[st->n++] = *b;
}

/* What a locked read of a clock-limited resource's day keeps (tp_read_day). */
typedef struct TpScope
{
	TpDayState *st;
	const char *const *periods;
	int			nperiods;
	int			start;
	int			end;
} TpScope;

static bool
tp_in_scope(void *arg, const TpBooking *b)
{
	TpScope    *sc = (TpScope *) arg;
	int			i;

	if (b->start_min < sc->end && b->end_min > sc->start)
		return true;
	for (i = 0; i < sc->nperiods; i++)
		if (strcmp(b->period, sc->periods[i]) == 0)
			return true;
	return false;
}

static void
tp_collect_scoped(void *arg, const TpBooking *b)
{
	tp_collect(((TpScope *) arg)->st, b);
}

static void
tp_read_day_snapshot(DateADT date, int64 resource_id, int max_concurrent,
					 const char *period, Snapshot snapshot, TpDayState *out)
{
	out->resource_id = resource_id;
	out->date = date;
	out->max_concurrent = max_concurrent;
	out->period = max_concurrent == TP_NO_LIMIT ? period : NULL;
	out->n = 0;
	out->max = 16;
	out->rows = palloc(sizeof(TpBooking) * out->max);
	tp_scan_booked(date, date, resource_id, out->period, snapshot, NULL, tp_collect, out);
}

/*
 * The holding reservations of a resource on a date that a decision about
 * [start, end) in the pools periods (nperiods of them, the one decided on
 * first) reads.
 *
 * Without locked, from the statement's snapshot: every row of the day (of
 * the first pool only, for a resource without a clock limit).  With locked,
 * the caller holds the locks of those pools, and the rows are read from the
 * latest committed state, this transaction's own included (those of the
 * current statement too, as RI checks see them): for a resource without a
 * clock limit, the first pool's rows, all the minutes rule reads; for one
 * with a limit, every row of those pools and every other row whose window
 * overlaps [start, end) (a reservation left outside its pool's window by a
 * schedule change still takes its place on the clock).  The other rows are
 * passed over on their index entries, unread: under SERIALIZABLE a booking
 * then records no conflict with the uncommitted bookings of pools its own
 * cannot touch.  What this transaction's snapshot saw of the pools decided
 * on is compared by tp_day_check_snapshot().
 */
void
tp_read_day(DateADT date, int64 resource_id, int max_concurrent,
			const char *const *periods, int nperiods, int start, int end,
			bool locked, TpDayState *out)
{
	Snapshot	snap;
	TpScope		sc;

	if (!locked)
	{
		tp_read_day_snapshot(date, resource_id, max_concurrent,
							 nperiods > 0 ? periods[0] : NULL, GetActiveSnapshot(), out);
		return;
	}
	CommandCounterIncrement();
	snap = RegisterSnapshot(GetLatestSnapshot());
	if (max_concurrent == TP_NO_LIMIT)
		tp_read_day_snapshot(date, resource_id, max_concurrent,
							 nperiods > 0 ? periods[0] : NULL, snap, out);
	else
	{
		out->resource_id = resource_id;
		out->date = date;
		out->max_concurrent = max_concurrent;
		out->period = NULL;
		out->n = 0;
		out->max = 16;
		out->rows = palloc(sizeof(TpBooking) * out->max);
		sc.st = out;
		sc.periods = periods;
		sc.nperiods = nperiods;
		sc.start = start;
		sc.end = end;
		tp_scan_booked(date, date, resource_id, NULL, snap, tp_in_scope, tp_collect_scoped, &sc);
	}
	UnregisterSnapshot(snap);
}

/*
 * Take one reservation (period, window and minutes) out of a state: the
 * guard judges a row that is already in the table as if it were not yet.
 */
void
tp_day_forget(TpDayState *st, const char *period, int start, int end, int required)
{
	int			i;

	for (i = 0; i < st->n; i++)
	{
		TpBooking  *b = &st->rows[i];

		/* before 1.3 the pool index has no windows: -1, any row of the pool */
		if ((b->start_min < 0 || (b->start_min == start && b->end_min == end)) &&
			b->required == required && strcmp(b->period, period) == 0)
		{
			st->rows[i] = st->rows[--st->n];
			return;
		}
	}
}

/* Minutes (and, if count is given, reservations) held in one pool. */
int64
tp_day_minutes(const TpDayState *st, const char *period, int64 *count)
{
	int64		minutes = 0;
	int64		n = 0;
	int			i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->rows[i].period, period) == 0)
		{
			minutes += st->rows[i].required;
			n++;
		}
	if (count)
		*count = n;
	return minutes;
}

static int
tp_cmp_window(const void *a, const void *b)
{
	const TpBooking *x = (const TpBooking *) a;
	const TpBooking *y = (const TpBooking *) b;

	if (x->start_min != y->start_min)
		return (x->start_min > y->start_min) - (x->start_min < y->start_min);
	return (x->end_min > y->end_min) - (x->end_min < y->end_min);
}

static int
tp_cmp_event(const void *a, const void *b)
{
	int			x = *(const int *) a;
	int			y = *(const int *) b;

	return (x > y) - (x < y);
}

/*
 * The most windows of st that overlap at one instant of [start, end); the
 * earliest of them (up to TP_WHY_OVERLAPS) go into why.  A sweep over the
 * windows' ends and starts within [start, end), in order, an end before a
 * start at the same minute (back to back is no overlap): O(n log n) in the
 * rows of the day, however they overlap.
 */
static int
tp_clock_peak(const TpDayState *st, int start, int end, TpWhy *why)
{
	int			peak = 0;
	int			at = 0;
	int		   *events = palloc(sizeof(int) * (2 * st->n + 1));
	int			nevents = 0;
	int			i;

	if (why)
		why->noverlaps = 0;
	for (i = 0; i < st->n; i++)
	{
		int			a = Max(st->rows[i].start_min, start);
		int			b = Min(st->rows[i].end_min, end);

		if (a >= b)
			continue;
		/* minute * 2 + 1 a start, minute * 2 an end: ends sort first */
		events[nevents++] = a * 2 + 1;
		events[nevents++] = b * 2;
	}
	qsort(events, nevents, sizeof(int), tp_cmp_event);
	for (i = 0; i < nevents; i++)
	{
		at += (events[i] & 1) ? 1 : -1;
		peak = Max(peak, at);
	}
	pfree(events);
	if (why && peak > 0)
	{
		/* the overlapping windows, earliest first */
		TpBooking  *over = palloc(sizeof(TpBooking) * st->n);
		int			n = 0;

		for (i = 0; i < st->n; i++)
			if (st->rows[i].start_min < end && st->rows[i].end_min > start)
				over[n++] = st->rows[i];
		qsort(over, n, sizeof(TpBooking), tp_cmp_window);
		for (i = 0; i < n && i < TP_WHY_OVERLAPS; i++)
		{
			why->overlap_start[i] = over[i].start_min;
			why->overlap_end[i] = over[i].end_min;
		}
		why->noverlaps = i;
		pfree(over);
	}
	return peak;
}

/*
 * The rule.  Whether a window [start, end) holding required minutes fits
 * pool p of the resource whose day st is, and if not, why:
 *
 *	- TP_CLOSED: the pool is closed;
 *	- TP_NO_PERIOD, TP_PAST_END: the window does not lie within the pool's;
 *	- TP_OVERLAP: with clock_at_stake and a clock limit, max_concurrent
 *	  windows already overlap at some instant of [start, end) (why lists
 *	  the earliest of them);
 *	- TP_FULL: with minutes_at_stake, the pool's minutes without this
 *	  booking leave less than required (why->booked says how many are held).
 *
 * The clock comes first: a time that is taken is refused as taken (the
 * patient can be offered another time), even when the pool is full too.
 *
 * A write that keeps its minutes in the same pool (a move within it) does
 * not put the minutes at stake, and one whose window stays within the old
 * one does not put the clock at stake: lowering a capacity or a clock limit
 * keeps what is booked, and only new minutes or new overlaps are refused.
 */
TpVerdict
tp_judge(const TpDayState *st, const TpPool *p, int start, int end, int required,
		 bool minutes_at_stake, bool clock_at_stake, TpWhy *why)
{
	TpWhy		local;

	if (why == NULL)
		why = &local;
	memset(why, 0, sizeof(*why));
	if (p->closed)
		return TP_CLOSED;
	if (start < p->start_min || start >= p->end_min)
		return TP_NO_PERIOD;
	if (end > p->end_min)
		return TP_PAST_END;
	why->booked = tp_day_minutes(st, p->period, NULL);
	if (clock_at_stake && st->max_concurrent != TP_NO_LIMIT &&
		tp_clock_peak(st, start, end, why) >= st->max_concurrent)
		return TP_OVERLAP;
	if (minutes_at_stake && why->booked + required > p->capacity)
		return TP_FULL;
	return TP_OK;
}

/*
 * Every start of pool p at or after minute from at which tp_judge() accepts
 * a booking of required minutes (its minutes put at stake or not), avoiding
 * the hour a DST change skips ([g0, g1), g0 < 0 for none): fits[s -
 * p->start_min] is set for each such start s, cleared for every other s of
 * [p->start_min, p->end_min] (fits has room for p->end_min - p->start_min +
 * 1 entries); returns how many.  One pass over the pool's minutes, the same
 * rule as tp_judge() in another form: how many windows cover each minute (a
 * difference array of the rows), a minute blocked where the clock limit is
 * reached or the clocks skip it, and a start fits when none of its window's
 * minutes is blocked (a prefix count of them) and the pool's minutes hold
 * it.  A window's peak on the clock is the most windows covering one of its
 * minutes, since windows start and end on whole minutes.
 * test/slots_agree.sh checks its answers against book_service().
 */
int
tp_fit_starts(const TpDayState *st, const TpPool *p, int from, int required,
			  bool minutes_at_stake, int g0, int g1, bool *fits)
{
	int			s0 = p->start_min;
	int			len = p->end_min - p->start_min;
	bool		clock = st->max_concurrent != TP_NO_LIMIT;
	int			limit = clock ? st->max_concurrent : 1;
	bool		gap;
	int		   *occ;
	int		   *blocked;
	int			at = 0;
	int			n = 0;
	int			m,
				s,
				i;

	if (len < 0)
		return 0;
	memset(fits, 0, sizeof(bool) * (len + 1));
	if (p->closed || required <= 0 || len < required ||
		(minutes_at_stake && tp_day_minutes(st, p->period, NULL) + required > p->capacity))
		return 0;

	/*
	 * The minutes are counted blocked where limit windows cover them: the
	 * rows' windows, and the skipped hour as limit windows of its own.  With
	 * fewer rows than the limit, the rows alone block nothing.
	 */
	clock = clock && st->n >= limit;
	gap = g0 >= 0 && g0 < p->end_min && g1 > s0;
	if (!clock && !gap)
	{
		for (s = Max(s0, from); s + required <= p->end_min; s++)
		{
			fits[s - s0] = true;
			n++;
		}
		return n;
	}
	occ = palloc0(sizeof(int) * (len + 1));
	blocked = palloc(sizeof(int) * (len + 1));
	if (clock)
		for (i = 0; i < st->n; i++)
		{
			int			a = Max(st->rows[i].start_min, s0);
			int			b = Min(st->rows[i].end_min, p->end_min);

			if (a < b)
			{
				occ[a - s0]++;
				occ[b - s0]--;
			}
		}
	if (gap)
	{
		occ[Max(g0, s0) - s0] += limit;
		occ[Min(g1, p->end_min) - s0] -= limit;
	}
	/* blocked[k]: how many of the minutes [s0, s0 + k) are blocked */
	blocked[0] = 0;
	for (m = 0; m < len; m++)
	{
		at += occ[m];
		blocked[m + 1] = blocked[m] + (at >= limit);
	}
	for (s = Max(s0, from); s + required <= p->end_min; s++)
		if (blocked[s - s0 + required] == blocked[s - s0])
		{
			fits[s - s0] = true;
			n++;
		}
	pfree(occ);
	pfree(blocked);
	return n;
}

/*
 * The earliest start at or after minute from at which tp_judge() accepts a
 * booking of required minutes in pool p (its minutes put at stake or not,
 * as for the write it is the hint of), avoiding the hour a DST change
 * skips ([g0, g1), g0 < 0 for none); -1 if there is none.  The starts come
 * from tp_fit_starts(); each is put to tp_judge(), which has the last word.
 */
int
tp_first_fit(const TpDayState *st, const TpPool *p, int from, int required,
			 bool minutes_at_stake, int g0, int g1)
{
	int			len = p->end_min - p->start_min;
	bool	   *fits;
	int			found = -1;
	int			s;

	if (p->closed || len < required || required <= 0)
		return -1;
	fits = palloc(sizeof(bool) * (len + 1));
	if (tp_fit_starts(st, p, from, required, minutes_at_stake, g0, g1, fits) > 0)
		for (s = Max(p->start_min, from); s + required <= p->end_min && found < 0; s++)
			if (fits[s - p->start_min] &&
				tp_judge(st, p, s, s + required, required, minutes_at_stake, true, NULL) == TP_OK)
				found = s;
	pfree(fits);
	return found;
}

/*
 * The pools of day whose locks a write of [start, end) into pool p takes:
 * p's, and with a clock limit every other pool of the resource whose window
 * overlaps [start, end) (an override can make two windows overlap).  Their
 * keys go to keys, their periods to periods (if given), both with room for
 * day->npools + 1; returns how many.
 */
int
tp_touched_pools(const TpResourceDay *day, DateADT date, const TpPool *p,
				 int start, int end, int32 *keys, const char **periods)
{
	int			n = 0;
	int			i;

	keys[n] = tp_pool_key(day->resource_id, date, p->period);
	if (periods)
		periods[n] = p->period;
	n++;
	if (day->max_concurrent == TP_NO_LIMIT)
		return n;
	for (i = 0; i < day->npools; i++)
	{
		const TpPool *q = &day->pools[i];

		if (strcmp(q->period, p->period) == 0 || q->start_min >= end || q->end_min <= start)
			continue;
		keys[n] = tp_pool_key(day->resource_id, date, q->period);
		if (periods)
			periods[n] = q->period;
		n++;
	}
	return n;
}

static bool
tp_in_periods(const char *period, const char *const *periods, int nperiods)
{
	int			i;

	for (i = 0; i < nperiods; i++)
		if (strcmp(period, periods[i]) == 0)
			return true;
	return false;
}

static int
tp_cmp_booking(const void *a, const void *b)
{
	const TpBooking *x = (const TpBooking *) a;
	const TpBooking *y = (const TpBooking *) b;
	int			c = strcmp(x->period, y->period);

	if (c != 0)
		return c;
	if (x->start_min != y->start_min)
		return (x->start_min > y->start_min) - (x->start_min < y->start_min);
	if (x->end_min != y->end_min)
		return (x->end_min > y->end_min) - (x->end_min < y->end_min);
	return (x->required > y->required) - (x->required < y->required);
}

/* the rows of st in periods, sorted; their number in *n */
static TpBooking *
tp_rows_in(const TpDayState *st, const char *const *periods, int nperiods, int *n)
{
	TpBooking  *rows = palloc(sizeof(TpBooking) * Max(st->n, 1));
	int			i;

	*n = 0;
	for (i = 0; i < st->n; i++)
		if (tp_in_periods(st->rows[i].period, periods, nperiods))
			rows[(*n)++] = st->rows[i];
	qsort(rows, *n, sizeof(TpBooking), tp_cmp_booking);
	return rows;
}

/*
 * Under REPEATABLE READ or SERIALIZABLE, a decision taken on the latest
 * state (latest) of some pools that the transaction's snapshot sees
 * otherwise means another booking raced this one: serialization failure,
 * to be retried by the client.  Only the pools decided on are compared, so
 * a booking is not failed for a race in a pool it did not take; without a
 * clock limit only their minutes and counts, with one their windows too.
 */
void
tp_day_check_snapshot(const TpDayState *latest, const char *const *periods, int nperiods)
{
	Snapshot	xact;
	TpDayState	seen;
	TpBooking  *a,
			   *b;
	int			na,
				nb;
	int			i;
	const char *differs = NULL;

	if (!IsolationUsesXactSnapshot())
		return;
	xact = RegisterSnapshot(GetTransactionSnapshot());
	xact->curcid = GetCurrentCommandId(false);
	/* one scan per pool decided on: only those are read, and locked */
	seen = *latest;
	seen.n = 0;
	seen.max = 16;
	seen.rows = palloc(sizeof(TpBooking) * seen.max);
	for (i = 0; i < nperiods; i++)
		tp_scan_booked(latest->date, latest->date, latest->resource_id, periods[i], xact, NULL, tp_collect, &seen);
	UnregisterSnapshot(xact);

	if (latest->max_concurrent == TP_NO_LIMIT)
	{
		for (i = 0; i < nperiods && differs == NULL; i++)
		{
			int64		c1,
						c2;

			if (tp_day_minutes(latest, periods[i], &c1) != tp_day_minutes(&seen, periods[i], &c2) ||
				c1 != c2)
				differs = periods[i];
		}
	}
	else
	{
		a = tp_rows_in(latest, periods, nperiods, &na);
		b = tp_rows_in(&seen, periods, nperiods, &nb);
		for (i = 0; i < Max(na, nb) && differs == NULL; i++)
			if (i >= na || i >= nb || tp_cmp_booking(&a[i], &b[i]) != 0)
				differs = i < na ? a[i].period : b[i].period;
	}
	if (differs != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("could not serialize access due to a concurrent booking"),
				 errdetail("Another transaction changed pool %s on %s after this transaction's snapshot was taken.",
						   differs, tp_date_str(latest->date)),
				 errhint("Retry the transaction.")));
}

/*
 * The refusals, the same from book_service() and from the guard's check of
 * a plain INSERT or UPDATE.
 */

/* TP002: the pool is closed on date */
void
tp_refuse_closed(const char *resource_code, const TpPool *p, DateADT date,
				 const char *hint)
{
	char	   *datestr = tp_date_str(date);

	ereport(ERROR,
			(errcode(ERRCODE_TP_OUTSIDE_SCHEDULE),
			 errmsg("%s is closed on %s", p->period, datestr),
			 errdetail("Resource %s takes no bookings in %s on %s.",
					   resource_code, p->period, datestr),
			 hint ? errhint("%s", hint) : 0));
}

/*
 * TP001: required minutes (of service_code, NULL if unknown) do not fit in
 * the pool, which holds booked minutes without them.  The refusals take the
 * hint the caller has (book_service's names open start times), or NULL.
 */
void
tp_refuse_full(const char *service_code, int required, int64 booked,
			   const TpPool *p, DateADT date, const char *hint)
{
	char	   *datestr = tp_date_str(date);
	int64		remaining = Max((int64) p->capacity - booked, 0);

	ereport(ERROR,
			(errcode(ERRCODE_TP_NO_TIME_LEFT),
			 errmsg("not enough time left for %s in %s on %s",
					service_code ? service_code : "the reservation", p->period, datestr),
			 errdetail("%s needs %d minutes; " INT64_FORMAT " of %d minutes remain in %s on %s.",
					   service_code ? service_code : "The reservation", required, remaining,
					   p->capacity, p->period, datestr),
			 hint ? errhint("%s", hint) : errhint("Choose another period, date or resource.")));
}

/*
 * TP007: the window [start, end) would overlap max_concurrent others of the
 * resource.  The detail gives their windows (never whose they are), the
 * hint the next start in the pool that fits (next_start, -1 for none).
 */
void
tp_refuse_overlap(const char *resource_code, int max_concurrent, const char *service_code,
				  DateADT date, int start, int end, const TpWhy *why, int next_start,
				  const char *hint)
{
	StringInfoData windows;
	char	   *datestr = tp_date_str(date);
	int			i;

	initStringInfo(&windows);
	for (i = 0; i < why->noverlaps; i++)
		appendStringInfo(&windows, "%s%s-%s", i > 0 ? ", " : "",
						 tp_time_str(why->overlap_start[i]), tp_time_str(why->overlap_end[i]));
	ereport(ERROR,
			(errcode(ERRCODE_TP_CLOCK_OVERLAP),
			 errmsg("resource %s is busy from %s to %s on %s",
					resource_code, tp_time_str(start), tp_time_str(end), datestr),
			 max_concurrent == 1 ?
			 errdetail("%s takes one booking at a time; %s from %s to %s would overlap the %s %s.",
					   resource_code, service_code ? service_code : "the reservation",
					   tp_time_str(start), tp_time_str(end),
					   why->noverlaps == 1 ? "booking" : "bookings", windows.data) :
			 errdetail("%s takes %d bookings at a time; %s from %s to %s would overlap %d at once (bookings %s).",
					   resource_code, max_concurrent,
					   service_code ? service_code : "the reservation",
					   tp_time_str(start), tp_time_str(end), max_concurrent, windows.data),
			 hint ? errhint("%s", hint) :
			 next_start >= 0 ?
			 errhint("The next start on %s that fits is %s.", resource_code, tp_time_str(next_start)) :
			 errhint("No later start on %s fits in this period; choose another period, date or resource.",
					 resource_code)));
}

/* TP008: the resource does not perform the service, or none does */
void
tp_refuse_not_performed(const char *resource_code, const char *service_code)
{
	if (resource_code == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_TP_NOT_PERFORMED),
				 errmsg("no active resource performs %s", service_code),
				 errdetail("Every active resource has rows in timepool.resource_services, and none for %s.",
						   service_code),
				 errhint("INSERT INTO timepool.resource_services the resources that perform it.")));
	ereport(ERROR,
			(errcode(ERRCODE_TP_NOT_PERFORMED),
			 errmsg("resource %s does not perform %s", resource_code, service_code),
			 errdetail("timepool.resource_services lists the services %s performs, and %s is not one of them.",
					   resource_code, service_code),
			 errhint("Choose a resource that performs it, or leave the resource out.")));
}

/*
 * This transaction's writes to resources with a clock limit, for
 * tp_clock_writes_check() at its commit.  Kept in TopTransactionContext;
 * the writes of a subtransaction that aborts are forgotten.
 */
typedef struct TpClockWrite
{
	int64		resource_id;
	DateADT		date;
	char		period[TP_CODE_MAXLEN + 1];
	int			start_min;
	int			end_min;
	int			required;
	uint64		cache_changes;	/* tp_cache_changes() when it was decided */
	SubTransactionId subid;
} TpClockWrite;

static TpClockWrite *tp_clock_writes = NULL;
static int	tp_nclock_writes = 0;
static int	tp_maxclock_writes = 0;

void
tp_note_clock_write(int64 resource_id, DateADT date, const char *period, int start, int end,
					int required)
{
	TpClockWrite *w;

	if (tp_nclock_writes == tp_maxclock_writes)
	{
		int			newmax = Max(16, tp_maxclock_writes * 2);

		if (tp_clock_writes == NULL)
			tp_clock_writes = MemoryContextAlloc(TopTransactionContext,
												 sizeof(TpClockWrite) * newmax);
		else
			tp_clock_writes = repalloc(tp_clock_writes, sizeof(TpClockWrite) * newmax);
		tp_maxclock_writes = newmax;
	}
	w = &tp_clock_writes[tp_nclock_writes++];
	w->resource_id = resource_id;
	w->date = date;
	strlcpy(w->period, period, TP_CODE_MAXLEN + 1);
	w->start_min = start;
	w->end_min = end;
	w->required = required;
	w->cache_changes = tp_cache_changes();
	w->subid = GetCurrentSubTransactionId();
}

/* A subtransaction ended: its writes go with it, or to its parent. */
void
tp_clock_writes_subxact(SubXactEvent event, SubTransactionId mySubid,
						SubTransactionId parentSubid)
{
	int			i,
				kept = 0;

	for (i = 0; i < tp_nclock_writes; i++)
	{
		TpClockWrite *w = &tp_clock_writes[i];

		if (w->subid == mySubid)
		{
			if (event == SUBXACT_EVENT_ABORT_SUB)
				continue;
			if (event == SUBXACT_EVENT_COMMIT_SUB)
				w->subid = parentSubid;
		}
		tp_clock_writes[kept++] = *w;
	}
	tp_nclock_writes = kept;
}

/* The transaction ended (its memory with it). */
void
tp_clock_writes_reset(void)
{
	tp_clock_writes = NULL;
	tp_nclock_writes = 0;
	tp_maxclock_writes = 0;
}

/*
 * At commit (and PREPARE) of a transaction that wrote reservations: check
 * each write to a resource with a clock limit (now) again, on the schedule
 * and the rows committed by now, while holding the schedule lock.
 *
 * A transaction that did not change the schedule takes the lock in
 * RowExclusiveLock to its end: a schedule change's commit then waits for
 * this one's, or this one waits until the change's invalidations are out
 * and takes them in.  A write whose window no longer lies within its pool's
 * fails with 40001: another booking may have been decided on the changed
 * schedule without the locks this one holds.
 *
 * A transaction that changed the schedule holds the lock in ShareLock
 * already (the caller took it): its own bookings were decided on its own,
 * uncommitted schedule, so each is judged again on the clock, against the
 * rows committed by now (no other booking can reach its commit meanwhile),
 * and must lie within its pool too.
 *
 * A write the transaction undid or moved since is passed over, and so is
 * one on a resource without a clock limit now.  At PREPARE the lock is let
 * go after the check: a prepared transaction that held it would keep every
 * schedule change, and the bookings queued behind it, waiting.
 */
void
tp_clock_writes_check(bool schedule_changed, bool prepare)
{
	LOCKTAG		tag;
	bool		reload;
	int			i;
	TpCommitScope scope;

	if (tp_nclock_writes == 0)
		return;
	/* the transaction dropped the extension, its reservations with it */
	if (!OidIsValid(tp_relid("reservations")))
		return;
	SET_LOCKTAG_RELATION(tag, MyDatabaseId, InvalidOid);
	tp_schedule_lock_to_commit();
	tp_cache_accept();

	/* a cache to reload is read as timepool's owner (tp_commit_scope_begin) */
	reload = !tp_cache_is_valid();
	if (reload)
		tp_commit_scope_begin(&scope);
	for (i = 0; i < tp_nclock_writes; i++)
	{
		TpClockWrite *w = &tp_clock_writes[i];
		TpResourceDay *days;
		TpPool	   *p = NULL;
		bool		inside;
		bool		exists = false;
		TpDayState	st;
		TpWhy		why;
		const char *period = w->period;
		int			k;

		CHECK_FOR_INTERRUPTS();
		/* nothing of the schedule changed since it was decided: it fits */
		if (!schedule_changed && !reload && w->cache_changes == tp_cache_changes())
			continue;
		if (i > 0 && w->resource_id == w[-1].resource_id && w->date == w[-1].date &&
			strcmp(w->period, w[-1].period) == 0 &&
			w->start_min == w[-1].start_min && w->end_min == w[-1].end_min)
			continue;
		if (tp_load_day(w->date, w->resource_id, 0, &days) != 1 ||
			days[0].max_concurrent == TP_NO_LIMIT)
			continue;
		p = tp_find_pool_named(&days[0], w->period);
		inside = p != NULL && w->start_min >= p->start_min && w->end_min <= p->end_min;
		if (inside && !schedule_changed)
			continue;

		/* is the row still there, as written? */
		tp_read_day(w->date, w->resource_id, days[0].max_concurrent, &period, 1,
					w->start_min, w->end_min, true, &st);
		for (k = 0; k < st.n && !exists; k++)
			exists = st.rows[k].start_min == w->start_min && st.rows[k].end_min == w->end_min &&
				st.rows[k].required == w->required && strcmp(st.rows[k].period, w->period) == 0;
		if (!exists)
			continue;
		if (!inside)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("could not serialize access due to a concurrent schedule change"),
					 errdetail("A booking of this transaction from %s to %s on %s does not lie within its period %s on the schedule committed now.",
							   tp_time_str(w->start_min), tp_time_str(w->end_min),
							   tp_date_str(w->date), w->period),
					 errhint("Retry the transaction.")));
		tp_day_forget(&st, w->period, w->start_min, w->end_min, w->required);
		if (tp_judge(&st, p, w->start_min, w->end_min, w->required, false, true, &why) == TP_OVERLAP)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("could not serialize access due to a concurrent booking"),
					 errdetail("A booking of this transaction from %s to %s on %s, decided on this transaction's own schedule change, overlaps one committed meanwhile.",
							   tp_time_str(w->start_min), tp_time_str(w->end_min),
							   tp_date_str(w->date)),
					 errhint("Retry the transaction.")));
	}
	if (reload)
		tp_commit_scope_end(&scope);
	if (prepare && !schedule_changed)
		LockRelease(&tag, RowExclusiveLock, false);
}
