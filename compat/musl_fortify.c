/* The three fortified entry points Debian's libjansson.a (built against
 * glibc with _FORTIFY_SOURCE=2) calls and musl does not provide.  Linked
 * into the static ppc64le pvmm only (the native build has glibc's).
 * Each checks what glibc's checks (the destination's known size against
 * the length asked for) and aborts as glibc's __chk_fail would, then
 * does the plain call.  scripts/setup.sh refuses an archive that needs
 * any other one. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen,
		    const char *fmt, va_list ap);
int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen,
		   const char *fmt, ...);
char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dstlen);

int __vsnprintf_chk(char *s, size_t maxlen, int flag, size_t slen,
		    const char *fmt, va_list ap)
{
	(void)flag;
	if (slen < maxlen)
		abort();
	return vsnprintf(s, maxlen, fmt, ap);
}

int __snprintf_chk(char *s, size_t maxlen, int flag, size_t slen,
		   const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __vsnprintf_chk(s, maxlen, flag, slen, fmt, ap);
	va_end(ap);
	return n;
}

char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dstlen)
{
	if (dstlen < n)
		abort();
	return strncpy(dst, src, n);
}
