/* DMA windows and their TCE tables (io/tce.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/gmem.h"
#include "cpu/hv.h"
#include "cpu/vm.h"
#include "io/tce.h"

static uint64_t tce_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void tce_store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

static size_t table_bytes(uint64_t n)
{
	return (size_t)n * sizeof(uint64_t);
}

/* A table of @n entries: the hypervisor's if it can, else pvmm's own
 * (anonymous, zero, committed only as the guest writes it). */
static int window_open(struct tce_set *s, struct tce_window *w, uint32_t liobn,
		       unsigned shift, uint64_t bus, uint64_t n)
{
	uint64_t *t = NULL;
	int fd = hv_tce_create(s->vm, liobn, shift, bus, n, &t);

	if (fd < 0) {
		t = mmap(NULL, table_bytes(n), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (t == MAP_FAILED)
			return -errno;
		fd = -1;
	}
	*w = (struct tce_window){.liobn = liobn,
				 .shift = shift,
				 .bus = bus,
				 .n = n,
				 .tce = t,
				 .fd = fd};
	return 0;
}

static void window_close(struct tce_set *s, struct tce_window *w)
{
	if (!w->liobn)
		return;
	if (w->fd >= 0)
		hv_tce_destroy(s->vm, w->fd, w->tce, w->n);
	else
		munmap(w->tce, table_bytes(w->n));
	memset(w, 0, sizeof(*w));
	w->fd = -1;
}

static int default_open(struct tce_set *s)
{
	return window_open(s, &s->win[TCE_WIN_DEFAULT], TCE_LIOBN_DEFAULT,
			   TCE_DEFAULT_SHIFT, TCE_DEFAULT_BUS,
			   TCE_DEFAULT_SIZE >> TCE_DEFAULT_SHIFT);
}

void tce_setup(struct tce_set *s, struct vm *vm)
{
	memset(s, 0, sizeof(*s));
	s->vm = vm;
	pthread_mutex_init(&s->lock, NULL); /* cannot fail without attrs */
	for (int i = 0; i < TCE_WINDOWS; i++)
		s->win[i].fd = -1;
}

int tce_start(struct tce_set *s)
{
	int err;

	pthread_mutex_lock(&s->lock);
	err = s->win[TCE_WIN_DEFAULT].liobn ? -EEXIST : default_open(s);
	pthread_mutex_unlock(&s->lock);
	return err;
}

void tce_fini(struct tce_set *s)
{
	for (int i = 0; i < TCE_WINDOWS; i++)
		window_close(s, &s->win[i]);
}

static struct tce_window *window_of(struct tce_set *s, uint32_t liobn)
{
	for (int i = 0; liobn && i < TCE_WINDOWS; i++)
		if (s->win[i].liobn == liobn)
			return &s->win[i];
	return NULL;
}

/* Entry of @ioba in @w if [ioba, + n pages) lies in it and @ioba is a
 * page boundary (Linux's kvmppc_ioba_validate has the same rules). */
static int entry_of(const struct tce_window *w, uint64_t ioba, uint64_t n,
		    uint64_t *idx)
{
	uint64_t off = ioba - w->bus;

	if (ioba < w->bus || (ioba & ((1ull << w->shift) - 1)))
		return -EINVAL;
	off >>= w->shift;
	if (off >= w->n || n > w->n - off)
		return -EINVAL;
	*idx = off;
	return 0;
}

/* A TCE that grants access must name a whole page of guest RAM, with
 * nothing but the permission bits below the page size. */
static int tce_check(const struct tce_set *s, const struct tce_window *w,
		     uint64_t tce)
{
	uint64_t page = 1ull << w->shift;

	if (!(tce & TCE_PERMS))
		return 0;
	if (tce & (page - 1) & ~TCE_PERMS)
		return -EINVAL;
	return gmem_contains(&s->vm->mem, tce & ~(page - 1), page) ? 0 : -EINVAL;
}

/* The window and first entry for an hcall on @n entries; under s->lock. */
static int locate(struct tce_set *s, uint32_t liobn, uint64_t ioba, uint64_t n,
		  struct tce_window **w, uint64_t *idx)
{
	*w = window_of(s, liobn);
	if (!*w)
		return -ENOENT;
	return entry_of(*w, ioba, n, idx);
}

int tce_read(struct tce_set *s, uint32_t liobn, uint64_t ioba, uint64_t *tce)
{
	struct tce_window *w;
	uint64_t idx;
	int err;

	pthread_mutex_lock(&s->lock);
	err = locate(s, liobn, ioba, 1, &w, &idx);
	if (!err)
		*tce = tce_load(&w->tce[idx]);
	pthread_mutex_unlock(&s->lock);
	return err;
}

/* Entries pvmm wrote into a table KVM holds (the multi-TCE calls, which
 * pvmm answers: papr/hcall_tce.c) brought KVM's pages into pvmm's
 * mapping: hand them back, as tce_walk does, or a Linux guest's mapping
 * of all RAM through its DDW makes the whole 2 MiB table pvmm's resident
 * memory (vmm-memory: 3,392 KiB). */
static void drop_written(const struct tce_window *w, uint64_t idx, uint64_t n)
{
	for (uint64_t i = 0; w->fd >= 0 && i < n; i += HV_TCE_RELEASE_STEP) {
		uint64_t k = n - i < HV_TCE_RELEASE_STEP ? n - i
							 : HV_TCE_RELEASE_STEP;

		hv_tce_release(w->tce, idx + i, k);
	}
}

int tce_write(struct tce_set *s, uint32_t liobn, uint64_t ioba,
	      const uint64_t *tces, uint64_t n)
{
	struct tce_window *w;
	uint64_t idx;
	int err;

	pthread_mutex_lock(&s->lock);
	err = locate(s, liobn, ioba, n, &w, &idx);
	for (uint64_t i = 0; !err && i < n; i++)
		err = tce_check(s, w, tces[i]);
	for (uint64_t i = 0; !err && i < n; i++)
		tce_store(&w->tce[idx + i], tces[i]);
	if (!err)
		drop_written(w, idx, n);
	pthread_mutex_unlock(&s->lock);
	return err;
}

int tce_fill(struct tce_set *s, uint32_t liobn, uint64_t ioba, uint64_t tce,
	     uint64_t n)
{
	struct tce_window *w;
	uint64_t idx;
	int err;

	pthread_mutex_lock(&s->lock);
	err = locate(s, liobn, ioba, n, &w, &idx);
	if (!err)
		err = tce_check(s, w, tce);
	for (uint64_t i = 0; !err && i < n; i++)
		tce_store(&w->tce[idx + i], tce);
	if (!err)
		drop_written(w, idx, n);
	pthread_mutex_unlock(&s->lock);
	return err;
}

/* Entries a DDW may have: enough 4 KiB pages to map RAM rounded up to a
 * power of two (Linux asks for a window of order_base_2(RAM) bytes). */
static uint64_t ddw_largest(const struct tce_set *s)
{
	uint64_t size = s->vm->mem.size, p = 1ull << TCE_DEFAULT_SHIFT;

	while (p < size && p < (1ull << TCE_DDW_MAX_SHIFT))
		p <<= 1;
	return p >> TCE_DEFAULT_SHIFT;
}

void tce_ddw_query(struct tce_set *s, uint32_t *avail, uint64_t *largest,
		   uint64_t *shifts)
{
	atomic_fetch_add(&s->stats.ddw_query, 1);
	pthread_mutex_lock(&s->lock);
	*avail = s->win[TCE_WIN_DDW].liobn ? 0 : 1;
	pthread_mutex_unlock(&s->lock);
	*largest = ddw_largest(s);
	*shifts = TCE_DDW_SHIFTS;
}

int tce_ddw_create(struct tce_set *s, unsigned shift, unsigned window_shift,
		   uint32_t *liobn, uint64_t *bus)
{
	struct tce_window *w = &s->win[TCE_WIN_DDW];
	int err;

	atomic_fetch_add(&s->stats.ddw_create, 1);
	if (shift >= 64 || !(TCE_DDW_SHIFTS & (1ull << shift)) ||
	    window_shift < shift || window_shift > TCE_DDW_MAX_SHIFT ||
	    (1ull << (window_shift - shift)) > ddw_largest(s))
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (w->liobn)
		err = -EBUSY;
	else
		err = window_open(s, w, TCE_LIOBN_DDW, shift, TCE_DDW_BUS,
				  1ull << (window_shift - shift));
	pthread_mutex_unlock(&s->lock);
	if (err)
		return err;
	*liobn = TCE_LIOBN_DDW;
	*bus = TCE_DDW_BUS;
	return 0;
}

int tce_window_remove(struct tce_set *s, uint32_t liobn)
{
	struct tce_window *w;

	atomic_fetch_add(&s->stats.ddw_remove, 1);
	pthread_mutex_lock(&s->lock);
	w = window_of(s, liobn);
	if (w)
		window_close(s, w);
	pthread_mutex_unlock(&s->lock);
	return w ? 0 : -ENOENT;
}

int tce_reset(struct tce_set *s)
{
	int err;

	atomic_fetch_add(&s->stats.ddw_reset, 1);
	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < TCE_WINDOWS; i++)
		window_close(s, &s->win[i]);
	err = default_open(s);
	pthread_mutex_unlock(&s->lock);
	return err;
}

