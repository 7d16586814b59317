/* ibm,os-term with a message: pvmm reports it and exits 123. */
#include "guest.h"

static const char msg[] = "guest test panic";

int main(void)
{
	uint32_t args[1] = { (uint32_t)(uintptr_t)msg }, ret;

	rtas_call("ibm,os-term", 1, 1, args, &ret);
	for (;;)
		;
}
