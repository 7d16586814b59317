/* What pvmm checks of a JSON text before cJSON parses it, and the
 * helpers its two readers (cfgfile.c, api.c) share.
 *
 * cJSON (1.7.15) takes a few texts that RFC 8259 or pvmm refuse: bytes
 * that are not UTF-8, a control character unescaped in a string, a NUL
 * byte or a \u0000 escape (a C string would end there: "a\u0000b"
 * would be taken as "a"), and nesting as deep as
 * 1000, which its recursive parser would take into a 64 KiB thread
 * stack.  jsontext_check() refuses each of these, with the offset of the
 * first, before cJSON sees the text; duplicate keys, which cJSON keeps,
 * are for the readers to refuse (each knows its keys). */
#ifndef PVMM_JSONTEXT_H
#define PVMM_JSONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* 0 if @text (@len bytes) may go to cJSON; else -EINVAL with *@at the
 * offset of the first byte refused and *@why what is wrong with it.
 * Arrays and objects may nest @max_depth deep. */
int jsontext_check(const char *text, size_t len, unsigned max_depth, size_t *at,
		   const char **why);

/* Parse @text (@len bytes, NUL-terminated at @len) whole: one value and
 * only white space after it.  NULL if it is not JSON, with *@at the
 * offset where cJSON stopped.  Free with cJSON_Delete(). */
cJSON *jsontext_parse(const char *text, size_t len, size_t *at);

/* Line (from 1) and column of offset @at: the characters before @at on
 * its line, so a stop just past the offending character (cJSON's) gives
 * that character's column from 1, as jansson counted. */
void jsontext_where(const char *text, size_t at, unsigned *line, unsigned *col);

/* cJSON keeps numbers as doubles: true if @v is a number with an
 * integer value below 2^53 in magnitude (which a double holds exactly,
 * and no other number rounds to), in *@n. */
bool jsontext_int(const cJSON *v, int64_t *n);

/* JSON out: pvmm writes its few answers and --print-config itself, as
 * --report does, so cJSON's printer (and with it musl's sscanf, which it
 * calls to check each number) stays out of the binary.  A growing
 * buffer; after a failed allocation every call does nothing and
 * jsonbuf_done() returns NULL. */
struct jsonbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

/* printf into @b; what it adds must already be JSON (names, numbers,
 * punctuation): strings go through jsonbuf_str(). */
__attribute__((format(printf, 2, 3))) void jsonbuf_add(struct jsonbuf *b,
						       const char *fmt, ...);
/* @s as a JSON string, quoted: '"', '\\' and control characters
 * escaped, everything else as it is. */
void jsonbuf_str(struct jsonbuf *b, const char *s);
/* The text (NUL-terminated, the caller frees it), or NULL if an
 * allocation failed (and the buffer is freed). */
char *jsonbuf_done(struct jsonbuf *b);

#endif
