/* memchurn: guest load for the live-migration e2e tests (runs in the L2
 * guest, static).
 *
 *   memchurn rw MIB
 *       Rewrite a buffer of MIB MiB in rounds: round r stores, in every
 *       4 KiB page i, words derived from (i, r); at the end of each round
 *       every page is read back and must hold this round's words.  A page
 *       that a migration lost or brought over stale fails that check:
 *       "L2-MEM-BAD round R page I" and exit status 1.  Each round prints
 *       "L2-MEM r=R ok sum=CRC" (CRC over the whole buffer).
 *   memchurn hpt
 *       Churn the hashed page table: map 8 MiB, touch each page, unmap,
 *       for ever; "L2-HPT-CHURN n=N" every 200 rounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PG 4096u

static uint64_t word(uint64_t page, uint64_t round, uint64_t k)
{
	uint64_t x =
		page * 0x9e3779b97f4a7c15ull ^ round * 0xbf58476d1ce4e5b9ull;

	return x + k * 0x94d049bb133111ebull;
}

static int rw(uint64_t mib)
{
	uint64_t n = (mib << 20) / PG;
	uint64_t *b = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (b == MAP_FAILED) {
		perror("memchurn: mmap");
		return 1;
	}
	for (uint64_t r = 1;; r++) {
		uint64_t sum = 0;

		for (uint64_t i = 0; i < n; i++) {
			uint64_t *p = b + i * (PG / 8);

			/* Every 64th word: the whole page is dirtied and the
			 * loop stays fast under TCG. */
			for (uint64_t k = 0; k < PG / 8; k += 64)
				p[k] = word(i, r, k);
		}
		for (uint64_t i = 0; i < n; i++) {
			const uint64_t *p = b + i * (PG / 8);

			for (uint64_t k = 0; k < PG / 8; k += 64) {
				if (p[k] != word(i, r, k)) {
					printf("L2-MEM-BAD round %llu page "
					       "%llu word %llu\n",
					       (unsigned long long)r,
					       (unsigned long long)i,
					       (unsigned long long)k);
					fflush(stdout);
					return 1;
				}
				sum = (sum << 1 | sum >> 63) ^ p[k];
			}
		}
		printf("L2-MEM r=%llu ok sum=%016llx\n", (unsigned long long)r,
		       (unsigned long long)sum);
		fflush(stdout);
	}
}

static int hpt(void)
{
	for (unsigned long n = 1;; n++) {
		size_t len = 8u << 20;
		volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("memchurn: mmap");
			return 1;
		}
		for (size_t i = 0; i < len; i += PG)
			p[i] = (char)n;
		munmap((void *)p, len);
		if (n % 200 == 0) {
			printf("L2-HPT-CHURN n=%lu\n", n);
			fflush(stdout);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "rw"))
		return rw(strtoull(argv[2], NULL, 0));
	if (argc == 2 && !strcmp(argv[1], "hpt"))
		return hpt();
	fprintf(stderr, "usage: memchurn rw MIB | memchurn hpt\n");
	return 2;
}
