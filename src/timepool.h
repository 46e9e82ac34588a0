/*-------------------------------------------------------------------------
 *
 * timepool.h
 *	  Shared declarations of the timepool extension: the day's pools of a
 *	  resource, argument checks, pool locks and error codes.
 *
 * IDENTIFICATION
 *	  src/timepool.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TIMEPOOL_H
#define TIMEPOOL_H

#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "pgtime.h"
#include "fmgr.h"
#include "utils/date.h"
#include "utils/timestamp.h"
#include "utils/snapshot.h"

/* Longest resource, service or period code (the format is ^[A-Z][A-Z0-9_]{0,49}$). */
#define TP_CODE_MAXLEN		50
#define TP_MINUTES_PER_DAY	1440
/* Largest p_details of a booking, in bytes (jsonb, uncompressed). */
#define TP_DETAILS_MAXBYTES	65536

/*
 * timepool's lock space.  Its locks are advisory locks of the database whose
 * fourth tag field is TP_LOCK_SPACE: the SQL-level advisory lock functions
 * only ever use 1 (one bigint key) and 2 (two int4 keys) there, so no SQL
 * call can take, wait for or release a lock of timepool's (pg_locks shows
 * them as locktype 'advisory' with objsubid 29808).  The second field says
 * what is locked, the third which one.  All are transaction-level but the
 * notifier's.
 */
#define TP_LOCK_SPACE		29808	/* 0x7470, "tp" */
#define TP_LOCK_POOL		29808	/* one pool; key = tp_pool_key() */
#define TP_LOCK_IDEMPOTENCY	29809	/* one idempotency key; key = hash of the
									 * key */
#define TP_LOCK_SERVICE_DAY	29810	/* one service's daily cap on a date; key
									 * = a hash */
#define TP_LOCK_SERVICE		29811	/* one service: bookings share it,
									 * delete_service() excludes them; key =
									 * hashint8(id) */
#define TP_LOCK_NOTIFIER	29812	/* the database's notifier (notify.c):
									 * key 0 the running one's, key 1 the
									 * starting one's; session locks */
/*
 * The schedule lock (the cached tables' commit order) is not one of these:
 * see tp_cache_sync() in common.c.
 */

/* SQLSTATEs of the refusals */
#define ERRCODE_TP_NO_TIME_LEFT		MAKE_SQLSTATE('T','P','0','0','1')
#define ERRCODE_TP_OUTSIDE_SCHEDULE	MAKE_SQLSTATE('T','P','0','0','2')
#define ERRCODE_TP_UNKNOWN_OBJECT	MAKE_SQLSTATE('T','P','0','0','3')
#define ERRCODE_TP_BAD_TRANSITION	MAKE_SQLSTATE('T','P','0','0','4')
#define ERRCODE_TP_OUTSIDE_WINDOW	MAKE_SQLSTATE('T','P','0','0','5')
#define ERRCODE_TP_DAILY_CAP		MAKE_SQLSTATE('T','P','0','0','6')
#define ERRCODE_TP_CLOCK_OVERLAP	MAKE_SQLSTATE('T','P','0','0','7')
#define ERRCODE_TP_NOT_PERFORMED	MAKE_SQLSTATE('T','P','0','0','8')
#define ERRCODE_TP_HOLD_ENDED		MAKE_SQLSTATE('T','P','0','0','9')

/*
 * Which statuses hold a pool's time: all but these two.  tp_status_holds()
 * is the rule in C; TP_HOLDS_TIME_SQL is the same rule for timepool's own
 * queries.  The SQL scripts say it too, where C cannot: the predicates of
 * the pool and service-day indexes (which the direct index scan relies on)
 * and delete_service()'s count of upcoming reservations.
 */
#define TP_STATUSES_FREE_SQL	"('CANCELLED', 'REJECTED', 'EXPIRED')"
#define TP_HOLDS_TIME_SQL		"status NOT IN " TP_STATUSES_FREE_SQL

/* a service's notice or advance limit left NULL: the clinic's applies */
#define TP_INHERIT			(-1)
/* a service's daily cap left NULL: no cap */
#define TP_NO_CAP			(-1)
/* a resource's max_concurrent left NULL: no clock limit */
#define TP_NO_LIMIT			(-1)

