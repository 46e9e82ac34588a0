/*-------------------------------------------------------------------------
 *
 * common.c
 *	  Module set-up, argument checks, SPI helpers and pool locks of the
 *	  timepool extension.
 *
 * IDENTIFICATION
 *	  src/common.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "commands/trigger.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "tcop/pquery.h"
#include "utils/acl.h"
#include "utils/portal.h"
#include "utils/inval.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/snapmgr.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(tp_lock_service);
PG_FUNCTION_INFO_V1(tp_lock_pool);

void		_PG_init(void);

/* timepool.notify: see _PG_init */
bool		tp_notify = false;

/* timepool.test_commit_pause: see _PG_init */
static int	tp_test_commit_pause = 0;

/*
 * timepool.lock_timeout: the longest wait for one of timepool's locks, in
 * milliseconds; 0 leaves it to PostgreSQL's lock_timeout.
 *
 * The default, 5 s: a pool's lock is held for the length of one decision,
 * about a millisecond.  40 clients booking into one pool without a pause
 * (pgbench, 2 cores, each booking in its own transaction, holding the lock
 * until its ROLLBACK) made about 1,100 bookings/s and waited 34 ms at the
 * median, 69 ms at the p99, 0.3 s at most.  A wait of 5 s therefore means a
 * transaction that does not end (a front desk's session left open after
 * booking), not a busy pool.  It is above
 * deadlock_timeout's default of 1 s, so a real deadlock is still found and
 * reported as such (40P01, retryable), and well below the 30 s after which
 * web servers and proxies usually give a request up, so the application
 * gets an answer to show rather than a dropped connection.
 */
static int	tp_lock_timeout = 5000;

static void tp_xact_callback(XactEvent event, void *arg);
static void tp_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								SubTransactionId parentSubid, void *arg);

/* timepool.today: the date taken as "today"; empty means current_date */
static char *tp_today_setting = NULL;
static DateADT tp_today_value = 0;
static bool tp_today_set = false;

