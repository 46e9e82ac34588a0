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
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(tp_book_service);
PG_FUNCTION_INFO_V1(tp_can_book);
PG_FUNCTION_INFO_V1(tp_cancel_reservation);
PG_FUNCTION_INFO_V1(tp_set_reservation_status);
PG_FUNCTION_INFO_V1(tp_pool_lock_key);

static SPIPlanPtr plan_insert = NULL;
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

static const char *const tp_statuses[] = {
	"PENDING", "CONFIRMED", "COMPLETED", "NO_SHOW", "CANCELLED", "REJECTED"
};

static void tp_unbookable_service(const char *code, const char *why) pg_attribute_noreturn();
static void tp_unavailable_resource(const char *code, const char *why) pg_attribute_noreturn();

/*
 * The rules of a booking that do not depend on the pool's minutes: the
 * service can be booked, the resource named (if any) too, the booking
 * window (TP005) and the clinic's clock (TP002).  book_service() checks them
 * before it decides and again, on the schedule and settings committed by
 * then, once it holds the pool locks: *svc is then the service as it is now.
 */
static void
tp_check_booking_rules(TpService *svc, DateADT date, int start, const char *resource_code)
{
	const char *why;
	TpService	now;
	TpPolicy	pol;
	int64		resource_id;

	if (!tp_lookup_service(svc->code, &now, &why))
		tp_unbookable_service(svc->code, why);
	if (now.id != svc->id)
		tp_unbookable_service(svc->code, "The service was deleted while this booking was being decided.");
	*svc = now;
	if (resource_code != NULL && !tp_lookup_resource(resource_code, &resource_id, &why))
		tp_unavailable_resource(resource_code, why);
	tp_policy(svc, &pol);
	tp_check_policy(svc, &pol, date, start);
	tp_check_wall_clock(date, start, start + svc->required);
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
		  const char *resource_code, bool lock, TpDecision *out)
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
	int64		best_remaining = PG_INT64_MIN;	/* remaining may be negative
												 * in an over-full pool */
	int			best = -1;
	int32	   *keys = NULL;
	int			nkeys = 0;

	memset(out, 0, sizeof(*out));
	out->verdict = TP_NO_PERIOD;
	out->next_start = -1;

	ndays = tp_load_day(date, resource_id, &days);
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
		keys = palloc(sizeof(int32) * maxkeys);
		for (i = 0; i < ncand; i++)
			nkeys += tp_touched_pools(cand_day[i], date, cand_pool[i], start, end,
									  keys + nkeys, NULL);
		tp_lock_pool_keys(keys, nkeys);
		tp_cache_sync();

		/*
		 * The service, the resource and the settings may have changed while
		 * this waited for the locks too: check the rules again, as they are
		 * now, and decide with the service's length now.
		 */
		tp_check_booking_rules(svc, date, start, resource_code);
		end = start + svc->required;

		/*
		 * The schedule may have changed while this waited for the locks:
		 * decide on the pools as they are now.  A candidate whose pool is
		 * gone, closed or too short now is dropped, and so is one whose
		 * resource no longer performs the service.
		 */
		nfresh = tp_load_day(date, resource_id, &fresh);
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
	for (i = 0; i < ncand; i++)
	{
		TpWhy		why;
		TpVerdict	v;

		if (i > 0 && cand_day[i]->resource_id == cand_day[i - 1]->resource_id &&
			cand_day[i]->max_concurrent != TP_NO_LIMIT)
			states[i] = states[i - 1];
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
			tp_day_check_snapshot(&states[i], periods, n);
		}
		if (out->verdict == TP_OVERLAP)
		{
			int			g0,
						g1;
			TpDayState	whole;

			if (!tp_wall_gap(date, &g0, &g1))
				g0 = g1 = -1;
			/* the hint looks at the whole day, as committed now (or seen) */
			tp_read_day(date, cand_day[i]->resource_id, cand_day[i]->max_concurrent,
						NULL, 0, 0, TP_MINUTES_PER_DAY + 1, lock, &whole);
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
		int32	   *keep = palloc(sizeof(int32) * (out->day->npools + 1));
		int			nkeep = tp_touched_pools(out->day, date, out->pool, start, end,
											 keep, periods);

		tp_day_check_snapshot(&states[best], periods, nkeep);

		/*
		 * The pools not chosen are let go at once: a transaction that stays
		 * open after its booking holds only the pools it booked into, not
		 * those of every resource it considered.
		 */
		tp_unlock_pool_keys_but(keys, nkeys, keep, nkeep);
	}
}

