/* Placeholder until the EPOW event path lands: no event can be raised, so
 * a stop signal stops the guest at once. */
#include "papr/events.h"

int events_request_shutdown(struct machine *m)
{
	(void)m;
	return -1;
}
