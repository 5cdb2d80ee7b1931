/* Drill conditions (ssisdr-runbook(5)): each is evaluated on one snapshot
 * of the pair and returns whether it holds plus one line of evidence with
 * the values it saw. Data that was never read, or is stale (older than
 * env->stale_after, model_stale_after() as for the findings), is not
 * evidence: the condition does not hold and says "no fresh data". */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "core/drill_impl.h"
#include "core/status.h"

struct ev {
	char *buf;
	size_t len;
};

static bool say(struct ev *e, bool holds, const char *fmt, ...) SSISDR_PRINTF(3, 4);

static bool say(struct ev *e, bool holds, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->buf, e->len, fmt, ap);
	va_end(ap);
	return holds;
}

static void age_text(char *out, size_t len, const struct datum *d, double now)
{
	char t[40];

	drill_fmt_duration(t, sizeof(t), now - d->read_at);
	snprintf(out, len, "read %s ago", t);
}

/* Fresh enough to be evidence; otherwise says why not. */
static bool fresh(const struct drill_env *env, const struct datum *d, const char *site, const char *what,
		  struct ev *e)
{
	char age[40];

	if (d->read_at <= 0)
		return say(e, false, "no fresh data: %s %s was never read%s%s", site, what, d->error[0] ? ": " : "",
			   d->error);
	if (env->now - d->read_at > env->stale_after) {
		drill_fmt_duration(age, sizeof(age), env->now - d->read_at);
		return say(e, false, "no fresh data: %s %s was last read %s ago%s%s", site, what, age,
			   d->error[0] ? ": " : "", d->error);
	}
	return true;
}

static int site_of(const struct drill_env *env, const char *name, struct ev *e)
{
	for (int i = 0; i < 2; i++)
		if (!strcmp(env->pair->sites[i].name, name))
			return i;
	say(e, false, "no site named %s in pair %s (sites: %s, %s)", name, env->pair->name, env->pair->sites[0].name,
	    env->pair->sites[1].name);
	return -1;
}

static enum model_role role_word(const char *w)
{
	return !strcasecmp(w, "primary") ? ROLE_PRIMARY : ROLE_SECONDARY;
}

static const char *role_upper(enum model_role r)
{
	return r == ROLE_PRIMARY ? "PRIMARY" : r == ROLE_SECONDARY ? "SECONDARY" : "UNKNOWN";
}

/* Is state one of "A|B|C"? */
static bool state_in(const char *state, const char *alternatives)
{
	char buf[RB_ARG_MAX], *save = NULL;

	str_copy(buf, alternatives, sizeof(buf));
	for (char *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save))
		if (!strcasecmp(state, t))
			return true;
	return false;
}

static bool started(const struct model_trigger *t)
{
	return !strcasecmp(t->state, "Started");
}

static int primary_index(const struct model_pair *p)
{
	bool a = p->sites[0].role == ROLE_PRIMARY, b = p->sites[1].role == ROLE_PRIMARY;

	return a && !b ? 0 : b && !a ? 1 : -1;
}

/* ---- the conditions ---------------------------------------------------------- */

static bool c_finding(const struct rb_cond *c, const struct drill_env *env, struct ev *e, bool want)
{
	const struct model_pair *p = env->pair;

	for (int i = 0; i < p->nfindings; i++)
		if (!strcmp(p->findings[i].id, c->args[0]))
			return say(e, want, "finding %s%s%s: %s", p->findings[i].id, p->findings[i].site[0] ? " on " : "",
				   p->findings[i].site, p->findings[i].message);
	return say(e, !want, "no finding %s (%d finding%s in all)", c->args[0], p->nfindings,
		   p->nfindings == 1 ? "" : "s");
}

