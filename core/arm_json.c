#include "core/arm_json.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arm_parse.h"
#include "core/util.h"

#define ARM_PATH_MAX 256

static bool is_json_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	}
	return true;
}

/* RFC 3629 UTF-8: json-c's own check only looks at the shape of the bytes,
 * so overlong forms, encoded surrogates and code points past U+10FFFF would
 * pass. Returns the offset of the first bad byte, or len. */
static size_t utf8_bad_at(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		unsigned char lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		else
			return i;
		if (i + n >= len) /* the sequence is cut off */
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return i;
		i += n + 1;
	}
	return len;
}

/* Any JSON value, including null (*out = NULL), with nothing after it. */
static int tokenize(const char *body, size_t len, struct json_object **out, char *err,
		    size_t errlen)
{
	struct json_tokener *tok = json_tokener_new_ex(ARM_JSON_MAX_DEPTH);
	struct json_object *value;
	enum json_tokener_error jerr;
	size_t end;

	if (!tok)
		return errf(err, errlen, "out of memory while parsing JSON");
	end = utf8_bad_at((const unsigned char *)body, len);
	if (end < len) {
		json_tokener_free(tok);
		return errf(err, errlen, "invalid UTF-8 at byte %zu", end);
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
					    JSON_TOKENER_VALIDATE_UTF8);
	value = json_tokener_parse_ex(tok, body, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* A bare number or literal at the very end is only complete
		 * once the tokener sees the end of input. */
		value = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
		if (jerr != json_tokener_success) {
			json_tokener_free(tok);
			return errf(err, errlen,
				    "truncated JSON: the body ends after %zu bytes inside an "
				    "unfinished value",
				    len);
		}
	}
	json_tokener_free(tok);
	if (jerr == json_tokener_error_depth)
		return errf(err, errlen, "JSON nested deeper than %d levels", ARM_JSON_MAX_DEPTH);
	if (jerr != json_tokener_success)
		return errf(err, errlen, "invalid JSON at byte %zu: %s", end,
			    json_tokener_error_desc(jerr));
	if (!is_json_blank(body + end, len - end)) {
		json_object_put(value);
		return errf(err, errlen, "unexpected data after the JSON value at byte %zu", end);
	}
	*out = value;
	return 0;
}

struct json_object *arm_json_parse_root(const char *body, size_t len, char *err, size_t errlen)
{
	struct json_object *root = NULL;

	if (!body || is_json_blank(body, len)) {
		errf(err, errlen, "empty response body");
		return NULL;
	}
	if (len > INT_MAX) {
		errf(err, errlen, "response body too large (%zu bytes)", len);
		return NULL;
	}
	if (tokenize(body, len, &root, err, errlen))
		return NULL;
	if (!json_object_is_type(root, json_type_object)) {
		errf(err, errlen, "expected a JSON object at the top level, got %s",
		     arm_json_type_name(root));
		json_object_put(root);
		return NULL;
	}
	return root;
}

const char *arm_json_type_name(const struct json_object *value)
{
	switch (json_object_get_type(value)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "boolean";
	case json_type_double:
	case json_type_int:
		return "number";
	case json_type_string:
		return "string";
	case json_type_object:
		return "object";
	case json_type_array:
		return "array";
	}
	return "unknown";
}

/* True when the key exists; *value is NULL for a JSON null. */
static bool lookup(const struct json_object *obj, const char *key, struct json_object **value)
{
	*value = NULL;
	if (!obj || !json_object_is_type(obj, json_type_object))
		return false;
	return json_object_object_get_ex(obj, key, value);
}

struct json_object *arm_json_get(const struct json_object *obj, const char *key)
{
	struct json_object *value;

	return lookup(obj, key, &value) ? value : NULL;
}

static struct json_object *get_typed(const struct json_object *obj, const char *key,
				     enum json_type type)
{
	struct json_object *value = arm_json_get(obj, key);

	return json_object_is_type(value, type) ? value : NULL;
}

struct json_object *arm_json_opt_object(const struct json_object *obj, const char *key)
{
	return get_typed(obj, key, json_type_object);
}

struct json_object *arm_json_opt_array(const struct json_object *obj, const char *key)
{
	return get_typed(obj, key, json_type_array);
}

