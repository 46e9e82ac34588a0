/*-------------------------------------------------------------------------
 *
 * notify.c
 *	  Live changes: NOTIFY timepool_availability at commit, one payload per
 *	  pool the transaction changed.
 *
 *	  The writes note their pools as they happen: the reservations' guard
 *	  (guard.c) the pools a row's minutes leave or enter, the schedule's
 *	  trigger (timepool.schedule_notify(), below) the pools an override or a
 *	  weekly row changes.  At commit, once every deferred trigger has run and
 *	  the commit-time checks have passed (tp_xact_callback), each pool noted
 *	  is read as it is then, this transaction's writes and every commit so
 *	  far included, and sent once: PostgreSQL queues the payloads with the
 *	  transaction and delivers them only if it commits.  The notes of a
 *	  subtransaction that rolls back go with it.
 *
 *	  A payload says which pool and how many minutes it has, holds and has
 *	  left; nothing about a patient (any role that can connect can LISTEN).
 *	  Writes to one pool are serialised by its lock, held to the commit, so
 *	  the last payload of a pool that a listener receives is its state.
 *
 *	  A weekly row's change is sent for its pools of the next
 *	  TP_NOTIFY_SCHEDULE_DAYS days from the clinic's today, one payload per
 *	  pool; an override's for its date.  A prepared transaction sends
 *	  nothing: PostgreSQL cannot NOTIFY from one.
 *
 *	  Only the writes made while timepool.notify is on are noted: PostgreSQL
 *	  serialises every commit that sends a NOTIFY (a cluster-wide lock held
 *	  through the commit's flush), which with more writers than cores
 *	  halves the bookings a server commits, so the DBA turns it on for a
 *	  database that somebody listens to.
 *
 * IDENTIFICATION
 *	  src/notify.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/async.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(tp_schedule_notify);

/*
 * A pool noted: resource_id 0 is every active resource, an empty period
 * every pool of the day.
 */
typedef struct TpNote
{
	int64		resource_id;
	DateADT		date;
	char		period[TP_CODE_MAXLEN + 1];
	SubTransactionId subid;
} TpNote;

static TpNote *tp_notes = NULL;
static int	tp_nnotes = 0;
static int	tp_maxnotes = 0;

void
tp_note_pool(int64 resource_id, DateADT date, const char *period)
{
	TpNote	   *n;
	SubTransactionId sub = GetCurrentSubTransactionId();

	/* timepool.notify off: the write is not told (common.c) */
	if (!tp_notify || DATE_NOT_FINITE(date))
		return;
	if (period == NULL)
		period = "";
	/* a statement's rows often note the same pool one after another */
	if (tp_nnotes > 0)
	{
		n = &tp_notes[tp_nnotes - 1];
		if (n->resource_id == resource_id && n->date == date && n->subid == sub &&
			strcmp(n->period, period) == 0)
			return;
	}
	if (tp_nnotes == tp_maxnotes)
	{
		int			newmax = Max(16, tp_maxnotes * 2);

		if (tp_notes == NULL)
			tp_notes = MemoryContextAlloc(TopTransactionContext, sizeof(TpNote) * newmax);
		else
			tp_notes = repalloc(tp_notes, sizeof(TpNote) * newmax);
		tp_maxnotes = newmax;
	}
	n = &tp_notes[tp_nnotes++];
	n->resource_id = resource_id;
	n->date = date;
	strlcpy(n->period, period, TP_CODE_MAXLEN + 1);
	n->subid = sub;
}

/* A subtransaction ended: its notes go with it, or to its parent. */
void
tp_notes_subxact(SubXactEvent event, SubTransactionId mySubid, SubTransactionId parentSubid)
{
	int			i,
				kept = 0;

	for (i = 0; i < tp_nnotes; i++)
	{
		TpNote	   *n = &tp_notes[i];

		if (n->subid == mySubid)
		{
			if (event == SUBXACT_EVENT_ABORT_SUB)
				continue;
			if (event == SUBXACT_EVENT_COMMIT_SUB)
				n->subid = parentSubid;
		}
		tp_notes[kept++] = *n;
	}
	tp_nnotes = kept;
}

