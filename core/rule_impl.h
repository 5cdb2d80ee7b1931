/* Shared by the rule_*.c files only; the rest of the console uses rule.h. */
#ifndef CORE_RULE_IMPL_H
#define CORE_RULE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/rule.h"
#include "core/util.h"

/* Evaluation order; also the order of rule_table(). A rule may look at the
 * findings of the rules before it (to leave a situation to the worse one). */
enum rule_id {
	RULE_SPLIT_BRAIN,
	RULE_ROLE_MISMATCH,
	RULE_IR_ROLE_UNKNOWN,
	RULE_SITE_UNREACHABLE,
	RULE_PRIMARY_IR_NOT_STARTED,
	RULE_PRIMARY_IR_NODES,
	RULE_PAIR_NAME_MISMATCH,
	RULE_SECONDARY_IR_STOPPED,
	RULE_TRIGGERS_ON_SECONDARY,
	RULE_TRIGGERS_OFF_ON_PRIMARY,
	RULE_TRIGGER_MISSING,
	RULE_SSIS_PIPELINE_MISSING,
	RULE_SCHEDULES_ON_SECONDARY,
	RULE_SCHEDULES_OFF_ON_PRIMARY,
	RULE_REPLICATION_UNHEALTHY,
	RULE_LAG_OVER_RPO,
	RULE_CATALOG_VERSION_MISMATCH,
	RULE_PACKAGES_RUNNING,
	RULE_AUTOMATIC_FAILOVER_POLICY,
	RULE_STALE_DATA,
	RULE_COUNT
};

struct rule_run {
	struct model_pair *pair;
	const struct rule_context *ctx;
	double stale_after; /* seconds: 3 x refresh */
};

typedef void rule_check(struct rule_run *run);

/* Add a finding. site NULL: the pair. fix NULL or "": no command fixes it. */
void rule_emit(struct rule_run *run, enum rule_id id, enum severity sev,
	       const struct model_site *site, const char *fix, const char *fmt, ...)
	SSISDR_PRINTF(6, 7);
bool rule_fired(const struct rule_run *run, enum rule_id id, const struct model_site *site);

/* Read at least once and not older than run->stale_after. */
bool rule_fresh(const struct rule_run *run, const struct datum *d);
/* The one site with this role; NULL when none or both have it. */
struct model_site *rule_site_with_role(struct model_pair *pair, enum model_role role);
struct model_site *rule_other_site(struct model_pair *pair, const struct model_site *site);
bool rule_site_mi(const struct model_pair *pair, const struct model_site *site);

/* ARM and Azure names compare without regard to ASCII case. */
bool rule_same_name(const char *a, const char *b);
/* "45 s", "4 min 10 s", "2 h 5 min", "3 d 4 h". */
void rule_duration(char *buf, size_t len, double seconds);
/* One line of at most len - 1 bytes, cut on a character boundary, "..." when cut. */
void rule_shorten(char *buf, size_t len, const char *text);
/* "ir start eastus" */
void rule_fix_site(char *buf, size_t len, const char *command, const struct model_site *site);

/* "a, b, c and 4 more": the first RULE_NAMES_SHOWN names and a count.
 * Room for names of two model names each ("job (schedule)"), never cut. */
#define RULE_NAMES_SHOWN 3
#define RULE_NAME_ROOM (2 * MODEL_NAME_MAX + 8)
struct rule_names {
	char shown[RULE_NAMES_SHOWN * RULE_NAME_ROOM];
	char text[RULE_NAMES_SHOWN * RULE_NAME_ROOM + 32];
	int count;
};
void rule_names_add(struct rule_names *names, const char *name);
const char *rule_names_text(struct rule_names *names);

void rule_check_split_brain(struct rule_run *run);
void rule_check_role_mismatch(struct rule_run *run);
void rule_check_ir_role_unknown(struct rule_run *run);
void rule_check_pair_name_mismatch(struct rule_run *run);

void rule_check_primary_ir_not_started(struct rule_run *run);
void rule_check_primary_ir_nodes(struct rule_run *run);
void rule_check_secondary_ir_stopped(struct rule_run *run);

void rule_check_triggers_on_secondary(struct rule_run *run);
void rule_check_triggers_off_on_primary(struct rule_run *run);
void rule_check_trigger_missing(struct rule_run *run);
void rule_check_ssis_pipeline_missing(struct rule_run *run);
void rule_check_schedules_on_secondary(struct rule_run *run);
void rule_check_schedules_off_on_primary(struct rule_run *run);

void rule_check_replication_unhealthy(struct rule_run *run);
void rule_check_lag_over_rpo(struct rule_run *run);
void rule_check_catalog_version_mismatch(struct rule_run *run);
void rule_check_packages_running(struct rule_run *run);
void rule_check_automatic_failover_policy(struct rule_run *run);

void rule_check_site_unreachable(struct rule_run *run);
void rule_check_stale_data(struct rule_run *run);

#endif
