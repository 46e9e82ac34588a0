/*-------------------------------------------------------------------------
 *
 * schedule.c
 *	  The pools of a date: the weekly schedule, replaced by the overrides
 *	  that apply, and the minutes booked in each pool.
 *
 *	  Override precedence for a pool, highest first: a row for this resource
 *	  and this period; a row for this resource and the whole day; a row for
 *	  every resource and this period; a row for every resource and the whole
 *	  day.  A resource's own closure is never reopened by a clinic-wide row.
 *
 * IDENTIFICATION
 *	  src/schedule.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/snapmgr.h"

static SPIPlanPtr plan_resources = NULL;
static SPIPlanPtr plan_slots = NULL;
static SPIPlanPtr plan_overrides = NULL;
static SPIPlanPtr plan_booked = NULL;
static SPIPlanPtr plan_service = NULL;
static SPIPlanPtr plan_resource = NULL;

/* An override row, as read for one date. */
typedef struct TpOverride
{
	int64		resource_id;	/* 0 = every resource */
	bool		whole_day;
	char		period[TP_CODE_MAXLEN + 1];
	bool		closed;
	int			start_min;
	int			end_min;
	int			capacity;
} TpOverride;

static int
tp_minutes(Datum t)
{
	return (int) (DatumGetTimeADT(t) / USECS_PER_MINUTE);
}

static void
tp_copy_code(char *dst, HeapTuple tup, TupleDesc desc, int col)
{
	char	   *s = SPI_getvalue(tup, desc, col);

	strlcpy(dst, s ? s : "", TP_CODE_MAXLEN + 1);
}

/* rank of an override for a pool: 0 = does not apply */
static int
tp_override_rank(const TpOverride *o, int64 resource_id, const char *period)
{
	if (o->resource_id != 0 && o->resource_id != resource_id)
		return 0;
	if (!o->whole_day && strcmp(o->period, period) != 0)
		return 0;
	return (o->resource_id != 0 ? 3 : 1) + (o->whole_day ? 0 : 1);
}

/* the override that applies to a pool; with open_only, the best one that opens it */
static const TpOverride *
tp_best_override(const TpOverride *ovr, int novr, int64 resource_id,
				 const char *period, bool open_only)
{
	const TpOverride *best = NULL;
	int			best_rank = 0;
	int			i;

	for (i = 0; i < novr; i++)
	{
		int			rank = tp_override_rank(&ovr[i], resource_id, period);

		if (open_only && ovr[i].closed)
			continue;

		if (rank > best_rank)
		{
			best = &ovr[i];
			best_rank = rank;
		}
	}
	return best;
}

static int
tp_cmp_pool(const void *a, const void *b)
{
	const TpPool *x = (const TpPool *) a;
	const TpPool *y = (const TpPool *) b;

	if (x->start_min != y->start_min)
		return (x->start_min > y->start_min) - (x->start_min < y->start_min);
	return strcmp(x->period, y->period);
}

/*
 * Load the pools of date for one resource (resource_id != 0) or for every
 * active resource, ordered by resource code.  Returns the number of
 * resources; *out points to an array allocated in the current context.
 */