static bool c_replication(const struct rb_cond *c, const struct drill_env *env, struct ev *e)
{
	const struct model_pair *p = env->pair;
	int pri = primary_index(p), i = pri >= 0 ? pri : 0;
	char age[48];

	/* the primary's view; the other's when the primary cannot be read */
	if (p->sites[i].fog.d.read_at <= 0 || env->now - p->sites[i].fog.d.read_at > env->stale_after)
		i = 1 - i;
	if (!fresh(env, &p->sites[i].fog.d, p->sites[i].name, "failover group", e))
		return false;
	age_text(age, sizeof(age), &p->sites[i].fog.d, env->now);
	return say(e, !strcasecmp(p->sites[i].fog.replication_state, c->args[0]),
		   "failover group %s on %s: replication %s (%s)", p->sites[i].fog.name, p->sites[i].name,
		   p->sites[i].fog.replication_state[0] ? p->sites[i].fog.replication_state : "not reported", age);
}

static bool c_lag(const struct drill_env *env, struct ev *e)
{
	double lag = status_lag_seconds(env->pair);
	char l[40], t[40];

	drill_fmt_duration(t, sizeof(t), (double)env->rpo_target);
	for (int i = 0; i < 2; i++) {
		const struct datum *d = &env->pair->sites[i].link.d;

		if (d->read_at > 0 && env->now - d->read_at <= env->stale_after)
			goto have;
	}
	return fresh(env, &env->pair->sites[0].link.d, env->pair->sites[0].name, "SSISDB replication link", e);
have:
	if (lag < 0)
		return say(e, false, "replication lag unknown (neither SSISDB reports it; RPO target %s)", t);
	drill_fmt_duration(l, sizeof(l), lag);
	return say(e, lag <= (double)env->rpo_target, "replication lag %s (RPO target %s)", l, t);
}

static bool c_no_running(const struct drill_env *env, struct ev *e)
{
	const struct model_pair *p = env->pair;
	int pri = primary_index(p), running = 0;
	char parts[2][160] = { "", "" };

	if (pri < 0)
		return say(e, false, "which site is primary is not known (%s: %s)", p->sites[0].name,
			   p->sites[0].role_basis);
	if (!fresh(env, &p->sites[pri].catalog.d, p->sites[pri].name, "SSISDB catalog", e))
		return false;
	for (int i = 0; i < 2; i++) {
		const struct model_catalog *cat = &p->sites[i].catalog;

		if (cat->d.read_at <= 0 || env->now - cat->d.read_at > env->stale_after)
			continue;
		running += cat->running;
		snprintf(parts[i], sizeof(parts[i]), "%s%s: %d running, %d pending", i && parts[0][0] ? "; " : "",
			 p->sites[i].name, cat->running, cat->pending);
	}
	return say(e, running == 0, "SSISDB executions: %s%s%s", parts[0], parts[1],
		   running ? " (a planned failover would interrupt them)" : "");
}

static bool c_pipelines(const struct rb_cond *c, const struct drill_env *env, struct ev *e)
{
	const struct model_pair *p = env->pair;
	int s = site_of(env, c->args[0], e), n = 0, missing = 0;
	char names[240] = "", miss[240] = "";

	if (s < 0 || !fresh(env, &p->sites[s].pipelines.d, p->sites[s].name, "pipeline list", e) ||
	    !fresh(env, &p->sites[1 - s].pipelines.d, p->sites[1 - s].name, "pipeline list", e))
		return false;
	for (int i = 0; i < p->sites[s].pipelines.n; i++)
		if (p->sites[s].pipelines.items[i].ssis && n++ < 6)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", n > 1 ? ", " : "",
				 p->sites[s].pipelines.items[i].name);
	for (int i = 0; i < p->sites[1 - s].pipelines.n; i++) {
		const struct model_pipeline *o = &p->sites[1 - s].pipelines.items[i];
		bool found = false;

		if (!o->ssis)
			continue;
		for (int k = 0; k < p->sites[s].pipelines.n && !found; k++)
			found = !strcasecmp(p->sites[s].pipelines.items[k].name, o->name) && p->sites[s].pipelines.items[k].ssis;
		if (!found && missing++ < 6)
			snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s%s", missing > 1 ? ", " : "", o->name);
	}
	if (missing)
		return say(e, false, "%s's factory lacks %d SSIS pipeline%s that %s has: %s", p->sites[s].name, missing,
			   missing == 1 ? "" : "s", p->sites[1 - s].name, miss);
	if (!n)
		return say(e, false, "%s's factory has no pipeline with an Execute SSIS Package activity", p->sites[s].name);
	return say(e, true, "%s's factory has %d SSIS pipeline%s (%s), all that %s has", p->sites[s].name, n,
		   n == 1 ? "" : "s", names, p->sites[1 - s].name);
}