/* One pool of a resource on a date, after overrides. */
typedef struct TpPool
{
	char		period[TP_CODE_MAXLEN + 1];
	int			start_min;		/* minutes after midnight */
	int			end_min;		/* exclusive; up to 1440 */
	int			capacity;		/* minutes; 0 when closed */
	bool		closed;
} TpPool;

/* One resource's pools on a date, ordered by start time. */
typedef struct TpResourceDay
{
	int64		resource_id;
	char		code[TP_CODE_MAXLEN + 1];
	int64		location_id;	/* 0 before 1.7: the clinic's settings */
	int			max_concurrent; /* TP_NO_LIMIT: no clock limit */
	int			npools;
	TpPool	   *pools;
} TpResourceDay;

/* A service as read from timepool.services. */
typedef struct TpService
{
	int64		id;
	char		code[TP_CODE_MAXLEN + 1];
	char	   *name;
	int			duration;
	int			buffer;
	int			required;
	Datum		price;
	bool		price_isnull;
	int			notice;			/* minutes; TP_INHERIT = the clinic's */
	int			advance;		/* days; TP_INHERIT = the clinic's */
	int			daily_cap;		/* minutes; TP_NO_CAP = none */
	int			cancel_notice;	/* minutes; TP_INHERIT = the clinic's */
	bool		visible;		/* offered online (is_visible) */
	int			fixed_required; /* > 0: a reschedule, which keeps the
								 * reservation's duration and buffer */
} TpService;

/* An override row. */
typedef struct TpOverride
{
	DateADT		date;
	DateADT		until;			/* its last date (date: date alone) */
	int64		resource_id;	/* 0 = every resource */
	bool		whole_day;
	char		period[TP_CODE_MAXLEN + 1];
	bool		closed;
	int			start_min;
	int			end_min;
	int			capacity;
} TpOverride;

/* Cached rows of the small tables (cache.c). */
typedef struct TpCachedResource
{
	int64		id;
	char		code[TP_CODE_MAXLEN + 1];
	bool		active;
	int64		location_id;	/* 0 before 1.7 */
	int			max_concurrent; /* TP_NO_LIMIT: none */
	int			skill_first;	/* its rows in TpCache.skills */
	int			nskills;		/* 0: performs every service */
	int			slot_first;		/* its rows in TpCache.slots */
	int			nslots;
} TpCachedResource;

typedef struct TpCachedSlot
{
	int64		resource_id;
	int			dow;
	char		period[TP_CODE_MAXLEN + 1];
	int			start_min;
	int			end_min;
	int			capacity;
	DateADT		from;			/* DATE_NOBEGIN when open */
	DateADT		until;			/* DATE_NOEND when open */
} TpCachedSlot;

typedef struct TpCachedService
{
	int64		id;
	char		code[TP_CODE_MAXLEN + 1];
	char	   *name;
	int			duration;
	int			buffer;
	Datum		price;
	bool		price_isnull;
	bool		active;
	bool		deleted;
	bool		visible;
	int			notice;			/* as in TpService */
	int			advance;
	int			daily_cap;
	int			cancel_notice;	/* minutes; TP_INHERIT = the clinic's */
} TpCachedService;

/*
 * A location's clock and booking policy (1.7), its NULLs resolved to the
 * group's settings; the group itself (TpCache.group, location id 0) is the
 * row of timepool.settings.  tp_location() finds one.
 */
typedef struct TpCachedLocation
{
	int64		id;				/* 0: the group (timepool.settings) */
	char		code[TP_CODE_MAXLEN + 1];
	char		time_zone[TZ_STRLEN_MAX + 1];
	int			notice;			/* minutes */
	int			advance;		/* days */
	int			cancel_notice;	/* minutes */
	bool		online_confirmed;	/* online_status = 'CONFIRMED' */
	bool		gap_known;		/* tp_wall_gap()'s last answer, for gap_date */
	DateADT		gap_date;
	bool		gap_has;
	int			gap_start;
	int			gap_end;
} TpCachedLocation;

/* A row of timepool.location_staff (1.7): a role at a location. */
typedef struct TpCachedStaff
{
	Oid			role;
	int64		location_id;
} TpCachedStaff;

