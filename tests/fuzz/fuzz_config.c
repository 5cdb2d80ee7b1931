/* Fuzz target: the configuration parser and validator,
 * config_load_string() (core/config.h).
 *
 * The input is the file's text (an embedded NUL ends it, as it would for a
 * C string). The secrets the corpus refers to come from environment
 * variables set once in LLVMFuzzerInitialize(), so that a valid file loads
 * the same way everywhere; file: secrets stay whatever the input names
 * (file:/nonexistent and the like fail cleanly). After a success the
 * result is walked and every lookup is tried; after a failure the error
 * must say something. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* setenv */
#endif

#include "tests/fuzz/fuzz.h"

#include "core/config.h"

const char fuzz_target_name[] = "fuzz_config";
const unsigned long fuzz_iterations = 20000;

const char *const fuzz_dict[] = {
	"[console]\n",
	"[azure]\n",
	"[pair p]\n",
	"[site p/a]\n",
	"[site p/b]\n",
	"[site a/b/c]\n",
	"[site /]\n",
	"[pair ]\n",
	"[",
	"]",
	"=",
	" = ",
	" ; ",
	"#",
	"\n",
	"\r\n",
	"refresh = ",
	"read_only = ",
	"audit_log = ",
	"rto_target = ",
	"rpo_target = ",
	"request_timeout = ",
	"cloud = ",
	"arm_endpoint = ",
	"authority = ",
	"auth = ",
	"tenant_id = ",
	"client_id = ",
	"client_secret = ",
	"triggers = ",
	"kind = ",
	"factory = ",
	"integration_runtime = ",
	"sql_server = ",
	"managed_instance = ",
	"region = ",
	"failover_group = ",
	"ssisdb_odbc = ",
	"msdb_odbc = ",
	"sql_password = ",
	"env:",
	"env:FUZZ_SECRET",
	"env:FUZZ_EMPTY",
	"env:FUZZ_UNSET_VARIABLE",
	"env:1BAD",
	"file:",
	"file:/nonexistent",
	"file:/dev/null",
	"file:relative/path",
	"sqldb",
	"mi",
	"all",
	"ssis",
	"a, b, ,c",
	"managed-identity",
	"azure-cli",
	"client-secret",
	"AzureChinaCloud",
	"AzureUSGovernment",
	"0s",
	"1s",
	"2s",
	"1h",
	"-1",
	"9223372036854775807",
	"99999999999999999999s",
	"2562047788015216h",
	"153722867280912931m",
	"/subscriptions/",
	"/resourceGroups/",
	"/providers/Microsoft.Sql/servers/",
	"/providers/Microsoft.Sql/managedInstances/",
	"/providers/Microsoft.DataFactory/factories/",
	"https://",
	"https://management.azure.com/",
	"true",
	"yes",
	"off",
	"PWD=x;",
	"Driver={ODBC Driver 18 for SQL Server};",
	"{",
	"}",
	";",
	NULL,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const vars[][2] = {
		{"AZURE_TENANT_ID", "contoso.onmicrosoft.com"},
		{"AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000000"},
		{"AZURE_CLIENT_SECRET", "fuzz-client-secret"},
		{"SSISDR_TEST_CLIENT_SECRET", "fuzz-client-secret"},
		{"SSISDR_TEST_SQL_PASSWORD", "fuzz-sql-password"},
		{"SSISDR_SQL_PASSWORD", "fuzz-sql-password"},
		{"FUZZ_SECRET", "fuzz-secret"},
		{"FUZZ_EMPTY", ""},
		{"XDG_STATE_HOME", "/nonexistent/state"},
		{"HOME", "/nonexistent/home"},
	};

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		setenv(vars[i][0], vars[i][1], 1);
	unsetenv("FUZZ_UNSET_VARIABLE");
	return 0;
}

static void check_id(const struct config_arm_id *id)
{
	FUZZ_STR(id->id);
	FUZZ_STR(id->sub);
	FUZZ_STR(id->rg);
	FUZZ_STR(id->name);
}