static bool
tp_today_check(char **newval, void **extra, GucSource source)
{
	int			y,
				m,
				d;
	char		tail;
	int			oy,
				om,
				od;

	(void) extra;
	(void) source;
	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	if (sscanf(*newval, "%d-%d-%d%c", &y, &m, &d, &tail) != 3 ||
		y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
	{
		GUC_check_errdetail("timepool.today must be a date written YYYY-MM-DD, or empty.");
		return false;
	}
	j2date(date2j(y, m, d), &oy, &om, &od);
	if (oy != y || om != m || od != d)
	{
		GUC_check_errdetail("%s is not a calendar date.", *newval);
		return false;
	}
	return true;
}

/* timepool.now: the clinic's wall-clock time taken as now; empty means the real one */
static char *tp_now_setting = NULL;
static DateADT tp_now_date = 0;
static int64 tp_now_usecs = 0;
static bool tp_now_set = false;

/* "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS"; false if it is not one */
static bool
tp_parse_now(const char *s, DateADT *date, int64 *usecs)
{
	int			y,
				m,
				d,
				hh,
				mm,
				ss = 0,
				n,
				oy,
				om,
				od;
	char		tail;

	n = sscanf(s, "%d-%d-%d %d:%d:%d%c", &y, &m, &d, &hh, &mm, &ss, &tail);
	if (n != 5 && n != 6)
		return false;
	if (n == 5 && sscanf(s, "%d-%d-%d %d:%d%c", &y, &m, &d, &hh, &mm, &tail) != 5)
		return false;
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 ||
		hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
		return false;
	j2date(date2j(y, m, d), &oy, &om, &od);
	if (oy != y || om != m || od != d)
		return false;
	*date = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	*usecs = ((int64) (hh * 60 + mm) * 60 + ss) * USECS_PER_SEC;
	return true;
}

static bool
tp_now_check(char **newval, void **extra, GucSource source)
{
	DateADT		date;
	int64		usecs;

	(void) extra;
	(void) source;
	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	if (!tp_parse_now(*newval, &date, &usecs))
	{
		GUC_check_errdetail("timepool.now must be a calendar date and time written YYYY-MM-DD HH:MM[:SS], or empty.");
		return false;
	}
	return true;
}

static void
tp_now_assign(const char *newval, void *extra)
{
	(void) extra;
	tp_now_set = newval != NULL && newval[0] != '\0' &&
		tp_parse_now(newval, &tp_now_date, &tp_now_usecs);
}

/*
 * The frozen clinic time, if a superuser set timepool.now (which wins) or
 * timepool.today (midnight of that date): false when the clock runs.
 */
bool
tp_frozen_now(DateADT *date, int64 *usecs)
{
	if (tp_now_set)
	{
		*date = tp_now_date;
		*usecs = tp_now_usecs;
		return true;
	}
	if (tp_today_set)
	{
		*date = tp_today_value;
		*usecs = 0;
		return true;
	}
	return false;
}

static void
tp_today_assign(const char *newval, void *extra)
{
	int			y,
				m,
				d;

	(void) extra;
	if (newval == NULL || newval[0] == '\0' ||
		sscanf(newval, "%d-%d-%d", &y, &m, &d) != 3)
	{
		tp_today_set = false;
		return;
	}
	tp_today_value = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	tp_today_set = true;
}

void
_PG_init(void)
{
	DefineCustomStringVariable("timepool.today",
							   "Date that timepool takes as today, for tests.",
							   "Empty (the default) means today in the clinic's time zone. "
							   "Set it to a date written YYYY-MM-DD (years 1 to 9999) to freeze "
							   "now at midnight of that date for a test; timepool.now, when set, "
							   "wins. Only superusers can set it.",
							   &tp_today_setting,
							   "",
							   PGC_SUSET,
							   GUC_NOT_IN_SAMPLE,
							   tp_today_check,
							   tp_today_assign,
							   NULL);
	DefineCustomStringVariable("timepool.now",
							   "The clinic's wall-clock time that timepool takes as now, for tests.",
							   "Empty (the default) means the transaction's start time in the "
							   "clinic's time zone. Set it to YYYY-MM-DD HH:MM[:SS] (years 1 to "
							   "9999), a time in the clinic's time zone, to freeze now for a test. "
							   "Only superusers can set it.",
							   &tp_now_setting,
							   "",
							   PGC_SUSET,
							   GUC_NOT_IN_SAMPLE,
							   tp_now_check,
							   tp_now_assign,
							   NULL);
	DefineCustomIntVariable("timepool.test_commit_pause",
							"For tests: a commit that changed timepool's schedule waits on an advisory lock.",
							"0 (the default) is off. Set to a key from 1 to 2147483647, a "
							"transaction that changed a table timepool caches waits, once its "
							"commit is visible and before other sessions are told of the change, "
							"until pg_advisory_lock(key) is free. Only superusers can set it.",
							&tp_test_commit_pause,
							0, 0, PG_INT32_MAX,
							PGC_SUSET,
							GUC_NOT_IN_SAMPLE,
							NULL, NULL, NULL);
	DefineCustomIntVariable("timepool.lock_timeout",
							"Longest wait for one of timepool's locks, then SQLSTATE 55P03.",
							"A booking, a status change or a plain write that waits for a pool, "
							"a service's daily cap, an idempotency key or a service locked by "
							"another transaction fails with 55P03 once it has waited this long "
							"(each wait on its own).  0 to 2147483647 milliseconds; 0 means wait "
							"as long as PostgreSQL's lock_timeout allows.  A shorter lock_timeout "
							"still applies, with PostgreSQL's own error.  The default is 5 s.",
							&tp_lock_timeout,
							5000, 0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomBoolVariable("timepool.notify",
							 "Send NOTIFY timepool_availability for each pool a transaction changes.",
							 "Off (the default): nothing is sent.  On: at COMMIT, one payload per "
							 "pool the transaction's writes changed while it was on (notify.c).  "
							 "PostgreSQL serialises every commit that sends a NOTIFY, cluster-wide "
							 "and through the commit's flush, so with more writers than cores it "
							 "costs bookings throughput: turn it on for the databases whose changes "
							 "somebody listens to, with ALTER DATABASE ... SET timepool.notify = on.",
							 &tp_notify,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("timepool");
	RegisterXactCallback(tp_xact_callback, NULL);
	RegisterSubXactCallback(tp_subxact_callback, NULL);
	tp_cache_init();
	tp_staff_init();
	tp_listen_init();
}

/*
 * Prepare a query once per backend and keep its plan.
 */
SPIPlanPtr
tp_prepare(SPIPlanPtr *cache, const char *sql, int nargs, Oid *argtypes)
{
	if (*cache == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

		if (plan == NULL)
			elog(ERROR, "timepool: SPI_prepare failed: %s",
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "timepool: SPI_keepplan failed");
		*cache = plan;
	}
	return *cache;
}

/*
 * Run a saved plan, with the given snapshot when there is one.
 */
int
tp_execute(SPIPlanPtr plan, Datum *values, const char *nulls,
		   Snapshot snapshot, bool read_only, long count)
{
	int			rc;

	if (snapshot != InvalidSnapshot)
		rc = SPI_execute_snapshot(plan, values, nulls, snapshot,
								  InvalidSnapshot, read_only, true, count);
	else
		rc = SPI_execute_plan(plan, values, nulls, read_only, count);
	if (rc < 0)
		elog(ERROR, "timepool: SPI query failed: %s", SPI_result_code_string(rc));
	return rc;
}

/*
 * Check a resource, service or period code and copy it into out, which has
 * room for TP_CODE_MAXLEN + 1 bytes.
 */
void
tp_check_code(const char *what, text *code, char *out)
{
	int			len = VARSIZE_ANY_EXHDR(code);
	const char *p = VARDATA_ANY(code);
	int			i;

	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s code must not be empty", what)));
	if (len > TP_CODE_MAXLEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s code is too long", what),
				 errdetail("It has %d bytes; the limit is %d.", len, TP_CODE_MAXLEN)));
	for (i = 0; i < len; i++)
	{
		char		c = p[i];
		bool		ok = (c >= 'A' && c <= 'Z') ||
		(i > 0 && ((c >= '0' && c <= '9') || c == '_'));

		if (!ok)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s code \"%s\"", what,
							text_to_cstring(code)),
					 errhint("A code is an upper-case letter followed by up to 49 upper-case letters, digits or underscores.")));
	}
	memcpy(out, p, len);
	out[len] = '\0';
}

/*
 * Check that a date argument is finite; return it.
 */
DateADT
tp_check_date(const char *argname, Datum d)
{
	DateADT		date = DatumGetDateADT(d);

	if (DATE_NOT_FINITE(date))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite date", argname)));
	return date;
}

/*
 * Check that a time argument is a whole minute; return minutes after
 * midnight (0 to 1440, since time accepts 24:00).
 */
