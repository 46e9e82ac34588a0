/*-------------------------------------------------------------------------
 *
 * slots.c
 *	  Open start times: timepool.open_slots() (being written).
 *
 * IDENTIFICATION
 *	  src/slots.c
 *
 *-------------------------------------------------------------------------
 */
#include "timepool.h"

#include "fmgr.h"

PG_FUNCTION_INFO_V1(tp_open_slots);

Datum
tp_open_slots(PG_FUNCTION_ARGS)
{
	ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("open_slots is not built yet")));
	PG_RETURN_NULL();
}

int
tp_open_starts_near(const TpService *svc, DateADT date, int64 resource_id,
					int near, TpOpenStart *out, int max)
{
	(void) svc; (void) date; (void) resource_id; (void) near; (void) out; (void) max;
	return 0;
}
