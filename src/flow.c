/*-------------------------------------------------------------------------
 *
 * flow.c
 *	  The patient's booking flow: holds, the public booking, and what a
 *	  patient does with a booking's access token (look it up, cancel it,
 *	  move it); check_booking() and the staff's reschedule_reservation().
 *
 *	  The public entry points (hold_slot, confirm_hold, release_hold,
 *	  book_online, get_booking, cancel_booking, reschedule_booking) are the
 *	  functions a public site's role is granted, and nothing else: they book
 *	  only services offered online, with the clinic's online status, and
 *	  reach a reservation only through its token.  A wrong token gets the
 *	  same P0002 whatever it is, and nothing else.  Staff keep book_service()
 *	  and the functions that take a reservation's id.
 *
 *	  The decisions themselves are booking.c's (tp_book, tp_reschedule);
 *	  whether a hold still holds is policy.c's (tp_hold_live).
 *
 * IDENTIFICATION
 *	  src/flow.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/snapmgr.h"
#include "utils/uuid.h"

PG_FUNCTION_INFO_V1(tp_check_booking);
PG_FUNCTION_INFO_V1(tp_hold_slot);
PG_FUNCTION_INFO_V1(tp_confirm_hold);
PG_FUNCTION_INFO_V1(tp_release_hold);
PG_FUNCTION_INFO_V1(tp_expire_holds);
PG_FUNCTION_INFO_V1(tp_book_online);
PG_FUNCTION_INFO_V1(tp_get_booking);
PG_FUNCTION_INFO_V1(tp_cancel_booking);
PG_FUNCTION_INFO_V1(tp_reschedule_booking);
PG_FUNCTION_INFO_V1(tp_reschedule_reservation);

/* The longest hold: a patient typing their details, not a reservation. */
#define TP_HOLD_MAX_USECS	(60 * USECS_PER_MINUTE)

/*
 * A receipt (timepool.booking_receipt) of the reservation r, with created
 * given as SQL: the one list of what a patient is shown.
 */
#define TP_RECEIPT_SELECT(created) \
	"SELECT ROW(r.id, r.access_token, " created ", r.status, r.service_code," \
	"           r.service_name, x.code, r.reservation_date, r.period, r.start_time," \
	"           r.end_time, r.price, r.patient_name, r.hold_expires_at)::timepool.booking_receipt" \
	" FROM timepool.reservations r JOIN timepool.resources x ON x.id = r.resource_id"

/* The columns of a reservation found by its token (TpTokenRow). */
#define TP_TOKEN_COLUMNS \
	"SELECT id, status, service_id, resource_id, reservation_date, start_time," \
	" period, hold_expires_at, patient_name FROM timepool.reservations"

static SPIPlanPtr plan_receipt = NULL;
static SPIPlanPtr plan_receipt_by_token = NULL;
static SPIPlanPtr plan_token = NULL;
static SPIPlanPtr plan_hold_token = NULL;
static SPIPlanPtr plan_same_patient = NULL;
static SPIPlanPtr plan_confirm = NULL;
static SPIPlanPtr plan_release = NULL;
static SPIPlanPtr plan_expire = NULL;

/* A reservation found by its token. */
typedef struct TpTokenRow
{
	int64		id;
	char		status[16];
	int64		service_id;
	int64		resource_id;
	DateADT		date;
	int			start;
	char		period[TP_CODE_MAXLEN + 1];
	bool		has_expiry;
	TimestampTz expires;
	char	   *patient_name;	/* NULL for a hold */
} TpTokenRow;

static void tp_find_token_ex(FunctionCallInfo fcinfo, int argno, bool hold_token,
							 bool *by_hold, TpTokenRow *out);

static void
tp_require_holds(void)
{
	if (!tp_cache_get()->has_holds)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("this function needs timepool 1.4"),
				 errhint("ALTER EXTENSION timepool UPDATE.")));
}

/*
 * The receipt of reservation id (timepool.booking_receipt), in the
 * caller's memory context.  The caller is connected to SPI.
 */
