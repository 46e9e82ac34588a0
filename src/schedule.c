/*-------------------------------------------------------------------------
 *
 * schedule.c
 *	  The pools of a date: the weekly schedule, replaced by the overrides
 *	  that apply; the reservations that hold time in them (a direct scan of
 *	  the pool index); services and resources by code, and the daily cap.
 *
 *	  Override precedence for a pool, highest first: a row for this resource
 *	  and this period; a row for this resource and the whole day; a row for
 *	  every resource and this period; a row for every resource and the whole
 *	  day.  A resource's own closure is never reopened by a clinic-wide row.
 *	  A row may cover a range of dates (1.6, end_date): then the one of
 *	  fewer dates goes first, and a clinic-wide closure of fewer dates
 *	  closes a resource's longer opening range (tp_best_override).
 *
 * IDENTIFICATION
 *	  src/schedule.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "access/xact.h"
#include "access/genam.h"
#include "miscadmin.h"
#include "access/relscan.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/visibilitymap.h"
#include "storage/bufmgr.h"
#include "storage/predicate.h"
#include "access/itup.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/datetime.h"
#include "utils/snapmgr.h"


/* whether an override applies to a pool of the resource and period */
static bool
tp_override_applies(const TpOverride *o, int64 resource_id, const char *period)
{
	if (o->resource_id != 0 && o->resource_id != resource_id)
		return false;
	return o->whole_day || strcmp(o->period, period) == 0;
}

/*
 * Of two rows of the same kind (both the resource's, or both every
 * resource's) that apply to a pool, whether a goes before b: the one of
 * fewer dates (a date's own row over a range's, a week's over a month's),
 * then one for the period over one for the whole day, then the one that
 * starts later.
 */
static bool
tp_override_before(const TpOverride *a, const TpOverride *b)
{
	int			sa = a->until - a->date;
	int			sb = b->until - b->date;

	if (sa != sb)
		return sa < sb;
	if (a->whole_day != b->whole_day)
		return !a->whole_day;
	return a->date > b->date;
}

/*
 * The override that applies to a pool; with open_only, the best one that
 * opens it.  The best of the resource's own rows and the best of the
 * clinic-wide ones (tp_override_before), then between those two: the
 * resource's row wins, but for a clinic-wide closure of fewer dates than a
 * resource's opening row (a clinic closed for a week closes a doctor whose
 * hours are set for the season).  So a resource's own closure is never
 * reopened by a clinic-wide row; on one date (both rows of one date) a row
 * for the resource and the period wins over one for the resource's whole
 * day, over one for every resource's period, over one for every resource's
 * whole day, as before ranges; and a vacation closes the days of a longer
 * range of special hours.
 */
