/* Console output through H_PUT_TERM_CHAR, 16 bytes per call, and a small
 * printf: %d %i %u %x %lx %ld %lu %s %c %p %%. */
#include <stdarg.h>

#include "guest.h"

static char out_buf[16];
static unsigned out_len;

static unsigned long pack(const char *b, unsigned off)
{
	unsigned long v = 0;

	for (unsigned i = 0; i < 8; i++)
		v = v << 8 | (unsigned char)(off + i < out_len ? b[off + i] : 0);
	return v;
}

void put_term(unsigned long vty, const char *buf, unsigned len);

void put_term(unsigned long vty, const char *buf, unsigned len)
{
	unsigned long hi, lo;
	unsigned saved = out_len;

	out_len = len;
	hi = pack(buf, 0);
	lo = pack(buf, 8);
	out_len = saved;
	HCALL(NULL, H_PUT_TERM_CHAR, vty, len, hi, lo);
}

static void flush(void)
{
	if (out_len)
		put_term(VTY_CONSOLE, out_buf, out_len);
	out_len = 0;
}

void putchar_console(char c)
{
	out_buf[out_len++] = c;
	if (c == '\n' || out_len == sizeof(out_buf))
		flush();
}

void puts_console(const char *s)
{
	while (*s)
		putchar_console(*s++);
}

static void put_num(unsigned long v, unsigned base, bool neg)
{
	char tmp[24];
	int n = 0;

	if (neg)
		putchar_console('-');
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		putchar_console(tmp[--n]);
}

static void vformat(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		bool lng = false;
		long sv;

		if (*fmt != '%') {
			putchar_console(*fmt);
			continue;
		}
		if (*++fmt == 'l') {
			lng = true;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			sv = lng ? va_arg(ap, long) : va_arg(ap, int);
			put_num(sv < 0 ? -(unsigned long)sv : (unsigned long)sv,
				10, sv < 0);
			break;
		case 'u':
			put_num(lng ? va_arg(ap, unsigned long) :
				      va_arg(ap, unsigned), 10, false);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, unsigned long) :
				      va_arg(ap, unsigned), 16, false);
			break;
		case 'p':
			puts_console("0x");
			put_num((unsigned long)va_arg(ap, void *), 16, false);
			break;
		case 's':
			puts_console(va_arg(ap, const char *));
			break;
		case 'c':
			putchar_console((char)va_arg(ap, int));
			break;
		default:
			putchar_console(*fmt);
			break;
		}
	}
}

int printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(fmt, ap);
	va_end(ap);
	flush();
	return 0;
}

void vprintf_console(const char *fmt, va_list ap);

void vprintf_console(const char *fmt, va_list ap)
{
	vformat(fmt, ap);
	flush();
}
