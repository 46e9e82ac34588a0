/*-------------------------------------------------------------------------
 *
 * notify.c
 *	  Live changes: NOTIFY timepool_availability, one payload per pool that
 *	  committed transactions changed, sent by the database's notifier.
 *
 *	  The writes note their pools as they happen: the reservations' guard
 *	  (guard.c) the pools a row's minutes leave or enter, the schedule's
 *	  trigger (timepool.schedule_notify(), below) the pools an override or a
 *	  weekly row changes.  The notes of a subtransaction that rolls back go
 *	  with it.  At commit, once every deferred trigger has run and the
 *	  commit-time checks have passed (tp_xact_callback), each pool noted is
 *	  written once to timepool.notify_queue, as part of the transaction: a
 *	  transaction that rolls back leaves nothing there.
 *
 *	  The notifier is a background worker of the database (tp_notifier_main)
 *	  that a commit which queued pools starts when none runs.  Every
 *	  TP_NOTIFY_INTERVAL_MS it takes the queued pools and sends one payload
 *	  per pool in a transaction of its own; it stops after a second with
 *	  nothing to do.  A pool's booked minutes are those its only commit of
 *	  the round decided under the pool's lock (tp_note_booked()), or else
 *	  read as they are then (every commit so far included).  So the last
 *	  payload a listener gets for a pool is the pool's state, and the changes
 *	  of one pool queued within one interval are one payload.
 *
 *	  Why a worker: PostgreSQL serialises every commit that sends a NOTIFY
 *	  (a cluster-wide lock held through the commit's flush), and a booking's
 *	  commit that sent its own payloads waited for every other one's; a
 *	  listener that kept a transaction open filled the notification queue,
 *	  and then every such commit failed.  A booking's commit now only writes
 *	  rows to an unlogged table.  Only the notifier's commits NOTIFY, one for
 *	  many payloads; when the notification queue is half full it drops the
 *	  payloads of the round (a WARNING in the server log) rather than fill
 *	  it.
 *
 *	  A payload says which pool and how many minutes it has, holds and has
 *	  left; nothing about a patient (any role that can connect can LISTEN).
 *
 *	  A weekly row's change is sent for its pools of the next
 *	  TP_NOTIFY_SCHEDULE_DAYS days from the clinic's today, one payload per
 *	  pool; an override's for its date, or for those of its range of dates
 *	  in the same days.  A prepared transaction sends
 *	  nothing.  Only the writes made while timepool.notify is on are noted:
 *	  the DBA turns it on for a database that somebody listens to (a
 *	  database with it on has a notifier process while it is busy).
 *
 * IDENTIFICATION
 *	  src/notify.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "access/xact.h"
#include "commands/async.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "commands/extension.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(tp_schedule_notify);
PGDLLEXPORT void tp_notifier_main(Datum arg);

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
	int64		booked;			/* the pool's minutes as its last write was
								 * judged under its lock; -1: to be read */
	uint64		seq;			/* order of the notes' writes */
} TpNote;

static TpNote *tp_notes = NULL;
static int	tp_nnotes = 0;
static int	tp_maxnotes = 0;
static uint64 tp_note_seq = 0;

/* whether this transaction wrote pools to the queue, and as whose */
static bool tp_notes_queued = false;
static Oid	tp_notes_owner = InvalidOid;


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
		{
			/* a new write of the pool: what was judged before is not it */
			n->booked = -1;
			n->seq = ++tp_note_seq;
			return;
		}
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
	n->booked = -1;
	n->seq = ++tp_note_seq;
}

/*
 * The guard (guard.c) judged the write it has just noted under the pool's
 * lock, which it holds to the end of the transaction: booked is what the
 * pool holds with that write, this transaction's earlier ones included.
 * Every write that changes a pool's minutes takes its lock (guard.c), so
 * unless this transaction writes the pool again (tp_note_pool() then
 * forgets the figure), booked is what the pool holds when this commits, and
 * the notifier need not read the pool again for it.  Only the last note can
 * be the write just judged.
 */
void
tp_note_booked(int64 resource_id, DateADT date, const char *period, int64 booked)
{
	TpNote	   *n;

	if (!tp_notify || tp_nnotes == 0 || booked < 0)
		return;
	n = &tp_notes[tp_nnotes - 1];
	if (n->resource_id == resource_id && n->date == date &&
		n->subid == GetCurrentSubTransactionId() && strcmp(n->period, period) == 0)
		n->booked = booked;
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
	tp_notes_queued = false;
	tp_notes = NULL;
	tp_nnotes = 0;
	tp_maxnotes = 0;
	tp_note_seq = 0;
}

