/*-------------------------------------------------------------------------
 *
 * cache.c
 *	  A per-backend cache of the small tables every decision reads:
 *	  resources, services, the weekly schedule, the overrides, the
 *	  settings (from version 1.1), who performs what (from 1.3) and the
 *	  locations (from 1.7); and the
 *	  identity of the reservations table and its pool index.
 *
 *	  The cache is built from the latest committed state (plus this
 *	  transaction's own changes) and dropped whenever one of those tables
 *	  changes: a statement-level trigger on each of them calls
 *	  timepool.invalidate_cache(), which queues a relcache invalidation of the
 *	  table; every backend receives it (this one at the next command, the
 *	  others when the change commits) and the relcache callback below marks
 *	  the cache stale.  An aborted change is flushed locally as well.
 *
 *	  The callback may run in the middle of a query, so it only marks the
 *	  cache stale; memory is released at the next rebuild.  Callers copy what
 *	  they need out of the cache before running any other query.
 *
 * IDENTIFICATION
 *	  src/cache.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "access/table.h"
#include "nodes/makefuncs.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/rel.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/datum.h"
#include "storage/sinval.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(tp_invalidate_cache);

static MemoryContext tp_cache_cxt = NULL;
static TpCache tp_cache;
static bool tp_cache_valid = false;
static uint64 tp_cache_generation = 0;
static Oid	tp_cache_rels[10];

static SPIPlanPtr plan_c_resources = NULL;
static SPIPlanPtr plan_c_resources_17 = NULL;
static SPIPlanPtr plan_c_locations = NULL;
static SPIPlanPtr plan_c_resources_12 = NULL;
static SPIPlanPtr plan_c_skills = NULL;
static SPIPlanPtr plan_c_slots = NULL;
static SPIPlanPtr plan_c_overrides = NULL;
static SPIPlanPtr plan_c_overrides_16 = NULL;
static SPIPlanPtr plan_c_services = NULL;
static SPIPlanPtr plan_c_services_10 = NULL;
static SPIPlanPtr plan_c_settings = NULL;
static SPIPlanPtr plan_c_settings_14 = NULL;
static SPIPlanPtr plan_c_services_14 = NULL;
static SPIPlanPtr plan_c_staff = NULL;

/*
 * The cache can only be kept across calls while every cached table's
 * invalidate_cache trigger fires in every session (ENABLE ALWAYS): one
 * that is disabled or ordinary (a session with session_replication_role =
 * replica then changes the table unannounced) makes the cache good for one
 * decision only.  timepool.keep_triggers() puts ordinary ones back to ALWAYS.
 */
static bool tp_cache_untrusted = false;

#define TP_SERVICES_QUERY \
	"SELECT id, code, name, duration_minutes, buffer_minutes, price, is_active," \
	" deleted_at IS NOT NULL, is_visible%s" \
	" FROM timepool.services" \
	" ORDER BY code COLLATE \"C\", deleted_at IS NOT NULL, deleted_at DESC"

static void
tp_cache_callback(Datum arg, Oid relid)
{
	int			i;

	(void) arg;
	if (!tp_cache_valid)
	{
		tp_cache_generation++;
		return;
	}
	for (i = 0; i < (int) lengthof(tp_cache_rels); i++)
		if (relid == InvalidOid || relid == tp_cache_rels[i])
		{
			tp_cache_valid = false;
			tp_cache_generation++;
			return;
		}
}

void
tp_cache_init(void)
{
	CacheRegisterRelcacheCallback(tp_cache_callback, (Datum) 0);
}

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

/* Run a cache query against the latest committed state. */
static void
tp_cache_query(SPIPlanPtr *plan, const char *sql)
{
	tp_prepare(plan, sql, 0, NULL);
	tp_execute(*plan, NULL, NULL, GetLatestSnapshot(), true, 0);
}

