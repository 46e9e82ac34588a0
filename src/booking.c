/*-------------------------------------------------------------------------
 *
 * booking.c
 *	  The booking decision and the functions built on it: book_service,
 *	  can_book, cancel_reservation, set_reservation_status, pool_lock_key.
 *
 * IDENTIFICATION
 *	  src/booking.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "access/detoast.h"
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/snapmgr.h"
#include "utils/resowner.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(tp_book_service);
PG_FUNCTION_INFO_V1(tp_can_book);
PG_FUNCTION_INFO_V1(tp_cancel_reservation);
PG_FUNCTION_INFO_V1(tp_set_reservation_status);
PG_FUNCTION_INFO_V1(tp_pool_lock_key);

static SPIPlanPtr plan_insert = NULL;
static SPIPlanPtr plan_insert_14 = NULL;
static SPIPlanPtr plan_move_row = NULL;
static SPIPlanPtr plan_move = NULL;
static SPIPlanPtr plan_by_key = NULL;
static SPIPlanPtr plan_lock_row = NULL;
static SPIPlanPtr plan_set_status = NULL;

/* A booking decision: its verdict (see decide.c) and where. */
typedef struct TpDecision
{
	TpVerdict	verdict;
	TpResourceDay *day;			/* chosen resource, or the one the refusal is
								 * about */
	TpPool	   *pool;
	TpWhy		why;			/* what tp_judge() saw there */
	int			next_start;		/* TP_OVERLAP: next start that fits, or -1 */
} TpDecision;

/*
 * A reschedule: the reservation that moves.  Its own row is left out of
 * the state it is judged on (a move within a full pool fits), and the pools
 * it leaves are locked with the candidates', in one sorted acquisition, so
 * that two crosswise moves cannot deadlock.
 */
typedef struct TpMove
{
	int64		resource_id;
	DateADT		date;
	char		period[TP_CODE_MAXLEN + 1];
	int			start;
	int			end;
	int			required;
	int64		service_id;
	int32	   *keys;			/* the pools it leaves (its touched pools) */
	int			nkeys;
} TpMove;

/*
 * The reservation whose move tp_reschedule() is writing: its period is the
 * pool the decision chose, which the BEFORE trigger must not pick again
 * (tp_period_decided).  0 when none.
 */
static int64 tp_moving_id = 0;

bool
tp_period_decided(int64 id)
{
	return tp_moving_id != 0 && tp_moving_id == id;
}

static const char *const tp_statuses[] = {
	"HELD", "PENDING", "CONFIRMED", "COMPLETED", "NO_SHOW", "CANCELLED", "REJECTED", "EXPIRED"
};

/*
 * The rules of a booking that do not depend on the pool's minutes: the
 * service can be booked, the resource named (if any) too, the booking
 * window (TP005) and the clinic's clock (TP002).  book_service() checks them
 * before it decides and again, on the schedule and settings committed by
 * then, once it holds the pool locks: *svc is then the service as it is now.
 */
static void
tp_check_booking_rules(TpService *svc, DateADT date, int start, const char *resource_code,
					   int64 location_id)
{
	const char *why;
	TpService	now;
	TpPolicy	pol;
	int64		resource_id;

	if (!tp_lookup_service(svc->code, &now, &why))
		tp_unbookable_service(svc->code, why);
	if (now.id != svc->id)
		tp_unbookable_service(svc->code, "The service was deleted while this booking was being decided.");
	if (svc->fixed_required > 0)
	{
		/* a reschedule keeps the reservation's own length */
		now.duration = svc->duration;
		now.buffer = svc->buffer;
		now.required = svc->required;
		now.fixed_required = svc->fixed_required;
	}
	*svc = now;
	if (resource_code != NULL)
	{
		if (!tp_lookup_resource(resource_code, &resource_id, &why))
			tp_unavailable_resource(resource_code, why);
		location_id = tp_resource_location(resource_id);
	}
	tp_policy(svc, location_id, &pol);
	tp_check_policy(svc, &pol, date, start);
	tp_check_wall_clock(location_id, date, start, start + svc->required);
}

/*
 * Keep the refusal that comes closest to a booking: the higher verdict,
 * and of two alike the pool with more minutes left, else the first (by
 * resource code, then the pool's start).
 */
static void
tp_note_refusal(TpDecision *out, TpVerdict v, TpResourceDay *day, TpPool *p,
				const TpWhy *why)
{
	if (out->day != NULL &&
		(v < out->verdict ||
		 (v == out->verdict &&
		  (why == NULL ||
		   (int64) p->capacity - why->booked <= (int64) out->pool->capacity - out->why.booked))))
		return;
	out->verdict = v;
	out->day = day;
	out->pool = p;
	if (why)
		out->why = *why;
	else
		memset(&out->why, 0, sizeof(out->why));
}

