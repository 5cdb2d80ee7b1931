/* The keys of each section of ssisdr.conf(5), what a good value of each
 * looks like, and how a value is checked and stored in its field. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* POSIX: strcasecmp, strncasecmp */
#endif

#include "core/config.h"
#include "core/config_private.h"

#include "core/secret.h"
#include "core/util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TRIGGER_NAME_MAX 260

/* Indexed by enum config_cloud. */
const struct cloud config_clouds[] = {
	{ "AzureCloud", "https://management.azure.com", "https://login.microsoftonline.com",
	  "https://management.azure.com/.default" },
	{ "AzureUSGovernment", "https://management.usgovcloudapi.net",
	  "https://login.microsoftonline.us", "https://management.usgovcloudapi.net/.default" },
	{ "AzureChinaCloud", "https://management.chinacloudapi.cn",
	  "https://login.chinacloudapi.cn", "https://management.chinacloudapi.cn/.default" },
};

/* ---- values -------------------------------------------------------------------- */

static int set_endpoint(struct parse *p, const char *v, char *dst)
{
	char host[CONFIG_URL_MAX];
	bool http = !strncasecmp(v, "http://", 7);
	size_t n = strlen(v);

	if (n >= CONFIG_URL_MAX)
		return config_bad_why(p, v, "too long");
	if ((!http && strncasecmp(v, "https://", 8)) || strpbrk(v, " \t?#") ||
	    config_url_host(v, host, sizeof(host)) < 0)
		return config_bad(p, v);
	if (http && !config_is_loopback(host))
		return config_bad_why(p, v,
				      "plain http:// is accepted only for a loopback host: "
				      "127.0.0.0/8, ::1 or localhost");
	while (n > 0 && v[n - 1] == '/')
		n--;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int set_duration(struct parse *p, const char *v, long *dst)
{
	long s;

	if (config_parse_duration(v, &s) < 0 || s < p->spec->min || s > p->spec->max)
		return config_bad(p, v);
	*dst = s;
	return 0;
}

static int set_text(struct parse *p, const char *v, char *dst)
{
	if (strlen(v) >= p->spec->size || !p->spec->ok(v))
		return config_bad(p, v);
	str_copy(dst, v, p->spec->size);
	return 0;
}

static int set_odbc(struct parse *p, const char *v, char *dst)
{
	if (strlen(v) >= p->spec->size || !strchr(v, '='))
		return config_bad(p, v);
	if (config_odbc_has_password(v))
		return config_report(p, p->lineno, p->label, p->spec->name,
				     "the connection string holds a password (PWD); "
				     "put it in sql_password = env:NAME, file:PATH or the value");
	str_copy(dst, v, p->spec->size);
	return 0;
}

static int set_secret(struct parse *p, const char *v, struct secret *s)
{
	char why[256];

	if (secret_parse(s, v, why, sizeof(why)) < 0)
		return config_report(p, p->lineno, p->label, p->spec->name, "%s", why);
	return 0;
}

static int set_arm_id(struct parse *p, const char *v, struct config_arm_id *dst)
{
	char why[256];

	if (config_parse_arm_id(v, p->spec->arm_type, dst, why, sizeof(why)) < 0)
		return config_bad_why(p, v, why);
	return 0;
}

/* Stores the index of V among the spec's words (case-insensitive) in an
 * enum field. */
_Static_assert(sizeof(enum config_kind) == sizeof(int) && sizeof(enum config_auth) == sizeof(int) &&
		       sizeof(enum config_cloud) == sizeof(int),
	       "V_CHOICE fields are int-sized");
static int set_choice(struct parse *p, const char *v, int *dst)
{
	for (int i = 0; p->spec->words[i]; i++) {
		if (!strcasecmp(v, p->spec->words[i])) {
			*dst = i;
			return 0;
		}
	}
	return config_bad(p, v);
}

static char *section_base(struct parse *p)
{
	switch (p->kind) {
	case SEC_CONSOLE:
		return (char *)console(p);
	case SEC_AZURE:
		return (char *)azure(p);
	case SEC_PAIR:
		return (char *)cur_pair(p);
	case SEC_SITE:
		return (char *)cur_site(p);
	case SEC_NONE:
		break;
	}
	return NULL;
}

/* ---- triggers ------------------------------------------------------------------ */

static const char *check_trigger_name(const char *name, char **names, size_t n)
{
	if (!*name)
		return "an empty name";
	if (strlen(name) > TRIGGER_NAME_MAX || strpbrk(name, ".+?/<>*%&:\\"))
		return "a trigger name has at most 260 characters and none of . + ? / < > * % & : "
		       "\\";
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(names[i], name))
			return "a name is listed twice";
	return NULL;
}

