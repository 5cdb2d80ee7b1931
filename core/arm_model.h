/* Plain structs filled by the ARM response parsers (core/arm_parse.h).
 *
 * Every string member is NUL-terminated. Strings longer than their array
 * are cut at a UTF-8 character boundary; an absent optional field reads
 * as "" (or 0 / false / -1 where noted). Arrays of unbounded length are
 * heap-allocated: release them with the matching *_free() function. */
#ifndef CORE_ARM_MODEL_H
#define CORE_ARM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define ARM_WORD_MAX 64    /* enum-like values: state, type, role, policy */
#define ARM_NAME_MAX 128   /* resource names, regions, codes, etags */
#define ARM_HOST_MAX 256   /* DNS names */
#define ARM_ID_MAX 512     /* resource IDs, package paths */
#define ARM_MSG_MAX 512    /* error and status messages */
/* nextLink is followed as-is, so it is never truncated: a longer one is a
 * parse error. ARM asks clients to accept URLs of at least 4 KB. */
#define ARM_URL_MAX 4096
/* Bearer tokens are kept whole or rejected, never truncated. */
#define ARM_TOKEN_MAX 16384

#define ARM_MAX_PARTNERS 4 /* the services support one partner today */

/* ---- Data Factory: integration runtimes ---------------------------- */

/* IntegrationRuntimeResource (GET .../integrationRuntimes/{ir}).
 * The catalog admin password and every other SecureString are never read. */
struct arm_ir {
	char name[ARM_NAME_MAX];
	char id[ARM_ID_MAX];
	char etag[ARM_NAME_MAX];
	char type[ARM_WORD_MAX];          /* Managed | SelfHosted */
	char state[ARM_WORD_MAX];         /* "" for SelfHosted */
	char location[ARM_NAME_MAX];      /* computeProperties.location */
	char node_size[ARM_NAME_MAX];
	int number_of_nodes;              /* 0 when absent */
	char catalog_server_endpoint[ARM_HOST_MAX];
	char dual_standby_pair_name[ARM_NAME_MAX];
	bool is_ssis;                     /* typeProperties.ssisProperties present */
	bool has_vnet;                    /* vNetProperties or customerVirtualNetwork */
};

struct arm_ir_list {
	struct arm_ir *items;
	size_t count;
	char next_link[ARM_URL_MAX];      /* "" on the last page */
};

struct arm_ir_operation {
	char type[ARM_WORD_MAX];          /* start | stop */
	char start_time[ARM_WORD_MAX];
	char result[ARM_WORD_MAX];
	char error_code[ARM_NAME_MAX];
};

/* IntegrationRuntimeStatusResponse (POST .../getStatus). */
struct arm_ir_status {
	char name[ARM_NAME_MAX];
	char type[ARM_WORD_MAX];
	char state[ARM_WORD_MAX];
	char data_factory_name[ARM_NAME_MAX];
	size_t node_count;
	size_t nodes_available;           /* nodes whose status is "Available" */
	bool has_last_operation;
	struct arm_ir_operation last_operation;
	char first_error[ARM_MSG_MAX];    /* typeProperties.otherErrors[0].message */
};

/* ---- Data Factory: triggers and pipelines -------------------------- */

struct arm_pipeline_ref {
	char name[ARM_NAME_MAX];
};

struct arm_trigger {
	char name[ARM_NAME_MAX];
	char id[ARM_ID_MAX];
	char etag[ARM_NAME_MAX];
	char type[ARM_WORD_MAX];          /* ScheduleTrigger, TumblingWindowTrigger, ... */
	char runtime_state[ARM_WORD_MAX]; /* Started | Stopped | Disabled, any string kept */
	struct arm_pipeline_ref *pipelines;
	size_t pipeline_count;
};

struct arm_trigger_list {
	struct arm_trigger *items;
	size_t count;
	char next_link[ARM_URL_MAX];
};

/* One ExecuteSSISPackage activity, wherever it is nested. */
struct arm_ssis_activity {
	char name[ARM_NAME_MAX];
	char ir_name[ARM_NAME_MAX];       /* typeProperties.connectVia.referenceName */
	char package_path[ARM_ID_MAX];    /* typeProperties.packageLocation.packagePath */
};

