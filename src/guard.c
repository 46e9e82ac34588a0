/*-------------------------------------------------------------------------
 *
 * guard.c
 *	  The triggers on timepool.reservations.  They make the capacity rule
 *	  hold for every writer, not only for book_service():
 *
 *	  reservations_before_write (BEFORE INSERT OR UPDATE, per row) fills
 *	  what a plain INSERT may leave out (the service snapshots, end_time,
 *	  period) and keeps updated_at and status_changed_at.
 *
 *	  reservations_guard (AFTER INSERT OR UPDATE OR DELETE, per row) takes
 *	  the pool lock for every write that adds or frees minutes and, when
 *	  minutes are added, checks the schedule and the capacity against the
 *	  latest committed state, all rows of the statement included.
 *
 * IDENTIFICATION
 *	  src/guard.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(tp_reservations_before_write);
PG_FUNCTION_INFO_V1(tp_reservations_guard);

static SPIPlanPtr plan_service_by_id = NULL;

/* Column numbers of timepool.reservations, looked up by name. */
typedef struct TpCols
{
	int			id,
				resource_id,
				service_id,
				service_code,
				service_name,
				duration,
				buffer,
				required,
				price,
				date,
				start_time,
				end_time,
				period,
				status,
				created_at,
				updated_at,
				status_changed_at,
				hold_expires_at;	/* 0 before 1.4 */
} TpCols;

static int
tp_col(TupleDesc desc, const char *name, Oid type)
{
	int			n = SPI_fnumber(desc, name);

	if (n <= 0 || TupleDescAttr(desc, n - 1)->atttypid != type)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("column \"%s\" of timepool.reservations is missing or not of type %s",
						name, format_type_be(type)),
				 errhint("Recreate the table as in the extension's install script.")));
	return n;
}

/*
 * Column numbers of the table the trigger fires on, looked up once per
 * relation and kept while its tuple descriptor stays the same.
 */
static void
tp_cols(Relation rel, TpCols *c)
{
	static Oid	cached_relid = InvalidOid;
	static int	cached_natts = 0;
	static TpCols cached;
	TupleDesc	desc = RelationGetDescr(rel);
	int			natts = desc->natts;

	if (RelationGetRelid(rel) == cached_relid && natts == cached_natts)
	{
		*c = cached;
		return;
	}
	c->id = tp_col(desc, "id", INT8OID);
	c->resource_id = tp_col(desc, "resource_id", INT8OID);
	c->service_id = tp_col(desc, "service_id", INT8OID);
	c->service_code = tp_col(desc, "service_code", TEXTOID);
	c->service_name = tp_col(desc, "service_name", TEXTOID);
	c->duration = tp_col(desc, "duration_minutes", INT4OID);
	c->buffer = tp_col(desc, "buffer_minutes", INT4OID);
	c->required = tp_col(desc, "required_minutes", INT4OID);
	c->price = tp_col(desc, "price", NUMERICOID);
	c->date = tp_col(desc, "reservation_date", DATEOID);
	c->start_time = tp_col(desc, "start_time", TIMEOID);
	c->end_time = tp_col(desc, "end_time", TIMEOID);
	c->period = tp_col(desc, "period", TEXTOID);
	c->status = tp_col(desc, "status", TEXTOID);
	c->created_at = tp_col(desc, "created_at", TIMESTAMPTZOID);
	c->updated_at = tp_col(desc, "updated_at", TIMESTAMPTZOID);
	c->status_changed_at = tp_col(desc, "status_changed_at", TIMESTAMPTZOID);
	c->hold_expires_at = 0;
	if (SPI_fnumber(desc, "hold_expires_at") > 0)
		c->hold_expires_at = tp_col(desc, "hold_expires_at", TIMESTAMPTZOID);
	cached = *c;
	cached_relid = RelationGetRelid(rel);
	cached_natts = natts;
}

/* What a row version holds: its pool, window and minutes. */
typedef struct TpHold
{
	bool		valid;			/* all key columns present */
	bool		holding;		/* status holds time */
	bool		attended;		/* COMPLETED or NO_SHOW */
	bool		hold;			/* HELD, until expires */
	TimestampTz expires;
	char		status[16];
	int64		id;
	int64		resource_id;
	int64		service_id;
	DateADT		date;
	char		period[TP_CODE_MAXLEN + 1];
	int			start_min;
	int			end_min;
	int			required;
} TpHold;

