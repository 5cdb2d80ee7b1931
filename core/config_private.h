/* What the parts of the configuration loader share; not for the rest of
 * the program, which uses core/config.h.
 *   config.c        the line reader, section headers, key dispatch, secrets,
 *                   loading and the public lookups
 *   config_keys.c   the keys of each section and how a value is stored
 *   config_check.c  validation of values and of the whole config
 *   config_find.c   which file to load */
#ifndef CORE_CONFIG_PRIVATE_H
#define CORE_CONFIG_PRIVATE_H

#include "core/config.h"

#include "core/util.h"

#include <stdbool.h>
#include <stddef.h>

#define MAX_SECTION_KEYS 12

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum section_kind { SEC_NONE, SEC_CONSOLE, SEC_AZURE, SEC_PAIR, SEC_SITE };

enum { K_REFRESH, K_READ_ONLY, K_AUDIT_LOG, K_C_RTO, K_C_RPO, K_REQUEST_TIMEOUT };
enum {
	K_CLOUD,
	K_ARM_ENDPOINT,
	K_AUTHORITY,
	K_AUTH,
	K_TENANT_ID,
	K_CLIENT_ID,
	K_CLIENT_SECRET,
	K_AZURE_NKEYS
};
enum { K_TRIGGERS, K_P_RTO, K_P_RPO };
enum {
	K_KIND,
	K_FACTORY,
	K_IR,
	K_SQL_SERVER,
	K_MANAGED_INSTANCE,
	K_REGION,
	K_FOG,
	K_SSISDB_ODBC,
	K_MSDB_ODBC,
	K_SQL_PASSWORD,
	K_SITE_NKEYS
};

struct section_state {
	int line;			/* header line; 0: not declared */
	int key_line[MAX_SECTION_KEYS]; /* 0: key not set */
};

enum value_type {
	V_DURATION,
	V_BOOL,
	V_TEXT,
	V_URL,
	V_ODBC,
	V_SECRET,
	V_ARM_ID,
	V_CHOICE,
	V_TRIGGERS
};

struct key_spec {
	const char *name;
	const char *expect; /* what a good value looks like */
	enum value_type type;
	size_t offset, size;	  /* of the field in the section's struct */
	long min, max;		  /* V_DURATION */
	bool (*ok)(const char *); /* V_TEXT */
	const char *arm_type;	  /* V_ARM_ID: "Namespace/type" */
	const char *const *words; /* V_CHOICE: the enum's names, NULL-terminated */
};

struct parse {
	struct ssisdr_config *cfg;
	const char *name; /* file name in messages */
	char *err;
	size_t errlen;
	bool failed;

	const char *text; /* rest of the input */
	char *line;	  /* the current line, NUL-terminated */
	int lineno;
	const char *long_value;

	enum section_kind kind;
	char label[160]; /* "site prod/eastus" */
	struct section_state *state;
	size_t pair_index, site_index;
	const struct key_spec *spec;

	size_t pairs_cap;
	struct section_state console, azure;
	struct section_state pair_state[CONFIG_MAX_PAIRS];
	struct section_state site_state[CONFIG_MAX_PAIRS][CONFIG_SITES_PER_PAIR];
};

struct cloud {
	const char *name, *arm_endpoint, *authority, *scope;
};

static inline struct config_console *console(struct parse *p)
{
	return &p->cfg->console;
}

static inline struct config_azure *azure(struct parse *p)
{
	return &p->cfg->azure;
}

static inline struct config_pair *cur_pair(struct parse *p)
{
	return &p->cfg->pairs[p->pair_index];
}

static inline struct config_site *cur_site(struct parse *p)
{
	return &cur_pair(p)->sites[p->site_index];
}

/* ---- config.c ---- */

/* Records the first error only: "FILE:LINE: [SECTION] KEY: message". */
int config_report(struct parse *p, int line, const char *section, const char *key, const char *fmt,
		  ...) SSISDR_PRINTF(5, 6);
/* "expected <the key's expect>, got VALUE (WHY)" for the key being set. */
int config_bad_why(struct parse *p, const char *value, const char *why);
int config_bad(struct parse *p, const char *value);

/* ---- config_keys.c ---- */

extern const struct cloud config_clouds[]; /* indexed by enum config_cloud */
extern const struct key_spec config_azure_keys[K_AZURE_NKEYS];
extern const struct key_spec config_site_keys[K_SITE_NKEYS];

const struct key_spec *config_keys_of(enum section_kind kind, size_t *n);
/* Checks V against p->spec and stores it in the current section. */
int config_set_value(struct parse *p, const char *v);

/* ---- config_check.c ---- */

bool config_is_section_name(const char *s);
bool config_is_resource_name(const char *s);
bool config_is_guid(const char *s);
bool config_is_tenant(const char *s);
bool config_is_path(const char *s);
bool config_is_region(const char *s);
int config_parse_bool(const char *v, bool *out);
int config_parse_arm_id(const char *v, const char *type, struct config_arm_id *out, char *why,
			size_t whylen);
bool config_is_loopback(const char *host);
int config_url_host(const char *url, char *host, size_t hostlen);
bool config_odbc_has_password(const char *s);

const char *config_site_label(const struct config_pair *pair, const struct config_site *site,
			      char *buf, size_t len);
/* After parsing: defaults that depend on other keys, the environment
 * fallbacks, and the checks of each pair and its two sites. */
int config_validate(struct parse *p);

#endif