/* The window holding bus address @ioba. */
static const struct tce_window *window_at(const struct tce_set *s,
					  uint64_t ioba)
{
	for (int i = 0; i < TCE_WINDOWS; i++) {
		const struct tce_window *w = &s->win[i];

		if (w->liobn && ioba >= w->bus &&
		    (ioba - w->bus) >> w->shift < w->n)
			return w;
	}
	return NULL;
}

/* Follow TCEs from @ioba while they grant @perm and their pages follow
 * each other in guest memory. */
static uint64_t run_of(const struct tce_window *w, uint64_t ioba, uint64_t len,
		       uint64_t perm, uint64_t *gpa)
{
	uint64_t page = 1ull << w->shift, mask = page - 1;
	uint64_t idx = (ioba - w->bus) >> w->shift, off = ioba & mask;
	uint64_t done = 0, next = 0;

	while (done < len && idx < w->n) {
		uint64_t tce = tce_load(&w->tce[idx++]);
		uint64_t base = tce & ~mask, chunk = page - off;

		if ((tce & perm) != perm || (done && base != next))
			break;
		if (!done)
			*gpa = base + off;
		done += chunk < len - done ? chunk : len - done;
		next = base + page;
		off = 0;
	}
	return done;
}

uint64_t tce_translate(struct tce_set *s, uint64_t ioba, uint64_t len,
		       bool is_write, uint64_t *gpa)
{
	const struct tce_window *w;
	uint64_t done = 0;

	pthread_mutex_lock(&s->lock);
	w = window_at(s, ioba);
	if (w && len)
		done = run_of(w, ioba, len, is_write ? TCE_WRITE : TCE_READ,
			      gpa);
	if (done)
		atomic_fetch_add(&s->stats.translated[w - s->win], 1);
	else
		atomic_fetch_add(&s->stats.faults, 1);
	pthread_mutex_unlock(&s->lock);
	return done;
}