int
tp_check_time(const char *argname, Datum t)
{
	TimeADT		time = DatumGetTimeADT(t);

	if (time < 0 || time > USECS_PER_DAY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is out of range", argname)));
	if (time % USECS_PER_MINUTE != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a whole minute", argname),
				 errdetail("timepool schedules and books with minute precision.")));
	return (int) (time / USECS_PER_MINUTE);
}

/*
 * Check a free-text argument's length (in characters) and, unless
 * blank_ok, that it is not blank; return it as a C string.
 */
char *
tp_check_text(const char *argname, text *value, int maxlen, bool blank_ok)
{
	int			bytes = VARSIZE_ANY_EXHDR(value);
	const char *p = VARDATA_ANY(value);
	int			chars;

	chars = pg_mbstrlen_with_len(p, bytes);
	if (chars > maxlen)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is too long", argname),
				 errdetail("It has %d characters; the limit is %d.", chars, maxlen)));
	if (!blank_ok)
	{
		int			i;

		for (i = 0; i < bytes; i++)
			if (!isspace((unsigned char) p[i]))
				break;
		if (i == bytes)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must not be empty", argname)));
	}
	return text_to_cstring(value);
}

/*
 * The OID of the table timepool.<name>, or InvalidOid.
 */
Oid
tp_relid(const char *name)
{
	Oid			nsp = get_namespace_oid("timepool", true);

	return OidIsValid(nsp) ? get_relname_relid(name, nsp) : InvalidOid;
}

/*
 * Refuse to run a trigger function of timepool on any table but those it
 * was made for (names: timepool's tables, NULL-terminated), found by OID:
 * a table of the same name elsewhere, a temporary one say, is not one.
 */
void
tp_check_trigger_table(TriggerData *trig, const char *function, const char *const *names)
{
	Oid			relid = RelationGetRelid(trig->tg_relation);
	int			i;

	for (i = 0; names[i] != NULL; i++)
		if (relid == tp_relid(names[i]))
			return;
	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("%s() fired on table \"%s\"", function,
					get_rel_name(relid) ? get_rel_name(relid) : "?"),
			 errdetail("It is timepool's trigger function for its own tables and runs on nothing else.")));
}

/*
 * Whether a reservation with this status (len bytes, not NUL-terminated)
 * holds its pool's time: every status but CANCELLED, REJECTED and EXPIRED
 * (a HELD one until it expires: tp_hold_live() in policy.c).
 */
bool
tp_status_holds(const char *status, int len)
{
	return !((len == 9 && memcmp(status, "CANCELLED", 9) == 0) ||
			 (len == 8 && memcmp(status, "REJECTED", 8) == 0) ||
			 (len == 7 && memcmp(status, "EXPIRED", 7) == 0));
}

/*
 * A date as YYYY-MM-DD whatever DateStyle is.
 */
