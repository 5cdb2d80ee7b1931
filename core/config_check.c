/* Validation of values: names, GUIDs, tenants, ARM resource IDs, durations,
 * booleans, paths, regions, a URL's host and whether it is loopback, an
 * ODBC string holding a password (config_keys.c stores the values). Then
 * the checks of the whole config once every line is read (config_validate):
 * endpoints and defaults that depend on other keys, the environment
 * fallbacks, each site's keys and the agreement of a pair's two sites. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* POSIX: strtok_r, strcasecmp, inet_pton */
#endif

#include "core/config.h"
#include "core/config_private.h"

#include "core/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- small validators -------------------------------------------------- */

static bool all_chars(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

bool config_is_section_name(const char *s)
{
	return all_chars(s, CONFIG_NAME_MAX - 1, "._-");
}

/* Data factory, IR, server, instance and failover group names. */
bool config_is_resource_name(const char *s)
{
	return all_chars(s, CONFIG_NAME_MAX - 1, "-") && s[0] != '-' && s[strlen(s) - 1] != '-';
}

bool config_is_guid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static bool is_resource_group(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 90 || s[n - 1] == '.')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_-.()", *s) &&
		    !((unsigned char)*s & 0x80))
			return false;
	return true;
}

bool config_is_tenant(const char *s)
{
	return config_is_guid(s) || (all_chars(s, 127, ".-") && strchr(s, '.'));
}

/* WHY gets the reason when the ID is not /subscriptions/../providers/TYPE/name. */
int config_parse_arm_id(const char *v, const char *type, struct config_arm_id *out, char *why,
			size_t whylen)
{
	char buf[CONFIG_ID_MAX], got[CONFIG_ID_MAX], *seg[9], *save = NULL;
	size_t n = 0;

	if (strlen(v) >= sizeof(buf))
		return errf(why, whylen, "longer than %zu characters", sizeof(buf) - 1);
	if (v[0] != '/' || strstr(v, "//") || v[strlen(v) - 1] == '/')
		return errf(why, whylen, "it must start with / and have no empty part");
	str_copy(buf, v, sizeof(buf));
	for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save))
		if (n < 9)
			seg[n++] = t;
	if (n != 8 || strcasecmp(seg[0], "subscriptions") || strcasecmp(seg[2], "resourceGroups") ||
	    strcasecmp(seg[4], "providers"))
		return errf(why, whylen,
			    "not of the form /subscriptions/../resourceGroups/../providers/%s/..",
			    type);
	if (!config_is_guid(seg[1]))
		return errf(why, whylen, "the subscription \"%s\" is not a GUID", seg[1]);
	if (!is_resource_group(seg[3]))
		return errf(why, whylen, "\"%s\" is not a resource group name", seg[3]);
	snprintf(got, sizeof(got), "%s/%s", seg[5], seg[6]);
	if (strcasecmp(got, type))
		return errf(why, whylen, "the provider type is %s", got);
	if (!config_is_resource_name(seg[7]))
		return errf(why, whylen, "\"%s\" is not 1-63 letters, digits and hyphens", seg[7]);
	str_copy(out->id, v, sizeof(out->id));
	str_copy(out->sub, seg[1], sizeof(out->sub));
	str_copy(out->rg, seg[3], sizeof(out->rg));
	str_copy(out->name, seg[7], sizeof(out->name));
	return 0;
}

bool config_is_loopback(const char *host)
{
	unsigned char a[16];

	if (!strcasecmp(host, "localhost"))
		return true;
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, host, a) == 1)
		return memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
	return false;
}

/* Host of scheme://host[:port][/path]; -1 when it is not such a URL. */
int config_url_host(const char *url, char *host, size_t hostlen)
{
	const char *h = strstr(url, "://"), *end;

	if (!h)
		return -1;
	h += 3;
	end = h + strcspn(h, "/");
	if (memchr(h, '@', (size_t)(end - h)))
		return -1;
	if (*h == '[') {
		const char *close = memchr(h, ']', (size_t)(end - h));
		if (!close)
			return -1;
		h++;
		end = close;
	} else {
		const char *colon = memchr(h, ':', (size_t)(end - h));
		if (colon)
			end = colon;
	}
	if (end == h || (size_t)(end - h) >= hostlen)
		return -1;
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	return 0;
}

/* ODBC attributes are KEY=VALUE;... with {braced} values that may hold ';'. */
bool config_odbc_has_password(const char *s)
{
	while (*s) {
		const char *key = s, *end;
		size_t klen;

		while (*s && *s != '=' && *s != ';')
			s++;
		end = s;
		while (key < end && isspace((unsigned char)*key))
			key++;
		while (end > key && isspace((unsigned char)end[-1]))
			end--;
		klen = (size_t)(end - key);
		if ((klen == 3 && !strncasecmp(key, "PWD", 3)) ||
		    (klen == 8 && !strncasecmp(key, "Password", 8)))
			return true;
		if (*s == '=') {
			s++;
			while (isspace((unsigned char)*s))
				s++;
			if (*s == '{')
				for (s++; *s && !(*s == '}' && s[1] != '}'); s++)
					if (*s == '}')
						s++;
			s += strcspn(s, ";");
		}
		if (*s == ';')
			s++;
	}
	return false;
}

