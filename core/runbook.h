/* Runbooks (ssisdr-runbook(5)): the ordered steps of a DR drill, read from
 * an INI text file and validated before anything runs. A runbook names no
 * pair: its commands and conditions use placeholders ({primary},
 * {secondary}, ...) that the drill fixes from the live roles when it starts.
 *
 * Loading reports the first problem as "FILE:LINE: [step ID] key: reason".
 * Conditions are parsed here (their vocabulary is fixed) and evaluated by
 * core/drill_cond.c. */
#ifndef CORE_RUNBOOK_H
#define CORE_RUNBOOK_H

#include <stdbool.h>
#include <stddef.h>

#define RB_NAME_MAX 64
#define RB_ID_MAX 48
#define RB_TITLE_MAX 200
#define RB_TEXT_MAX 2048     /* description, explain */
#define RB_CMD_MAX 400       /* command, condition text */
#define RB_ARG_MAX 128       /* one condition argument, one placeholder value */
#define RB_MAX_STEPS 40
#define RB_MAX_REQUIRE 8
#define RB_MAX_SKIP_IF 4
#define RB_MAX_PARAMS 8
#define RB_MAX_VARS 32
#define RB_PATH_MAX 4096
#define RB_DEFAULT_WAIT_TIMEOUT (30 * 60)
#define RB_EXT ".runbook"

enum rb_kind { RB_KIND_ANY = 0, RB_KIND_SQLDB, RB_KIND_MI };

enum rb_step_kind { RB_CHECK = 0, RB_ACTION, RB_WAIT, RB_MANUAL, RB_NOTE };

/* In the order an RTO is made of; a step's end marks the end of its phase. */
enum rb_phase {
	RB_PHASE_NONE = 0,
	RB_PHASE_FAILOVER_GROUP,
	RB_PHASE_SSISDB_ROLE,
	RB_PHASE_IR_START,
	RB_PHASE_TRIGGER_SYNC,
	RB_PHASE_SCHEDULE_SYNC,
	RB_PHASE_COUNT
};

enum rb_cond_kind {
	COND_NO_FINDING = 0,      /* no-finding ID */
	COND_FINDING,             /* finding ID */
	COND_REPLICATION,         /* replication STATE */
	COND_LAG_WITHIN_RPO,      /* lag-within-rpo */
	COND_NO_RUNNING_PACKAGES, /* no-running-packages */
	COND_SSIS_PIPELINES_PRESENT, /* ssis-pipelines-present SITE */
	COND_TRIGGERS_PRESENT,    /* triggers-present SITE */
	COND_TRIGGERS_STOPPED,    /* triggers-stopped SITE */
	COND_TRIGGERS_STARTED,    /* triggers-started SITE */
	COND_TRIGGERS_SYNCED,     /* triggers-synced */
	COND_SCHEDULES_SYNCED,    /* schedules-synced */
	COND_IR,                  /* ir SITE STATE[|STATE...] */
	COND_IR_WAS,              /* ir-was SITE STATE[|STATE...]: at the drill's start */
	COND_IR_ROLE,             /* ir-role SITE primary|secondary (the derived role) */
	COND_FOG_ROLE,            /* fog-role SITE primary|secondary */
	COND_SSISDB_ROLE,         /* ssisdb-role SITE primary|secondary */
	COND_ROLES_SWAPPED,       /* roles-swapped */
	COND_SWITCH_JOB_PRESENT,  /* switch-job-present */
	COND_SITE_FRESH,          /* site-fresh SITE */
	COND_RTO_ESTIMATE,        /* rto-estimate SITE */
	COND_COUNT
};

struct rb_cond {
	enum rb_cond_kind kind;
	int nargs;
	char args[2][RB_ARG_MAX];
	char text[RB_CMD_MAX];    /* as written */
	int line;
};

