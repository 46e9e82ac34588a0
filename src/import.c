/*-------------------------------------------------------------------------
 *
 * import.c
 *	  timepool.import_reservations(p_batch, p_dry_run): a count-based
 *	  system's reservations, staged in timepool.import_rows, imported in one
 *	  transaction.  The row-by-row work is timepool.import_run() (PL/pgSQL,
 *	  in the install script); this runs it with the guard told that the
 *	  import's past rows are history (tp_imported_history, common.c), and
 *	  only for a role that could disable the guard anyway.
 *
 * IDENTIFICATION
 *	  src/import.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(tp_import_reservations);

Datum
tp_import_reservations(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid = tp_relid("reservations");
	/* the session's role, as the guard checks it (tp_imported_history) */
	Oid			role = GetOuterUserId();
	text	   *batch;
	bool		dry_run;
	Datum		args[3];
	Oid			types[3] = {TEXTOID, BOOLOID, TIMESTAMPOID};
	TpPolicy	pol;
	uint64		i;

	tp_require_writable("import_reservations");

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("p_batch and p_dry_run must not be NULL")));
	batch = PG_GETARG_TEXT_PP(0);
	dry_run = PG_GETARG_BOOL(1);
	if (VARSIZE_ANY_EXHDR(batch) == 0 || VARSIZE_ANY_EXHDR(batch) > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_batch must be 1 to 100 bytes")));
	if (!OidIsValid(relid) || !OidIsValid(tp_relid("import_rows")))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("timepool's import tables are missing"),
				 errhint("ALTER EXTENSION timepool UPDATE.")));
	/* history goes in over capacity: only for who could disable the guard */
	if (!pg_class_ownercheck(relid, role))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for import_reservations()"),
				 errdetail("Only the owner of timepool.reservations or a superuser may import.")));
	if (tp_importing)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_IN_USE),
				 errmsg("import_reservations() is already running in this session")));

	InitMaterializedSRF(fcinfo, 0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	/*
	 * the clinic's wall clock, the one the guard reads: what has ended is
	 * history (the group's; the guard reads each resource's location's)
	 */
	tp_cache_sync();
	tp_policy(NULL, 0, &pol);
	args[0] = PointerGetDatum(batch);
	args[1] = BoolGetDatum(dry_run);
	args[2] = TimestampGetDatum((Timestamp) pol.now_date * USECS_PER_DAY + pol.now_usecs);
	tp_importing = true;
	PG_TRY();
	{
		if (SPI_execute_with_args("SELECT legacy_id::text, outcome::text, reservation_id::bigint,"
								  " sqlstate::text, reason::text"
								  " FROM timepool.import_run($1, $2, $3)",
								  3, types, args, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "timepool: could not run import_run()");
	}
	PG_FINALLY();
	{
		tp_importing = false;
	}
	PG_END_TRY();
	for (i = 0; i < SPI_processed; i++)
	{
		Datum		values[5];
		bool		nulls[5];
		int			k;

		for (k = 0; k < 5; k++)
			values[k] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, k + 1, &nulls[k]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}