static bool
tp_isnull(HeapTuple tup, TupleDesc desc, int col)
{
	bool		isnull;

	(void) SPI_getbinval(tup, desc, col, &isnull);
	return isnull;
}

/* a text datum into a buffer, cut to its size */
static void
tp_text_to_buf(Datum d, char *buf, int size)
{
	text	   *t = DatumGetTextPP(d);
	int			len = Min((int) VARSIZE_ANY_EXHDR(t), size - 1);

	memcpy(buf, VARDATA_ANY(t), len);
	buf[len] = '\0';
}

static void
tp_read_hold(HeapTuple tup, TupleDesc desc, TpCols *c, TpHold *h)
{
	bool		n_id,
				n_res,
				n_date,
				n_start,
				n_end,
				n_req,
				n_period,
				n_status;
	Datum		d;

	memset(h, 0, sizeof(*h));
	d = SPI_getbinval(tup, desc, c->id, &n_id);
	if (!n_id)
		h->id = DatumGetInt64(d);
	d = SPI_getbinval(tup, desc, c->resource_id, &n_res);
	if (!n_res)
		h->resource_id = DatumGetInt64(d);
	d = SPI_getbinval(tup, desc, c->service_id, &n_id);
	if (!n_id)
		h->service_id = DatumGetInt64(d);
	d = SPI_getbinval(tup, desc, c->date, &n_date);
	if (!n_date)
		h->date = DatumGetDateADT(d);
	d = SPI_getbinval(tup, desc, c->start_time, &n_start);
	if (!n_start)
		h->start_min = (int) (DatumGetTimeADT(d) / USECS_PER_MINUTE);
	d = SPI_getbinval(tup, desc, c->end_time, &n_end);
	if (!n_end)
		h->end_min = (int) (DatumGetTimeADT(d) / USECS_PER_MINUTE);
	d = SPI_getbinval(tup, desc, c->required, &n_req);
	if (!n_req)
		h->required = DatumGetInt32(d);
	d = SPI_getbinval(tup, desc, c->period, &n_period);
	if (!n_period)
		tp_text_to_buf(d, h->period, sizeof(h->period));
	d = SPI_getbinval(tup, desc, c->status, &n_status);
	if (!n_status)
	{
		text	   *status = DatumGetTextPP(d);

		h->holding = tp_status_holds(VARDATA_ANY(status), VARSIZE_ANY_EXHDR(status));
		tp_text_to_buf(d, h->status, sizeof(h->status));
		h->attended = strcmp(h->status, "COMPLETED") == 0 || strcmp(h->status, "NO_SHOW") == 0;
	}
	if (c->hold_expires_at > 0 && strcmp(h->status, "HELD") == 0)
	{
		bool		n_exp;

		d = SPI_getbinval(tup, desc, c->hold_expires_at, &n_exp);
		if (!n_exp)
		{
			h->hold = true;
			h->expires = DatumGetTimestampTz(d);
		}
	}
	h->valid = !(n_res || n_date || n_start || n_end || n_req || n_period || n_status);
}

static bool
tp_same_pool(const TpHold *a, const TpHold *b)
{
	return a->resource_id == b->resource_id && a->date == b->date &&
		strcmp(a->period, b->period) == 0;
}

/*
 * The pools whose figures a write changes, noted for the listeners of
 * NOTIFY timepool_availability (notify.c): those a holding row leaves or
 * enters, and its pool when its minutes, its status or its window change
 * (a window moved frees some start times and takes others).  A hold
 * counts as holding here even past its expiry: its EXPIRED, when noticed,
 * is sent.
 */
static void
tp_note_write(const TpHold *o, const TpHold *h)
{
	bool		old_holds = o->valid && o->holding;
	bool		new_holds = h->valid && h->holding;
	bool		same = old_holds && new_holds && tp_same_pool(o, h);

	if (same && o->required == h->required && strcmp(o->status, h->status) == 0 &&
		o->start_min == h->start_min && o->end_min == h->end_min)
		return;
	if (old_holds)
		tp_note_pool(o->resource_id, o->date, o->period);
	if (new_holds && !same)
		tp_note_pool(h->resource_id, h->date, h->period);
}

