/* Named SQL statements: the text of assets/sql/<dialect>.sql, embedded in
 * the program by assets/sql/embed.awk, split into statements at run time.
 *
 * The text format:
 *   -- name: NAME          starts a statement (NAME: letters, digits, _);
 *                          its text runs up to the next name line
 *   -- anything else       a comment line: never part of a statement's text
 *   -- unavailable: WHY    declares NAME absent from this dialect; asking
 *                          for it is an error that gives WHY
 * Before the first name line only comments and blank lines may appear. A
 * statement's text is trimmed and loses one trailing ";". Names are unique;
 * a statement is either available with a non-empty text or declared
 * unavailable with none. */
#ifndef CORE_SQL_CATALOG_H
#define CORE_SQL_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

/* Generated sources core/sql_text_mssql.c and core/sql_text_sqlite.c. */
extern const char sql_text_mssql[];
extern const char sql_text_sqlite[];

#define SQLCAT_NAME_MAX 64

struct sql_catalog;

/* Parse TEXT; LABEL ("mssql", "sqlite") names the catalog in messages, as in
 * "mssql line 12: duplicate statement name 'x' (first at line 3)". */
int sql_catalog_parse(const char *text, const char *label, struct sql_catalog **out, char *err,
		      size_t errlen);
void sql_catalog_free(struct sql_catalog *cat);

const char *sql_catalog_label(const struct sql_catalog *cat);
size_t sql_catalog_count(const struct sql_catalog *cat);
const char *sql_catalog_name(const struct sql_catalog *cat, size_t i); /* file order */
/* Whether NAME is declared at all (available or not). */
bool sql_catalog_has(const struct sql_catalog *cat, const char *name);
/* The reason NAME is unavailable, or NULL (available, or not declared). */
const char *sql_catalog_unavailable(const struct sql_catalog *cat, const char *name);

/* The text of NAME, or NULL with ERR naming the statement and the catalog:
 * "statement 'x' is missing from the sqlite catalog" or
 * "statement 'x' is not available in the mssql catalog: WHY". */
const char *sql_catalog_get(const struct sql_catalog *cat, const char *name, char *err,
			    size_t errlen);

/* 0 when A and B declare the same names; else -1 and the first difference. */
int sql_catalog_same_names(const struct sql_catalog *a, const struct sql_catalog *b, char *err,
			   size_t errlen);

#endif
