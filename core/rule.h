/* Findings: what is wrong with a pair, in the operator's words, and the
 * console command that repairs it.
 *
 * rule_evaluate() runs every rule of rule_table() over a pair whose site
 * roles (site->role) have already been derived (core/role.h). A rule reads
 * only data that is fresh: read at least once and no older than three
 * refresh intervals. When the data a rule needs is missing or stale the rule
 * stays silent, and the stale-data or site-unreachable finding speaks
 * instead; so no finding ever claims something from data the console does
 * not have. */
#ifndef CORE_RULE_H
#define CORE_RULE_H

#include <stddef.h>

#include "core/model.h"

struct rule_context {
	double now;      /* wall-clock seconds */
	long refresh;    /* poll interval, seconds (taken as 1 s when less) */
	/* A cycle lasts up to the request timeout (a hung region's calls time out
	 * before the cycle publishes), so data is stale only when older than
	 * 3 x refresh + request_timeout; 0 leaves 3 x refresh. */
	long request_timeout;
	long rpo_target; /* seconds; 0: no RPO target, lag-over-rpo stays silent */
	long rto_target; /* seconds; 0: no RTO target */
};

/* Evaluate every rule; fills pair->findings (sorted: critical first, then
 * warning, info; stable by rule order within a severity), pair->nfindings
 * and pair->worst (SEV_OK when none). */
void rule_evaluate(struct model_pair *pair, const struct rule_context *ctx);

/* The table of rules, for documentation and `help findings`: id, default
 * severity, one-line description. In evaluation order. */
struct rule_info {
	const char *id;
	enum severity severity;
	const char *summary;
};
const struct rule_info *rule_table(size_t *n);

#endif
