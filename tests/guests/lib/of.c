/* The few Open Firmware client-interface services a test guest needs when
 * QEMU's firmware (SLOF or VOF) booted it instead of pvmm: find a node,
 * its first child, read a property.  Arguments are 32-bit big-endian
 * cells; the guest runs below 4 GiB, so addresses fit in a cell. */
#include <stdint.h>

#include "guest.h"

long of_call_raw(void *args, unsigned long entry);

#define OF_MAX_ARGS	10

unsigned long of_entry;

/* Returns the first result cell, or -1 if the service failed. */
static long of_call(const char *service, int nargs, const uint32_t *in)
{
	uint32_t a[3 + OF_MAX_ARGS] __attribute__((aligned(8)));

	a[0] = __builtin_bswap32((uint32_t)(uintptr_t)service);
	a[1] = __builtin_bswap32((uint32_t)nargs);
	a[2] = __builtin_bswap32(1);
	for (int i = 0; i < nargs; i++)
		a[3 + i] = __builtin_bswap32(in[i]);
	a[3 + nargs] = __builtin_bswap32(0xffffffffu);
	if (of_call_raw(a, of_entry) != 0)
		return -1;
	return (int32_t)__builtin_bswap32(a[3 + nargs]);
}

long of_finddevice(const char *path)
{
	uint32_t in[1] = { (uint32_t)(uintptr_t)path };

	return of_call("finddevice", 1, in);
}

long of_child(long node)
{
	uint32_t in[1] = { (uint32_t)node };

	return of_call("child", 1, in);
}

long of_getprop(long node, const char *name, void *buf, unsigned len)
{
	uint32_t in[4] = { (uint32_t)node, (uint32_t)(uintptr_t)name,
			   (uint32_t)(uintptr_t)buf, len };

	return of_call("getprop", 4, in);
}
