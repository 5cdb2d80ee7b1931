/* The command table: one list of commands serves the prompt, `ssisdr exec`,
 * drills, `help` and tab completion. Read-only mode is enforced here, where
 * the table is consulted, whatever the caller.
 *
 * A read-only command runs at once. A mutating one first builds a plan (the
 * ARM calls and SQL statements it will make, on which site, and the
 * findings that argue against it), which is printed; then the operator must
 * type the plan's target to confirm; then it is audited and runs as a
 * background operation (core/op.h) that verifies its outcome. */
#ifndef CORE_CMD_H
#define CORE_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

struct console;
struct op;
struct snapshot;

enum cmd_arg {
	CMD_ARG_NONE = 0,
	CMD_ARG_SITE,
	CMD_ARG_TRIGGER,   /* a trigger of the site named before it */
	CMD_ARG_FACTORY,
	CMD_ARG_IR,
	CMD_ARG_RUNBOOK,
	CMD_ARG_PAIR,
	CMD_ARG_COMMAND,
	CMD_ARG_NUMBER,
};

enum cmd_result {
	CMD_OK = 0,
	CMD_ERROR,         /* ran and failed */
	CMD_USAGE,         /* bad command line; usage was printed */
	CMD_REFUSED,       /* read-only mode, a busy target, no audit log, not confirmed */
	CMD_NEEDS_CONFIRM, /* a plan was printed; call cmd_confirm() */
	CMD_STARTED,       /* an operation runs in the background */
	CMD_QUIT,
};

/* Where a command's output goes: the screen's log, or stdout for exec. */
struct cmd_out {
	void (*line)(void *user, enum severity sev, const char *text);
	void *user;
};

#define PLAN_MAX_STEPS 64
#define PLAN_MAX_AGAINST 8
#define PLAN_MAX_NAMES 64

struct plan_step {
	char site[64];
	char via[8];       /* "ARM" or "SQL" */
	char what[512];
};

struct plan {
	char title[256];
	char target[128];      /* what the operator types to confirm */
	char target_what[64];  /* "failover group", "site", ... */
	char lock_key[192];    /* one operation at a time per key */
	struct plan_step steps[PLAN_MAX_STEPS];
	int nsteps;
	char against[PLAN_MAX_AGAINST][400];
	int nagainst;
	char nothing_to_do[256]; /* set: the plan is empty and says why */
	/* what execute() needs */
	int site;
	int mode;
	char names[PLAN_MAX_NAMES][MODEL_NAME_MAX];
	int nnames;
	char arg1[MODEL_NAME_MAX];
	char arg2[MODEL_NAME_MAX];
};

#define CMD_MAX_ARGS 16

struct cmd_call {
	struct console *con;
	const struct cmd_def *def;
	char line[512];
	char *argv[CMD_MAX_ARGS];   /* positionals */
	int argc;
	char flags[8][24];          /* flags given */
	int nflags;
	bool dry_run;
	struct cmd_out out;
	struct snapshot *snap;      /* referenced for the call's life */
	size_t pair;
	char buf[512];              /* storage for argv */
};

struct cmd_def {
	const char *name;           /* "ir start": one or two words */
	const char *usage;          /* "ir start SITE [--dry-run]" */
	const char *summary;
	const char *help;
	bool mutating;
	const char *flags[4];       /* accepted flags besides --dry-run (mutating) */
	enum cmd_arg arg;           /* kind of the first positional */
	enum cmd_arg rest;          /* kind of the others */
	int min_args;
	int max_args;               /* -1: any number */
	int key;                    /* the screen's key for it, 0 if none */
	enum cmd_result (*run)(struct cmd_call *call);
	int (*plan)(struct cmd_call *call, struct plan *plan);
	int (*execute)(struct op *op);
};

const struct cmd_def *cmd_table(size_t *n);
const struct cmd_def *cmd_find(const char *name);
/* Is this command available now (read-only mode hides mutating ones)? */
bool cmd_available(const struct console *con, const struct cmd_def *def);

/* Run one command line. A mutating command prints its plan and returns
 * CMD_NEEDS_CONFIRM with *pending set (or CMD_OK after --dry-run). */
struct cmd_pending;
enum cmd_result cmd_run_line(struct console *con, const char *line, const struct cmd_out *out,
			     struct cmd_pending **pending);
/* What to ask the operator, e.g. "Type fg-ssisdb to confirm the failover: ". */
const char *cmd_pending_prompt(const struct cmd_pending *p);
const struct plan *cmd_pending_plan(const struct cmd_pending *p);
/* The operator typed `typed`; when it is the target, audit and start the
 * operation (*op gets a reference, may be NULL). Frees pending. */
enum cmd_result cmd_confirm(struct cmd_pending *pending, const char *typed, struct op **op);
void cmd_pending_free(struct cmd_pending *p);

/* Help text generated from the table: all commands, or one. */
void cmd_help(struct console *con, const char *command, const struct cmd_out *out);

/* Tab completion: the candidates for the word that ends at `point` in
 * `line`. Returns a malloc'd NULL-terminated array of malloc'd strings. */
char **cmd_complete(struct console *con, const char *line, size_t point);

/* For command implementations. */
void cmd_print(const struct cmd_out *out, enum severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void plan_step(struct plan *p, const char *site, const char *via, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void plan_against(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The site index for a name in the call's pair, or -1 (after printing why). */
int cmd_site_arg(struct cmd_call *call, const char *name);

#endif