char *
tp_date_str(DateADT d)
{
	int			y,
				m,
				day;

	if (DATE_NOT_FINITE(d))
		return pstrdup(DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	if (y > 0)
		return psprintf("%04d-%02d-%02d", y, m, day);
	return psprintf("%04d-%02d-%02d BC", 1 - y, m, day);
}

/*
 * Minutes after midnight as HH:MM.
 */
char *
tp_time_str(int minutes)
{
	return psprintf("%02d:%02d", minutes / 60, minutes % 60);
}

/*
 * The pools whose keys this backend computed last, newest at
 * tp_pool_memo_next - 1: what a pool lock that timed out is named by
 * (tp_lock_name), since the locks are taken by key.
 */
#define TP_POOL_MEMO_SIZE 64

typedef struct TpPoolMemo
{
	bool		used;
	int32		key;
	int64		resource_id;
	DateADT		date;
	char		period[TP_CODE_MAXLEN + 1];
} TpPoolMemo;

static TpPoolMemo tp_pool_memo[TP_POOL_MEMO_SIZE];
static int	tp_pool_memo_next = 0;

/*
 * Second key of a pool's advisory lock: a 32-bit hash of (resource, date,
 * period).  Two pools may share a key; they then only wait on each other.
 */
int32
tp_pool_key(int64 resource_id, DateADT date, const char *period)
{
	uint32		h;
	TpPoolMemo *m;

	h = hash_bytes_uint32((uint32) resource_id);
	h = hash_combine(h, hash_bytes_uint32((uint32) ((uint64) resource_id >> 32)));
	h = hash_combine(h, hash_bytes_uint32((uint32) date));
	h = hash_combine(h, hash_bytes((const unsigned char *) period, strlen(period)));

	m = &tp_pool_memo[(tp_pool_memo_next + TP_POOL_MEMO_SIZE - 1) % TP_POOL_MEMO_SIZE];
	if (!m->used || m->key != (int32) h || m->resource_id != resource_id ||
		m->date != date || strcmp(m->period, period) != 0)
	{
		m = &tp_pool_memo[tp_pool_memo_next];
		tp_pool_memo_next = (tp_pool_memo_next + 1) % TP_POOL_MEMO_SIZE;
		m->used = true;
		m->key = (int32) h;
		m->resource_id = resource_id;
		m->date = date;
		strlcpy(m->period, period, sizeof(m->period));
	}
	return (int32) h;
}

/*
 * What a wait for one of timepool's locks waits for, to name it when it
 * times out.
 */
typedef struct TpLockWhat
{
	uint32		kind;			/* TP_LOCK_POOL, TP_LOCK_IDEMPOTENCY, ... */
	int32		pool_key;		/* TP_LOCK_POOL */
	int64		service_id;		/* TP_LOCK_SERVICE_DAY, TP_LOCK_SERVICE */
	DateADT		date;			/* TP_LOCK_SERVICE_DAY */
} TpLockWhat;

/* A resource's or a service's code from the cache, without loading it. */
static const char *
tp_cached_code(bool resource, int64 id)
{
	TpCache    *cache;
	int			i;

	/* a reload would free what the caller may still point into */
	if (!tp_cache_is_valid())
		return NULL;
	cache = tp_cache_get();
	if (resource)
	{
		for (i = 0; i < cache->nresources; i++)
			if (cache->resources[i].id == id)
				return cache->resources[i].code;
	}
	else
	{
		for (i = 0; i < cache->nservices; i++)
			if (cache->services[i].id == id)
				return cache->services[i].code;
	}
	return NULL;
}

/*
 * The message and DETAIL of a wait for what that timed out.  Built before
 * the wait, since after the timeout's error nothing but raising another
 * may be done.
 */
static void
tp_lock_name(const TpLockWhat *what, char **msg, char **detail)
{
	const char *code;
	char	   *name = NULL;
	int			i;

	switch (what->kind)
	{
		case TP_LOCK_POOL:
			for (i = 1; i <= TP_POOL_MEMO_SIZE && name == NULL; i++)
			{
				TpPoolMemo *m = &tp_pool_memo[(tp_pool_memo_next + TP_POOL_MEMO_SIZE - i) % TP_POOL_MEMO_SIZE];

				if (!m->used || m->key != what->pool_key)
					continue;
				code = tp_cached_code(true, m->resource_id);
				name = psprintf("%s of %s on %s", m->period,
								code ? code : psprintf("resource %lld", (long long) m->resource_id),
								tp_date_str(m->date));
			}
			if (name != NULL)
			{
				*msg = psprintf("timed out waiting for pool %s", name);
				*detail = psprintf("Another transaction has held the lock of pool %s (objid %u in pg_locks) longer than timepool.lock_timeout (%d ms).",
								   name, (uint32) what->pool_key, tp_lock_timeout);
			}
			else
			{
				*msg = pstrdup("timed out waiting for a pool");
				*detail = psprintf("Another transaction has held the lock of the pool whose objid in pg_locks is %u longer than timepool.lock_timeout (%d ms).",
								   (uint32) what->pool_key, tp_lock_timeout);
			}
			break;
		case TP_LOCK_SERVICE_DAY:
			code = tp_cached_code(false, what->service_id);
			name = code ? pstrdup(code) : psprintf("service %lld", (long long) what->service_id);
			*msg = psprintf("timed out waiting for the daily cap of %s on %s",
							name, tp_date_str(what->date));
			*detail = psprintf("Another transaction has held the lock of the daily cap of %s on %s longer than timepool.lock_timeout (%d ms).",
							   name, tp_date_str(what->date), tp_lock_timeout);
			break;
		case TP_LOCK_IDEMPOTENCY:
			/* the key itself is not echoed back: it may be a secret */
			*msg = pstrdup("timed out waiting for an earlier call with the same idempotency key");
			*detail = psprintf("Another transaction, an earlier call with the same idempotency key, has held the key's lock longer than timepool.lock_timeout (%d ms).",
							   tp_lock_timeout);
			break;
		default:
			code = tp_cached_code(false, what->service_id);
			name = code ? pstrdup(code) : psprintf("service %lld", (long long) what->service_id);
			*msg = psprintf("timed out waiting for service %s", name);
			*detail = psprintf("Another transaction has held the lock of service %s longer than timepool.lock_timeout (%d ms); timepool.delete_service() takes it alone, and bookings of the service share it.",
							   name, tp_lock_timeout);
			break;
	}
}

/*
 * Take a lock of timepool's, waiting at most timepool.lock_timeout.
 *
 * Granted at once, it costs one LockAcquire.  Otherwise it waits with
 * PostgreSQL's lock_timeout (LockTimeout, which ProcSleep arms for each
 * wait) lowered to timepool.lock_timeout for the wait, and turns the 55P03
 * that the timeout raises into one that names what was waited for.  When
 * lock_timeout is shorter it is left alone, and its own error stands.  Any
 * other error (a cancel or statement_timeout, 57014; a deadlock, 40P01)
 * goes through unchanged.  ProcessInterrupts has already taken the backend
 * out of the lock's wait queue when the error arrives here, and the abort
 * does the rest: the handler only raises the new error.
 */
static void
tp_lock_wait(const LOCKTAG *tag, LOCKMODE mode, const TpLockWhat *what)
{
	int			save_lock_timeout = LockTimeout;
	MemoryContext cxt = CurrentMemoryContext;
	char	   *msg;
	char	   *detail;

	if (LockAcquire(tag, mode, false, true) != LOCKACQUIRE_NOT_AVAIL)
		return;
	if (tp_lock_timeout == 0 || (LockTimeout > 0 && LockTimeout < tp_lock_timeout))
	{
		(void) LockAcquire(tag, mode, false, false);
		return;
	}
	tp_lock_name(what, &msg, &detail);
	LockTimeout = tp_lock_timeout;
	PG_TRY();
	{
		(void) LockAcquire(tag, mode, false, false);
	}
	PG_CATCH();
	{
		LockTimeout = save_lock_timeout;
		MemoryContextSwitchTo(cxt);
		if (geterrcode() != ERRCODE_LOCK_NOT_AVAILABLE)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg_internal("%s", msg),
				 errdetail_internal("%s", detail),
				 errhint("timepool's locks are held until the transaction that took them ends: look in pg_stat_activity for a session left 'idle in transaction'. Try again later.")));
	}
	PG_END_TRY();
	LockTimeout = save_lock_timeout;
}