static int
tp_cmp_key(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

/*
 * Decide where a service fits at date and start minute: among the resource
 * given (resource_id != 0) or every active resource that performs the
 * service, the open pools whose window holds [start, start + required),
 * judged by tp_judge() (decide.c) on minutes and clock; of those that fit,
 * the one with the most minutes left (ties by resource code, then the
 * pool's start).  With lock, every pool a candidate touches is locked first
 * and judged on the latest committed state, and a daily cap that the
 * booking would break is refused (TP006) under the service-day lock;
 * without, it gives TP_CAPPED.
 */
static void
tp_decide(TpService *svc, DateADT date, int start, int64 resource_id,
		  const char *resource_code, int64 location_id, bool lock, const TpMove *self,
		  TpDecision *out)
{
	TpResourceDay *days;
	int			ndays;
	int			end = start + svc->required;
	int			i;
	int			ncand = 0;
	int			npools = 0;
	int			performers = 0;
	TpResourceDay **cand_day;
	TpPool	  **cand_pool;
	TpDayState *states;
	TpDayState *full;			/* states[i] with the moving row still in it */
	int64		best_remaining = PG_INT64_MIN;	/* remaining may be negative
												 * in an over-full pool */
	int			best = -1;
	int32	   *keys = NULL;
	int			nkeys = 0;

	memset(out, 0, sizeof(*out));
	out->verdict = TP_NO_PERIOD;
	out->next_start = -1;

	ndays = tp_load_day(date, resource_id, location_id, &days);
	for (i = 0; i < ndays; i++)
		npools += days[i].npools;
	cand_day = palloc(sizeof(TpResourceDay *) * Max(npools, 1));
	cand_pool = palloc(sizeof(TpPool *) * Max(npools, 1));

	/*
	 * Every pool whose window contains the start is a candidate, overlapping
	 * windows of one resource (an override's extra period) included: the
	 * booking goes where there is room, as availability() shows it.
	 */
	for (i = 0; i < ndays; i++)
	{
		int			j;

		if (!tp_performs(days[i].resource_id, svc->id))
			continue;
		performers++;
		for (j = 0; j < days[i].npools; j++)
		{
			TpPool	   *p = &days[i].pools[j];

			if (start < p->start_min || start >= p->end_min)
				continue;
			if (p->closed)
				tp_note_refusal(out, TP_CLOSED, &days[i], p, NULL);
			else if (end > p->end_min)
				tp_note_refusal(out, TP_PAST_END, &days[i], p, NULL);
			else
			{
				cand_day[ncand] = &days[i];
				cand_pool[ncand] = p;
				ncand++;
			}
		}
	}
	if (ndays > 0 && performers == 0)
	{
		out->verdict = TP_NOT_PERFORMED;
		return;
	}
	if (ncand == 0)
		return;

	if (lock)
	{
		TpResourceDay *fresh;
		int			nfresh;
		int			kept = 0;
		int			maxkeys = 0;

		/* the pools each candidate touches on the clock, its own first */
		for (i = 0; i < ncand; i++)
			maxkeys += cand_day[i]->npools + 1;
		if (self)
			maxkeys += self->nkeys;
		keys = palloc(sizeof(int32) * maxkeys);
		for (i = 0; i < ncand; i++)
			nkeys += tp_touched_pools(cand_day[i], date, cand_pool[i], start, end,
									  keys + nkeys, NULL);
		if (self)
		{
			memcpy(keys + nkeys, self->keys, sizeof(int32) * self->nkeys);
			nkeys += self->nkeys;
		}
		tp_lock_pool_keys(keys, nkeys);
		tp_cache_sync();

		/*
		 * The service, the resource and the settings may have changed while
		 * this waited for the locks too: check the rules again, as they are
		 * now, and decide with the service's length now.
		 */
		tp_check_booking_rules(svc, date, start, resource_code, location_id);
		end = start + svc->required;

		/*
		 * The schedule may have changed while this waited for the locks:
		 * decide on the pools as they are now.  A candidate whose pool is
		 * gone, closed or too short now is dropped, and so is one whose
		 * resource no longer performs the service.
		 */
		nfresh = tp_load_day(date, resource_id, location_id, &fresh);
		for (i = 0; i < ncand; i++)
		{
			int			j;
			TpPool	   *p = NULL;
			TpResourceDay *fday = NULL;

			for (j = 0; j < nfresh; j++)
				if (fresh[j].resource_id == cand_day[i]->resource_id)
				{
					fday = &fresh[j];
					p = tp_find_pool_named(fday, cand_pool[i]->period);
				}
			if (fday != NULL && !tp_performs(fday->resource_id, svc->id))
			{
				if (resource_code != NULL)
					tp_refuse_not_performed(resource_code, svc->code);
				continue;
			}
			if (p == NULL || p->closed || start < p->start_min || end > p->end_min)
			{
				if (p != NULL)
					tp_note_refusal(out, p->closed ? TP_CLOSED : TP_PAST_END, fday, p, NULL);
				continue;
			}
			cand_day[kept] = fday;
			cand_pool[kept] = p;
			kept++;
		}
		ncand = kept;
		if (ncand == 0)
			return;

		/*
		 * A pool the changed schedule made overlap is locked too: the keys
		 * the candidates touch now, less those held (keys is sorted).
		 */
		{
			int			maxmore = 0;
			int32	   *more;
			int			nmore = 0;
			int			nextra = 0;
			int			k;

			for (i = 0; i < ncand; i++)
				maxmore += cand_day[i]->npools + 1;
			more = palloc(sizeof(int32) * maxmore);
			for (i = 0; i < ncand; i++)
			{
				CHECK_FOR_INTERRUPTS();
				nmore += tp_touched_pools(cand_day[i], date, cand_pool[i], start, end,
										  more + nmore, NULL);
			}
			qsort(more, nmore, sizeof(int32), tp_cmp_key);
			for (k = 0; k < nmore; k++)
				if ((k == 0 || more[k] != more[k - 1]) &&
					bsearch(&more[k], keys, nkeys, sizeof(int32), tp_cmp_key) == NULL)
					more[nextra++] = more[k];
			if (nextra > 0)
			{
				tp_lock_pool_keys(more, nextra);
				keys = repalloc(keys, sizeof(int32) * (nkeys + nextra));
				memcpy(keys + nkeys, more, sizeof(int32) * nextra);
				nkeys += nextra;
			}
		}
	}

	/* the service's daily cap, under its own lock, taken after the pools' */
	if (svc->daily_cap != TP_NO_CAP)
	{
		int64		minutes,
					count;

		if (lock)
			tp_lock_service_day(svc->id, date);
		tp_service_day_booked(svc, date, lock, &minutes, &count);
		if (self && self->date == date && self->service_id == svc->id)
			minutes -= self->required;
		if (lock)
			tp_check_daily_cap(svc, date, svc->required, minutes);
		else if (minutes + svc->required > svc->daily_cap)
		{
			out->verdict = TP_CAPPED;
			return;
		}
	}

	/* each candidate judged on its resource's day, read once per resource */
	states = palloc(sizeof(TpDayState) * ncand);
	full = palloc(sizeof(TpDayState) * ncand);
	for (i = 0; i < ncand; i++)
	{
		TpWhy		why;
		TpVerdict	v;

		if (i > 0 && cand_day[i]->resource_id == cand_day[i - 1]->resource_id &&
			cand_day[i]->max_concurrent != TP_NO_LIMIT)
		{
			states[i] = states[i - 1];
			full[i] = full[i - 1];
		}
		else
		{
			/*
			 * The pools this resource's candidates touch (the first with a
			 * clock limit reads for all of them): each one's own, and on the
			 * clock the pools its window overlaps.
			 */
			const char **periods;
			int			nperiods = 0;
			int			k;

			periods = palloc(sizeof(char *) * (ncand * (cand_day[i]->npools + 1) + 1));
			for (k = i; k < ncand && cand_day[k]->resource_id == cand_day[i]->resource_id; k++)
			{
				int32	   *pkeys = palloc(sizeof(int32) * (cand_day[k]->npools + 1));

				nperiods += tp_touched_pools(cand_day[k], date, cand_pool[k], start, end,
											 pkeys, periods + nperiods);
				if (cand_day[i]->max_concurrent == TP_NO_LIMIT)
					break;
			}
			tp_read_day(date, cand_day[i]->resource_id, cand_day[i]->max_concurrent,
						periods, nperiods, start, end, lock, &states[i]);
			if (self && self->date == date && self->resource_id == cand_day[i]->resource_id)
			{
				/* the snapshot check compares the state with the row in it */
				full[i] = states[i];
				full[i].rows = palloc(sizeof(TpBooking) * Max(states[i].n, 1));
				memcpy(full[i].rows, states[i].rows, sizeof(TpBooking) * states[i].n);
				tp_day_forget(&states[i], self->period, self->start, self->end, self->required);
			}
			else
				full[i] = states[i];
		}
		v = tp_judge(&states[i], cand_pool[i], start, end, svc->required, true, true, &why);
		if (v != TP_OK)
		{
			tp_note_refusal(out, v, cand_day[i], cand_pool[i], &why);
			continue;
		}
		if ((int64) cand_pool[i]->capacity - why.booked > best_remaining)
		{
			best_remaining = (int64) cand_pool[i]->capacity - why.booked;
			best = i;
		}
	}
	if (best < 0)
	{
		/* the refusal reported: which candidate, and its state */
		for (i = 0; i < ncand; i++)
			if (cand_pool[i] == out->pool)
				break;
		if (i == ncand)
			return;
		if (lock)
		{
			const char **periods = palloc(sizeof(char *) * (cand_day[i]->npools + 1));
			int32	   *pkeys = palloc(sizeof(int32) * (cand_day[i]->npools + 1));
			int			n = tp_touched_pools(cand_day[i], date, cand_pool[i], start, end,
											 pkeys, periods);

			/* at REPEATABLE READ and SERIALIZABLE: was it racing another? */
			tp_day_check_snapshot(&full[i], periods, n);
		}
		if (out->verdict == TP_OVERLAP)
		{
			int			g0,
						g1;
			TpDayState	whole;

			if (!tp_wall_gap(cand_day[i]->location_id, date, &g0, &g1))
				g0 = g1 = -1;
			/* the hint looks at the whole day, as committed now (or seen) */
			tp_read_day(date, cand_day[i]->resource_id, cand_day[i]->max_concurrent,
						NULL, 0, 0, TP_MINUTES_PER_DAY + 1, lock, &whole);
			if (self && self->date == date && self->resource_id == cand_day[i]->resource_id)
				tp_day_forget(&whole, self->period, self->start, self->end, self->required);
			out->next_start = tp_first_fit(&whole, cand_pool[i], start + 1,
										   svc->required, true, g0, g1);
		}
		return;
	}

	out->verdict = TP_OK;
	out->day = cand_day[best];
	out->pool = cand_pool[best];
	if (lock)
	{
		const char **periods = palloc(sizeof(char *) * (out->day->npools + 1));
		int32	   *keep = palloc(sizeof(int32) * (out->day->npools + 1 +
												   (self ? self->nkeys : 0)));
		int			nkeep = tp_touched_pools(out->day, date, out->pool, start, end,
											 keep, periods);

		tp_day_check_snapshot(&full[best], periods, nkeep);
		/* a move keeps the pools it leaves locked too: its UPDATE frees them */
		if (self)
		{
			memcpy(keep + nkeep, self->keys, sizeof(int32) * self->nkeys);
			nkeep += self->nkeys;
		}

		/*
		 * The pools not chosen are let go at once: a transaction that stays
		 * open after its booking holds only the pools it booked into, not
		 * those of every resource it considered.
		 */
		tp_unlock_pool_keys_but(keys, nkeys, keep, nkeep);
	}
}

/*
 * The hint of a refusal of book_service: up to three start times open that
 * day for the service (on the resource named, else any of the location's),
 * nearest first.
 */
static char *
tp_open_starts_hint(TpService *svc, DateADT date, int64 resource_id, int64 location_id,
					const char *resource_code, int start)
{
	TpOpenStart open[3];
	int			n = tp_open_starts_near(svc, date, resource_id, location_id, start, open, 3);
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	if (n == 0)
	{
		if (resource_code)
			appendStringInfo(&buf, "No start time is open for %s on %s on %s; choose another date.",
							 svc->code, resource_code, tp_date_str(date));
		else
			appendStringInfo(&buf, "No start time is open for %s on %s; choose another date.",
							 svc->code, tp_date_str(date));
		return buf.data;
	}
	appendStringInfo(&buf, "Open start times for %s on %s: ", svc->code, tp_date_str(date));
	for (i = 0; i < n; i++)
	{
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", tp_time_str(open[i].start_min));
		if (!resource_code)
			appendStringInfo(&buf, " (%s)", open[i].resource);
	}
	appendStringInfoChar(&buf, '.');
	return buf.data;
}

/*
 * Raise the refusal a decision stands for.  Those about the pool's time
 * (TP001, TP002, TP007) name the open start times nearest to it.
 */
static void
tp_refuse(TpDecision *d, TpService *svc, DateADT date, int start,
		  int64 resource_id, int64 location_id, const char *resource_code)
{
	char	   *datestr = tp_date_str(date);
	char	   *timestr = tp_time_str(start);
	char	   *hint = NULL;

	if (d->verdict == TP_NO_PERIOD || d->verdict == TP_CLOSED ||
		d->verdict == TP_PAST_END || d->verdict == TP_FULL || d->verdict == TP_OVERLAP)
		hint = tp_open_starts_hint(svc, date, resource_id, location_id, resource_code, start);

	switch (d->verdict)
	{
		case TP_NOT_PERFORMED:
			tp_refuse_not_performed(resource_code, svc->code);
			break;
		case TP_NO_PERIOD:
			if (resource_code)
				ereport(ERROR,
						(errcode(ERRCODE_TP_OUTSIDE_SCHEDULE),
						 errmsg("%s on %s is outside the schedule", timestr, datestr),
						 errdetail("No period of resource %s contains %s on %s.",
								   resource_code, timestr, datestr),
						 errhint("%s", hint)));
			ereport(ERROR,
					(errcode(ERRCODE_TP_OUTSIDE_SCHEDULE),
					 errmsg("%s on %s is outside the schedule", timestr, datestr),
					 errdetail("No period of any active resource that performs %s contains %s on %s.",
							   svc->code, timestr, datestr),
					 errhint("%s", hint)));
			break;
		case TP_CLOSED:
			tp_refuse_closed(d->day->code, d->pool, date, hint);
			break;
		case TP_PAST_END:
			ereport(ERROR,
					(errcode(ERRCODE_TP_OUTSIDE_SCHEDULE),
					 errmsg("%s at %s would run past the end of %s", svc->code, timestr,
							d->pool->period),
					 errdetail("%s needs %d minutes, until %s; %s ends at %s on %s.",
							   svc->code, svc->required,
							   tp_time_str(start + svc->required),
							   d->pool->period, tp_time_str(d->pool->end_min), datestr),
					 errhint("%s", hint)));
			break;
		case TP_FULL:
			tp_refuse_full(svc->code, svc->required, d->why.booked, d->pool, date, hint);
			break;
		case TP_OVERLAP:
			tp_refuse_overlap(d->day->code, d->day->max_concurrent, svc->code, date,
							  start, start + svc->required, &d->why, d->next_start, hint);
			break;
		case TP_CAPPED:			/* tp_decide() raised it under the lock */
		case TP_OK:
			break;
	}
}

/* SPI parameter i: the text s, or NULL */
static void
tp_param_text(Datum *values, char *nulls, int i, const char *s)
{
	values[i] = s ? CStringGetTextDatum(s) : (Datum) 0;
	nulls[i] = s ? ' ' : 'n';
}

void
tp_require(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", argname)));
}

/* An optional text argument: NULL stays NULL, and so does a blank one. */
char *
tp_optional_text(FunctionCallInfo fcinfo, int argno, const char *argname, int maxlen)
{
	char	   *s;
	const char *p;

	if (PG_ARGISNULL(argno))
		return NULL;
	s = tp_check_text(argname, PG_GETARG_TEXT_PP(argno), maxlen, true);
	for (p = s; *p; p++)
		if (!isspace((unsigned char) *p))
			return s;
	return NULL;
}

void
tp_check_email(const char *email)
{
	const char *at = strchr(email, '@');
	const char *p;
	bool		ok = at != NULL && at != email && at[1] != '\0' && strchr(at + 1, '@') == NULL;

	for (p = email; ok && *p; p++)
		if (isspace((unsigned char) *p))
			ok = false;
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_patient_email is not an email address"),
				 errdetail("An address has one \"@\" with text on both sides and no spaces.")));
}