static void
tp_cache_load(MemoryContext cxt)
{
	MemoryContext old;
	SPITupleTable *tab;
	int			n,
				i,
				j;
	bool		isnull;
	Oid			nsp = get_namespace_oid("timepool", false);

	tp_cache_rels[0] = get_relname_relid("resources", nsp);
	tp_cache_rels[1] = get_relname_relid("services", nsp);
	tp_cache_rels[2] = get_relname_relid("clinic_time_slots", nsp);
	tp_cache_rels[3] = get_relname_relid("schedule_overrides", nsp);
	tp_cache_rels[4] = tp_cache.reservations = get_relname_relid("reservations", nsp);
	tp_cache_rels[5] = tp_cache.pool_index = get_relname_relid("reservations_pool_idx", nsp);
	tp_cache.att_date = get_attnum(tp_cache.reservations, "reservation_date");
	tp_cache.att_resource = get_attnum(tp_cache.reservations, "resource_id");
	tp_cache.att_period = get_attnum(tp_cache.reservations, "period");
	tp_cache.att_required = get_attnum(tp_cache.reservations, "required_minutes");
	tp_cache.att_status = get_attnum(tp_cache.reservations, "status");
	tp_cache.att_start = get_attnum(tp_cache.reservations, "start_time");
	tp_cache.att_end = get_attnum(tp_cache.reservations, "end_time");
	tp_cache.att_expires = get_attnum(tp_cache.reservations, "hold_expires_at");
	if (tp_cache.att_expires == InvalidAttrNumber)
		tp_cache.att_expires = 0;
	/* from now on tp_cache_sync() orders this cache after schedule commits */
	tp_note_cache_loaded();

	/* version 1.1 added the settings; a database at 1.0 keeps 1.0's rules */
	tp_cache_rels[6] = get_relname_relid("settings", nsp);
	tp_cache.has_policy = OidIsValid(tp_cache_rels[6]);

	/* version 1.3 added the clock limit and who performs what */
	tp_cache_rels[7] = get_relname_relid("resource_services", nsp);
	tp_cache.has_clock = OidIsValid(tp_cache_rels[7]) &&
		get_attnum(tp_cache_rels[0], "max_concurrent") != InvalidAttrNumber;

	/*
	 * version 1.4 added holds (the pool index then carries their expiry) and
	 * the online settings
	 */
	tp_cache.has_holds = tp_cache.has_clock && tp_cache.att_expires > 0;

	/* version 1.7 added the locations, each resource in one */
	tp_cache_rels[8] = get_relname_relid("locations", nsp);
	tp_cache.has_locations = tp_cache.has_holds && OidIsValid(tp_cache_rels[8]) &&
		get_attnum(tp_cache_rels[0], "location_id") != InvalidAttrNumber;
	/* and who is a location's staff */
	tp_cache_rels[9] = tp_cache.has_locations ? get_relname_relid("location_staff", nsp) : InvalidOid;

	/*
	 * Does every cached table's invalidation trigger fire in every session?
	 * Read from the relcache, which an ALTER TABLE ... TRIGGER invalidates
	 * (and with it this cache).
	 */
	{
		static const int cached[] = {0, 1, 2, 3, 6, 7, 8, 9};
		int			k;

		tp_cache_untrusted = false;
		for (k = 0; k < (int) lengthof(cached); k++)
		{
			Oid			relid = tp_cache_rels[cached[k]];
			Relation	rel;
			bool		always = false;

			if (!OidIsValid(relid))
			{
				/*
				 * settings: only from 1.1 on; resource_services from 1.3,
				 * locations and location_staff from 1.7
				 */
				if (cached[k] >= 6)
					continue;
				tp_cache_untrusted = true;
				break;
			}
			rel = table_open(relid, AccessShareLock);
			if (rel->trigdesc != NULL)
			{
				int			t;

				for (t = 0; t < rel->trigdesc->numtriggers; t++)
				{
					Trigger    *tg = &rel->trigdesc->triggers[t];
					const char *name = tg->tgname;
					size_t		len = strlen(name);

					if (len > 17 && strcmp(name + len - 17, "_invalidate_cache") == 0 &&
						tg->tgenabled == TRIGGER_FIRES_ALWAYS)
						always = true;
				}
			}
			table_close(rel, AccessShareLock);
			if (!always)
			{
				tp_cache_untrusted = true;
				break;
			}
		}
	}

	/* before 1.2, delete_service() takes the service's lock from SQL */
	{
		Oid			argtypes[1] = {INT8OID};

		tp_cache.legacy_service_lock =
			!OidIsValid(LookupFuncName(list_make2(makeString("timepool"),
												  makeString("lock_service")),
									   1, argtypes, true));
	}

	if (tp_cache.has_locations)
		tp_cache_query(&plan_c_resources_17,
					   "SELECT id, code, is_active, max_concurrent, location_id"
					   " FROM timepool.resources ORDER BY code COLLATE \"C\"");
	else if (tp_cache.has_clock)
		tp_cache_query(&plan_c_resources,
					   "SELECT id, code, is_active, max_concurrent"
					   " FROM timepool.resources ORDER BY code COLLATE \"C\"");
	else
		tp_cache_query(&plan_c_resources_12,
					   "SELECT id, code, is_active FROM timepool.resources ORDER BY code COLLATE \"C\"");
	tab = SPI_tuptable;
	n = (int) SPI_processed;
	old = MemoryContextSwitchTo(cxt);
	tp_cache.resources = palloc0(sizeof(TpCachedResource) * Max(n, 1));
	MemoryContextSwitchTo(old);
	for (i = 0; i < n; i++)
	{
		TpCachedResource *r = &tp_cache.resources[i];

		r->id = DatumGetInt64(SPI_getbinval(tab->vals[i], tab->tupdesc, 1, &isnull));
		tp_copy_code(r->code, tab->vals[i], tab->tupdesc, 2);
		r->active = DatumGetBool(SPI_getbinval(tab->vals[i], tab->tupdesc, 3, &isnull));
		r->max_concurrent = TP_NO_LIMIT;
		if (tp_cache.has_clock)
		{
			Datum		d = SPI_getbinval(tab->vals[i], tab->tupdesc, 4, &isnull);

			if (!isnull)
				r->max_concurrent = DatumGetInt32(d);
		}
		if (tp_cache.has_locations)
			r->location_id = DatumGetInt64(SPI_getbinval(tab->vals[i], tab->tupdesc, 5, &isnull));
	}
	tp_cache.nresources = n;
	SPI_freetuptable(tab);

	/*
	 * Who performs what, by resource and service id; each resource's rows are
	 * found through its entry (resources are few, rows per resource fewer
	 * still).
	 */
	if (tp_cache.has_clock)
	{
		TpCachedResource *cr = NULL;

		tp_cache_query(&plan_c_skills,
					   "SELECT resource_id, service_id FROM timepool.resource_services"
					   " ORDER BY resource_id, service_id");
		tab = SPI_tuptable;
		n = (int) SPI_processed;
		old = MemoryContextSwitchTo(cxt);
		tp_cache.skills = palloc0(sizeof(int64) * Max(n, 1));
		MemoryContextSwitchTo(old);
		for (i = 0; i < n; i++)
		{
			int64		res = DatumGetInt64(SPI_getbinval(tab->vals[i], tab->tupdesc, 1, &isnull));
			int			k;

			tp_cache.skills[i] = DatumGetInt64(SPI_getbinval(tab->vals[i], tab->tupdesc, 2, &isnull));
			if (cr == NULL || cr->id != res)
			{
				/* the next resource's rows begin: find its entry */
				cr = NULL;
				for (k = 0; k < tp_cache.nresources; k++)
					if (tp_cache.resources[k].id == res)
						cr = &tp_cache.resources[k];
				if (cr == NULL)
					continue;	/* a row the foreign key keeps from being */
				cr->skill_first = i;
			}
			cr->nskills++;
		}
		tp_cache.nskills = n;
		SPI_freetuptable(tab);
	}

	tp_cache_query(&plan_c_slots,
				   "SELECT resource_id, day_of_week, period, start_time, end_time, capacity_minutes,"
				   " effective_from, effective_until"
				   " FROM timepool.clinic_time_slots WHERE is_active ORDER BY resource_id");
	tab = SPI_tuptable;
	n = (int) SPI_processed;
	old = MemoryContextSwitchTo(cxt);
	tp_cache.slots = palloc0(sizeof(TpCachedSlot) * Max(n, 1));
	MemoryContextSwitchTo(old);
	for (i = 0; i < n; i++)
	{
		TpCachedSlot *s = &tp_cache.slots[i];
		HeapTuple	tup = tab->vals[i];
		Datum		d;

		s->resource_id = DatumGetInt64(SPI_getbinval(tup, tab->tupdesc, 1, &isnull));
		s->dow = DatumGetInt16(SPI_getbinval(tup, tab->tupdesc, 2, &isnull));
		tp_copy_code(s->period, tup, tab->tupdesc, 3);
		s->start_min = tp_minutes(SPI_getbinval(tup, tab->tupdesc, 4, &isnull));
		s->end_min = tp_minutes(SPI_getbinval(tup, tab->tupdesc, 5, &isnull));
		s->capacity = DatumGetInt32(SPI_getbinval(tup, tab->tupdesc, 6, &isnull));
		d = SPI_getbinval(tup, tab->tupdesc, 7, &isnull);
		if (isnull)
			DATE_NOBEGIN(s->from);
		else
			s->from = DatumGetDateADT(d);
		d = SPI_getbinval(tup, tab->tupdesc, 8, &isnull);
		if (isnull)
			DATE_NOEND(s->until);
		else
			s->until = DatumGetDateADT(d);
	}
	tp_cache.nslots = n;
	/* each resource's weekly rows, found through its entry as its skills */
	for (i = 0; i < n; i = j)
	{
		int			k;

		for (j = i + 1; j < n && tp_cache.slots[j].resource_id == tp_cache.slots[i].resource_id; j++)
			;
		for (k = 0; k < tp_cache.nresources; k++)
			if (tp_cache.resources[k].id == tp_cache.slots[i].resource_id)
			{
				tp_cache.resources[k].slot_first = i;
				tp_cache.resources[k].nslots = j - i;
			}
	}
	SPI_freetuptable(tab);

	/*
	 * The overrides: those of one date and (1.6, end_date) those of a range
	 * of dates apart, each by its first date, for tp_load_day().
	 */
	if (get_attnum(tp_cache_rels[3], "end_date") != InvalidAttrNumber)
		tp_cache_query(&plan_c_overrides_16,
					   "SELECT date, resource_id, period, is_closed, start_time, end_time, capacity_minutes,"
					   " coalesce(end_date, date)"
					   " FROM timepool.schedule_overrides ORDER BY date");
	else
		tp_cache_query(&plan_c_overrides,
					   "SELECT date, resource_id, period, is_closed, start_time, end_time, capacity_minutes, date"
					   " FROM timepool.schedule_overrides ORDER BY date");
	tab = SPI_tuptable;
	n = (int) SPI_processed;
	old = MemoryContextSwitchTo(cxt);
	tp_cache.overrides = palloc0(sizeof(TpOverride) * Max(n, 1));
	tp_cache.ranges = palloc0(sizeof(TpOverride) * Max(n, 1));
	MemoryContextSwitchTo(old);
	tp_cache.noverrides = 0;
	tp_cache.nranges = 0;
	for (i = 0; i < n; i++)
	{
		TpOverride	o;
		HeapTuple	tup = tab->vals[i];
		Datum		d;

		memset(&o, 0, sizeof(o));
		o.date = DatumGetDateADT(SPI_getbinval(tup, tab->tupdesc, 1, &isnull));
		o.until = DatumGetDateADT(SPI_getbinval(tup, tab->tupdesc, 8, &isnull));
		if (isnull || o.until < o.date)
			o.until = o.date;
		d = SPI_getbinval(tup, tab->tupdesc, 2, &isnull);
		o.resource_id = isnull ? 0 : DatumGetInt64(d);
		(void) SPI_getbinval(tup, tab->tupdesc, 3, &isnull);
		o.whole_day = isnull;
		if (!isnull)
			tp_copy_code(o.period, tup, tab->tupdesc, 3);
		o.closed = DatumGetBool(SPI_getbinval(tup, tab->tupdesc, 4, &isnull));
		if (!o.closed)
		{
			o.start_min = tp_minutes(SPI_getbinval(tup, tab->tupdesc, 5, &isnull));
			o.end_min = tp_minutes(SPI_getbinval(tup, tab->tupdesc, 6, &isnull));
			o.capacity = DatumGetInt32(SPI_getbinval(tup, tab->tupdesc, 7, &isnull));
		}
		if (o.until == o.date)
			tp_cache.overrides[tp_cache.noverrides++] = o;
		else
			tp_cache.ranges[tp_cache.nranges++] = o;
	}
	SPI_freetuptable(tab);

	if (tp_cache.has_holds)
		tp_cache_query(&plan_c_services_14,
					   psprintf(TP_SERVICES_QUERY,
								", min_notice_minutes, max_advance_days, daily_cap_minutes"
								", cancel_notice_minutes"));
	else if (tp_cache.has_policy)
		tp_cache_query(&plan_c_services,
					   psprintf(TP_SERVICES_QUERY,
								", min_notice_minutes, max_advance_days, daily_cap_minutes"));
	else
		tp_cache_query(&plan_c_services_10, psprintf(TP_SERVICES_QUERY, ""));
	tab = SPI_tuptable;
	n = (int) SPI_processed;
	old = MemoryContextSwitchTo(cxt);
	tp_cache.services = palloc0(sizeof(TpCachedService) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		TpCachedService *s = &tp_cache.services[i];
		HeapTuple	tup = tab->vals[i];
		Datum		d;
		char	   *name;

		s->id = DatumGetInt64(SPI_getbinval(tup, tab->tupdesc, 1, &isnull));
		tp_copy_code(s->code, tup, tab->tupdesc, 2);
		name = SPI_getvalue(tup, tab->tupdesc, 3);
		s->name = pstrdup(name ? name : "");
		s->duration = DatumGetInt32(SPI_getbinval(tup, tab->tupdesc, 4, &isnull));
		s->buffer = DatumGetInt32(SPI_getbinval(tup, tab->tupdesc, 5, &isnull));
		d = SPI_getbinval(tup, tab->tupdesc, 6, &s->price_isnull);
		s->price = s->price_isnull ? (Datum) 0 : datumCopy(d, false, -1);
		s->active = DatumGetBool(SPI_getbinval(tup, tab->tupdesc, 7, &isnull));
		s->deleted = DatumGetBool(SPI_getbinval(tup, tab->tupdesc, 8, &isnull));
		s->visible = DatumGetBool(SPI_getbinval(tup, tab->tupdesc, 9, &isnull));
		s->notice = s->advance = s->cancel_notice = TP_INHERIT;
		s->daily_cap = TP_NO_CAP;
		if (tp_cache.has_policy)
		{
			d = SPI_getbinval(tup, tab->tupdesc, 10, &isnull);
			if (!isnull)
				s->notice = DatumGetInt32(d);
			d = SPI_getbinval(tup, tab->tupdesc, 11, &isnull);
			if (!isnull)
				s->advance = DatumGetInt32(d);
			d = SPI_getbinval(tup, tab->tupdesc, 12, &isnull);
			if (!isnull)
				s->daily_cap = DatumGetInt32(d);
		}
		if (tp_cache.has_holds)
		{
			d = SPI_getbinval(tup, tab->tupdesc, 13, &isnull);
			if (!isnull)
				s->cancel_notice = DatumGetInt32(d);
		}
	}
	MemoryContextSwitchTo(old);
	tp_cache.nservices = n;
	SPI_freetuptable(tab);

	/*
	 * The clinic's policy: the row of timepool.settings, or its defaults. Of
	 * two rows (a restore with triggers disabled copied one in next to the
	 * one the install made, until timepool.keep_triggers() drops the older),
	 * the newest is in force.
	 */
	tp_cache.group.notice = 0;
	tp_cache.group.advance = 365;
	tp_cache.group.cancel_notice = 0;
	tp_cache.group.online_confirmed = false;
	strlcpy(tp_cache.group.time_zone, "UTC", sizeof(tp_cache.group.time_zone));
	if (tp_cache.has_policy)
	{
		if (tp_cache.has_holds)
			tp_cache_query(&plan_c_settings_14,
						   "SELECT time_zone, min_notice_minutes, max_advance_days,"
						   " cancel_notice_minutes, online_status = 'CONFIRMED'"
						   " FROM timepool.settings"
						   " ORDER BY pg_catalog.age(xmin), ctid DESC LIMIT 1");
		else
			tp_cache_query(&plan_c_settings,
						   "SELECT time_zone, min_notice_minutes, max_advance_days"
						   " FROM timepool.settings"
						   " ORDER BY pg_catalog.age(xmin), ctid DESC LIMIT 1");
		tab = SPI_tuptable;
		if (SPI_processed == 1)
		{
			char	   *tz = SPI_getvalue(tab->vals[0], tab->tupdesc, 1);
			Datum		d;

			if (tz != NULL)
				strlcpy(tp_cache.group.time_zone, tz, sizeof(tp_cache.group.time_zone));
			d = SPI_getbinval(tab->vals[0], tab->tupdesc, 2, &isnull);
			if (!isnull)
				tp_cache.group.notice = DatumGetInt32(d);
			d = SPI_getbinval(tab->vals[0], tab->tupdesc, 3, &isnull);
			if (!isnull)
				tp_cache.group.advance = DatumGetInt32(d);
			if (tp_cache.has_holds)
			{
				d = SPI_getbinval(tab->vals[0], tab->tupdesc, 4, &isnull);
				if (!isnull)
					tp_cache.group.cancel_notice = DatumGetInt32(d);
				d = SPI_getbinval(tab->vals[0], tab->tupdesc, 5, &isnull);
				tp_cache.group.online_confirmed = !isnull && DatumGetBool(d);
			}
		}
		SPI_freetuptable(tab);
	}

	/*
	 * The locations (1.7), each value it leaves NULL the group's; a database
	 * before 1.7 has the group alone, where every resource is.
	 */
	if (tp_cache.has_locations)
	{
		tp_cache_query(&plan_c_locations,
					   "SELECT id, code, time_zone, min_notice_minutes, max_advance_days,"
					   " cancel_notice_minutes, online_status = 'CONFIRMED'"
					   " FROM timepool.locations ORDER BY code COLLATE \"C\"");
		tab = SPI_tuptable;
		n = (int) SPI_processed;
		old = MemoryContextSwitchTo(cxt);
		tp_cache.locations = palloc0(sizeof(TpCachedLocation) * Max(n, 1));
		MemoryContextSwitchTo(old);
		for (i = 0; i < n; i++)
		{
			TpCachedLocation *l = &tp_cache.locations[i];
			HeapTuple	tup = tab->vals[i];
			Datum		d;
			char	   *tz;

			*l = tp_cache.group;
			l->id = DatumGetInt64(SPI_getbinval(tup, tab->tupdesc, 1, &isnull));
			tp_copy_code(l->code, tup, tab->tupdesc, 2);
			tz = SPI_getvalue(tup, tab->tupdesc, 3);
			if (tz != NULL)
				strlcpy(l->time_zone, tz, sizeof(l->time_zone));
			d = SPI_getbinval(tup, tab->tupdesc, 4, &isnull);
			if (!isnull)
				l->notice = DatumGetInt32(d);
			d = SPI_getbinval(tup, tab->tupdesc, 5, &isnull);
			if (!isnull)
				l->advance = DatumGetInt32(d);
			d = SPI_getbinval(tup, tab->tupdesc, 6, &isnull);
			if (!isnull)
				l->cancel_notice = DatumGetInt32(d);
			d = SPI_getbinval(tup, tab->tupdesc, 7, &isnull);
			if (!isnull)
				l->online_confirmed = DatumGetBool(d);
		}
		tp_cache.nlocations = n;
		SPI_freetuptable(tab);
	}

	/* which roles are a location's staff (1.7), for tp_sees_location() */
	if (OidIsValid(tp_cache_rels[9]))
	{
		tp_cache_query(&plan_c_staff,
					   "SELECT role::oid, location_id FROM timepool.location_staff"
					   " ORDER BY role::oid, location_id");
		tab = SPI_tuptable;
		n = (int) SPI_processed;
		old = MemoryContextSwitchTo(cxt);
		tp_cache.staff = palloc0(sizeof(TpCachedStaff) * Max(n, 1));
		MemoryContextSwitchTo(old);
		for (i = 0; i < n; i++)
		{
			tp_cache.staff[i].role = DatumGetObjectId(SPI_getbinval(tab->vals[i], tab->tupdesc, 1, &isnull));
			tp_cache.staff[i].location_id = DatumGetInt64(SPI_getbinval(tab->vals[i], tab->tupdesc, 2, &isnull));
		}
		tp_cache.nstaff = n;
		SPI_freetuptable(tab);
	}
}

