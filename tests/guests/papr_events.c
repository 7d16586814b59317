/* RTAS events as a guest sees them: the device tree Linux's RAS code
 * reads, check-exception / event-scan / get-sensor-state argument checks,
 * the XICS sources pvmm creates, and one EPOW event end to end.
 *
 * The scenario (papr-events.scn) sends pvmm SIGTERM as soon as it sees
 * EVENTS-WAITING.  The EPOW source is still masked then: its interrupt
 * must wait in the XICS and arrive once ibm,set-xive unmasks it.  The
 * guest polls H_XIRR with MSR[EE] off, so no interrupt vector is taken. */
#include <libfdt.h>

#include "guest.h"

#define H_EOI		0x64
#define H_CPPR		0x68
#define H_XIRR		0x74

#define IRQ_EPOW	0x1000
#define IRQ_LAST	0x13ff		/* last source pvmm creates */
#define CLASS_EPOW	0x40000000u
#define LOG_MAX		2048
#define XISR(x)		((x) & 0xffffff)

static uint8_t elog[LOG_MAX] __attribute__((aligned(16)));

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint64_t mftb(void)
{
	uint64_t t;

	__asm__ volatile("mftb %0" : "=r"(t));
	return t;
}

static uint64_t timebase_hz(void)
{
	int cpu = fdt_node_offset_by_prop_value(guest_fdt, -1, "device_type",
						"cpu", 4);
	const fdt32_t *f = cpu < 0 ? NULL :
			   fdt_getprop(guest_fdt, cpu, "timebase-frequency",
				       NULL);

	return f ? fdt32_to_cpu(*f) : 512000000;
}

static void test_tree(void)
{
	int epow = fdt_path_offset(guest_fdt, "/event-sources/epow-events");
	int rtas = fdt_path_offset(guest_fdt, "/rtas"), len = 0;
	const fdt32_t *intr = epow < 0 ? NULL :
			      fdt_getprop(guest_fdt, epow, "interrupts", &len);

	CHECK(intr && len == 8, "/event-sources/epow-events has interrupts");
	if (intr) {
		CHECK_EQ(fdt32_to_cpu(intr[0]), IRQ_EPOW, "EPOW source");
		CHECK_EQ(fdt32_to_cpu(intr[1]), 0, "EPOW source is edge");
	}
	CHECK(rtas_token("check-exception") != 0, "check-exception token");
	CHECK(rtas_token("event-scan") != 0, "event-scan token");
	CHECK(fdt_getprop(guest_fdt, rtas, "rtas-event-scan-rate", NULL) !=
	      NULL, "rtas-event-scan-rate");
	CHECK(fdt_getprop(guest_fdt, rtas, "ibm,extended-os-term", NULL) !=
	      NULL, "ibm,extended-os-term");
}

static int check_exception(uint32_t mask, uint64_t buf, uint32_t len)
{
	uint32_t args[6] = { 0x500, IRQ_EPOW, mask, 0, (uint32_t)buf, len };
	uint32_t ret;

	return rtas_call("check-exception", 6, 1, args, &ret);
}

static void test_calls(void)
{
	uint64_t ram = guest_ram_size(), buf = (uintptr_t)elog;
	uint32_t scan[4] = { 0xffffffff, 0, (uint32_t)buf, LOG_MAX };
	uint32_t sensor[2] = { 9, 0 }, rets[2];

	for (int i = 0; i < 64; i++)
		elog[i] = 0xff;
	CHECK_EQ(check_exception(CLASS_EPOW, buf, LOG_MAX), 1,
		 "check-exception with nothing pending");
	CHECK_EQ(be32(elog + 4), 0, "no stale extended log left");
	CHECK_EQ(check_exception(CLASS_EPOW, ram - 16, LOG_MAX), -3,
		 "check-exception buffer straddling the end of RAM");
	CHECK_EQ(check_exception(CLASS_EPOW, buf, 4), -3,
		 "check-exception buffer of 4 bytes");
	CHECK_EQ(rtas_call("event-scan", 4, 1, scan, rets), 1,
		 "event-scan finds nothing");
	scan[2] = (uint32_t)ram;
	CHECK_EQ(rtas_call("event-scan", 4, 1, scan, rets), -3,
		 "event-scan buffer beyond RAM");
	CHECK_EQ(rtas_call("get-sensor-state", 2, 2, sensor, rets), 0,
		 "get-sensor-state EPOW");
	CHECK_EQ(rets[1], 0, "EPOW sensor: normal");
}