void
tp_unbookable_service(const char *code, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_TP_UNKNOWN_OBJECT),
			 errmsg("service \"%s\" cannot be booked", code),
			 errdetail("%s", why),
			 errhint("SELECT code FROM timepool.bookable_services lists the services that can be booked.")));
}

void
tp_unavailable_resource(const char *code, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_TP_UNKNOWN_OBJECT),
			 errmsg("resource \"%s\" cannot be booked", code),
			 errdetail("%s", why)));
}

/*
 * Book (or hold) as TpBookArgs says; the heart of book_service(),
 * book_online() and hold_slot().  Returns the reservation (a
 * timepool.reservations row, in the caller's memory context) and sets
 * *created: false when the idempotency key named a reservation made before,
 * which is returned as it is now.
 */
Datum
tp_book(TpBookArgs *a, bool *created)
{
	const char *resource_code = a->have_resource ? a->resource_code : NULL;
	TpPolicy	pol;
	TpService	svc;
	int64		resource_id = 0;
	int64		location_id;
	const char *why;
	const char *status;
	TpDecision	d;
	Datum		values[20];
	char		nulls[20];
	Datum		result;
	bool		isnull;
	int			i;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	*created = true;

	/*
	 * The public entry points book only what is offered online, and a replay
	 * is no way around it: an idempotency key of a staff booking of a hidden
	 * service gets the refusal, not that booking.
	 */
	if (a->online)
	{
		if (!tp_lookup_service(a->service_code, &svc, &why))
			tp_unbookable_service(a->service_code, why);
		if (!svc.visible)
			tp_unbookable_service(a->service_code, "It is not offered online.");
	}

	/* a repeated call with the same key returns the first reservation */
	if (a->key)
	{
		Oid			types[11] = {TEXTOID, TEXTOID, DATEOID, TIMEOID, TEXTOID,
			TEXTOID, TEXTOID, TEXTOID, JSONBOID, TEXTOID,
		BOOLOID};
		Datum		kv[11];
		char		kn[11];

		tp_lock_idempotency(a->key);

		/*
		 * The same arguments: the slot, and for a booking the patient too.  A
		 * hold has no patient: its replay gets the hold only while it is one
		 * (HELD, or EXPIRED), never the booking it became, whose patient and
		 * token the key and the slot alone must not give away.
		 */
		tp_prepare(&plan_by_key,
				   "SELECT r, r.service_code = $2 AND r.reservation_date = $3"
				   " AND r.start_time = $4"
				   " AND ($11 = (r.patient_name IS NULL AND r.status IN ('HELD', 'EXPIRED')))"
				   " AND ($11 OR (r.patient_name IS NOT DISTINCT FROM $5"
				   "  AND r.patient_phone IS NOT DISTINCT FROM $6"
				   "  AND r.patient_email IS NOT DISTINCT FROM $7"
				   "  AND r.notes IS NOT DISTINCT FROM $8"
				   "  AND r.details IS NOT DISTINCT FROM $9))"
				   " AND ($10::text IS NULL OR $10 = (SELECT x.code FROM timepool.resources x"
				   "                                   WHERE x.id = r.resource_id)),"
				   " r.patient_name IS NULL AND r.status IN ('HELD', 'EXPIRED'), r.resource_id"
				   " FROM timepool.reservations r WHERE r.idempotency_key = $1",
				   11, types);
		memset(kn, ' ', sizeof(kn));
		kv[0] = CStringGetTextDatum(a->key);
		kv[1] = CStringGetTextDatum(a->service_code);
		kv[2] = DateADTGetDatum(a->date);
		kv[3] = TimeADTGetDatum((TimeADT) a->start * USECS_PER_MINUTE);
		tp_param_text(kv, kn, 4, a->patient_name);
		tp_param_text(kv, kn, 5, a->phone);
		tp_param_text(kv, kn, 6, a->email);
		tp_param_text(kv, kn, 7, a->notes);
		kv[8] = a->details;
		kn[8] = a->have_details ? ' ' : 'n';
		tp_param_text(kv, kn, 9, resource_code);
		kv[10] = BoolGetDatum(a->hold);
		tp_execute(plan_by_key, kv, kn, GetLatestSnapshot(), false, 1);
		if (SPI_processed > 0)
		{
			Datum		row = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
			Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
			bool		same = !isnull && DatumGetBool(d);
			bool		is_hold;
			int64		rid;

			d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);
			is_hold = !isnull && DatumGetBool(d);
			rid = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull));
			result = SPI_datumTransfer(row, false, -1);
			/*
			 * (the cache may reload from here on: the row is copied) a key
			 * of a booking at a location the session's role does not see is
			 * another booking's
			 */
			if (!tp_sees_location(tp_resource_location(rid)))
				same = false;
			if (!same && a->hold && !is_hold)
				ereport(ERROR,
						(errcode(ERRCODE_UNIQUE_VIOLATION),
						 errmsg("idempotency key \"%s\" was already used for a different booking", a->key),
						 errdetail("The key belongs to a booking, not to a hold (a hold that was confirmed is a booking)."),
						 errhint("Use the booking's access token, or a new key for a new hold.")));
			if (!same)
				ereport(ERROR,
						(errcode(ERRCODE_UNIQUE_VIOLATION),
						 errmsg("idempotency key \"%s\" was already used for a different booking", a->key),
						 a->hold ?
						 errdetail("A repeated call must pass the same service, date, time and resource.") :
						 errdetail("A repeated call must pass the same service, date, time, patient, notes, details and resource."),
						 errhint("Use a new key for a new booking.")));
			SPI_finish();
			*created = false;
			return result;
		}
	}

	/* a database at 1.0 refuses a past date first, as 1.0 did */
	if (!tp_cache_get()->has_policy)
	{
		tp_policy(NULL, 0, &pol);
		tp_check_policy(NULL, &pol, a->date, a->start);
	}
	if (!tp_lookup_service(a->service_code, &svc, &why))
		tp_unbookable_service(a->service_code, why);
	if (a->online && !svc.visible)
		tp_unbookable_service(a->service_code, "It is not offered online.");
	if (a->have_resource && !tp_lookup_resource(a->resource_code, &resource_id, &why))
		tp_unavailable_resource(a->resource_code, why);
	location_id = tp_call_location(a->have_location ? a->location_code : NULL, resource_id, true);
	tp_check_booking_rules(&svc, a->date, a->start, resource_code, location_id);

	tp_decide(&svc, a->date, a->start, resource_id, resource_code, location_id, true, NULL, &d);
	if (d.verdict != TP_OK)
		tp_refuse(&d, &svc, a->date, a->start, resource_id, location_id, resource_code);

	status = a->status;
	if (status == NULL)
		status = tp_online_confirmed(d.day->location_id) ? "CONFIRMED" : "PENDING";

	{
		Oid			types[20] = {INT8OID, INT8OID, TEXTOID, TEXTOID, INT4OID,
			INT4OID, INT4OID, NUMERICOID, DATEOID, TIMEOID,
			TIMEOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
		TEXTOID, TEXTOID, JSONBOID, TEXTOID, TIMESTAMPTZOID};

		if (tp_cache_get()->has_holds)
			tp_prepare(&plan_insert_14,
					   "INSERT INTO timepool.reservations AS r"
					   " (resource_id, service_id, service_code, service_name, duration_minutes,"
					   "  buffer_minutes, required_minutes, price, reservation_date, start_time,"
					   "  end_time, period, status, patient_name, patient_phone,"
					   "  patient_email, notes, details, idempotency_key, hold_expires_at)"
					   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
					   "         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
					   " RETURNING r",
					   20, types);
		else
			tp_prepare(&plan_insert,
					   "INSERT INTO timepool.reservations AS r"
					   " (resource_id, service_id, service_code, service_name, duration_minutes,"
					   "  buffer_minutes, required_minutes, price, reservation_date, start_time,"
					   "  end_time, period, status, patient_name, patient_phone,"
					   "  patient_email, notes, details, idempotency_key)"
					   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
					   "         $11, $12, $13, $14, $15, $16, $17, $18, $19)"
					   " RETURNING r",
					   19, types);
	}
	for (i = 0; i < 20; i++)
		nulls[i] = ' ';
	values[0] = Int64GetDatum(d.day->resource_id);
	values[1] = Int64GetDatum(svc.id);
	values[2] = CStringGetTextDatum(svc.code);
	values[3] = CStringGetTextDatum(svc.name);
	values[4] = Int32GetDatum(svc.duration);
	values[5] = Int32GetDatum(svc.buffer);
	values[6] = Int32GetDatum(svc.required);
	values[7] = svc.price;
	nulls[7] = svc.price_isnull ? 'n' : ' ';
	values[8] = DateADTGetDatum(a->date);
	values[9] = TimeADTGetDatum((TimeADT) a->start * USECS_PER_MINUTE);
	values[10] = TimeADTGetDatum((TimeADT) (a->start + svc.required) * USECS_PER_MINUTE);
	values[11] = CStringGetTextDatum(d.pool->period);
	values[12] = CStringGetTextDatum(status);
	tp_param_text(values, nulls, 13, a->patient_name);
	tp_param_text(values, nulls, 14, a->phone);
	tp_param_text(values, nulls, 15, a->email);
	tp_param_text(values, nulls, 16, a->notes);
	values[17] = a->details;
	nulls[17] = a->have_details ? ' ' : 'n';
	tp_param_text(values, nulls, 18, a->key);
	values[19] = TimestampTzGetDatum(a->hold_expires);
	nulls[19] = a->hold ? ' ' : 'n';

	/*
	 * The service may have been deleted or deactivated since the cache was
	 * read.  delete_service() takes this service's lock exclusively before it
	 * counts upcoming reservations: with the lock shared, look again (the
	 * cache takes in a delete committed while this waited).  A booking that
	 * got the lock first holds it to its commit, and the delete then counts
	 * it.
	 */
	tp_lock_service_shared(svc.id);

	/*
	 * A delete that held the service's lock sent its invalidations before it
	 * let the lock go: taking them in needs no schedule lock here.
	 */
	tp_cache_accept();
	{
		TpService	now;

		if (!tp_lookup_service(a->service_code, &now, &why) || now.id != svc.id)
			tp_unbookable_service(a->service_code, "The service was deleted or deactivated while this booking was being decided.");
		if (a->online && !now.visible)
			tp_unbookable_service(a->service_code, "It is not offered online.");
	}

	/*
	 * The guard judges the row again, under the locks held: the same rule on
	 * the same state, a few microseconds, and no way for anything between the
	 * decision and the row to go unjudged.
	 */
	tp_execute(tp_cache_get()->has_holds ? plan_insert_14 : plan_insert,
			   values, nulls, InvalidSnapshot, false, 0);

	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("the reservation was not inserted"),
				 errdetail("A BEFORE trigger on timepool.reservations skipped the row.")));

	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	return result;
}

