/* Named SQL statements: split an embedded .sql text (see sql_catalog.h). */
#include "core/sql_catalog.h"

#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	char name[SQLCAT_NAME_MAX];
	int line;          /* of the name line */
	char *text;        /* NULL when unavailable */
	char *unavailable; /* the reason, or NULL */
};

struct sql_catalog {
	char label[32];
	struct entry *items;
	size_t n, cap;
};

/* A statement being collected. */
struct pending {
	bool open;
	struct entry e;
	char *buf;
	size_t len, cap;
};

static const char *skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool is_blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (!isspace((unsigned char)*p))
			return false;
	return true;
}

/* A comment line: "--" after optional blanks. */
static bool is_comment(const char *p, const char *end)
{
	p = skip_blank(p, end);
	return end - p >= 2 && p[0] == '-' && p[1] == '-';
}

/* If the comment line [p, end) is "-- KEY: VALUE", return VALUE's start and
 * trimmed end. */
static bool directive(const char *p, const char *end, const char *key, const char **vs,
		      const char **ve)
{
	size_t klen = strlen(key);

	p = skip_blank(p, end);
	if (end - p < 2 || p[0] != '-' || p[1] != '-')
		return false;
	p = skip_blank(p + 2, end);
	if ((size_t)(end - p) <= klen || strncmp(p, key, klen) != 0 || p[klen] != ':')
		return false;
	p = skip_blank(p + klen + 1, end);
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	*vs = p;
	*ve = end;
	return true;
}