/* One pool to send: its resource's code and the pool as scheduled now. */
typedef struct TpSend
{
	int64		resource_id;
	char		code[TP_CODE_MAXLEN + 1];
	DateADT		date;
	char		period[TP_CODE_MAXLEN + 1];
	int64		total;
	int64		booked;			/* from the queue, or -1: read the pool */
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

/* the notes of a pool in the order of their writes, the last one last */
static int
tp_cmp_note_seq(const void *a, const void *b)
{
	const TpNote *x = (const TpNote *) a;
	const TpNote *y = (const TpNote *) b;
	int			c = tp_cmp_note(a, b);

	if (c != 0)
		return c;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * Whether the queue is the table the extension made: rows are written to it
 * with no executor, so no index, trigger, rule or check constraint may be
 * there to miss them, and its live columns must be resource_id bigint,
 * pool_date date, period text and booked_minutes bigint, in that order (a
 * column added and dropped again is left alone).  Fills attnos with their
 * numbers.
 */
#define TP_QUEUE_NATTS 4
static bool
tp_notify_queue_intact(Relation rel, AttrNumber *attnos)
{
	static const char *const names[TP_QUEUE_NATTS] = {"resource_id", "pool_date", "period", "booked_minutes"};
	static const Oid types[TP_QUEUE_NATTS] = {INT8OID, DATEOID, TEXTOID, INT8OID};
	TupleDesc	desc = RelationGetDescr(rel);
	List	   *indexes;
	int			live = 0;
	int			i;

	if (rel->rd_rel->relkind != RELKIND_RELATION || rel->trigdesc != NULL ||
		rel->rd_rules != NULL || (desc->constr != NULL && desc->constr->num_check > 0))
		return false;
	indexes = RelationGetIndexList(rel);
	if (indexes != NIL)
	{
		list_free(indexes);
		return false;
	}
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(desc, i);

		if (a->attisdropped)
			continue;
		if (live == TP_QUEUE_NATTS || a->atttypid != types[live] ||
			strcmp(NameStr(a->attname), names[live]) != 0)
			return false;
		attnos[live++] = a->attnum;
	}
	return live == TP_QUEUE_NATTS;
}

/*
 * At commit: write each pool noted once to timepool.notify_queue, as part of
 * the transaction.
 */
void
tp_notes_queue(void)
{
	Oid			relid;
	Relation	rel;
	AttrNumber	attnos[TP_QUEUE_NATTS];
	Datum	   *values;
	bool	   *nulls;
	int			natts;
	int			i;

	tp_notes_queued = false;
	if (tp_nnotes == 0)
		return;
	/* the transaction dropped the extension, or the schema is not yet 1.6 */
	relid = tp_relid("notify_queue");
	if (!OidIsValid(relid))
		return;
	if (tp_nnotes > 1)
		qsort(tp_notes, tp_nnotes, sizeof(TpNote), tp_cmp_note_seq);
	rel = table_open(relid, RowExclusiveLock);
	if (!tp_notify_queue_intact(rel, attnos))
	{
		table_close(rel, RowExclusiveLock);
		ereport(WARNING,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("timepool sent no live changes: timepool.notify_queue has been altered"),
				 errdetail("It must have the columns resource_id bigint, pool_date date, period text and booked_minutes bigint, and no index, trigger, rule or check constraint."),
				 errhint("Drop what was added.")));
		return;
	}
	natts = RelationGetDescr(rel)->natts;
	values = palloc0(sizeof(Datum) * natts);
	nulls = palloc(sizeof(bool) * natts);
	for (i = 0; i < tp_nnotes; i++)
	{
		TpNote	   *n = &tp_notes[i];
		HeapTuple	tuple;

		/* each pool once, as its last write left it */
		if (i + 1 < tp_nnotes && tp_cmp_note(n, &tp_notes[i + 1]) == 0)
			continue;
		/* a dropped column is NULL */
		memset(nulls, true, sizeof(bool) * natts);
		values[attnos[0] - 1] = Int64GetDatum(n->resource_id);
		nulls[attnos[0] - 1] = false;
		values[attnos[1] - 1] = DateADTGetDatum(n->date);
		nulls[attnos[1] - 1] = false;
		if (n->period[0] != '\0')
		{
			values[attnos[2] - 1] = CStringGetTextDatum(n->period);
			nulls[attnos[2] - 1] = false;
		}
		if (n->booked >= 0)
		{
			values[attnos[3] - 1] = Int64GetDatum(n->booked);
			nulls[attnos[3] - 1] = false;
		}
		tuple = heap_form_tuple(RelationGetDescr(rel), values, nulls);
		simple_heap_insert(rel, tuple);
		heap_freetuple(tuple);
	}
	table_close(rel, NoLock);

	/* the notifier connects as the owner of timepool's schema */
	tp_notes_owner = tp_schema_owner();
	tp_notes_queued = true;
}

