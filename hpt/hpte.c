#include <inttypes.h>
#include <stdio.h>

#include "hpt/hpte.h"
#include "cpu/be.h"

#define HPTE_V_VALID		0x1ULL
#define HPTE_V_LARGE		0x4ULL
#define HPTE_V_BOLTED		0x10ULL
#define HPTE_V_AVPN_SHIFT	7
#define HPTE_R_SSIZE_SHIFT	62		/* ISA 3.0: B field in dw1 */
#define HPTE_R_RPN_MASK		0x0ffffffffffff000ULL
#define HPTE_R_LP_SHIFT		12
#define HPTE_R_LP_MASK		0xffULL

void hpte_decode(const uint8_t *hpte, const struct mmu_info *mi,
		 struct hpte_info *out)
{
	uint64_t v = be64_load(hpte), r = be64_load(hpte + 8);

	out->valid = v & HPTE_V_VALID;
	out->bolted = v & HPTE_V_BOLTED;
	out->large = v & HPTE_V_LARGE;
	out->avpn = v >> HPTE_V_AVPN_SHIFT;
	out->rpn = (r & HPTE_R_RPN_MASK) >> 12;
	out->seg_shift = (r >> HPTE_R_SSIZE_SHIFT) == 1 ? 40 : 28;
	out->lp = out->large ? (r >> HPTE_R_LP_SHIFT) & HPTE_R_LP_MASK : 0;
	out->page_shift = out->large ? 0 : 12;
	/* A large page names its size in LP bits that overlap the RPN's
	 * low bits; match them against the sizes the host offered. */
	for (int s = 0; out->large && mi && s < mi->nseg; s++)
		for (int e = 0; e < mi->seg[s].nenc; e++)
			if (mi->seg[s].enc[e].shift > 12 &&
			    mi->seg[s].enc[e].pte_enc == out->lp)
				out->page_shift = mi->seg[s].enc[e].shift;
}

int hpte_format(char *buf, size_t size, uint64_t index,
		const struct hpte_info *h)
{
	return snprintf(buf, size, "%8" PRIu64 " %s%s%s avpn=%#" PRIx64
			" rpn=%#" PRIx64 " seg=%u page=%u lp=%#x\n", index,
			h->valid ? "V" : "-", h->bolted ? "B" : "-",
			h->large ? "L" : "-", h->avpn, h->rpn, h->seg_shift,
			h->page_shift, h->lp);
}
