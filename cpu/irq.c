/* Interrupt source allocation: a fixed range per kind (papr/irq.h). */
#include <errno.h>
#include <string.h>

#include "cpu/irq.h"

struct irq_range {
	uint32_t base;
	uint32_t count;
	uint32_t fixed;		/* leading numbers not handed out */
};

static const struct irq_range irq_ranges[IRQ_KINDS] = {
	[IRQ_KIND_EVENT] = { IRQ_EVENT_BASE, IRQ_EVENT_COUNT, IRQ_EVENT_FIXED },
	[IRQ_KIND_LSI] = { IRQ_LSI_BASE, IRQ_LSI_COUNT, 0 },
	[IRQ_KIND_MSI] = { IRQ_MSI_BASE, IRQ_MSI_COUNT, 0 },
};

uint32_t irq_alloc(struct irq_map *map, enum irq_kind kind, uint32_t n)
{
	const struct irq_range *r;
	uint32_t first;

	if ((unsigned)kind >= IRQ_KINDS || n == 0)
		return 0;
	r = &irq_ranges[kind];
	first = r->fixed + map->used[kind];
	if (first > r->count || n > r->count - first)
		return 0;
	map->used[kind] += n;
	return r->base + first;
}

bool irq_valid(uint32_t irq)
{
	return irq >= IRQ_BASE && irq - IRQ_BASE < IRQ_COUNT;
}

enum irq_kind irq_kind_of(uint32_t irq)
{
	for (int k = 0; k < IRQ_KINDS; k++)
		if (irq >= irq_ranges[k].base &&
		    irq - irq_ranges[k].base < irq_ranges[k].count)
			return (enum irq_kind)k;
	return IRQ_KINDS;
}

static const char *const irqchip_names[] = {
	[IRQCHIP_AUTO] = "auto",
	[IRQCHIP_XIVE] = "xive",
	[IRQCHIP_XICS] = "xics",
};

const char *irqchip_name(enum irqchip c)
{
	return (unsigned)c <= IRQCHIP_XICS ? irqchip_names[c] : "?";
}

int irqchip_parse(const char *s, enum irqchip *c)
{
	for (int i = IRQCHIP_AUTO; i <= IRQCHIP_XICS; i++)
		if (!strcmp(s, irqchip_names[i])) {
			*c = (enum irqchip)i;
			return 0;
		}
	return -EINVAL;
}

int irqchip_choose(enum irqchip want, bool host_xics, bool host_xive,
		   enum irqchip *out, const char **why)
{
	*why = NULL;
	if (want == IRQCHIP_AUTO)
		want = host_xive ? IRQCHIP_XIVE : IRQCHIP_XICS;
	if (want == IRQCHIP_XIVE && !host_xive) {
		*why = "this host's KVM does not offer XIVE exploitation mode "
		       "(no KVM_CAP_PPC_IRQ_XIVE: it needs a bare-metal "
		       "POWER9/10 host with a native XIVE, never nested KVM)";
		return -ENODEV;
	}
	if (want == IRQCHIP_XICS && !host_xics) {
		*why = "this host's KVM has no in-kernel XICS interrupt "
		       "controller (KVM_CAP_IRQ_XICS)";
		return -ENODEV;
	}
	*out = want;
	return 0;
}
