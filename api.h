/* The control socket (--api PATH): a unix stream socket; one JSON request
 * per line, one JSON answer per line (README, "Control socket").
 *
 * Served from the event loop thread: accepting, reading and answering
 * never block it, and one request is served at a time (a snapshot in
 * progress answers other requests "busy").  A request acts only once its
 * whole line has arrived: a client that goes away mid-line changes
 * nothing.  Bad requests get {"ok": false, "error": "..."} and change
 * nothing either. */
#ifndef PVMM_API_H
#define PVMM_API_H

#include <stddef.h>

struct machine;

#define API_LINE_MAX	4096 /* bytes of one request, newline included */
#define API_CLIENTS_MAX 8

enum api_op {
	API_PAUSE,
	API_RESUME,
	API_SNAPSHOT,
	API_STOP,
	API_INFO,
	API_MIGRATE,
};

struct api_req {
	enum api_op op;
	char path[API_LINE_MAX]; /* snapshot: where to write it; migrate:
				  * the destination's unix socket ("uds") */
	int fd;			 /* migrate: an inherited stream ("fd"),
				  * or -1 */
};

/* Parse one request line (without its newline): 0, or -EINVAL with the
 * error for the answer in @why. */
int api_parse(const char *line, size_t len, struct api_req *r, char *why,
	      size_t wlen);

/* Listen on @path (which must not exist) and serve it from @m's event
 * loop.  0, or -errno with one line in @why. */
int api_start(struct machine *m, const char *path, char *why, size_t wlen);
/* Close the socket and every client, remove @path.  After the loop
 * stopped. */
void api_stop(void);

#endif