/*
 * The notifier's locks, advisory locks in timepool's space (no SQL call can
 * hold one: a role that could would silence the notifier).  Key 0, the
 * running lock: the database's running notifier holds it in ExclusiveLock
 * for as long as it takes rows from the queue.  Key 1, the starting lock:
 * the session that starts a notifier holds it until the notifier holds the
 * running lock, so that the commits of many sessions that find no notifier
 * at once start one between them, not one each.
 */
#define TP_NOTIFIER_RUNNING 0
#define TP_NOTIFIER_STARTING 1

static void
tp_notifier_tag(LOCKTAG *tag, Oid dboid, uint32 which)
{
	SET_LOCKTAG_ADVISORY(*tag, dboid, TP_LOCK_NOTIFIER, which, TP_LOCK_SPACE);
}

/*
 * Whether a notifier holds the running lock: a moment's ShareLock, which a
 * notifier that is taking the lock then retries (tp_notifier_lock).  A full
 * lock table is taken as a notifier: nothing here may raise an ERROR.
 */
static bool
tp_notifier_running(void)
{
	LOCKTAG		tag;

	tp_notifier_tag(&tag, MyDatabaseId, TP_NOTIFIER_RUNNING);
	if (LockAcquireExtended(&tag, ShareLock, true, true, false, NULL) == LOCKACQUIRE_NOT_AVAIL)
		return true;
	LockRelease(&tag, ShareLock, true);
	return false;
}

/*
 * Start the database's notifier if none runs, and wait (at most
 * TP_NOTIFY_START_MS) until it runs; a WARNING when it cannot.  Nothing here
 * raises an ERROR or takes an interrupt: it runs after a commit too.
 */
static void
tp_notifier_ensure(Oid owner)
{
	LOCKTAG		starting;
	BackgroundWorker w;
	BackgroundWorkerHandle *handle;
	TimestampTz until;

	/* a notifier runs, or another session is starting one */
	if (tp_notifier_running())
		return;
	tp_notifier_tag(&starting, MyDatabaseId, TP_NOTIFIER_STARTING);
	if (LockAcquireExtended(&starting, ExclusiveLock, true, true, false, NULL) == LOCKACQUIRE_NOT_AVAIL)
		return;
	/* the one that held the starting lock till now has started it */
	if (tp_notifier_running())
	{
		LockRelease(&starting, ExclusiveLock, true);
		return;
	}

	memset(&w, 0, sizeof(w));
	w.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	w.bgw_start_time = BgWorkerStart_RecoveryFinished;
	w.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(w.bgw_library_name, "timepool", BGW_MAXLEN);
	strlcpy(w.bgw_function_name, "tp_notifier_main", BGW_MAXLEN);
	snprintf(w.bgw_name, BGW_MAXLEN, "timepool notifier of database %u", MyDatabaseId);
	strlcpy(w.bgw_type, "timepool notifier", BGW_MAXLEN);
	w.bgw_main_arg = ObjectIdGetDatum(MyDatabaseId);
	memcpy(w.bgw_extra, &owner, sizeof(Oid));
	/* the postmaster sets this session's latch when it starts or stops */
	w.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&w, &handle))
	{
		LockRelease(&starting, ExclusiveLock, true);
		ereport(WARNING,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("timepool could not start its notifier"),
				 errdetail("The pools changed stay queued until a notifier starts."),
				 errhint("Raise max_worker_processes.")));
		return;
	}

	until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), TP_NOTIFY_START_MS);
	for (;;)
	{
		pid_t		pid;
		BgwHandleStatus status = GetBackgroundWorkerPid(handle, &pid);

		if (tp_notifier_running())
			break;
		if (status == BGWH_STOPPED)
		{
			/* it stopped before it took the lock */
			ereport(WARNING,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("timepool's notifier stopped as it started"),
					 errdetail("The pools changed stay queued until a notifier starts."),
					 errhint("The server log says why.")));
			break;
		}
		if (status == BGWH_POSTMASTER_DIED)
			break;
		if (GetCurrentTimestamp() >= until)
		{
			ereport(WARNING,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("timepool's notifier has not started within %d ms", TP_NOTIFY_START_MS),
					 errdetail("The pools changed stay queued until it runs.")));
			break;
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 1, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	pfree(handle);
	LockRelease(&starting, ExclusiveLock, true);
	/* a wake-up this took from the session is given back */
	SetLatch(MyLatch);
}