static bool has_trigger(const struct model_site *s, const char *name)
{
	for (int i = 0; i < s->triggers.n; i++)
		if (!strcasecmp(s->triggers.items[i].name, name))
			return true;
	return false;
}

static bool c_triggers_present(const struct rb_cond *c, const struct drill_env *env, struct ev *e)
{
	const struct model_pair *p = env->pair;
	int s = site_of(env, c->args[0], e), n = 0, missing = 0;
	char miss[240] = "";

	if (s < 0 || !fresh(env, &p->sites[s].triggers.d, p->sites[s].name, "trigger list", e) ||
	    !fresh(env, &p->sites[1 - s].triggers.d, p->sites[1 - s].name, "trigger list", e))
		return false;
	for (int i = 0; i < p->sites[s].triggers.n; i++)
		n += p->sites[s].triggers.items[i].managed;
	for (int i = 0; i < p->sites[1 - s].triggers.n; i++) {
		const struct model_trigger *t = &p->sites[1 - s].triggers.items[i];

		if (t->managed && !has_trigger(&p->sites[s], t->name) && missing++ < 6)
			snprintf(miss + strlen(miss), sizeof(miss) - strlen(miss), "%s%s", missing > 1 ? ", " : "", t->name);
	}
	if (missing)
		return say(e, false, "%s's factory lacks %d managed trigger%s that %s has: %s", p->sites[s].name,
			   missing, missing == 1 ? "" : "s", p->sites[1 - s].name, miss);
	return say(e, true, "%s's factory has %d managed trigger%s, all that %s has", p->sites[s].name, n,
		   n == 1 ? "" : "s", p->sites[1 - s].name);
}

/* Managed triggers of site s all Started (want) or all not Started. */
static bool triggers_all(const struct model_site *s, bool want, int *n, int *wrong, char *names, size_t len)
{
	*n = *wrong = 0;
	names[0] = '\0';
	for (int i = 0; i < s->triggers.n; i++) {
		const struct model_trigger *t = &s->triggers.items[i];

		if (!t->managed)
			continue;
		(*n)++;
		if (started(t) != want && (*wrong)++ < 6)
			snprintf(names + strlen(names), len - strlen(names), "%s%s %s", *wrong > 1 ? ", " : "", t->name,
				 t->state);
	}
	return *wrong == 0;
}

static bool c_triggers_state(const struct rb_cond *c, const struct drill_env *env, struct ev *e, bool want)
{
	const struct model_pair *p = env->pair;
	int s = site_of(env, c->args[0], e), n, wrong;
	char names[240], age[48];

	if (s < 0 || !fresh(env, &p->sites[s].triggers.d, p->sites[s].name, "trigger list", e))
		return false;
	age_text(age, sizeof(age), &p->sites[s].triggers.d, env->now);
	if (triggers_all(&p->sites[s], want, &n, &wrong, names, sizeof(names)))
		return say(e, true, "%s: all %d managed trigger%s %s (%s)", p->sites[s].name, n, n == 1 ? "" : "s",
			   want ? "Started" : "stopped", age);
	return say(e, false, "%s: %d of %d managed trigger%s not %s: %s (%s)", p->sites[s].name, wrong, n,
		   n == 1 ? "" : "s", want ? "Started" : "stopped", names, age);
}