typedef struct TpCache
{
	TpCachedResource *resources;	/* every resource, by code (C collation) */
	int			nresources;
	TpCachedSlot *slots;		/* active weekly rows */
	int			nslots;
	TpOverride *overrides;		/* the overrides of one date, by date */
	int			noverrides;
	TpOverride *ranges;			/* those of a range of dates (1.6), by date */
	int			nranges;
	TpCachedService *services;	/* by code; for one code, the live row first */
	int			nservices;
	int64	   *skills;			/* resource_services' service ids, by resource
								 * (see TpCachedResource) and id */
	int			nskills;
	bool		has_policy;		/* the schema is 1.1 or later: settings exist */
	bool		has_clock;		/* 1.3 or later: max_concurrent and
								 * resource_services exist, and the pool index
								 * carries start and end times */
	bool		has_holds;		/* 1.4 or later: holds, whose expiry the pool
								 * index carries too, and the online settings */
	bool		has_locations;	/* 1.7 or later: timepool.locations */
	bool		legacy_service_lock;	/* before 1.2: delete_service() locks
										 * a service with
										 * pg_advisory_xact_lock(29811, ...) */
	TpCachedLocation group;		/* timepool.settings */
	TpCachedLocation *locations;	/* by code (C collation) */
	int			nlocations;
	TpCachedStaff *staff;		/* timepool.location_staff, by role */
	int			nstaff;
	Oid			reservations;	/* timepool.reservations */
	Oid			pool_index;		/* timepool.reservations_pool_idx */
	AttrNumber	att_date;		/* its columns the pool scan reads */
	AttrNumber	att_resource;
	AttrNumber	att_period;
	AttrNumber	att_required;
	AttrNumber	att_status;
	AttrNumber	att_start;
	AttrNumber	att_end;
	AttrNumber	att_expires;	/* hold_expires_at; 0 before 1.4 */
} TpCache;

/* cache.c */
extern void tp_cache_init(void);
extern TpCache *tp_cache_get(void);
extern void tp_cache_accept(void);
extern TpCachedLocation *tp_location(int64 location_id);
extern int64 tp_resource_location(int64 resource_id);

/* common.c: work as timepool's owner (a cache load; at COMMIT, with SPI) */
typedef struct TpCommitScope
{
	Oid			save_userid;
	int			save_sec;
	int			save_nest;
} TpCommitScope;
extern void tp_schedule_lock_to_commit(void);
extern Oid	tp_schema_owner(void);
extern bool tp_restoring(Relation rel);
extern bool tp_importing;
extern bool tp_imported_history(Relation rel, int64 location_id, DateADT date, int end_min);
extern void tp_owner_scope_begin(TpCommitScope *scope);
extern void tp_owner_scope_end(TpCommitScope *scope);
extern void tp_commit_scope_begin(TpCommitScope *scope);
extern void tp_commit_scope_end(TpCommitScope *scope);

/* notify.c: NOTIFY timepool_availability, sent by the notifier */
#define TP_NOTIFY_CHANNEL "timepool_availability"
extern bool tp_notify;			/* timepool.notify */
/* a weekly row's change is sent for its pools of this many days from today */
#define TP_NOTIFY_SCHEDULE_DAYS 31
/* the notifier takes the queue this often, at most this many rows a round */
#define TP_NOTIFY_INTERVAL_MS 100
#define TP_NOTIFY_BATCH 10000
/* after a failed round, the rows taken this many a round, a pool at a time */
#define TP_NOTIFY_CAREFUL_BATCH 100
/* and stops after this long with nothing to send */
#define TP_NOTIFY_IDLE_MS 1000
/* a commit that starts a notifier waits at most this long for it to run */
#define TP_NOTIFY_START_MS 1000
extern void tp_note_pool(int64 resource_id, DateADT date, const char *period);
extern void tp_note_booked(int64 resource_id, DateADT date, const char *period, int64 booked);
extern void tp_notes_queue(void);
extern void tp_notes_committed(void);
extern void tp_notes_subxact(SubXactEvent event, SubTransactionId mySubid,
							 SubTransactionId parentSubid);
extern void tp_notes_reset(void);
extern bool tp_cache_is_valid(void);
extern uint64 tp_cache_changes(void);

