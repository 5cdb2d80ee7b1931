/* The simulated world: one or more dual standby pairs, each with two sites
 * (one per region) and the failover group that joins their SSISDBs.
 * Everything here is guarded by world->lock; functions named *_locked expect
 * the caller to hold it. Times are virtual seconds (see sim_clock.h). */
#ifndef SIM_WORLD_H
#define SIM_WORLD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/sim_clock.h"

#define SIM_NAME_MAX 96
#define SIM_ID_MAX 512
#define SIM_PATH_MAX 1024
#define SIM_MSG_MAX 512
#define SIM_MAX_TRIGGERS 256
#define SIM_MAX_PIPELINES 64
#define SIM_MAX_JOBS 32
#define SIM_MAX_EXECUTIONS 64
#define SIM_MAX_TOKENS 256
#define SIM_MAX_FAULTS 32

typedef enum { SIM_KIND_SQLDB, SIM_KIND_MI } sim_kind;
typedef enum { SIM_ROLE_PRIMARY, SIM_ROLE_SECONDARY } sim_role;
typedef enum {
	SIM_IR_INITIAL,
	SIM_IR_STOPPED,
	SIM_IR_STARTING,
	SIM_IR_STARTED,
	SIM_IR_STOPPING
} sim_ir_state;

struct sim_trigger {
	char name[SIM_NAME_MAX];
	char pipeline[SIM_NAME_MAX];
	bool started;
};

struct sim_pipeline {
	char name[SIM_NAME_MAX];
	/* true: has an ExecuteSSISPackage activity that runs package_path */
	bool ssis;
	char package_path[SIM_PATH_MAX];
};

/* A SQL Agent job with one SSIS step and one schedule (managed instance). */
struct sim_job {
	char name[SIM_NAME_MAX];
	char schedule[SIM_NAME_MAX];
	int schedule_id;
	bool job_enabled;
	bool schedule_enabled;
	char package_path[SIM_PATH_MAX];
};

/* A package execution seeded into catalog.executions. */
struct sim_execution {
	char package_path[SIM_PATH_MAX]; /* folder/project/package.dtsx */
	int status;                      /* catalog.executions.status code */
};

struct sim_ir {
	char name[SIM_NAME_MAX];
	sim_ir_state state;
	double transition_end; /* when Starting/Stopping ends */
	int nodes;
	bool vnet;
	double start_seconds;
	double stop_seconds;
	char pair_name[SIM_NAME_MAX]; /* dualStandbyPairName */
	char catalog_endpoint[SIM_NAME_MAX * 2];
	unsigned version; /* bumped on every change: the etag */
	/* lastOperation as getStatus reports it */
	char last_op_type[16];
	char last_op_result[16];
	char last_op_error[SIM_NAME_MAX];
	double last_op_start;
	/* fault "ir-start-failure": the next start ends in this error */
	char fail_next_start[SIM_NAME_MAX];
};

struct sim_site {
	char name[SIM_NAME_MAX];      /* operator's name, e.g. "eastus" */
	char region[SIM_NAME_MAX];    /* normalized ARM location, "eastus" */
	char location[SIM_NAME_MAX];  /* display location, "East US" */
	char resource_group[SIM_NAME_MAX];
	char factory[SIM_NAME_MAX];
	/* SQL logical server, or the managed instance (kind mi) */
	char server[SIM_NAME_MAX];
	char dns_zone[SIM_NAME_MAX];  /* managed instance DNS zone */
	sim_role role;                /* role of this site's SSISDB */
	struct sim_ir ir;
	struct sim_trigger triggers[SIM_MAX_TRIGGERS];
	int ntriggers;
	struct sim_pipeline pipelines[SIM_MAX_PIPELINES];
	int npipelines;
	struct sim_job jobs[SIM_MAX_JOBS];
	int njobs;
	struct sim_execution executions[SIM_MAX_EXECUTIONS];
	int nexecutions;
	char catalog_schema_version[32];
	/* the factory and IR that SSISDB accepts (catalog.failover_integration_runtime) */
	char bound_factory[SIM_NAME_MAX];
	char bound_ir[SIM_NAME_MAX];
	char ssisdb_path[SIM_PATH_MAX];
	char msdb_path[SIM_PATH_MAX]; /* empty unless kind mi */
	bool outage;
	double outage_since;
	bool db_locked;
};

struct sim_failover_record {
	char kind[32]; /* "planned" or "forced" */
	double at;
	char from[SIM_NAME_MAX];
	char to[SIM_NAME_MAX];
	double data_loss_seconds;
	long lost_transactions;
};

struct sim_pair {
	char name[SIM_NAME_MAX];      /* pair name; also dualStandbyPairName */
	char fog[SIM_NAME_MAX];       /* failover group name */
	char policy[16];              /* "Manual" or "Automatic" */
	int grace_minutes;            /* for Automatic */
	char replication_state[16];   /* "CATCH_UP", "SEEDING", "SUSPENDED" */
	double lag_seconds;           /* replication lag of the secondary */
	double commit_interval;       /* seconds between commits on the primary */
	double failover_seconds;      /* how long a failover operation runs */
	bool smk_replicated;          /* MI group created after September 2021 */
	struct sim_site sites[2];
	bool failover_running;
	unsigned version;
	struct sim_failover_record last_failover;
	bool has_failover;
};