/* The transaction ended (its memory with it). */
void
tp_notes_reset(void)
{
	tp_notes = NULL;
	tp_nnotes = 0;
	tp_maxnotes = 0;
}

/* One pool to send: its resource's code and the pool as scheduled now. */
typedef struct TpSend
{
	int64		resource_id;
	char		code[TP_CODE_MAXLEN + 1];
	DateADT		date;
	char		period[TP_CODE_MAXLEN + 1];
	int64		total;
} TpSend;

static int
tp_cmp_send(const void *a, const void *b)
{
	const TpSend *x = (const TpSend *) a;
	const TpSend *y = (const TpSend *) b;

	if (x->date != y->date)
		return (x->date > y->date) - (x->date < y->date);
	if (x->resource_id != y->resource_id)
		return (x->resource_id > y->resource_id) - (x->resource_id < y->resource_id);
	return strcmp(x->period, y->period);
}

static int
tp_cmp_note(const void *a, const void *b)
{
	const TpNote *x = (const TpNote *) a;
	const TpNote *y = (const TpNote *) b;

	if (x->date != y->date)
		return (x->date > y->date) - (x->date < y->date);
	if (x->resource_id != y->resource_id)
		return (x->resource_id > y->resource_id) - (x->resource_id < y->resource_id);
	return strcmp(x->period, y->period);
}

static void
tp_add_minutes(void *arg, const TpBooking *b)
{
	*(int64 *) arg += b->required;
}

/*
 * At commit: send a payload for each pool noted, read as it is now.
 * schedule_changed: the transaction changed the schedule and holds the
 * schedule lock in ShareLock.
 */