/*
 * The patient's fields of a booking, checked: p_patient_name at argno and
 * the phone, email, notes and details after it.
 */
void
tp_book_patient_args(FunctionCallInfo fcinfo, int argno, TpBookArgs *a)
{
	tp_require(fcinfo, argno, "p_patient_name");
	a->patient_name = tp_check_text("p_patient_name", PG_GETARG_TEXT_PP(argno), 200, false);
	a->phone = tp_optional_text(fcinfo, argno + 1, "p_patient_phone", 50);
	a->email = tp_optional_text(fcinfo, argno + 2, "p_patient_email", 320);
	if (a->email)
		tp_check_email(a->email);
	a->notes = tp_optional_text(fcinfo, argno + 3, "p_notes", 4000);
	a->have_details = !PG_ARGISNULL(argno + 4);
	a->details = (Datum) 0;
	if (a->have_details)
	{
		a->details = PG_GETARG_DATUM(argno + 4);
		if (toast_raw_datum_size(a->details) > TP_DETAILS_MAXBYTES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("p_details is too long"),
					 errdetail("It has %zu bytes; the limit is %d.",
							   toast_raw_datum_size(a->details), TP_DETAILS_MAXBYTES)));
	}
}

/*
 * The slot of a booking, checked: p_service at service_argno (or, for a
 * move, none: service_argno < 0), p_date and p_time at date_argno and the
 * next, and p_resource at resource_argno.
 */
