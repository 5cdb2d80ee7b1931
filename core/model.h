/* What the console knows about a pair, as read from ARM and SSISDB/msdb.
 * Every datum carries a struct datum: when it was last read, when it was
 * last tried, and the error that kept the last try from refreshing it. A
 * datum that was never read has read_at == 0. Times are wall-clock seconds
 * since 1970 (double), taken by the console when the answer arrived. */
#ifndef CORE_MODEL_H
#define CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#define MODEL_NAME_MAX 128
#define MODEL_ERR_MAX 384
#define MODEL_MAX_TRIGGERS 256
#define MODEL_MAX_PIPELINES 128
#define MODEL_MAX_JOBS 64
#define MODEL_TRIGGER_PIPELINES 4

struct datum {
	double read_at;    /* last successful read; 0 = never */
	double tried_at;   /* last attempt */
	char error[MODEL_ERR_MAX]; /* empty when the last attempt succeeded */
	char request_id[64]; /* ARM x-ms-request-id of the last answer, if any */
};

enum model_role { ROLE_UNKNOWN = 0, ROLE_PRIMARY, ROLE_SECONDARY };

enum severity { SEV_OK = 0, SEV_INFO, SEV_WARNING, SEV_CRITICAL };

/* IR GET + getStatus. */
struct model_ir {
	struct datum d;
	char name[MODEL_NAME_MAX];
	char state[32];               /* Initial Stopped Starting Started Stopping ... */
	int nodes;                    /* nodes reported by getStatus */
	int nodes_available;
	int nodes_requested;          /* computeProperties.numberOfNodes */
	bool is_ssis;
	bool vnet;
	char catalog_endpoint[256];   /* catalogServerEndpoint host */
	char pair_name[MODEL_NAME_MAX]; /* dualStandbyPairName */
	char last_op_type[16];
	char last_op_result[32];
	char last_op_error[MODEL_NAME_MAX];
};

struct model_trigger {
	char name[MODEL_NAME_MAX];
	char type[48];
	char state[32];               /* runtimeState: Started Stopped Disabled */
	char pipelines[MODEL_TRIGGER_PIPELINES][MODEL_NAME_MAX];
	int npipelines;
	bool runs_ssis;               /* one of its pipelines is an SSIS pipeline */
	bool managed;                 /* the pair manages it (config: triggers =) */
};

struct model_triggers {
	struct datum d;
	struct model_trigger items[MODEL_MAX_TRIGGERS];
	int n;
	bool truncated;               /* more than MODEL_MAX_TRIGGERS */
};

struct model_pipeline {
	char name[MODEL_NAME_MAX];
	bool ssis;                    /* has an ExecuteSSISPackage activity */
	char ir[MODEL_NAME_MAX];      /* connectVia of the first such activity */
};

struct model_pipelines {
	struct datum d;
	struct model_pipeline items[MODEL_MAX_PIPELINES];
	int n;
};

/* The failover group as this site's server (or region) reports it. */
struct model_fog {
	struct datum d;
	char name[MODEL_NAME_MAX];
	enum model_role role;         /* replicationRole of this server/region */
	char replication_state[32];   /* CATCH_UP SEEDING SUSPENDED ... */
	char policy[16];              /* Manual Automatic */
	int grace_minutes;
	enum model_role partner_role;
	char partner_location[MODEL_NAME_MAX];
	char primary_mi_id[512];      /* managed instance groups */
};

/* sys.dm_geo_replication_link_status read in this site's SSISDB. */
struct model_link {
	struct datum d;
	bool present;                 /* false: no row, no geo link */
	enum model_role role;         /* role_desc */
	char state_desc[32];          /* replication_state_desc */
	bool lag_known;               /* replication_lag_sec is primary-only */
	int lag_seconds;
	char last_replication[48];
	char last_commit[48];
	double last_commit_epoch;     /* parsed last_commit, 0 if none */
	char partner_server[MODEL_NAME_MAX];
};

/* SSISDB catalog: schema version, executions, IR binding. */
struct model_catalog {
	struct datum d;
	char schema_version[32];
	char schema_build[32];
	int running;                  /* catalog.executions status 2 */
	int pending;                  /* status 5 (and 1 created) */
};

struct model_job {
	char name[MODEL_NAME_MAX];
	bool job_enabled;
	int schedule_id;
	char schedule[MODEL_NAME_MAX];
	bool schedule_enabled;
};

/* msdb on a managed instance: SQL Agent jobs with SSIS steps. */
struct model_jobs {
	struct datum d;
	struct model_job items[MODEL_MAX_JOBS];
	int n;
	bool switch_job_present;      /* the seed's schedule-switch T-SQL job */
	bool switch_job_enabled;
};

struct model_site {
	char name[64];
	char region[64];
	bool mi;
	enum model_role role;         /* derived; see role.c */
	char role_basis[160];         /* how the role was derived, for the screen */
	struct model_ir ir;
	struct model_triggers triggers;
	struct model_pipelines pipelines;
	struct model_fog fog;
	struct model_link link;
	struct model_catalog catalog;
	struct model_jobs jobs;       /* mi only */
};

struct finding {
	char id[40];
	enum severity severity;
	char message[320];
	char site[64];                /* empty: the pair */
	char fix[160];                /* the command that fixes it; empty if none */
};

#define MODEL_MAX_FINDINGS 64

struct model_pair {
	char name[64];
	bool mi;
	struct model_site sites[2];
	struct finding findings[MODEL_MAX_FINDINGS];
	int nfindings;
	enum severity worst;
};

const char *model_role_name(enum model_role role); /* "primary" "secondary" "unknown" */
const char *severity_name(enum severity sev);     /* "ok" "info" "warning" "critical" */
/* Seconds since d was last read at `now`; a huge value if never. */
double datum_age(const struct datum *d, double now);
bool datum_ok(const struct datum *d); /* read at least once and the last try succeeded */
/* How old a datum may be before it is stale: three poll intervals, plus the
 * request timeout a cycle can take when a region hangs. */
double model_stale_after(long refresh, long request_timeout);

#endif
