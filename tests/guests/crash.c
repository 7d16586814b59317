/* An illegal instruction: the library's vector reports it, exit 99. */
#include "guest.h"

int main(void)
{
	printf("about to crash\n");
	__asm__ volatile(".long 0");
	return 0;
}