void
tp_book_slot_args(FunctionCallInfo fcinfo, int service_argno, int date_argno,
				  int resource_argno, int location_argno, TpBookArgs *a)
{
	if (service_argno >= 0)
		tp_require(fcinfo, service_argno, "p_service");
	tp_require(fcinfo, date_argno, "p_date");
	tp_require(fcinfo, date_argno + 1, "p_time");
	if (service_argno >= 0)
		tp_check_code("service", PG_GETARG_TEXT_PP(service_argno), a->service_code);
	a->have_resource = !PG_ARGISNULL(resource_argno);
	if (a->have_resource)
		tp_check_code("resource", PG_GETARG_TEXT_PP(resource_argno), a->resource_code);
	a->have_location = location_argno >= 0 &&
		tp_location_arg(fcinfo, location_argno, a->location_code);
	a->date = tp_check_date("p_date", PG_GETARG_DATUM(date_argno));
	a->start = tp_check_time("p_time", PG_GETARG_DATUM(date_argno + 1));
}

/* P0002: no reservation has this id. */
void
tp_refuse_no_reservation(int64 id)
{
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("reservation " INT64_FORMAT " does not exist", id)));
}

/*
 * P0002, as for a reservation that does not exist, when reservation id,
 * on resource_id, is at a location the session's role does not see.
 */
void
tp_check_reservation_seen(int64 id, int64 resource_id)
{
	if (!tp_sees_location(tp_resource_location(resource_id)))
		tp_refuse_no_reservation(id);
}

/* An idempotency key at argno, or NULL. */
char *
tp_book_key_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		return NULL;
	return tp_check_text("p_idempotency_key", PG_GETARG_TEXT_PP(argno), 200, false);
}

/*
 * book_service's result: the reservation's columns, then created.  The
 * function's OUT columns are those of timepool.reservations in order; the
 * check keeps a future change of one from passing unseen.
 */