void
tp_notes_send(bool schedule_changed)
{
	TpCommitScope scope;
	bool		reload;
	MemoryContext ctx;
	MemoryContext old;
	TpSend	   *sends;
	TpResourceDay *days = NULL;
	int32	   *keys;
	int			ndays = 0;
	int			nsends = 0;
	int			maxsends;
	int			i;
	StringInfoData buf;

	if (tp_nnotes == 0)
		return;
	/* the transaction dropped the extension: nothing is left to tell */
	if (!OidIsValid(tp_relid("reservations_pool_idx")))
		return;
	ctx = AllocSetContextCreate(CurrentMemoryContext, "timepool notify",
								ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(ctx);

	/*
	 * The order of the payloads is the order of the changes: the schedule is
	 * read after any change of it that commits first, and each pool under its
	 * lock (below), which every write that changes its minutes holds to its
	 * commit; so the last payload a listener gets for a pool is its state.
	 * The last statement's writes (and their invalidations) are seen too.
	 */
	if (!schedule_changed)
		tp_schedule_lock_to_commit();
	CommandCounterIncrement();
	tp_cache_accept();
	/* a cache to reload is read as timepool's owner (tp_commit_scope_begin) */
	reload = !tp_cache_is_valid();
	if (reload)
		tp_commit_scope_begin(&scope);

	/*
	 * Every note as pools of the schedule now (the transaction's own): each
	 * note once, each resource's day loaded once for its notes.
	 */
	if (tp_nnotes > 1)
		qsort(tp_notes, tp_nnotes, sizeof(TpNote), tp_cmp_note);
	maxsends = Max(tp_nnotes, 16);
	sends = palloc(sizeof(TpSend) * maxsends);
	for (i = 0; i < tp_nnotes; i++)
	{
		TpNote	   *n = &tp_notes[i];
		int			d;

		CHECK_FOR_INTERRUPTS();
		if (i > 0 && tp_cmp_note(n, &tp_notes[i - 1]) == 0)
			continue;
		if (i == 0 || n->date != tp_notes[i - 1].date ||
			n->resource_id != tp_notes[i - 1].resource_id)
			ndays = tp_load_day(n->date, n->resource_id, &days);
		for (d = 0; d < ndays; d++)
		{
			int			npools = n->period[0] != '\0' ? 1 : days[d].npools;
			int			j;

			/* an inactive resource has no minutes anyone can book */
			if (!tp_resource_active(days[d].resource_id))
				continue;

			for (j = 0; j < npools; j++)
			{
				const char *period = n->period[0] != '\0' ? n->period : days[d].pools[j].period;
				TpPool	   *p = tp_find_pool_named(&days[d], period);
				TpSend	   *s;

				if (nsends == maxsends)
				{
					maxsends *= 2;
					sends = repalloc(sends, sizeof(TpSend) * maxsends);
				}
				s = &sends[nsends++];
				s->resource_id = days[d].resource_id;
				strlcpy(s->code, days[d].code, TP_CODE_MAXLEN + 1);
				s->date = n->date;
				strlcpy(s->period, period, TP_CODE_MAXLEN + 1);
				/* a pool the schedule no longer has holds its rows in none */
				s->total = p != NULL ? p->capacity : 0;
			}
		}
	}
	if (nsends > 1)
		qsort(sends, nsends, sizeof(TpSend), tp_cmp_send);

	/*
	 * Each pool once, with what it holds now: this transaction's writes (the
	 * last statement's too) and every committed one, read without a snapshot
	 * of this transaction's, so that a SERIALIZABLE one records no read it
	 * did not make.
	 */

	/*
	 * A write that changes a pool's figures holds its lock already; an expiry
	 * noticed does not.  A transaction that changed the schedule takes none
	 * here: it holds the schedule lock in ShareLock, which every other commit
	 * that sends waits for, and a booking of one of its pools would wait for
	 * it in turn.
	 */
	if (!schedule_changed)
	{
		keys = palloc(sizeof(int32) * Max(nsends, 1));
		for (i = 0; i < nsends; i++)
			keys[i] = tp_pool_key(sends[i].resource_id, sends[i].date, sends[i].period);
		tp_lock_pool_keys(keys, nsends);
	}

	initStringInfo(&buf);
	for (i = 0; i < nsends; i++)
	{
		TpSend	   *s = &sends[i];
		int64		booked = 0;

		if (i > 0 && tp_cmp_send(s, &sends[i - 1]) == 0)
			continue;
		tp_scan_booked(s->date, s->date, s->resource_id, s->period, SnapshotSelf, NULL,
					   tp_add_minutes, &booked);
		resetStringInfo(&buf);
		appendStringInfoString(&buf, "{\"resource\": ");
		escape_json(&buf, s->code);
		appendStringInfo(&buf, ", \"date\": \"%s\", \"period\": ", tp_date_str(s->date));
		escape_json(&buf, s->period);
		appendStringInfo(&buf, ", \"total_minutes\": " INT64_FORMAT
						 ", \"booked_minutes\": " INT64_FORMAT
						 ", \"remaining_minutes\": " INT64_FORMAT "}",
						 s->total, booked, s->total - booked);
		Async_Notify(TP_NOTIFY_CHANNEL, buf.data);
	}
	if (reload)
		tp_commit_scope_end(&scope);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(ctx);
}

/* the attribute of a column of a trigger's table, by name */
static Datum
tp_row_value(HeapTuple tuple, TupleDesc desc, const char *column, bool *isnull)
{
	int			attno = SPI_fnumber(desc, column);

	if (attno <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" does not exist", column)));
	return SPI_getbinval(tuple, desc, attno, isnull);
}

/* the period column of a row: NULL or empty for none */
static void
tp_row_period(HeapTuple tuple, TupleDesc desc, char *out)
{
	bool		isnull;
	Datum		d = tp_row_value(tuple, desc, "period", &isnull);

	out[0] = '\0';
	if (!isnull)
		text_to_cstring_buffer(DatumGetTextPP(d), out, TP_CODE_MAXLEN + 1);
}