static bool c_triggers_synced(const struct drill_env *env, struct ev *e)
{
	const struct model_pair *p = env->pair;
	int pri = primary_index(p), n[2], wrong[2];
	char names[2][240];
	bool ok;

	if (pri < 0)
		return say(e, false, "which site is primary is not known (%s: %s; %s: %s)", p->sites[0].name,
			   p->sites[0].role_basis, p->sites[1].name, p->sites[1].role_basis);
	for (int i = 0; i < 2; i++)
		if (!fresh(env, &p->sites[i].triggers.d, p->sites[i].name, "trigger list", e))
			return false;
	ok = triggers_all(&p->sites[pri], true, &n[0], &wrong[0], names[0], sizeof(names[0]));
	ok = triggers_all(&p->sites[1 - pri], false, &n[1], &wrong[1], names[1], sizeof(names[1])) && ok;
	return say(e, ok, "triggers: %d of %d Started in %s (primary)%s%s; %d of %d stopped in %s (secondary)%s%s",
		   n[0] - wrong[0], n[0], p->sites[pri].name, wrong[0] ? ", not: " : "", names[0], n[1] - wrong[1], n[1],
		   p->sites[1 - pri].name, wrong[1] ? ", not: " : "", names[1]);
}

static bool c_schedules_synced(const struct drill_env *env, struct ev *e)
{
	const struct model_pair *p = env->pair;
	int pri = primary_index(p), on[2] = { 0, 0 };

	if (!p->mi)
		return say(e, false, "pair %s is on Azure SQL Database: it has no SQL Agent schedules", p->name);
	if (pri < 0)
		return say(e, false, "which site is primary is not known (%s: %s)", p->sites[0].name,
			   p->sites[0].role_basis);
	for (int i = 0; i < 2; i++) {
		if (!fresh(env, &p->sites[i].jobs.d, p->sites[i].name, "SQL Agent job list", e))
			return false;
		for (int k = 0; k < p->sites[i].jobs.n; k++)
			on[i] += p->sites[i].jobs.items[k].schedule_enabled;
	}
	return say(e, on[pri] == p->sites[pri].jobs.n && on[1 - pri] == 0,
		   "SSIS job schedules: %d of %d enabled on %s (primary), %d of %d enabled on %s (secondary)", on[pri],
		   p->sites[pri].jobs.n, p->sites[pri].name, on[1 - pri], p->sites[1 - pri].jobs.n, p->sites[1 - pri].name);
}

static bool c_ir(const struct rb_cond *c, const struct drill_env *env, struct ev *e)
{
	const struct model_site *s;
	int i = site_of(env, c->args[0], e);
	char age[48];

	if (i < 0)
		return false;
	s = &env->pair->sites[i];
	if (!fresh(env, &s->ir.d, s->name, "IR status", e))
		return false;
	age_text(age, sizeof(age), &s->ir.d, env->now);
	if (s->ir.last_op_error[0])
		return say(e, state_in(s->ir.state, c->args[1]), "%s IR %s: %s, %d/%d nodes; last %s: %s (%s)", s->name,
			   s->ir.name, s->ir.state[0] ? s->ir.state : "state unknown", s->ir.nodes_available, s->ir.nodes,
			   s->ir.last_op_type, s->ir.last_op_error, age);
	return say(e, state_in(s->ir.state, c->args[1]), "%s IR %s: %s, %d/%d nodes (%s)", s->name, s->ir.name,
		   s->ir.state[0] ? s->ir.state : "state unknown", s->ir.nodes_available, s->ir.nodes, age);
}

static bool c_ir_was(const struct rb_cond *c, const struct drill_env *env, struct ev *e)
{
	const char *pri = env->vars ? rb_vars_get(env->vars, "primary") : NULL;
	const char *sec = env->vars ? rb_vars_get(env->vars, "secondary") : NULL;
	const char *var = NULL, *state;

	if (pri && !strcmp(c->args[0], pri))
		var = "primary_ir_state";
	else if (sec && !strcmp(c->args[0], sec))
		var = "secondary_ir_state";
	if (!var)
		return say(e, false, "%s is neither site of the drill", c->args[0]);
	state = rb_vars_get(env->vars, var);
	if (!state || !*state)
		return say(e, false, "%s IR state at the drill's start is not known", c->args[0]);
	return say(e, state_in(state, c->args[1]), "%s IR was %s when the drill started", c->args[0], state);
}

