/* The smallest guest: a line on the console, then exit status 3. */
#include "guest.h"

int main(void)
{
	printf("hello from guest\n");
	return 3;
}
