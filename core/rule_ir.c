/* Rules about the two Azure-SSIS IRs: the primary one must run, the
 * secondary one's state decides how long a failover takes. */
#include "core/rule_impl.h"

#include <stdio.h>

/* The seed: within 5 minutes, or 20-30 minutes with VNet injection. */
static int start_minutes(const struct model_ir *ir)
{
	return ir->vnet ? 25 : 5;
}

static const char *vnet_note(const struct model_ir *ir)
{
	return ir->vnet ? " (VNet-injected)" : "";
}

static const char *idle_state_words(const struct model_ir *ir)
{
	if (rule_same_name(ir->state, "Stopped"))
		return "is stopped";
	if (rule_same_name(ir->state, "Stopping"))
		return "is stopping";
	if (rule_same_name(ir->state, "Initial"))
		return "has never been started";
	return NULL;
}

void rule_check_primary_ir_not_started(struct rule_run *run)
{
	const struct model_site *p = rule_site_with_role(run->pair, ROLE_PRIMARY);
	const struct model_ir *ir;
	char fix[160];

	if (!p || !rule_fresh(run, &p->ir.d) || !p->ir.state[0])
		return;
	ir = &p->ir;
	if (rule_same_name(ir->state, "Started"))
		return;
	rule_fix_site(fix, sizeof(fix), "ir start", p);
	if (rule_same_name(ir->state, "Starting"))
		rule_emit(run, RULE_PRIMARY_IR_NOT_STARTED, SEV_WARNING, p, "",
			  "IR %s on %s, the primary site, is starting: packages run once it is Started "
			  "(about %d min from the start%s).",
			  ir->name, p->name, start_minutes(ir), vnet_note(ir));
	else if (rule_same_name(ir->state, "Stopped") || rule_same_name(ir->state, "Initial"))
		rule_emit(run, RULE_PRIMARY_IR_NOT_STARTED, SEV_CRITICAL, p, fix,
			  "IR %s on %s, the primary site, %s: no SSIS package runs until it is "
			  "started, which takes about %d min%s.",
			  ir->name, p->name, idle_state_words(ir), start_minutes(ir), vnet_note(ir));
	else if (rule_same_name(ir->state, "Stopping"))
		rule_emit(run, RULE_PRIMARY_IR_NOT_STARTED, SEV_CRITICAL, p, fix,
			  "IR %s on %s, the primary site, is stopping: no SSIS package runs once it has "
			  "stopped. Start it again (about %d min%s).",
			  ir->name, p->name, start_minutes(ir), vnet_note(ir));
	else
		rule_emit(run, RULE_PRIMARY_IR_NOT_STARTED, SEV_CRITICAL, p, "",
			  "IR %s on %s, the primary site, is in state %s, not Started: SSIS packages "
			  "may not run.",
			  ir->name, p->name, ir->state);
}

/* getStatus lists the nodes; without that list there is nothing to say. */
void rule_check_primary_ir_nodes(struct rule_run *run)
{
	const struct model_site *p = rule_site_with_role(run->pair, ROLE_PRIMARY);
	const struct model_ir *ir;

	if (!p || !rule_fresh(run, &p->ir.d))
		return;
	ir = &p->ir;
	if (!rule_same_name(ir->state, "Started") || ir->nodes <= 0 || ir->nodes_requested <= 0 ||
	    ir->nodes_available >= ir->nodes_requested)
		return;
	if (ir->nodes_available <= 0)
		rule_emit(run, RULE_PRIMARY_IR_NODES, SEV_CRITICAL, p, "",
			  "IR %s on %s, the primary site, is Started but none of its %d nodes is "
			  "available: no SSIS package can run.",
			  ir->name, p->name, ir->nodes_requested);
	else
		rule_emit(run, RULE_PRIMARY_IR_NODES, SEV_WARNING, p, "",
			  "IR %s on %s, the primary site, is Started but only %d of its %d nodes are "
			  "available: packages run with less capacity and may queue.",
			  ir->name, p->name, ir->nodes_available, ir->nodes_requested);
}

void rule_check_secondary_ir_stopped(struct rule_run *run)
{
	const struct model_site *s = rule_site_with_role(run->pair, ROLE_SECONDARY);
	const struct model_ir *ir;
	const char *words;
	char fix[160], over_rto[80] = "", target[32];
	long start_s;

	if (!s || !rule_fresh(run, &s->ir.d))
		return;
	ir = &s->ir;
	words = idle_state_words(ir);
	if (!words)
		return;
	start_s = 60L * start_minutes(ir);
	if (run->ctx->rto_target > 0 && start_s > run->ctx->rto_target) {
		rule_duration(target, sizeof(target), (double)run->ctx->rto_target);
		snprintf(over_rto, sizeof(over_rto), "; that alone exceeds the RTO target of %s", target);
	}
	rule_fix_site(fix, sizeof(fix), "ir start", s);
	rule_emit(run, RULE_SECONDARY_IR_STOPPED, SEV_WARNING, s, fix,
		  "IR %s on %s, the secondary site, %s: a failover must wait about %d min%s for it to "
		  "start, added to the RTO%s. Start it to keep it warm.",
		  ir->name, s->name, words, start_minutes(ir), vnet_note(ir), over_rto);
}
