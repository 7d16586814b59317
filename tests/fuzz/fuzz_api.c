/* libFuzzer target: the control socket's request parser (api.c).  The
 * input is one request line.  What it promises: a request it takes is
 * one of its operations, a snapshot path is a non-empty C string that
 * fits; one it refuses comes with the line to answer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static struct api_req r;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	char why[160] = "";

	memcpy(line, data, size);
	if (api_parse(line, size, &r, why, sizeof(why)) < 0) {
		if (!why[0])
			abort();
	} else if (r.op > API_MIGRATE ||
		   (r.op == API_SNAPSHOT &&
		    (!r.path[0] ||
		     strnlen(r.path, sizeof(r.path)) == sizeof(r.path)))) {
		abort();
	}
	free(line);
	return 0;
}