/* ---- durations and other values ---------------------------------------------- */

int config_parse_duration(const char *text, long *seconds)
{
	long v = 0, unit;

	if (!isdigit((unsigned char)*text))
		return -1;
	for (; isdigit((unsigned char)*text); text++) {
		if (v > (LONG_MAX / 3600 - 9) / 10)
			return -1;
		v = v * 10 + (*text - '0');
	}
	if (!strcmp(text, "") || !strcmp(text, "s"))
		unit = 1;
	else if (!strcmp(text, "m"))
		unit = 60;
	else if (!strcmp(text, "h"))
		unit = 3600;
	else
		return -1;
	*seconds = v * unit;
	return 0;
}

int config_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]) || !strcasecmp(v, no[i])) {
			*out = !strcasecmp(v, yes[i]);
			return 0;
		}
	}
	return -1;
}

bool config_is_path(const char *s)
{
	return s[0] == '/';
}

bool config_is_region(const char *s)
{
	return all_chars(s, CONFIG_NAME_MAX - 1, "");
}

/* ---- checks after parsing -------------------------------------------------- */

const char *config_site_label(const struct config_pair *pair, const struct config_site *site,
			      char *buf, size_t len)
{
	snprintf(buf, len, "site %s/%s", pair->name, site->name);
	return buf;
}

static int missing(struct parse *p, int line, const char *section, const struct key_spec *k)
{
	return config_report(p, line, section, k->name, "missing; expected %s", k->expect);
}

static void resolve_endpoints(struct parse *p)
{
	struct config_azure *az = azure(p);
	const struct cloud *c = &config_clouds[az->cloud];
	char host[CONFIG_URL_MAX], cloud_host[CONFIG_URL_MAX];

	if (!p->azure.key_line[K_AUTHORITY])
		str_copy(az->authority, c->authority, sizeof(az->authority));
	str_copy(az->scope, c->scope, sizeof(az->scope));
	if (!p->azure.key_line[K_ARM_ENDPOINT]) {
		str_copy(az->arm_endpoint, c->arm_endpoint, sizeof(az->arm_endpoint));
		return;
	}
	config_url_host(az->arm_endpoint, host, sizeof(host));
	config_url_host(c->arm_endpoint, cloud_host, sizeof(cloud_host));
	if (strcasecmp(host, cloud_host))
		snprintf(az->scope, sizeof(az->scope), "%s/.default", az->arm_endpoint);
}

static int env_fallback(struct parse *p, int key, const char *var, char *dst, size_t len,
			bool (*ok)(const char *))
{
	const char *v = getenv(var);

	if (p->azure.key_line[key])
		return 0;
	if (!v || !*v)
		return config_report(p, p->azure.line, "azure", config_azure_keys[key].name,
				     "missing; set it in [azure] or in the environment variable %s",
				     var);
	if (!ok(v) || strlen(v) >= len)
		return config_report(p, p->azure.line, "azure", config_azure_keys[key].name,
				     "expected %s in the environment variable %s, got \"%s\"",
				     config_azure_keys[key].expect, var, v);
	str_copy(dst, v, len);
	return 0;
}

static int check_auth(struct parse *p)
{
	enum config_auth auth = azure(p)->auth;
	const int *kl = p->azure.key_line;
	const char *unused = NULL;
	int line = 0;

	if (auth == CONFIG_AUTH_CLIENT_SECRET) {
		if (env_fallback(p, K_TENANT_ID, "AZURE_TENANT_ID", azure(p)->tenant_id,
				 sizeof(azure(p)->tenant_id), config_is_tenant) < 0)
			return -1;
		return env_fallback(p, K_CLIENT_ID, "AZURE_CLIENT_ID", azure(p)->client_id,
				    sizeof(azure(p)->client_id), config_is_guid);
	}
	if (kl[K_CLIENT_SECRET])
		unused = "client_secret", line = kl[K_CLIENT_SECRET];
	else if (auth == CONFIG_AUTH_MANAGED_IDENTITY && kl[K_TENANT_ID])
		unused = "tenant_id", line = kl[K_TENANT_ID];
	else if (auth == CONFIG_AUTH_AZURE_CLI && kl[K_CLIENT_ID])
		unused = "client_id", line = kl[K_CLIENT_ID];
	if (unused)
		return config_report(p, line, "azure", unused, "not used with auth = %s; remove it",
				     config_auth_name(auth));
	return 0;
}

static int default_audit_log(struct parse *p)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dst = console(p)->audit_log;

	if (p->console.key_line[K_AUDIT_LOG])
		return 0;
	if (state && state[0] == '/')
		snprintf(dst, CONFIG_PATH_MAX, "%s/ssisdr/audit.jsonl", state);
	else if (home && home[0] == '/')
		snprintf(dst, CONFIG_PATH_MAX, "%s/.local/state/ssisdr/audit.jsonl", home);
	else
		return config_report(
			p, p->console.line, "console", "audit_log",
			"missing, and neither XDG_STATE_HOME nor HOME holds an absolute path "
			"for the default");
	return 0;
}