static void check_secret(const struct secret *s)
{
	FUZZ_STR(s->ref);
	if (s->len > SECRET_MAX)
		fuzz_fail("secret longer than SECRET_MAX", NULL);
	if (strlen(secret_value(s)) > secret_length(s))
		fuzz_fail("secret_value longer than secret_length", NULL);
}

static void check_config(const struct ssisdr_config *cfg)
{
	char where[SECRET_REF_MAX + 16];

	FUZZ_STR(cfg->path);
	FUZZ_STR(cfg->console.audit_log);
	FUZZ_STR(cfg->azure.arm_endpoint);
	FUZZ_STR(cfg->azure.authority);
	FUZZ_STR(cfg->azure.scope);
	FUZZ_STR(cfg->azure.tenant_id);
	FUZZ_STR(cfg->azure.client_id);
	check_secret(&cfg->azure.client_secret);
	secret_describe(&cfg->azure.client_secret, where, sizeof where);
	if (!config_cloud_name(cfg->azure.cloud) || !config_auth_name(cfg->azure.auth))
		fuzz_fail("no name for the cloud or the auth method", NULL);
	if (cfg->npairs == 0 || !cfg->pairs || cfg->npairs > CONFIG_MAX_PAIRS)
		fuzz_fail("loaded with a pair count out of range", NULL);
	for (size_t i = 0; i < cfg->npairs; i++) {
		const struct config_pair *pair = &cfg->pairs[i];

		FUZZ_STR(pair->name);
		if (config_pair_by_name(cfg, pair->name) != pair)
			fuzz_fail("config_pair_by_name does not find the pair", pair->name);
		if (pair->nsites != CONFIG_SITES_PER_PAIR)
			fuzz_fail("a loaded pair without two sites", pair->name);
		if (pair->ntrigger_names && !pair->trigger_names)
			fuzz_fail("ntrigger_names without trigger_names", pair->name);
		for (size_t t = 0; t < pair->ntrigger_names; t++) {
			if (!pair->trigger_names[t] || !pair->trigger_names[t][0])
				fuzz_fail("an empty trigger name", pair->name);
		}
		for (size_t s = 0; s < pair->nsites; s++) {
			const struct config_site *site = &pair->sites[s];

			FUZZ_STR(site->name);
			check_id(&site->factory);
			check_id(&site->sql);
			FUZZ_STR(site->integration_runtime);
			FUZZ_STR(site->region);
			FUZZ_STR(site->failover_group);
			FUZZ_STR(site->ssisdb_odbc);
			FUZZ_STR(site->msdb_odbc);
			check_secret(&site->sql_password);
			secret_describe(&site->sql_password, where, sizeof where);
			if (config_site_by_name(pair, site->name) != site)
				fuzz_fail("config_site_by_name does not find the site", site->name);
			if (!config_kind_name(site->kind))
				fuzz_fail("no name for the site kind", site->name);
		}
		if (config_site_by_name(pair, "") != NULL)
			fuzz_fail("config_site_by_name found a site named \"\"", pair->name);
	}
	if (config_pair_by_name(cfg, "") != NULL)
		fuzz_fail("config_pair_by_name found a pair named \"\"", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t errlen = fuzz_errlen(data, size);
	char *text = fuzz_cstr(data, size);
	char *err = errlen ? malloc(errlen) : NULL;
	struct ssisdr_config *cfg = calloc(1, sizeof *cfg);
	int rc;

	if (!cfg || (errlen && !err))
		abort();
	if (err)
		memset(err, 'X', errlen);
	rc = config_load_string(text, "fuzz.conf", cfg, err, errlen);
	if (rc == 0) {
		check_config(cfg);
	} else {
		if (rc != -1)
			fuzz_fail("config_load_string returned neither 0 nor -1", NULL);
		fuzz_check_err(err, errlen);
		if (cfg->pairs != NULL)
			fuzz_fail("failed load left pairs behind", NULL);
	}
	config_free(cfg);
	config_free(cfg); /* documented as safe on a freed config */
	free(cfg);
	free(err);
	free(text);
	return 0;
}