/*
 * The range checks that what this trigger computes (required minutes,
 * end_time, period) relies on.  The table's CHECK constraints say the same,
 * but they run after this trigger.
 */
static void
tp_check_ranges(Relation rel, HeapTuple tup, TpCols *c)
{
	TupleDesc	desc = rel->rd_att;
	bool		isnull;
	Datum		d;

	d = SPI_getbinval(tup, desc, c->duration, &isnull);
	if (!isnull && (DatumGetInt32(d) < 1 || DatumGetInt32(d) > TP_MINUTES_PER_DAY))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("new row for relation \"%s\" violates check constraint \"%s\"",
						RelationGetRelationName(rel), "reservations_duration_range"),
				 errdetail("duration_minutes is %d; it must be between 1 and 1440.", DatumGetInt32(d)),
				 errtableconstraint(rel, "reservations_duration_range")));
	d = SPI_getbinval(tup, desc, c->buffer, &isnull);
	if (!isnull && (DatumGetInt32(d) < 0 || DatumGetInt32(d) > TP_MINUTES_PER_DAY))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("new row for relation \"%s\" violates check constraint \"%s\"",
						RelationGetRelationName(rel), "reservations_buffer_range"),
				 errdetail("buffer_minutes is %d; it must be between 0 and 1440.", DatumGetInt32(d)),
				 errtableconstraint(rel, "reservations_buffer_range")));
	d = SPI_getbinval(tup, desc, c->date, &isnull);
	if (!isnull && DATE_NOT_FINITE(DatumGetDateADT(d)))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("new row for relation \"%s\" violates check constraint \"%s\"",
						RelationGetRelationName(rel), "reservations_date_finite"),
				 errdetail("reservation_date must be a finite date."),
				 errtableconstraint(rel, "reservations_date_finite")));
	d = SPI_getbinval(tup, desc, c->required, &isnull);
	if (!isnull && (DatumGetInt32(d) < 1 || DatumGetInt32(d) > 2 * TP_MINUTES_PER_DAY))
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("new row for relation \"%s\" violates check constraint \"%s\"",
						RelationGetRelationName(rel), "reservations_required_sum"),
				 errdetail("required_minutes is %d; it must be duration_minutes + buffer_minutes.",
						   DatumGetInt32(d)),
				 errtableconstraint(rel, "reservations_required_sum")));
}

/*
 * The foreign key error PostgreSQL would raise, raised before the NOT NULL
 * checks that the missing row would otherwise trip first.
 */
static void
tp_missing_key(Relation rel, const char *column, int64 value, const char *table)
{
	char		constraint[NAMEDATALEN];

	snprintf(constraint, sizeof(constraint), "reservations_%s_fkey", column);
	ereport(ERROR,
			(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
			 errmsg("insert or update on table \"%s\" violates foreign key constraint \"%s\"",
					RelationGetRelationName(rel), constraint),
			 errdetail("Key (%s)=(" INT64_FORMAT ") is not present in table \"%s\".",
					   column, value, table),
			 errtableconstraint(rel, constraint)));
}

static TriggerData *
tp_trigger_data(FunctionCallInfo fcinfo, const char *name, bool before)
{
	static const char *const tables[] = {"reservations", NULL};
	TriggerData *trig;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s() must be called as a trigger", name)));
	trig = (TriggerData *) fcinfo->context;
	tp_check_trigger_table(trig, name, tables);
	tp_refuse_restricted();
	if (!TRIGGER_FIRED_FOR_ROW(trig->tg_event) ||
		(before ? !TRIGGER_FIRED_BEFORE(trig->tg_event) : !TRIGGER_FIRED_AFTER(trig->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s() must be fired %s each row", name,
						before ? "BEFORE" : "AFTER")));
	return trig;
}

/*
 * BEFORE INSERT OR UPDATE on timepool.reservations.
 */
