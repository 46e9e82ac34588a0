/*-------------------------------------------------------------------------
 *
 * availability.c
 *	  timepool.availability(): one row per pool of a date, with its
 *	  capacity, booked and remaining minutes, and whether a service fits
 *	  (decide.c: minutes, the clock limit, who performs it).
 *
 * IDENTIFICATION
 *	  src/availability.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(tp_availability);

#define AVAILABILITY_COLS 14


/*
 * The day of each resource, from one scan of the date's reservations: the
 * minutes and count of each pool, and with a service asked about, the rows
 * themselves, which tp_first_fit() reads.  The pool index returns a date's
 * rows by resource and period, so the last match is tried first.
 */
typedef struct TpDays
{
	TpResourceDay *days;
	TpDayState *states;			/* with a service: the rows, by resource */
	int64	  **minutes;		/* [resource][pool] */
	int64	  **counts;
	int			ndays;
	int			last_day;
	int			last_pool;
} TpDays;

static void
tp_add_booked(void *arg, const TpBooking *b)
{
	TpDays	   *acc = (TpDays *) arg;
	int			i = acc->last_day;
	int			j = acc->last_pool;

	if (i < 0 || acc->days[i].resource_id != b->resource_id ||
		j < 0 || strcmp(acc->days[i].pools[j].period, b->period) != 0)
	{
		for (i = 0; i < acc->ndays; i++)
			if (acc->days[i].resource_id == b->resource_id)
				break;
		if (i == acc->ndays)
			return;				/* an inactive resource's */
		for (j = 0; j < acc->days[i].npools; j++)
			if (strcmp(acc->days[i].pools[j].period, b->period) == 0)
				break;
		acc->last_day = i;
		acc->last_pool = j < acc->days[i].npools ? j : -1;
	}
	if (j >= 0 && j < acc->days[i].npools)
	{
		acc->minutes[i][j] += b->required;
		acc->counts[i][j]++;
	}
	if (acc->states != NULL)
	{
		TpDayState *st = &acc->states[i];

		if (st->n == st->max)
		{
			st->max *= 2;
			st->rows = repalloc(st->rows, sizeof(TpBooking) * st->max);
		}
		st->rows[st->n++] = *b;
	}
}