static Datum
tp_receipt(int64 id, bool created)
{
	Oid			types[2] = {INT8OID, BOOLOID};
	Datum		values[2];
	bool		isnull;

	tp_prepare(&plan_receipt,
			   TP_RECEIPT_SELECT("$2") " WHERE r.id = $1",
			   2, types);
	values[0] = Int64GetDatum(id);
	values[1] = BoolGetDatum(created);
	tp_execute(plan_receipt, values, NULL, InvalidSnapshot, false, 1);
	if (SPI_processed != 1)
		tp_refuse_no_reservation(id);
	return SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
										   &isnull), false, -1);
}

/* The id of a timepool.reservations row datum. */
static int64
tp_row_id(Datum row)
{
	bool		isnull;
	Datum		d = GetAttributeByName(DatumGetHeapTupleHeader(row), "id", &isnull);

	if (isnull)
		elog(ERROR, "timepool: a reservation without an id");
	return DatumGetInt64(d);
}

static void
tp_no_such_token(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("no booking has this token")));
}

/*
 * The reservation of a token, locked FOR UPDATE, or P0002.  The caller is
 * connected to SPI.  With hold_token, a booking confirmed from the hold of
 * that token is found too (confirm_hold's retries): *by_hold says which.
 */
static void
tp_find_token(FunctionCallInfo fcinfo, int argno, TpTokenRow *out)
{
	tp_find_token_ex(fcinfo, argno, false, NULL, out);
}

static void
tp_find_token_ex(FunctionCallInfo fcinfo, int argno, bool hold_token, bool *by_hold,
				 TpTokenRow *out)
{
	Oid			types[1] = {UUIDOID};
	Datum		values[1];
	HeapTuple	tup;
	TupleDesc	desc;
	bool		isnull;
	Datum		d;
	char	   *s;

	tp_require(fcinfo, argno, "p_token");
	tp_prepare(&plan_token,
			   TP_TOKEN_COLUMNS " WHERE access_token = $1 FOR UPDATE",
			   1, types);
	values[0] = PG_GETARG_DATUM(argno);
	tp_execute(plan_token, values, NULL, InvalidSnapshot, false, 1);
	if (by_hold)
		*by_hold = false;
	if (SPI_processed == 0 && hold_token)
	{
		tp_prepare(&plan_hold_token,
				   TP_TOKEN_COLUMNS " WHERE hold_token = $1 FOR UPDATE",
				   1, types);
		tp_execute(plan_hold_token, values, NULL, InvalidSnapshot, false, 1);
		if (by_hold)
			*by_hold = true;
	}
	if (SPI_processed == 0)
		tp_no_such_token();
	tup = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	memset(out, 0, sizeof(*out));
	out->id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
	strlcpy(out->status, SPI_getvalue(tup, desc, 2), sizeof(out->status));
	out->service_id = DatumGetInt64(SPI_getbinval(tup, desc, 3, &isnull));
	out->resource_id = DatumGetInt64(SPI_getbinval(tup, desc, 4, &isnull));
	out->date = DatumGetDateADT(SPI_getbinval(tup, desc, 5, &isnull));
	out->start = (int) (DatumGetTimeADT(SPI_getbinval(tup, desc, 6, &isnull)) / USECS_PER_MINUTE);
	strlcpy(out->period, SPI_getvalue(tup, desc, 7), sizeof(out->period));
	d = SPI_getbinval(tup, desc, 8, &isnull);
	out->has_expiry = !isnull;
	if (!isnull)
		out->expires = DatumGetTimestampTz(d);
	s = SPI_getvalue(tup, desc, 9);
	out->patient_name = s ? pstrdup(s) : NULL;
	/* a booking at a location the session's role does not see: none */
	if (!tp_sees_location(tp_resource_location(out->resource_id)))
		tp_no_such_token();
}

/* A timestamptz as text, in the session's time zone and DateStyle. */
static char *
tp_timestamptz_str(TimestampTz ts)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(ts)));
}

