/* H_RANDOM: 64 bits from the host's kernel entropy pool. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "papr/papr.h"
#include "papr/hcall.h"
#include "papr/hcall_misc.h"

/* Bounded, so that a vCPU thread never spins here forever. */
#define RANDOM_TRIES	16

/* GRND_NONBLOCK: a vCPU thread must never sleep on the host's entropy
 * pool (it could not be stopped); before the pool is initialised the
 * guest gets H_HARDWARE and may try again.  An interrupted call is
 * retried and a short read completed, a bounded number of times. */
int64_t h_random(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint8_t buf[8];
	size_t got = 0;
	uint64_t val;

	(void)papr;
	(void)v;
	for (int tries = 0; got < sizeof(buf); tries++) {
		ssize_t n;

		if (tries == RANDOM_TRIES)
			return H_HARDWARE;
		n = getrandom(buf + got, sizeof(buf) - got, GRND_NONBLOCK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (size_t)n > sizeof(buf) - got)
			return H_HARDWARE;
		got += (size_t)n;
	}
	memcpy(&val, buf, sizeof(val));
	args[0] = val;
	return H_SUCCESS;
}
