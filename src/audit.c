/*-------------------------------------------------------------------------
 *
 * audit.c
 *	  The audit trail (version 1.1): timepool.audit_change(), the trigger
 *	  that writes every change of the audited tables to timepool.audit_log,
 *	  and timepool.audit_log_append_only(), which keeps everybody but the
 *	  log's owner from writing to the log.
 *
 *	  audit_change() runs as the extension's owner (SECURITY DEFINER), so
 *	  that no user needs, or can be given, the right to write the log
 *	  directly.  It records who made the change as the role in effect
 *	  outside any SECURITY DEFINER function (GetOuterUserId: current_user
 *	  at the top level, SET ROLE included), so that a booking made through
 *	  book_service() names the application's role, not timepool's owner.
 *
 * IDENTIFICATION
 *	  src/audit.c
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
#include "utils/rel.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(tp_audit_change);
PG_FUNCTION_INFO_V1(tp_audit_log_append_only);

/* the tables audit_change() is attached to */
static const char *const tp_audited_tables[] = {
	"resources", "services", "service_categories", "clinic_time_slots",
	"schedule_overrides", "settings", "reservations", "resource_services", NULL
};

/*
 * One saved INSERT per audited table's row type: the old and new rows are
 * passed as that type and turned into jsonb by to_jsonb().  A recreated
 * table has a new row type and gets a new plan; the oldest is replaced.
 */
#define TP_AUDIT_PLANS 16

static struct
{
	Oid			rowtype;
	SPIPlanPtr	plan;
}			tp_audit_plans[TP_AUDIT_PLANS];
static int	tp_audit_next = 0;

static SPIPlanPtr
tp_audit_plan(Oid rowtype)
{
	Oid			types[7] = {TEXTOID, TEXTOID, TEXTOID, INT8OID, TEXTOID, rowtype, rowtype};
	int			i;
	SPIPlanPtr	plan;

	for (i = 0; i < TP_AUDIT_PLANS; i++)
		if (tp_audit_plans[i].rowtype == rowtype && tp_audit_plans[i].plan != NULL)
			return tp_audit_plans[i].plan;

	plan = NULL;
	tp_prepare(&plan,
			   "INSERT INTO timepool.audit_log"
			   " (changed_by, session_role, table_name, row_id, action, old_row, new_row)"
			   " VALUES ($1, $2, $3, $4, $5, to_jsonb($6), to_jsonb($7))",
			   7, types);
	i = tp_audit_next;
	tp_audit_next = (tp_audit_next + 1) % TP_AUDIT_PLANS;
	if (tp_audit_plans[i].plan != NULL)
		SPI_freeplan(tp_audit_plans[i].plan);
	tp_audit_plans[i].rowtype = rowtype;
	tp_audit_plans[i].plan = plan;
	return plan;
}

/* The row's id column as a bigint; false if it has none. */
static bool
tp_audit_row_id(HeapTuple tup, TupleDesc desc, int64 *id)
{
	int			col = SPI_fnumber(desc, "id");
	bool		isnull;
	Datum		d;

	if (col <= 0)
		return false;
	d = SPI_getbinval(tup, desc, col, &isnull);
	if (isnull)
		return false;
	switch (TupleDescAttr(desc, col - 1)->atttypid)
	{
		case INT2OID:
			*id = DatumGetInt16(d);
			return true;
		case INT4OID:
			*id = DatumGetInt32(d);
			return true;
		case INT8OID:
			*id = DatumGetInt64(d);
			return true;
		default:
			return false;
	}
}

/*
 * A row restored from a dump (tp_restoring, common.c): its history is in
 * the restored log already.  For timepool.settings, whose one row a restore
 * does not insert but updates (settings_keep_row() turns the COPY's INSERT
 * into an UPDATE that keeps the dumped updated_at), that UPDATE; any other
 * UPDATE of the settings gets updated_at = now() from that trigger.
 */
static bool
tp_audit_is_restored_settings(Relation rel)
{
	return RelationGetRelid(rel) == tp_relid("settings") && tp_restoring(rel);
}

/*
 * AFTER INSERT OR UPDATE OR DELETE (for each row) or TRUNCATE (for each
 * statement) on an audited table.
 */