Datum
tp_reservations_before_write(PG_FUNCTION_ARGS)
{
	TriggerData *trig = tp_trigger_data(fcinfo, "reservations_before_write", true);
	TupleDesc	desc = trig->tg_relation->rd_att;
	bool		is_insert = TRIGGER_FIRED_BY_INSERT(trig->tg_event);
	HeapTuple	tuple = is_insert ? trig->tg_trigtuple : trig->tg_newtuple;
	HeapTuple	oldtuple = is_insert ? NULL : trig->tg_trigtuple;
	TpCols		c;
	int			cols[8];
	Datum		vals[8];
	bool		nulls[8];
	int			n = 0;
	bool		isnull;
	bool		connected = false;
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	bool		need_end = false;
	bool		need_period = false;
	Datum		d;

	if (!TRIGGER_FIRED_BY_INSERT(trig->tg_event) && !TRIGGER_FIRED_BY_UPDATE(trig->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("reservations_before_write() must be fired on INSERT or UPDATE")));
	tp_cols(trig->tg_relation, &c);

	if (is_insert)
	{
		/* service snapshots a plain INSERT left out */
		d = SPI_getbinval(tuple, desc, c.service_id, &isnull);
		if (!isnull &&
			(tp_isnull(tuple, desc, c.service_code) || tp_isnull(tuple, desc, c.service_name) ||
			 tp_isnull(tuple, desc, c.duration) || tp_isnull(tuple, desc, c.buffer)))
		{
			Oid			types[1] = {INT8OID};
			bool		no_snapshot = tp_isnull(tuple, desc, c.service_code);

			if (SPI_connect() != SPI_OK_CONNECT)
				elog(ERROR, "timepool: SPI_connect failed");
			connected = true;
			tp_prepare(&plan_service_by_id,
					   "SELECT code, name, duration_minutes, buffer_minutes, price"
					   " FROM timepool.services WHERE id = $1",
					   1, types);
			tp_execute(plan_service_by_id, &d, NULL, InvalidSnapshot, true, 1);
			if (SPI_processed == 0)
				tp_missing_key(trig->tg_relation, "service_id", DatumGetInt64(d), "services");
			if (SPI_processed == 1)
			{
				HeapTuple	s = SPI_tuptable->vals[0];
				TupleDesc	sd = SPI_tuptable->tupdesc;
				int			dst[5] = {c.service_code, c.service_name, c.duration, c.buffer, c.price};
				int			i;

				for (i = 0; i < 5; i++)
				{
					Datum		v;
					bool		vnull;

					if (!tp_isnull(tuple, desc, dst[i]))
						continue;
					/* the price is only taken with the rest of the snapshot */
					if (dst[i] == c.price && !no_snapshot)
						continue;
					v = SPI_getbinval(s, sd, i + 1, &vnull);
					if (vnull)
						continue;
					cols[n] = dst[i];
					vals[n] = SPI_datumTransfer(v, TupleDescAttr(sd, i)->attbyval,
												TupleDescAttr(sd, i)->attlen);
					nulls[n] = false;
					n++;
				}
			}
			SPI_freetuptable(SPI_tuptable);
		}
		if (n > 0)
		{
			tuple = heap_modify_tuple_by_cols(tuple, desc, n, cols, vals, nulls);
			n = 0;
		}

		tp_check_ranges(trig->tg_relation, tuple, &c);

		/* required minutes from the snapshot */
		(void) SPI_getbinval(tuple, desc, c.required, &isnull);
		if (isnull)
		{
			bool		n1,
						n2;
			Datum		dur = SPI_getbinval(tuple, desc, c.duration, &n1);
			Datum		buf = SPI_getbinval(tuple, desc, c.buffer, &n2);

			if (!n1 && !n2)
			{
				cols[n] = c.required;
				vals[n] = Int32GetDatum(DatumGetInt32(dur) + DatumGetInt32(buf));
				nulls[n] = false;
				tuple = heap_modify_tuple_by_cols(tuple, desc, 1, cols, vals, nulls);
			}
		}
		(void) SPI_getbinval(tuple, desc, c.end_time, &isnull);
		need_end = isnull;
		(void) SPI_getbinval(tuple, desc, c.period, &isnull);
		need_period = isnull;
	}
	else
	{
		TpHold		o,
					h;
		TpCols	   *cp = &c;
		char	   *old_status = SPI_getvalue(oldtuple, desc, c.status);
		char	   *new_status = SPI_getvalue(tuple, desc, c.status);

		cols[n] = c.updated_at;
		vals[n] = TimestampTzGetDatum(now);
		nulls[n] = false;
		n++;
		if (old_status && new_status && strcmp(old_status, new_status) != 0)
		{
			cols[n] = c.status_changed_at;
			vals[n] = TimestampTzGetDatum(now);
			nulls[n] = false;
			n++;
		}
		tuple = heap_modify_tuple_by_cols(tuple, desc, n, cols, vals, nulls);
		n = 0;

		tp_check_ranges(trig->tg_relation, tuple, &c);
		tp_read_hold(oldtuple, desc, cp, &o);
		tp_read_hold(tuple, desc, cp, &h);

		/*
		 * a moved start or a changed length moves the end, unless it was set
		 * too
		 */
		need_end = (h.start_min != o.start_min || h.required != o.required) &&
			h.end_min == o.end_min;

		/*
		 * a move to another resource, date or time finds its period, unless
		 * it was set too
		 */
		need_period = (h.resource_id != o.resource_id || h.date != o.date ||
					   h.start_min != o.start_min) &&
			strcmp(h.period, o.period) == 0 && !tp_period_decided(o.id);
	}

	if (need_end)
	{
		bool		n1,
					n2;
		Datum		st = SPI_getbinval(tuple, desc, c.start_time, &n1);
		Datum		rq = SPI_getbinval(tuple, desc, c.required, &n2);

		if (!n1 && !n2)
		{
			int64		end = DatumGetTimeADT(st) + (int64) DatumGetInt32(rq) * USECS_PER_MINUTE;

			if (end > USECS_PER_DAY)
				ereport(ERROR,
						(errcode(ERRCODE_TP_OUTSIDE_SCHEDULE),
						 errmsg("reservation would run past midnight"),
						 errdetail("It starts at %s and needs %d minutes.",
								   tp_time_str((int) (DatumGetTimeADT(st) / USECS_PER_MINUTE)),
								   DatumGetInt32(rq))));
			cols[0] = c.end_time;
			vals[0] = TimeADTGetDatum(end);
			nulls[0] = false;
			tuple = heap_modify_tuple_by_cols(tuple, desc, 1, cols, vals, nulls);
		}
	}

	if (need_period)
	{
		bool		n_res,
					n_date,
					n_start;
		Datum		r = SPI_getbinval(tuple, desc, c.resource_id, &n_res);
		Datum		dt = SPI_getbinval(tuple, desc, c.date, &n_date);
		Datum		st = SPI_getbinval(tuple, desc, c.start_time, &n_start);

		if (!n_res && !n_date && !n_start && !DATE_NOT_FINITE(DatumGetDateADT(dt)))
		{
			TpResourceDay *days;
			TpPool	   *p = NULL;
			int			start = (int) (DatumGetTimeADT(st) / USECS_PER_MINUTE);

			if (!connected)
			{
				if (SPI_connect() != SPI_OK_CONNECT)
					elog(ERROR, "timepool: SPI_connect failed");
				connected = true;
			}
			tp_cache_sync();
			/*
			 * a location's staff writing a row at a resource it does not see
			 * (or at none): what the policy says after this trigger, said
			 * first, so that neither the foreign key nor the pool tells
			 * another location's resource from a missing one
			 */
			if (!tp_sees_location(tp_resource_location(DatumGetInt64(r))))
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("new row violates row-level security policy for table \"%s\"",
								RelationGetRelationName(trig->tg_relation))));
			if (tp_load_day(DatumGetDateADT(dt), DatumGetInt64(r), 0, &days) != 1)
				tp_missing_key(trig->tg_relation, "resource_id", DatumGetInt64(r), "resources");
			{
				bool		n_req;
				Datum		rq = SPI_getbinval(tuple, desc, c.required, &n_req);

				p = tp_find_pool_for(&days[0], start, n_req ? start : start + DatumGetInt32(rq));
			}
			if (p == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_TP_OUTSIDE_SCHEDULE),
						 errmsg("%s on %s is outside the schedule",
								tp_time_str(start), tp_date_str(DatumGetDateADT(dt))),
						 errdetail("No period of resource %s contains %s on %s.",
								   days[0].code, tp_time_str(start),
								   tp_date_str(DatumGetDateADT(dt)))));
			cols[0] = c.period;
			vals[0] = CStringGetTextDatum(p->period);
			nulls[0] = false;
			tuple = heap_modify_tuple_by_cols(tuple, desc, 1, cols, vals, nulls);
		}
	}

	if (connected)
	{
		/* the new tuple must outlive SPI's memory context */
		tuple = SPI_copytuple(tuple);
		SPI_finish();
	}
	return PointerGetDatum(tuple);
}