/* Walk every entry of @w that maps something, in steps: a table in the
 * hypervisor is KVM's memory, which pvmm's mapping takes in as it reads
 * it; each step hands its pages back, so a walk for the report or a
 * snapshot holds one step's 64 KiB, not a table of megabytes (a Linux
 * guest's DDW table is 2 MiB for 512 MiB of RAM: vmm-memory's peak was
 * 3,520 KiB with it). @fn returns false to stop. */
static void tce_walk(const struct tce_window *w,
		     bool (*fn)(uint64_t i, uint64_t tce, void *arg), void *arg)
{
	bool go = true;

	for (uint64_t i = 0; w->liobn && go && i < w->n;
	     i += HV_TCE_RELEASE_STEP) {
		uint64_t end = w->n - i < HV_TCE_RELEASE_STEP
				       ? w->n
				       : i + HV_TCE_RELEASE_STEP;

		for (uint64_t j = i; go && j < end; j++) {
			uint64_t t = tce_load(&w->tce[j]);

			if (t & TCE_PERMS)
				go = fn(j, t, arg);
		}
		if (w->fd >= 0)
			hv_tce_release(w->tce, i, end - i);
	}
}

static bool count_one(uint64_t i, uint64_t tce, void *arg)
{
	(void)i;
	(void)tce;
	++*(uint64_t *)arg;
	return true;
}

uint64_t tce_mapped(const struct tce_window *w)
{
	uint64_t n = 0;

	tce_walk(w, count_one, &n);
	return n;
}

