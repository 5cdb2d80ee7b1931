/* Fuzz target: the SQL statement catalog parser, sql_catalog_parse()
 * (core/sql_catalog.h).
 *
 * The input is the catalog text (an embedded NUL ends it). After a
 * success every statement is looked up by name, and the catalog is
 * compared with itself and with the embedded sqlite catalog (parsed
 * afresh on each call, so no state is kept between inputs). */
#include "tests/fuzz/fuzz.h"

#include "core/sql_catalog.h"

const char fuzz_target_name[] = "fuzz_sql_catalog";
const unsigned long fuzz_iterations = 20000;

const char *const fuzz_dict[] = {
	"-- name: ",
	"-- name: a\n",
	"-- name: link_status\n",
	"-- name:\n",
	"-- name: a b\n",
	"-- name: a-b\n",
	"-- unavailable: ",
	"-- unavailable: no such thing here\n",
	"-- unavailable:\n",
	"--name:",
	"--",
	"-- ",
	"\n",
	"\r\n",
	";",
	";;",
	" ;\n",
	"SELECT 1;\n",
	"'--'",
	"/* -- name: x */",
	"\t",
	"?",
	NULL,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_catalog(const struct sql_catalog *cat, char *err, size_t errlen)
{
	struct sql_catalog *ref = NULL;
	char more[512];
	size_t n = sql_catalog_count(cat);

	if (n == 0)
		fuzz_fail("a parsed catalog with no statements", NULL);
	if (!sql_catalog_label(cat) || strcmp(sql_catalog_label(cat), "fuzz") != 0)
		fuzz_fail("the label is lost", NULL);
	for (size_t i = 0; i < n; i++) {
		const char *name = sql_catalog_name(cat, i), *text, *why;

		if (!name || !*name || strlen(name) >= SQLCAT_NAME_MAX)
			fuzz_fail("a statement name is empty or too long", name);
		if (!sql_catalog_has(cat, name))
			fuzz_fail("sql_catalog_has does not find a listed name", name);
		text = sql_catalog_get(cat, name, more, sizeof more);
		why = sql_catalog_unavailable(cat, name);
		if (!text == !why)
			fuzz_fail("a statement is neither (or both) available and unavailable", name);
		if (text && !*text)
			fuzz_fail("an available statement with an empty text", name);
		if (!text && !more[0])
			fuzz_fail("sql_catalog_get failed without a message", name);
	}
	if (sql_catalog_get(cat, "no statement has this name", more, sizeof more) || !more[0])
		fuzz_fail("a missing name is not reported", NULL);
	if (sql_catalog_same_names(cat, cat, more, sizeof more))
		fuzz_fail("a catalog differs from itself", more);
	if (sql_catalog_parse(sql_text_sqlite, "sqlite", &ref, more, sizeof more))
		fuzz_fail("the embedded sqlite catalog does not parse", more);
	if (err)
		memset(err, 'X', errlen);
	if (sql_catalog_same_names(cat, ref, err, errlen))
		fuzz_check_err(err, errlen);
	if (sql_catalog_same_names(ref, cat, err, errlen))
		fuzz_check_err(err, errlen);
	sql_catalog_free(ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t errlen = fuzz_errlen(data, size);
	char *text = fuzz_cstr(data, size);
	char *err = errlen ? malloc(errlen) : NULL;
	struct sql_catalog *cat = (struct sql_catalog *)&cat; /* must be reset */
	int rc;

	if (errlen && !err)
		abort();
	if (err)
		memset(err, 'X', errlen);
	rc = sql_catalog_parse(text, "fuzz", &cat, err, errlen);
	if (rc == 0) {
		if (!cat)
			fuzz_fail("success without a catalog", NULL);
		check_catalog(cat, err, errlen);
	} else {
		if (rc != -1)
			fuzz_fail("sql_catalog_parse returned neither 0 nor -1", NULL);
		if (cat)
			fuzz_fail("failure left a catalog in *out", NULL);
		fuzz_check_err(err, errlen);
	}
	sql_catalog_free(cat);
	free(err);
	free(text);
	return 0;
}
