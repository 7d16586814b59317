/* Interrupt source numbers: fixed ranges per kind and the allocator. */
#include <errno.h>

#include "cpu/irq.h"
#include "tests/unit/unit.h"

static void ranges(void **state)
{
	(void)state;
	/* Every source belongs to exactly one kind, the kinds tile the
	 * table in order, and nothing outside it is valid. */
	for (uint32_t irq = IRQ_BASE; irq < IRQ_BASE + IRQ_COUNT; irq++) {
		assert_true(irq_valid(irq));
		assert_true(irq_kind_of(irq) < IRQ_KINDS);
	}
	assert_false(irq_valid(IRQ_BASE - 1));
	assert_false(irq_valid(IRQ_BASE + IRQ_COUNT));
	assert_false(irq_valid(0));
	assert_false(irq_valid(0xffffffff));
	assert_int_equal(irq_kind_of(IRQ_BASE - 1), IRQ_KINDS);
	assert_int_equal(irq_kind_of(IRQ_EPOW), IRQ_KIND_EVENT);
	assert_int_equal(irq_kind_of(IRQ_HOTPLUG), IRQ_KIND_EVENT);
	assert_int_equal(irq_kind_of(IRQ_LSI_BASE), IRQ_KIND_LSI);
	assert_int_equal(irq_kind_of(IRQ_MSI_BASE - 1), IRQ_KIND_LSI);
	assert_int_equal(irq_kind_of(IRQ_MSI_BASE), IRQ_KIND_MSI);
	assert_int_equal(irq_kind_of(IRQ_BASE + IRQ_COUNT - 1), IRQ_KIND_MSI);
	assert_int_equal(IRQ_EPOW, 0x1000);		/* pseries convention */
}

static void sense(void **state)
{
	(void)state;
	assert_false(irq_is_lsi(IRQ_EPOW));
	assert_int_equal(irq_dt_sense(IRQ_EPOW), 0);	/* edge */
	assert_true(irq_is_lsi(IRQ_LSI_BASE));
	assert_int_equal(irq_dt_sense(IRQ_LSI_BASE), 1);	/* level */
	assert_false(irq_is_lsi(IRQ_MSI_BASE));
	assert_false(irq_is_lsi(0x42));
}

static void alloc(void **state)
{
	struct irq_map map = { { 0 } };

	(void)state;
	/* Event sources: after the fixed ones. */
	assert_int_equal(irq_alloc(&map, IRQ_KIND_EVENT, 1),
			 IRQ_EVENT_BASE + IRQ_EVENT_FIXED);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_EVENT,
				   IRQ_EVENT_COUNT - IRQ_EVENT_FIXED), 0);
	/* Consecutive blocks, in order. */
	assert_int_equal(irq_alloc(&map, IRQ_KIND_LSI, 4), IRQ_LSI_BASE);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_LSI, 4), IRQ_LSI_BASE + 4);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_MSI, 3), IRQ_MSI_BASE);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_MSI, 1), IRQ_MSI_BASE + 3);
	/* Exhaustion: refused without using anything up. */
	assert_int_equal(irq_alloc(&map, IRQ_KIND_LSI, IRQ_LSI_COUNT), 0);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_LSI, IRQ_LSI_COUNT - 8),
			 IRQ_LSI_BASE + 8);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_LSI, 1), 0);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_MSI, 0xffffffff), 0);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_MSI, 0), 0);
	assert_int_equal(irq_alloc(&map, IRQ_KINDS, 1), 0);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_MSI, 1), IRQ_MSI_BASE + 4);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_MSI, IRQ_MSI_COUNT - 5),
			 IRQ_MSI_BASE + 5);
	assert_int_equal(irq_alloc(&map, IRQ_KIND_MSI, 1), 0);
}

/* --irqchip: the names, and what each mode becomes on each host. */
static void irqchip(void **state)
{
	enum irqchip c = IRQCHIP_XICS, out = IRQCHIP_AUTO;
	const char *why;

	(void)state;
	assert_int_equal(irqchip_parse("auto", &c), 0);
	assert_int_equal(c, IRQCHIP_AUTO);
	assert_int_equal(irqchip_parse("xive", &c), 0);
	assert_int_equal(c, IRQCHIP_XIVE);
	assert_int_equal(irqchip_parse("xics", &c), 0);
	assert_int_equal(c, IRQCHIP_XICS);
	assert_int_equal(irqchip_parse("XIVE", &c), -EINVAL);
	assert_int_equal(irqchip_parse("xiv", &c), -EINVAL);
	assert_int_equal(irqchip_parse("xicsx", &c), -EINVAL);
	assert_int_equal(irqchip_parse("", &c), -EINVAL);
	assert_int_equal(c, IRQCHIP_XICS);	/* untouched when refused */
	assert_string_equal(irqchip_name(IRQCHIP_XIVE), "xive");
	assert_string_equal(irqchip_name(IRQCHIP_XICS), "xics");
	assert_string_equal(irqchip_name(IRQCHIP_AUTO), "auto");

	/* auto: XIVE where offered (Hosts B, C), else XICS (Host A). */
	assert_int_equal(irqchip_choose(IRQCHIP_AUTO, true, true, &out, &why), 0);
	assert_int_equal(out, IRQCHIP_XIVE);
	assert_null(why);
	assert_int_equal(irqchip_choose(IRQCHIP_AUTO, true, false, &out, &why), 0);
	assert_int_equal(out, IRQCHIP_XICS);
	/* A mode the host cannot give is refused, saying why. */
	out = IRQCHIP_AUTO;
	assert_int_equal(irqchip_choose(IRQCHIP_XIVE, true, false, &out, &why),
			 -ENODEV);
	assert_non_null(strstr(why, "KVM_CAP_PPC_IRQ_XIVE"));
	assert_int_equal(out, IRQCHIP_AUTO);
	assert_int_equal(irqchip_choose(IRQCHIP_XICS, false, true, &out, &why),
			 -ENODEV);
	assert_non_null(strstr(why, "KVM_CAP_IRQ_XICS"));
	assert_int_equal(irqchip_choose(IRQCHIP_AUTO, false, false, &out, &why),
			 -ENODEV);
	assert_int_equal(irqchip_choose(IRQCHIP_XICS, true, true, &out, &why), 0);
	assert_int_equal(out, IRQCHIP_XICS);
	assert_int_equal(irqchip_choose(IRQCHIP_XIVE, false, true, &out, &why), 0);
	assert_int_equal(out, IRQCHIP_XIVE);
}

/* XIVE LISNs: the IPIs, then pvmm's sources, nothing between. */
static void xive_lisns(void **state)
{
	(void)state;
	assert_true(irq_xive_valid(0, 4));
	assert_true(irq_xive_valid(3, 4));
	assert_false(irq_xive_valid(4, 4));
	assert_false(irq_xive_valid(IRQ_BASE - 1, 4));
	assert_true(irq_xive_valid(IRQ_BASE, 4));
	assert_true(irq_xive_valid(IRQ_BASE + IRQ_COUNT - 1, 4));
	assert_false(irq_xive_valid(IRQ_BASE + IRQ_COUNT, 4));
	assert_false(irq_xive_valid(0, 0));
	assert_false(irq_xive_valid(0xffffffff, 32));
	/* The ESB pages of every source lie below the TIMA. */
	assert_true(XIVE_ESB_BASE + (IRQ_BASE + IRQ_COUNT) * XIVE_ESB_STRIDE <=
		    XIVE_END_BASE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ranges),
		cmocka_unit_test(sense),
		cmocka_unit_test(alloc),
		cmocka_unit_test(irqchip),
		cmocka_unit_test(xive_lisns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