Datum
tp_audit_change(PG_FUNCTION_ARGS)
{
	TriggerData *trig;
	Relation	rel;
	TupleDesc	desc;
	HeapTuple	oldtup = NULL;
	HeapTuple	newtup = NULL;
	const char *action;
	Datum		values[7];
	char		nulls[7] = {' ', ' ', ' ', 'n', ' ', 'n', 'n'};
	int64		row_id;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("audit_change() must be called as a trigger")));
	trig = (TriggerData *) fcinfo->context;

	/*
	 * Only timepool's own tables, by OID: this runs as timepool's owner, and
	 * turning the row into jsonb runs the output functions and casts of its
	 * columns' types, which on another table could be anybody's code.
	 */
	tp_check_trigger_table(trig, "audit_change", tp_audited_tables);
	tp_refuse_restricted();
	if (!TRIGGER_FIRED_AFTER(trig->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("audit_change() must be fired AFTER the change")));
	rel = trig->tg_relation;
	desc = RelationGetDescr(rel);

	if (TRIGGER_FIRED_BY_TRUNCATE(trig->tg_event))
		action = "TRUNCATE";
	else if (!TRIGGER_FIRED_FOR_ROW(trig->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("audit_change() must be fired for each row, or for each statement on TRUNCATE")));
	else if (TRIGGER_FIRED_BY_INSERT(trig->tg_event))
	{
		action = "INSERT";
		newtup = trig->tg_trigtuple;
		if (tp_restoring(rel))
			return PointerGetDatum(NULL);
	}
	else if (TRIGGER_FIRED_BY_UPDATE(trig->tg_event))
	{
		action = "UPDATE";
		oldtup = trig->tg_trigtuple;
		newtup = trig->tg_newtuple;
		if (tp_audit_is_restored_settings(rel))
			return PointerGetDatum(NULL);
	}
	else
	{
		action = "DELETE";
		oldtup = trig->tg_trigtuple;
	}

	values[0] = CStringGetTextDatum(GetUserNameFromId(GetOuterUserId(), false));
	values[1] = CStringGetTextDatum(GetUserNameFromId(GetSessionUserId(), false));
	values[2] = CStringGetTextDatum(RelationGetRelationName(rel));
	if ((newtup || oldtup) && tp_audit_row_id(newtup ? newtup : oldtup, desc, &row_id))
	{
		values[3] = Int64GetDatum(row_id);
		nulls[3] = ' ';
	}
	values[4] = CStringGetTextDatum(action);
	if (oldtup)
	{
		values[5] = heap_copy_tuple_as_datum(oldtup, desc);
		nulls[5] = ' ';
	}
	if (newtup)
	{
		values[6] = heap_copy_tuple_as_datum(newtup, desc);
		nulls[6] = ' ';
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "timepool: SPI_connect failed");
	tp_execute(tp_audit_plan(rel->rd_rel->reltype), values, nulls, InvalidSnapshot, false, 0);
	SPI_finish();
	return PointerGetDatum(NULL);
}

/*
 * BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE (for each statement) on
 * timepool.audit_log: only its owner (which audit_change() runs as) and
 * superusers may write, whatever was granted.
 */
Datum
tp_audit_log_append_only(PG_FUNCTION_ARGS)
{
	static const char *const audit_log[] = {"audit_log", NULL};
	TriggerData *trig;
	Oid			owner;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("audit_log_append_only() must be called as a trigger")));
	trig = (TriggerData *) fcinfo->context;
	tp_check_trigger_table(trig, "audit_log_append_only", audit_log);
	if (!TRIGGER_FIRED_BEFORE(trig->tg_event) || !TRIGGER_FIRED_FOR_STATEMENT(trig->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("audit_log_append_only() must be fired BEFORE each statement")));
	owner = trig->tg_relation->rd_rel->relowner;
	if (GetUserId() != owner && !superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied: timepool.audit_log is append-only"),
				 errdetail("timepool's triggers add a row for every change; only the log's owner, %s, may write to it.",
						   GetUserNameFromId(owner, false))));
	return PointerGetDatum(NULL);
}