/*
 * Raise the refusal a decision stands for.
 */
static void
tp_refuse(TpDecision *d, TpService *svc, DateADT date, int start,
		  const char *resource_code)
{
	char	   *datestr = tp_date_str(date);
	char	   *timestr = tp_time_str(start);

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
						 errhint("Call timepool.availability('%s') to see the periods of the day.", datestr)));
			ereport(ERROR,
					(errcode(ERRCODE_TP_OUTSIDE_SCHEDULE),
					 errmsg("%s on %s is outside the schedule", timestr, datestr),
					 errdetail("No period of any active resource that performs %s contains %s on %s.",
							   svc->code, timestr, datestr),
					 errhint("Call timepool.availability('%s') to see the periods of the day.", datestr)));
			break;
		case TP_CLOSED:
			tp_refuse_closed(d->day->code, d->pool, date);
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
					 errhint("Choose an earlier start time.")));
			break;
		case TP_FULL:
			tp_refuse_full(svc->code, svc->required, d->why.booked, d->pool, date);
			break;
		case TP_OVERLAP:
			tp_refuse_overlap(d->day->code, d->day->max_concurrent, svc->code, date,
							  start, start + svc->required, &d->why, d->next_start);
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

static void
tp_require(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", argname)));
}

/* An optional text argument: NULL stays NULL, and so does a blank one. */
static char *
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

static void
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

static void
tp_unbookable_service(const char *code, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_TP_UNKNOWN_OBJECT),
			 errmsg("service \"%s\" cannot be booked", code),
			 errdetail("%s", why),
			 errhint("SELECT code FROM timepool.bookable_services lists the services that can be booked.")));
}

static void
tp_unavailable_resource(const char *code, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_TP_UNKNOWN_OBJECT),
			 errmsg("resource \"%s\" cannot be booked", code),
			 errdetail("%s", why)));
}

/*
 * timepool.book_service(p_service, p_date, p_time, p_patient_name,
 *	 p_patient_phone, p_patient_email, p_notes, p_details, p_resource,
 *	 p_status, p_idempotency_key) returns timepool.reservations
 */