/*
 * The transaction committed: its rows are in the queue for the notifier to
 * take; start one if none runs.  This runs after the commit (its rows
 * visible), so a notifier that stops, which lets go of its lock and then
 * looks at the queue once more, either sees the rows or was already gone
 * when this looked.
 */
void
tp_notes_committed(void)
{
	if (!tp_notes_queued)
		return;
	tp_notes_queued = false;
	tp_notifier_ensure(tp_notes_owner);
}

/*
 * timepool.notify_wait(p_timeout interval): wait until no row is left in the
 * queue that a transaction committed before the call wrote (the notifier
 * deletes a row in the transaction that sends its payload), or p_timeout.
 * The session then reads the notification queue before its ReadyForQuery,
 * so a session that LISTENs has those payloads when the call returns.
 */
PG_FUNCTION_INFO_V1(tp_notify_wait);
Datum
tp_notify_wait(PG_FUNCTION_ARGS)
{
	Interval   *timeout = PG_GETARG_INTERVAL_P(0);
	Oid			relid = tp_relid("notify_queue");
	int64		usecs;
	TimestampTz until;
	Snapshot	before;
	bool		done = false;
	bool		asked = false;

	tp_require_primary("notify_wait");

	if (timeout->month != 0 || timeout->day != 0 || timeout->time < 0 ||
		timeout->time > INT64CONST(3600) * USECS_PER_SEC)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_timeout must be between 0 and 1 hour")));
	usecs = timeout->time;
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("timepool's notify queue is missing"),
				 errhint("ALTER EXTENSION timepool UPDATE.")));
	until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), usecs / 1000);
	before = RegisterSnapshot(GetLatestSnapshot());
	for (;;)
	{
		Relation	rel = table_open(relid, AccessShareLock);
		Snapshot	now = RegisterSnapshot(GetLatestSnapshot());
		TableScanDesc scan = table_beginscan(rel, now, 0, NULL);
		HeapTuple	tuple;
		bool		pending = false;

		while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
		{
			TransactionId xmin = HeapTupleHeaderGetXmin(tuple->t_data);

			/* this transaction's own rows wait for its commit */
			if (TransactionIdIsCurrentTransactionId(xmin))
				continue;
			if (!XidInMVCCSnapshot(xmin, before))
			{
				pending = true;
				break;
			}
		}
		table_endscan(scan);
		UnregisterSnapshot(now);
		table_close(rel, AccessShareLock);
		if (!pending)
		{
			done = true;
			break;
		}
		/* rows and no notifier (it stopped on an error, say): start one */
		if (!asked)
		{
			tp_notifier_ensure(tp_schema_owner());
			asked = true;
		}
		if (GetCurrentTimestamp() >= until)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 10, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	UnregisterSnapshot(before);
	/* the payloads committed by now reach this session's client first */
	if (done)
		notifyInterruptPending = true;
	PG_RETURN_BOOL(done);
}

static void
tp_add_minutes(void *arg, const TpBooking *b)
{
	*(int64 *) arg += b->required;
}

/*
 * The notifier: send a payload for each pool of notes[0..nnotes), sorted, as
 * the pool is now: its total from the schedule now, its booked minutes read
 * again, but for a pool that only one note of the round names and whose note
 * carries its booked minutes (tp_note_booked(): what the pool held at that
 * commit, under its lock; a later write of the pool would have a note of its
 * own in this round or a later one, see tp_notifier_round()).
 */