void arm_json_copy_text(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t n = srclen;

	if (!dstlen)
		return;
	if (n >= dstlen) {
		n = dstlen - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void copy_string_value(char *dst, size_t dstlen, struct json_object *value)
{
	arm_json_copy_text(dst, dstlen, json_object_get_string(value),
			   (size_t)json_object_get_string_len(value));
}

void arm_json_opt_string(const struct json_object *obj, const char *key, char *dst,
			 size_t dstlen)
{
	struct json_object *value = get_typed(obj, key, json_type_string);

	if (value)
		copy_string_value(dst, dstlen, value);
	else if (dstlen)
		dst[0] = '\0';
}

bool arm_json_opt_int(const struct json_object *obj, const char *key, long long min,
		      long long max, long long *out)
{
	struct json_object *value = get_typed(obj, key, json_type_int);
	long long n;

	if (!value)
		return false;
	n = (long long)json_object_get_int64(value);
	if (n < min || n > max)
		return false;
	*out = n;
	return true;
}

const char *arm_json_join(char *buf, size_t buflen, const char *path, const char *key)
{
	snprintf(buf, buflen, "%s%s%s", path, *path ? "." : "", key);
	return buf;
}

/* Present (possibly null) and of the given type, or an error naming it. */
static int require(const struct json_object *obj, const char *path, const char *key,
		   enum json_type type, const char *type_label, struct json_object **out,
		   char *err, size_t errlen)
{
	char where[ARM_PATH_MAX];

	if (!lookup(obj, key, out))
		return errf(err, errlen, "%s: missing", arm_json_join(where, sizeof where, path, key));
	if (!json_object_is_type(*out, type))
		return errf(err, errlen, "%s: expected %s, got %s",
			    arm_json_join(where, sizeof where, path, key), type_label,
			    arm_json_type_name(*out));
	return 0;
}

int arm_json_req_object(const struct json_object *obj, const char *path, const char *key,
			struct json_object **out, char *err, size_t errlen)
{
	return require(obj, path, key, json_type_object, "an object", out, err, errlen);
}

int arm_json_req_string(const struct json_object *obj, const char *path, const char *key,
			char *dst, size_t dstlen, char *err, size_t errlen)
{
	struct json_object *value;

	if (require(obj, path, key, json_type_string, "a string", &value, err, errlen))
		return -1;
	copy_string_value(dst, dstlen, value);
	return 0;
}

int arm_json_checked_array(const struct json_object *obj, const char *path, const char *key,
			   struct json_object **out, char *err, size_t errlen)
{
	if (!lookup(obj, key, out) || !*out)
		return 0;
	return require(obj, path, key, json_type_array, "an array", out, err, errlen);
}

int arm_json_parse_single(const char *body, size_t len, arm_json_item_fn parse_item, void *dst,
			  char *err, size_t errlen)
{
	struct json_object *root = arm_json_parse_root(body, len, err, errlen);
	int rc;

	if (!root)
		return -1;
	rc = parse_item(root, "", dst, err, errlen);
	json_object_put(root);
	return rc;
}

/* nextLink is followed verbatim, so it is copied whole or not at all. */
static int read_next_link(const struct json_object *root, char *dst, size_t dstlen, char *err,
			  size_t errlen)
{
	struct json_object *value;
	const char *link;
	size_t len;

	dst[0] = '\0';
	if (!lookup(root, "nextLink", &value) || !value)
		return 0;
	if (!json_object_is_type(value, json_type_string))
		return errf(err, errlen, "nextLink: expected a string, got %s",
			    arm_json_type_name(value));
	link = json_object_get_string(value);
	len = (size_t)json_object_get_string_len(value);
	if (len >= dstlen)
		return errf(err, errlen, "nextLink: %zu bytes long, more than the %zu accepted", len,
			    dstlen - 1);
	if (memchr(link, '\0', len))
		return errf(err, errlen, "nextLink: contains a NUL character");
	memcpy(dst, link, len + 1);
	return 0;
}

static int parse_page_items(const struct json_object *value, const struct arm_json_page_spec *spec,
			    unsigned char *items, size_t count, char *err, size_t errlen)
{
	for (size_t i = 0; i < count; i++) {
		struct json_object *item = json_object_array_get_idx(value, i);
		char path[48];

		snprintf(path, sizeof path, "value[%zu]", i);
		if (!json_object_is_type(item, json_type_object))
			return errf(err, errlen, "%s: expected an object, got %s", path,
				    arm_json_type_name(item));
		if (spec->parse_item(item, path, items + i * spec->item_size, err, errlen))
			return -1;
	}
	return 0;
}

static int parse_page_root(const struct json_object *root, const struct arm_json_page_spec *spec,
			   void **items, size_t *count, char *next_link, size_t next_link_len,
			   char *err, size_t errlen)
{
	struct json_object *value;
	unsigned char *array;
	size_t n;

	if (arm_json_checked_array(root, "", "value", &value, err, errlen))
		return -1;
	if (!value)
		return errf(err, errlen, "value: missing");
	n = json_object_array_length(value);
	if (n > ARM_MAX_PAGE_ITEMS)
		return errf(err, errlen, "value: %zu items, more than the %d accepted per page", n,
			    ARM_MAX_PAGE_ITEMS);
	if (read_next_link(root, next_link, next_link_len, err, errlen))
		return -1;
	if (n == 0)
		return 0;
	array = calloc(n, spec->item_size);
	if (!array)
		return errf(err, errlen, "out of memory for %zu list items", n);
	if (parse_page_items(value, spec, array, n, err, errlen)) {
		arm_json_free_items(array, n, spec);
		next_link[0] = '\0';
		return -1;
	}
	*items = array;
	*count = n;
	return 0;
}

int arm_json_parse_page(const char *body, size_t len, const struct arm_json_page_spec *spec,
			void **items, size_t *count, char *next_link, size_t next_link_len,
			char *err, size_t errlen)
{
	struct json_object *root;
	int rc;

	*items = NULL;
	*count = 0;
	next_link[0] = '\0';
	root = arm_json_parse_root(body, len, err, errlen);
	if (!root)
		return -1;
	rc = parse_page_root(root, spec, items, count, next_link, next_link_len, err, errlen);
	json_object_put(root);
	return rc;
}

void arm_json_free_items(void *items, size_t count, const struct arm_json_page_spec *spec)
{
	unsigned char *array = items;

	if (!array)
		return;
	if (spec->free_item) {
		for (size_t i = 0; i < count; i++)
			spec->free_item(array + i * spec->item_size);
	}
	free(array);
}
