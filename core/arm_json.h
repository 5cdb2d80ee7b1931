/* Private helpers shared by the arm_parse*.c files: bounded JSON parsing
 * and typed field access that names the offending field on error.
 * Not part of the public API; include core/arm_parse.h instead.
 *
 * `path` arguments are the dotted location of the object being read, e.g.
 * "" for the root or "value[3].properties"; they only feed error messages. */
#ifndef CORE_ARM_JSON_H
#define CORE_ARM_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/* Parse a whole body into its root object. NULL (and a message) when the
 * body is empty, invalid, truncated, too deep, has trailing data or its
 * root is not an object. Release the result with json_object_put(). */
struct json_object *arm_json_parse_root(const char *body, size_t len, char *err, size_t errlen);

/* "null", "boolean", "number", "string", "object" or "array". */
const char *arm_json_type_name(const struct json_object *value);

/* Member `key` of obj; NULL when obj is not an object, the key is absent
 * or its value is JSON null. */
struct json_object *arm_json_get(const struct json_object *obj, const char *key);
struct json_object *arm_json_opt_object(const struct json_object *obj, const char *key);
struct json_object *arm_json_opt_array(const struct json_object *obj, const char *key);
/* dst = the string value, or "" when absent or not a string. */
void arm_json_opt_string(const struct json_object *obj, const char *key, char *dst,
			 size_t dstlen);
/* True and *out set when the member is an integer within [min, max]. */
bool arm_json_opt_int(const struct json_object *obj, const char *key, long long min,
		      long long max, long long *out);

int arm_json_req_object(const struct json_object *obj, const char *path, const char *key,
			struct json_object **out, char *err, size_t errlen);
int arm_json_req_string(const struct json_object *obj, const char *path, const char *key,
			char *dst, size_t dstlen, char *err, size_t errlen);
/* Absent or null: *out = NULL and 0. Present but not an array: -1. */
int arm_json_checked_array(const struct json_object *obj, const char *path, const char *key,
			   struct json_object **out, char *err, size_t errlen);

/* Copy srclen bytes as a C string, cut at a UTF-8 character boundary when
 * dst is too small. */
void arm_json_copy_text(char *dst, size_t dstlen, const char *src, size_t srclen);
/* "path.key", or "key" when path is empty, into buf. */
const char *arm_json_join(char *buf, size_t buflen, const char *path, const char *key);

/* Parse callbacks for one object; `dst` is zeroed before the call. */
typedef int (*arm_json_item_fn)(const struct json_object *obj, const char *path, void *dst,
				char *err, size_t errlen);
typedef void (*arm_json_free_fn)(void *item);

struct arm_json_page_spec {
	size_t item_size;
	arm_json_item_fn parse_item;
	arm_json_free_fn free_item; /* NULL when items own no memory */
};

/* Parse the root object of a body with parse_item; path is "". */
int arm_json_parse_single(const char *body, size_t len, arm_json_item_fn parse_item, void *dst,
			  char *err, size_t errlen);
/* Parse a {value: [...], nextLink} page. *items is a calloc'ed array of
 * spec->item_size elements; on failure it is NULL and *count 0. */
int arm_json_parse_page(const char *body, size_t len, const struct arm_json_page_spec *spec,
			void **items, size_t *count, char *next_link, size_t next_link_len,
			char *err, size_t errlen);
void arm_json_free_items(void *items, size_t count, const struct arm_json_page_spec *spec);

#endif