static void
tp_notes_deliver(TpNote *notes, int nnotes)
{
	MemoryContext dayctx;
	MemoryContext old;
	TpSend	   *sends;
	TpResourceDay *days = NULL;
	int			ndays = 0;
	int			nsends = 0;
	int			maxsends;
	int			i;
	Snapshot	snap;
	StringInfoData buf;

	/*
	 * Every note as pools of the schedule now: each note once, each
	 * resource's day loaded once for its notes, in a context of its own.
	 */
	tp_cache_sync();
	dayctx = AllocSetContextCreate(CurrentMemoryContext, "timepool notifier day",
								   ALLOCSET_DEFAULT_SIZES);
	maxsends = Max(nnotes, 16);
	sends = palloc(sizeof(TpSend) * maxsends);
	for (i = 0; i < nnotes; i++)
	{
		TpNote	   *n = &notes[i];
		int			d;

		int64		booked = n->booked;

		CHECK_FOR_INTERRUPTS();
		if (i > 0 && tp_cmp_note(n, &notes[i - 1]) == 0)
			continue;
		/* two commits of the round wrote the pool: which was last is read */
		if (i + 1 < nnotes && tp_cmp_note(n, &notes[i + 1]) == 0)
			booked = -1;
		if (i == 0 || n->date != notes[i - 1].date ||
			n->resource_id != notes[i - 1].resource_id)
		{
			MemoryContextReset(dayctx);
			old = MemoryContextSwitchTo(dayctx);
			ndays = tp_load_day(n->date, n->resource_id, 0, &days);
			MemoryContextSwitchTo(old);
		}
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
					sends = repalloc_huge(sends, sizeof(TpSend) * maxsends);
				}
				s = &sends[nsends++];
				s->resource_id = days[d].resource_id;
				strlcpy(s->code, days[d].code, TP_CODE_MAXLEN + 1);
				s->date = n->date;
				strlcpy(s->period, period, TP_CODE_MAXLEN + 1);
				/* a pool the schedule no longer has holds its rows in none */
				s->total = p != NULL ? p->capacity : 0;
				s->booked = n->period[0] != '\0' ? booked : -1;
			}
		}
	}
	MemoryContextDelete(dayctx);
	if (nsends > 1)
		qsort(sends, nsends, sizeof(TpSend), tp_cmp_send);

	/*
	 * Each pool once, with what it holds now: read on a snapshot taken after
	 * the queue's rows, so every change queued is counted.
	 */
	snap = RegisterSnapshot(GetLatestSnapshot());
	initStringInfo(&buf);
	for (i = 0; i < nsends; i++)
	{
		TpSend	   *s = &sends[i];
		int64		booked = s->booked;

		CHECK_FOR_INTERRUPTS();
		if (i > 0 && tp_cmp_send(s, &sends[i - 1]) == 0)
			continue;
		/* a pool that a note of a whole day names too is read */
		if (i + 1 < nsends && tp_cmp_send(s, &sends[i + 1]) == 0)
			booked = -1;
		if (booked < 0)
		{
			booked = 0;
			tp_scan_booked(s->date, s->date, s->resource_id, s->period, snap, NULL,
						   tp_add_minutes, &booked);
		}
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
	UnregisterSnapshot(snap);
}

/*
 * Whether an error says nothing about the pool being sent: a cancel, a
 * deadlock, a shortage of memory or disk, a shutdown, an I/O error.  A round
 * that meets one is rolled back whole, its rows kept for a later round.
 */
static bool
tp_error_transient(int sqlerrcode)
{
	switch (ERRCODE_TO_CATEGORY(sqlerrcode))
	{
		case ERRCODE_TO_CATEGORY(ERRCODE_TRANSACTION_ROLLBACK):
		case ERRCODE_TO_CATEGORY(ERRCODE_INSUFFICIENT_RESOURCES):
		case ERRCODE_TO_CATEGORY(ERRCODE_OPERATOR_INTERVENTION):
		case ERRCODE_TO_CATEGORY(ERRCODE_SYSTEM_ERROR):
			return true;
		default:
			return sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE ||
				sqlerrcode == ERRCODE_OBJECT_IN_USE;
	}
}

/*
 * Send one pool in a subtransaction.  If it fails for a reason of its own, a
 * WARNING and nothing sent for it; a transient error (tp_error_transient)
 * is raised again, for the round to be rolled back with its rows.
 */
static void
tp_notes_deliver_one(TpNote *n)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		tp_notes_deliver(n, 1);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *e;

		MemoryContextSwitchTo(cxt);
		e = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		if (tp_error_transient(e->sqlerrcode))
			ReThrowError(e);
		ereport(WARNING,
				(errcode(e->sqlerrcode),
				 errmsg("timepool's notifier dropped a queued pool: %s", e->message),
				 errdetail("resource_id %lld, date %s, period %s",
						   (long long) n->resource_id, tp_date_str(n->date),
						   n->period[0] != '\0' ? n->period : "(every period)")));
		FreeErrorData(e);
	}
	PG_END_TRY();
}

/*
 * One round of the notifier, in a transaction of its own: take up to
 * TP_NOTIFY_BATCH queued pools and send them all at once or, careful, up to
 * TP_NOTIFY_CAREFUL_BATCH, one pool at a time.  Returns how many it took, or
 * -1 when the extension is gone from the database or its queue is not the
 * table the extension made.
 */
static bool tp_round_drained = false;

