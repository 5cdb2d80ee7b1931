/* Rules about the SQL side: replication health and lag, the SSISDB
 * catalogs, executions in flight, and the failover group's policy. */
#include "core/rule_impl.h"

#include <stdio.h>
#include <string.h>

/* One reading of the replication state, from ARM or from SSISDB. */
struct replication_reading {
	const char *state;
	enum severity severity;
	char source[2 * MODEL_NAME_MAX + 64];
};

static enum severity replication_severity(const char *state)
{
	if (rule_same_name(state, "CATCH_UP"))
		return SEV_OK;
	if (rule_same_name(state, "SEEDING") || rule_same_name(state, "PENDING"))
		return SEV_WARNING;
	return SEV_CRITICAL;
}

static void consider(struct replication_reading *worst, const char *state, const char *source)
{
	enum severity sev;

	if (!state[0])
		return;
	sev = replication_severity(state);
	if (worst->state && sev <= worst->severity)
		return;
	worst->state = state;
	worst->severity = sev;
	str_copy(worst->source, source, sizeof(worst->source));
}

static const char *replication_consequence(const char *state)
{
	if (rule_same_name(state, "SUSPENDED"))
		return "the secondary is not receiving changes, so a failover now would lose data";
	if (rule_same_name(state, "SEEDING"))
		return "the secondary is still being copied and cannot take over yet";
	if (rule_same_name(state, "PENDING"))
		return "replication has not started, so the secondary cannot take over yet";
	return "this is not CATCH_UP; check the failover group before any failover";
}

void rule_check_replication_unhealthy(struct rule_run *run)
{
	struct replication_reading worst = { .state = NULL };
	char source[sizeof(worst.source)];

	for (int i = 0; i < 2; i++) {
		const struct model_site *s = &run->pair->sites[i];

		if (rule_fresh(run, &s->fog.d)) {
			snprintf(source, sizeof(source), "failover group%s%s as %s reports it",
				 s->fog.name[0] ? " " : "", s->fog.name, s->name);
			consider(&worst, s->fog.replication_state, source);
		}
		if (rule_fresh(run, &s->link.d) && s->link.present) {
			snprintf(source, sizeof(source), "SSISDB on %s", s->name);
			consider(&worst, s->link.state_desc, source);
		}
	}
	if (!worst.state || worst.severity == SEV_OK)
		return;
	rule_emit(run, RULE_REPLICATION_UNHEALTHY, worst.severity, NULL, "",
		  "Replication of SSISDB is %s (%s): %s.",
		  worst.state, worst.source, replication_consequence(worst.state));
}

/* replication_lag_sec is reported by the primary only; a secondary's
 * last_commit against the primary's is the next best measure. */
static double replication_lag(struct rule_run *run, char *source, size_t len)
{
	const struct model_site *a = &run->pair->sites[0], *b = &run->pair->sites[1];
	double lag = -1, gap;

	for (int i = 0; i < 2; i++) {
		const struct model_site *s = &run->pair->sites[i];

		if (!rule_fresh(run, &s->link.d) || !s->link.present || !s->link.lag_known)
			continue;
		if (s->link.lag_seconds > lag) {
			lag = s->link.lag_seconds;
			snprintf(source, len, "replication_lag_sec on %s", s->name);
		}
	}
	if (lag >= 0)
		return lag;
	if (!rule_fresh(run, &a->link.d) || !rule_fresh(run, &b->link.d) || !a->link.present ||
	    !b->link.present || a->link.last_commit_epoch <= 0 || b->link.last_commit_epoch <= 0)
		return -1;
	gap = a->link.last_commit_epoch - b->link.last_commit_epoch;
	snprintf(source, len, "the gap between the last commits in SSISDB on %s and %s", a->name, b->name);
	return gap < 0 ? -gap : gap;
}

void rule_check_lag_over_rpo(struct rule_run *run)
{
	long rpo = run->ctx->rpo_target;
	char source[2 * MODEL_NAME_MAX + 64], lag_text[32], rpo_text[32];
	double lag;
	bool twice;

	if (rpo <= 0)
		return;
	lag = replication_lag(run, source, sizeof(source));
	if (lag <= (double)rpo)
		return;
	twice = lag > 2.0 * (double)rpo;
	rule_duration(lag_text, sizeof(lag_text), lag);
	rule_duration(rpo_text, sizeof(rpo_text), (double)rpo);
	rule_emit(run, RULE_LAG_OVER_RPO, twice ? SEV_CRITICAL : SEV_WARNING, NULL, "",
		  "Replication lag is %s, %s the RPO target of %s: a failover now could lose up to "
		  "%s of SSISDB changes (%s).",
		  lag_text, twice ? "more than twice" : "over", rpo_text, lag_text, source);
}

static void version_text(char *buf, size_t len, const struct model_catalog *c)
{
	if (c->schema_build[0])
		snprintf(buf, len, "%s (build %s)", c->schema_version, c->schema_build);
	else
		snprintf(buf, len, "%s", c->schema_version);
}

void rule_check_catalog_version_mismatch(struct rule_run *run)
{
	const struct model_site *a = &run->pair->sites[0], *b = &run->pair->sites[1];
	char va[80], vb[80];

	if (!rule_fresh(run, &a->catalog.d) || !rule_fresh(run, &b->catalog.d))
		return;
	if (!a->catalog.schema_version[0] || !b->catalog.schema_version[0] ||
	    !strcmp(a->catalog.schema_version, b->catalog.schema_version))
		return;
	version_text(va, sizeof(va), &a->catalog);
	version_text(vb, sizeof(vb), &b->catalog);
	rule_emit(run, RULE_CATALOG_VERSION_MISMATCH, SEV_WARNING, NULL, "",
		  "SSISDB schema versions differ: %s has %s, %s has %s. A replicated SSISDB matches "
		  "its primary: check that SSISDB is in the failover group and caught up.",
		  a->name, va, b->name, vb);
}

void rule_check_packages_running(struct rule_run *run)
{
	const struct model_site *p = rule_site_with_role(run->pair, ROLE_PRIMARY);
	const struct model_catalog *c;

	if (!p || !rule_fresh(run, &p->catalog.d))
		return;
	c = &p->catalog;
	if (c->running + c->pending <= 0)
		return;
	rule_emit(run, RULE_PACKAGES_RUNNING, SEV_INFO, p, "",
		  "%s: SSIS executions in SSISDB on the primary site: %d running, %d pending. "
		  "A planned failover would interrupt them.",
		  p->name, c->running, c->pending);
}

void rule_check_automatic_failover_policy(struct rule_run *run)
{
	const struct model_fog *fog = NULL;
	char grace[48] = "";

	for (int i = 0; i < 2 && !fog; i++) {
		const struct model_site *s = &run->pair->sites[i];

		if (rule_fresh(run, &s->fog.d) && rule_same_name(s->fog.policy, "Automatic"))
			fog = &s->fog;
	}
	if (!fog)
		return;
	if (fog->grace_minutes > 0)
		snprintf(grace, sizeof(grace), " after a grace period of %d min", fog->grace_minutes);
	rule_emit(run, RULE_AUTOMATIC_FAILOVER_POLICY, SEV_INFO, NULL, "",
		  "The failover group%s%s has the Automatic failover policy: Azure may move the "
		  "primary role on its own%s, and the IRs%s must then follow.",
		  fog->name[0] ? " " : "", fog->name, grace, run->pair->mi ? ", triggers and schedules" : " and triggers");
}
