/* Checks of a JSON text before cJSON parses it (jsontext.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsontext.h"

/* Length of the UTF-8 sequence at @s (@n bytes left), 0 if it is not
 * one: RFC 3629, no overlong forms, no surrogates, nothing past
 * U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static int refuse(size_t *at, const char **why, size_t i, const char *msg)
{
	*at = i;
	*why = msg;
	return -EINVAL;
}

int jsontext_check(const char *text, size_t len, unsigned max_depth, size_t *at,
		   const char **why)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned depth = 0;
	bool in_string = false;
	size_t i = 0, n;

	while (i < len) {
		if (!s[i])
			return refuse(at, why, i, "NUL byte");
		n = utf8_len(s + i, len - i);
		if (!n)
			return refuse(at, why, i, "not UTF-8");
		if (in_string && s[i] == '\\') {
			/* The escaped character is taken as it is: only
			 * \u0000 is refused here, cJSON checks the rest. */
			if (i + 6 <= len && s[i + 1] == 'u' &&
			    !memcmp(s + i + 2, "0000", 4))
				return refuse(at, why, i,
					      "NUL in a string (escaped)");
			i += i + 1 < len && s[i + 1] < 0x80 ? 2 : 1;
			continue;
		}
		if (in_string && s[i] < 0x20)
			return refuse(at, why, i,
				      "control character in a string");
		if (s[i] == '"')
			in_string = !in_string;
		else if (!in_string && (s[i] == '[' || s[i] == '{')) {
			if (++depth > max_depth)
				return refuse(at, why, i, "nested too deep");
		} else if (!in_string && (s[i] == ']' || s[i] == '}') && depth)
			depth--;
		i += n;
	}
	return 0;
}

cJSON *jsontext_parse(const char *text, size_t len, size_t *at)
{
	const char *end = text;
	cJSON *v;

	/* The length counts the NUL: cJSON's check for trailing bytes
	 * wants to find it within the buffer. */
	v = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	*at = (size_t)(end - text);
	return v;
}

void jsontext_where(const char *text, size_t at, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 0;
	for (size_t i = 0; i < at; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 0;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			++*col; /* characters, not bytes */
		}
	}
}

bool jsontext_int(const cJSON *v, int64_t *n)
{
	double d;

	if (!cJSON_IsNumber(v))
		return false;
	d = v->valuedouble;
	/* Below 2^53 every integer is exact: a larger one may be what
	 * cJSON rounded another to. */
	if (!(d > -9007199254740992.0 && d < 9007199254740992.0) ||
	    d != (double)(int64_t)d)
		return false;
	*n = (int64_t)d;
	return true;
}

/* Room for @n more bytes and the NUL. */
static bool reserve(struct jsonbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->failed)
		return false;
	if (b->len + n < b->cap)
		return true;
	while (b->len + n >= cap)
		cap *= 2;
	p = realloc(b->s, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->s = p;
	b->cap = cap;
	return true;
}

void jsonbuf_add(struct jsonbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void jsonbuf_str(struct jsonbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	/* At most 6 bytes out per byte in, and the two quotes. */
	if (!reserve(b, 6 * strlen(s) + 2))
		return;
	b->s[b->len++] = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			b->s[b->len++] = '\\';
			b->s[b->len++] = (char)c;
		} else if (c < 0x20) {
			memcpy(b->s + b->len, "\\u00", 4);
			b->s[b->len + 4] = hex[c >> 4];
			b->s[b->len + 5] = hex[c & 15];
			b->len += 6;
		} else {
			b->s[b->len++] = (char)c;
		}
	}
	b->s[b->len++] = '"';
	b->s[b->len] = '\0';
}

char *jsonbuf_done(struct jsonbuf *b)
{
	char *s = NULL;

	if (reserve(b, 0)) {
		s = b->s;
		s[b->len] = '\0';
	} else {
		free(b->s);
	}
	*b = (struct jsonbuf){0};
	return s;
}
