/* The ARM side of a poll cycle: five calls per site (IR, its status, the
 * factory's triggers and pipelines, the failover group as the site's server
 * or region reports it), all in flight at once, and the mapping of their
 * answers onto the model. */
#include <config.h>

#include "core/fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arm_parse.h"

#define API_ADF "2018-06-01"
#define API_SQL "2025-01-01"

/* A poll cycle never outlasts the request timeout: a call starts no new
 * attempt or page after it (a hung endpoint costs one timeout, not one per
 * retry). */
static void call_init(struct arm_call *c, const char *method, const char *api, long budget_ms)
{
	memset(c, 0, sizeof(*c));
	c->method = method;
	c->api_version = api;
	c->call_timeout_ms = budget_ms;
}

size_t fetch_arm_count(const struct ssisdr_config *cfg)
{
	return cfg->npairs * 2 * FETCH_PER_SITE;
}

void fetch_fog_path(const struct config_site *cs, char *out, size_t len)
{
	if (cs->kind == CONFIG_KIND_MI)
		snprintf(out, len,
			 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Sql/locations/%s/instanceFailoverGroups/%s",
			 cs->sql.sub, cs->sql.rg, cs->region, cs->failover_group);
	else
		snprintf(out, len, "%s/failoverGroups/%s", cs->sql.id, cs->failover_group);
}

void fetch_arm_prepare(const struct ssisdr_config *cfg, struct arm_call *calls)
{
	for (size_t p = 0; p < cfg->npairs; p++)
		for (size_t s = 0; s < 2; s++) {
			const struct config_site *cs = &cfg->pairs[p].sites[s];
			struct arm_call *c = &calls[(p * 2 + s) * FETCH_PER_SITE];
			long budget = cfg->console.request_timeout * 1000;

			call_init(&c[FETCH_IR], "GET", API_ADF, budget);
			snprintf(c[FETCH_IR].path, sizeof(c[FETCH_IR].path), "%s/integrationRuntimes/%s",
				 cs->factory.id, cs->integration_runtime);
			call_init(&c[FETCH_IR_STATUS], "POST", API_ADF, budget);
			c[FETCH_IR_STATUS].flags = ARM_IDEMPOTENT; /* getStatus reads */
			snprintf(c[FETCH_IR_STATUS].path, sizeof(c[FETCH_IR_STATUS].path),
				 "%s/integrationRuntimes/%s/getStatus", cs->factory.id, cs->integration_runtime);
			call_init(&c[FETCH_TRIGGERS], "GET", API_ADF, budget);
			c[FETCH_TRIGGERS].flags = ARM_FOLLOW_NEXT;
			snprintf(c[FETCH_TRIGGERS].path, sizeof(c[FETCH_TRIGGERS].path), "%s/triggers",
				 cs->factory.id);
			call_init(&c[FETCH_PIPELINES], "GET", API_ADF, budget);
			c[FETCH_PIPELINES].flags = ARM_FOLLOW_NEXT;
			snprintf(c[FETCH_PIPELINES].path, sizeof(c[FETCH_PIPELINES].path), "%s/pipelines",
				 cs->factory.id);
			call_init(&c[FETCH_FOG], "GET", API_SQL, budget);
			fetch_fog_path(cs, c[FETCH_FOG].path, sizeof(c[FETCH_FOG].path));
		}
}

/* A failed call leaves the datum's data as it was and says why. */
static bool mark(struct datum *d, const struct arm_call *c, double now, const char *what)
{
	d->tried_at = now;
	snprintf(d->request_id, sizeof(d->request_id), "%s", c->request_id);
	if (c->ok)
		return true;
	snprintf(d->error, sizeof(d->error), "%s: %s%s%s", what, c->error_code,
		 c->error_code[0] ? ": " : "", c->error_message);
	return false;
}

static void parse_failed(struct datum *d, const char *what, const char *err)
{
	snprintf(d->error, sizeof(d->error), "%s: unreadable answer: %s", what, err);
}

static void read_ok(struct datum *d, double now)
{
	d->read_at = now;
	d->error[0] = '\0';
}

static enum model_role parse_role(const char *s)
{
	if (!strcasecmp(s, "Primary"))
		return ROLE_PRIMARY;
	if (!strcasecmp(s, "Secondary"))
		return ROLE_SECONDARY;
	return ROLE_UNKNOWN;
}