typedef enum {
	SIM_OP_IR_START,
	SIM_OP_IR_STOP,
	SIM_OP_FAILOVER_PLANNED,
	SIM_OP_FAILOVER_FORCED,
	SIM_OP_FAILOVER_TRY_PLANNED
} sim_op_kind;

typedef enum { SIM_OP_RUNNING, SIM_OP_SUCCEEDED, SIM_OP_FAILED } sim_op_status;

/* A long-running operation, polled through its Location or
 * Azure-AsyncOperation URL. */
struct sim_op {
	char id[40];
	sim_op_kind kind;
	int pair;
	int site;            /* the site whose resource the operation is on */
	double started;
	double done_at;
	sim_op_status status;
	int fail_http_status;
	char error_code[SIM_NAME_MAX];
	char error_message[SIM_MSG_MAX];
};

struct sim_token {
	char value[80];
	double expires;
};

struct sim_fault {
	char kind[24];       /* latency hang throttle error malformed outage db-locked ir-start-failure */
	char site[SIM_NAME_MAX]; /* empty: every site */
	int ms;
	int count;           /* requests left; -1: until cleared */
	int status;
	int retry_after;
	char code[SIM_NAME_MAX];
};

struct sim_request_record {
	double at;
	char method[8];
	char path[SIM_ID_MAX];
	int status;
	char user_agent[128];
	char client_request_id[64];
};

#define SIM_REQUEST_LOG 512

struct sim_world {
	pthread_mutex_t lock;
	pthread_cond_t changed;  /* broadcast on fault changes and shutdown */
	bool shutting_down;
	struct sim_clock clock;

	sim_kind kind;
	char scenario[SIM_NAME_MAX];
	char subscription[64];
	char tenant[64];
	char client_id[64];
	char client_secret[128];
	double token_lifetime;
	int trigger_page_size;
	char dir[SIM_PATH_MAX];
	char base_url[128];

	struct sim_pair *pairs;
	int npairs;

	struct sim_op *ops;
	int nops;
	int ops_cap;

	struct sim_token tokens[SIM_MAX_TOKENS];
	int ntokens;

	struct sim_fault faults[SIM_MAX_FAULTS];
	int nfaults;

	struct sim_request_record requests[SIM_REQUEST_LOG];
	unsigned long nrequests;

	unsigned long request_seq;
	long reads_remaining;
	long writes_remaining;
};

/* sim_world.c */
int sim_world_init(struct sim_world *w);
void sim_world_free(struct sim_world *w);
/* Make `copies` copies of pair 0 (names get a -NN suffix). */
int sim_world_replicate(struct sim_world *w, int copies, char *err, size_t errlen);
/* Fill paths, catalog endpoints and defaults once the scenario is loaded. */
int sim_world_finish(struct sim_world *w, char *err, size_t errlen);
/* Advance every state machine to the current virtual time. */
void sim_world_tick_locked(struct sim_world *w);

struct sim_site *sim_site_by_name_locked(struct sim_world *w, const char *name, int *pair, int *site);
struct sim_site *sim_site_by_factory_locked(struct sim_world *w, const char *rg, const char *factory, int *pair, int *site);
struct sim_site *sim_site_by_server_locked(struct sim_world *w, const char *rg, const char *server, int *pair, int *site);
struct sim_site *sim_site_by_region_locked(struct sim_world *w, const char *fog, const char *region, int *pair, int *site);

const char *sim_ir_state_name(sim_ir_state s);
const char *sim_role_name(sim_role r);  /* "Primary" / "Secondary" */

/* State changes; each returns 0, or an HTTP status and fills code/message. */
int sim_ir_start_locked(struct sim_world *w, int pair, int site, struct sim_op **op,
			char *code, char *msg);
int sim_ir_stop_locked(struct sim_world *w, int pair, int site, struct sim_op **op,
		       char *code, char *msg);
int sim_trigger_set_locked(struct sim_world *w, int pair, int site, const char *trigger,
			   bool started, char *code, char *msg);
/* The failover is asked of `site`, which must be the current secondary. */
int sim_failover_locked(struct sim_world *w, int pair, int site, sim_op_kind kind,
			struct sim_op **op, char *code, char *msg);
struct sim_op *sim_op_find_locked(struct sim_world *w, const char *id);

/* Tokens (sim_auth.c). */
int sim_token_issue_locked(struct sim_world *w, char *out, size_t outlen, double *expires_in);
/* 0 valid, 1 unknown or malformed, 2 expired */
int sim_token_check_locked(struct sim_world *w, const char *token);
void sim_tokens_expire_locked(struct sim_world *w);

/* sim_conf_out.c: write DIR/ssisdr.conf for the console. */
int sim_conf_write(struct sim_world *w, char *err, size_t errlen);

#endif