/* TP009: the hold has ended, released or expired. */
static void
tp_refuse_ended_hold(const TpTokenRow *r)
{
	/*
	 * release_hold() clears the expiry, expire_holds() keeps it; a hold ended
	 * before its expiry otherwise (set_reservation_status) was released too
	 */
	bool		released = strcmp(r->status, "EXPIRED") == 0 &&
	(!r->has_expiry || tp_hold_live(r->expires, tp_hold_clock(false)));

	ereport(ERROR,
			(errcode(ERRCODE_TP_HOLD_ENDED),
			 errmsg("the hold has ended"),
			 released ?
			 errdetail("The hold of %s on %s was released.", tp_time_str(r->start),
					   tp_date_str(r->date)) :
			 r->has_expiry ?
			 errdetail("The hold of %s on %s expired at %s.", tp_time_str(r->start),
					   tp_date_str(r->date), tp_timestamptz_str(r->expires)) :
			 errdetail("The hold of %s on %s has ended.", tp_time_str(r->start),
					   tp_date_str(r->date)),
			 errhint("Hold the time again, or choose another: timepool.open_slots().")));
}

/*
 * timepool.hold_slot(p_service, p_date, p_time, p_resource, p_ttl,
 *	 p_idempotency_key) returns timepool.booking_receipt
 */
Datum
tp_hold_slot(PG_FUNCTION_ARGS)
{
	TpBookArgs	a;
	Interval   *ttl;
	int64		usecs;
	bool		created;
	Datum		row;
	Datum		result;

	tp_require_writable("hold_slot");

	memset(&a, 0, sizeof(a));
	tp_book_slot_args(fcinfo, 0, 1, 3, 6, &a);
	tp_require(fcinfo, 4, "p_ttl");
	ttl = PG_GETARG_INTERVAL_P(4);
	if (ttl->month != 0 || ttl->day < 0 || ttl->day > 1 ||
		pg_add_s64_overflow(ttl->time, (int64) ttl->day * USECS_PER_DAY, &usecs) ||
		usecs <= 0 || usecs > TP_HOLD_MAX_USECS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_ttl must be more than 0 and at most 1 hour")));
	a.key = tp_book_key_arg(fcinfo, 5);
	a.status = "HELD";
	a.hold = true;
	a.online = true;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	tp_require_holds();
	a.hold_expires = tp_hold_clock(false) + usecs;
	row = tp_book(&a, &created);
	result = tp_receipt(tp_row_id(row), created);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * Whether reservation id holds exactly the patient's fields of a, as
 * committed now: a repeat that waited for the first confirmation's row lock
 * compares with what that one wrote.
 */
static bool
tp_same_patient(int64 id, const TpBookArgs *a)
{
	Oid			types[6] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID};
	Datum		values[6];
	char		nulls[6] = {' ', ' ', ' ', ' ', ' ', ' '};
	bool		isnull;

	tp_prepare(&plan_same_patient,
			   "SELECT patient_name = $2 AND patient_phone IS NOT DISTINCT FROM $3"
			   " AND patient_email IS NOT DISTINCT FROM $4 AND notes IS NOT DISTINCT FROM $5"
			   " AND details IS NOT DISTINCT FROM $6"
			   " FROM timepool.reservations WHERE id = $1",
			   6, types);
	values[0] = Int64GetDatum(id);
	values[1] = CStringGetTextDatum(a->patient_name);
	values[2] = a->phone ? CStringGetTextDatum(a->phone) : (Datum) 0;
	nulls[2] = a->phone ? ' ' : 'n';
	values[3] = a->email ? CStringGetTextDatum(a->email) : (Datum) 0;
	nulls[3] = a->email ? ' ' : 'n';
	values[4] = a->notes ? CStringGetTextDatum(a->notes) : (Datum) 0;
	nulls[4] = a->notes ? ' ' : 'n';
	values[5] = a->details;
	nulls[5] = a->have_details ? ' ' : 'n';
	tp_execute(plan_same_patient, values, nulls, InvalidSnapshot, false, 1);
	return SPI_processed == 1 &&
		DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) &&
		!isnull;
}