/* booked / total x 100, rounded half up to two decimals */
static Datum
tp_utilization(int64 booked, int64 total)
{
	int64		hundredths = (booked * 20000 + total) / (2 * total);
	char		buf[64];

	snprintf(buf, sizeof(buf), INT64_FORMAT ".%02d",
			 hundredths / 100, (int) (hundredths % 100));
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

static int32
tp_clamp_int32(int64 v)
{
	return (int32) Min(v, (int64) PG_INT32_MAX);
}

/*
 * timepool.availability(p_date, p_period, p_service, p_resource, p_location)
 */
Datum
tp_availability(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	DateADT		date;
	char		period[TP_CODE_MAXLEN + 1];
	char		service_code[TP_CODE_MAXLEN + 1];
	char		resource_code[TP_CODE_MAXLEN + 1];
	char		location_code[TP_CODE_MAXLEN + 1];
	bool		have_location;
	bool		have_period = !PG_ARGISNULL(1);
	bool		have_service = !PG_ARGISNULL(2);
	bool		have_resource = !PG_ARGISNULL(3);
	TpService	svc;
	int64		resource_id = 0;
	int64		location_id;
	const char *why;
	TpResourceDay *days;
	int			ndays;
	TpDays		acc;
	bool		capped = false;
	int64		clock_of = -1;	/* the location first, g0 and g1 are of */
	int			first = TP_MINUTES_PER_DAY;
	int			g0 = -1,
				g1 = -1;
	int			i,
				j;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("p_date must not be null")));
	date = tp_check_date("p_date", PG_GETARG_DATUM(0));
	if (have_period)
		tp_check_code("period", PG_GETARG_TEXT_PP(1), period);
	if (have_service)
		tp_check_code("service", PG_GETARG_TEXT_PP(2), service_code);
	if (have_resource)
		tp_check_code("resource", PG_GETARG_TEXT_PP(3), resource_code);
	have_location = tp_location_arg(fcinfo, 4, location_code);

	InitMaterializedSRF(fcinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();

	if (have_service && !tp_lookup_service(service_code, &svc, &why))
		ereport(ERROR,
				(errcode(ERRCODE_TP_UNKNOWN_OBJECT),
				 errmsg("service \"%s\" cannot be booked", service_code),
				 errdetail("%s", why)));
	if (have_resource && !tp_lookup_resource(resource_code, &resource_id, &why))
		ereport(ERROR,
				(errcode(ERRCODE_TP_UNKNOWN_OBJECT),
				 errmsg("resource \"%s\" cannot be booked", resource_code),
				 errdetail("%s", why)));
	location_id = tp_call_location(have_location ? location_code : NULL, resource_id, false);

	ndays = tp_load_day(date, resource_id, location_id, &days);

	/* the reservations of the date, by resource */
	acc.days = days;
	acc.ndays = ndays;
	acc.last_day = acc.last_pool = -1;
	acc.minutes = palloc(sizeof(int64 *) * Max(ndays, 1));
	acc.counts = palloc(sizeof(int64 *) * Max(ndays, 1));
	acc.states = have_service ? palloc(sizeof(TpDayState) * Max(ndays, 1)) : NULL;
	for (i = 0; i < ndays; i++)
	{
		acc.minutes[i] = palloc0(sizeof(int64) * Max(days[i].npools, 1));
		acc.counts[i] = palloc0(sizeof(int64) * Max(days[i].npools, 1));
		if (acc.states == NULL)
			continue;
		acc.states[i].resource_id = days[i].resource_id;
		acc.states[i].date = date;
		acc.states[i].max_concurrent = days[i].max_concurrent;
		acc.states[i].period = NULL;
		acc.states[i].n = 0;
		acc.states[i].max = 16;
		acc.states[i].rows = palloc(sizeof(TpBooking) * 16);
	}
	tp_scan_booked(date, date, resource_id, NULL, GetActiveSnapshot(), NULL, tp_add_booked, &acc);

	/* the service's daily cap, the group's */
	if (have_service && svc.daily_cap != TP_NO_CAP)
	{
		int64		minutes,
					count;

		tp_service_day_booked(&svc, date, false, &minutes, &count);
		capped = minutes + svc.required > svc.daily_cap;
	}

	for (i = 0; i < ndays; i++)
	{
		bool		performs = have_service && tp_performs(days[i].resource_id, svc.id);

		/*
		 * the first start the service's booking window allows on the date,
		 * and the hour the clocks skip, on the clock of the resource's
		 * location
		 */
		if (have_service && days[i].location_id != clock_of)
		{
			TpPolicy	pol;

			clock_of = days[i].location_id;
			tp_policy(&svc, clock_of, &pol);
			first = capped ? TP_MINUTES_PER_DAY : tp_policy_first_minute(&pol, date);
			if (!tp_wall_gap(clock_of, date, &g0, &g1))
				g0 = g1 = -1;
		}

		for (j = 0; j < days[i].npools; j++)
		{
			TpPool	   *p = &days[i].pools[j];
			Datum		values[AVAILABILITY_COLS];
			bool		nulls[AVAILABILITY_COLS];
			int64		minutes = 0;
			int64		count = 0;
			int64		remaining;

			if (have_period && strcmp(p->period, period) != 0)
				continue;
			minutes = acc.minutes[i][j];
			count = acc.counts[i][j];
			remaining = Max((int64) p->capacity - minutes, 0);

			memset(nulls, false, sizeof(nulls));
			values[0] = CStringGetTextDatum(days[i].code);
			values[1] = DateADTGetDatum(date);
			values[2] = CStringGetTextDatum(p->period);
			values[3] = TimeADTGetDatum((TimeADT) p->start_min * USECS_PER_MINUTE);
			values[4] = TimeADTGetDatum((TimeADT) p->end_min * USECS_PER_MINUTE);
			values[5] = Int32GetDatum(p->capacity);
			values[6] = Int32GetDatum(tp_clamp_int32(minutes));
			values[7] = Int32GetDatum(tp_clamp_int32(remaining));
			values[8] = Int32GetDatum(tp_clamp_int32(count));
			if (p->capacity > 0)
				values[9] = tp_utilization(minutes, p->capacity);
			else
				nulls[9] = true;
			values[10] = BoolGetDatum(p->closed);
			if (have_service)
			{
				values[11] = CStringGetTextDatum(svc.code);
				values[12] = Int32GetDatum(svc.required);
				/* some start in the pool that book_service() would take */
				values[13] = BoolGetDatum(performs &&
										  tp_first_fit(&acc.states[i], p, first, svc.required,
													   true, g0, g1) >= 0);
			}
			else
				nulls[11] = nulls[12] = nulls[13] = true;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}

	SPI_finish();
	return (Datum) 0;
}