/*
 * Take one of timepool's locks (see TP_LOCK_SPACE): an advisory lock whose
 * fourth tag field no SQL function uses, held to the end of the transaction.
 */
static void
tp_lock_tag(LOCKTAG *tag, uint32 kind, uint32 key)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, kind, key, TP_LOCK_SPACE);
}

static void
tp_advisory_xact_lock_mode(const TpLockWhat *what, uint32 key, LOCKMODE mode)
{
	LOCKTAG		tag;

	tp_lock_tag(&tag, what->kind, key);
	tp_lock_wait(&tag, mode, what);
}

static void
tp_advisory_xact_lock(const TpLockWhat *what, uint32 key)
{
	tp_advisory_xact_lock_mode(what, key, ExclusiveLock);
}

static int
tp_cmp_int32(const void *a, const void *b)
{
	int32		x = *(const int32 *) a;
	int32		y = *(const int32 *) b;

	return (x > y) - (x < y);
}

/*
 * Lock several pools in key order, so that two sessions locking overlapping
 * sets can never deadlock on each other.
 */
void
tp_lock_pool_keys(int32 *keys, int nkeys)
{
	int			i;

	qsort(keys, nkeys, sizeof(int32), tp_cmp_int32);
	for (i = 0; i < nkeys; i++)
	{
		TpLockWhat	what = {TP_LOCK_POOL, keys[i], 0, 0};

		if (i > 0 && keys[i] == keys[i - 1])
			continue;
		tp_advisory_xact_lock(&what, (uint32) keys[i]);
	}
}

/*
 * Release the pool locks tp_lock_pool_keys() took for keys (sorted by it,
 * each key once), all but those of the nkeep keys in keep.  A lock this transaction held already, for
 * an earlier write to that pool, stays held.
 */
void
tp_unlock_pool_keys_but(const int32 *keys, int nkeys, const int32 *keep, int nkeep)
{
	int			i;

	for (i = 0; i < nkeys; i++)
	{
		LOCKTAG		tag;
		bool		kept = false;
		int			k;

		for (k = 0; k < nkeep; k++)
			if (keys[i] == keep[k])
				kept = true;
		if ((i > 0 && keys[i] == keys[i - 1]) || kept)
			continue;
		tp_lock_tag(&tag, TP_LOCK_POOL, (uint32) keys[i]);
		LockRelease(&tag, ExclusiveLock, false);
	}
}

/*
 * Refuse a write to timepool's tables inside a security-restricted
 * operation: ANALYZE, VACUUM, CREATE INDEX, REINDEX, CLUSTER and REFRESH
 * MATERIALIZED VIEW (autovacuum's too) run index and view functions as
 * their owner, under whoever started the command.  Nothing legitimate
 * books there, and timepool would take the command's role for the writer.
 */
void
tp_refuse_restricted(void)
{
	if (InSecurityRestrictedOperation())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("timepool's tables cannot be changed within a security-restricted operation"),
				 errdetail("An index, view or maintenance function tried to change them during ANALYZE, VACUUM, CREATE INDEX, REINDEX, CLUSTER or REFRESH MATERIALIZED VIEW.")));
}

/*
 * Lock the daily cap of a service on a date.  Taken after the pool locks,
 * never before, so that the two kinds cannot deadlock.
 */
void
tp_lock_service_day(int64 service_id, DateADT date)
{
	uint32		h;
	TpLockWhat	what = {TP_LOCK_SERVICE_DAY, 0, service_id, date};

	h = hash_bytes_uint32((uint32) service_id);
	h = hash_combine(h, hash_bytes_uint32((uint32) ((uint64) service_id >> 32)));
	h = hash_combine(h, hash_bytes_uint32((uint32) date));
	tp_advisory_xact_lock(&what, h);
}

/* The owner of the function being called (timepool's owner). */
static Oid
tp_function_owner(FunctionCallInfo fcinfo)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fcinfo->flinfo->fn_oid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for function %u", fcinfo->flinfo->fn_oid);
	owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * A service's lock: bookings of it share it; timepool.delete_service() takes
 * it alone (tp_lock_service) before it counts the upcoming reservations.
 */
static uint32
tp_service_key(int64 service_id)
{
	return (uint32) DatumGetInt32(DirectFunctionCall1(hashint8, Int64GetDatum(service_id)));
}

void
tp_lock_service_shared(int64 service_id)
{
	TpLockWhat	what = {TP_LOCK_SERVICE, 0, service_id, 0};

	/*
	 * A database not yet updated to 1.2 has the delete_service() of 1.1,
	 * which takes this lock as pg_advisory_xact_lock(29811, hashint8(id)):
	 * share that one, until ALTER EXTENSION UPDATE.
	 */
	if (tp_cache_get()->legacy_service_lock)
	{
		LOCKTAG		tag;

		SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, TP_LOCK_SERVICE, tp_service_key(service_id), 2);
		tp_lock_wait(&tag, ShareLock, &what);
		return;
	}
	tp_advisory_xact_lock_mode(&what, tp_service_key(service_id), ShareLock);
}

