/* Secret values (client secret, SQL password): where they come from, and
 * the value itself, which is never printed. */
#ifndef CORE_SECRET_H
#define CORE_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_MAX 512      /* longest value, in bytes */
#define SECRET_REF_MAX 1024 /* longest env variable name or file path */

enum secret_source {
	SECRET_UNSET = 0,
	SECRET_INLINE, /* the text itself, written in the config file */
	SECRET_ENV,    /* env:NAME */
	SECRET_FILE,   /* file:PATH, first line */
};

/* Copying this struct copies the value; pass pointers. */
struct secret {
	enum secret_source source;
	char ref[SECRET_REF_MAX]; /* variable name or path; empty for inline */
	size_t len;
	bool loaded;              /* value holds the secret */
	char value[SECRET_MAX + 1];
};

/* Classify SPEC as env:NAME, file:PATH or inline text. An inline value is
 * loaded at once; env and file are read by secret_resolve(). */
int secret_parse(struct secret *s, const char *spec, char *err, size_t errlen);

/* Read the environment variable or the file's first line (trailing "\n" or
 * "\r\n" removed). A relative file path is taken from BASE_DIR when it is
 * not NULL. Errors name the variable or the path, never the value. */
int secret_resolve(struct secret *s, const char *base_dir, char *err, size_t errlen);

/* secret_parse("env:NAME") then secret_resolve(). */
int secret_from_env(struct secret *s, const char *name, char *err, size_t errlen);

bool secret_is_set(const struct secret *s);
const char *secret_value(const struct secret *s); /* "" when not loaded */
size_t secret_length(const struct secret *s);

/* Where the secret comes from, safe to show: "env:NAME", "file:PATH",
 * "inline" or "unset". */
void secret_describe(const struct secret *s, char *buf, size_t len);

/* Wipe the value (explicit_bzero) and forget the source. */
void secret_clear(struct secret *s);

#endif