static bool c_role(const struct rb_cond *c, const struct drill_env *env, struct ev *e, int which)
{
	const struct model_site *s;
	int i = site_of(env, c->args[0], e);
	enum model_role want = role_word(c->args[1]), got;
	char age[48];

	if (i < 0)
		return false;
	s = &env->pair->sites[i];
	if (which == 0) {
		if (!fresh(env, &s->fog.d, s->name, "failover group", e))
			return false;
		age_text(age, sizeof(age), &s->fog.d, env->now);
		return say(e, s->fog.role == want, "%s failover group %s role: %s (%s)", s->name, s->fog.name,
			   model_role_name(s->fog.role), age);
	}
	if (which == 1) {
		if (!fresh(env, &s->link.d, s->name, "SSISDB replication link", e))
			return false;
		age_text(age, sizeof(age), &s->link.d, env->now);
		got = s->link.present ? s->link.role : ROLE_UNKNOWN;
		return say(e, got == want, "%s SSISDB role_desc: %s%s%s (%s)", s->name,
			   s->link.present ? role_upper(got) : "no geo-replication link", s->link.state_desc[0] ? ", " : "",
			   s->link.state_desc, age);
	}
	return say(e, s->role == want, "%s IR role: %s (%s)", s->name, model_role_name(s->role),
		   s->role_basis[0] ? s->role_basis : "no basis yet");
}

static bool c_roles_swapped(const struct drill_env *env, struct ev *e)
{
	const char *np = env->vars ? rb_vars_get(env->vars, "secondary") : NULL;
	const char *op = env->vars ? rb_vars_get(env->vars, "primary") : NULL;
	int n, o;
	const struct model_site *ns, *os;

	if (!np || !op)
		return say(e, false, "the drill's roles at its start are not known");
	if ((n = site_of(env, np, e)) < 0 || (o = site_of(env, op, e)) < 0)
		return false;
	ns = &env->pair->sites[n];
	os = &env->pair->sites[o];
	if (!fresh(env, &ns->fog.d, ns->name, "failover group", e) ||
	    !fresh(env, &ns->link.d, ns->name, "SSISDB replication link", e) ||
	    !fresh(env, &os->link.d, os->name, "SSISDB replication link", e))
		return false;
	return say(e,
		   ns->fog.role == ROLE_PRIMARY && ns->link.present && ns->link.role == ROLE_PRIMARY &&
			   os->link.present && os->link.role == ROLE_SECONDARY,
		   "%s (new primary): failover group %s, SSISDB %s; %s (old primary): SSISDB %s", ns->name,
		   model_role_name(ns->fog.role), ns->link.present ? role_upper(ns->link.role) : "no link", os->name,
		   os->link.present ? role_upper(os->link.role) : "no link");
}

static bool c_switch_job(const struct drill_env *env, struct ev *e)
{
	const struct model_pair *p = env->pair;
	bool ok = true;
	char parts[2][160];

	if (!p->mi)
		return say(e, false, "pair %s is on Azure SQL Database: it has no SQL Agent", p->name);
	for (int i = 0; i < 2; i++) {
		const struct model_jobs *j = &p->sites[i].jobs;

		if (!fresh(env, &j->d, p->sites[i].name, "SQL Agent job list", e))
			return false;
		ok = ok && j->switch_job_present && j->switch_job_enabled;
		snprintf(parts[i], sizeof(parts[i]), "%s: %s", p->sites[i].name,
			 !j->switch_job_present ? "no schedule-switch job"
			 : j->switch_job_enabled ? "schedule-switch job present and enabled"
						 : "schedule-switch job present but DISABLED");
	}
	return say(e, ok, "%s; %s", parts[0], parts[1]);
}

