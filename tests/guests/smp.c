/* Secondary CPUs: stopped until start-cpu, run guest code (entered
 * big-endian, as PAPR says), stop themselves with stop-self.  Run with
 * --cpus 2. */
#include "guest.h"

extern char secondary_entry[];

static volatile int flag;
static char stack1[0x4000] __attribute__((aligned(16)));

void secondary_main(void)
{
	uint32_t ret;

	flag = 1;
	__asm__ volatile("sync" ::: "memory");
	rtas_call("stop-self", 0, 1, NULL, &ret);
	for (;;)
		;
}

static uint32_t cpu_state(uint32_t cpu)
{
	uint32_t args[1] = { cpu }, rets[2] = { 0, 0xff };

	if (rtas_call("query-cpu-stopped-state", 1, 2, args, rets) != 0)
		return 0xff;
	return rets[1];
}

static bool wait_for(volatile int *p, int want)
{
	for (long i = 0; i < 200000000L; i++)
		if (*p == want)
			return true;
	return false;
}

int main(void)
{
	uint32_t args[3] = { 1, (uint32_t)(uintptr_t)secondary_entry,
			     (uint32_t)(uintptr_t)(stack1 + sizeof(stack1)) };
	uint32_t ret;
	int stopped = 0;

	CHECK_EQ(cpu_state(1), 0, "CPU 1 stopped before start-cpu");
	CHECK_EQ(rtas_call("start-cpu", 3, 1, args, &ret), 0, "start-cpu 1");
	CHECK(wait_for(&flag, 1), "CPU 1 ran its code");
	for (long i = 0; i < 100000000L && !stopped; i++)
		stopped = cpu_state(1) == 0;
	CHECK(stopped, "CPU 1 stopped again after stop-self");
	CHECK_EQ(rtas_call("start-cpu", 3, 1, (uint32_t[]){ 0, 0, 0 }, &ret),
		 -1, "start-cpu of the running CPU 0");
	CHECK_EQ(rtas_call("start-cpu", 3, 1, (uint32_t[]){ 99, 0, 0 }, &ret),
		 -3, "start-cpu of CPU 99");
	test_finish();
}
