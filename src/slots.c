/*-------------------------------------------------------------------------
 *
 * slots.c
 *	  Open start times: timepool.open_slots(), and tp_open_starts_near() for
 *	  the hints of book_service()'s refusals.
 *
 *	  A start is open where book_service() would accept it right now, read
 *	  without locks like can_book(): the service can be booked, the date and
 *	  the start lie in its booking window (tp_policy_first_minute), the
 *	  window does not run into the hour the clocks skip, the service's daily
 *	  cap has room, the resource is active and performs the service, and
 *	  some open pool of the resource whose window holds the booking takes it
 *	  on its minutes and its clock (tp_judge, decide.c).
 *
 *	  One pass per resource and date, not one decision per start: the date's
 *	  holding reservations are read once (one scan of the pool index for
 *	  every resource), the daily cap once, and each pool's starts come from
 *	  tp_fit_starts() (decide.c), one sweep over its minutes.  A start that
 *	  several pools of a resource hold is given once, with the pool
 *	  book_service() would book into: the most minutes left, ties by the
 *	  pool's start (tp_decide, booking.c).
 *
 * IDENTIFICATION
 *	  src/slots.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(tp_open_slots);

#define OPEN_SLOTS_COLS 6
/* the longest range open_slots() reads, in days */
#define TP_SLOTS_MAX_DAYS 92
/*
 * tp_open_starts_near()'s grid: finer than open_slots()'s default, so that
 * a refusal's hint finds the start just after a booking (09:40 after one
 * that ends then) that a 15-minute grid from 09:00 would pass over.
 */
#define TP_NEAR_STEP 5

/* One open start of a resource on a date. */
typedef struct TpSlot
{
	int			day;			/* index in the date's TpResourceDay array */
	int			pool;			/* the pool book_service() would choose */
	int			start_min;
	int64		remaining;		/* its minutes left, before this booking */
} TpSlot;

/* Per-minute scratch of tp_open_starts(), allocated once per call. */
typedef struct TpSlotWork
{
	bool		grid[TP_MINUTES_PER_DAY + 1];	/* on some pool's grid */
	bool		fits[TP_MINUTES_PER_DAY + 1];	/* tp_fit_starts() of one pool */
	/* the resource's grid starts, in order, and the pool each would take */
	int			starts[TP_MINUTES_PER_DAY + 1];
	int64		best_remaining[TP_MINUTES_PER_DAY + 1];
	int			best_pool[TP_MINUTES_PER_DAY + 1];	/* -1: fits no pool */
} TpSlotWork;

/* Holding reservations, in the pool index's order: by date, then resource. */
typedef struct TpSlotRows
{
	TpBooking  *rows;
	int			n;
	int			max;
} TpSlotRows;

static void
tp_slots_collect(void *arg, const TpBooking *b)
{
	TpSlotRows *acc = (TpSlotRows *) arg;

	if (acc->n == acc->max)
	{
		acc->max = Max(64, acc->max * 2);
		acc->rows = acc->rows == NULL ? palloc(sizeof(TpBooking) * acc->max) :
			repalloc(acc->rows, sizeof(TpBooking) * acc->max);
	}
	acc->rows[acc->n++] = *b;
}

/* The holding reservations of the dates from to to (resource_id 0: all). */
static void
tp_slots_read(DateADT from, DateADT to, int64 resource_id, TpSlotRows *acc)
{
	acc->rows = NULL;
	acc->n = acc->max = 0;
	tp_scan_booked(from, to, resource_id, NULL, GetActiveSnapshot(), NULL, tp_slots_collect, acc);
}

/*
 * The open starts of svc on date, on a grid of step minutes from each
 * period's start, of the resource given (resource_id != 0) or of every
 * active resource of the location (location_id, 0: of every one), each on
 * its location's clock, by resource code and start: into *out (allocated in the
 * current context), with the date's pools in *days_out.  Returns how many.
 * rows[0..nrows) are the date's holding reservations as tp_slots_read()
 * gives them (by resource); w is scratch space.
 * The caller is connected to SPI and has synced the cache; svc and the
 * resource were looked up (they can be booked).
 */
