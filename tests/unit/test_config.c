/* Unit tests for core/config.c and core/secret.c (ssisdr.conf(5)). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* mkdtemp, setenv */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/secret.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "tests"
#endif
#define FIXTURES TEST_SRCDIR "/fixtures/config"

#define SUB "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/"
#define ADF "/providers/Microsoft.DataFactory/factories/"
#define SQL "/providers/Microsoft.Sql/servers/"
#define MI "/providers/Microsoft.Sql/managedInstances/"
#define ODBC "Driver={ODBC Driver 18 for SQL Server};Server=tcp:x.database.windows.net,1433;" \
	     "Database=SSISDB;Encrypt=yes"

/* Line numbers matter: the error tests name them. */
static const char base_conf[] =
	"[console]\n"                                                     /*  1 */
	"refresh = 10s\n"                                                 /*  2 */
	"\n"                                                              /*  3 */
	"[azure]\n"                                                       /*  4 */
	"tenant_id = 72f988bf-86f1-41af-91ab-2d7cd011db47\n"              /*  5 */
	"client_id = 11111111-2222-3333-4444-555555555555\n"              /*  6 */
	"client_secret = env:SSISDR_TEST_CLIENT_SECRET\n"                 /*  7 */
	"\n"                                                              /*  8 */
	"[pair prod]\n"                                                   /*  9 */
	"triggers = ssis\n"                                               /* 10 */
	"\n"                                                              /* 11 */
	"[site prod/eastus]\n"                                            /* 12 */
	"kind = sqldb\n"                                                  /* 13 */
	"factory = " SUB "rg-east" ADF "adf-east\n"                       /* 14 */
	"integration_runtime = ssis-ir-east\n"                            /* 15 */
	"sql_server = " SUB "rg-east" SQL "sql-east\n"                    /* 16 */
	"failover_group = fg-ssis\n"                                      /* 17 */
	"ssisdb_odbc = " ODBC "\n"                                        /* 18 */
	"\n"                                                              /* 19 */
	"[site prod/westus]\n"                                            /* 20 */
	"kind = sqldb\n"                                                  /* 21 */
	"factory = " SUB "rg-west" ADF "adf-west\n"                       /* 22 */
	"integration_runtime = ssis-ir-west\n"                            /* 23 */
	"sql_server = " SUB "rg-west" SQL "sql-west\n"                    /* 24 */
	"failover_group = fg-ssis\n"                                      /* 25 */
	"ssisdb_odbc = " ODBC "\n";                                       /* 26 */

#define MI_WEST                                                        \
	"managed_instance = " SUB "rg-west" MI "sqlmi-west\n"          \
	"region = westus\n"                                            \
	"msdb_odbc = Driver=SQLite3;Database=/tmp/msdb.sqlite"

/* ---- helpers ------------------------------------------------------------------ */