/*
 * timepool.lock_service(p_service_id bigint): delete_service()'s exclusive
 * lock of a service.  Only the extension's owner may take it (it blocks
 * every booking of the service): delete_service() runs as that owner.
 */
Datum
tp_lock_service(PG_FUNCTION_ARGS)
{
	TpLockWhat	what = {TP_LOCK_SERVICE, 0, 0, 0};

	tp_require_writable("lock_service");

	if (!superuser() && GetUserId() != tp_function_owner(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for function lock_service"),
				 errdetail("Only timepool.delete_service() takes this lock.")));
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("p_service_id must not be null")));
	what.service_id = PG_GETARG_INT64(0);
	tp_advisory_xact_lock_mode(&what, tp_service_key(what.service_id), ExclusiveLock);
	PG_RETURN_VOID();
}

/*
 * The cached tables' commit order: the schedule lock.
 *
 * PostgreSQL makes a commit visible to other sessions before it sends the
 * commit's invalidation messages, and releases the transaction's locks only
 * after sending them.  A transaction that changed a cached table therefore
 * takes the schedule lock in ShareLock just before it commits
 * (tp_xact_callback), and every decision takes it in RowExclusiveLock for a
 * moment before it reads the cache (tp_cache_sync): a decision that starts
 * once the change is visible waits until its invalidations are out, then
 * takes them in.  Changes do not wait for each other.
 *
 * The lock is a relation lock on relation OID 0 (InvalidOid) of the
 * database: no relation ever has that OID (a user relation's OID, even
 * after the OID counter wraps, is 16384 or more, and catalogs have fixed
 * ones), so no SQL command can hold a lock on it (LOCK TABLE needs a
 * relation; functions that open a relation by OID let go of the lock when
 * there is none), while a decision's weak lock takes PostgreSQL's fast path
 * (a slot of the backend's own) instead of the shared lock table, which
 * every decision of every session would otherwise queue on.
 */
static bool tp_schedule_changed = false;

/* whether this session has loaded its cache once: before, none is stale */
static bool tp_cache_loaded_once = false;

void
tp_note_cache_loaded(void)
{
	tp_cache_loaded_once = true;
}


/*
 * The subtransactions that changed a cached table: a change rolled back
 * (ROLLBACK TO SAVEPOINT, an exception block) changed nothing.
 */
static SubTransactionId *tp_change_subids = NULL;
static int	tp_nchange_subids = 0;
static int	tp_maxchange_subids = 0;

void
tp_note_schedule_change(void)
{
	SubTransactionId sub = GetCurrentSubTransactionId();

	if (tp_nchange_subids > 0 && tp_change_subids[tp_nchange_subids - 1] == sub)
		return;
	if (tp_nchange_subids == tp_maxchange_subids)
	{
		int			newmax = Max(8, tp_maxchange_subids * 2);

		if (tp_change_subids == NULL)
			tp_change_subids = MemoryContextAlloc(TopTransactionContext,
												  sizeof(SubTransactionId) * newmax);
		else
			tp_change_subids = repalloc(tp_change_subids, sizeof(SubTransactionId) * newmax);
		tp_maxchange_subids = newmax;
	}
	tp_change_subids[tp_nchange_subids++] = sub;
	tp_schedule_changed = true;
}

static void
tp_schedule_changes_subxact(SubXactEvent event, SubTransactionId mySubid,
							SubTransactionId parentSubid)
{
	int			i,
				kept = 0;

	for (i = 0; i < tp_nchange_subids; i++)
	{
		if (tp_change_subids[i] == mySubid)
		{
			if (event == SUBXACT_EVENT_ABORT_SUB)
				continue;
			if (event == SUBXACT_EVENT_COMMIT_SUB)
				tp_change_subids[i] = parentSubid;
		}
		tp_change_subids[kept++] = tp_change_subids[i];
	}
	tp_nchange_subids = kept;
	tp_schedule_changed = kept > 0;
}

static void
tp_schedule_changes_reset(void)
{
	tp_change_subids = NULL;
	tp_nchange_subids = 0;
	tp_maxchange_subids = 0;
	tp_schedule_changed = false;
}

/*
 * Work at commit that reads the schedule and must come after any change of
 * it that commits first: the schedule lock in RowExclusiveLock to the end
 * of the transaction (a change's commit then waits for this one's, or this
 * one waits until the change's invalidations are out).  A transaction that
 * changed the schedule holds it in ShareLock already.
 */
void
tp_schedule_lock_to_commit(void)
{
	LOCKTAG		tag;

	if (tp_schedule_changed)
		return;
	SET_LOCKTAG_RELATION(tag, MyDatabaseId, InvalidOid);
	(void) LockAcquire(&tag, RowExclusiveLock, false, false);
}

void
tp_cache_sync(void)
{
	/*
	 * Before the first load there is no cache to be stale: the load reads the
	 * latest committed state.
	 */
	if (tp_cache_loaded_once)
	{
		LOCKTAG		tag;

		SET_LOCKTAG_RELATION(tag, MyDatabaseId, InvalidOid);
		if (LockAcquire(&tag, RowExclusiveLock, false, false) == LOCKACQUIRE_OK)
			LockRelease(&tag, RowExclusiveLock, false);
	}
	tp_cache_accept();
}