int
tp_load_day(DateADT date, int64 resource_id, const char *resource_code,
			Snapshot snapshot, bool read_only, TpResourceDay **out)
{
	Oid			res_types[1] = {INT8OID};
	Oid			slot_types[3] = {INT2OID, DATEOID, INT8OID};
	Oid			ovr_types[2] = {DATEOID, INT8OID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};
	int			nres,
				nslots,
				novr,
				i,
				j;
	TpResourceDay *days;
	SPITupleTable *slot_tab;
	TpOverride *ovr;
	int			dow = j2day(date + POSTGRES_EPOCH_JDATE);

	(void) resource_code;

	/* the resources */
	tp_prepare(&plan_resources,
			   "SELECT id, code FROM timepool.resources"
			   " WHERE ($1 IS NULL AND is_active) OR id = $1 ORDER BY code COLLATE \"C\"",
			   1, res_types);
	values[0] = Int64GetDatum(resource_id);
	nulls[0] = resource_id == 0 ? 'n' : ' ';
	tp_execute(plan_resources, values, nulls, snapshot, read_only, 0);
	nres = (int) SPI_processed;
	days = palloc0(sizeof(TpResourceDay) * Max(nres, 1));
	for (i = 0; i < nres; i++)
	{
		bool		isnull;

		days[i].resource_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i],
														  SPI_tuptable->tupdesc, 1, &isnull));
		tp_copy_code(days[i].code, SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);
	}
	SPI_freetuptable(SPI_tuptable);
	*out = days;
	if (nres == 0)
		return 0;

	/* the overrides of the date */
	tp_prepare(&plan_overrides,
			   "SELECT resource_id, period, is_closed, start_time, end_time, capacity_minutes"
			   " FROM timepool.schedule_overrides"
			   " WHERE date = $1 AND ($2 IS NULL OR resource_id = $2 OR resource_id IS NULL)",
			   2, ovr_types);
	values[0] = DateADTGetDatum(date);
	nulls[0] = ' ';
	values[1] = Int64GetDatum(resource_id);
	nulls[1] = resource_id == 0 ? 'n' : ' ';
	tp_execute(plan_overrides, values, nulls, snapshot, read_only, 0);
	novr = (int) SPI_processed;
	ovr = palloc0(sizeof(TpOverride) * Max(novr, 1));
	for (i = 0; i < novr; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;

		d = SPI_getbinval(tup, desc, 1, &isnull);
		ovr[i].resource_id = isnull ? 0 : DatumGetInt64(d);
		(void) SPI_getbinval(tup, desc, 2, &isnull);
		ovr[i].whole_day = isnull;
		if (!isnull)
			tp_copy_code(ovr[i].period, tup, desc, 2);
		ovr[i].closed = DatumGetBool(SPI_getbinval(tup, desc, 3, &isnull));
		if (!ovr[i].closed)
		{
			ovr[i].start_min = tp_minutes(SPI_getbinval(tup, desc, 4, &isnull));
			ovr[i].end_min = tp_minutes(SPI_getbinval(tup, desc, 5, &isnull));
			ovr[i].capacity = DatumGetInt32(SPI_getbinval(tup, desc, 6, &isnull));
		}
	}
	SPI_freetuptable(SPI_tuptable);

	/* the weekly rows in force on the date */
	tp_prepare(&plan_slots,
			   "SELECT resource_id, period, start_time, end_time, capacity_minutes"
			   " FROM timepool.clinic_time_slots"
			   " WHERE day_of_week = $1 AND is_active"
			   " AND (effective_from IS NULL OR effective_from <= $2)"
			   " AND (effective_until IS NULL OR effective_until >= $2)"
			   " AND ($3 IS NULL OR resource_id = $3)",
			   3, slot_types);
	values[0] = Int16GetDatum((int16) dow);
	nulls[0] = ' ';
	values[1] = DateADTGetDatum(date);
	nulls[1] = ' ';
	values[2] = Int64GetDatum(resource_id);
	nulls[2] = resource_id == 0 ? 'n' : ' ';
	tp_execute(plan_slots, values, nulls, snapshot, read_only, 0);
	nslots = (int) SPI_processed;
	slot_tab = SPI_tuptable;

	for (i = 0; i < nres; i++)
	{
		TpResourceDay *day = &days[i];
		int			maxpools = nslots + novr;
		int			np = 0;

		day->pools = palloc0(sizeof(TpPool) * Max(maxpools, 1));

		/* weekly pools, each replaced by the override that applies */
		for (j = 0; j < nslots; j++)
		{
			HeapTuple	tup = slot_tab->vals[j];
			TupleDesc	desc = slot_tab->tupdesc;
			bool		isnull;
			TpPool	   *p;
			const TpOverride *o;

			if (DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull)) != day->resource_id)
				continue;
			p = &day->pools[np++];
			tp_copy_code(p->period, tup, desc, 2);
			p->start_min = tp_minutes(SPI_getbinval(tup, desc, 3, &isnull));
			p->end_min = tp_minutes(SPI_getbinval(tup, desc, 4, &isnull));
			p->capacity = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull));
			p->closed = false;

			o = tp_best_override(ovr, novr, day->resource_id, p->period, false);
			if (o == NULL)
				continue;
			if (o->closed)
			{
				p->closed = true;
				p->capacity = 0;
			}
			else
			{
				p->start_min = o->start_min;
				p->end_min = o->end_min;
				p->capacity = o->capacity;
			}
		}

		/*
		 * Periods that only an override opens on this date.  The most
		 * specific row that opens one gives its window; if a more specific
		 * row closes it (the resource's own closure of that period or of the
		 * whole day), the pool is listed, closed.
		 */
		for (j = 0; j < novr; j++)
		{
			const TpOverride *o = &ovr[j];
			const TpOverride *best;
			int			k;
			bool		seen = false;

			if (o->whole_day || o->closed ||
				(o->resource_id != 0 && o->resource_id != day->resource_id))
				continue;
			for (k = 0; k < np; k++)
				if (strcmp(day->pools[k].period, o->period) == 0)
					seen = true;
			if (seen || tp_best_override(ovr, novr, day->resource_id, o->period, true) != o)
				continue;
			best = tp_best_override(ovr, novr, day->resource_id, o->period, false);
			day->pools[np].start_min = o->start_min;
			day->pools[np].end_min = o->end_min;
			day->pools[np].closed = best->closed;
			day->pools[np].capacity = best->closed ? 0 : o->capacity;
			strlcpy(day->pools[np].period, o->period, TP_CODE_MAXLEN + 1);
			np++;
		}
		day->npools = np;
		if (np > 1)
			qsort(day->pools, np, sizeof(TpPool), tp_cmp_pool);
	}
	SPI_freetuptable(slot_tab);
	return nres;
}

/*
 * The pool whose window contains the minute (the earliest-starting one if
 * an override made two windows overlap), or NULL.
 */