static void apply_ir(struct model_site *site, const struct arm_call *get, const struct arm_call *st,
		     double now)
{
	struct model_ir *ir = &site->ir;
	struct arm_ir a;
	struct arm_ir_status s;
	char err[256];

	if (!mark(&ir->d, get, now, "IR") || !mark(&ir->d, st, now, "IR status"))
		return;
	if (arm_parse_ir(get->body_out, get->body_len, &a, err, sizeof(err))) {
		parse_failed(&ir->d, "IR", err);
		return;
	}
	if (arm_parse_ir_status(st->body_out, st->body_len, &s, err, sizeof(err))) {
		parse_failed(&ir->d, "IR status", err);
		return;
	}
	snprintf(ir->name, sizeof(ir->name), "%s", a.name);
	snprintf(ir->state, sizeof(ir->state), "%s", s.state[0] ? s.state : a.state);
	ir->nodes = (int)s.node_count;
	ir->nodes_available = (int)s.nodes_available;
	ir->nodes_requested = a.number_of_nodes;
	ir->is_ssis = a.is_ssis;
	ir->vnet = a.has_vnet;
	snprintf(ir->catalog_endpoint, sizeof(ir->catalog_endpoint), "%s", a.catalog_server_endpoint);
	snprintf(ir->pair_name, sizeof(ir->pair_name), "%s", a.dual_standby_pair_name);
	ir->last_op_type[0] = ir->last_op_result[0] = ir->last_op_error[0] = '\0';
	if (s.has_last_operation) {
		snprintf(ir->last_op_type, sizeof(ir->last_op_type), "%s", s.last_operation.type);
		snprintf(ir->last_op_result, sizeof(ir->last_op_result), "%s", s.last_operation.result);
		snprintf(ir->last_op_error, sizeof(ir->last_op_error), "%s", s.last_operation.error_code);
	}
	read_ok(&ir->d, now);
}

static void apply_pipelines(struct model_site *site, const struct arm_call *c, double now)
{
	struct model_pipelines *mp = &site->pipelines;
	struct model_pipelines fresh = { .d = mp->d };
	char err[256];

	if (!mark(&mp->d, c, now, "pipelines"))
		return;
	for (int pg = 0; pg < c->npages; pg++) {
		struct arm_pipeline_list list;

		if (arm_parse_pipeline_list(c->pages[pg], c->page_lens[pg], &list, err, sizeof(err))) {
			parse_failed(&mp->d, "pipelines", err);
			return;
		}
		for (size_t i = 0; i < list.count && fresh.n < MODEL_MAX_PIPELINES; i++) {
			struct model_pipeline *p = &fresh.items[fresh.n++];
			snprintf(p->name, sizeof(p->name), "%s", list.items[i].name);
			p->ssis = list.items[i].ssis_activity_count > 0;
			if (p->ssis)
				snprintf(p->ir, sizeof(p->ir), "%s", list.items[i].ssis_activities[0].ir_name);
		}
		arm_pipeline_list_free(&list);
	}
	*mp = fresh;
	read_ok(&mp->d, now);
}

static bool pipeline_is_ssis(const struct model_pipelines *mp, const char *name)
{
	for (int i = 0; i < mp->n; i++)
		if (!strcasecmp(mp->items[i].name, name))
			return mp->items[i].ssis;
	return false;
}

static bool named_in_config(const struct config_pair *cp, const char *name)
{
	for (size_t i = 0; i < cp->ntrigger_names; i++)
		if (!strcasecmp(cp->trigger_names[i], name))
			return true;
	return false;
}

/* Which triggers the pair manages, from `triggers =` in the config. */
void fetch_mark_managed(struct model_site *site, const struct config_pair *cp)
{
	for (int i = 0; i < site->triggers.n; i++) {
		struct model_trigger *t = &site->triggers.items[i];

		t->runs_ssis = false;
		for (int k = 0; k < t->npipelines; k++)
			if (pipeline_is_ssis(&site->pipelines, t->pipelines[k]))
				t->runs_ssis = true;
		t->managed = cp->triggers == CONFIG_TRIGGERS_ALL ||
			     (cp->triggers == CONFIG_TRIGGERS_SSIS && t->runs_ssis) ||
			     (cp->triggers == CONFIG_TRIGGERS_LIST && named_in_config(cp, t->name));
	}
}