/* One allocation: the pointer array, then the names it points to. */
static int set_trigger_list(struct parse *p, const char *v, struct config_pair *pair)
{
	size_t n = 1, len = strlen(v) + 1, count = 0;
	char **names, *tok, *comma;
	const char *why = NULL;

	for (const char *c = v; *c; c++)
		n += *c == ',';
	names = malloc(n * sizeof(*names) + len);
	if (!names)
		return config_report(p, p->lineno, p->label, p->spec->name, "out of memory");
	tok = memcpy(names + n, v, len);
	do {
		comma = strchr(tok, ',');
		if (comma)
			*comma = '\0';
		tok = str_trim(tok);
		why = check_trigger_name(tok, names, count);
		names[count++] = tok;
		if (comma)
			tok = comma + 1;
	} while (comma && !why);
	if (why) {
		free(names);
		return config_bad_why(p, v, why);
	}
	pair->triggers = CONFIG_TRIGGERS_LIST;
	pair->trigger_names = names;
	pair->ntrigger_names = count;
	return 0;
}

static int set_triggers(struct parse *p, const char *v, struct config_pair *pair)
{
	if (!strcasecmp(v, "ssis"))
		pair->triggers = CONFIG_TRIGGERS_SSIS;
	else if (!strcasecmp(v, "all"))
		pair->triggers = CONFIG_TRIGGERS_ALL;
	else
		return set_trigger_list(p, v, pair);
	return 0;
}

/* ---- the keys -------------------------------------------------------------------- */

int config_set_value(struct parse *p, const char *v)
{
	char *field = section_base(p) + p->spec->offset;

	switch (p->spec->type) {
	case V_DURATION:
		return set_duration(p, v, (long *)(void *)field);
	case V_BOOL:
		return config_parse_bool(v, (bool *)field) < 0 ? config_bad(p, v) : 0;
	case V_TEXT:
		return set_text(p, v, field);
	case V_URL:
		return set_endpoint(p, v, field);
	case V_ODBC:
		return set_odbc(p, v, field);
	case V_SECRET:
		return set_secret(p, v, (struct secret *)(void *)field);
	case V_ARM_ID:
		return set_arm_id(p, v, (struct config_arm_id *)(void *)field);
	case V_CHOICE:
		return set_choice(p, v, (int *)(void *)field);
	case V_TRIGGERS:
		return set_triggers(p, v, cur_pair(p));
	}
	return config_bad(p, v);
}

#define KEY(n, t, e) .name = n, .type = t, .expect = e
#define FIELD(type, member) .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)
#define CONSOLE(m) FIELD(struct config_console, m)
#define AZURE(m) FIELD(struct config_azure, m)
#define PAIR(m) FIELD(struct config_pair, m)
#define SITE(m) FIELD(struct config_site, m)
#define RTO "a duration between 1s and 24h, such as 30m"
#define RPO "a duration between 0s and 24h, such as 5m"
#define ODBC                                                                                       \
	"an ODBC connection string, such as Driver={ODBC Driver 18 for SQL Server};"               \
	"Server=tcp:HOST,1433;Database=SSISDB;Encrypt=yes"
#define ARM_ID(n, t, member)                                                                       \
	KEY(n, V_ARM_ID, "/subscriptions/<GUID>/resourceGroups/<group>/providers/" t "/<name>"),   \
		SITE(member), .arm_type = t

/* V_CHOICE words, indexed by the enum values. */
static const char *const cloud_words[] = { "AzureCloud", "AzureUSGovernment", "AzureChinaCloud",
					   NULL };
static const char *const auth_words[] = { "client-secret", "managed-identity", "azure-cli", NULL };
static const char *const kind_words[] = { "", "sqldb", "mi", NULL };

static const struct key_spec console_keys[] = {
	[K_REFRESH] = { KEY("refresh", V_DURATION,
			    "a duration between 2s and 1h, such as 10s, 5m or 1h"),
			CONSOLE(refresh), .min = 2, .max = 3600 },
	[K_READ_ONLY] = { KEY("read_only", V_BOOL, "true, false, yes, no, on, off, 1 or 0"),
			  CONSOLE(read_only) },
	[K_AUDIT_LOG] = { KEY("audit_log", V_TEXT, "an absolute path"), CONSOLE(audit_log),
			  .ok = config_is_path },
	[K_C_RTO] = { KEY("rto_target", V_DURATION, RTO), CONSOLE(rto_target), .min = 1,
		      .max = 86400 },
	[K_C_RPO] = { KEY("rpo_target", V_DURATION, RPO), CONSOLE(rpo_target), .min = 0,
		      .max = 86400 },
	[K_REQUEST_TIMEOUT] = { KEY("request_timeout", V_DURATION,
				    "a duration between 1s and 10m, such as 15s"),
				CONSOLE(request_timeout), .min = 1, .max = 600 },
};