static int
tp_open_starts(const TpService *svc, DateADT date, int64 resource_id, int64 location_id,
			   int step, TpBooking *rows, int nrows, TpSlotWork *w,
			   TpResourceDay **days_out, TpSlot **out)
{
	TpPolicy	pol;
	TpResourceDay *days;
	TpDayState *states;
	TpSlot	   *slots = NULL;
	int			nslots = 0;
	int			maxslots = 0;
	int			ndays;
	int			first = TP_MINUTES_PER_DAY;
	int64		clock_of = -1;	/* the location first, g0 and g1 are of */
	int			required = svc->required;
	int			g0 = -1,
				g1 = -1;
	bool	   *grid = w->grid;
	bool	   *fits = w->fits;
	int		   *starts = w->starts;
	int64	   *best_remaining = w->best_remaining;
	int		   *best_pool = w->best_pool;
	int			i,
				j,
				k;

	*out = NULL;
	*days_out = NULL;
	ndays = tp_load_day(date, resource_id, location_id, &days);
	*days_out = days;
	if (ndays == 0)
		return 0;

	/* the daily cap, once for the date */
	if (svc->daily_cap != TP_NO_CAP)
	{
		int64		minutes,
					count;

		tp_service_day_booked(svc, date, false, &minutes, &count);
		if (minutes + required > svc->daily_cap)
			return 0;
	}

	/*
	 * Each resource's rows: a run of them, as the index keeps a date's rows
	 * by resource.  Those of an inactive resource are left out.
	 */
	states = palloc(sizeof(TpDayState) * ndays);
	for (i = 0; i < ndays; i++)
	{
		TpDayState *st = &states[i];

		st->resource_id = days[i].resource_id;
		st->date = date;
		st->max_concurrent = days[i].max_concurrent;
		st->period = NULL;
		st->n = st->max = 0;
		st->rows = NULL;
	}
	for (k = 0, i = 0; k < nrows; k = j)
	{
		for (j = k + 1; j < nrows && rows[j].resource_id == rows[k].resource_id; j++)
			;
		if (i >= ndays || days[i].resource_id != rows[k].resource_id)
			for (i = 0; i < ndays && days[i].resource_id != rows[k].resource_id; i++)
				;
		if (i < ndays)
		{
			states[i].rows = &rows[k];
			states[i].n = states[i].max = j - k;
		}
	}

	for (i = 0; i < ndays; i++)
	{
		TpResourceDay *day = &days[i];
		int			lo = TP_MINUTES_PER_DAY;
		int			hi = 0;
		int			nstarts;
		bool		sorted;
		int			s;

		CHECK_FOR_INTERRUPTS();
		if (day->npools == 0 || !tp_performs(day->resource_id, svc->id))
			continue;
		/* the booking window and the skipped hour, on the location's clock */
		if (day->location_id != clock_of)
		{
			clock_of = day->location_id;
			tp_policy(svc, clock_of, &pol);
			first = tp_policy_first_minute(&pol, date);
			if (!tp_wall_gap(clock_of, date, &g0, &g1))
				g0 = g1 = -1;
		}
		if (first >= TP_MINUTES_PER_DAY)
			continue;
		/* the minutes of the day the resource's pools cover, [lo, hi) */
		for (j = 0; j < day->npools; j++)
		{
			TpPool	   *p = &day->pools[j];

			if (p->start_min < 0 || p->end_min > TP_MINUTES_PER_DAY ||
				p->end_min < p->start_min)
				continue;
			lo = Min(lo, p->start_min);
			hi = Max(hi, p->end_min);
		}
		if (lo >= hi)
			continue;

		/*
		 * The grid: every pool's, a closed one's too, in order.  The pools
		 * are by start; only overlapping windows (an override's) need the
		 * grids merged.
		 */
		nstarts = 0;
		sorted = true;
		for (j = 0; j < day->npools && sorted; j++)
		{
			TpPool	   *p = &day->pools[j];

			if (p->start_min < 0 || p->end_min > TP_MINUTES_PER_DAY ||
				p->end_min < p->start_min)
				continue;
			for (s = p->start_min; s + required <= p->end_min && sorted; s += step)
			{
				if (nstarts > 0 && starts[nstarts - 1] >= s)
					sorted = false;
				else
					starts[nstarts++] = s;
			}
		}
		if (!sorted)
		{
			memset(grid + lo, 0, sizeof(bool) * (hi - lo));
			for (j = 0; j < day->npools; j++)
			{
				TpPool	   *p = &day->pools[j];

				if (p->start_min < 0 || p->end_min > TP_MINUTES_PER_DAY ||
					p->end_min < p->start_min)
					continue;
				for (s = p->start_min; s + required <= p->end_min; s += step)
					grid[s] = true;
			}
			nstarts = 0;
			for (s = lo; s < hi; s++)
				if (grid[s])
					starts[nstarts++] = s;
		}
		for (k = 0; k < nstarts; k++)
		{
			best_remaining[k] = PG_INT64_MIN;
			best_pool[k] = -1;
		}

		/*
		 * Each pool's fitting starts in one sweep; a grid start goes to the
		 * pool with the most minutes left, of pools alike the
		 * earliest-starting (they are in that order).
		 */
		for (j = 0; j < day->npools && nstarts > 0; j++)
		{
			TpPool	   *p = &day->pools[j];
			int64		remaining;

			if (p->start_min < 0 || p->end_min > TP_MINUTES_PER_DAY ||
				p->end_min < p->start_min)
				continue;
			if (tp_fit_starts(&states[i], p, first, required, true, g0, g1, fits) == 0)
				continue;
			remaining = (int64) p->capacity - tp_day_minutes(&states[i], p->period, NULL);
			for (k = 0; k < nstarts && starts[k] + required <= p->end_min; k++)
				if (starts[k] >= p->start_min && fits[starts[k] - p->start_min] &&
					remaining > best_remaining[k])
				{
					best_remaining[k] = remaining;
					best_pool[k] = j;
				}
		}
		for (k = 0; k < nstarts; k++)
		{
			if (best_pool[k] < 0)
				continue;
			if (nslots == maxslots)
			{
				maxslots = Max(64, maxslots * 2);
				slots = slots == NULL ? palloc(sizeof(TpSlot) * maxslots) :
					repalloc(slots, sizeof(TpSlot) * maxslots);
			}
			slots[nslots].day = i;
			slots[nslots].pool = best_pool[k];
			slots[nslots].start_min = starts[k];
			slots[nslots].remaining = best_remaining[k];
			nslots++;
		}
	}
	*out = slots;
	return nslots;
}

