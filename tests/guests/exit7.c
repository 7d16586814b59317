/* A status handed over on the control vty becomes pvmm's exit status. */
#include "guest.h"

int main(void)
{
	printf("exiting with 7\n");
	return 7;
}
