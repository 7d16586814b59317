/* system-reboot: pvmm exits 124. */
#include "guest.h"

int main(void)
{
	uint32_t ret;

	rtas_call("system-reboot", 0, 1, NULL, &ret);
	printf("system-reboot returned\n");
	for (;;)
		;
}
