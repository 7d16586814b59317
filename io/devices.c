/* The device core: the modules linked in (io/device.h), and the life of
 * the devices they create (io/devices.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/device.h"
#include "io/devices.h"
#include "io/io.h"
#include "io/loop.h"
#include "io/virtio.h"

#define LOOP_ENTRIES	 256 /* with devices: their I/O shares the ring */
#define LOOP_ENTRIES_MIN 16  /* console, signals and the timer only */

/* The section always exists, even in a build with no device module:
 * this empty entry is in it (and skipped). */
DEVICE_MODULE(none, .option = NULL);

/* The linker's bounds of the section (GNU ld, for a section named like
 * a C identifier). */
extern const struct device_module __start_pvmm_devices[];
extern const struct device_module __stop_pvmm_devices[];

size_t device_module_count(void)
{
	return ((uintptr_t)__stop_pvmm_devices -
		(uintptr_t)__start_pvmm_devices) /
	       sizeof(struct device_module);
}

/* Does @a come before @b: rank, then option (place holders first), then
 * place in the section, so that the order is total. */
static bool before(const struct device_module *a, const struct device_module *b)
{
	int c;

	if (a->rank != b->rank)
		return a->rank < b->rank;
	if (!a->option || !b->option)
		return !a->option && (b->option || a < b);
	c = strcmp(a->option, b->option);
	return c ? c < 0 : a < b;
}

/* The entry with @i entries before it.  Selection by counting: a handful
 * of modules, asked for at start-up only, and no state to set up (the
 * section is read-only and its length known at link time only). */
const struct device_module *device_module_at(size_t i)
{
	size_t n = device_module_count();

	for (size_t c = 0; c < n; c++) {
		size_t ahead = 0;

		for (size_t k = 0; k < n; k++)
			ahead += before(&__start_pvmm_devices[k],
					&__start_pvmm_devices[c]);
		if (ahead == i)
			return &__start_pvmm_devices[c];
	}
	return &__start_pvmm_devices[0];
}

char *device_next_item(char **s)
{
	char *item = *s;

	if (!item || !*item)
		return NULL;
	*s = strchr(item, ',');
	if (*s)
		*(*s)++ = '\0';
	return item;
}

int device_error(char *err, size_t errlen, const char *fmt, const char *arg)
{
	snprintf(err, errlen, fmt, arg);
	return -EINVAL;
}

int device_refuse(char *err, size_t errlen, const char *fmt, const char *arg,
		  char *dup)
{
	device_error(err, errlen, fmt, arg);
	free(dup);
	return -EINVAL;
}

/* How many devices module @m was asked for. */
static unsigned asked(const struct device_module *m)
{
	return m->option ? m->count() : 0;
}

int devices_open(char *err, size_t errlen)
{
	for (size_t k = 0; k < device_module_count(); k++) {
		const struct device_module *m = device_module_at(k);

		for (unsigned i = 0; m->open && i < asked(m); i++) {
			int e = m->open(i, err, errlen);

			if (e < 0)
				return e;
		}
	}
	return 0;
}

static unsigned io_wanted(void)
{
	unsigned n = 0;

	for (size_t k = 0; k < device_module_count(); k++)
		n += asked(device_module_at(k));
	return n;
}

int io_loop_init(struct io *io)
{
	return loop_init(&io->loop,
			 io_wanted() ? LOOP_ENTRIES : LOOP_ENTRIES_MIN);
}

int devices_create(struct io *io)
{
	uint64_t t0 = vm_now_ns();
	int err = 0;

	for (size_t k = 0; !err && k < device_module_count(); k++) {
		const struct device_module *m = device_module_at(k);

		for (unsigned i = 0; !err && i < asked(m); i++)
			err = m->create(io, i);
	}
	if (!err)
		err = phb_dma_start(&io->phb);
	io->setup_ns = vm_now_ns() - t0;
	return err;
}

void io_report(const struct io *io, FILE *f)
{
	const char *sep = "";

	fprintf(f,
		"  \"io\": {\"setup_ns\": %" PRIu64
		", \"thread_cpu_ns\": %" PRIu64 ", \"devices\": [",
		io->setup_ns, loop_cpu_ns(io->loop));
	for (unsigned s = 0; s < PHB_SLOTS; s++) {
		const struct pci_func *fn = io->phb.func[s];
		const struct virtio_dev *d = fn ? fn->priv : NULL;

		if (!d)
			continue;
		fprintf(f,
			"%s{\"slot\": %u, \"name\": \"%s\", \"requests\": "
			"%" PRIu64 ", \"needs_reset\": %" PRIu64
			", \"resets\": %" PRIu64 "}",
			sep, s, fn->name, atomic_load(&d->requests),
			atomic_load(&d->failures), atomic_load(&d->resets));
		sep = ", ";
	}
	fprintf(f, "]},\n");
}

int io_loop_start(struct io *io)
{
	return loop_start(io->loop);
}

void io_loop_stop(struct io *io)
{
	loop_stop(io->loop);
}