static bool valid_name(const char *s, const char *e)
{
	const char *p;

	if (s == e || (size_t)(e - s) >= SQLCAT_NAME_MAX ||
	    !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (p = s; p < e; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_'))
			return false;
	return true;
}

static char *dup_range(const char *s, const char *e)
{
	char *d = malloc((size_t)(e - s) + 1);

	if (d) {
		memcpy(d, s, (size_t)(e - s));
		d[e - s] = '\0';
	}
	return d;
}

static struct entry *find(const struct sql_catalog *cat, const char *name)
{
	size_t i;

	for (i = 0; cat && name && i < cat->n; i++)
		if (strcmp(cat->items[i].name, name) == 0)
			return &cat->items[i];
	return NULL;
}

static int append(struct pending *pd, const char *s, const char *e)
{
	size_t need = pd->len + (size_t)(e - s) + 2;

	if (need > pd->cap) {
		size_t cap = pd->cap ? pd->cap * 2 : 256;
		char *nb;

		while (cap < need)
			cap *= 2;
		nb = realloc(pd->buf, cap);
		if (!nb)
			return -1;
		pd->buf = nb;
		pd->cap = cap;
	}
	memcpy(pd->buf + pd->len, s, (size_t)(e - s));
	pd->len += (size_t)(e - s);
	pd->buf[pd->len++] = '\n';
	pd->buf[pd->len] = '\0';
	return 0;
}

/* Finish the statement being collected and add it to CAT. */
static int close_entry(struct sql_catalog *cat, struct pending *pd, char *err, size_t errlen)
{
	char *s = pd->buf ? pd->buf : (char *)"";
	char *e = s + pd->len;
	struct entry *slot;

	if (!pd->open)
		return 0;
	pd->open = false;
	while (*s && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (e > s && e[-1] == ';')
		e--;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (pd->e.unavailable && e > s)
		return errf(err, errlen,
			    "%s line %d: statement '%s' is declared unavailable but has a text",
			    cat->label, pd->e.line, pd->e.name);
	if (!pd->e.unavailable && e == s)
		return errf(err, errlen, "%s line %d: statement '%s' is empty", cat->label,
			    pd->e.line, pd->e.name);
	if (!pd->e.unavailable && !(pd->e.text = dup_range(s, e)))
		return errf(err, errlen, "%s: out of memory", cat->label);
	if (cat->n == cat->cap) {
		size_t cap = cat->cap ? cat->cap * 2 : 16;
		struct entry *ni = realloc(cat->items, cap * sizeof(*ni));

		if (!ni) {
			free(pd->e.text);
			pd->e.text = NULL;
			return errf(err, errlen, "%s: out of memory", cat->label);
		}
		cat->items = ni;
		cat->cap = cap;
	}
	slot = &cat->items[cat->n++];
	*slot = pd->e;
	memset(&pd->e, 0, sizeof(pd->e));
	pd->len = 0;
	if (pd->buf)
		pd->buf[0] = '\0';
	return 0;
}

static int parse_line(struct sql_catalog *cat, struct pending *pd, const char *p, const char *end,
		      int line, char *err, size_t errlen)
{
	const char *vs, *ve;
	struct entry *dup;

	if (directive(p, end, "name", &vs, &ve)) {
		if (close_entry(cat, pd, err, errlen) != 0)
			return -1;
		if (!valid_name(vs, ve))
			return errf(err, errlen, "%s line %d: invalid statement name '%.*s'",
				    cat->label, line, (int)(ve - vs), vs);
		memset(&pd->e, 0, sizeof(pd->e));
		memcpy(pd->e.name, vs, (size_t)(ve - vs));
		pd->e.name[ve - vs] = '\0';
		pd->e.line = line;
		if ((dup = find(cat, pd->e.name)) != NULL)
			return errf(err, errlen,
				    "%s line %d: duplicate statement name '%s' (first at line %d)",
				    cat->label, line, pd->e.name, dup->line);
		pd->open = true;
		pd->len = 0;
		return 0;
	}
	if (!pd->open) {
		if (is_blank(p, end) || is_comment(p, end))
			return 0;
		return errf(err, errlen, "%s line %d: text before the first '-- name:' line",
			    cat->label, line);
	}
	if (directive(p, end, "unavailable", &vs, &ve)) {
		if (vs == ve)
			return errf(err, errlen, "%s line %d: '-- unavailable:' needs a reason",
				    cat->label, line);
		if (pd->e.unavailable)
			return errf(err, errlen,
				    "%s line %d: statement '%s' is declared unavailable twice",
				    cat->label, line, pd->e.name);
		if (!(pd->e.unavailable = dup_range(vs, ve)))
			return errf(err, errlen, "%s: out of memory", cat->label);
		return 0;
	}
	if (is_comment(p, end))
		return 0;
	if (append(pd, p, end) != 0)
		return errf(err, errlen, "%s: out of memory", cat->label);
	return 0;
}

int sql_catalog_parse(const char *text, const char *label, struct sql_catalog **out, char *err,
		      size_t errlen)
{
	struct sql_catalog *cat;
	struct pending pd;
	const char *p;
	int line = 0, rc = 0;

	*out = NULL;
	if (!text)
		return errf(err, errlen, "%s: no catalog text", label ? label : "sql");
	cat = calloc(1, sizeof(*cat));
	if (!cat)
		return errf(err, errlen, "out of memory");
	str_copy(cat->label, label ? label : "sql", sizeof(cat->label));
	memset(&pd, 0, sizeof(pd));
	for (p = text; rc == 0 && *p;) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		const char *next = nl ? nl + 1 : end;

		if (end > p && end[-1] == '\r')
			end--;
		rc = parse_line(cat, &pd, p, end, ++line, err, errlen);
		p = next;
	}
	if (rc == 0)
		rc = close_entry(cat, &pd, err, errlen);
	if (rc == 0 && cat->n == 0)
		rc = errf(err, errlen, "%s: no statements (no '-- name:' line)", cat->label);
	free(pd.e.unavailable);
	free(pd.e.text);
	free(pd.buf);
	if (rc != 0) {
		sql_catalog_free(cat);
		return -1;
	}
	*out = cat;
	return 0;
}

void sql_catalog_free(struct sql_catalog *cat)
{
	size_t i;

	if (!cat)
		return;
	for (i = 0; i < cat->n; i++) {
		free(cat->items[i].text);
		free(cat->items[i].unavailable);
	}
	free(cat->items);
	free(cat);
}

const char *sql_catalog_label(const struct sql_catalog *cat)
{
	return cat ? cat->label : "";
}

size_t sql_catalog_count(const struct sql_catalog *cat)
{
	return cat ? cat->n : 0;
}

const char *sql_catalog_name(const struct sql_catalog *cat, size_t i)
{
	return cat && i < cat->n ? cat->items[i].name : NULL;
}

bool sql_catalog_has(const struct sql_catalog *cat, const char *name)
{
	return find(cat, name) != NULL;
}

const char *sql_catalog_unavailable(const struct sql_catalog *cat, const char *name)
{
	const struct entry *e = find(cat, name);

	return e ? e->unavailable : NULL;
}

const char *sql_catalog_get(const struct sql_catalog *cat, const char *name, char *err,
			    size_t errlen)
{
	const struct entry *e = find(cat, name);

	if (!e) {
		errf(err, errlen, "statement '%s' is missing from the %s catalog", name ? name : "",
		     sql_catalog_label(cat));
		return NULL;
	}
	if (e->unavailable) {
		errf(err, errlen, "statement '%s' is not available in the %s catalog: %s", name,
		     cat->label, e->unavailable);
		return NULL;
	}
	return e->text;
}

int sql_catalog_same_names(const struct sql_catalog *a, const struct sql_catalog *b, char *err,
			   size_t errlen)
{
	size_t i;

	for (i = 0; i < sql_catalog_count(a); i++)
		if (!find(b, a->items[i].name))
			return errf(err, errlen, "statement '%s' is in the %s catalog but not in the %s catalog",
				    a->items[i].name, a->label, sql_catalog_label(b));
	for (i = 0; i < sql_catalog_count(b); i++)
		if (!find(a, b->items[i].name))
			return errf(err, errlen, "statement '%s' is in the %s catalog but not in the %s catalog",
				    b->items[i].name, b->label, sql_catalog_label(a));
	return 0;
}