static void apply_triggers(struct model_site *site, const struct arm_call *c, double now)
{
	struct model_triggers *mt = &site->triggers;
	struct model_triggers *fresh = calloc(1, sizeof(*fresh));
	char err[256];

	if (!fresh) {
		snprintf(mt->d.error, sizeof(mt->d.error), "triggers: out of memory");
		return;
	}
	if (!mark(&mt->d, c, now, "triggers"))
		goto out;
	fresh->d = mt->d;
	for (int pg = 0; pg < c->npages; pg++) {
		struct arm_trigger_list list;

		if (arm_parse_trigger_list(c->pages[pg], c->page_lens[pg], &list, err, sizeof(err))) {
			parse_failed(&mt->d, "triggers", err);
			goto out;
		}
		for (size_t i = 0; i < list.count; i++) {
			struct model_trigger *t;

			if (fresh->n == MODEL_MAX_TRIGGERS) {
				fresh->truncated = true;
				break;
			}
			t = &fresh->items[fresh->n++];
			snprintf(t->name, sizeof(t->name), "%s", list.items[i].name);
			snprintf(t->type, sizeof(t->type), "%s", list.items[i].type);
			snprintf(t->state, sizeof(t->state), "%s", list.items[i].runtime_state);
			for (size_t k = 0; k < list.items[i].pipeline_count && t->npipelines < MODEL_TRIGGER_PIPELINES; k++)
				snprintf(t->pipelines[t->npipelines++], sizeof(t->pipelines[0]), "%s",
					 list.items[i].pipelines[k].name);
		}
		arm_trigger_list_free(&list);
	}
	*mt = *fresh;
	read_ok(&mt->d, now);
out:
	free(fresh);
}

/* What both kinds of failover group have in common. */
static void fill_fog(struct model_fog *f, const char *name, const char *role, const char *state,
		     const char *policy, int grace, size_t npartners, const char *partner_role,
		     const char *partner_location)
{
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->role = parse_role(role);
	snprintf(f->replication_state, sizeof(f->replication_state), "%s", state);
	snprintf(f->policy, sizeof(f->policy), "%s", policy);
	f->grace_minutes = grace;
	f->partner_role = npartners ? parse_role(partner_role) : ROLE_UNKNOWN;
	snprintf(f->partner_location, sizeof(f->partner_location), "%s", npartners ? partner_location : "");
}

static void apply_fog(struct model_site *site, const struct arm_call *c, bool mi, double now)
{
	struct model_fog *f = &site->fog;
	char err[256];

	if (!mark(&f->d, c, now, "failover group"))
		return;
	if (mi) {
		struct arm_mi_fog a;

		if (arm_parse_mi_fog(c->body_out, c->body_len, &a, err, sizeof(err))) {
			parse_failed(&f->d, "failover group", err);
			return;
		}
		fill_fog(f, a.name, a.replication_role, a.replication_state, a.failover_policy, a.grace_minutes,
			 a.partner_region_count, a.partner_regions[0].replication_role, a.partner_regions[0].location);
		snprintf(f->primary_mi_id, sizeof(f->primary_mi_id), "%s", a.primary_mi_id);
	} else {
		struct arm_fog a;

		if (arm_parse_fog(c->body_out, c->body_len, &a, err, sizeof(err))) {
			parse_failed(&f->d, "failover group", err);
			return;
		}
		fill_fog(f, a.name, a.replication_role, a.replication_state, a.failover_policy, a.grace_minutes,
			 a.partner_count, a.partners[0].replication_role, a.partners[0].location);
	}
	read_ok(&f->d, now);
}

void fetch_arm_apply(const struct ssisdr_config *cfg, const struct arm_call *calls,
		     struct model_pair *pairs, double now)
{
	for (size_t p = 0; p < cfg->npairs; p++)
		for (size_t s = 0; s < 2; s++) {
			const struct arm_call *c = &calls[(p * 2 + s) * FETCH_PER_SITE];
			struct model_site *site = &pairs[p].sites[s];

			apply_ir(site, &c[FETCH_IR], &c[FETCH_IR_STATUS], now);
			apply_pipelines(site, &c[FETCH_PIPELINES], now);
			apply_triggers(site, &c[FETCH_TRIGGERS], now);
			fetch_mark_managed(site, &cfg->pairs[p]);
			apply_fog(site, &c[FETCH_FOG], cfg->pairs[p].sites[s].kind == CONFIG_KIND_MI, now);
		}
}