static bool c_site_fresh(const struct rb_cond *c, const struct drill_env *env, struct ev *e)
{
	const struct model_site *s;
	int i = site_of(env, c->args[0], e);
	char age[48];

	if (i < 0)
		return false;
	s = &env->pair->sites[i];
	if (!fresh(env, &s->ir.d, s->name, "IR status", e) || !fresh(env, &s->triggers.d, s->name, "trigger list", e) ||
	    !fresh(env, &s->pipelines.d, s->name, "pipeline list", e) ||
	    !fresh(env, &s->fog.d, s->name, "failover group", e) ||
	    !fresh(env, &s->link.d, s->name, "SSISDB replication link", e) ||
	    !fresh(env, &s->catalog.d, s->name, "SSISDB catalog", e) ||
	    ((env->pair->mi || s->mi) && !fresh(env, &s->jobs.d, s->name, "SQL Agent job list", e)))
		return false;
	age_text(age, sizeof(age), &s->ir.d, env->now);
	return say(e, true, "%s: IR, triggers, pipelines, failover group and SSISDB%s all fresh (IR %s)", s->name,
		   env->pair->mi ? ", msdb" : "", age);
}

static bool c_rto_estimate(const struct rb_cond *c, const struct drill_env *env, struct ev *e)
{
	const struct model_site *s;
	int i = site_of(env, c->args[0], e);
	long start;
	char est[40], target[40];

	if (i < 0)
		return false;
	s = &env->pair->sites[i];
	if (!fresh(env, &s->ir.d, s->name, "IR status", e))
		return false;
	drill_fmt_duration(target, sizeof(target), (double)env->rto_target);
	if (!strcasecmp(s->ir.state, "Started"))
		return say(e, true, "%s IR %s is Started: a failover needs no IR start (RTO target %s)", s->name,
			   s->ir.name, target);
	start = (s->ir.vnet ? 25 : 5) * 60;
	drill_fmt_duration(est, sizeof(est), (double)start);
	return say(e, start <= env->rto_target,
		   "%s IR %s is %s: a failover adds its start, about %s%s, to the RTO (target %s)", s->name, s->ir.name,
		   s->ir.state[0] ? s->ir.state : "in an unknown state", est, s->ir.vnet ? " with VNet injection" : "",
		   target);
}

bool drill_cond_eval(const struct rb_cond *c, const struct drill_env *env, char *evidence, size_t len)
{
	struct ev e = { evidence, len };

	if (len)
		evidence[0] = '\0';
	switch (c->kind) {
	case COND_NO_FINDING: return c_finding(c, env, &e, false);
	case COND_FINDING: return c_finding(c, env, &e, true);
	case COND_REPLICATION: return c_replication(c, env, &e);
	case COND_LAG_WITHIN_RPO: return c_lag(env, &e);
	case COND_NO_RUNNING_PACKAGES: return c_no_running(env, &e);
	case COND_SSIS_PIPELINES_PRESENT: return c_pipelines(c, env, &e);
	case COND_TRIGGERS_PRESENT: return c_triggers_present(c, env, &e);
	case COND_TRIGGERS_STOPPED: return c_triggers_state(c, env, &e, false);
	case COND_TRIGGERS_STARTED: return c_triggers_state(c, env, &e, true);
	case COND_TRIGGERS_SYNCED: return c_triggers_synced(env, &e);
	case COND_SCHEDULES_SYNCED: return c_schedules_synced(env, &e);
	case COND_IR: return c_ir(c, env, &e);
	case COND_IR_WAS: return c_ir_was(c, env, &e);
	case COND_IR_ROLE: return c_role(c, env, &e, 2);
	case COND_FOG_ROLE: return c_role(c, env, &e, 0);
	case COND_SSISDB_ROLE: return c_role(c, env, &e, 1);
	case COND_ROLES_SWAPPED: return c_roles_swapped(env, &e);
	case COND_SWITCH_JOB_PRESENT: return c_switch_job(env, &e);
	case COND_SITE_FRESH: return c_site_fresh(c, env, &e);
	case COND_RTO_ESTIMATE: return c_rto_estimate(c, env, &e);
	case COND_COUNT: break;
	}
	return say(&e, false, "unknown condition");
}