static Datum
tp_book_service_result(FunctionCallInfo fcinfo, Datum row, bool created)
{
	TupleDesc	out;
	TupleDesc	in;
	HeapTupleHeader th = DatumGetHeapTupleHeader(row);
	HeapTupleData tmp;
	Datum	   *iv;
	bool	   *inull;
	Datum	   *ov;
	bool	   *onull;
	int			i,
				j = 0;

	Oid			rettype;

	if (get_call_result_type(fcinfo, &rettype, &out) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("book_service must be called where a record can be returned")));
	/* before 1.4 the function returns timepool.reservations itself */
	if (rettype != RECORDOID)
		return row;
	out = BlessTupleDesc(out);
	in = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(th), HeapTupleHeaderGetTypMod(th));
	tmp.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tmp.t_self);
	tmp.t_tableOid = InvalidOid;
	tmp.t_data = th;
	iv = palloc(sizeof(Datum) * in->natts);
	inull = palloc(sizeof(bool) * in->natts);
	ov = palloc(sizeof(Datum) * out->natts);
	onull = palloc(sizeof(bool) * out->natts);
	heap_deform_tuple(&tmp, in, iv, inull);
	for (i = 0; i < in->natts; i++)
	{
		if (TupleDescAttr(in, i)->attisdropped)
			continue;
		if (j >= out->natts - 1 ||
			TupleDescAttr(out, j)->atttypid != TupleDescAttr(in, i)->atttypid)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("the result of book_service does not match timepool.reservations"),
					 errhint("Update the extension: ALTER EXTENSION timepool UPDATE.")));
		ov[j] = iv[i];
		onull[j] = inull[i];
		j++;
	}
	ReleaseTupleDesc(in);
	if (j != out->natts - 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("the result of book_service does not match timepool.reservations"),
				 errhint("Update the extension: ALTER EXTENSION timepool UPDATE.")));
	ov[j] = BoolGetDatum(created);
	onull[j] = false;
	return HeapTupleGetDatum(heap_form_tuple(out, ov, onull));
}

/*
 * timepool.book_service(p_service, p_date, p_time, p_patient_name,
 *	 p_patient_phone, p_patient_email, p_notes, p_details, p_resource,
 *	 p_status, p_idempotency_key): the reservation's columns and created
 */
Datum
tp_book_service(PG_FUNCTION_ARGS)
{
	TpBookArgs	a;
	char	   *status;
	Datum		row;
	bool		created;

	tp_require_writable("book_service");

	memset(&a, 0, sizeof(a));
	tp_book_slot_args(fcinfo, 0, 1, 8, 11, &a);
	tp_book_patient_args(fcinfo, 3, &a);
	tp_require(fcinfo, 9, "p_status");
	status = tp_check_text("p_status", PG_GETARG_TEXT_PP(9), 20, true);
	if (strcmp(status, "PENDING") != 0 && strcmp(status, "CONFIRMED") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a new reservation's status must be PENDING or CONFIRMED")));
	a.status = status;
	a.key = tp_book_key_arg(fcinfo, 10);

	row = tp_book(&a, &created);
	PG_RETURN_DATUM(tp_book_service_result(fcinfo, row, created));
}

/*
 * timepool.can_book(p_service, p_date, p_time, p_resource) returns boolean
 */
Datum
tp_can_book(PG_FUNCTION_ARGS)
{
	char		service_code[TP_CODE_MAXLEN + 1];
	char		resource_code[TP_CODE_MAXLEN + 1];
	char		location_code[TP_CODE_MAXLEN + 1];
	bool		have_resource = !PG_ARGISNULL(3);
	bool		have_location;
	DateADT		date;
	int			start = -1;
	TpService	svc;
	int64		resource_id = 0;
	int64		location_id;
	const char *why;
	bool		ok = false;
	TpPolicy	pol;
	int			first;
	int			g0,
				g1;

	tp_require(fcinfo, 0, "p_service");
	tp_require(fcinfo, 1, "p_date");
	tp_check_code("service", PG_GETARG_TEXT_PP(0), service_code);
	if (have_resource)
		tp_check_code("resource", PG_GETARG_TEXT_PP(3), resource_code);
	have_location = tp_location_arg(fcinfo, 4, location_code);
	date = tp_check_date("p_date", PG_GETARG_DATUM(1));
	if (!PG_ARGISNULL(2))
		start = tp_check_time("p_time", PG_GETARG_DATUM(2));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	if (!tp_lookup_service(service_code, &svc, &why))
		tp_unbookable_service(service_code, why);
	if (have_resource && !tp_lookup_resource(resource_code, &resource_id, &why))
		tp_unavailable_resource(resource_code, why);
	location_id = tp_call_location(have_location ? location_code : NULL, resource_id, true);

	tp_policy(&svc, location_id, &pol);
	first = tp_policy_first_minute(&pol, date);
	if (!tp_wall_gap(location_id, date, &g0, &g1))
		g0 = g1 = -1;
	if (start >= 0)
	{
		TpDecision	d;

		if (start >= first && !tp_gap_overlaps(g0, g1, start, start + svc.required))
		{
			tp_decide(&svc, date, start, resource_id, NULL, location_id, false, NULL, &d);
			ok = d.verdict == TP_OK;
		}
	}
	else if (first < TP_MINUTES_PER_DAY)
	{
		TpResourceDay *days;
		int			ndays = tp_load_day(date, resource_id, location_id, &days);
		int			i,
					j;

		/* some start, in some pool of a resource that performs it, fits */
		for (i = 0; i < ndays && !ok; i++)
		{
			TpDayState	st;

			if (!tp_performs(days[i].resource_id, svc.id) || days[i].npools == 0)
				continue;
			tp_read_day(date, days[i].resource_id, days[i].max_concurrent, NULL, 0, 0, 0,
						false, &st);
			for (j = 0; j < days[i].npools && !ok; j++)
				ok = tp_first_fit(&st, &days[i].pools[j], first, svc.required, true, g0, g1) >= 0;
		}
		if (ok && svc.daily_cap != TP_NO_CAP)
		{
			int64		minutes,
						count;

			tp_service_day_booked(&svc, date, false, &minutes, &count);
			ok = minutes + svc.required <= svc.daily_cap;
		}
	}
	SPI_finish();
	PG_RETURN_BOOL(ok);
}

static bool
tp_transition_allowed(const char *from, const char *to)
{
	/* a hold becomes a booking through confirm_hold() */
	if (strcmp(from, "HELD") == 0)
		return strcmp(to, "EXPIRED") == 0;
	if (strcmp(from, "PENDING") == 0)
		return strcmp(to, "CONFIRMED") == 0 || strcmp(to, "REJECTED") == 0 ||
			strcmp(to, "CANCELLED") == 0;
	if (strcmp(from, "CONFIRMED") == 0)
		return strcmp(to, "COMPLETED") == 0 || strcmp(to, "NO_SHOW") == 0 ||
			strcmp(to, "CANCELLED") == 0;
	return false;
}

static const char *
tp_transitions_from(const char *from)
{
	if (strcmp(from, "HELD") == 0)
		return "EXPIRED (timepool.release_hold); timepool.confirm_hold books it";
	if (strcmp(from, "PENDING") == 0)
		return "CONFIRMED, REJECTED or CANCELLED";
	if (strcmp(from, "CONFIRMED") == 0)
		return "COMPLETED, NO_SHOW or CANCELLED";
	return NULL;
}

/*
 * Move reservation id to status new_status, with reason for a cancellation.
 */
Datum
tp_change_status(int64 id, const char *new_status, const char *reason)
{
	Oid			lock_types[1] = {INT8OID};
	Oid			set_types[3] = {INT8OID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	char	   *old_status;
	DateADT		row_date;
	TimeADT		row_start;
	int64		row_resource;
	const char *allowed;
	Datum		result;
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_prepare(&plan_lock_row,
			   "SELECT status, reservation_date, start_time, resource_id FROM timepool.reservations"
			   " WHERE id = $1 FOR UPDATE",
			   1, lock_types);
	values[0] = Int64GetDatum(id);
	tp_execute(plan_lock_row, values, NULL, InvalidSnapshot, false, 1);
	if (SPI_processed == 0)
		tp_refuse_no_reservation(id);
	old_status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	row_date = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	row_start = DatumGetTimeADT(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));
	row_resource = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull));
	/* (the cache may reload from here on: the row is read) */
	tp_check_reservation_seen(id, row_resource);
	if (!tp_transition_allowed(old_status, new_status))
	{
		allowed = tp_transitions_from(old_status);
		if (allowed)
			ereport(ERROR,
					(errcode(ERRCODE_TP_BAD_TRANSITION),
					 errmsg("reservation " INT64_FORMAT " cannot move from %s to %s",
							id, old_status, new_status),
					 errdetail("A %s reservation can move to %s.", old_status, allowed)));
		ereport(ERROR,
				(errcode(ERRCODE_TP_BAD_TRANSITION),
				 errmsg("reservation " INT64_FORMAT " cannot move from %s to %s",
						id, old_status, new_status),
				 errdetail("%s is a final status.", old_status)));
	}

	/*
	 * the guard says the same for a plain UPDATE; said here, without its
	 * context
	 */
	tp_check_status_clock(tp_resource_location(row_resource), id, new_status, row_date,
						  (int) (row_start / USECS_PER_MINUTE));

	tp_prepare(&plan_set_status,
			   "UPDATE timepool.reservations AS r"
			   " SET status = $2,"
			   "     cancel_reason = CASE WHEN $2 = 'CANCELLED' THEN $3 ELSE r.cancel_reason END"
			   " WHERE r.id = $1 RETURNING r",
			   3, set_types);
	values[1] = CStringGetTextDatum(new_status);
	values[2] = reason ? CStringGetTextDatum(reason) : (Datum) 0;
	nulls[2] = reason ? ' ' : 'n';
	tp_execute(plan_set_status, values, nulls, InvalidSnapshot, false, 0);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("reservation " INT64_FORMAT " was not updated", id),
				 errdetail("A BEFORE trigger on timepool.reservations skipped the row.")));
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	return result;
}