/* The clinic's clock and a service's booking window (policy.c). */
typedef struct TpPolicy
{
	DateADT		today;			/* in the clinic's time zone */
	DateADT		earliest_date;	/* a booking may start at (earliest_date,
								 * earliest_min) */
	int			earliest_min;	/* or later; 1440 = not on earliest_date */
	DateADT		last_date;		/* and on last_date or earlier (DATE_NOEND: no
								 * limit) */
	int			notice;			/* minutes of notice that apply */
	int			advance;		/* days ahead that apply; -1 (none) under 1.0 */
	DateADT		now_date;		/* now on the clinic's wall clock */
	int64		now_usecs;
	bool		legacy;			/* the database is at 1.0: only past dates
								 * count */
} TpPolicy;

/*
 * policy.c.  Each rule of the clock takes the location whose clock it reads
 * (location_id; 0 = the group's, timepool.settings): a resource's is
 * tp_resource_location().
 */
extern void tp_policy(const TpService *svc, int64 location_id, TpPolicy *out);
extern void tp_check_policy(const TpService *svc, const TpPolicy *pol, DateADT date, int start);
extern bool tp_policy_allows(const TpPolicy *pol, DateADT date, int start);
extern int	tp_policy_first_minute(const TpPolicy *pol, DateADT date);
extern bool tp_wall_gap(int64 location_id, DateADT date, int *gap_start, int *gap_end);
extern bool tp_gap_overlaps(int g0, int g1, int start, int end);
extern bool tp_window_in_gap(int64 location_id, DateADT date, int start, int end,
							 int *gap_start, int *gap_end);
extern void tp_check_wall_clock(int64 location_id, DateADT date, int start, int end);
extern void tp_check_status_clock(int64 location_id, int64 id, const char *status,
								  DateADT date, int start);
extern TimestampTz tp_hold_clock(bool live);
extern void tp_check_change_notice(const TpService *svc, int64 location_id, DateADT date, int start);
extern void tp_check_not_started(int64 location_id, DateADT date, int start);
extern bool tp_hold_live(TimestampTz expires, TimestampTz now);
extern bool tp_online_confirmed(int64 location_id);
extern bool tp_location_arg(FunctionCallInfo fcinfo, int argno, char *code);
extern int64 tp_location_id(const char *code);
extern int64 tp_call_location(const char *code, int64 resource_id, bool choose);
extern bool tp_sees_location(int64 location_id);
extern bool tp_sees_every_location(void);
extern int64 tp_only_location(int *n);
extern void tp_staff_init(void);
extern void tp_listen_init(void);

/* common.c */
extern SPIPlanPtr tp_prepare(SPIPlanPtr *cache, const char *sql, int nargs, Oid *argtypes);
extern int	tp_execute(SPIPlanPtr plan, Datum *values, const char *nulls,
					   Snapshot snapshot, bool read_only, long count);
extern void tp_check_code(const char *what, text *code, char *out);
extern DateADT tp_check_date(const char *argname, Datum d);
extern int	tp_check_time(const char *argname, Datum t);
extern char *tp_check_text(const char *argname, text *value, int maxlen, bool blank_ok);
extern bool tp_status_holds(const char *status, int len);
extern char *tp_date_str(DateADT d);
extern char *tp_time_str(int minutes);
extern int32 tp_pool_key(int64 resource_id, DateADT date, const char *period);
extern void tp_lock_pool_keys(int32 *keys, int nkeys);
extern void tp_require_writable(const char *fname);
extern void tp_require_primary(const char *fname);
extern void tp_unlock_pool_keys_but(const int32 *keys, int nkeys, const int32 *keep, int nkeep);
extern void tp_refuse_restricted(void);
extern void tp_lock_idempotency(const char *key);
extern void tp_lock_service_day(int64 service_id, DateADT date);
extern void tp_lock_service_shared(int64 service_id);
extern bool tp_frozen_now(DateADT *date, int64 *usecs);
extern void tp_note_schedule_change(void);
extern Oid	tp_relid(const char *name);
struct TriggerData;
extern void tp_check_trigger_table(struct TriggerData *trig, const char *function,
								   const char *const *names);
extern void tp_cache_sync(void);
extern void tp_note_cache_loaded(void);

