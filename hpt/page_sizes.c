/* Page sizes offered to the guest.  The tree may only promise what the
 * host can back: a hash guest that bolts its linear map with 16M pages the
 * host cannot provide dies before it prints anything. */
#include "hpt/mmu.h"
#include "cpu/be.h"

static void seg_filter(struct mmu_seg_size *seg, uint32_t backing_shift)
{
	int kept = 0;

	for (int i = 0; i < seg->nenc; i++)
		if (seg->enc[i].shift <= backing_shift)
			seg->enc[kept++] = seg->enc[i];
	seg->nenc = kept;
}

void mmu_info_filter(struct mmu_info *mi, uint32_t backing_shift)
{
	int kept = 0;

	for (int i = 0; i < mi->nseg; i++) {
		struct mmu_seg_size *seg = &mi->seg[i];

		if (seg->shift > backing_shift)
			continue;
		seg_filter(seg, backing_shift);
		if (seg->nenc)
			mi->seg[kept++] = *seg;
	}
	mi->nseg = kept;
}

size_t mmu_segment_page_sizes(const struct mmu_info *mi, void *buf,
			      size_t size)
{
	uint8_t *p = buf;
	size_t len = 0;

	for (int i = 0; i < mi->nseg; i++) {
		const struct mmu_seg_size *seg = &mi->seg[i];
		size_t need = 12 + 8 * (size_t)seg->nenc;

		if (len + need > size)
			return 0;
		be32_store(p + len, seg->shift);
		be32_store(p + len + 4, seg->slb_enc);
		be32_store(p + len + 8, (uint32_t)seg->nenc);
		len += 12;
		for (int j = 0; j < seg->nenc; j++, len += 8) {
			be32_store(p + len, seg->enc[j].shift);
			be32_store(p + len + 4, seg->enc[j].pte_enc);
		}
	}
	return len;
}