const struct key_spec config_azure_keys[K_AZURE_NKEYS] = {
	[K_CLOUD] = { KEY("cloud", V_CHOICE, "AzureCloud, AzureUSGovernment or AzureChinaCloud"),
		      AZURE(cloud), .words = cloud_words },
	[K_ARM_ENDPOINT] = { KEY("arm_endpoint", V_URL, "an https:// URL"), AZURE(arm_endpoint) },
	[K_AUTHORITY] = { KEY("authority", V_URL, "an https:// URL"), AZURE(authority) },
	[K_AUTH] = { KEY("auth", V_CHOICE, "client-secret, managed-identity or azure-cli"),
		     AZURE(auth), .words = auth_words },
	[K_TENANT_ID] = { KEY("tenant_id", V_TEXT, "a tenant GUID or domain name"),
			  AZURE(tenant_id), .ok = config_is_tenant },
	[K_CLIENT_ID] = { KEY("client_id", V_TEXT, "an application (client) GUID"),
			  AZURE(client_id), .ok = config_is_guid },
	[K_CLIENT_SECRET] = { KEY("client_secret", V_SECRET, "env:NAME, file:PATH or the secret"),
			      AZURE(client_secret) },
};

static const struct key_spec pair_keys[] = {
	[K_TRIGGERS] = { KEY("triggers", V_TRIGGERS,
			     "ssis, all, or a comma-separated list of trigger names") },
	[K_P_RTO] = { KEY("rto_target", V_DURATION, RTO), PAIR(rto_target), .min = 1,
		      .max = 86400 },
	[K_P_RPO] = { KEY("rpo_target", V_DURATION, RPO), PAIR(rpo_target), .min = 0,
		      .max = 86400 },
};

const struct key_spec config_site_keys[K_SITE_NKEYS] = {
	[K_KIND] = { KEY("kind", V_CHOICE, "\"sqldb\" or \"mi\""), SITE(kind),
		     .words = kind_words },
	[K_FACTORY] = { ARM_ID("factory", "Microsoft.DataFactory/factories", factory) },
	[K_IR] = { KEY("integration_runtime", V_TEXT,
		       "an integration runtime name: letters, digits and hyphens"),
		   SITE(integration_runtime), .ok = config_is_resource_name },
	[K_SQL_SERVER] = { ARM_ID("sql_server", "Microsoft.Sql/servers", sql) },
	[K_MANAGED_INSTANCE] = { ARM_ID("managed_instance", "Microsoft.Sql/managedInstances",
					sql) },
	[K_REGION] = { KEY("region", V_TEXT, "an ARM location name such as eastus"), SITE(region),
		       .ok = config_is_region },
	[K_FOG] = { KEY("failover_group", V_TEXT,
			"a failover group name: letters, digits and hyphens"),
		    SITE(failover_group), .ok = config_is_resource_name },
	[K_SSISDB_ODBC] = { KEY("ssisdb_odbc", V_ODBC, ODBC), SITE(ssisdb_odbc) },
	[K_MSDB_ODBC] = { KEY("msdb_odbc", V_ODBC, ODBC), SITE(msdb_odbc) },
	[K_SQL_PASSWORD] = { KEY("sql_password", V_SECRET, "env:NAME, file:PATH or the password"),
			     SITE(sql_password) },
};

const struct key_spec *config_keys_of(enum section_kind kind, size_t *n)
{
	switch (kind) {
	case SEC_CONSOLE:
		*n = COUNT(console_keys);
		return console_keys;
	case SEC_AZURE:
		*n = COUNT(config_azure_keys);
		return config_azure_keys;
	case SEC_PAIR:
		*n = COUNT(pair_keys);
		return pair_keys;
	case SEC_SITE:
		*n = COUNT(config_site_keys);
		return config_site_keys;
	case SEC_NONE:
		break;
	}
	*n = 0;
	return NULL;
}

/* ---- names ---------------------------------------------------------------------- */

const char *config_cloud_name(enum config_cloud cloud)
{
	return (size_t)cloud < COUNT(config_clouds) ? config_clouds[cloud].name : "?";
}

const char *config_auth_name(enum config_auth auth)
{
	return (size_t)auth < COUNT(auth_words) - 1 ? auth_words[auth] : "?";
}

const char *config_kind_name(enum config_kind kind)
{
	return kind != CONFIG_KIND_UNSET && (size_t)kind < COUNT(kind_words) - 1 ? kind_words[kind]
										 : "unset";
}