/*
 * timepool.confirm_hold(p_token, p_patient_name, p_patient_phone,
 *	 p_patient_email, p_notes, p_details) returns timepool.booking_receipt
 *
 * The hold's minutes were its own since it was made: with its pool locked
 * and the hold still live on the clock as it is now, it becomes a booking
 * without a new capacity decision (the guard agrees: see tp_hold_live()).
 */
Datum
tp_confirm_hold(PG_FUNCTION_ARGS)
{
	TpBookArgs	a;
	TpTokenRow	r;
	bool		by_hold;
	Oid			types[7] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, TEXTOID};
	Datum		values[7];
	char		nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
	int32		key;
	Datum		result;

	tp_require_writable("confirm_hold");

	memset(&a, 0, sizeof(a));
	tp_require(fcinfo, 0, "p_token");
	tp_book_patient_args(fcinfo, 1, &a);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	tp_require_holds();
	tp_find_token_ex(fcinfo, 0, true, &by_hold, &r);

	if (by_hold)
	{
		/*
		 * A repeated confirmation (its answer was lost) gets the booking,
		 * with its token, only with the very details it was confirmed with:
		 * the hold's token alone, which a replay of hold_slot's idempotency
		 * key gives, opens nothing.
		 */
		if (tp_same_patient(r.id, &a))
		{
			result = tp_receipt(r.id, false);
			SPI_finish();
			PG_RETURN_DATUM(result);
		}
		ereport(ERROR,
				(errcode(ERRCODE_TP_BAD_TRANSITION),
				 errmsg("the hold was confirmed already"),
				 errdetail("A repeated confirmation must pass the same patient, notes and details.")));
	}
	if (strcmp(r.status, "HELD") != 0)
	{
		if (strcmp(r.status, "EXPIRED") == 0)
			tp_refuse_ended_hold(&r);
		ereport(ERROR,
				(errcode(ERRCODE_TP_BAD_TRANSITION),
				 errmsg("the reservation is a booking, not a hold"),
				 errdetail("It is %s.", r.status)));
	}

	/* a hold becomes a booking only of a service still offered online */
	{
		TpService	byid;
		TpService	svc;
		const char *why = "The service was deleted.";

		if (!tp_lookup_service_by_id(r.service_id, &byid) ||
			!tp_lookup_service(byid.code, &svc, &why) || svc.id != r.service_id)
			tp_unbookable_service(byid.code, why);
		if (!svc.visible)
			tp_unbookable_service(byid.code, "It is not offered online.");
	}

	/* whoever passed over this hold as expired held its pool's lock then */
	key = tp_pool_key(r.resource_id, r.date, r.period);
	tp_lock_pool_keys(&key, 1);
	if (!r.has_expiry || !tp_hold_live(r.expires, tp_hold_clock(true)))
		tp_refuse_ended_hold(&r);
	/* a hold never outlives its start (a 1-hour hold of a time 15 minutes on) */
	tp_check_not_started(tp_resource_location(r.resource_id), r.date, r.start);

	tp_prepare(&plan_confirm,
			   "UPDATE timepool.reservations"
			   " SET status = $7, hold_expires_at = NULL, patient_name = $2,"
			   "     hold_token = access_token, access_token = pg_catalog.gen_random_uuid(),"
			   "     patient_phone = $3, patient_email = $4, notes = $5, details = $6"
			   " WHERE id = $1",
			   7, types);
	values[0] = Int64GetDatum(r.id);
	values[1] = CStringGetTextDatum(a.patient_name);
	values[2] = a.phone ? CStringGetTextDatum(a.phone) : (Datum) 0;
	nulls[2] = a.phone ? ' ' : 'n';
	values[3] = a.email ? CStringGetTextDatum(a.email) : (Datum) 0;
	nulls[3] = a.email ? ' ' : 'n';
	values[4] = a.notes ? CStringGetTextDatum(a.notes) : (Datum) 0;
	nulls[4] = a.notes ? ' ' : 'n';
	values[5] = a.details;
	nulls[5] = a.have_details ? ' ' : 'n';
	values[6] = CStringGetTextDatum(tp_online_confirmed(tp_resource_location(r.resource_id)) ? "CONFIRMED" : "PENDING");
	tp_execute(plan_confirm, values, nulls, InvalidSnapshot, false, 0);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_ACTION_EXCEPTION),
				 errmsg("the hold was not updated"),
				 errdetail("A BEFORE trigger on timepool.reservations skipped the row.")));
	result = tp_receipt(r.id, true);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * timepool.release_hold(p_token) returns timepool.booking_receipt
 */