/*
 * Tests only (timepool.test_commit_pause): once this transaction's commit
 * is visible and before its invalidations are sent, wait until the SQL
 * advisory lock pg_advisory_lock(key) is free.
 *
 * This runs after the commit record, with interrupts held, where an error
 * would be a PANIC: the wait must not fail.  It never runs the deadlock
 * check (a session that holds the key and then waits for this one's schedule
 * lock is the one the detector fails, with 40P01) and ignores lock_timeout.
 */
static void
tp_commit_pause(void)
{
	LOCKTAG		tag;
	int			save_deadlock = DeadlockTimeout;
	int			save_lock = LockTimeout;

	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, 0, (uint32) tp_test_commit_pause, 1);
	DeadlockTimeout = INT_MAX;
	LockTimeout = 0;
	if (LockAcquire(&tag, ExclusiveLock, false, false) == LOCKACQUIRE_OK)
		LockRelease(&tag, ExclusiveLock, false);
	DeadlockTimeout = save_deadlock;
	LockTimeout = save_lock;
}

/* the owner of timepool's schema: the role its work at COMMIT runs as */
Oid
tp_schema_owner(void)
{
	Oid			nsp = get_namespace_oid("timepool", false);
	HeapTuple	nt = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nsp));
	Oid			owner;

	if (!HeapTupleIsValid(nt))
		elog(ERROR, "timepool: no schema");
	owner = ((Form_pg_namespace) GETSTRUCT(nt))->nspowner;
	ReleaseSysCache(nt);
	return owner;
}

/*
 * Work at COMMIT that reads the cache (a reload of it is read with SPI).  At
 * COMMIT no function of timepool's runs: the work runs as the owner of
 * timepool's schema, as a SECURITY DEFINER function would, with its
 * search_path pinned, and as a security-restricted operation, so that
 * neither a committing role without rights on the tables (the public
 * site's) is refused, nor one with CREATE somewhere feeds the cache.
 */
void
tp_commit_scope_begin(TpCommitScope *scope)
{
	tp_owner_scope_begin(scope);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	PushActiveSnapshot(GetLatestSnapshot());
}

void
tp_commit_scope_end(TpCommitScope *scope)
{
	PopActiveSnapshot();
	SPI_finish();
	tp_owner_scope_end(scope);
}

/*
 * Run as the owner of timepool's schema, as a SECURITY DEFINER function of
 * timepool's would: its search_path pinned, and as a security-restricted
 * operation.  The one place that switches; an error on the way is undone
 * with the (sub)transaction, which restores the user and the GUCs.
 */
void
tp_owner_scope_begin(TpCommitScope *scope)
{
	Oid			owner = tp_schema_owner();

	GetUserIdAndSecContext(&scope->save_userid, &scope->save_sec);
	SetUserIdAndSecContext(owner, scope->save_sec | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	scope->save_nest = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

void
tp_owner_scope_end(TpCommitScope *scope)
{
	AtEOXact_GUC(true, scope->save_nest);
	SetUserIdAndSecContext(scope->save_userid, scope->save_sec);
}

static void
tp_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					SubTransactionId parentSubid, void *arg)
{
	(void) arg;
	tp_clock_writes_subxact(event, mySubid, parentSubid);
	tp_schedule_changes_subxact(event, mySubid, parentSubid);
	tp_notes_subxact(event, mySubid, parentSubid);
}

static void
tp_xact_callback(XactEvent event, void *arg)
{
	(void) arg;
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
			if (tp_schedule_changed)
			{
				LOCKTAG		tag;

				SET_LOCKTAG_RELATION(tag, MyDatabaseId, InvalidOid);
				(void) LockAcquire(&tag, ShareLock, false, false);
			}
			/* this transaction's clock writes, on what is committed now */
			tp_clock_writes_check(tp_schedule_changed, false);
			/* then the pools it changed, for the notifier to send */
			tp_notes_queue();
			break;
		case XACT_EVENT_PRE_PREPARE:

			/*
			 * A prepared transaction would hold the schedule lock, and with
			 * it every decision in the database, until somebody commits it,
			 * across restarts; without the lock its COMMIT PREPARED would not
			 * be ordered.  Refuse it: change the schedule in an ordinary
			 * transaction.
			 */
			if (tp_schedule_changed)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot PREPARE a transaction that changed timepool's schedule"),
						 errdetail("It changed resources, services, the settings, the weekly schedule or the overrides."),
						 errhint("Make such changes in a transaction of their own, committed directly.")));
			tp_clock_writes_check(false, true);
			break;
		case XACT_EVENT_COMMIT:
			if (tp_schedule_changed && tp_test_commit_pause != 0)
				tp_commit_pause();
			tp_notes_committed();
			tp_importing = false;
			tp_schedule_changes_reset();
			tp_clock_writes_reset();
			tp_notes_reset();
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PARALLEL_COMMIT:
			tp_importing = false;
			tp_schedule_changes_reset();
			tp_clock_writes_reset();
			tp_notes_reset();
			break;
		default:
			break;
	}
}

void
tp_lock_idempotency(const char *key)
{
	TpLockWhat	what = {TP_LOCK_IDEMPOTENCY, 0, 0, 0};

	tp_advisory_xact_lock(&what, hash_bytes((const unsigned char *) key, strlen(key)));
}

/*
 * The one rule for a function that writes where nothing can be written: a
 * hot standby (every transaction there is read-only) and, for those that
 * write, a read-only transaction.  Refused with PostgreSQL's own SQLSTATE,
 * 25006, before the function reads or locks anything: a standby's locks
 * hold back nobody on the primary, and its answer would be a decision
 * nobody can keep.
 */