/*
 * Narrow [*from, *to] to the dates the booking window of svc allows at the
 * location (0: at any location): the window is one span of days at each.
 */
static void
tp_window_dates(const TpService *svc, int64 location_id, DateADT *from, DateADT *to)
{
	TpCache    *cache = tp_cache_get();
	int			n = (location_id == 0 && cache->nlocations > 0) ? cache->nlocations : 1;
	DateADT		lo = *to + 1;
	DateADT		hi = *from - 1;
	int			i;

	for (i = 0; i < n; i++)
	{
		TpPolicy	pol;
		DateADT		a = *from;
		DateADT		b = *to;

		tp_policy(svc, location_id != 0 ? location_id :
				  (cache->nlocations > 0 ? tp_cache_get()->locations[i].id : 0), &pol);
		while (a <= b && tp_policy_first_minute(&pol, a) >= TP_MINUTES_PER_DAY)
			a++;
		while (b >= a && tp_policy_first_minute(&pol, b) >= TP_MINUTES_PER_DAY)
			b--;
		if (a <= b)
		{
			lo = Min(lo, a);
			hi = Max(hi, b);
		}
		cache = tp_cache_get();
	}
	*from = lo;
	*to = hi;
}

/*
 * timepool.open_slots(p_service, p_from, p_to, p_step_minutes, p_resource,
 *	 p_location)
 */