static int reset_env(void **state)
{
	(void)state;
	unsetenv("AZURE_TENANT_ID");
	unsetenv("AZURE_CLIENT_ID");
	unsetenv("AZURE_CLIENT_SECRET");
	unsetenv("SSISDR_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("SSISDR_TEST_SQL_PASSWORD");
	setenv("SSISDR_TEST_CLIENT_SECRET", "client-secret-value", 1);
	setenv("XDG_STATE_HOME", "/state", 1);
	return 0;
}

/* base_conf with line LINE (1-based) replaced by TEXT, or TEXT appended
 * when LINE is 0. The caller frees. */
static char *edit(int line, const char *text)
{
	size_t len = sizeof(base_conf) + strlen(text) + 2;
	char *out = malloc(len), *o = out;
	const char *s = base_conf;

	assert_non_null(out);
	for (int n = 1; *s; n++) {
		size_t l = strcspn(s, "\n");

		if (n == line)
			o += sprintf(o, "%s\n", text);
		else
			o += sprintf(o, "%.*s\n", (int)l, s);
		s += l + (s[l] == '\n');
	}
	if (line == 0)
		sprintf(o, "%s\n", text);
	return out;
}

static void expect_error_in(const char *text, const char *needle)
{
	struct ssisdr_config cfg;
	char err[2048] = "";
	int rc = config_load_string(text, "t.conf", &cfg, err, sizeof(err));

	if (rc == 0 || !strstr(err, needle))
		fail_msg("expected an error holding\n    %s\ngot rc %d and\n    %s", needle, rc,
			 err);
	assert_null(cfg.pairs);
}

static void expect_error(int line, const char *text, const char *needle)
{
	char *conf = edit(line, text);

	expect_error_in(conf, needle);
	free(conf);
}

static void load_ok(const char *text, struct ssisdr_config *cfg)
{
	char err[2048] = "";

	if (config_load_string(text, "t.conf", cfg, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
}

static void load_edit_ok(int line, const char *text, struct ssisdr_config *cfg)
{
	char *conf = edit(line, text);

	load_ok(conf, cfg);
	free(conf);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static char *temp_dir(void)
{
	char *dir = strdup("/tmp/ssisdr-test-config-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void remove_tree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- a full file ---------------------------------------------------------------- */

static void check_valid_console_azure(const struct ssisdr_config *cfg)
{
	assert_int_equal(cfg->console.refresh, 30);
	assert_true(cfg->console.read_only);
	assert_string_equal(cfg->console.audit_log, "/var/lib/ssisdr/audit.jsonl");
	assert_int_equal(cfg->console.rto_target, 45 * 60);
	assert_int_equal(cfg->console.rpo_target, 120);
	assert_int_equal(cfg->console.request_timeout, 20);
	assert_int_equal(cfg->azure.cloud, CONFIG_CLOUD_US_GOVERNMENT);
	assert_string_equal(config_cloud_name(cfg->azure.cloud), "AzureUSGovernment");
	assert_string_equal(cfg->azure.arm_endpoint, "https://management.usgovcloudapi.net");
	assert_string_equal(cfg->azure.authority, "https://login.microsoftonline.us");
	assert_string_equal(cfg->azure.scope, "https://management.usgovcloudapi.net/.default");
	assert_int_equal(cfg->azure.auth, CONFIG_AUTH_CLIENT_SECRET);
	assert_string_equal(cfg->azure.tenant_id, "contoso.onmicrosoft.com");
	assert_string_equal(cfg->azure.client_id, "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0");
	assert_true(secret_is_set(&cfg->azure.client_secret));
	assert_string_equal(secret_value(&cfg->azure.client_secret), "client-secret-value");
}

static void check_valid_prod(const struct config_pair *prod)
{
	const struct config_site *east = &prod->sites[0], *west = &prod->sites[1];

	assert_int_equal(prod->line, 20);
	assert_int_equal(prod->triggers, CONFIG_TRIGGERS_LIST);
	assert_int_equal(prod->ntrigger_names, 3);
	assert_string_equal(prod->trigger_names[0], "TR_Nightly");
	assert_string_equal(prod->trigger_names[1], "TR_Hourly");
	assert_string_equal(prod->trigger_names[2], "TR-Month_End");
	assert_int_equal(prod->rto_target, 3600);
	assert_int_equal(prod->rpo_target, 120); /* from [console] */
	assert_int_equal(prod->nsites, 2);
	assert_string_equal(east->name, "eastus");
	assert_int_equal(east->line, 24);
	assert_int_equal(east->kind, CONFIG_KIND_SQLDB);
	assert_string_equal(east->factory.id, "/subscriptions/8d2f6a4e-1b3c-4d5e-9f60-7a8b9c0d1e2f/"
					      "resourceGroups/rg-ssis-east/providers/"
					      "Microsoft.DataFactory/factories/adf-east");
	assert_string_equal(east->factory.sub, "8d2f6a4e-1b3c-4d5e-9f60-7a8b9c0d1e2f");
	assert_string_equal(east->factory.rg, "rg-ssis-east");
	assert_string_equal(east->factory.name, "adf-east");
	assert_string_equal(east->integration_runtime, "ssis-ir-east");
	assert_string_equal(east->sql.rg, "rg-ssis-east");
	assert_string_equal(east->sql.name, "sql-east");
	assert_string_equal(east->region, "eastus");
	assert_string_equal(east->failover_group, "fg-ssis");
	assert_string_equal(east->ssisdb_odbc,
			    "Driver={ODBC Driver 18 for SQL Server};"
			    "Server=tcp:sql-east.database.usgovcloudapi.net,1433;"
			    "Database=SSISDB;Encrypt=yes");
	assert_string_equal(east->msdb_odbc, "");
	assert_string_equal(secret_value(&east->sql_password), "sql-password-value");
	/* provider and type compared case-insensitively, the ID kept as written */
	assert_string_equal(west->factory.name, "adf-west");
	assert_non_null(strstr(west->factory.id, "/SUBSCRIPTIONS/"));
	assert_string_equal(west->sql.name, "sql-west");
	assert_string_equal(west->region, "");
	assert_false(secret_is_set(&west->sql_password));
	assert_int_equal(west->sql_password.source, SECRET_UNSET);
}

static void check_valid_mi(const struct config_pair *mi)
{
	const struct config_site *west = &mi->sites[0], *east = &mi->sites[1];

	assert_int_equal(mi->triggers, CONFIG_TRIGGERS_ALL);
	assert_int_equal(mi->rto_target, 45 * 60);
	assert_int_equal(mi->rpo_target, 30);
	assert_string_equal(west->name, "west");
	assert_int_equal(west->kind, CONFIG_KIND_MI);
	assert_string_equal(west->sql.name, "sqlmi-west");
	assert_string_equal(west->sql.rg, "rg-mi");
	assert_string_equal(west->region, "westus2");
	assert_string_equal(west->failover_group, "fg-mi");
	/* a 271-byte line, past inih's 200-byte buffer, arrives whole */
	assert_string_equal(
		west->msdb_odbc,
		"Driver={ODBC Driver 18 for SQL Server};"
		"Server=tcp:sqlmi-west.0a1b2c3d4e5f.database.usgovcloudapi.net,1433;"
		"Database=msdb;Encrypt=yes;TrustServerCertificate=no;Connection Timeout=30;"
		"UID=ssisdr_reader;ApplicationIntent=ReadOnly");
	assert_string_equal(east->name, "east");
	assert_int_equal(east->kind, CONFIG_KIND_MI);
	assert_string_equal(east->factory.name, "adf-mi-east");
	assert_string_equal(east->integration_runtime, "ssis-ir-mi-east");
	assert_string_equal(east->region, "eastus2");
	assert_non_null(strstr(east->msdb_odbc, "Database=msdb"));
}

static void test_valid_file(void **state)
{
	struct ssisdr_config cfg;
	char err[1024] = "";

	(void)state;
	setenv("SSISDR_TEST_SQL_PASSWORD", "sql-password-value", 1);
	if (config_load(FIXTURES "/valid.conf", &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cfg.path, FIXTURES "/valid.conf");
	check_valid_console_azure(&cfg);
	assert_int_equal(cfg.npairs, 2);
	check_valid_prod(config_pair_by_name(&cfg, "prod"));
	check_valid_mi(config_pair_by_name(&cfg, "mi"));
	assert_ptr_equal(config_pair_by_name(&cfg, "prod"), &cfg.pairs[0]);
	assert_null(config_pair_by_name(&cfg, "nope"));
	assert_ptr_equal(config_site_by_name(&cfg.pairs[0], "westus"), &cfg.pairs[0].sites[1]);
	assert_null(config_site_by_name(&cfg.pairs[0], "west"));
	config_free(&cfg);
	assert_null(cfg.pairs);
	config_free(&cfg); /* twice is harmless */
}

/* A file saved with CRLF line ends (edited on Windows) reads the same. */
static void test_crlf_line_ends(void **state)
{
	struct ssisdr_config cfg;
	char err[1024] = "", *text, *crlf, *o;
	FILE *f = fopen(FIXTURES "/valid.conf", "rb");
	long len;

	(void)state;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	crlf = calloc(2, (size_t)len + 1);
	assert_non_null(text);
	assert_non_null(crlf);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	o = crlf;
	for (const char *c = text; *c; c++) {
		if (*c == '\n')
			*o++ = '\r';
		*o++ = *c;
	}
	setenv("SSISDR_TEST_SQL_PASSWORD", "sql-password-value", 1);
	if (config_load_string(crlf, FIXTURES "/valid.conf", &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	check_valid_console_azure(&cfg);
	check_valid_prod(config_pair_by_name(&cfg, "prod"));
	check_valid_mi(config_pair_by_name(&cfg, "mi"));
	config_free(&cfg);
	free(text);
	free(crlf);
}

static void test_defaults_and_env_fallbacks(void **state)
{
	struct ssisdr_config cfg;
	char err[1024] = "";

	(void)state;
	setenv("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47", 1);
	setenv("AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555", 1);
	setenv("AZURE_CLIENT_SECRET", "from-the-environment", 1);
	if (config_load(FIXTURES "/minimal.conf", &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.console.refresh, 10);
	assert_false(cfg.console.read_only);
	assert_string_equal(cfg.console.audit_log, "/state/ssisdr/audit.jsonl");
	assert_int_equal(cfg.console.rto_target, 1800);
	assert_int_equal(cfg.console.rpo_target, 300);
	assert_int_equal(cfg.console.request_timeout, 15);
	assert_int_equal(cfg.azure.cloud, CONFIG_CLOUD_AZURE);
	assert_string_equal(cfg.azure.arm_endpoint, "https://management.azure.com");
	assert_string_equal(cfg.azure.authority, "https://login.microsoftonline.com");
	assert_string_equal(cfg.azure.scope, "https://management.azure.com/.default");
	assert_int_equal(cfg.azure.auth, CONFIG_AUTH_CLIENT_SECRET);
	assert_string_equal(cfg.azure.tenant_id, "72f988bf-86f1-41af-91ab-2d7cd011db47");
	assert_string_equal(cfg.azure.client_id, "11111111-2222-3333-4444-555555555555");
	assert_string_equal(secret_value(&cfg.azure.client_secret), "from-the-environment");
	assert_int_equal(cfg.npairs, 1);
	assert_int_equal(cfg.pairs[0].line, 3);
	assert_int_equal(cfg.pairs[0].triggers, CONFIG_TRIGGERS_SSIS);
	assert_int_equal(cfg.pairs[0].rto_target, 1800);
	assert_int_equal(cfg.pairs[0].rpo_target, 300);
	config_free(&cfg);

	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/op", 1);
	assert_int_equal(config_load(FIXTURES "/minimal.conf", &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.console.audit_log, "/home/op/.local/state/ssisdr/audit.jsonl");
	config_free(&cfg);
}

static void test_env_fallback_missing(void **state)
{
	(void)state;
	expect_error(6, "",
		     "t.conf:4: [azure] client_id: missing; set it in [azure] or in the "
		     "environment variable AZURE_CLIENT_ID");
	expect_error(5, "",
		     "t.conf:4: [azure] tenant_id: missing; set it in [azure] or in the "
		     "environment variable AZURE_TENANT_ID");
	expect_error(7, "",
		     "t.conf:4: [azure] client_secret: missing; set it in [azure] "
		     "(env:NAME, file:PATH or the secret) or in the environment variable "
		     "AZURE_CLIENT_SECRET");
	setenv("AZURE_CLIENT_ID", "", 1);
	expect_error(6, "",
		     "t.conf:4: [azure] client_id: missing; set it in [azure] or in the "
		     "environment variable AZURE_CLIENT_ID");
	setenv("AZURE_CLIENT_ID", "not-a-guid", 1);
	expect_error(6, "",
		     "[azure] client_id: expected an application (client) GUID in the "
		     "environment variable AZURE_CLIENT_ID, got \"not-a-guid\"");
}

static void test_other_auth_modes(void **state)
{
	struct ssisdr_config cfg;

	(void)state;
	load_ok("[azure]\n"
		"auth = managed-identity\n"
		"client_id = 11111111-2222-3333-4444-555555555555\n"
		"[pair p]\n"
		"[site p/a]\n"
		"kind = sqldb\n"
		"factory = " SUB "rg" ADF "a\n"
		"integration_runtime = ia\n"
		"sql_server = " SUB "rg" SQL "sa\n"
		"failover_group = f\n"
		"ssisdb_odbc = Driver=x\n"
		"[site p/b]\n"
		"kind = sqldb\n"
		"factory = " SUB "rg" ADF "b\n"
		"integration_runtime = ib\n"
		"sql_server = " SUB "rg" SQL "sb\n"
		"failover_group = f\n"
		"ssisdb_odbc = Driver=x\n",
		&cfg);
	assert_int_equal(cfg.azure.auth, CONFIG_AUTH_MANAGED_IDENTITY);
	assert_string_equal(cfg.azure.client_id, "11111111-2222-3333-4444-555555555555");
	assert_false(secret_is_set(&cfg.azure.client_secret));
	config_free(&cfg);
	expect_error(7, "auth = azure-cli",
		     "t.conf:6: [azure] client_id: not used with auth = azure-cli; "
		     "remove it");
	expect_error(7, "auth = managed-identity",
		     "t.conf:5: [azure] tenant_id: not used with "
		     "auth = managed-identity");
	expect_error(4, "[azure]\nauth = managed-identity",
		     "t.conf:8: [azure] client_secret: not used "
		     "with auth = managed-identity");
	expect_error(4, "[azure]\nauth = kerberos",
		     "t.conf:5: [azure] auth: expected client-secret, "
		     "managed-identity or azure-cli, got \"kerberos\"");
}

/* ---- errors name the file, the line and the key ---------------------------------- */

static void test_error_bad_values(void **state)
{
	(void)state;
	expect_error(
		13, "kind = sqlbd",
		"t.conf:13: [site prod/eastus] kind: expected \"sqldb\" or \"mi\", got \"sqlbd\"");
	expect_error(2, "refresh = 1s",
		     "t.conf:2: [console] refresh: expected a duration between 2s "
		     "and 1h, such as 10s, 5m or 1h, got \"1s\"");
	expect_error(2, "refresh = 2h", "t.conf:2: [console] refresh: expected a duration");
	expect_error(2, "refresh = 10 s", "t.conf:2: [console] refresh: expected a duration");
	expect_error(3, "read_only = maybe",
		     "t.conf:3: [console] read_only: expected true, false, yes, "
		     "no, on, off, 1 or 0, got \"maybe\"");
	expect_error(3, "audit_log = audit.jsonl",
		     "t.conf:3: [console] audit_log: expected an "
		     "absolute path, got \"audit.jsonl\"");
	expect_error(3, "request_timeout = 0",
		     "t.conf:3: [console] request_timeout: expected a "
		     "duration between 1s and 10m");
	expect_error(8, "cloud = AzureGermanCloud",
		     "t.conf:8: [azure] cloud: expected AzureCloud, "
		     "AzureUSGovernment or AzureChinaCloud, got "
		     "\"AzureGermanCloud\"");
	expect_error(5, "tenant_id = not a tenant",
		     "t.conf:5: [azure] tenant_id: expected a tenant "
		     "GUID or domain name");
	expect_error(15, "integration_runtime = ssis_ir",
		     "t.conf:15: [site prod/eastus] "
		     "integration_runtime: expected an integration "
		     "runtime name");
	expect_error(17, "failover_group = fg ssis",
		     "t.conf:17: [site prod/eastus] failover_group: "
		     "expected a failover group name");
	expect_error(19, "region = East US",
		     "t.conf:19: [site prod/eastus] region: expected an ARM "
		     "location name such as eastus, got \"East US\"");
	expect_error(18, "ssisdb_odbc = SSISDB",
		     "t.conf:18: [site prod/eastus] ssisdb_odbc: expected an "
		     "ODBC connection string");
	expect_error(10, "triggers = a,,b",
		     "t.conf:10: [pair prod] triggers: expected ssis, all, or a "
		     "comma-separated list of trigger names, got \"a,,b\" (an "
		     "empty name)");
	expect_error(10, "triggers = a, B, b", "(a name is listed twice)");
	expect_error(10, "triggers = a.b", "t.conf:10: [pair prod] triggers:");
	expect_error(11, "rpo_target = 25h",
		     "t.conf:11: [pair prod] rpo_target: expected a duration "
		     "between 0s and 24h");
}

static void test_error_resource_ids(void **state)
{
	(void)state;
	expect_error(14, "factory = " SUB "rg-east" SQL "sql-east",
		     "t.conf:14: [site prod/eastus] factory: expected "
		     "/subscriptions/<GUID>/resourceGroups/"
		     "<group>/providers/Microsoft.DataFactory/factories/<name>, got \"" SUB
		     "rg-east" SQL "sql-east\" (the provider type is Microsoft.Sql/servers)");
	expect_error(14, "factory = /subscriptions/prod/resourceGroups/rg" ADF "a",
		     "t.conf:14: [site prod/eastus] factory: expected /subscriptions/<GUID>/");
	expect_error(14, "factory = /subscriptions/prod/resourceGroups/rg" ADF "a",
		     "(the subscription \"prod\" is not a GUID)");
	expect_error(14, "factory = " SUB "rg" ADF "a/extra", "(not of the form");
	expect_error(14, "factory = " SUB "rg" ADF "a/",
		     "(it must start with / and have no empty part)");
	expect_error(14, "factory = " SUB "rg." ADF "a", "(\"rg.\" is not a resource group name)");
	expect_error(14, "factory = " SUB "rg" ADF "adf_east", "(\"adf_east\" is not 1-63 letters");
	expect_error(16, "sql_server = " SUB "rg" MI "mi",
		     "t.conf:16: [site prod/eastus] sql_server: "
		     "expected /subscriptions/<GUID>/resourceGroups/"
		     "<group>/providers/Microsoft.Sql/servers/<name>");
	expect_error(16, "managed_instance = " SUB "rg" MI "mi",
		     "t.conf:16: [site prod/eastus] "
		     "managed_instance: kind is sqldb; a SQL "
		     "Database site takes sql_server");
	expect_error(
		13, "kind = mi\nregion = eastus\nmsdb_odbc = Driver=x",
		"t.conf:18: [site prod/eastus] sql_server: kind is mi; a managed-instance site "
		"takes managed_instance");
}

static void test_error_structure(void **state)
{
	(void)state;
	expect_error(1, "[consol]",
		     "t.conf:1: [consol]: unknown section; expected [console], [azure], "
		     "[pair NAME] or [site PAIR/SITE]");
	expect_error(1, "[console", "t.conf:1: expected \"]\" to close the section header");
	expect_error(1, "[console] refresh = 10s",
		     "t.conf:1: expected nothing but a comment after \"]\"");
	expect_error(2, "colour = red",
		     "t.conf:2: [console] colour: unknown key; expected one of "
		     "refresh, read_only, audit_log, rto_target, rpo_target, "
		     "request_timeout");
	expect_error(3, "refresh = 20s",
		     "t.conf:3: [console] refresh: duplicate key (first set at line 2)");
	expect_error(3, "  refresh = 20s", "t.conf:3: [console] refresh: duplicate key");
	expect_error(3, "garbage",
		     "t.conf:3: expected \"key = value\", a [section] header or a "
		     "comment, got \"garbage\"");
	expect_error(2, "refresh =",
		     "t.conf:2: [console] refresh: expected a duration between 2s and "
		     "1h, such as 10s, 5m or 1h, got nothing");
	expect_error(11, "[console]", "t.conf:11: [console]: declared twice (first at line 1)");
	expect_error(9, "[pair pr od]", "t.conf:9: [pair pr od]: expected a pair name");
	expect_error(12, "[site prod-eastus]",
		     "t.conf:12: [site prod-eastus]: expected [site PAIR/SITE]");
	expect_error(0, "[pair prod]", "t.conf:27: [pair prod]: declared twice (first at line 9)");
}

static void test_error_missing_keys(void **state)
{
	(void)state;
	expect_error(15, "",
		     "t.conf:12: [site prod/eastus] integration_runtime: missing; expected an "
		     "integration runtime name");
	expect_error(13, "",
		     "t.conf:12: [site prod/eastus] kind: missing; expected \"sqldb\" or \"mi\"");
	expect_error(24, "",
		     "t.conf:20: [site prod/westus] sql_server: missing; expected "
		     "/subscriptions/<GUID>/");
	expect_error(16, MI_WEST "\nkind = mi",
		     "t.conf:19: [site prod/eastus] kind: duplicate key "
		     "(first set at line 13)");
	expect_error(13, "kind = mi\n" MI_WEST,
		     "t.conf:19: [site prod/eastus] sql_server: kind is mi");
	expect_error(24, MI_WEST, "t.conf:24: [site prod/westus] managed_instance: kind is sqldb");
	/* a managed-instance site needs region and msdb_odbc */
	expect_error(13, "kind = mi", "t.conf:16: [site prod/eastus] sql_server: kind is mi");
	expect_error(16, "managed_instance = " SUB "rg" MI "m\nmsdb_odbc = Driver=x",
		     "t.conf:16: [site prod/eastus] managed_instance: kind is sqldb");
	expect_error(
		26, "ssisdb_odbc = " ODBC "\nmsdb_odbc = Driver=x",
		"t.conf:27: [site prod/westus] msdb_odbc: only a managed-instance site (kind = mi) "
		"has one");
}

static void test_error_mi_site_missing_region(void **state)
{
	(void)state;
	/* both sites are managed instances; the first lacks its region */
	expect_error_in(
		"[azure]\nclient_id = 11111111-2222-3333-4444-555555555555\n"
		"tenant_id = t.example.com\n"
		"[pair p]\n"
		"[site p/a]\nkind = mi\nfactory = " SUB "rg" ADF "a\nintegration_runtime = ia\n"
		"managed_instance = " SUB "rg" MI "ma\nfailover_group = f\nssisdb_odbc = Driver=x\n"
		"msdb_odbc = Driver=x\n"
		"[site p/b]\nkind = mi\nfactory = " SUB "rg" ADF "b\nintegration_runtime = ib\n"
		"managed_instance = " SUB "rg" MI "mb\nregion = westus\nfailover_group = f\n"
		"ssisdb_odbc = Driver=x\nmsdb_odbc = Driver=x\n",
		"t.conf:5: [site p/a] region: missing; expected an ARM location name");
}

static void test_error_pairs_and_sites(void **state)
{
	char *one_site =
		strndup(base_conf, (size_t)(strstr(base_conf, "[site prod/westus]") - base_conf));

	(void)state;
	assert_non_null(one_site);
	expect_error_in(one_site,
			"t.conf:9: [pair prod]: expected two [site prod/NAME] sections, found 1");
	free(one_site);
	expect_error(0, "[site prod/central]",
		     "t.conf:27: [site prod/central]: pair \"prod\" already has "
		     "two sites, eastus (line 12) and westus (line 20)");
	expect_error(20, "[site prod/eastus]",
		     "t.conf:20: [site prod/eastus]: declared twice (first at "
		     "line 12); site names are unique within a pair");
	expect_error(0, "[site stage/a]\nkind = sqldb",
		     "t.conf:27: [site stage/a]: pair \"stage\" is not "
		     "declared; expected a [pair stage] section");
	expect_error(9, "[pair other]",
		     "t.conf:9: [pair other]: expected two [site other/NAME] sections, "
		     "found 0");
	setenv("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47", 1);
	setenv("AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555", 1);
	expect_error_in("[console]\nrefresh = 5s\n",
			"t.conf: no pair; expected a [pair NAME] section");
	expect_error(1, "x = 1\n[console]",
		     "t.conf:1: x: expected a [section] header before the first key");
}

static void test_error_sites_disagree(void **state)
{
	(void)state;
	expect_error(25, "failover_group = fg-other",
		     "t.conf:25: [site prod/westus] failover_group: expected \"fg-ssis\" as in "
		     "[site prod/eastus] (line 17), got \"fg-other\"");
	expect_error(24, "sql_server = " SUB "rg-east" SQL "SQL-EAST",
		     "t.conf:24: [site prod/westus] sql_server: the same resource as [site "
		     "prod/eastus]");
	expect_error(23,
		     "integration_runtime = ssis-ir-east\nfactory = " SUB "rg-east" ADF "adf-east",
		     "t.conf:24: [site prod/westus] factory: duplicate key (first set at line 22)");
}

static void test_error_kind_disagree(void **state)
{
	char *conf = edit(21, "kind = mi");
	char *fixed = malloc(strlen(conf) + 512);
	char *at;

	(void)state;
	assert_non_null(fixed);
	at = strstr(conf, "sql_server = " SUB "rg-west");
	sprintf(fixed, "%.*s" MI_WEST "%s", (int)(at - conf), conf, strchr(at, '\n'));
	expect_error_in(fixed, "t.conf:21: [site prod/westus] kind: expected \"sqldb\" as in "
			       "[site prod/eastus] (line 13), got \"mi\"");
	free(fixed);
	free(conf);
}

static void test_same_factory_ir_refused(void **state)
{
	char *conf = edit(22, "factory = " SUB "rg-east" ADF "adf-east");
	char *fixed;

	(void)state;
	fixed = strstr(conf, "integration_runtime = ssis-ir-west");
	memcpy(fixed + strlen("integration_runtime = ssis-ir-"), "east", 4);
	expect_error_in(conf,
			"t.conf:23: [site prod/westus] integration_runtime: the same integration "
			"runtime as [site prod/eastus]");
	free(conf);
}

static void test_odbc_password_refused_quietly(void **state)
{
	struct ssisdr_config cfg;
	char err[1024];
	char *conf = edit(18, "ssisdb_odbc = Driver={x};Server=s;Password=Sup3rSecret");

	(void)state;
	assert_int_equal(config_load_string(conf, "t.conf", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "t.conf:18: [site prod/eastus] ssisdb_odbc: the connection "
				    "string holds a password (PWD); put it in sql_password"));
	assert_null(strstr(err, "Sup3r"));
	free(conf);
	expect_error(18, "ssisdb_odbc = Driver={x};Server=s;UID=u; PWD={Sup3r;Secret}",
		     "t.conf:18: [site prod/eastus] ssisdb_odbc: the connection string holds a "
		     "password");
	/* a braced value that merely contains "PWD=" is not a password */
	load_edit_ok(18, "ssisdb_odbc = Driver={PWD=odd name};Server=s", &cfg);
	config_free(&cfg);
}

/* ---- secrets ------------------------------------------------------------------------ */

static void test_env_secret(void **state)
{
	struct ssisdr_config cfg;

	(void)state;
	setenv("SSISDR_TEST_SQL_PASSWORD", "pw-from-env", 1);
	load_edit_ok(19, "sql_password = env:SSISDR_TEST_SQL_PASSWORD", &cfg);
	assert_string_equal(secret_value(&cfg.pairs[0].sites[0].sql_password), "pw-from-env");
	assert_int_equal(cfg.pairs[0].sites[0].sql_password.source, SECRET_ENV);
	config_free(&cfg);
	unsetenv("SSISDR_TEST_CLIENT_SECRET");
	expect_error(0, "",
		     "t.conf:7: [azure] client_secret: environment variable "
		     "SSISDR_TEST_CLIENT_SECRET is not set");
	setenv("SSISDR_TEST_CLIENT_SECRET", "", 1);
	expect_error(0, "",
		     "t.conf:7: [azure] client_secret: environment variable "
		     "SSISDR_TEST_CLIENT_SECRET is empty");
	expect_error(7, "client_secret = env:1BAD",
		     "t.conf:7: [azure] client_secret: expected env:NAME");
}

static void test_file_secret(void **state)
{
	char *dir = temp_dir(), path[512], conf_path[512], line[700], err[1024] = "";
	struct ssisdr_config cfg;
	char *conf;

	(void)state;
	snprintf(path, sizeof(path), "%s/secret", dir);
	write_file(path, "s3cret-line\nsecond line\n", 0600);
	snprintf(line, sizeof(line), "client_secret = file:%s", path);
	load_edit_ok(7, line, &cfg);
	assert_string_equal(secret_value(&cfg.azure.client_secret), "s3cret-line");
	assert_int_equal(secret_length(&cfg.azure.client_secret), 11);
	config_free(&cfg);

	write_file(path, "crlf\r\n", 0600);
	load_edit_ok(7, line, &cfg);
	assert_string_equal(secret_value(&cfg.azure.client_secret), "crlf");
	config_free(&cfg);

	write_file(path, "no newline at all", 0600);
	load_edit_ok(7, line, &cfg);
	assert_string_equal(secret_value(&cfg.azure.client_secret), "no newline at all");
	config_free(&cfg);

	write_file(path, "\nsecond", 0600);
	conf = edit(7, line);
	snprintf(err, sizeof(err), "t.conf:7: [azure] client_secret: the first line of %s is empty",
		 path);
	expect_error_in(conf, err);
	free(conf);

	/* relative to the directory holding the config file */
	write_file(path, "relative-secret\n", 0600);
	conf = edit(7, "client_secret = file:secret");
	snprintf(conf_path, sizeof(conf_path), "%s/ssisdr.conf", dir);
	write_file(conf_path, conf, 0644);
	free(conf);
	assert_int_equal(config_load(conf_path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(secret_value(&cfg.azure.client_secret), "relative-secret");
	config_free(&cfg);

	snprintf(line, sizeof(line), "client_secret = file:%s/missing", dir);
	conf = edit(7, line);
	snprintf(err, sizeof(err), "t.conf:7: [azure] client_secret: cannot open %s/missing: %s",
		 dir, strerror(ENOENT));
	expect_error_in(conf, err);
	free(conf);
	remove_tree(dir);
	free(dir);
}

static void test_inline_secret_mode(void **state)
{
	char *dir = temp_dir(), path[128], err[2048] = "", want[1024];
	struct ssisdr_config cfg;
	char *conf = edit(7, "client_secret = Inl1ne-S3cret");

	(void)state;
	snprintf(path, sizeof(path), "%s/ssisdr.conf", dir);
	write_file(path, conf, 0644);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	assert_null(cfg.pairs);
	snprintf(want, sizeof(want),
		 "%s:7: %s holds an inline client_secret and is readable by others "
		 "(mode 0644); run: chmod 600 %s, or use client_secret = env:NAME or file:PATH",
		 path, path, path);
	assert_string_equal(err, want);
	assert_null(strstr(err, "Inl1ne"));

	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is open to group or others (mode 0620)"));

	assert_int_equal(chmod(path, 0600), 0);
	if (config_load(path, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.azure.client_secret.source, SECRET_INLINE);
	assert_string_equal(secret_value(&cfg.azure.client_secret), "Inl1ne-S3cret");
	config_free(&cfg);
	free(conf);

	/* an inline sql_password counts too; env: secrets need no chmod */
	conf = edit(19, "sql_password = Pa55word");
	write_file(path, conf, 0640);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":19: "));
	assert_non_null(strstr(err, "holds an inline sql_password in [site prod/eastus] and is "
				    "readable by others (mode 0640)"));
	assert_null(strstr(err, "Pa55word"));
	free(conf);
	write_file(path, base_conf, 0644);
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	config_free(&cfg);
	remove_tree(dir);
	free(dir);
}

static void test_secret_module(void **state)
{
	struct secret s;
	char buf[64], err[256];

	(void)state;
	assert_int_equal(secret_parse(&s, "hunter2", err, sizeof(err)), 0);
	assert_true(secret_is_set(&s));
	secret_describe(&s, buf, sizeof(buf));
	assert_string_equal(buf, "inline");
	secret_clear(&s);
	assert_false(secret_is_set(&s));
	assert_string_equal(secret_value(&s), "");
	for (size_t i = 0; i < sizeof(s.value); i++)
		assert_int_equal(s.value[i], 0);

	assert_int_equal(secret_parse(&s, "env:SOME_VAR", err, sizeof(err)), 0);
	assert_false(secret_is_set(&s));
	secret_describe(&s, buf, sizeof(buf));
	assert_string_equal(buf, "env:SOME_VAR");
	assert_int_equal(secret_parse(&s, "file:", err, sizeof(err)), -1);
	setenv("SSISDR_TEST_LONG", "", 1);
	assert_int_equal(secret_from_env(&s, "SSISDR_TEST_LONG", err, sizeof(err)), -1);
	assert_string_equal(err, "environment variable SSISDR_TEST_LONG is empty");
	{
		char long_value[SECRET_MAX + 2];

		memset(long_value, 'x', sizeof(long_value) - 1);
		long_value[sizeof(long_value) - 1] = '\0';
		assert_int_equal(secret_parse(&s, long_value, err, sizeof(err)), -1);
		assert_null(strstr(err, "xxx"));
	}
	secret_clear(&s);
}

/* ---- endpoints and clouds ------------------------------------------------------------- */

static void test_sovereign_clouds(void **state)
{
	struct ssisdr_config cfg;

	(void)state;
	load_edit_ok(4, "[azure]\ncloud = AzureChinaCloud", &cfg);
	assert_int_equal(cfg.azure.cloud, CONFIG_CLOUD_CHINA);
	assert_string_equal(cfg.azure.arm_endpoint, "https://management.chinacloudapi.cn");
	assert_string_equal(cfg.azure.authority, "https://login.chinacloudapi.cn");
	assert_string_equal(cfg.azure.scope, "https://management.chinacloudapi.cn/.default");
	config_free(&cfg);
	load_edit_ok(4, "[azure]\ncloud = azureusgovernment", &cfg);
	assert_int_equal(cfg.azure.cloud, CONFIG_CLOUD_US_GOVERNMENT);
	assert_string_equal(cfg.azure.arm_endpoint, "https://management.usgovcloudapi.net");
	assert_string_equal(cfg.azure.authority, "https://login.microsoftonline.us");
	assert_string_equal(cfg.azure.scope, "https://management.usgovcloudapi.net/.default");
	config_free(&cfg);
}

static void test_endpoint_overrides(void **state)
{
	struct ssisdr_config cfg;

	(void)state;
	/* same host: the cloud's scope stays */
	load_edit_ok(
		8,
		"cloud = AzureUSGovernment\narm_endpoint = HTTPS://Management.UsGovCloudApi.net/",
		&cfg);
	assert_string_equal(cfg.azure.arm_endpoint, "HTTPS://Management.UsGovCloudApi.net");
	assert_string_equal(cfg.azure.scope, "https://management.usgovcloudapi.net/.default");
	assert_string_equal(cfg.azure.authority, "https://login.microsoftonline.us");
	config_free(&cfg);
	/* another host: the scope follows the endpoint */
	load_edit_ok(
		8, "arm_endpoint = http://127.0.0.1:8443/\nauthority = http://127.0.0.1:8443/auth",
		&cfg);
	assert_string_equal(cfg.azure.arm_endpoint, "http://127.0.0.1:8443");
	assert_string_equal(cfg.azure.scope, "http://127.0.0.1:8443/.default");
	assert_string_equal(cfg.azure.authority, "http://127.0.0.1:8443/auth");
	config_free(&cfg);
	load_edit_ok(8, "arm_endpoint = http://[::1]:9000", &cfg);
	assert_string_equal(cfg.azure.scope, "http://[::1]:9000/.default");
	config_free(&cfg);
	load_edit_ok(8, "arm_endpoint = http://localhost:9000\nauthority = http://127.8.9.10",
		     &cfg);
	config_free(&cfg);
}

static void test_plain_http_refused(void **state)
{
	(void)state;
	expect_error(
		8, "arm_endpoint = http://management.azure.com",
		"t.conf:8: [azure] arm_endpoint: expected an https:// URL, got "
		"\"http://management.azure.com\" (plain http:// is accepted only for a loopback "
		"host: 127.0.0.0/8, ::1 or localhost)");
	expect_error(8, "authority = http://127.0.0.1.example.com",
		     "t.conf:8: [azure] authority: "
		     "expected an https:// URL");
	expect_error(8, "arm_endpoint = http://128.0.0.1", "(plain http:// is accepted only");
	expect_error(8, "arm_endpoint = http://[::2]:80", "(plain http:// is accepted only");
	expect_error(8, "arm_endpoint = ftp://127.0.0.1",
		     "t.conf:8: [azure] arm_endpoint: expected an "
		     "https:// URL, got \"ftp://127.0.0.1\"");
	expect_error(8, "arm_endpoint = https://user:pw@example.com",
		     "[azure] arm_endpoint: expected");
}

/* ---- the reader ---------------------------------------------------------------------- */

static void test_comments_bom_and_long_lines(void **state)
{
	struct ssisdr_config cfg;
	char *conf, *with_bom, longv[700];

	(void)state;
	/* inline comments (" ;") are dropped; ';' inside a value is kept */
	load_edit_ok(18, "ssisdb_odbc = Driver=x;Server=y ; a comment", &cfg);
	assert_string_equal(cfg.pairs[0].sites[0].ssisdb_odbc, "Driver=x;Server=y");
	config_free(&cfg);

	snprintf(longv, sizeof(longv), "ssisdb_odbc = Driver=x;%0500d ; comment", 7);
	load_edit_ok(18, longv, &cfg);
	assert_int_equal(strlen(cfg.pairs[0].sites[0].ssisdb_odbc), strlen("Driver=x;") + 500);
	config_free(&cfg);

	snprintf(longv, sizeof(longv), "# %0400d", 1);
	load_edit_ok(3, longv, &cfg);
	config_free(&cfg);

	conf = edit(0, "");
	with_bom = malloc(strlen(conf) + 4);
	assert_non_null(with_bom);
	sprintf(with_bom, "\xEF\xBB\xBF%s", conf);
	load_ok(with_bom, &cfg);
	assert_int_equal(cfg.console.refresh, 10);
	config_free(&cfg);
	free(with_bom);
	free(conf);
}

static void test_parse_duration(void **state)
{
	long s = -1;

	(void)state;
	assert_int_equal(config_parse_duration("5m", &s), 0);
	assert_int_equal(s, 300);
	assert_int_equal(config_parse_duration("10", &s), 0);
	assert_int_equal(s, 10);
	assert_int_equal(config_parse_duration("10s", &s), 0);
	assert_int_equal(s, 10);
	assert_int_equal(config_parse_duration("2h", &s), 0);
	assert_int_equal(s, 7200);
	assert_int_equal(config_parse_duration("0", &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(config_parse_duration("", &s), -1);
	assert_int_equal(config_parse_duration("m", &s), -1);
	assert_int_equal(config_parse_duration("-5s", &s), -1);
	assert_int_equal(config_parse_duration("1.5m", &s), -1);
	assert_int_equal(config_parse_duration("5 m", &s), -1);
	assert_int_equal(config_parse_duration("5ms", &s), -1);
	assert_int_equal(config_parse_duration("5d", &s), -1);
	assert_int_equal(config_parse_duration("99999999999999999999h", &s), -1);
}

/* ---- finding the file ------------------------------------------------------------------ */

static void test_search_order(void **state)
{
	char *dir = temp_dir(), xdg[512], xdg_conf[600], env_conf[512], cli[512], out[1024],
	     err[2048];

	(void)state;
	snprintf(xdg, sizeof(xdg), "%s/xdg", dir);
	snprintf(xdg_conf, sizeof(xdg_conf), "%s/ssisdr", xdg);
	assert_int_equal(mkdir(xdg, 0700), 0);
	assert_int_equal(mkdir(xdg_conf, 0700), 0);
	strcat(xdg_conf, "/ssisdr.conf");
	write_file(xdg_conf, "", 0600);
	snprintf(env_conf, sizeof(env_conf), "%s/env.conf", dir);
	write_file(env_conf, "", 0600);
	snprintf(cli, sizeof(cli), "%s/cli.conf", dir);
	write_file(cli, "", 0600);

	setenv("XDG_CONFIG_HOME", xdg, 1);
	setenv("HOME", "/nonexistent", 1);
	assert_int_equal(config_find(NULL, out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, xdg_conf);
	setenv("SSISDR_CONFIG", env_conf, 1);
	assert_int_equal(config_find(NULL, out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, env_conf);
	assert_int_equal(config_find(cli, out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, cli);

	/* a named file must exist: no silent fall-back to another */
	strcat(cli, ".missing");
	assert_int_equal(config_find(cli, out, sizeof(out), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "(from --config)"));
	assert_non_null(strstr(err, cli));
	setenv("SSISDR_CONFIG", cli, 1);
	assert_int_equal(config_find(NULL, out, sizeof(out), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "(from SSISDR_CONFIG)"));
	unsetenv("SSISDR_CONFIG");

	remove_tree(dir);
	free(dir);
}

static void test_search_home_and_none(void **state)
{
	char *dir = temp_dir(), path[600], out[1024], err[2048];

	(void)state;
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", dir, 1);
	snprintf(path, sizeof(path), "%s/.config", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	strcat(path, "/ssisdr");
	assert_int_equal(mkdir(path, 0700), 0);
	strcat(path, "/ssisdr.conf");
	write_file(path, "", 0600);
	assert_int_equal(config_find("", out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, path);

	unlink(path);
	if (access(CONFIG_SYSTEM_PATH, F_OK) == 0) {
		assert_int_equal(config_find(NULL, out, sizeof(out), err, sizeof(err)), 0);
		assert_string_equal(out, CONFIG_SYSTEM_PATH);
	} else {
		assert_int_equal(config_find(NULL, out, sizeof(out), err, sizeof(err)), -1);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, CONFIG_SYSTEM_PATH));
		assert_non_null(strstr(err, "--config FILE and SSISDR_CONFIG were not given"));
	}
	remove_tree(dir);
	free(dir);
}

/* ---- the shipped example ---------------------------------------------------------------- */

static void test_shipped_example_loads(void **state)
{
	struct ssisdr_config cfg;
	char err[1024] = "";

	(void)state;
	setenv("AZURE_CLIENT_SECRET", "example-secret", 1);
	setenv("SSISDR_SQL_PASSWORD", "example-password", 1);
	if (config_load(TEST_SRCDIR "/../assets/ssisdr.conf.example", &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.npairs, 2);
	assert_int_equal(cfg.pairs[0].sites[0].kind, CONFIG_KIND_SQLDB);
	assert_int_equal(cfg.pairs[1].sites[0].kind, CONFIG_KIND_MI);
	config_free(&cfg);
	unsetenv("SSISDR_SQL_PASSWORD");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_valid_file, reset_env),
		cmocka_unit_test_setup(test_crlf_line_ends, reset_env),
		cmocka_unit_test_setup(test_defaults_and_env_fallbacks, reset_env),
		cmocka_unit_test_setup(test_env_fallback_missing, reset_env),
		cmocka_unit_test_setup(test_other_auth_modes, reset_env),
		cmocka_unit_test_setup(test_error_bad_values, reset_env),
		cmocka_unit_test_setup(test_error_resource_ids, reset_env),
		cmocka_unit_test_setup(test_error_structure, reset_env),
		cmocka_unit_test_setup(test_error_missing_keys, reset_env),
		cmocka_unit_test_setup(test_error_mi_site_missing_region, reset_env),
		cmocka_unit_test_setup(test_error_pairs_and_sites, reset_env),
		cmocka_unit_test_setup(test_error_sites_disagree, reset_env),
		cmocka_unit_test_setup(test_error_kind_disagree, reset_env),
		cmocka_unit_test_setup(test_same_factory_ir_refused, reset_env),
		cmocka_unit_test_setup(test_odbc_password_refused_quietly, reset_env),
		cmocka_unit_test_setup(test_env_secret, reset_env),
		cmocka_unit_test_setup(test_file_secret, reset_env),
		cmocka_unit_test_setup(test_inline_secret_mode, reset_env),
		cmocka_unit_test_setup(test_secret_module, reset_env),
		cmocka_unit_test_setup(test_sovereign_clouds, reset_env),
		cmocka_unit_test_setup(test_endpoint_overrides, reset_env),
		cmocka_unit_test_setup(test_plain_http_refused, reset_env),
		cmocka_unit_test_setup(test_comments_bom_and_long_lines, reset_env),
		cmocka_unit_test_setup(test_parse_duration, reset_env),
		cmocka_unit_test_setup(test_search_order, reset_env),
		cmocka_unit_test_setup(test_search_home_and_none, reset_env),
		cmocka_unit_test_setup(test_shipped_example_loads, reset_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