Datum
tp_release_hold(PG_FUNCTION_ARGS)
{
	TpTokenRow	r;
	Oid			types[2] = {INT8OID, BOOLOID};
	Datum		values[2];
	Datum		result;
	bool		created = false;

	tp_require_writable("release_hold");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	tp_require_holds();
	tp_find_token(fcinfo, 0, &r);
	if (strcmp(r.status, "HELD") == 0)
	{
		/*
		 * A live hold ends now (its expiry cleared: "released"); one that
		 * timed out already is marked as expire_holds() marks it.
		 */
		created = r.has_expiry && tp_hold_live(r.expires, tp_hold_clock(false));
		tp_prepare(&plan_release,
				   "UPDATE timepool.reservations SET status = 'EXPIRED',"
				   " hold_expires_at = CASE WHEN $2 THEN NULL ELSE hold_expires_at END"
				   " WHERE id = $1",
				   2, types);
		values[0] = Int64GetDatum(r.id);
		values[1] = BoolGetDatum(created);
		tp_execute(plan_release, values, NULL, InvalidSnapshot, false, 0);
	}
	else if (strcmp(r.status, "EXPIRED") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_TP_BAD_TRANSITION),
				 errmsg("the reservation is a booking, not a hold"),
				 errdetail("It is %s.", r.status),
				 errhint("Cancel a booking with timepool.cancel_booking().")));
	/* created: whether this call ended a live hold */
	result = tp_receipt(r.id, created);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * timepool.expire_holds() returns integer
 *
 * Housekeeping only: an expired hold already holds nothing.
 */
Datum
tp_expire_holds(PG_FUNCTION_ARGS)
{
	Oid			types[1] = {TIMESTAMPTZOID};
	Datum		values[1];
	uint64		n;

	tp_require_writable("expire_holds");

	(void) fcinfo;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	tp_require_holds();
	tp_prepare(&plan_expire,
			   "UPDATE timepool.reservations SET status = 'EXPIRED'"
			   " WHERE status = 'HELD' AND hold_expires_at <= $1",
			   1, types);
	values[0] = TimestampTzGetDatum(tp_hold_clock(false));
	tp_execute(plan_expire, values, NULL, InvalidSnapshot, false, 0);
	n = SPI_processed;
	SPI_finish();
	PG_RETURN_INT32((int32) Min(n, (uint64) PG_INT32_MAX));
}

/*
 * timepool.book_online(p_service, p_date, p_time, p_patient_name,
 *	 p_patient_phone, p_patient_email, p_notes, p_details, p_resource,
 *	 p_idempotency_key) returns timepool.booking_receipt
 */