Datum
tp_open_slots(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char		service_code[TP_CODE_MAXLEN + 1];
	char		resource_code[TP_CODE_MAXLEN + 1];
	char		location_code[TP_CODE_MAXLEN + 1];
	bool		have_resource = !PG_ARGISNULL(4);
	bool		have_location;
	DateADT		from;
	DateADT		to;
	int32		step;
	TpService	svc;
	int64		resource_id = 0;
	int64		location_id;
	const char *why;
	MemoryContext perdate;
	MemoryContext old;
	DateADT		date;
	TpSlotWork *work;
	TpSlotRows	rows;
	int			first;

	tp_require(fcinfo, 0, "p_service");
	tp_require(fcinfo, 1, "p_from");
	tp_require(fcinfo, 3, "p_step_minutes");
	tp_check_code("service", PG_GETARG_TEXT_PP(0), service_code);
	if (have_resource)
		tp_check_code("resource", PG_GETARG_TEXT_PP(4), resource_code);
	have_location = tp_location_arg(fcinfo, 5, location_code);
	from = tp_check_date("p_from", PG_GETARG_DATUM(1));
	to = PG_ARGISNULL(2) ? from : tp_check_date("p_to", PG_GETARG_DATUM(2));
	if (to < from)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_to must not be before p_from"),
				 errdetail("p_from is %s and p_to is %s.", tp_date_str(from), tp_date_str(to))));
	if ((int64) to - from + 1 > TP_SLOTS_MAX_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the range from p_from to p_to is too long"),
				 errdetail("It has " INT64_FORMAT " days; open_slots() reads at most %d.",
						   (int64) to - from + 1, TP_SLOTS_MAX_DAYS),
				 errhint("Ask for a shorter range, in several calls if need be.")));
	step = PG_GETARG_INT32(3);
	if (step < 1 || step > TP_MINUTES_PER_DAY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_step_minutes must be between 1 and %d", TP_MINUTES_PER_DAY),
				 errdetail("It is %d.", step)));

	InitMaterializedSRF(fcinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	if (!tp_lookup_service(service_code, &svc, &why))
		tp_unbookable_service(service_code, why);
	if (have_resource && !tp_lookup_resource(resource_code, &resource_id, &why))
		tp_unavailable_resource(resource_code, why);
	location_id = tp_call_location(have_location ? location_code : NULL, resource_id, false);

	/*
	 * The range's reservations in one scan of the pool index, from the first
	 * date to the last that the booking window allows (the dates in between
	 * are all allowed: the window is one span of days at each location).
	 */
	tp_window_dates(&svc, location_id, &from, &to);
	if (from <= to)
		tp_slots_read(from, to, resource_id, &rows);
	else
		rows.n = 0;

	work = palloc(sizeof(TpSlotWork));
	perdate = AllocSetContextCreate(CurrentMemoryContext, "timepool open_slots",
									ALLOCSET_DEFAULT_SIZES);
	for (date = from, first = 0; date <= to; date++)
	{
		TpResourceDay *days;
		TpSlot	   *slots;
		int			nslots;
		int			last;
		int			k;
		int			last_day = -1;
		int			last_pool = -1;
		Datum		values[OPEN_SLOTS_COLS];
		bool		nulls[OPEN_SLOTS_COLS];

		CHECK_FOR_INTERRUPTS();
		for (last = first; last < rows.n && rows.rows[last].date == date; last++)
			;
		old = MemoryContextSwitchTo(perdate);
		nslots = tp_open_starts(&svc, date, resource_id, location_id, step, &rows.rows[first],
								last - first, work, &days, &slots);
		first = last;
		memset(nulls, false, sizeof(nulls));
		values[1] = DateADTGetDatum(date);
		for (k = 0; k < nslots; k++)
		{
			TpSlot	   *sl = &slots[k];

			/* the slots come by resource and start: each text made once */
			if (sl->day != last_day)
			{
				values[0] = CStringGetTextDatum(days[sl->day].code);
				last_day = sl->day;
				last_pool = -1;
			}
			if (sl->pool != last_pool)
			{
				values[2] = CStringGetTextDatum(days[sl->day].pools[sl->pool].period);
				last_pool = sl->pool;
			}
			values[3] = TimeADTGetDatum((TimeADT) sl->start_min * USECS_PER_MINUTE);
			values[4] = TimeADTGetDatum((TimeADT) (sl->start_min + svc.required) * USECS_PER_MINUTE);
			values[5] = Int32GetDatum((int32) Min(sl->remaining, (int64) PG_INT32_MAX));
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		MemoryContextSwitchTo(old);
		MemoryContextReset(perdate);
	}
	MemoryContextDelete(perdate);
	pfree(work);

	SPI_finish();
	return (Datum) 0;
}

static int
tp_cmp_near(const void *a, const void *b, void *arg)
{
	const TpOpenStart *x = (const TpOpenStart *) a;
	const TpOpenStart *y = (const TpOpenStart *) b;
	int			near = *(const int *) arg;
	int			dx = abs(x->start_min - near);
	int			dy = abs(y->start_min - near);

	if (dx != dy)
		return (dx > dy) - (dx < dy);
	return (x->start_min > y->start_min) - (x->start_min < y->start_min);
}

/*
 * Up to max open starts of svc on date (the 5-minute grid from each
 * period's start), on resource_id or (0) any active resource of the
 * location (location_id; 0: of any) that performs it, nearest to minute near first, the earlier of two as near; each start
 * once, with the resource book_service() would choose for it (the most
 * minutes left, ties by resource code).  Returns how many went into out.
 * The caller is connected to SPI, has synced the cache and looked svc up.
 */
int
tp_open_starts_near(const TpService *svc, DateADT date, int64 resource_id,
					int64 location_id, int near, TpOpenStart *out, int max)
{
	MemoryContext ctx;
	MemoryContext old;
	TpResourceDay *days;
	TpSlotRows	rows;
	TpSlot	   *slots;
	TpOpenStart *all;
	int64	   *remaining;
	int		   *at;
	int			nslots;
	int			nall = 0;
	int			n;
	int			k;

	if (svc == NULL || out == NULL || max <= 0 || resource_id < 0 ||
		DATE_NOT_FINITE(date))
		return 0;
	ctx = AllocSetContextCreate(CurrentMemoryContext, "timepool open starts",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(ctx);
	tp_slots_read(date, date, resource_id, &rows);
	nslots = tp_open_starts(svc, date, resource_id, location_id, TP_NEAR_STEP, rows.rows,
							rows.n, palloc(sizeof(TpSlotWork)), &days, &slots);
	all = palloc(sizeof(TpOpenStart) * Max(nslots, 1));
	remaining = palloc(sizeof(int64) * Max(nslots, 1));
	at = palloc(sizeof(int) * TP_MINUTES_PER_DAY);
	for (k = 0; k < TP_MINUTES_PER_DAY; k++)
		at[k] = -1;

	/*
	 * One entry per start: the slots come by resource code, so of two
	 * resources alike the first stays.
	 */
	for (k = 0; k < nslots; k++)
	{
		TpSlot	   *sl = &slots[k];
		int			i = at[sl->start_min];

		if (i >= 0 && remaining[i] >= sl->remaining)
			continue;
		if (i < 0)
			i = at[sl->start_min] = nall++;
		all[i].resource_id = days[sl->day].resource_id;
		strlcpy(all[i].resource, days[sl->day].code, TP_CODE_MAXLEN + 1);
		all[i].start_min = sl->start_min;
		remaining[i] = sl->remaining;
	}
	qsort_arg(all, nall, sizeof(TpOpenStart), tp_cmp_near, &near);
	n = Min(nall, max);
	MemoryContextSwitchTo(old);
	memcpy(out, all, sizeof(TpOpenStart) * n);
	MemoryContextDelete(ctx);
	return n;
}
