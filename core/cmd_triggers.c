/* triggers sync | enable SITE [NAME...] | disable SITE [NAME...].
 * sync starts the managed triggers in the primary site's factory and stops
 * them in the other, stops first so that no trigger runs on both sides at
 * once. Each plan entry is "<site digit><+ or -><trigger name>". */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/cmd_impl.h"

static bool started(const struct model_trigger *t)
{
	return !strcasecmp(t->state, "Started");
}

static const struct model_trigger *find(const struct model_site *s, const char *name)
{
	for (int i = 0; i < s->triggers.n; i++)
		if (!strcasecmp(s->triggers.items[i].name, name))
			return &s->triggers.items[i];
	return NULL;
}

static void add(struct plan *plan, const struct config_site *cs, int site, bool start, const char *name)
{
	if (plan->nnames == PLAN_MAX_NAMES)
		return;
	snprintf(plan->names[plan->nnames++], sizeof(plan->names[0]), "%d%c%s", site, start ? '+' : '-', name);
	plan_step(plan, cs->name, "ARM", "POST %s/triggers/%s/%s", cs->factory.id, name, start ? "start" : "stop");
}

/* Changes for one site: every managed trigger (or the named ones) that is
 * not yet in the wanted state. */
static int plan_site(struct cmd_call *call, struct plan *plan, const struct model_site *ms, int site,
		     bool start, char **names, int nnames)
{
	const struct config_site *cs = &call_config(call)->sites[site];

	if (!ms->triggers.d.read_at) {
		cmd_print(&call->out, SEV_WARNING, "%s: the triggers of %s have not been read (%s)", call->def->name,
			  ms->name, ms->triggers.d.error[0] ? ms->triggers.d.error : "no poll yet");
		return -1;
	}
	if (nnames) {
		for (int i = 0; i < nnames; i++) {
			const struct model_trigger *t = find(ms, names[i]);

			if (!t) {
				cmd_print(&call->out, SEV_WARNING, "%s: factory %s has no trigger %s", call->def->name,
					  cs->factory.name, names[i]);
				return -1;
			}
			if (started(t) != start)
				add(plan, cs, site, start, t->name);
		}
		return 0;
	}
	for (int i = 0; i < ms->triggers.n; i++) {
		const struct model_trigger *t = &ms->triggers.items[i];

		if (t->managed && started(t) != start)
			add(plan, cs, site, start, t->name);
	}
	return 0;
}

static int plan_sync(struct cmd_call *call, struct plan *plan, const struct model_pair *p)
{
	int pri = pair_primary(p);

	if (pri < 0) {
		cmd_print(&call->out, SEV_WARNING, "triggers sync: which site is primary is not known (%s: %s; %s: %s)",
			  p->sites[0].name, p->sites[0].role_basis, p->sites[1].name, p->sites[1].role_basis);
		return -1;
	}
	snprintf(plan->title, sizeof(plan->title), "stop the managed triggers in %s's factory, then start them in %s's (primary)",
		 p->sites[1 - pri].name, p->sites[pri].name);
	snprintf(plan->target, sizeof(plan->target), "%s", call_config(call)->sites[pri].failover_group);
	snprintf(plan->target_what, sizeof(plan->target_what), "failover group");
	if (plan_site(call, plan, &p->sites[1 - pri], 1 - pri, false, NULL, 0) ||
	    plan_site(call, plan, &p->sites[pri], pri, true, NULL, 0))
		return -1;
	if (!plan->nnames)
		snprintf(plan->nothing_to_do, sizeof(plan->nothing_to_do),
			 "the managed triggers are Started only in %s's factory already", p->sites[pri].name);
	return 0;
}

int cmd_triggers_plan(struct cmd_call *call, struct plan *plan)
{
	const struct model_pair *p = call_pair(call);
	bool enable = !strcmp(call->def->name, "triggers enable");
	int site;

	if (!p)
		return -1;
	snprintf(plan->lock_key, sizeof(plan->lock_key), "%s/triggers", call_config(call)->name);
	if (!strcmp(call->def->name, "triggers sync"))
		return plan_sync(call, plan, p);
	if ((site = cmd_site_arg(call, call->argv[0])) < 0)
		return -1;
	snprintf(plan->title, sizeof(plan->title), "%s %s in %s's factory %s", enable ? "start" : "stop",
		 call->argc > 1 ? "the named triggers" : "the managed triggers", p->sites[site].name,
		 call_config(call)->sites[site].factory.name);
	snprintf(plan->target, sizeof(plan->target), "%s", p->sites[site].name);
	snprintf(plan->target_what, sizeof(plan->target_what), "site");
	if (plan_site(call, plan, &p->sites[site], site, enable, call->argv + 1, call->argc - 1))
		return -1;
	if (!plan->nnames) {
		snprintf(plan->nothing_to_do, sizeof(plan->nothing_to_do), "those triggers are %s already",
			 enable ? "Started" : "Stopped");
		return 0;
	}
	if (enable && p->sites[site].role == ROLE_SECONDARY)
		plan_against(plan, "%s holds the secondary role: triggers started there run packages on the wrong side, "
				   "or twice (triggers-on-secondary)", p->sites[site].name);
	if (!enable && p->sites[site].role == ROLE_PRIMARY)
		plan_against(plan, "%s holds the primary role: its stopped triggers will not run their packages",
			     p->sites[site].name);
	return 0;
}

static bool in_wanted_state(const struct model_pair *p, const struct op *op)
{
	for (int i = 0; i < op->plan.nnames; i++) {
		const char *entry = op->plan.names[i];
		const struct model_site *s = &p->sites[entry[0] - '0'];
		const struct model_trigger *t = find(s, entry + 2);

		if (s->triggers.d.read_at <= op->started || !t || started(t) != (entry[1] == '+'))
			return false;
	}
	return true;
}

int cmd_triggers_execute(struct op *op)
{
	const struct config_pair *cp = op_config(op);
	int failed = 0;

	for (int i = 0; i < op->plan.nnames; i++) {
		const char *entry = op->plan.names[i];
		const struct config_site *cs = &cp->sites[entry[0] - '0'];
		bool start = entry[1] == '+';
		struct arm_call call;
		char path[2048];

		snprintf(path, sizeof(path), "%s/triggers/%s/%s", cs->factory.id, entry + 2, start ? "start" : "stop");
		if (op_arm(op, "POST", path, API_ADF, ARM_FOLLOW_LRO, 5 * 60 * 1000L, &call))
			failed++;
		else
			op_progress(op, SEV_INFO, "%s %s in %s", start ? "started" : "stopped", entry + 2, cs->name);
		arm_call_clear(&call);
	}
	if (failed)
		return op_fail(op, "%d of %d trigger changes failed (see the log)", failed, op->plan.nnames);
	if (op_verify(op, in_wanted_state, 120, "every trigger reports its new runtimeState"))
		return op_fail(op, "the triggers did not all report their new state");
	return op_succeed(op, "%d trigger%s changed", op->plan.nnames, op->plan.nnames == 1 ? "" : "s");
}