/*
 * A location's clock and policy: location_id's, or the group's (0, or a
 * location the cache does not know).  Valid until the cache reloads.
 */
TpCachedLocation *
tp_location(int64 location_id)
{
	TpCache    *cache = tp_cache_get();
	int			i;

	if (location_id != 0)
		for (i = 0; i < cache->nlocations; i++)
			if (cache->locations[i].id == location_id)
				return &cache->locations[i];
	return &cache->group;
}

/* The location of a resource: 0 (the group's) before 1.7 or when unknown. */
int64
tp_resource_location(int64 resource_id)
{
	TpCache    *cache = tp_cache_get();
	int			i;

	for (i = 0; i < cache->nresources; i++)
		if (cache->resources[i].id == resource_id)
			return cache->resources[i].location_id;
	return 0;
}

/*
 * Load the cache as the owner of timepool's schema, whoever calls
 * (tp_owner_scope_begin), so that it holds every row whatever the session's
 * role may see (the tables' row-level security, 1.7: a location's staff
 * would otherwise fill the backend's cache with their rows alone, for every
 * role after them) and whatever it may read, and that a search_path of the
 * caller's never resolves its queries.
 */
static void
tp_cache_load_as_owner(MemoryContext cxt)
{
	TpCommitScope scope;

	tp_owner_scope_begin(&scope);
	tp_cache_load(cxt);
	tp_owner_scope_end(&scope);
}