Datum
tp_book_online(PG_FUNCTION_ARGS)
{
	TpBookArgs	a;
	bool		created;
	Datum		row;
	Datum		result;

	tp_require_writable("book_online");

	memset(&a, 0, sizeof(a));
	tp_book_slot_args(fcinfo, 0, 1, 8, 10, &a);
	tp_book_patient_args(fcinfo, 3, &a);
	a.key = tp_book_key_arg(fcinfo, 9);
	a.status = NULL;			/* the clinic's online status */
	a.online = true;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	tp_require_holds();
	row = tp_book(&a, &created);
	result = tp_receipt(tp_row_id(row), created);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * timepool.get_booking(p_token) returns timepool.booking_receipt
 */
Datum
tp_get_booking(PG_FUNCTION_ARGS)
{
	Oid			types[1] = {UUIDOID};
	Datum		values[1];
	bool		isnull;
	Datum		result;

	tp_require(fcinfo, 0, "p_token");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	tp_require_holds();
	tp_prepare(&plan_receipt_by_token,
			   TP_RECEIPT_SELECT("false") " WHERE r.access_token = $1",
			   1, types);
	values[0] = PG_GETARG_DATUM(0);
	tp_execute(plan_receipt_by_token, values, NULL, InvalidSnapshot, true, 1);
	if (SPI_processed != 1)
		tp_no_such_token();
	result = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
											 &isnull), false, -1);
	/* a booking at a location the session's role does not see: none */
	{
		Datum		code = GetAttributeByName(DatumGetHeapTupleHeader(result), "resource", &isnull);

		if (isnull || tp_resource_by_code(TextDatumGetCString(code)) == NULL)
			tp_no_such_token();
	}
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/* The cancellation notice for the reservation of a token (TP005). */
static void
tp_token_notice(const TpTokenRow *r)
{
	TpService	svc;

	tp_check_change_notice(tp_lookup_service_by_id(r->service_id, &svc) ? &svc : NULL,
						   tp_resource_location(r->resource_id), r->date, r->start);
}

/*
 * timepool.cancel_booking(p_token, p_reason) returns timepool.booking_receipt
 */
Datum
tp_cancel_booking(PG_FUNCTION_ARGS)
{
	TpTokenRow	r;
	char	   *reason = NULL;
	Datum		result;

	tp_require_writable("cancel_booking");

	if (!PG_ARGISNULL(1))
	{
		reason = tp_optional_text(fcinfo, 1, "p_reason", 500);
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	tp_require_holds();
	tp_find_token(fcinfo, 0, &r);
	if (strcmp(r.status, "CANCELLED") == 0)
	{
		/* a repeated cancellation: it stands */
		result = tp_receipt(r.id, false);
		SPI_finish();
		PG_RETURN_DATUM(result);
	}
	if (strcmp(r.status, "PENDING") == 0 || strcmp(r.status, "CONFIRMED") == 0)
		tp_token_notice(&r);
	(void) tp_change_status(r.id, "CANCELLED", reason);
	result = tp_receipt(r.id, true);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * timepool.reschedule_booking(p_token, p_date, p_time, p_resource)
 *	 returns timepool.booking_receipt
 */
Datum
tp_reschedule_booking(PG_FUNCTION_ARGS)
{
	TpBookArgs	a;
	TpTokenRow	r;
	Datum		result;

	tp_require_writable("reschedule_booking");

	memset(&a, 0, sizeof(a));
	tp_require(fcinfo, 0, "p_token");
	tp_book_slot_args(fcinfo, -1, 1, 3, -1, &a);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_cache_sync();
	tp_require_holds();
	tp_find_token(fcinfo, 0, &r);
	if (strcmp(r.status, "PENDING") == 0 || strcmp(r.status, "CONFIRMED") == 0)
		tp_token_notice(&r);
	(void) tp_reschedule(r.id, a.date, a.start, a.have_resource ? a.resource_code : NULL);
	result = tp_receipt(r.id, true);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/*
 * timepool.reschedule_reservation(p_id, p_date, p_time, p_resource)
 *	 returns timepool.reservations
 */
Datum
tp_reschedule_reservation(PG_FUNCTION_ARGS)
{
	TpBookArgs	a;

	tp_require_writable("reschedule_reservation");

	memset(&a, 0, sizeof(a));
	tp_require(fcinfo, 0, "p_id");
	tp_book_slot_args(fcinfo, -1, 1, 3, -1, &a);
	PG_RETURN_DATUM(tp_reschedule(PG_GETARG_INT64(0), a.date, a.start,
								  a.have_resource ? a.resource_code : NULL));
}

/*
 * timepool.check_booking(p_service, p_date, p_time, p_resource)
 */
Datum
tp_check_booking(PG_FUNCTION_ARGS)
{
	return tp_verdict(fcinfo);
}