/*
 * AFTER INSERT OR UPDATE OR DELETE on timepool.reservations.
 */
Datum
tp_reservations_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trig = tp_trigger_data(fcinfo, "reservations_guard", false);
	TupleDesc	desc = trig->tg_relation->rd_att;
	TpCols		c;
	TpHold		o,
				h;
	bool		is_insert = TRIGGER_FIRED_BY_INSERT(trig->tg_event);
	bool		is_delete = TRIGGER_FIRED_BY_DELETE(trig->tg_event);
	bool		gain = false;
	bool		moved = false;
	bool		clock_gain = false;
	bool		skill_gain = false;
	bool		release = false;
	bool		cap_gain = false;
	bool		started = false;
	int32	   *keys;
	int			nkeys = 0;
	TpResourceDay *days = NULL;
	TpPool	   *p = NULL;

	tp_cols(trig->tg_relation, &c);
	memset(&o, 0, sizeof(o));
	memset(&h, 0, sizeof(h));
	if (is_insert)
		tp_read_hold(trig->tg_trigtuple, desc, &c, &h);
	else if (is_delete)
		tp_read_hold(trig->tg_trigtuple, desc, &c, &o);
	else
	{
		tp_read_hold(trig->tg_trigtuple, desc, &c, &o);
		tp_read_hold(trig->tg_newtuple, desc, &c, &h);
	}
	tp_note_write(&o, &h);

	/*
	 * A hold holds its minutes until it expires (tp_hold_live()).  A write
	 * that keeps an old hold's minutes (its confirmation) is judged on the
	 * clock as it is once the hold's pool is locked: a booking that passed
	 * over the hold as expired held that lock when it did, so the two agree.
	 * A hold that has expired by then is no longer holding: the write gains
	 * its minutes, and is judged as a new booking would be.
	 */
	if ((h.valid && h.hold) || (o.valid && o.hold && o.holding))
	{
		/* the frozen clinic clock of the tests needs the cache's time zone */
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "timepool: SPI_connect failed");
		if (h.valid && h.hold)
			h.holding = h.holding && tp_hold_live(h.expires, tp_hold_clock(false));
		if (o.valid && o.hold && o.holding)
		{
			if (h.valid && h.holding)
			{
				int32		key = tp_pool_key(o.resource_id, o.date, o.period);

				tp_lock_pool_keys(&key, 1);
			}
			o.holding = tp_hold_live(o.expires, tp_hold_clock(true));
		}
		SPI_finish();
	}

	/*
	 * gain: the row adds minutes to a pool (new, revived, moved to another
	 * pool, or longer): schedule and capacity are checked.  moved: it stays
	 * in its pool with no more minutes but its window moved: the window must
	 * still fit, the capacity is not at stake.  clock_gain: its window covers
	 * an instant it did not cover before on its resource's clock.
	 */
	if (h.valid && h.holding)
	{
		bool		same_day = !is_insert && o.holding &&
		h.resource_id == o.resource_id && h.date == o.date;

		gain = is_insert || !o.holding || !tp_same_pool(&o, &h) ||
			h.required > o.required;
		moved = !gain && (h.start_min != o.start_min || h.end_min != o.end_min);
		clock_gain = !same_day || h.start_min < o.start_min || h.end_min > o.end_min;
		/* who performs what: a new, revived or reassigned booking */
		skill_gain = is_insert || !o.holding || h.resource_id != o.resource_id ||
			h.service_id != o.service_id;
		/* the service's daily cap: more minutes of a service on a date */
		cap_gain = is_insert || !o.holding || h.service_id != o.service_id ||
			h.date != o.date || h.required > o.required;
	}
	/* COMPLETED or NO_SHOW, newly or at a new time: only once it started */
	if (h.valid && h.attended)
		started = is_insert || strcmp(h.status, o.status) != 0 ||
			h.date != o.date || h.start_min != o.start_min;
	if (o.valid && o.holding)
		release = is_delete || !h.holding || !tp_same_pool(&o, &h);
	if (!gain && !moved && !release && !cap_gain && !started)
		return PointerGetDatum(NULL);

	/* a row that only frees minutes: its pool's lock is all it takes */
	if (!gain && !moved && !cap_gain && !started)
	{
		int32		key = tp_pool_key(o.resource_id, o.date, o.period);

		tp_lock_pool_keys(&key, 1);
		return PointerGetDatum(NULL);
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");

	/*
	 * The locks: the pool the row leaves, the pool it is in, and with a clock
	 * limit every pool of its resource whose window its own overlaps
	 * (decide.c), found in the cache as it is before the locks.
	 */
	if (gain || moved)
	{
		if (tp_load_day(h.date, h.resource_id, 0, &days) == 1)
			p = tp_find_pool_named(&days[0], h.period);
		keys = palloc(sizeof(int32) * ((p ? days[0].npools : 0) + 2));
	}
	else
		keys = palloc(sizeof(int32) * 2);
	if (release)
		keys[nkeys++] = tp_pool_key(o.resource_id, o.date, o.period);
	if (gain || moved)
	{
		if (p != NULL && clock_gain)
			nkeys += tp_touched_pools(&days[0], h.date, p, h.start_min, h.end_min,
									  keys + nkeys, NULL);
		else
			keys[nkeys++] = tp_pool_key(h.resource_id, h.date, h.period);
	}
	tp_lock_pool_keys(keys, nkeys);

	/* restored from a dump, or history the import brings (common.c) */
	if (is_insert && (tp_restoring(trig->tg_relation) ||
					  tp_imported_history(trig->tg_relation, tp_resource_location(h.resource_id),
										  h.date, h.end_min)))
	{
		SPI_finish();
		return PointerGetDatum(NULL);
	}

	/* the schedule committed before this took the pool's lock */
	tp_cache_sync();
	if (started)
		tp_check_status_clock(tp_resource_location(h.resource_id), h.id, h.status, h.date,
							  h.start_min);
	/* another service for the same place and time: who performs it */
	if (skill_gain && !gain && !moved && !tp_performs(h.resource_id, h.service_id))
	{
		char	   *code = SPI_getvalue(trig->tg_newtuple, desc, c.service_code);
		char		rcode[TP_CODE_MAXLEN + 1];

		snprintf(rcode, sizeof(rcode), INT64_FORMAT, h.resource_id);
		if (tp_load_day(h.date, h.resource_id, 0, &days) == 1)
			strlcpy(rcode, days[0].code, sizeof(rcode));
		tp_refuse_not_performed(rcode, code ? code : "the service");
	}
	if (gain || moved)
	{
		char	   *datestr = tp_date_str(h.date);
		char		rcode[TP_CODE_MAXLEN + 1];
		char	   *code = SPI_getvalue(trig->tg_newtuple ? trig->tg_newtuple : trig->tg_trigtuple,
										desc, c.service_code);
		TpDayState	st;
		TpWhy		why;
		TpVerdict	v;

		p = NULL;
		snprintf(rcode, sizeof(rcode), INT64_FORMAT, h.resource_id);
		if (tp_load_day(h.date, h.resource_id, 0, &days) == 1)
		{
			strlcpy(rcode, days[0].code, sizeof(rcode));
			p = tp_find_pool_named(&days[0], h.period);
		}
		if (p == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_TP_OUTSIDE_SCHEDULE),
					 errmsg("reservation is outside the schedule"),
					 errdetail("Resource %s has no period %s on %s.", rcode, h.period, datestr)));
		if (skill_gain && !tp_performs(h.resource_id, h.service_id))
			tp_refuse_not_performed(rcode, code ? code : "the service");
		if (p->closed)
			tp_refuse_closed(rcode, p, h.date, NULL);
		if (h.start_min < p->start_min || h.end_min > p->end_min)
			ereport(ERROR,
					(errcode(ERRCODE_TP_OUTSIDE_SCHEDULE),
					 errmsg("reservation from %s to %s does not fit in %s",
							tp_time_str(h.start_min), tp_time_str(h.end_min), p->period),
					 errdetail("%s of resource %s runs from %s to %s on %s.", p->period, rcode,
							   tp_time_str(p->start_min), tp_time_str(p->end_min), datestr)));
		tp_check_wall_clock(tp_resource_location(h.resource_id), h.date, h.start_min, h.end_min);

		if (gain || clock_gain)
		{
			const char **periods = palloc(sizeof(char *) * (days[0].npools + 1));
			int32	   *now_keys = palloc(sizeof(int32) * (days[0].npools + 1));
			int			n,
						k;

			if (!clock_gain || days[0].max_concurrent == TP_NO_LIMIT)
			{
				periods[0] = p->period;
				n = 1;
			}
			else
			{
				/* a pool that the schedule made overlap since is locked too */
				n = tp_touched_pools(&days[0], h.date, p, h.start_min, h.end_min,
									 now_keys, periods);
				for (k = 0; k < n; k++)
				{
					int			m;
					bool		held = false;

					for (m = 0; m < nkeys; m++)
						if (keys[m] == now_keys[k])
							held = true;
					if (!held)
						tp_lock_pool_keys(&now_keys[k], 1);
				}
			}

			/*
			 * The resource's day as committed now, this row and the rest of
			 * its statement included; judged without the row itself.
			 */
			tp_read_day(h.date, h.resource_id, days[0].max_concurrent, periods, n,
						h.start_min, h.end_min, true, &st);
			tp_day_check_snapshot(&st, periods, n);
			tp_day_forget(&st, h.period, h.start_min, h.end_min, h.required);
			v = tp_judge(&st, p, h.start_min, h.end_min, h.required, gain, clock_gain, &why);
			if (v == TP_FULL)
				tp_refuse_full(code, h.required, why.booked, p, h.date, NULL);
			if (v == TP_OVERLAP)
			{
				int			g0,
							g1;

				TpDayState	whole;

				if (!tp_wall_gap(tp_resource_location(h.resource_id), h.date, &g0, &g1))
					g0 = g1 = -1;
				/* the hint looks at the whole day, as committed now */
				tp_read_day(h.date, h.resource_id, days[0].max_concurrent, NULL, 0,
							0, TP_MINUTES_PER_DAY + 1, true, &whole);
				tp_day_forget(&whole, h.period, h.start_min, h.end_min, h.required);
				tp_refuse_overlap(rcode, days[0].max_concurrent, code, h.date,
								  h.start_min, h.end_min, &why,
								  tp_first_fit(&whole, p, h.start_min + 1, h.required, gain,
											   g0, g1), NULL);
			}

			/*
			 * What the pool holds with this row, judged under its lock: the
			 * figure its payload sends, unless the transaction writes the
			 * pool again (notify.c).
			 */
			if (gain && v == TP_OK)
				tp_note_booked(h.resource_id, h.date, h.period, why.booked + h.required);

			/*
			 * Checked again at commit, on the schedule committed by then, if
			 * the resource has a clock limit then (it may get one meanwhile).
			 */
			tp_note_clock_write(h.resource_id, h.date, h.period, h.start_min, h.end_min,
								h.required);
		}
	}
	if (cap_gain)
	{
		TpService	svc;
		int64		minutes,
					count;

		/* after the pool locks, as book_service() takes them */
		if (tp_lookup_service_by_id(h.service_id, &svc) && svc.daily_cap != TP_NO_CAP)
		{
			tp_lock_service_day(svc.id, h.date);
			tp_service_day_booked(&svc, h.date, true, &minutes, &count);
			tp_check_daily_cap(&svc, h.date, h.required, minutes - h.required);
		}
	}
	SPI_finish();
	return PointerGetDatum(NULL);
}