Datum
tp_book_service(PG_FUNCTION_ARGS)
{
	char		service_code[TP_CODE_MAXLEN + 1];
	char		resource_code[TP_CODE_MAXLEN + 1];
	bool		have_resource = !PG_ARGISNULL(8);
	DateADT		date;
	TpPolicy	pol;
	int			start;
	char	   *patient_name;
	char	   *phone;
	char	   *email;
	char	   *notes;
	char	   *status;
	char	   *key = NULL;
	Datum		details = (Datum) 0;
	TpService	svc;
	int64		resource_id = 0;
	const char *why;
	TpDecision	d;
	Datum		values[19];
	char		nulls[19];
	Datum		result;
	bool		isnull;
	int			i;

	tp_require(fcinfo, 0, "p_service");
	tp_require(fcinfo, 1, "p_date");
	tp_require(fcinfo, 2, "p_time");
	tp_require(fcinfo, 3, "p_patient_name");
	tp_require(fcinfo, 9, "p_status");

	tp_check_code("service", PG_GETARG_TEXT_PP(0), service_code);
	if (have_resource)
		tp_check_code("resource", PG_GETARG_TEXT_PP(8), resource_code);
	date = tp_check_date("p_date", PG_GETARG_DATUM(1));
	start = tp_check_time("p_time", PG_GETARG_DATUM(2));
	patient_name = tp_check_text("p_patient_name", PG_GETARG_TEXT_PP(3), 200, false);
	phone = tp_optional_text(fcinfo, 4, "p_patient_phone", 50);
	email = tp_optional_text(fcinfo, 5, "p_patient_email", 320);
	if (email)
		tp_check_email(email);
	notes = tp_optional_text(fcinfo, 6, "p_notes", 4000);
	if (!PG_ARGISNULL(7))
	{
		details = PG_GETARG_DATUM(7);
		if (toast_raw_datum_size(details) > TP_DETAILS_MAXBYTES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("p_details is too long"),
					 errdetail("It has %zu bytes; the limit is %d.",
							   toast_raw_datum_size(details), TP_DETAILS_MAXBYTES)));
	}
	status = tp_check_text("p_status", PG_GETARG_TEXT_PP(9), 20, true);
	if (strcmp(status, "PENDING") != 0 && strcmp(status, "CONFIRMED") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a new reservation's status must be PENDING or CONFIRMED")));
	if (!PG_ARGISNULL(10))
		key = tp_check_text("p_idempotency_key", PG_GETARG_TEXT_PP(10), 200, false);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();

	/* a repeated call with the same key returns the first reservation */
	if (key)
	{
		Oid			types[10] = {TEXTOID, TEXTOID, DATEOID, TIMEOID, TEXTOID,
		TEXTOID, TEXTOID, TEXTOID, JSONBOID, TEXTOID};
		Datum		kv[10];
		char		kn[10];

		tp_lock_idempotency(key);
		tp_prepare(&plan_by_key,
				   "SELECT r, r.service_code = $2 AND r.reservation_date = $3"
				   " AND r.start_time = $4 AND r.patient_name = $5"
				   " AND r.patient_phone IS NOT DISTINCT FROM $6"
				   " AND r.patient_email IS NOT DISTINCT FROM $7"
				   " AND r.notes IS NOT DISTINCT FROM $8"
				   " AND r.details IS NOT DISTINCT FROM $9"
				   " AND ($10::text IS NULL OR $10 = (SELECT x.code FROM timepool.resources x"
				   "                                   WHERE x.id = r.resource_id))"
				   " FROM timepool.reservations r WHERE r.idempotency_key = $1",
				   10, types);
		memset(kn, ' ', sizeof(kn));
		kv[0] = CStringGetTextDatum(key);
		kv[1] = CStringGetTextDatum(service_code);
		kv[2] = DateADTGetDatum(date);
		kv[3] = TimeADTGetDatum((TimeADT) start * USECS_PER_MINUTE);
		kv[4] = CStringGetTextDatum(patient_name);
		tp_param_text(kv, kn, 5, phone);
		tp_param_text(kv, kn, 6, email);
		tp_param_text(kv, kn, 7, notes);
		kv[8] = details;
		kn[8] = PG_ARGISNULL(7) ? 'n' : ' ';
		tp_param_text(kv, kn, 9, have_resource ? resource_code : NULL);
		tp_execute(plan_by_key, kv, kn, GetLatestSnapshot(), false, 1);
		if (SPI_processed > 0)
		{
			Datum		row = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
			bool		same = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
														  SPI_tuptable->tupdesc, 2, &isnull));

			if (isnull || !same)
				ereport(ERROR,
						(errcode(ERRCODE_UNIQUE_VIOLATION),
						 errmsg("idempotency key \"%s\" was already used for a different booking", key),
						 errdetail("A repeated call must pass the same service, date, time, patient, notes, details and resource."),
						 errhint("Use a new key for a new booking.")));
			result = SPI_datumTransfer(row, false, -1);
			SPI_finish();
			PG_RETURN_DATUM(result);
		}
	}

	/* a database at 1.0 refuses a past date first, as 1.0 did */
	if (!tp_cache_get()->has_policy)
	{
		tp_policy(NULL, &pol);
		tp_check_policy(NULL, &pol, date, start);
	}
	if (!tp_lookup_service(service_code, &svc, &why))
		tp_unbookable_service(service_code, why);
	if (have_resource && !tp_lookup_resource(resource_code, &resource_id, &why))
		tp_unavailable_resource(resource_code, why);
	tp_check_booking_rules(&svc, date, start, have_resource ? resource_code : NULL);

	tp_decide(&svc, date, start, resource_id, have_resource ? resource_code : NULL, true, &d);
	if (d.verdict != TP_OK)
		tp_refuse(&d, &svc, date, start, have_resource ? resource_code : NULL);

	{
		Oid			types[19] = {INT8OID, INT8OID, TEXTOID, TEXTOID, INT4OID,
			INT4OID, INT4OID, NUMERICOID, DATEOID, TIMEOID,
			TIMEOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
		TEXTOID, TEXTOID, JSONBOID, TEXTOID};

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
	for (i = 0; i < 19; i++)
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
	values[8] = DateADTGetDatum(date);
	values[9] = TimeADTGetDatum((TimeADT) start * USECS_PER_MINUTE);
	values[10] = TimeADTGetDatum((TimeADT) (start + svc.required) * USECS_PER_MINUTE);
	values[11] = CStringGetTextDatum(d.pool->period);
	values[12] = CStringGetTextDatum(status);
	values[13] = CStringGetTextDatum(patient_name);
	tp_param_text(values, nulls, 14, phone);
	tp_param_text(values, nulls, 15, email);
	tp_param_text(values, nulls, 16, notes);
	values[17] = details;
	nulls[17] = PG_ARGISNULL(7) ? 'n' : ' ';
	tp_param_text(values, nulls, 18, key);

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

		if (!tp_lookup_service(service_code, &now, &why) || now.id != svc.id)
			tp_unbookable_service(service_code, "The service was deleted or deactivated while this booking was being decided.");
	}

	/*
	 * The guard judges the row again, under the locks held: the same rule on
	 * the same state, a few microseconds, and no way for anything between the
	 * decision and the row to go unjudged.
	 */
	tp_execute(plan_insert, values, nulls, InvalidSnapshot, false, 0);

	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("the reservation was not inserted"),
				 errdetail("A BEFORE trigger on timepool.reservations skipped the row.")));

	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	result = SPI_datumTransfer(result, false, -1);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * timepool.can_book(p_service, p_date, p_time, p_resource) returns boolean
 */