/*
 * timepool.cancel_reservation(p_id, p_reason) returns timepool.reservations
 */
Datum
tp_cancel_reservation(PG_FUNCTION_ARGS)
{
	char	   *reason = NULL;

	tp_require_writable("cancel_reservation");

	tp_require(fcinfo, 0, "p_id");
	if (!PG_ARGISNULL(1))
	{
		const char *p;

		reason = tp_check_text("p_reason", PG_GETARG_TEXT_PP(1), 500, true);
		for (p = reason; *p && isspace((unsigned char) *p); p++)
			;
		if (*p == '\0')
			reason = NULL;
	}
	PG_RETURN_DATUM(tp_change_status(PG_GETARG_INT64(0), "CANCELLED", reason));
}

/*
 * timepool.set_reservation_status(p_id, p_status) returns timepool.reservations
 */
Datum
tp_set_reservation_status(PG_FUNCTION_ARGS)
{
	text	   *st;
	char		status[16];
	int			len;
	int			i;
	bool		valid = false;

	tp_require_writable("set_reservation_status");

	tp_require(fcinfo, 0, "p_id");
	tp_require(fcinfo, 1, "p_status");
	st = PG_GETARG_TEXT_PP(1);
	len = VARSIZE_ANY_EXHDR(st);
	if (len < (int) sizeof(status))
	{
		memcpy(status, VARDATA_ANY(st), len);
		status[len] = '\0';
		for (i = 0; i < (int) lengthof(tp_statuses); i++)
			if (strcmp(status, tp_statuses[i]) == 0)
				valid = true;
	}
	if (!valid)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid reservation status"),
				 errdetail("A status is one of HELD, PENDING, CONFIRMED, COMPLETED, NO_SHOW, CANCELLED, REJECTED, EXPIRED.")));
	PG_RETURN_DATUM(tp_change_status(PG_GETARG_INT64(0), status, NULL));
}

/*
 * timepool.pool_lock_key(p_resource_id, p_date, p_period) returns integer
 */
Datum
tp_pool_lock_key(PG_FUNCTION_ARGS)
{
	char	   *period = text_to_cstring(PG_GETARG_TEXT_PP(2));

	PG_RETURN_INT32(tp_pool_key(PG_GETARG_INT64(0), PG_GETARG_DATEADT(1), period));
}

/*
 * Move reservation id to (date, start), on the resource named or any that
 * performs its service: the same row (id, snapshot, token), judged with
 * every rule of a booking on its own length, its old minutes left out.
 * Returns the updated row.
 */