TpPool *
tp_find_pool_at(TpResourceDay *day, int minute)
{
	int			i;

	for (i = 0; i < day->npools; i++)
		if (day->pools[i].start_min <= minute && minute < day->pools[i].end_min)
			return &day->pools[i];
	return NULL;
}

TpPool *
tp_find_pool_named(TpResourceDay *day, const char *period)
{
	int			i;

	for (i = 0; i < day->npools; i++)
		if (strcmp(day->pools[i].period, period) == 0)
			return &day->pools[i];
	return NULL;
}

static void
tp_run_booked(Datum *values, Snapshot snapshot, bool read_only,
			  int64 *minutes, int64 *count)
{
	bool		isnull;

	tp_execute(plan_booked, values, NULL, snapshot, read_only, 0);
	*minutes = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 1, &isnull));
	*count = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 2, &isnull));
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Minutes and reservations held in one pool.
 *
 * With locked = true the caller holds the pool's lock and is about to
 * decide: the count is taken from the latest committed state, and under
 * REPEATABLE READ or SERIALIZABLE, a difference from what the transaction's
 * snapshot shows means another booking raced this one: serialization
 * failure, to be retried by the client.
 */
void
tp_pool_booked(int64 resource_id, DateADT date, const char *period,
			   bool locked, int64 *minutes, int64 *count)
{
	Oid			types[3] = {DATEOID, INT8OID, TEXTOID};
	Datum		values[3];

	tp_prepare(&plan_booked,
			   "SELECT coalesce(sum(required_minutes), 0)::int8, count(*)"
			   " FROM timepool.reservations"
			   " WHERE reservation_date = $1 AND resource_id = $2 AND period = $3"
			   " AND status NOT IN ('CANCELLED', 'REJECTED')",
			   3, types);
	values[0] = DateADTGetDatum(date);
	values[1] = Int64GetDatum(resource_id);
	values[2] = CStringGetTextDatum(period);

	if (!locked)
	{
		tp_run_booked(values, InvalidSnapshot, true, minutes, count);
		return;
	}

	tp_run_booked(values, GetLatestSnapshot(), false, minutes, count);
	if (IsolationUsesXactSnapshot())
	{
		int64		snap_minutes,
					snap_count;

		tp_run_booked(values, GetTransactionSnapshot(), false,
					  &snap_minutes, &snap_count);
		if (snap_minutes != *minutes || snap_count != *count)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("could not serialize access due to a concurrent booking"),
					 errdetail("Another transaction changed pool %s on %s after this transaction's snapshot was taken.",
							   period, tp_date_str(date)),
					 errhint("Retry the transaction.")));
	}
}

/*
 * Find a bookable service by code.  On failure, *why says why.
 */
bool
tp_lookup_service(const char *code, TpService *svc, const char **why)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	HeapTuple	tup;
	TupleDesc	desc;
	bool		isnull;
	bool		deleted;
	bool		active;

	tp_prepare(&plan_service,
			   "SELECT id, code, name, duration_minutes, buffer_minutes, price,"
			   " is_active, deleted_at IS NOT NULL"
			   " FROM timepool.services WHERE code = $1"
			   " ORDER BY deleted_at IS NOT NULL, deleted_at DESC LIMIT 1",
			   1, types);
	values[0] = CStringGetTextDatum(code);
	tp_execute(plan_service, values, NULL, InvalidSnapshot, true, 1);
	if (SPI_processed == 0)
	{
		*why = "No service has this code.";
		return false;
	}
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	active = DatumGetBool(SPI_getbinval(tup, desc, 7, &isnull));
	deleted = DatumGetBool(SPI_getbinval(tup, desc, 8, &isnull));
	if (deleted)
	{
		*why = "The service was deleted.";
		return false;
	}
	if (!active)
	{
		*why = "The service is inactive.";
		return false;
	}
	svc->id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
	tp_copy_code(svc->code, tup, desc, 2);
	svc->name = SPI_getvalue(tup, desc, 3);
	svc->duration = DatumGetInt32(SPI_getbinval(tup, desc, 4, &isnull));
	svc->buffer = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull));
	svc->required = svc->duration + svc->buffer;
	svc->price = SPI_getbinval(tup, desc, 6, &svc->price_isnull);
	if (!svc->price_isnull)
		svc->price = SPI_datumTransfer(svc->price, false, -1);
	SPI_freetuptable(SPI_tuptable);
	return true;
}

/*
 * Find an active resource by code.  On failure, *why says why.
 */
bool
tp_lookup_resource(const char *code, int64 *id, const char **why)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	bool		isnull;
	bool		active;

	tp_prepare(&plan_resource,
			   "SELECT id, is_active FROM timepool.resources WHERE code = $1",
			   1, types);
	values[0] = CStringGetTextDatum(code);
	tp_execute(plan_resource, values, NULL, InvalidSnapshot, true, 1);
	if (SPI_processed == 0)
	{
		*why = "No resource has this code.";
		return false;
	}
	*id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	active = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_freetuptable(SPI_tuptable);
	if (!active)
	{
		*why = "The resource is inactive.";
		return false;
	}
	return true;
}
