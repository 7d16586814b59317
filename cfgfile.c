/* --config FILE and --print-config (cfgfile.h), on jansson. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfile.h"
#include "cpu/ratelimit.h"

#include <jansson.h>

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
		json_t *v, const char *file, char *err, size_t errlen)
{
	char num[32], path[64];
	size_t i;
	json_t *e;

	if (json_is_null(v))
		return 0;
	switch (k->kind) {
	case CFG_FLAG:
		if (!json_is_boolean(v))
			return refuse(err, errlen, file, k->name,
				      "must be true or false");
		return json_is_true(v) ? push(a, at, k->name, NULL, k->name)
				       : 0;
	case CFG_STRING:
		if (!json_is_string(v))
			return refuse(err, errlen, file, k->name,
				      "must be a string");
		return push(a, at, k->name, json_string_value(v), k->name);
	case CFG_NUMBER:
		if (!json_is_integer(v))
			return refuse(err, errlen, file, k->name,
				      "must be an integer");
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return push(a, at, k->name, num, k->name);
	case CFG_LIST:
		if (!json_is_array(v))
			return refuse(err, errlen, file, k->name,
				      "must be an array of strings");
		json_array_foreach(v, i, e)
		{
			snprintf(path, sizeof(path), "%s[%zu]", k->name, i);
			if (!json_is_string(e))
				return refuse(err, errlen, file, path,
					      "must be a string");
			if (push(a, at, k->name, json_string_value(e), path))
				return -ENOMEM;
		}
		return 0;
	}
	return -EINVAL;
}

int cfgfile_load(const char *file, const struct cfg_key *keys, size_t nkeys,
		 struct cfg_args *out, char *err, size_t errlen)
{
	json_error_t jerr;
	char esc[4 * JSON_ERROR_TEXT_LENGTH + 1];
	const char *name;
	json_t *root, *v;
	int rc = 0;

	*out = (struct cfg_args){0};
	root = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		/* jansson quotes the text near the error: the file's bytes. */
		ratelimit_escape(esc, sizeof(esc), jerr.text,
				 strlen(jerr.text));
		if (jerr.line > 0)
			snprintf(err, errlen, "%s: line %d column %d: %s", file,
				 jerr.line, jerr.column, esc);
		else
			snprintf(err, errlen, "%s: %s", file, esc);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen,
			 "%s: not a JSON object (keys are long "
			 "options)",
			 file);
		json_decref(root);
		return -EINVAL;
	}
	json_object_foreach(root, name, v)
	{
		size_t at = 0;
		const struct cfg_key *k = find_key(keys, nkeys, name, &at);

		if (!k)
			rc = refuse(err, errlen, file, name, "unknown key");
		else
			rc = take(out, k, at, v, file, err, errlen);
		if (rc == -ENOMEM)
			snprintf(err, errlen, "%s: out of memory", file);
		if (rc)
			break;
	}
	json_decref(root);
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

struct cfg_out {
	json_t *obj;
};

struct cfg_out *cfg_out_new(void)
{
	struct cfg_out *o = malloc(sizeof(*o));

	if (!o)
		return NULL;
	/* jansson keeps an object's keys in insertion order. */
	o->obj = json_object();
	if (!o->obj) {
		free(o);
		return NULL;
	}
	return o;
}

static json_t *value_of(const struct cfg_key *key, const char *value)
{
	switch (key->kind) {
	case CFG_FLAG: return json_boolean(value != NULL);
	case CFG_NUMBER:
		return json_integer((json_int_t)strtoll(value, NULL, 10));
	case CFG_STRING:
	case CFG_LIST: break;
	}
	return value ? json_string(value) : json_null();
}

int cfg_out_set(struct cfg_out *o, const struct cfg_key *key, const char *value)
{
	json_t *list;

	if (key->kind != CFG_LIST)
		return json_object_set_new(o->obj, key->name,
					   value_of(key, value))
			       ? -ENOMEM
			       : 0;
	list = json_object_get(o->obj, key->name);
	if (!list) {
		list = json_array();
		if (json_object_set_new(o->obj, key->name, list))
			return -ENOMEM;
	}
	return value && json_array_append_new(list, json_string(value))
		       ? -ENOMEM
		       : 0;
}

int cfg_out_print(const struct cfg_out *o, FILE *f)
{
	if (json_dumpf(o->obj, f, JSON_INDENT(2)) < 0 || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

void cfg_out_free(struct cfg_out *o)
{
	if (!o)
		return;
	json_decref(o->obj);
	free(o);
}