/* schedule.c */
extern int	tp_load_day(DateADT date, int64 resource_id, int64 location_id, TpResourceDay **out);
extern TpPool *tp_find_pool_at(TpResourceDay *day, int minute);
extern TpPool *tp_find_pool_for(TpResourceDay *day, int minute, int end);
extern TpPool *tp_find_pool_named(TpResourceDay *day, const char *period);

/* One holding reservation of a resource on a date, as the pool index has it. */
/* what a holding reservation's status says of its minutes (reports) */
typedef enum TpRowKind
{
	TP_ROW_UNKNOWN,				/* the index does not carry the status (1.4) */
	TP_ROW_OPEN,				/* PENDING or CONFIRMED */
	TP_ROW_HELD,				/* a live hold */
	TP_ROW_COMPLETED,
	TP_ROW_NO_SHOW
} TpRowKind;

typedef struct TpBooking
{
	DateADT		date;
	int64		resource_id;
	TpRowKind	kind;
	char		period[TP_CODE_MAXLEN + 1];
	int			required;		/* minutes it holds in its pool */
	int			start_min;		/* its window on the clock; -1 when the */
	int			end_min;		/* index does not carry it (before 1.3) */
} TpBooking;
typedef void (*TpBookedFn) (void *arg, const TpBooking *b);
typedef bool (*TpWantFn) (void *arg, const TpBooking *b);
extern void tp_scan_booked(DateADT from, DateADT to, int64 resource_id, const char *period,
						   Snapshot snapshot, TpWantFn want, TpBookedFn fn, void *arg);
extern bool tp_lookup_service(const char *code, TpService *svc, const char **why);
extern bool tp_lookup_resource(const char *code, int64 *id, const char **why);
extern TpCachedResource *tp_resource_by_code(const char *code);
extern bool tp_resource_active(int64 id);
extern bool tp_lookup_service_by_id(int64 id, TpService *svc);
extern void tp_service_day_booked(const TpService *svc, DateADT date, bool locked,
								  int64 *minutes, int64 *count);
extern void tp_check_daily_cap(const TpService *svc, DateADT date, int required,
							   int64 booked_before);

/*
 * decide.c: where a booking is decided.  See the comment at the top of
 * decide.c.
 */
typedef enum TpVerdict
{
	TP_NOT_PERFORMED,			/* the resource does not perform the service */
	TP_NO_PERIOD,				/* no period contains the start time */
	TP_CLOSED,					/* the period is closed on that date */
	TP_PAST_END,				/* the window runs past the period's end */
	TP_FULL,					/* not enough minutes left in the pool */
	TP_OVERLAP,					/* the clock limit: too many at once */
	TP_CAPPED,					/* the service's daily cap is reached */
	TP_OK
} TpVerdict;

/* A resource's day as a decision reads it: its holding reservations. */
typedef struct TpDayState
{
	int64		resource_id;
	DateADT		date;
	int			max_concurrent; /* TP_NO_LIMIT: no clock rule */
	const char *period;			/* without a clock rule, only this pool's rows
								 * are read; NULL: every pool's */
	int			n;
	int			max;
	TpBooking  *rows;
} TpDayState;

/* Why a window does not fit: what tp_judge() saw. */
#define TP_WHY_OVERLAPS 3
typedef struct TpWhy
{
	int64		booked;			/* minutes held in the pool */
	int			noverlaps;		/* bookings the window overlaps (TP_OVERLAP) */
	int			overlap_start[TP_WHY_OVERLAPS];
	int			overlap_end[TP_WHY_OVERLAPS];
} TpWhy;

extern bool tp_performs(int64 resource_id, int64 service_id);
extern void tp_read_day(DateADT date, int64 resource_id, int max_concurrent,
						const char *const *periods, int nperiods, int start, int end,
						bool locked, TpDayState *out);
extern void tp_day_forget(TpDayState *st, const char *period, int start, int end, int required);
extern int64 tp_day_minutes(const TpDayState *st, const char *period, int64 *count);
extern void tp_day_check_snapshot(const TpDayState *latest, const char *const *periods,
								  int nperiods);
extern int	tp_touched_pools(const TpResourceDay *day, DateADT date, const TpPool *p,
							 int start, int end, int32 *keys, const char **periods);
extern TpVerdict tp_judge(const TpDayState *st, const TpPool *p, int start, int end,
						  int required, bool minutes_at_stake, bool clock_at_stake,
						  TpWhy *why);