static bool site_key_required(int key, bool mi)
{
	switch (key) {
	case K_KIND:
	case K_FACTORY:
	case K_IR:
	case K_FOG:
	case K_SSISDB_ODBC:
		return true;
	case K_SQL_SERVER:
		return !mi;
	case K_MANAGED_INSTANCE:
	case K_REGION:
	case K_MSDB_ODBC:
		return mi;
	}
	return false;
}

static int check_site(struct parse *p, const struct config_pair *pair,
		      const struct config_site *site, const int *kl)
{
	bool mi = site->kind == CONFIG_KIND_MI;
	char label[160];
	int wrong = mi ? K_SQL_SERVER : K_MANAGED_INSTANCE;

	config_site_label(pair, site, label, sizeof(label));
	if (!kl[K_KIND])
		return missing(p, site->line, label, &config_site_keys[K_KIND]);
	if (kl[wrong])
		return config_report(p, kl[wrong], label, config_site_keys[wrong].name,
				     "kind is %s; %s", config_kind_name(site->kind),
				     mi ? "a managed-instance site takes managed_instance"
					: "a SQL Database site takes sql_server");
	if (!mi && kl[K_MSDB_ODBC])
		return config_report(p, kl[K_MSDB_ODBC], label, "msdb_odbc",
				     "only a managed-instance site (kind = mi) has one");
	for (int k = 0; k < (int)COUNT(config_site_keys); k++)
		if (site_key_required(k, mi) && !kl[k])
			return missing(p, site->line, label, &config_site_keys[k]);
	return 0;
}

/* The second site must agree with the first on kind and failover group and
 * must not name the first one's SQL resource or integration runtime. */
static int check_sites_agree(struct parse *p, const struct config_pair *pair, size_t pi)
{
	const struct config_site *a = &pair->sites[0], *b = &pair->sites[1];
	const int *ka = p->site_state[pi][0].key_line, *kb = p->site_state[pi][1].key_line;
	int sql_key = b->kind == CONFIG_KIND_MI ? K_MANAGED_INSTANCE : K_SQL_SERVER;
	char la[160], lb[160];

	config_site_label(pair, a, la, sizeof(la));
	config_site_label(pair, b, lb, sizeof(lb));
	if (a->kind != b->kind)
		return config_report(p, kb[K_KIND], lb, "kind",
				     "expected \"%s\" as in [%s] (line %d), got \"%s\"",
				     config_kind_name(a->kind), la, ka[K_KIND],
				     config_kind_name(b->kind));
	if (strcmp(a->failover_group, b->failover_group))
		return config_report(p, kb[K_FOG], lb, "failover_group",
				     "expected \"%s\" as in [%s] (line %d), got \"%s\"",
				     a->failover_group, la, ka[K_FOG], b->failover_group);
	if (!strcasecmp(a->sql.id, b->sql.id))
		return config_report(p, kb[sql_key], lb, config_site_keys[sql_key].name,
				     "the same resource as [%s]; each site of a pair has its own",
				     la);
	if (!strcasecmp(a->factory.id, b->factory.id) &&
	    !strcasecmp(a->integration_runtime, b->integration_runtime))
		return config_report(
			p, kb[K_IR], lb, "integration_runtime",
			"the same integration runtime as [%s]; each site of a pair has its own",
			la);
	return 0;
}

static int check_pair(struct parse *p, size_t pi)
{
	struct config_pair *pair = &p->cfg->pairs[pi];
	char label[160];

	if (!pair->line)
		return config_report(p, pair->sites[0].line,
				     config_site_label(pair, &pair->sites[0], label, sizeof(label)),
				     NULL,
				     "pair \"%s\" is not declared; expected a [pair %s] section",
				     pair->name, pair->name);
	snprintf(label, sizeof(label), "pair %s", pair->name);
	if (pair->nsites != CONFIG_SITES_PER_PAIR)
		return config_report(p, pair->line, label, NULL,
				     "expected two [site %s/NAME] sections, found %zu", pair->name,
				     pair->nsites);
	for (size_t s = 0; s < CONFIG_SITES_PER_PAIR; s++)
		if (check_site(p, pair, &pair->sites[s], p->site_state[pi][s].key_line) < 0)
			return -1;
	if (!p->pair_state[pi].key_line[K_P_RTO])
		pair->rto_target = console(p)->rto_target;
	if (!p->pair_state[pi].key_line[K_P_RPO])
		pair->rpo_target = console(p)->rpo_target;
	return check_sites_agree(p, pair, pi);
}

int config_validate(struct parse *p)
{
	resolve_endpoints(p);
	if (check_auth(p) < 0 || default_audit_log(p) < 0)
		return -1;
	if (p->cfg->npairs == 0)
		return config_report(
			p, 0, NULL, NULL,
			"no pair; expected a [pair NAME] section and two [site PAIR/SITE] "
			"sections");
	for (size_t i = 0; i < p->cfg->npairs; i++)
		if (check_pair(p, i) < 0)
			return -1;
	return 0;
}