static const TpOverride *
tp_best_override(const TpOverride *ovr, int novr, int64 resource_id,
				 const char *period, bool open_only)
{
	const TpOverride *mine = NULL;
	const TpOverride *all = NULL;
	int			i;

	for (i = 0; i < novr; i++)
	{
		const TpOverride *o = &ovr[i];
		const TpOverride **best = o->resource_id != 0 ? &mine : &all;

		if (!tp_override_applies(o, resource_id, period) || (open_only && o->closed))
			continue;
		if (*best == NULL || tp_override_before(o, *best))
			*best = o;
	}
	if (mine == NULL)
		return all;
	if (all == NULL || mine->closed)
		return mine;
	if (all->closed && all->until - all->date < mine->until - mine->date)
		return all;
	return mine;
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
 * Load the pools of date for one resource (resource_id != 0, active or not)
 * or for every active resource, of the location location_id or (0) of
 * every location, ordered by resource code.  Returns the
 * number of resources; *out points to an array allocated in the current
 * context.  The schedule comes from the cache: the latest committed state.
 */
int
tp_load_day(DateADT date, int64 resource_id, int64 location_id, TpResourceDay **out)
{
	TpCache    *cache = tp_cache_get();
	int			dow = j2day(date + POSTGRES_EPOCH_JDATE);
	int			nres = 0;
	int			novr = 0;
	int			first_ovr = 0;
	int			lo,
				hi,
				i,
				j;
	TpResourceDay *days;
	TpCachedResource **mine;
	TpOverride *ovr;

	days = palloc0(sizeof(TpResourceDay) * Max(cache->nresources, 1));
	mine = palloc(sizeof(TpCachedResource *) * Max(cache->nresources, 1));
	for (i = 0; i < cache->nresources; i++)
	{
		TpCachedResource *r = &cache->resources[i];

		if (resource_id != 0 ? r->id != resource_id :
			(!r->active || (location_id != 0 && r->location_id != location_id) ||
			 !tp_sees_location(r->location_id)))
			continue;
		days[nres].resource_id = r->id;
		strlcpy(days[nres].code, r->code, TP_CODE_MAXLEN + 1);
		days[nres].location_id = r->location_id;
		days[nres].max_concurrent = r->max_concurrent;
		mine[nres] = r;
		nres++;
	}
	*out = days;
	if (nres == 0)
		return 0;

	/* the overrides of the date: a binary search in the date-ordered array */
	lo = 0;
	hi = cache->noverrides;
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (cache->overrides[mid].date < date)
			lo = mid + 1;
		else
			hi = mid;
	}
	first_ovr = lo;
	while (first_ovr + novr < cache->noverrides &&
		   cache->overrides[first_ovr + novr].date == date)
		novr++;
	/* and the ranges that cover it (by first date: those after it do not) */
	ovr = palloc(sizeof(TpOverride) * (novr + cache->nranges + 1));
	if (novr > 0)
		memcpy(ovr, &cache->overrides[first_ovr], sizeof(TpOverride) * novr);
	for (i = 0; i < cache->nranges && cache->ranges[i].date <= date; i++)
		if (cache->ranges[i].until >= date)
			ovr[novr++] = cache->ranges[i];

	for (i = 0; i < nres; i++)
	{
		TpResourceDay *day = &days[i];
		TpCachedSlot *weekly = &cache->slots[mine[i]->slot_first];
		int			nweekly = mine[i]->nslots;
		int			np = 0;

		CHECK_FOR_INTERRUPTS();
		day->pools = palloc0(sizeof(TpPool) * Max(nweekly + novr, 1));

		/* weekly pools, each replaced by the override that applies */
		for (j = 0; j < nweekly; j++)
		{
			TpCachedSlot *s = &weekly[j];
			TpPool	   *p;
			const TpOverride *o;

			if (s->dow != dow || date < s->from || date > s->until)
				continue;
			p = &day->pools[np++];
			strlcpy(p->period, s->period, TP_CODE_MAXLEN + 1);
			p->start_min = s->start_min;
			p->end_min = s->end_min;
			p->capacity = s->capacity;
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

			CHECK_FOR_INTERRUPTS();
			if (o->whole_day || o->closed ||
				(o->resource_id != 0 && o->resource_id != day->resource_id))
				continue;
			/* a period listed already, the weekly one's or an earlier row's */
			for (k = 0; k < np && !seen; k++)
				if (strcmp(day->pools[k].period, o->period) == 0)
					seen = true;
			if (seen)
				continue;
			/* the period once, from its best opening row (o or another) */
			o = tp_best_override(ovr, novr, day->resource_id, o->period, true);
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
	return nres;
}

/*
 * The pool a row from minute to end goes to when it names none: the
 * earliest-starting open pool whose window holds [minute, end) (an
 * override may make two windows overlap), else the earliest-starting one
 * that contains the minute (the guard then says why it does not fit), or
 * NULL.
 */
TpPool *
tp_find_pool_for(TpResourceDay *day, int minute, int end)
{
	int			i;

	for (i = 0; i < day->npools; i++)
	{
		TpPool	   *p = &day->pools[i];

		if (!p->closed && p->start_min <= minute && end <= p->end_min)
			return p;
	}
	return tp_find_pool_at(day, minute);
}

/* The earliest-starting pool whose window contains the minute, or NULL. */
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

/* what a holding status says of the minutes (the reports' split) */
static TpRowKind
tp_row_kind(text *t)
{
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);

	if (len == 9 && memcmp(s, "COMPLETED", 9) == 0)
		return TP_ROW_COMPLETED;
	if (len == 7 && memcmp(s, "NO_SHOW", 7) == 0)
		return TP_ROW_NO_SHOW;
	if (len == 4 && memcmp(s, "HELD", 4) == 0)
		return TP_ROW_HELD;
	return TP_ROW_OPEN;
}

/* whether a status datum holds time (tp_status_holds) */
static bool
tp_status_datum_holds(Datum d)
{
	text	   *t = DatumGetTextPP(d);

	return tp_status_holds(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/*
 * Call fn for every reservation holding time on the dates from to to (for
 * one resource and period when given), as the snapshot sees them, in the
 * index's order: by date, then resource.  A direct scan of the pool index,
 * timepool.reservations_pool_idx: this runs on every availability() and
 * every booking, where a query's start-up costs more than the scan, and
 * once for the whole range of open_slots().  From 1.3 the index carries
 * each row's window too.
 */
void
tp_scan_booked(DateADT from, DateADT to, int64 resource_id, const char *period,
			   Snapshot snapshot, TpWantFn want, TpBookedFn fn, void *arg)
{
	TpCache    *cache = tp_cache_get();
	Oid			relid = cache->reservations;
	Oid			idxid = cache->pool_index;
	AttrNumber	a_date = cache->att_date;
	AttrNumber	a_res = cache->att_resource;
	AttrNumber	a_period = cache->att_period;
	AttrNumber	a_req = cache->att_required;
	AttrNumber	a_status = cache->att_status;
	AttrNumber	a_start = cache->att_start;
	AttrNumber	a_end = cache->att_end;
	AttrNumber	a_expires = cache->att_expires;
	bool		windows;
	bool		holds = cache->has_holds;
	bool		statuses;
	int			natts = holds ? 7 : cache->has_clock ? 6 : 4;
	TimestampTz hold_now = holds ? tp_hold_clock(false) : 0;
	Relation	rel;
	Relation	idx;
	ScanKeyData keys[4];
	int			nkeys = 0;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ItemPointer tid;
	Buffer		vmbuffer = InvalidBuffer;
	int2vector *ik;

	if (!OidIsValid(relid) || !OidIsValid(idxid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("index \"timepool.reservations_pool_idx\" does not exist"),
				 errhint("Every capacity decision reads it: recreate it as in the extension's install script.")));
	rel = table_open(relid, AccessShareLock);
	idx = index_open(idxid, AccessShareLock);
	ik = &idx->rd_index->indkey;
	/* the window columns: from 1.3, which decides on the clock too */
	windows = idx->rd_index->indnatts >= 6;
	/* the status: from 1.5, for the reports */
	statuses = holds && idx->rd_index->indnatts == 8;
	if (statuses)
		natts = 8;

	/* the scan reads the index's columns by position: check them */
	if (a_date <= 0 || a_res <= 0 || a_period <= 0 || a_req <= 0 || a_status <= 0 ||
		idx->rd_index->indrelid != relid ||
		idx->rd_index->indnatts != natts ||
		idx->rd_index->indnkeyatts != 3 ||
		ik->values[0] != a_date || ik->values[1] != a_res ||
		ik->values[2] != a_period || ik->values[3] != a_req ||
		(windows && (a_start <= 0 || a_end <= 0 ||
					 ik->values[4] != a_start || ik->values[5] != a_end)) ||
		(holds && (a_expires <= 0 || ik->values[6] != a_expires)) ||
		(statuses && ik->values[7] != a_status) ||
		idx->rd_rel->relam != BTREE_AM_OID)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("index \"timepool.reservations_pool_idx\" does not have the definition timepool needs"),
				 holds ?
				 errdetail("It must be a btree on (reservation_date, resource_id, period) INCLUDE (required_minutes, start_time, end_time, hold_expires_at, status).") :
				 cache->has_clock ?
				 errdetail("It must be a btree on (reservation_date, resource_id, period) INCLUDE (required_minutes, start_time, end_time).") :
				 errdetail("It must be a btree on (reservation_date, resource_id, period) INCLUDE (required_minutes)."),
				 errhint("Recreate it as in the extension's install script.")));

	if (from == to)
		ScanKeyInit(&keys[nkeys++], 1, BTEqualStrategyNumber, F_DATE_EQ, DateADTGetDatum(from));
	else
	{
		ScanKeyInit(&keys[nkeys++], 1, BTGreaterEqualStrategyNumber, F_DATE_GE, DateADTGetDatum(from));
		ScanKeyInit(&keys[nkeys++], 1, BTLessEqualStrategyNumber, F_DATE_LE, DateADTGetDatum(to));
	}
	if (resource_id != 0)
		ScanKeyInit(&keys[nkeys++], 2, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(resource_id));
	if (period != NULL)
	{
		ScanKeyInit(&keys[nkeys], 3, BTEqualStrategyNumber, F_TEXTEQ, CStringGetTextDatum(period));
		keys[nkeys].sk_collation = idx->rd_indcollation[2];
		nkeys++;
	}

	/*
	 * An index-only scan where the visibility map allows, as PostgreSQL's
	 * IndexOnlyScan does: the pool index includes what a decision reads, and
	 * its predicate keeps only rows whose status holds time (a status change
	 * is never a HOT update, so an entry's values are those of the row).
	 */
	slot = table_slot_create(rel, NULL);
	scan = index_beginscan(rel, idx, snapshot, nkeys, 0);
	scan->xs_want_itup = true;
	index_rescan(scan, keys, nkeys, NULL, 0);
	while ((tid = index_getnext_tid(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		Datum		d;
		TpBooking	b;
		Datum		iv[8];
		bool		in[8];
		text	   *pt;
		int			len;

		/* the entry's values, in one pass, as IndexOnlyScan's StoreIndexTuple */
		index_deform_tuple(scan->xs_itup, scan->xs_itupdesc, iv, in);
		b.date = DatumGetDateADT(iv[0]);
		b.resource_id = DatumGetInt64(iv[1]);
		pt = DatumGetTextPP(iv[2]);
		len = Min((int) VARSIZE_ANY_EXHDR(pt), TP_CODE_MAXLEN);
		memcpy(b.period, VARDATA_ANY(pt), len);
		b.period[len] = '\0';
		b.required = DatumGetInt32(iv[3]);
		b.start_min = windows ? (int) (DatumGetTimeADT(iv[4]) / USECS_PER_MINUTE) : -1;
		b.end_min = windows ? (int) (DatumGetTimeADT(iv[5]) / USECS_PER_MINUTE) : -1;
		b.kind = statuses && !in[7] ? tp_row_kind(DatumGetTextPP(iv[7])) : TP_ROW_UNKNOWN;

		/*
		 * A hold past its expiry holds nothing (tp_hold_live()): only holds
		 * have an expiry in the index, as its predicate keeps no EXPIRED row.
		 */
		if (holds && !in[6] && !tp_hold_live(DatumGetTimestampTz(iv[6]), hold_now))
			continue;

		/*
		 * An entry the caller has no use for is passed over before its row's
		 * visibility is looked at: no read of the row, and under SERIALIZABLE
		 * no conflict with the transaction that wrote it.
		 */
		if (want != NULL && !want(arg, &b))
			continue;
		if (VM_ALL_VISIBLE(rel, ItemPointerGetBlockNumber(tid), &vmbuffer))
		{
			/* as if the heap had been read */
			PredicateLockPage(rel, ItemPointerGetBlockNumber(tid), snapshot);
		}
		else
		{
			/*
			 * The entry's values are its row version's (a change of status,
			 * window, pool or minutes is never a HOT update): the row is read
			 * for its visibility and its status only.
			 */
			if (!index_fetch_heap(scan, slot))
				continue;
			d = slot_getattr(slot, a_status, &isnull);
			if (isnull || !tp_status_datum_holds(d))
				continue;
			b.kind = tp_row_kind(DatumGetTextPP(d));
		}
		fn(arg, &b);
	}
	if (vmbuffer != InvalidBuffer)
		ReleaseBuffer(vmbuffer);
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(idx, AccessShareLock);
	table_close(rel, AccessShareLock);
}

/*
 * Find a bookable service by code.  On failure, *why says why.  The result
 * is copied out of the cache.
 */
bool
tp_lookup_service(const char *code, TpService *svc, const char **why)
{
	TpCache    *cache = tp_cache_get();
	TpCachedService *found = NULL;
	int			i;

	for (i = 0; i < cache->nservices; i++)
		if (strcmp(cache->services[i].code, code) == 0)
		{
			found = &cache->services[i];	/* the live row sorts first */
			break;
		}
	if (found == NULL)
	{
		*why = "No service has this code.";
		return false;
	}
	if (found->deleted)
	{
		*why = "The service was deleted.";
		return false;
	}
	if (!found->active)
	{
		*why = "The service is inactive.";
		return false;
	}
	svc->id = found->id;
	strlcpy(svc->code, found->code, TP_CODE_MAXLEN + 1);
	svc->name = pstrdup(found->name);
	svc->duration = found->duration;
	svc->buffer = found->buffer;
	svc->required = found->duration + found->buffer;
	svc->price_isnull = found->price_isnull;
	svc->price = found->price_isnull ? (Datum) 0 : datumCopy(found->price, false, -1);
	svc->notice = found->notice;
	svc->advance = found->advance;
	svc->daily_cap = found->daily_cap;
	svc->cancel_notice = found->cancel_notice;
	svc->visible = found->visible;
	svc->fixed_required = 0;
	return true;
}

/*
 * The service with this id, deleted or not, for the guard's daily cap.
 * False if there is none.  Only the code and the policy are filled in.
 */
bool
tp_lookup_service_by_id(int64 id, TpService *svc)
{
	TpCache    *cache = tp_cache_get();
	int			i;

	for (i = 0; i < cache->nservices; i++)
		if (cache->services[i].id == id)
		{
			TpCachedService *found = &cache->services[i];

			memset(svc, 0, sizeof(*svc));
			svc->id = found->id;
			strlcpy(svc->code, found->code, TP_CODE_MAXLEN + 1);
			svc->notice = found->notice;
			svc->advance = found->advance;
			svc->daily_cap = found->daily_cap;
			svc->cancel_notice = found->cancel_notice;
			svc->visible = found->visible;
			return true;
		}
	return false;
}

static SPIPlanPtr plan_service_day = NULL;
static SPIPlanPtr plan_service_day_14 = NULL;

static void
tp_sum_service_day(int64 service_id, DateADT date, Snapshot snapshot,
				   int64 *minutes, int64 *count)
{
	Oid			types[3] = {INT8OID, DATEOID, TIMESTAMPTZOID};
	Datum		values[3];
	bool		isnull;
	SPIPlanPtr	plan;

	if (tp_cache_get()->has_holds)
		plan = tp_prepare(&plan_service_day_14,
						  "SELECT coalesce(sum(required_minutes), 0)::bigint, count(*)"
						  " FROM timepool.reservations"
						  " WHERE service_id = $1 AND reservation_date = $2"
						  " AND " TP_HOLDS_TIME_SQL
						  " AND (hold_expires_at IS NULL OR hold_expires_at > $3)",
						  3, types);
	else
		plan = tp_prepare(&plan_service_day,
						  "SELECT coalesce(sum(required_minutes), 0)::bigint, count(*)"
						  " FROM timepool.reservations"
						  " WHERE service_id = $1 AND reservation_date = $2"
						  " AND " TP_HOLDS_TIME_SQL,
						  2, types);
	values[0] = Int64GetDatum(service_id);
	values[1] = DateADTGetDatum(date);
	values[2] = TimestampTzGetDatum(tp_hold_clock(false));
	tp_execute(plan, values, NULL, snapshot, true, 1);
	*minutes = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	*count = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_freetuptable(SPI_tuptable);
}

/*
 * Minutes and reservations of one service on a date, across resources.
 * With locked = true the caller holds the service-day lock: the count is
 * taken from the latest committed state and this transaction's own rows,
 * and under REPEATABLE READ or SERIALIZABLE a count that the transaction's
 * snapshot sees otherwise is a serialization failure, as for a pool.
 */
void
tp_service_day_booked(const TpService *svc, DateADT date, bool locked,
					  int64 *minutes, int64 *count)
{
	int64		service_id = svc->id;

	Snapshot	snap;

	if (!locked)
	{
		tp_sum_service_day(service_id, date, InvalidSnapshot, minutes, count);
		return;
	}
	CommandCounterIncrement();
	snap = RegisterSnapshot(GetLatestSnapshot());
	tp_sum_service_day(service_id, date, snap, minutes, count);
	UnregisterSnapshot(snap);
	if (IsolationUsesXactSnapshot())
	{
		int64		snap_minutes,
					snap_count;

		snap = RegisterSnapshot(GetTransactionSnapshot());
		snap->curcid = GetCurrentCommandId(false);
		tp_sum_service_day(service_id, date, snap, &snap_minutes, &snap_count);
		UnregisterSnapshot(snap);
		if (snap_minutes != *minutes || snap_count != *count)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("could not serialize access due to a concurrent booking"),
					 errdetail("Another transaction booked %s on %s after this transaction's snapshot was taken.",
							   svc->code, tp_date_str(date)),
					 errhint("Retry the transaction.")));
	}
}

/*
 * Refuse (TP006) a booking of required minutes of svc on date when the
 * minutes already booked (booked_before, the new booking not included)
 * leave no room under the service's daily cap.
 */
void
tp_check_daily_cap(const TpService *svc, DateADT date, int required, int64 booked_before)
{
	if (svc->daily_cap == TP_NO_CAP || booked_before + required <= svc->daily_cap)
		return;
	/*
	 * the cap is the group's (the catalogue is): a location's staff are not
	 * told the minutes the other locations booked
	 */
	if (!tp_sees_every_location())
		ereport(ERROR,
				(errcode(ERRCODE_TP_DAILY_CAP),
				 errmsg("daily cap of %s reached on %s", svc->code, tp_date_str(date)),
				 errdetail("%s is capped at %d minutes a day in the whole group.", svc->code, svc->daily_cap),
				 errhint("Choose another date.")));
	ereport(ERROR,
			(errcode(ERRCODE_TP_DAILY_CAP),
			 errmsg("daily cap of %s reached on %s", svc->code, tp_date_str(date)),
			 errdetail("%s is capped at %d minutes a day; " INT64_FORMAT " are booked and this booking needs %d.",
					   svc->code, svc->daily_cap, booked_before, required),
			 errhint("Choose another date.")));
}

/*
 * Find an active resource by code.  On failure, *why says why.
 */
bool
tp_lookup_resource(const char *code, int64 *id, const char **why)
{
	TpCachedResource *r = tp_resource_by_code(code);

	if (r == NULL)
	{
		*why = "No resource has this code.";
		return false;
	}
	if (!r->active)
	{
		*why = "The resource is inactive.";
		return false;
	}
	*id = r->id;
	return true;
}

/* Whether the resource with this id is active. */
bool
tp_resource_active(int64 id)
{
	TpCache    *cache = tp_cache_get();
	int			i;

	for (i = 0; i < cache->nresources; i++)
		if (cache->resources[i].id == id)
			return cache->resources[i].active;
	return false;
}

/*
 * The cached resource with this code, active or not, or NULL (also when it
 * is at a location the session's role does not see: every call that names
 * a resource finds it here).
 */
TpCachedResource *
tp_resource_by_code(const char *code)
{
	TpCache    *cache = tp_cache_get();
	int			i;

	for (i = 0; i < cache->nresources; i++)
		if (strcmp(cache->resources[i].code, code) == 0)
			return tp_sees_location(cache->resources[i].location_id) ? &cache->resources[i] : NULL;
	return NULL;
}