bool tce_in_kernel(struct tce_set *s, uint32_t liobn)
{
	const struct tce_window *w;
	bool in;

	pthread_mutex_lock(&s->lock);
	w = window_of(s, liobn);
	in = w && w->fd >= 0;
	pthread_mutex_unlock(&s->lock);
	return in;
}

/* --- snapshot state ------------------------------------------------------ */

/* A snapshot's walk: into @ws's arrays, which have @room entries (the
 * count before the walk: entries the guest maps meanwhile wait for the
 * next snapshot). */
struct keep {
	struct tce_win_state *ws;
	uint64_t room;
};

static bool keep_one(uint64_t i, uint64_t tce, void *arg)
{
	struct keep *k = arg;

	k->ws->idx[k->ws->nent] = i;
	k->ws->tce[k->ws->nent] = tce;
	return ++k->ws->nent < k->room;
}

static int win_get(const struct tce_window *w, struct tce_win_state *ws)
{
	struct keep k = {.ws = ws, .room = tce_mapped(w)};

	ws->liobn = w->liobn;
	ws->shift = w->shift;
	ws->bus = w->bus;
	ws->n = w->n;
	ws->nent = 0;
	if (!w->liobn || !k.room)
		return 0;
	ws->idx = malloc(k.room * sizeof(uint64_t));
	ws->tce = malloc(k.room * sizeof(uint64_t));
	if (!ws->idx || !ws->tce)
		return -ENOMEM;
	tce_walk(w, keep_one, &k);
	return 0;
}

int tce_get_state(struct tce_set *s, struct tce_state *st)
{
	int err = 0;

	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&s->lock);
	for (int i = 0; !err && i < TCE_WINDOWS; i++)
		err = win_get(&s->win[i], &st->win[i]);
	pthread_mutex_unlock(&s->lock);
	if (err)
		tce_state_free(st);
	return err;
}

/* The shape window @slot has when the platform or the guest opens it. */
static bool shape_ok(const struct tce_set *s, int slot,
		     const struct tce_win_state *ws)
{
	if (!ws->liobn)
		return !ws->nent;
	if (slot == TCE_WIN_DEFAULT)
		return ws->liobn == TCE_LIOBN_DEFAULT &&
		       ws->shift == TCE_DEFAULT_SHIFT &&
		       ws->bus == TCE_DEFAULT_BUS &&
		       ws->n == TCE_DEFAULT_SIZE >> TCE_DEFAULT_SHIFT;
	return ws->liobn == TCE_LIOBN_DDW && ws->shift < 64 &&
	       (TCE_DDW_SHIFTS & (1ull << ws->shift)) &&
	       ws->bus == TCE_DDW_BUS && ws->n && !(ws->n & (ws->n - 1)) &&
	       ws->n <= ddw_largest(s);
}

int tce_state_check(struct tce_set *s, const struct tce_state *st)
{
	for (int i = 0; i < TCE_WINDOWS; i++) {
		const struct tce_win_state *ws = &st->win[i];
		struct tce_window w = { .shift = ws->shift, .n = ws->n };

		if (!shape_ok(s, i, ws) || ws->nent > ws->n)
			return -EINVAL;
		for (uint64_t k = 0; k < ws->nent; k++)
			if (ws->idx[k] >= ws->n ||
			    (k && ws->idx[k] <= ws->idx[k - 1]) ||
			    !(ws->tce[k] & TCE_PERMS) ||
			    tce_check(s, &w, ws->tce[k]))
				return -EINVAL;
	}
	return 0;
}

int tce_set_state(struct tce_set *s, const struct tce_state *st)
{
	int err = 0;

	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < TCE_WINDOWS; i++)
		window_close(s, &s->win[i]);
	for (int i = 0; !err && i < TCE_WINDOWS; i++) {
		const struct tce_win_state *ws = &st->win[i];
		struct tce_window *w = &s->win[i];

		if (!ws->liobn)
			continue;
		err = window_open(s, w, ws->liobn, ws->shift, ws->bus, ws->n);
		for (uint64_t k = 0; !err && k < ws->nent; k++)
			tce_store(&w->tce[ws->idx[k]], ws->tce[k]);
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

void tce_state_free(struct tce_state *st)
{
	for (int i = 0; i < TCE_WINDOWS; i++) {
		free(st->win[i].idx);
		free(st->win[i].tce);
		st->win[i].idx = st->win[i].tce = NULL;
		st->win[i].nent = 0;
	}
}