/* Sources exist in KVM's XICS, masked (priority 0xff), server 0. */
static void test_sources(void)
{
	static const uint32_t irqs[] = { IRQ_EPOW, 0x1010, IRQ_LAST };

	for (unsigned i = 0; i < sizeof(irqs) / sizeof(irqs[0]); i++) {
		uint32_t args[1] = { irqs[i] }, rets[3] = { 1, 1, 1 };

		CHECK_EQ(rtas_call("ibm,get-xive", 1, 3, args, rets), 0,
			 "ibm,get-xive of a pvmm source");
		CHECK_EQ(rets[1], 0, "server 0");
		CHECK_EQ(rets[2], 0xff, "masked");
	}
}

/* Poll the presentation controller for up to @secs; the XIRR or 0. */
static uint32_t wait_xirr(uint64_t secs)
{
	uint64_t end = mftb() + secs * timebase_hz();
	struct hret r;

	do {
		HCALL(&r, H_XIRR, 0, 0, 0, 0);
		if (XISR(r.r[0]))
			return (uint32_t)r.r[0];
	} while (mftb() < end);
	return 0;
}

/* Linux's walk (get_pseries_errorlog): sections after the 16-byte
 * extended header, each {be16 id, be16 length}, up to 8 + ext length. */
static const uint8_t *find_section(uint16_t id)
{
	const uint8_t *p = elog + 24, *end = elog + 8 + be32(elog + 4);

	if (end > elog + LOG_MAX)
		return NULL;
	while (p + 8 <= end && be16(p + 2) >= 8) {
		if (be16(p) == id)
			return p;
		p += be16(p + 2);
	}
	return NULL;
}

static void test_log(void)
{
	const uint8_t *ph = find_section('P' << 8 | 'H');
	const uint8_t *ep = find_section('E' << 8 | 'P');

	CHECK_EQ(elog[0], 6, "log version 6");
	CHECK_EQ(elog[1] & 0x04, 0x04, "extended log");
	CHECK_EQ(elog[3], 0x40, "type EPOW");
	CHECK_EQ(elog[10] & 0x0f, 14, "event-log format");
	CHECK_EQ(be32(elog + 20), 0x49424d00, "company IBM");
	CHECK(ph == elog + 24, "Main-A section first");
	CHECK(ep != NULL, "EP section found");
	if (ep) {
		CHECK_EQ(ep[8] & 0x0f, 3, "action: system shutdown");
		CHECK_EQ(ep[9] & 0x0f, 1, "modifier: normal");
	}
}

static void test_epow(void)
{
	uint32_t set[3] = { IRQ_EPOW, 0, 5 }, ret, xirr;

	HCALL(NULL, H_CPPR, 0xff, 0, 0, 0);
	printf("EVENTS-WAITING\n");
	xirr = wait_xirr(5);
	CHECK_EQ(XISR(xirr), 0, "nothing presented while the source is masked");
	CHECK_EQ(rtas_call("ibm,set-xive", 3, 1, set, &ret), 0,
		 "unmask the EPOW source");
	xirr = wait_xirr(30);
	CHECK_EQ(XISR(xirr), IRQ_EPOW, "the EPOW interrupt arrives");
	CHECK_EQ(check_exception(CLASS_EPOW, (uintptr_t)elog, LOG_MAX), 0,
		 "check-exception hands over the event");
	test_log();
	HCALL(NULL, H_EOI, xirr, 0, 0, 0);
	CHECK_EQ(check_exception(CLASS_EPOW, (uintptr_t)elog, LOG_MAX), 1,
		 "the event is read once");
	CHECK_EQ(XISR(wait_xirr(1)), 0, "no second interrupt");
}

int main(void)
{
	test_tree();
	test_calls();
	test_sources();
	test_epow();
	test_finish();
}
