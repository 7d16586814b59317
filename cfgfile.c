/* --config FILE and --print-config (cfgfile.h), on cJSON. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfgfile.h"
#include "cpu/ratelimit.h"
#include "jsontext.h"

/* A key path comes from the file: an unknown key may hold any byte
 * (JSON escapes give newlines and terminal escapes), so it is printed
 * escaped and the refusal stays one printable line. */
static int refuse(char *err, size_t errlen, const char *file, const char *path,
		  const char *why)
{
	char esc[4 * 64 + 1];

	ratelimit_escape(esc, sizeof(esc), path, strlen(path));
	snprintf(err, errlen, "%s: %s: %s", file, esc, why);
	return -EINVAL;
}

static const struct cfg_key *find_key(const struct cfg_key *keys, size_t nkeys,
				      const char *name, size_t *at)
{
	for (size_t i = 0; i < nkeys; i++)
		if (!strcmp(keys[i].name, name)) {
			*at = i;
			return &keys[i];
		}
	return NULL;
}

static int push(struct cfg_args *a, size_t key, const char *name,
		const char *value, const char *path)
{
	struct cfg_arg *v = realloc(a->v, (a->n + 1) * sizeof(*v));
	struct cfg_arg *n;
	int len;

	if (!v)
		return -ENOMEM;
	a->v = v;
	n = &a->v[a->n];
	*n = (struct cfg_arg){.key = key};
	len = value ? asprintf(&n->arg, "--%s=%s", name, value)
		    : asprintf(&n->arg, "--%s", name);
	if (len < 0) {
		n->arg = NULL;
		return -ENOMEM;
	}
	n->path = strdup(path);
	if (!n->path) {
		free(n->arg);
		return -ENOMEM;
	}
	a->n++;
	return 0;
}

/* One key's value into options, or a refusal naming @name. */
static int take(struct cfg_args *a, const struct cfg_key *k, size_t at,
		const cJSON *v, const char *file, char *err, size_t errlen)
{
	char num[32], path[64];
	size_t i = 0;
	int64_t n;
	const cJSON *e;

	if (cJSON_IsNull(v))
		return 0;
	switch (k->kind) {
	case CFG_FLAG:
		if (!cJSON_IsBool(v))
			return refuse(err, errlen, file, k->name,
				      "must be true or false");
		return cJSON_IsTrue(v) ? push(a, at, k->name, NULL, k->name)
				       : 0;
	case CFG_STRING:
		if (!cJSON_IsString(v))
			return refuse(err, errlen, file, k->name,
				      "must be a string");
		return push(a, at, k->name, v->valuestring, k->name);
	case CFG_NUMBER:
		if (!jsontext_int(v, &n))
			return refuse(err, errlen, file, k->name,
				      "must be an integer");
		snprintf(num, sizeof(num), "%" PRId64, n);
		return push(a, at, k->name, num, k->name);
	case CFG_LIST:
		if (!cJSON_IsArray(v))
			return refuse(err, errlen, file, k->name,
				      "must be an array of strings");
		cJSON_ArrayForEach(e, v)
		{
			snprintf(path, sizeof(path), "%s[%zu]", k->name, i++);
			if (!cJSON_IsString(e))
				return refuse(err, errlen, file, path,
					      "must be a string");
			if (push(a, at, k->name, e->valuestring, path))
				return -ENOMEM;
		}
		return 0;
	}
	return -EINVAL;
}

/* A configuration is a few dozen keys: a file larger than this is not
 * one (/dev/zero, a log given by mistake), and is not read whole. */
#define CFG_FILE_MAX (1u << 20)