/*
 * The cache, rebuilt if stale.  The caller must be connected to SPI and
 * must copy what it keeps before its next query or its next call here.
 * A decision calls tp_cache_sync() first (common.c), which takes in the
 * changes other sessions committed, in commit order.
 */
TpCache *
tp_cache_get(void)
{
	int			tries;

	for (tries = 0; !tp_cache_valid; tries++)
	{
		uint64		generation = tp_cache_generation;

		if (tp_cache_cxt == NULL)
			tp_cache_cxt = AllocSetContextCreate(TopMemoryContext, "timepool cache",
												 ALLOCSET_SMALL_SIZES);
		MemoryContextReset(tp_cache_cxt);
		memset(&tp_cache, 0, sizeof(tp_cache));
		tp_cache_load_as_owner(tp_cache_cxt);
		/* an invalidation that arrived while loading means: load again */
		if (generation == tp_cache_generation)
			tp_cache_valid = true;
		else if (tries >= 3)
			break;				/* use this load once; the next call reloads */
	}
	return &tp_cache;
}

/*
 * Take in the invalidations other sessions sent (tp_cache_sync calls this
 * under the schedule lock); a cache that cannot trust its triggers is
 * dropped here, before every decision.
 */
void
tp_cache_accept(void)
{
	AcceptInvalidationMessages();
	if (tp_cache_untrusted)
		tp_cache_valid = false;
}