static int
tp_notifier_round(bool careful)
{
	TpNote	   *notes = NULL;
	int			n = 0;
	int			batch = careful ? TP_NOTIFY_CAREFUL_BATCH : TP_NOTIFY_BATCH;
	bool		drained = tp_round_drained;
	double		usage = 0;
	Oid			relid;

	/* until this round has committed */
	tp_round_drained = false;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "timepool notifier: sending");
	relid = tp_relid("notify_queue");
	if (!OidIsValid(relid) || !OidIsValid(tp_relid("reservations_pool_idx")))
		n = -1;
	else
	{
		Relation	rel = table_open(relid, AccessShareLock);

		AttrNumber	attnos[TP_QUEUE_NATTS];

		if (!tp_notify_queue_intact(rel, attnos))
		{
			ereport(WARNING,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("timepool's notifier stopped: timepool.notify_queue has been altered")));
			n = -1;
		}
		table_close(rel, AccessShareLock);
	}
	if (n == 0)
	{
		MemoryContext cxt = CurrentMemoryContext;
		uint64		i;
		bool		isnull;
		char		take[256];

		snprintf(take, sizeof(take),
				 "DELETE FROM timepool.notify_queue WHERE ctid = ANY (ARRAY ("
				 "SELECT ctid FROM timepool.notify_queue LIMIT %d))"
				 " RETURNING resource_id, pool_date, period, booked_minutes",
				 batch);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "timepool: SPI_connect failed");
		if (SPI_execute(take, false, 0) != SPI_OK_DELETE_RETURNING)
			elog(ERROR, "timepool: could not take the notify queue");
		n = (int) SPI_processed;
		if (n > 0)
		{
			notes = MemoryContextAlloc(cxt, sizeof(TpNote) * n);
			for (i = 0; i < SPI_processed; i++)
			{
				HeapTuple	t = SPI_tuptable->vals[i];
				TupleDesc	desc = SPI_tuptable->tupdesc;
				Datum		v;

				notes[i].resource_id = DatumGetInt64(SPI_getbinval(t, desc, 1, &isnull));
				notes[i].date = DatumGetDateADT(SPI_getbinval(t, desc, 2, &isnull));
				v = SPI_getbinval(t, desc, 3, &isnull);
				notes[i].period[0] = '\0';
				if (!isnull)
					text_to_cstring_buffer(DatumGetTextPP(v), notes[i].period, TP_CODE_MAXLEN + 1);
				notes[i].subid = InvalidSubTransactionId;
				notes[i].seq = 0;

				/*
				 * A commit's booked minutes are the pool's last state only
				 * when every row committed before it is in this round: the
				 * round before took all it saw, and this one does too (a row
				 * left behind may be an older commit of the same pool, and
				 * its figure would come after a newer one).  A careful round
				 * reads every pool.
				 */
				v = SPI_getbinval(t, desc, 4, &isnull);
				notes[i].booked = !isnull && drained && !careful && n < batch ?
					DatumGetInt64(v) : -1;
			}
			if (SPI_execute("SELECT pg_catalog.pg_notification_queue_usage()", true, 1) != SPI_OK_SELECT)
				elog(ERROR, "timepool: could not read the notification queue's usage");
			usage = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		}
	}
	/* the pools are read through SPI too (tp_load_day) */
	if (n > 0)
	{
		/*
		 * A listener that keeps a transaction open holds the queue's tail
		 * where it is: past half the queue, this round's payloads are
		 * dropped rather than fill it.
		 */
		if (usage >= 0.5)
			ereport(WARNING,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("timepool's notifier did not send %d pools: the notification queue is %.0f%% full", n, usage * 100),
					 errdetail("A session that listens has kept a transaction open."),
					 errhint("End that transaction (pg_stat_activity shows it).")));
		else
		{
			if (n > 1)
				qsort(notes, n, sizeof(TpNote), tp_cmp_note);
			if (careful)
			{
				int			i;

				for (i = 0; i < n; i++)
					if (i == 0 || tp_cmp_note(&notes[i], &notes[i - 1]) != 0)
						tp_notes_deliver_one(&notes[i]);
			}
			else
				tp_notes_deliver(notes, n);
		}
	}
	if (n >= 0)
		SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);
	tp_round_drained = n >= 0 && n < batch;
	return n;
}

/* whether the queue holds any row (the notifier, before it stops) */
static bool
tp_notifier_pending(void)
{
	bool		pending = false;

	StartTransactionCommand();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (OidIsValid(tp_relid("notify_queue")))
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "timepool: SPI_connect failed");
		if (SPI_execute("SELECT FROM timepool.notify_queue LIMIT 1", true, 1) != SPI_OK_SELECT)
			elog(ERROR, "timepool: could not read the notify queue");
		pending = SPI_processed > 0;
		SPI_finish();
	}
	PopActiveSnapshot();
	CommitTransactionCommand();
	return pending;
}