/* a weekly row: its pools of the next TP_NOTIFY_SCHEDULE_DAYS days */
static void
tp_note_weekly_row(HeapTuple tuple, TupleDesc desc, DateADT today)
{
	bool		isnull;
	int64		resource_id;
	int			dow;
	DateADT		from,
				until,
				d;
	char		period[TP_CODE_MAXLEN + 1];
	Datum		v;

	v = tp_row_value(tuple, desc, "is_active", &isnull);
	if (isnull || !DatumGetBool(v))
		return;
	resource_id = DatumGetInt64(tp_row_value(tuple, desc, "resource_id", &isnull));
	if (isnull)
		return;
	dow = DatumGetInt16(tp_row_value(tuple, desc, "day_of_week", &isnull));
	if (isnull)
		return;
	v = tp_row_value(tuple, desc, "effective_from", &isnull);
	if (isnull)
		DATE_NOBEGIN(from);
	else
		from = DatumGetDateADT(v);
	v = tp_row_value(tuple, desc, "effective_until", &isnull);
	if (isnull)
		DATE_NOEND(until);
	else
		until = DatumGetDateADT(v);
	tp_row_period(tuple, desc, period);
	for (d = today; d < today + TP_NOTIFY_SCHEDULE_DAYS; d++)
		if (j2day(d + POSTGRES_EPOCH_JDATE) == dow && d >= from && d <= until)
			tp_note_pool(resource_id, d, period[0] != '\0' ? period : NULL);
}

/* an override: its date's pools (of its resource, or of every one) */
static void
tp_note_override_row(HeapTuple tuple, TupleDesc desc)
{
	bool		isnull;
	int64		resource_id;
	Datum		v;
	char		period[TP_CODE_MAXLEN + 1];

	v = tp_row_value(tuple, desc, "resource_id", &isnull);
	resource_id = isnull ? 0 : DatumGetInt64(v);
	v = tp_row_value(tuple, desc, "date", &isnull);
	if (isnull)
		return;
	tp_row_period(tuple, desc, period);
	tp_note_pool(resource_id, DatumGetDateADT(v), period[0] != '\0' ? period : NULL);
}

/*
 * AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW on timepool.clinic_time_slots
 * and timepool.schedule_overrides: note the pools the row changes, before
 * and after.
 */
Datum
tp_schedule_notify(PG_FUNCTION_ARGS)
{
	static const char *const tables[] = {"clinic_time_slots", "schedule_overrides", NULL};
	TriggerData *trig;
	TupleDesc	desc;
	bool		weekly;
	HeapTuple	rows[2];
	int			nrows = 0;
	int			i;
	DateADT		today = 0;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("schedule_notify() must be called as a trigger")));
	trig = (TriggerData *) fcinfo->context;
	tp_check_trigger_table(trig, "schedule_notify", tables);
	if (!TRIGGER_FIRED_FOR_ROW(trig->tg_event) || !TRIGGER_FIRED_AFTER(trig->tg_event) ||
		TRIGGER_FIRED_BY_TRUNCATE(trig->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("schedule_notify() must be fired AFTER INSERT, UPDATE or DELETE for each row")));
	weekly = RelationGetRelid(trig->tg_relation) == tp_relid("clinic_time_slots");
	desc = trig->tg_relation->rd_att;
	rows[nrows++] = trig->tg_trigtuple;
	if (TRIGGER_FIRED_BY_UPDATE(trig->tg_event))
		rows[nrows++] = trig->tg_newtuple;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	if (weekly)
	{
		TpPolicy	pol;

		tp_cache_sync();
		tp_policy(NULL, &pol);
		today = pol.today;
	}
	for (i = 0; i < nrows; i++)
	{
		if (weekly)
			tp_note_weekly_row(rows[i], desc, today);
		else
			tp_note_override_row(rows[i], desc);
	}
	SPI_finish();
	return PointerGetDatum(NULL);
}