static void
tp_refuse_read_only(const char *fname, bool standby_only)
{
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot execute timepool.%s() on a hot standby", fname),
				 errdetail("The server is replaying the primary's WAL: every transaction here is read-only."),
				 errhint("Call it on the primary; with libpq, list the servers in the connection string and add target_session_attrs=read-write.")));
	if (!standby_only && XactReadOnly)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot execute timepool.%s() in a read-only transaction", fname)));
}

void
tp_require_writable(const char *fname)
{
	tp_refuse_read_only(fname, false);
}

/* notify_wait() writes nothing, but only a primary has a notifier */
void
tp_require_primary(const char *fname)
{
	tp_refuse_read_only(fname, true);
}

/*
 * timepool.lock_pool(p_resource_id bigint, p_date date, p_period text):
 * takes the lock that every write to the pool takes, to the end of the
 * transaction, to hold the pool still.  Granted to nobody by default.
 */
Datum
tp_lock_pool(PG_FUNCTION_ARGS)
{
	char		period[TP_CODE_MAXLEN + 1];
	int32		key;

	tp_require_writable("lock_pool");

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null",
						PG_ARGISNULL(0) ? "p_resource_id" : PG_ARGISNULL(1) ? "p_date" : "p_period")));
	tp_check_code("period", PG_GETARG_TEXT_PP(2), period);
	/* a pool of a location the session's role does not see: none */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	if (!tp_sees_location(tp_resource_location(PG_GETARG_INT64(0))))
		ereport(ERROR,
				(errcode(ERRCODE_TP_UNKNOWN_OBJECT),
				 errmsg("resource " INT64_FORMAT " does not exist", PG_GETARG_INT64(0))));
	SPI_finish();
	key = tp_pool_key(PG_GETARG_INT64(0), tp_check_date("p_date", PG_GETARG_DATUM(1)), period);
	tp_lock_pool_keys(&key, 1);
	PG_RETURN_VOID();
}

/*
 * Whether the row being written to rel is restored from a dump: the one
 * place that decides it.  The guard takes such a row without judging its
 * pool (a restore keeps every row where the dump had it, in a pool closed
 * or cut since), and the audit log does not log it again.
 *
 * A restore is what pg_dump's output does and nothing else does by chance:
 *   - the statement the session runs is a COPY FROM STDIN, with no WHERE,
 *     into rel named with its schema (pg_dump writes the data so; psql and
 *     pg_restore send it so); the name is looked up here under the
 *     trigger's search_path, which a schema-qualified name does not need;
 *   - check_function_bodies is off, as pg_dump's scripts and pg_restore set
 *     it before anything else (a DBA's COPY or \copy leaves it on);
 *   - the session's role owns rel or is a superuser: only a role that could
 *     disable the triggers anyway.
 * The rows' own values play no part: a created_at that an application
 * wrote (in the future, say) cannot make its row fail to restore.
 * A plain INSERT, INSERT ... SELECT or UPDATE is never a restore, whoever
 * runs it and whatever its created_at (before 1.6 an old created_at by a
 * superuser was enough, and an INSERT ... SELECT of history overbooked
 * future pools silently).  A write that the owner's own trigger makes
 * during such a COPY counts as restored too.
 */
bool
tp_restoring(Relation rel)
{
	Portal		portal = ActivePortal;
	PlannedStmt *ps;
	CopyStmt   *copy;
	Oid			role = GetOuterUserId();

	if (check_function_bodies)
		return false;
	if (portal == NULL || portal->commandTag != CMDTAG_COPY ||
		list_length(portal->stmts) != 1)
		return false;
	ps = linitial_node(PlannedStmt, portal->stmts);
	if (ps->commandType != CMD_UTILITY || ps->utilityStmt == NULL ||
		!IsA(ps->utilityStmt, CopyStmt))
		return false;
	copy = (CopyStmt *) ps->utilityStmt;
	if (!copy->is_from || copy->is_program || copy->filename != NULL ||
		copy->relation == NULL || copy->relation->schemaname == NULL ||
		copy->query != NULL || copy->whereClause != NULL)
		return false;
	if (RangeVarGetRelid(copy->relation, NoLock, true) != RelationGetRelid(rel))
		return false;
	return superuser_arg(role) || has_privs_of_role(role, rel->rd_rel->relowner);
}

/*
 * import_reservations() is running (import.c): the guard then takes the
 * history it imports as it was.  Reset at every transaction's end.
 */
bool		tp_importing = false;

/*
 * Whether a row the guard sees, of a reservation on date ending at end_min,
 * is history that import_reservations() imports, the other place besides a
 * restore (tp_restoring) where a row may go into a pool over its capacity:
 * the import runs, the session's role could disable the triggers anyway
 * (the function checks the same role), and the row has ended by the
 * clinic's now at the resource's location (the clock the import was
 * given too).  A row of the import that has not ended is a booking,
 * decided by every rule.
 */
bool
tp_imported_history(Relation rel, int64 location_id, DateADT date, int end_min)
{
	TpPolicy	pol;
	Oid			role = GetOuterUserId();

	if (!tp_importing)
		return false;
	if (!superuser_arg(role) && !has_privs_of_role(role, rel->rd_rel->relowner))
		return false;
	tp_policy(NULL, location_id, &pol);
	return date < pol.now_date ||
		(date == pol.now_date && (int64) end_min * 60 * USECS_PER_SEC <= pol.now_usecs);
}