/*
 * Take the running lock.  A session's look at it (tp_notifier_running) holds
 * it for a moment, so it is tried for a while before it counts as another
 * notifier's.
 */
static bool
tp_notifier_lock(LOCKTAG *tag)
{
	int			i;

	for (i = 0; i < 50; i++)
	{
		if (LockAcquireExtended(tag, ExclusiveLock, true, true, false, NULL) != LOCKACQUIRE_NOT_AVAIL)
			return true;
		pg_usleep(2000L);
	}
	return false;
}

/*
 * A round, and what a failed one leaves.  A round that fails is rolled back
 * with the rows it took.  The next TP_NOTIFY_BATCH rows are then taken
 * carefully (*careful_left counts them down), TP_NOTIFY_CAREFUL_BATCH a
 * round, a subtransaction a pool: a pool that fails for a reason of its own
 * (a queued row no pool can be made of) is dropped with a WARNING, and the
 * rest are sent.  A careful round that fails too (a transient error: a
 * cancel, a deadlock with a TRUNCATE, a shortage) is retried after
 * TP_NOTIFY_IDLE_MS (*failures); the third in a row stops the notifier, its
 * rows still queued, for the next commit to start another.
 */
static int
tp_notifier_try_round(int *careful_left, int *failures)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile int n = 0;

	PG_TRY();
	{
		n = tp_notifier_round(*careful_left > 0);
		if (*careful_left > 0)
			*careful_left = n < TP_NOTIFY_CAREFUL_BATCH ? 0 : *careful_left - n;
		*failures = 0;
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		EmitErrorReport();
		FlushErrorState();
		/* out of a careful round's subtransaction too */
		AbortOutOfAnyTransaction();
		pgstat_report_activity(STATE_IDLE, NULL);
		if (*careful_left > 0 && ++*failures >= 3)
			proc_exit(1);
		*careful_left = TP_NOTIFY_BATCH;
		n = 0;
	}
	PG_END_TRY();
	return n;
}

/*
 * Whether the queue holds any row, an error taken as yes (the notifier then
 * goes on rather than leave rows behind).
 */
static bool
tp_notifier_try_pending(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	volatile bool pending = true;

	PG_TRY();
	{
		pending = tp_notifier_pending();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		EmitErrorReport();
		FlushErrorState();
		AbortOutOfAnyTransaction();
		pending = true;
	}
	PG_END_TRY();
	return pending;
}

/*
 * The notifier's main: the database's OID is its argument, the role it works
 * as (the owner of timepool's schema, that the commit which started it read)
 * is in bgw_extra.  One runs per database: a second one finds the running
 * lock taken and stops.
 */
