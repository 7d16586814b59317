/* RTAS as a guest sees it: buffer validation, tokens, argument counts,
 * the clock, CPU state queries and display-character. */
#include "guest.h"

static uint32_t buf[16] __attribute__((aligned(16)));

static void put_be(int i, uint32_t v)
{
	buf[i] = __builtin_bswap32(v);
}

static uint32_t get_be(int i)
{
	return __builtin_bswap32(buf[i]);
}

static void test_bad_buffers(void)
{
	uint64_t ram = guest_ram_size();

	CHECK(ram >= (64UL << 20), "RAM size from the tree (%lu MiB)",
	      (unsigned long)(ram >> 20));
	CHECK_EQ(rtas_raw(ram + 0x1000), H_PARAMETER, "buffer beyond RAM");
	CHECK_EQ(rtas_raw(ram - 8), H_PARAMETER, "buffer straddling RAM's end");
	CHECK_EQ(rtas_raw(~0UL - 4), H_PARAMETER, "buffer at the top of 2^64");
	put_be(0, rtas_token("get-time-of-day"));
	put_be(1, 1000);
	put_be(2, 1);
	CHECK_EQ(rtas_raw((uintptr_t)buf), H_PARAMETER, "nargs 1000");
	put_be(1, 0);
	put_be(2, 1000);
	CHECK_EQ(rtas_raw((uintptr_t)buf), H_PARAMETER, "nret 1000");
}

static void test_bad_calls(void)
{
	put_be(0, 0x1234);
	put_be(1, 0);
	put_be(2, 1);
	put_be(3, 0);
	CHECK_EQ(rtas_raw((uintptr_t)buf), H_SUCCESS, "unknown token: call made");
	CHECK_EQ((int32_t)get_be(3), -3, "unknown token: status -3");
	put_be(0, rtas_token("get-time-of-day"));
	put_be(1, 1);
	put_be(2, 8);
	CHECK_EQ(rtas_raw((uintptr_t)buf), H_SUCCESS, "wrong nargs: call made");
	CHECK_EQ((int32_t)get_be(4), -3, "wrong nargs: status -3");
}

static void test_time(void)
{
	uint32_t rets[8];
	int st = rtas_call("get-time-of-day", 0, 8, NULL, rets);

	CHECK_EQ(st, 0, "get-time-of-day status");
	CHECK(rets[1] >= 2024 && rets[1] < 2200, "year %u", rets[1]);
	CHECK(rets[2] >= 1 && rets[2] <= 12, "month %u", rets[2]);
	CHECK(rets[3] >= 1 && rets[3] <= 31, "day %u", rets[3]);
	CHECK(rets[4] <= 23 && rets[5] <= 59 && rets[6] <= 60,
	      "time %u:%u:%u", rets[4], rets[5], rets[6]);
}

static void test_cpus(void)
{
	uint32_t args[1] = { 0 }, rets[2];

	CHECK_EQ(rtas_call("query-cpu-stopped-state", 1, 2, args, rets), 0,
		 "query-cpu-stopped-state of CPU 0");
	CHECK_EQ(rets[1], 2, "CPU 0 (this one) is running");
	args[0] = 99;
	CHECK_EQ(rtas_call("query-cpu-stopped-state", 1, 2, args, rets), -3,
		 "query-cpu-stopped-state of CPU 99");
}

static void test_display(void)
{
	uint32_t args[1] = { '*' }, ret;

	CHECK_EQ(rtas_call("display-character", 1, 1, args, &ret), 0,
		 "display-character");
	args[0] = '\n';
	rtas_call("display-character", 1, 1, args, &ret);
}

int main(void)
{
	test_bad_buffers();
	test_bad_calls();
	test_time();
	test_cpus();
	test_display();
	test_finish();
}
