/*-------------------------------------------------------------------------
 *
 * report.c
 *	  timepool.utilization(): one row per pool of a range of dates, for the
 *	  owner's reports and the report views.
 *
 *	  One scan of the pool index for the whole range (from 1.5 it carries
 *	  each row's status, so the minutes are split by status from the index
 *	  alone), and the schedule of each date from the cache: the pools are
 *	  those availability() shows, closed ones included, and a period that
 *	  only reservations name on a date (the schedule changed under them, or
 *	  history was restored or imported) is a pool of no minutes.  A pool's
 *	  booked minutes are what every decision counts (tp_scan_booked: live
 *	  holds included, expired ones not).
 *
 * IDENTIFICATION
 *	  src/report.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(tp_utilization);

/* 15 before 1.7, which adds the location */
#define UTILIZATION_COLS 16
/* the longest range utilization() reads, in days: three years */
#define TP_REPORT_MAX_DAYS 1098

/* Rows in the pool index's order: by date, resource and period. */
typedef struct TpReportRows
{
	TpBooking  *rows;
	int			n;
	int			max;
} TpReportRows;

static void
tp_report_collect(void *arg, const TpBooking *b)
{
	TpReportRows *acc = (TpReportRows *) arg;

	if (acc->n == acc->max)
	{
		acc->max = Max(256, acc->max * 2);
		acc->rows = acc->rows == NULL ? palloc(sizeof(TpBooking) * acc->max) :
			repalloc(acc->rows, sizeof(TpBooking) * acc->max);
	}
	acc->rows[acc->n++] = *b;
}

/* A pool's figures. */
typedef struct TpPoolFigures
{
	int64		booked;
	int64		count;
	int64		completed;
	int64		no_show;
	int64		open;
	int			max_overlap;
} TpPoolFigures;

static void
tp_figures_add(TpPoolFigures *f, const TpBooking *b, const int *cover)
{
	f->booked += b->required;
	f->count++;
	if (b->kind == TP_ROW_COMPLETED)
		f->completed += b->required;
	else if (b->kind == TP_ROW_NO_SHOW)
		f->no_show += b->required;
	else
		f->open += b->required;
	if (cover != NULL && b->start_min >= 0 && b->end_min <= TP_MINUTES_PER_DAY)
	{
		int			m;

		for (m = b->start_min; m < b->end_min; m++)
			f->max_overlap = Max(f->max_overlap, cover[m]);
	}
}

static Datum
tp_clamp32(int64 v)
{
	return Int32GetDatum((int32) Max(Min(v, (int64) PG_INT32_MAX), (int64) PG_INT32_MIN));
}