struct arm_pipeline {
	char name[ARM_NAME_MAX];
	char id[ARM_ID_MAX];
	char etag[ARM_NAME_MAX];
	struct arm_ssis_activity *ssis_activities;
	size_t ssis_activity_count;       /* > 0 means an "SSIS pipeline" */
};

struct arm_pipeline_list {
	struct arm_pipeline *items;
	size_t count;
	char next_link[ARM_URL_MAX];
};

/* ---- SQL Database failover groups ---------------------------------- */

struct arm_fog_partner {
	char id[ARM_ID_MAX];              /* partner server resource ID */
	char location[ARM_NAME_MAX];
	char replication_role[ARM_WORD_MAX];
};

/* Microsoft.Sql/servers/failoverGroups, as seen from one server. */
struct arm_fog {
	char name[ARM_NAME_MAX];
	char id[ARM_ID_MAX];
	char location[ARM_NAME_MAX];
	char failover_policy[ARM_WORD_MAX];   /* Automatic | Manual */
	int grace_minutes;                    /* -1 when absent (Manual policy) */
	char replication_role[ARM_WORD_MAX];  /* role of THIS server */
	char replication_state[ARM_WORD_MAX]; /* CATCH_UP, SEEDING, ... */
	struct arm_fog_partner partners[ARM_MAX_PARTNERS];
	size_t partner_count;                 /* stored partners, at most ARM_MAX_PARTNERS */
	size_t database_count;
};

struct arm_fog_list {
	struct arm_fog *items;
	size_t count;
	char next_link[ARM_URL_MAX];
};

/* ---- SQL Managed Instance failover groups -------------------------- */

struct arm_region_partner {
	char location[ARM_NAME_MAX];
	char replication_role[ARM_WORD_MAX];
};

/* Microsoft.Sql/locations/instanceFailoverGroups, as seen from one region. */
struct arm_mi_fog {
	char name[ARM_NAME_MAX];
	char id[ARM_ID_MAX];
	char failover_policy[ARM_WORD_MAX];
	int grace_minutes;                    /* -1 when absent */
	char replication_role[ARM_WORD_MAX];  /* role of the region in the URL */
	char replication_state[ARM_WORD_MAX];
	struct arm_region_partner partner_regions[ARM_MAX_PARTNERS];
	size_t partner_region_count;
	/* managedInstancePairs[0] */
	char primary_mi_id[ARM_ID_MAX];
	char partner_mi_id[ARM_ID_MAX];
};

struct arm_mi_fog_list {
	struct arm_mi_fog *items;
	size_t count;
	char next_link[ARM_URL_MAX];
};

/* ---- Errors and long-running operations ---------------------------- */

/* ARM error body, or a plain description of a body that is not one. */
struct arm_error {
	char code[ARM_NAME_MAX];          /* "" when the body had no code */
	char message[ARM_MSG_MAX];
	char target[ARM_NAME_MAX];
	char detail_code[ARM_NAME_MAX];   /* error.details[0], often the real cause */
	char detail_message[ARM_MSG_MAX];
};

/* Azure-AsyncOperation poll body. */
struct arm_async_op {
	char status[ARM_WORD_MAX];        /* InProgress, Succeeded, Failed, ... any string kept */
	char error_code[ARM_NAME_MAX];
	char error_message[ARM_MSG_MAX];
};

/* ---- Entra ID tokens ----------------------------------------------- */

enum arm_token_source {
	ARM_TOKEN_CLIENT_CREDENTIALS, /* login.microsoftonline.com .../oauth2/v2.0/token */
	ARM_TOKEN_IMDS,               /* 169.254.169.254/metadata/identity/oauth2/token */
	ARM_TOKEN_AZ_CLI              /* az account get-access-token -o json */
};

/* SECRET: access_token is a bearer credential for the whole subscription.
 * Never log or display it, do not copy the struct around, and wipe it with
 * arm_token_clear() as soon as it is no longer needed (also on error paths). */
struct arm_token {
	char access_token[ARM_TOKEN_MAX];
	char token_type[ARM_WORD_MAX];    /* "Bearer" when the body does not say */
	time_t expires_at;                /* absolute, epoch seconds */
};

/* Entra ID error body: {error, error_description, error_codes[]}. */
struct arm_entra_error {
	char error[ARM_NAME_MAX];         /* e.g. invalid_client */
	char description[ARM_MSG_MAX];    /* "AADSTS7000215: ..." */
	long long first_code;             /* error_codes[0], 0 when absent */
};

#endif