/* The whole file, NUL-terminated, in *@text; -EFBIG past CFG_FILE_MAX. */
static int read_file(const char *file, char **text, size_t *len)
{
	size_t size = 4096, n = 0;
	char *buf = NULL, *p;
	ssize_t r;
	int fd = open(file, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		if (n > CFG_FILE_MAX) {
			err = -EFBIG;
			break;
		}
		if (n + 1 >= size || !buf) {
			p = realloc(buf, size *= 2);
			if (!p) {
				err = -ENOMEM;
				break;
			}
			buf = p;
		}
		r = read(fd, buf + n, size - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			err = r < 0 ? -errno : 0;
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* Not JSON: where, as "line L column C", and what (escaped: the text
 * near an error is the file's bytes). */
static int not_json(char *err, size_t errlen, const char *file,
		    const char *text, size_t at, const char *why)
{
	char esc[4 * 64 + 1];
	unsigned line, col;

	jsontext_where(text, at, &line, &col);
	ratelimit_escape(esc, sizeof(esc), why, strlen(why));
	snprintf(err, errlen, "%s: line %u column %u: %s", file, line, col,
		 esc);
	return -EINVAL;
}

/* Each key in the file's order; a key given twice is refused (cJSON
 * keeps both; the first would win). */
static int take_all(struct cfg_args *out, const struct cfg_key *keys,
		    size_t nkeys, const cJSON *root, const char *file,
		    char *err, size_t errlen)
{
	bool *seen = calloc(nkeys ? nkeys : 1, sizeof(*seen));
	const cJSON *v;
	int rc = 0;

	if (!seen)
		return -ENOMEM;
	cJSON_ArrayForEach(v, root)
	{
		size_t at = 0;
		const struct cfg_key *k = find_key(keys, nkeys, v->string, &at);

		if (!k)
			rc = refuse(err, errlen, file, v->string,
				    "unknown key");
		else if (seen[at])
			rc = refuse(err, errlen, file, v->string,
				    "duplicate object key");
		else
			rc = take(out, k, at, v, file, err, errlen);
		if (rc)
			break;
		seen[at] = true;
	}
	free(seen);
	return rc;
}

int cfgfile_load(const char *file, const struct cfg_key *keys, size_t nkeys,
		 struct cfg_args *out, char *err, size_t errlen)
{
	const char *why;
	char *text;
	size_t len, at;
	cJSON *root;
	int rc;

	*out = (struct cfg_args){0};
	rc = read_file(file, &text, &len);
	if (rc) {
		/* -EFBIG: "File too large", past CFG_FILE_MAX. */
		snprintf(err, errlen, "%s: %s", file, strerror(-rc));
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	/* A value in a file nests one deep (a list): 64 is plenty. */
	if (jsontext_check(text, len, 64, &at, &why)) {
		rc = not_json(err, errlen, file, text, at + 1, why);
		free(text);
		return rc;
	}
	root = jsontext_parse(text, len, &at);
	if (!root) {
		rc = not_json(err, errlen, file, text, at, "not JSON");
		free(text);
		return rc;
	}
	free(text);
	if (!cJSON_IsObject(root)) {
		snprintf(err, errlen,
			 "%s: not a JSON object (keys are long "
			 "options)",
			 file);
		cJSON_Delete(root);
		return -EINVAL;
	}
	rc = take_all(out, keys, nkeys, root, file, err, errlen);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", file);
	cJSON_Delete(root);
	if (rc)
		cfg_args_free(out);
	return rc;
}

void cfg_args_free(struct cfg_args *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].arg);
		free(a->v[i].path);
	}
	free(a->v);
	*a = (struct cfg_args){0};
}

/* One key of the effective configuration, in the order keys were first
 * set: its value, or its list. */
struct cfg_entry {
	const struct cfg_key *key;
	char *value; /* NULL: null (a string), false (a flag) */
	char **list;
	size_t n;
};

struct cfg_out {
	struct cfg_entry *e;
	size_t n;
};

struct cfg_out *cfg_out_new(void)
{
	return calloc(1, sizeof(struct cfg_out));
}

static struct cfg_entry *entry(struct cfg_out *o, const struct cfg_key *key)
{
	struct cfg_entry *e;

	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->e[i].key->name, key->name))
			return &o->e[i];
	e = realloc(o->e, (o->n + 1) * sizeof(*e));
	if (!e)
		return NULL;
	o->e = e;
	e = &o->e[o->n++];
	*e = (struct cfg_entry){.key = key};
	return e;
}

int cfg_out_set(struct cfg_out *o, const struct cfg_key *key, const char *value)
{
	struct cfg_entry *e = entry(o, key);
	char *v = NULL, **list;

	if (!e || (value && !(v = strdup(value))))
		return -ENOMEM;
	if (key->kind != CFG_LIST) {
		/* The last value of a key wins, in the key's first place. */
		free(e->value);
		e->value = v;
		return 0;
	}
	if (!v)
		return 0; /* the list exists, maybe empty */
	list = realloc(e->list, (e->n + 1) * sizeof(*list));
	if (!list) {
		free(v);
		return -ENOMEM;
	}
	e->list = list;
	e->list[e->n++] = v;
	return 0;
}

/* A key's value as JSON: a flag true or false, a number the decimal
 * string the caller checked (as it is: no trip through a double), a
 * string quoted or null, a list of strings on one line. */
static void put_value(struct jsonbuf *b, const struct cfg_entry *e)
{
	switch (e->key->kind) {
	case CFG_FLAG: jsonbuf_add(b, e->value ? "true" : "false"); return;
	case CFG_NUMBER:
	case CFG_STRING:
		if (!e->value)
			jsonbuf_add(b, "null");
		else if (e->key->kind == CFG_NUMBER)
			jsonbuf_add(b, "%s", e->value);
		else
			jsonbuf_str(b, e->value);
		return;
	case CFG_LIST:
		jsonbuf_add(b, "[");
		for (size_t i = 0; i < e->n; i++) {
			jsonbuf_add(b, i ? ", " : "");
			jsonbuf_str(b, e->list[i]);
		}
		jsonbuf_add(b, "]");
		return;
	}
}

int cfg_out_print(const struct cfg_out *o, FILE *f)
{
	struct jsonbuf b = {0};
	char *s;
	int rc = 0;

	jsonbuf_add(&b, "{");
	for (size_t i = 0; i < o->n; i++) {
		jsonbuf_add(&b, "%s\n  ", i ? "," : "");
		jsonbuf_str(&b, o->e[i].key->name);
		jsonbuf_add(&b, ": ");
		put_value(&b, &o->e[i]);
	}
	jsonbuf_add(&b, o->n ? "\n}\n" : "}\n");
	s = jsonbuf_done(&b);
	if (!s)
		return -ENOMEM;
	if (fputs(s, f) == EOF)
		rc = -EIO;
	free(s);
	return rc;
}

void cfg_out_free(struct cfg_out *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++) {
		free(o->e[i].value);
		for (size_t j = 0; j < o->e[i].n; j++)
			free(o->e[i].list[j]);
		free(o->e[i].list);
	}
	free(o->e);
	free(o);
}