/*
 * A counter of the invalidations the cache has taken in: equal at two
 * moments, with the cache valid at the second, nothing it holds changed.
 */
uint64
tp_cache_changes(void)
{
	return tp_cache_generation;
}

/* Whether the cache can be read without a reload (and so without SPI). */
bool
tp_cache_is_valid(void)
{
	return tp_cache_valid;
}

/*
 * timepool.invalidate_cache(): statement trigger on the cached tables.
 */
Datum
tp_invalidate_cache(PG_FUNCTION_ARGS)
{
	TriggerData *trig;

	static const char *const tables[] = {
		"resources", "services", "clinic_time_slots", "schedule_overrides", "settings",
		"resource_services", "locations", "location_staff", NULL
	};

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("invalidate_cache() must be called as a trigger")));
	trig = (TriggerData *) fcinfo->context;
	if (!TRIGGER_FIRED_AFTER(trig->tg_event) || !TRIGGER_FIRED_FOR_STATEMENT(trig->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("invalidate_cache() must be fired AFTER each statement")));
	tp_check_trigger_table(trig, "invalidate_cache", tables);
	CacheInvalidateRelcache(trig->tg_relation);
	/* the commit of this change will be ordered before later decisions */
	tp_note_schedule_change();
	return PointerGetDatum(NULL);
}