Datum
tp_reschedule(int64 id, DateADT date, int start, const char *resource_code)
{
	Oid			types[1] = {INT8OID};
	Oid			set_types[6] = {INT8OID, DATEOID, TIMEOID, INT8OID, TEXTOID, TIMEOID};
	Datum		values[6];
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	char	   *status;
	char	   *service_code;
	TpService	svc;
	TpMove		self;
	TpDecision	d;
	TpResourceDay *days;
	TpPool	   *old_pool = NULL;
	int64		resource_id = 0;
	int64		location_id;
	int64		service_id;
	const char *why;
	Datum		result;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	tp_prepare(&plan_move_row,
			   "SELECT status, service_id, service_code, resource_id, reservation_date,"
			   " start_time, end_time, period, required_minutes, duration_minutes, buffer_minutes"
			   " FROM timepool.reservations WHERE id = $1 FOR UPDATE",
			   1, types);
	values[0] = Int64GetDatum(id);
	tp_execute(plan_move_row, values, NULL, InvalidSnapshot, false, 1);
	if (SPI_processed == 0)
		tp_refuse_no_reservation(id);
	row = SPI_copytuple(SPI_tuptable->vals[0]);
	desc = CreateTupleDescCopy(SPI_tuptable->tupdesc);
	status = SPI_getvalue(row, desc, 1);
	tp_check_reservation_seen(id, DatumGetInt64(SPI_getbinval(row, desc, 4, &isnull)));
	if (strcmp(status, "PENDING") != 0 && strcmp(status, "CONFIRMED") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_TP_BAD_TRANSITION),
				 errmsg("reservation " INT64_FORMAT " cannot be rescheduled", id),
				 errdetail("It is %s; only a PENDING or CONFIRMED reservation can move.", status)));
	service_id = DatumGetInt64(SPI_getbinval(row, desc, 2, &isnull));
	service_code = SPI_getvalue(row, desc, 3);
	memset(&self, 0, sizeof(self));
	self.service_id = service_id;
	self.resource_id = DatumGetInt64(SPI_getbinval(row, desc, 4, &isnull));
	self.date = DatumGetDateADT(SPI_getbinval(row, desc, 5, &isnull));
	self.start = (int) (DatumGetTimeADT(SPI_getbinval(row, desc, 6, &isnull)) / USECS_PER_MINUTE);
	self.end = (int) (DatumGetTimeADT(SPI_getbinval(row, desc, 7, &isnull)) / USECS_PER_MINUTE);
	strlcpy(self.period, SPI_getvalue(row, desc, 8), sizeof(self.period));
	self.required = DatumGetInt32(SPI_getbinval(row, desc, 9, &isnull));

	/* the service as it is, with the reservation's own length */
	if (!tp_lookup_service(service_code, &svc, &why))
		tp_unbookable_service(service_code, why);
	if (svc.id != service_id)
		tp_unbookable_service(service_code, "The reservation's service was deleted.");
	svc.duration = DatumGetInt32(SPI_getbinval(row, desc, 10, &isnull));
	svc.buffer = DatumGetInt32(SPI_getbinval(row, desc, 11, &isnull));
	svc.required = self.required;
	svc.fixed_required = self.required;
	if (resource_code != NULL && !tp_lookup_resource(resource_code, &resource_id, &why))
		tp_unavailable_resource(resource_code, why);
	/* without a resource, it moves within its own location */
	location_id = tp_resource_location(resource_code != NULL ? resource_id : self.resource_id);
	tp_check_booking_rules(&svc, date, start, resource_code, location_id);

	/* the pools it leaves: locked with the candidates' (see TpMove) */
	self.keys = palloc(sizeof(int32) * 2);
	self.nkeys = 0;
	if (tp_load_day(self.date, self.resource_id, 0, &days) == 1)
		old_pool = tp_find_pool_named(&days[0], self.period);
	if (old_pool != NULL)
	{
		self.keys = palloc(sizeof(int32) * (days[0].npools + 1));
		self.nkeys = tp_touched_pools(&days[0], self.date, old_pool, self.start, self.end,
									  self.keys, NULL);
	}
	else
		self.keys[self.nkeys++] = tp_pool_key(self.resource_id, self.date, self.period);

	tp_decide(&svc, date, start, resource_id, resource_code, location_id, true, &self, &d);
	if (d.verdict != TP_OK)
		tp_refuse(&d, &svc, date, start, resource_id, location_id, resource_code);

	tp_prepare(&plan_move,
			   "UPDATE timepool.reservations AS r"
			   " SET reservation_date = $2, start_time = $3, end_time = $6,"
			   "     resource_id = $4, period = $5"
			   " WHERE r.id = $1 RETURNING r",
			   6, set_types);
	values[0] = Int64GetDatum(id);
	values[1] = DateADTGetDatum(date);
	values[2] = TimeADTGetDatum((TimeADT) start * USECS_PER_MINUTE);
	values[3] = Int64GetDatum(d.day->resource_id);
	values[4] = CStringGetTextDatum(d.pool->period);
	/* 24:00 for a window that ends at midnight: time + interval wraps */
	values[5] = TimeADTGetDatum((TimeADT) (start + self.required) * USECS_PER_MINUTE);
	tp_moving_id = id;
	PG_TRY();
	{
		tp_execute(plan_move, values, NULL, InvalidSnapshot, false, 0);
	}
	PG_FINALLY();
	{
		tp_moving_id = 0;
	}
	PG_END_TRY();
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("reservation " INT64_FORMAT " was not updated", id),
				 errdetail("A BEFORE trigger on timepool.reservations skipped the row.")));
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	return result;
}

/*
 * The verdict book_service would give for the service at (date, start) on
 * the resource named (or any): the decision it makes, read without locks as
 * can_book() reads, and the refusal it would raise, caught.  Only the
 * refusals (SQLSTATE class TP) are a verdict; anything else is raised.
 */
static void
tp_dry_book(TpBookArgs *a)
{
	TpService	svc;
	TpPolicy	pol;
	TpDecision	d;
	int64		resource_id = 0;
	int64		location_id;
	const char *why;
	const char *resource_code = a->have_resource ? a->resource_code : NULL;

	if (!tp_cache_get()->has_policy)
	{
		tp_policy(NULL, 0, &pol);
		tp_check_policy(NULL, &pol, a->date, a->start);
	}
	if (!tp_lookup_service(a->service_code, &svc, &why))
		tp_unbookable_service(a->service_code, why);
	if (a->have_resource && !tp_lookup_resource(a->resource_code, &resource_id, &why))
		tp_unavailable_resource(a->resource_code, why);
	location_id = tp_call_location(a->have_location ? a->location_code : NULL, resource_id, true);
	tp_check_booking_rules(&svc, a->date, a->start, resource_code, location_id);
	tp_decide(&svc, a->date, a->start, resource_id, resource_code, location_id, false, NULL, &d);
	if (d.verdict == TP_CAPPED)
	{
		int64		minutes,
					count;

		tp_service_day_booked(&svc, a->date, false, &minutes, &count);
		tp_check_daily_cap(&svc, a->date, svc.required, minutes);
	}
	if (d.verdict != TP_OK)
		tp_refuse(&d, &svc, a->date, a->start, resource_id, location_id, resource_code);
}

/*
 * timepool.check_booking(p_service, p_date, p_time, p_resource, OUT accepted,
 *	 OUT sqlstate, OUT message, OUT detail, OUT hint, OUT earliest_start)
 */
Datum
tp_verdict(FunctionCallInfo fcinfo)
{
	TpBookArgs	a;
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {false, true, true, true, true, true};
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;
	TpService	svc;
	TpPolicy	pol;
	const char *why;

	memset(&a, 0, sizeof(a));
	tp_book_slot_args(fcinfo, 0, 1, 3, 4, &a);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("check_booking must be called where a record can be returned")));
	tupdesc = BlessTupleDesc(tupdesc);

	/* the decision in a subtransaction, as a PL/pgSQL EXCEPTION block runs */
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "timepool: SPI_connect failed");
		tp_cache_sync();
		tp_dry_book(&a);
		SPI_finish();
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) !=
			ERRCODE_TO_CATEGORY(ERRCODE_TP_NO_TIME_LEFT))
			ReThrowError(edata);
	}
	PG_END_TRY();

	values[0] = BoolGetDatum(edata == NULL);
	if (edata)
	{
		values[1] = CStringGetTextDatum(unpack_sql_state(edata->sqlerrcode));
		nulls[1] = false;
		if (edata->message)
		{
			values[2] = CStringGetTextDatum(edata->message);
			nulls[2] = false;
		}
		if (edata->detail)
		{
			values[3] = CStringGetTextDatum(edata->detail);
			nulls[3] = false;
		}
		if (edata->hint)
		{
			values[4] = CStringGetTextDatum(edata->hint);
			nulls[4] = false;
		}
	}

	/* the earliest start the notice allows (the service's, else the clinic's) */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	{
		int64		location_id = 0;

		/*
		 * the clock of the location the call names (its resource's, or
		 * p_location's, or the group's only one); the group's when the
		 * verdict found none, which it then reports
		 */
		if (a.have_resource)
		{
			TpCachedResource *r = tp_resource_by_code(a.resource_code);

			if (r != NULL)
				location_id = r->location_id;
		}
		else if (a.have_location)
			location_id = tp_location_id(a.location_code);
		else
		{
			int			n;

			location_id = tp_only_location(&n);
		}
		tp_policy(tp_lookup_service(a.service_code, &svc, &why) ? &svc : NULL, location_id, &pol);
	}
	SPI_finish();
	values[5] = TimestampGetDatum((Timestamp) pol.earliest_date * USECS_PER_DAY +
								  (Timestamp) pol.earliest_min * USECS_PER_MINUTE);
	nulls[5] = false;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