void
tp_notifier_main(Datum arg)
{
	Oid			dboid = DatumGetObjectId(arg);
	Oid			owner;
	LOCKTAG		tag;
	int			idle = 0;
	int			careful_left = 0;
	int			failures = 0;

	memcpy(&owner, MyBgworkerEntry->bgw_extra, sizeof(Oid));
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	/*
	 * Connect as the bootstrap superuser, which no role setting, NOLOGIN or
	 * connection limit stops, and work as the schema's owner: the rows it
	 * reads and deletes are the owner's, and nothing it runs may change the
	 * session (a security-restricted operation).
	 */
	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	SetUserIdAndSecContext(owner, SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	pgstat_report_appname("timepool notifier");

	/*
	 * The database's settings do not reach the notifier's work: a read-only
	 * default or a timeout would make every round fail.
	 */
	SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("default_transaction_read_only", "off", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("default_transaction_isolation", "read committed", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("statement_timeout", "0", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("lock_timeout", "0", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("idle_in_transaction_session_timeout", "0", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("session_replication_role", "origin", PGC_SUSET, PGC_S_OVERRIDE);
	/* which would make every ERROR of a round a FATAL one */
	SetConfigOption("exit_on_error", "off", PGC_SUSET, PGC_S_OVERRIDE);
	/* the payload's dates are YYYY-MM-DD whatever the database's style */
	SetConfigOption("DateStyle", "ISO, YMD", PGC_SUSET, PGC_S_OVERRIDE);
	/* a payload lost in a crash is lost with the queue anyway */
	SetConfigOption("synchronous_commit", "off", PGC_SUSET, PGC_S_OVERRIDE);

	tp_notifier_tag(&tag, dboid, TP_NOTIFIER_RUNNING);
	if (!tp_notifier_lock(&tag))
		proc_exit(0);
	for (;;)
	{
		int			n = tp_notifier_try_round(&careful_left, &failures);

		if (n < 0)
			break;
		if (n == TP_NOTIFY_BATCH || (careful_left > 0 && failures == 0 && n > 0))
			continue;
		if (n > 0)
			idle = 0;
		else if (++idle * TP_NOTIFY_INTERVAL_MS >= TP_NOTIFY_IDLE_MS)
		{
			/*
			 * Stop: let go of the lock first, then look once more, so that a
			 * commit that found the lock held has its rows seen here.
			 */
			LockRelease(&tag, ExclusiveLock, true);
			if (!tp_notifier_try_pending() || !tp_notifier_lock(&tag))
				break;
			idle = 0;
			continue;
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 failures > 0 ? TP_NOTIFY_IDLE_MS : TP_NOTIFY_INTERVAL_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	proc_exit(0);
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

/*
 * An override: its date's pools (of its resource, or of every one); a
 * range's (1.6, end_date), those of its dates in the next
 * TP_NOTIFY_SCHEDULE_DAYS days from today, as for a weekly row.
 */
static void
tp_note_override_row(HeapTuple tuple, TupleDesc desc, DateADT today)
{
	bool		isnull;
	int64		resource_id;
	Datum		v;
	char		period[TP_CODE_MAXLEN + 1];
	DateADT		date,
				until,
				d;

	v = tp_row_value(tuple, desc, "resource_id", &isnull);
	resource_id = isnull ? 0 : DatumGetInt64(v);
	v = tp_row_value(tuple, desc, "date", &isnull);
	if (isnull)
		return;
	date = until = DatumGetDateADT(v);
	if (SPI_fnumber(desc, "end_date") > 0)
	{
		v = tp_row_value(tuple, desc, "end_date", &isnull);
		if (!isnull && DatumGetDateADT(v) > date)
			until = DatumGetDateADT(v);
	}
	tp_row_period(tuple, desc, period);
	if (until == date)
	{
		tp_note_pool(resource_id, date, period[0] != '\0' ? period : NULL);
		return;
	}
	for (d = Max(date, today); d <= until && d < today + TP_NOTIFY_SCHEDULE_DAYS; d++)
		tp_note_pool(resource_id, d, period[0] != '\0' ? period : NULL);
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
	if (tp_notify)
	{
		TpPolicy	pol;
		int			k;

		/* the earliest today of the group's locations: each one's pools */
		tp_cache_sync();
		tp_policy(NULL, 0, &pol);
		today = pol.today;
		for (k = 0; k < tp_cache_get()->nlocations; k++)
		{
			tp_policy(NULL, tp_cache_get()->locations[k].id, &pol);
			today = Min(today, pol.today);
		}
	}
	for (i = 0; i < nrows; i++)
	{
		if (weekly)
			tp_note_weekly_row(rows[i], desc, today);
		else
			tp_note_override_row(rows[i], desc, today);
	}
	SPI_finish();
	return PointerGetDatum(NULL);
}

/*
 * LISTEN on timepool_availability by a location's staff.  PostgreSQL has
 * no privilege on LISTEN: any role that connects can listen on any
 * channel, and this one's payloads carry the pools of every location.
 * Where timepool is loaded in every session (session_preload_libraries,
 * which the README's recipe for a location's staff sets), this hook
 * refuses the channel to a role that does not see every location
 * (tp_sees_every_location), whatever runs the LISTEN (psql, a function,
 * a DO block: each goes through ProcessUtility).  Where it is not loaded,
 * a session that has not called timepool yet is not refused.
 */
static ProcessUtility_hook_type tp_prev_utility = NULL;

static void
tp_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
		   ProcessUtilityContext context, ParamListInfo params,
		   QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	Node	   *stmt = pstmt->utilityStmt;

	if (stmt != NULL && IsA(stmt, ListenStmt) &&
		strcmp(((ListenStmt *) stmt)->conditionname, TP_NOTIFY_CHANNEL) == 0 &&
		IsTransactionState() && OidIsValid(get_extension_oid("timepool", true)) &&
		OidIsValid(tp_relid("location_staff")))
	{
		TpCommitScope scope;
		bool		every;

		tp_commit_scope_begin(&scope);
		every = tp_sees_every_location();
		tp_commit_scope_end(&scope);
		if (!every)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to listen on \"%s\"", TP_NOTIFY_CHANNEL),
					 errdetail("Its payloads carry the pools of every location, and the session's role is a location's staff (timepool.location_staff)."),
					 errhint("Read the location's pools with timepool.availability() or the report views.")));
	}
	if (tp_prev_utility)
		tp_prev_utility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv,
								dest, qc);
}

void
tp_listen_init(void)
{
	tp_prev_utility = ProcessUtility_hook;
	ProcessUtility_hook = tp_utility;
}
