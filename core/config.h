/* The configuration file (ssisdr.conf(5)): search, parse, validate. */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include "core/secret.h"

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_MAX_PAIRS 64
#define CONFIG_SITES_PER_PAIR 2
#define CONFIG_NAME_MAX 64   /* names: 63 characters and the NUL */
#define CONFIG_ID_MAX 512    /* a full ARM resource ID */
#define CONFIG_URL_MAX 256
#define CONFIG_ODBC_MAX 1024
#define CONFIG_PATH_MAX 4096

#ifndef CONFIG_SYSTEM_PATH
#define CONFIG_SYSTEM_PATH "/etc/ssisdr/ssisdr.conf"
#endif

enum config_cloud {
	CONFIG_CLOUD_AZURE = 0,     /* AzureCloud */
	CONFIG_CLOUD_US_GOVERNMENT, /* AzureUSGovernment */
	CONFIG_CLOUD_CHINA,         /* AzureChinaCloud */
};

enum config_auth {
	CONFIG_AUTH_CLIENT_SECRET = 0,
	CONFIG_AUTH_MANAGED_IDENTITY,
	CONFIG_AUTH_AZURE_CLI,
};

enum config_kind {
	CONFIG_KIND_UNSET = 0,
	CONFIG_KIND_SQLDB, /* Azure SQL Database server + failover group */
	CONFIG_KIND_MI,    /* SQL Managed Instance + instance failover group */
};

enum config_triggers {
	CONFIG_TRIGGERS_SSIS = 0, /* triggers whose pipelines run SSIS packages */
	CONFIG_TRIGGERS_ALL,
	CONFIG_TRIGGERS_LIST,     /* the names in trigger_names */
};

/* /subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name} */
struct config_arm_id {
	char id[CONFIG_ID_MAX]; /* as written in the file */
	char sub[40];
	char rg[96];
	char name[CONFIG_NAME_MAX];
};

struct config_console {
	long refresh;         /* seconds */
	bool read_only;
	char audit_log[CONFIG_PATH_MAX];
	long rto_target;      /* seconds */
	long rpo_target;      /* seconds */
	long request_timeout; /* seconds */
};

struct config_azure {
	enum config_cloud cloud;
	char arm_endpoint[CONFIG_URL_MAX]; /* no trailing slash */
	char authority[CONFIG_URL_MAX];    /* no trailing slash */
	char scope[CONFIG_URL_MAX + 16];   /* e.g. https://management.azure.com/.default */
	enum config_auth auth;
	char tenant_id[128];               /* client-secret; azure-cli: optional */
	char client_id[CONFIG_NAME_MAX];   /* client-secret; managed-identity: optional */
	struct secret client_secret;       /* client-secret only */
};

struct config_site {
	char name[CONFIG_NAME_MAX];
	int line;                  /* line of the [site PAIR/NAME] header */
	enum config_kind kind;
	struct config_arm_id factory;
	char integration_runtime[CONFIG_NAME_MAX];
	struct config_arm_id sql;  /* the server (sqldb) or managed instance (mi) */
	char region[CONFIG_NAME_MAX]; /* "" when not given (kind sqldb) */
	char failover_group[CONFIG_NAME_MAX];
	char ssisdb_odbc[CONFIG_ODBC_MAX];
	char msdb_odbc[CONFIG_ODBC_MAX]; /* kind mi only */
	struct secret sql_password;      /* optional: source SECRET_UNSET */
};

struct config_pair {
	char name[CONFIG_NAME_MAX];
	int line;                  /* line of the [pair NAME] header */
	enum config_triggers triggers;
	char **trigger_names;      /* CONFIG_TRIGGERS_LIST */
	size_t ntrigger_names;
	long rto_target;           /* the pair's own, or [console]'s */
	long rpo_target;
	struct config_site sites[CONFIG_SITES_PER_PAIR]; /* in file order */
	size_t nsites;             /* 2 after a successful load */
};

/* Large: the pairs live on the heap. Do not copy; release with config_free(). */
struct ssisdr_config {
	char path[CONFIG_PATH_MAX]; /* the name it was loaded under */
	struct config_console console;
	struct config_azure azure;
	struct config_pair *pairs;
	size_t npairs;
};

/* Pick the file: CLI_PATH (--config), else $SSISDR_CONFIG, else
 * $XDG_CONFIG_HOME/ssisdr/ssisdr.conf (~/.config when unset), else
 * CONFIG_SYSTEM_PATH. A path given by --config or SSISDR_CONFIG must exist;
 * when no place has a file the error lists them. */
int config_find(const char *cli_path, char *out, size_t outlen, char *err, size_t errlen);

/* Parse and validate; on failure cfg holds nothing to free and err holds
 * the first error as "FILE:LINE: [section] key: what was expected". A file
 * holding an inline secret must not be open to group or others. */
int config_load(const char *path, struct ssisdr_config *cfg, char *err, size_t errlen);

/* The same from memory, under NAME, without the file-mode check; relative
 * file: secrets are taken from the current directory. */
int config_load_string(const char *text, const char *name, struct ssisdr_config *cfg, char *err,
		       size_t errlen);

/* Wipes the secrets and frees the pairs. Safe on a zeroed or freed config. */
void config_free(struct ssisdr_config *cfg);

const struct config_pair *config_pair_by_name(const struct ssisdr_config *cfg, const char *name);
const struct config_site *config_site_by_name(const struct config_pair *pair, const char *name);

/* "10", "10s", "5m", "1h" -> seconds. Whole numbers only. */
int config_parse_duration(const char *text, long *seconds);

const char *config_cloud_name(enum config_cloud cloud); /* "AzureCloud", ... */
const char *config_auth_name(enum config_auth auth);
const char *config_kind_name(enum config_kind kind);

#endif
