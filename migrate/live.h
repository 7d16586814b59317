/* Live migration between two pvmm processes over one stream (format in
 * migrate/mstream.h).
 *
 * The source copies guest RAM while the guest runs, in passes: the
 * first sends every page that is not zero, each later one the pages the
 * guest wrote since the one before (the hypervisor's dirty log), until
 * what is left is small or the pass limit is reached; hash guests send
 * their HPT alongside, the whole table first, then only the entries that
 * changed (the HTAB fd).  Then it pauses the guest, waits for the devices'
 * requests in flight, sends the rest and every other part's state, and
 * waits for the destination to say it runs.
 *
 * The destination checks every record before it uses it, refuses another
 * machine before any RAM is sent, and loads the vCPU and device state
 * only when all of it is checked. */
#ifndef PVMM_LIVE_H
#define PVMM_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migrate/mstream.h"
#include "migrate/state.h"

struct mig_params {
	uint32_t max_passes; /* passes while the guest runs (1..63) */
	uint64_t stop_bytes; /* stop when at most this much is dirty */
	int reply_ms;	     /* wait for each answer at most this long */
	int drain_ms;	     /* for the devices' requests, paused */
	/* A memory file HELLO and STATE are written into (emptied first
	 * each time), made before the caller's sandbox forbids making one;
	 * -1: made (memfd_create) and closed here. */
	int scratch_fd;
};

#define MIG_DEFAULT_PARAMS                   \
	{                                    \
		8, 4u << 20, 30000, 5000, -1 \
	}

/* What a migration did, for the control socket's answer, `info` and the
 * report; the same on both sides (the destination counts what it got). */
struct mig_report {
	uint32_t passes;		     /* RAM passes, the last paused */
	uint64_t pass_bytes[MIG_MAX_PASSES]; /* RAM and HPT bytes each */
	uint32_t hpt_passes;		     /* HPT passes sent */
	uint64_t hpt_bytes[MIG_MAX_PASSES];
	uint64_t bytes; /* everything on the stream */
	uint64_t total_ns, downtime_ns;
	int err;       /* 0: the destination runs */
	char why[256]; /* why not */
};

/* Source: migrate the running machine @p over @fd.  0 when the
 * destination answered that it runs: the guest stays paused here and
 * the caller ends this process.  Otherwise -errno with @r->why, the
 * dirty log off and the guest running again as before. */
int mig_source(const struct snap_parts *p, int fd, const struct mig_params *prm,
	       struct mig_report *r);

/* Destination, in two steps.  mig_dest_hello: read the greeting and the
 * source's configuration (*@cfg) from @fd, before the machine is built
 * (a hash guest's HPT is allocated at the source's size: the guest may
 * have resized it).  mig_dest: check @cfg against the machine @p built
 * for it (vCPUs not started) and answer, then receive it.  0 with
 * everything loaded: the caller starts the vCPUs (vm->restored), then
 * calls mig_dest_running().  -errno with @r->why (the source was told
 * why, when it could be). */
int mig_dest_hello(int fd, struct snap_config *cfg, struct mig_report *r);
int mig_dest(const struct snap_parts *p, int fd, const struct snap_config *cfg,
	     struct mig_report *r);
int mig_dest_running(int fd);

#endif