extern int	tp_fit_starts(const TpDayState *st, const TpPool *p, int from, int required,
						  bool minutes_at_stake, int g0, int g1, bool *fits);
extern int	tp_first_fit(const TpDayState *st, const TpPool *p, int from, int required,
						 bool minutes_at_stake, int g0, int g1);
extern void tp_note_clock_write(int64 resource_id, DateADT date, const char *period,
								int start, int end, int required);
extern void tp_clock_writes_check(bool schedule_changed, bool prepare);
extern void tp_clock_writes_reset(void);
extern void tp_clock_writes_subxact(SubXactEvent event, SubTransactionId mySubid,
									SubTransactionId parentSubid);
extern void tp_refuse_closed(const char *resource_code, const TpPool *p,
							 DateADT date, const char *hint) pg_attribute_noreturn();
extern void tp_refuse_full(const char *service_code, int required, int64 booked,
						   const TpPool *p, DateADT date, const char *hint) pg_attribute_noreturn();
extern void tp_refuse_overlap(const char *resource_code, int max_concurrent,
							  const char *service_code, DateADT date, int start, int end,
							  const TpWhy *why, int next_start,
							  const char *hint) pg_attribute_noreturn();
extern void tp_refuse_not_performed(const char *resource_code,
									const char *service_code) pg_attribute_noreturn();

/* booking.c: a booking, and the checks of its arguments */
typedef struct TpBookArgs
{
	char		service_code[TP_CODE_MAXLEN + 1];
	char		resource_code[TP_CODE_MAXLEN + 1];
	bool		have_resource;
	DateADT		date;
	int			start;
	char	   *patient_name;	/* NULL for a hold */
	char	   *phone;
	char	   *email;
	char	   *notes;
	Datum		details;
	bool		have_details;
	const char *status;			/* NULL: the clinic's online status */
	bool		hold;			/* status HELD until hold_expires */
	TimestampTz hold_expires;
	char	   *key;			/* idempotency key, or NULL */
	bool		online;			/* only services offered online */
	char		location_code[TP_CODE_MAXLEN + 1];
	bool		have_location;	/* where to choose a resource; without it,
								 * the group's only location
								 * (tp_call_location) */
} TpBookArgs;
extern Datum tp_book(TpBookArgs *a, bool *created);
extern void tp_book_slot_args(FunctionCallInfo fcinfo, int service_argno, int date_argno,
							  int resource_argno, int location_argno, TpBookArgs *a);
extern void tp_refuse_no_reservation(int64 id) pg_attribute_noreturn();
extern void tp_check_reservation_seen(int64 id, int64 resource_id);
extern void tp_book_patient_args(FunctionCallInfo fcinfo, int argno, TpBookArgs *a);
extern char *tp_book_key_arg(FunctionCallInfo fcinfo, int argno);
extern void tp_require(FunctionCallInfo fcinfo, int argno, const char *argname);
extern char *tp_optional_text(FunctionCallInfo fcinfo, int argno, const char *argname,
							  int maxlen);
extern void tp_check_email(const char *email);
extern void tp_unbookable_service(const char *code, const char *why) pg_attribute_noreturn();
extern void tp_unavailable_resource(const char *code, const char *why) pg_attribute_noreturn();
extern Datum tp_change_status(int64 id, const char *new_status, const char *reason);
extern Datum tp_reschedule(int64 id, DateADT date, int start, const char *resource_code);
extern bool tp_period_decided(int64 id);
extern Datum tp_verdict(FunctionCallInfo fcinfo);

/*
 * slots.c: open start times.  tp_open_starts_near() gives up to max open
 * start times of the service on date (on the 5-minute grid from each
 * period's start, as open_slots() with p_step_minutes 5), on the resource
 * given or (resource_id = 0) any that performs it, nearest to minute near
 * first; each once, with the resource it is open on.
 */
typedef struct TpOpenStart
{
	int64		resource_id;
	char		resource[TP_CODE_MAXLEN + 1];
	int			start_min;
} TpOpenStart;
extern int	tp_open_starts_near(const TpService *svc, DateADT date, int64 resource_id,
								int64 location_id, int near, TpOpenStart *out, int max);

#endif							/* TIMEPOOL_H */