Datum
tp_can_book(PG_FUNCTION_ARGS)
{
	char		service_code[TP_CODE_MAXLEN + 1];
	char		resource_code[TP_CODE_MAXLEN + 1];
	bool		have_resource = !PG_ARGISNULL(3);
	DateADT		date;
	int			start = -1;
	TpService	svc;
	int64		resource_id = 0;
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

	tp_policy(&svc, &pol);
	first = tp_policy_first_minute(&pol, date);
	if (!tp_wall_gap(date, &g0, &g1))
		g0 = g1 = -1;
	if (start >= 0)
	{
		TpDecision	d;

		if (start >= first && !tp_gap_overlaps(g0, g1, start, start + svc.required))
		{
			tp_decide(&svc, date, start, resource_id, NULL, false, &d);
			ok = d.verdict == TP_OK;
		}
	}
	else if (first < TP_MINUTES_PER_DAY)
	{
		TpResourceDay *days;
		int			ndays = tp_load_day(date, resource_id, &days);
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
	if (strcmp(from, "PENDING") == 0)
		return "CONFIRMED, REJECTED or CANCELLED";
	if (strcmp(from, "CONFIRMED") == 0)
		return "COMPLETED, NO_SHOW or CANCELLED";
	return NULL;
}

/*
 * Move reservation id to status new_status, with reason for a cancellation.
 */
static Datum
tp_change_status(int64 id, const char *new_status, const char *reason)
{
	Oid			lock_types[1] = {INT8OID};
	Oid			set_types[3] = {INT8OID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	char	   *old_status;
	const char *allowed;
	Datum		result;
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_prepare(&plan_lock_row,
			   "SELECT status, reservation_date, start_time FROM timepool.reservations"
			   " WHERE id = $1 FOR UPDATE",
			   1, lock_types);
	values[0] = Int64GetDatum(id);
	tp_execute(plan_lock_row, values, NULL, InvalidSnapshot, false, 1);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("reservation " INT64_FORMAT " does not exist", id)));
	old_status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
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
	{
		bool		isnull;
		DateADT		date = DatumGetDateADT(SPI_getbinval(SPI_tuptable->vals[0],
														 SPI_tuptable->tupdesc, 2, &isnull));
		TimeADT		start = DatumGetTimeADT(SPI_getbinval(SPI_tuptable->vals[0],
														  SPI_tuptable->tupdesc, 3, &isnull));

		tp_check_status_clock(id, new_status, date, (int) (start / USECS_PER_MINUTE));
	}

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
				 errdetail("A status is one of PENDING, CONFIRMED, COMPLETED, NO_SHOW, CANCELLED, REJECTED.")));
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