static void
tp_put_pool(ReturnSetInfo *rsinfo, Datum resource, Datum location, DateADT date,
			const char *period, const TpPool *p, const TpPoolFigures *f)
{
	Datum		values[UTILIZATION_COLS];
	bool		nulls[UTILIZATION_COLS];
	int64		total = p ? p->capacity : 0;

	memset(nulls, false, sizeof(nulls));
	values[0] = resource;
	values[1] = DateADTGetDatum(date);
	values[2] = CStringGetTextDatum(period);
	if (p != NULL)
	{
		values[3] = TimeADTGetDatum((TimeADT) p->start_min * USECS_PER_MINUTE);
		values[4] = TimeADTGetDatum((TimeADT) p->end_min * USECS_PER_MINUTE);
	}
	else
		nulls[3] = nulls[4] = true;
	/* a period no pool has on the date holds its rows in no minutes */
	values[5] = BoolGetDatum(p == NULL || p->closed);
	values[6] = tp_clamp32(total);
	values[7] = tp_clamp32(f->booked);
	values[8] = tp_clamp32(total - f->booked);
	values[9] = tp_clamp32(f->count);
	if (total > 0)
	{
		/* booked / total to 4 decimals, rounded half up */
		int64		q = (f->booked * 20000 / total + 1) / 2;

		values[10] = NumericGetDatum(int64_div_fast_to_numeric(q, 4));
	}
	else
		nulls[10] = true;
	values[11] = tp_clamp32(f->completed);
	values[12] = tp_clamp32(f->no_show);
	values[13] = tp_clamp32(f->open);
	values[14] = Int32GetDatum(f->max_overlap);
	values[15] = location;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * The pools of one resource on one date: rows[0..n) are its holding
 * reservations, by period.
 */
static void
tp_report_day(ReturnSetInfo *rsinfo, const TpResourceDay *day, DateADT date,
			  const TpBooking *rows, int n, int *cover)
{
	Datum		code = CStringGetTextDatum(day->code);
	Datum		location = rsinfo->setDesc->natts >= UTILIZATION_COLS ?
		CStringGetTextDatum(tp_location(day->location_id)->code) : (Datum) 0;
	bool	   *used = palloc0(sizeof(bool) * Max(n, 1));
	int		   *coverp = NULL;
	int			i,
				j;

	/* how many windows cover each minute of the day, for the clock */
	if (n > 1)
	{
		memset(cover, 0, sizeof(int) * (TP_MINUTES_PER_DAY + 1));
		for (i = 0; i < n; i++)
			if (rows[i].start_min >= 0 && rows[i].start_min < rows[i].end_min &&
				rows[i].end_min <= TP_MINUTES_PER_DAY)
			{
				cover[rows[i].start_min]++;
				cover[rows[i].end_min]--;
			}
		for (i = 1; i <= TP_MINUTES_PER_DAY; i++)
			cover[i] += cover[i - 1];
		coverp = cover;
	}

	for (j = 0; j < day->npools; j++)
	{
		const TpPool *p = &day->pools[j];
		TpPoolFigures f;

		memset(&f, 0, sizeof(f));
		for (i = 0; i < n; i++)
			if (!used[i] && strcmp(rows[i].period, p->period) == 0)
			{
				tp_figures_add(&f, &rows[i], coverp);
				used[i] = true;
			}
		if (f.count > 0 && coverp == NULL)
			f.max_overlap = 1;
		tp_put_pool(rsinfo, code, location, date, p->period, p, &f);
	}

	/* periods that only reservations name: the rows come by period */
	for (i = 0; i < n; i = j)
	{
		TpPoolFigures f;

		for (j = i + 1; j < n && strcmp(rows[j].period, rows[i].period) == 0; j++)
			;
		if (used[i])
			continue;
		memset(&f, 0, sizeof(f));
		for (; i < j; i++)
			tp_figures_add(&f, &rows[i], coverp);
		if (f.count > 0 && coverp == NULL)
			f.max_overlap = 1;
		tp_put_pool(rsinfo, code, location, date, rows[j - 1].period, NULL, &f);
	}
	pfree(used);
}

/*
 * timepool.utilization(p_from, p_to, p_resource, p_location)
 */
Datum
tp_utilization(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char		resource_code[TP_CODE_MAXLEN + 1];
	char		location_code[TP_CODE_MAXLEN + 1];
	bool		have_resource = !PG_ARGISNULL(2);
	bool		have_location;
	int64		resource_id = 0;
	int64		location_id;
	DateADT		from;
	DateADT		to;
	DateADT		date;
	TpReportRows acc;
	MemoryContext perdate;
	MemoryContext old;
	int		   *cover;
	int			first = 0;

	tp_require(fcinfo, 0, "p_from");
	tp_require(fcinfo, 1, "p_to");
	from = tp_check_date("p_from", PG_GETARG_DATUM(0));
	to = tp_check_date("p_to", PG_GETARG_DATUM(1));
	if (have_resource)
		tp_check_code("resource", PG_GETARG_TEXT_PP(2), resource_code);
	have_location = tp_location_arg(fcinfo, 3, location_code);
	if (to < from)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_to must not be before p_from"),
				 errdetail("p_from is %s and p_to is %s.", tp_date_str(from), tp_date_str(to))));
	if ((int64) to - from + 1 > TP_REPORT_MAX_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the range from p_from to p_to is too long"),
				 errdetail("It has " INT64_FORMAT " days; utilization() reads at most %d.",
						   (int64) to - from + 1, TP_REPORT_MAX_DAYS),
				 errhint("Ask for a shorter range, in several calls if need be.")));

	InitMaterializedSRF(fcinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	if (have_resource)
	{
		/* a report reads an inactive resource's pools too */
		TpCachedResource *r = tp_resource_by_code(resource_code);

		if (r == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_TP_UNKNOWN_OBJECT),
					 errmsg("resource \"%s\" does not exist", resource_code)));
		resource_id = r->id;
	}
	location_id = tp_call_location(have_location ? location_code : NULL, resource_id, false);

	/* the range's holding reservations, in one scan */
	acc.rows = NULL;
	acc.n = acc.max = 0;
	tp_scan_booked(from, to, resource_id, NULL, GetActiveSnapshot(), NULL, tp_report_collect, &acc);

	cover = palloc(sizeof(int) * (TP_MINUTES_PER_DAY + 1));
	perdate = AllocSetContextCreate(CurrentMemoryContext, "timepool utilization",
									ALLOCSET_DEFAULT_SIZES);
	for (date = from; date <= to; date++)
	{
		TpResourceDay *days;
		int			ndays;
		int			last;
		int			i;

		CHECK_FOR_INTERRUPTS();
		for (last = first; last < acc.n && acc.rows[last].date == date; last++)
			;
		old = MemoryContextSwitchTo(perdate);
		ndays = tp_load_day(date, resource_id, location_id, &days);
		for (i = 0; i < ndays; i++)
		{
			int			k,
						e;

			/* the resource's rows: a run of the date's */
			for (k = first; k < last && acc.rows[k].resource_id != days[i].resource_id; k++)
				;
			for (e = k; e < last && acc.rows[e].resource_id == days[i].resource_id; e++)
				;
			tp_report_day(rsinfo, &days[i], date, &acc.rows[k], e - k, cover);
		}
		first = last;
		MemoryContextSwitchTo(old);
		MemoryContextReset(perdate);
	}
	MemoryContextDelete(perdate);
	pfree(cover);
	if (acc.rows != NULL)
		pfree(acc.rows);

	SPI_finish();
	return (Datum) 0;
}