struct rb_step {
	char id[RB_ID_MAX];
	int line;                 /* of the [step ID] header */
	enum rb_step_kind kind;
	char title[RB_TITLE_MAX];
	char explain[RB_TEXT_MAX];
	char command[RB_CMD_MAX]; /* action */
	int command_line;
	struct rb_cond require[RB_MAX_REQUIRE];
	int nrequire;
	struct rb_cond skip_if[RB_MAX_SKIP_IF]; /* skipped as "not needed" when any holds */
	int nskip_if;
	long timeout;             /* wait: seconds */
	enum rb_phase phase;
	bool optional;            /* failing does not fail the drill */
	bool failover;            /* this action starts the RTO clock */
};

struct rb_param {
	char name[32];
	char def[RB_ARG_MAX];     /* may hold placeholders; "" = required */
	char description[RB_TITLE_MAX];
	int line;
};

struct runbook {
	char path[RB_PATH_MAX];
	char name[RB_NAME_MAX];
	char title[RB_TITLE_MAX];
	enum rb_kind kind;
	char description[RB_TEXT_MAX];
	struct rb_param params[RB_MAX_PARAMS];
	int nparams;
	struct rb_step steps[RB_MAX_STEPS];
	int nsteps;
	unsigned long long hash;  /* FNV-1a of the text: a resumed drill needs the same */
};

/* Placeholder values: {name} -> value. */
struct rb_vars {
	int n;
	char names[RB_MAX_VARS][32];
	char values[RB_MAX_VARS][RB_ARG_MAX];
};

/* Parse and validate. NULL on failure with err "FILE:LINE: reason". Free
 * with runbook_free(). */
struct runbook *runbook_load(const char *path, char *err, size_t errlen);
/* The same from memory; name stands for the file in messages and path. */
struct runbook *runbook_load_string(const char *text, const char *name, char *err, size_t errlen);
void runbook_free(struct runbook *rb);

/* A path (it has a '/' or ends in .runbook), else NAME.runbook looked up in
 * $SSISDR_RUNBOOK_PATH (directories separated by ':'), <program dir>/../
 * assets/runbooks, the source tree's assets/runbooks and the installed
 * runbook directory. */
int runbook_find(const char *name, char *path, size_t pathlen, char *err, size_t errlen);
/* Every runbook name in those places (first found wins), for a chooser;
 * calls fn(user, name, path) for each. Returns the count. */
int runbook_list(void (*fn)(void *user, const char *name, const char *path), void *user);

/* Placeholders fixed by the drill (besides the runbook's param names). */
const char *const *runbook_builtin_placeholders(void);
void rb_vars_set(struct rb_vars *v, const char *name, const char *value);
const char *rb_vars_get(const struct rb_vars *v, const char *name); /* NULL: unset */
/* Replace every {name}; -1 with err naming an unknown placeholder, or one
 * whose value is empty. */
int runbook_expand(const char *tmpl, const struct rb_vars *v, char *out, size_t len, char *err,
		   size_t errlen);
/* A condition with its arguments expanded. */
int runbook_expand_cond(const struct rb_cond *in, const struct rb_vars *v, struct rb_cond *out,
			char *err, size_t errlen);
/* Parse one condition ("fog-role {secondary} primary"); for tests and the
 * screen. known_params: NULL-terminated extra placeholder names, or NULL. */
int runbook_parse_cond(const char *text, const char *const *known_params, struct rb_cond *out,
		       char *err, size_t errlen);

/* Is name (len bytes) a built-in placeholder or one of params? */
bool runbook_known_placeholder(const char *name, size_t len, const char *const *params);
/* Every {name} in text is known: 0, or -1 with the reason. */
int runbook_check_placeholders(const char *text, const char *const *params, char *why, size_t len);
/* Does the condition's first argument name a site? */
bool rb_cond_takes_site(enum rb_cond_kind k);

const char *rb_kind_name(enum rb_kind k);            /* "any" "sqldb" "mi" */
const char *rb_step_kind_name(enum rb_step_kind k);  /* "check" "action" ... */
const char *rb_phase_name(enum rb_phase p);          /* "failover-group" ...; "" for none */
const char *rb_phase_title(enum rb_phase p);         /* "failover group switch" ... */
const char *rb_cond_name(enum rb_cond_kind k);       /* "no-finding" ... */
/* Does the step (or any step) use a placeholder? */
bool runbook_uses_placeholder(const struct runbook *rb, const char *name);

#endif
