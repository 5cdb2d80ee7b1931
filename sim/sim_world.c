#include <config.h>

#include "sim/sim_world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "sim/sim_db.h"

int sim_world_init(struct sim_world *w)
{
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->changed, NULL);
	w->pairs = calloc(1, sizeof(*w->pairs));
	if (!w->pairs)
		return -1;
	w->npairs = 1;
	w->kind = SIM_KIND_SQLDB;
	w->token_lifetime = 3599;
	w->trigger_page_size = 50;
	w->reads_remaining = 249;
	w->writes_remaining = 199;
	snprintf(w->subscription, sizeof(w->subscription), "00000000-0000-4000-8000-00000000feed");
	snprintf(w->tenant, sizeof(w->tenant), "00000000-0000-4000-8000-0000000071e7");
	snprintf(w->client_id, sizeof(w->client_id), "00000000-0000-4000-8000-00000000c11e");
	snprintf(w->client_secret, sizeof(w->client_secret), "sim-secret");

	struct sim_pair *p = &w->pairs[0];
	snprintf(p->policy, sizeof(p->policy), "Manual");
	snprintf(p->replication_state, sizeof(p->replication_state), "CATCH_UP");
	p->commit_interval = 1;
	p->failover_seconds = 30;
	p->grace_minutes = 60;
	p->smk_replicated = true;
	for (int s = 0; s < 2; s++) {
		struct sim_ir *ir = &p->sites[s].ir;
		ir->state = SIM_IR_STOPPED;
		ir->nodes = 2;
		ir->start_seconds = -1;
		ir->stop_seconds = 60;
	}
	return 0;
}

void sim_world_free(struct sim_world *w)
{
	free(w->pairs);
	free(w->ops);
	w->pairs = NULL;
	w->ops = NULL;
	pthread_cond_destroy(&w->changed);
	pthread_mutex_destroy(&w->lock);
}

static void suffix(char *s, size_t len, int k)
{
	size_t n = strlen(s);

	if (n + 4 < len)
		snprintf(s + n, len - n, "-%02d", k);
}

int sim_world_replicate(struct sim_world *w, int copies, char *err, size_t errlen)
{
	struct sim_pair *pairs;

	if (copies < 1 || copies > 200) {
		snprintf(err, errlen, "--pairs takes a number from 1 to 200");
		return -1;
	}
	if (copies == 1)
		return 0;
	pairs = calloc((size_t)copies, sizeof(*pairs));
	if (!pairs) {
		snprintf(err, errlen, "out of memory for %d pairs", copies);
		return -1;
	}
	for (int k = 0; k < copies; k++) {
		struct sim_pair *p = &pairs[k];

		*p = w->pairs[0];
		if (k == 0)
			continue;
		suffix(p->name, sizeof(p->name), k + 1);
		suffix(p->fog, sizeof(p->fog), k + 1);
		for (int s = 0; s < 2; s++) {
			struct sim_site *site = &p->sites[s];
			suffix(site->name, sizeof(site->name), k + 1);
			suffix(site->factory, sizeof(site->factory), k + 1);
			suffix(site->server, sizeof(site->server), k + 1);
			suffix(site->ir.name, sizeof(site->ir.name), k + 1);
			if (site->ir.pair_name[0])
				suffix(site->ir.pair_name, sizeof(site->ir.pair_name), k + 1);
		}
	}
	free(w->pairs);
	w->pairs = pairs;
	w->npairs = copies;
	return 0;
}

static void lower_nospace(char *dst, const char *src, size_t len)
{
	size_t n = 0;

	for (; *src && n + 1 < len; src++)
		if (*src != ' ')
			dst[n++] = (char)((*src >= 'A' && *src <= 'Z') ? *src + 32 : *src);
	dst[n] = '\0';
}

static int finish_site(struct sim_world *w, struct sim_pair *p, struct sim_site *s, char *err,
		       size_t errlen)
{
	const char *missing = NULL;

	if (!s->location[0])
		missing = "location";
	else if (!s->resource_group[0])
		missing = "resource_group";
	else if (!s->factory[0])
		missing = "factory";
	else if (!s->ir.name[0])
		missing = "integration_runtime";
	else if (!s->server[0])
		missing = "server";
	if (missing) {
		snprintf(err, errlen, "[site %s] needs %s", s->name, missing);
		return -1;
	}
	if (!s->region[0])
		lower_nospace(s->region, s->location, sizeof(s->region));
	if (!s->ir.pair_name[0])
		snprintf(s->ir.pair_name, sizeof(s->ir.pair_name), "%s", p->name);
	if (s->ir.start_seconds < 0)
		s->ir.start_seconds = s->ir.vnet ? 25 * 60 : 5 * 60;
	if (w->kind == SIM_KIND_MI) {
		if (!s->dns_zone[0])
			snprintf(s->dns_zone, sizeof(s->dns_zone), "5e1d0c0ffee0");
		snprintf(s->ir.catalog_endpoint, sizeof(s->ir.catalog_endpoint),
			 "%s.%s.database.windows.net", s->server, s->dns_zone);
	} else {
		snprintf(s->ir.catalog_endpoint, sizeof(s->ir.catalog_endpoint),
			 "%s.database.windows.net", s->server);
	}
	if (!s->catalog_schema_version[0])
		snprintf(s->catalog_schema_version, sizeof(s->catalog_schema_version), "15.0.2000.0");
	snprintf(s->bound_factory, sizeof(s->bound_factory), "%s", s->factory);
	snprintf(s->bound_ir, sizeof(s->bound_ir), "%s", s->ir.name);
	snprintf(s->ir.last_op_type, sizeof(s->ir.last_op_type), "%s",
		 s->ir.state == SIM_IR_STARTED ? "start" : "stop");
	snprintf(s->ir.last_op_result, sizeof(s->ir.last_op_result), "Succeeded");
	s->ir.last_op_start = -3600;
	s->ir.version = 1;
	return 0;
}

int sim_world_finish(struct sim_world *w, char *err, size_t errlen)
{
	for (int k = 0; k < w->npairs; k++) {
		struct sim_pair *p = &w->pairs[k];

		if (!p->name[0] || !p->fog[0]) {
			snprintf(err, errlen, "[scenario] needs pair and failover_group");
			return -1;
		}
		if (p->sites[0].role == p->sites[1].role) {
			snprintf(err, errlen, "pair %s: one site must be primary and the other secondary",
				 p->name);
			return -1;
		}
		for (int s = 0; s < 2; s++)
			if (finish_site(w, p, &p->sites[s], err, errlen))
				return -1;
		p->version = 1;
	}
	/* schedule ids: the same job on both sites shares its id, as copied jobs do */
	for (int k = 0; k < w->npairs; k++)
		for (int s = 0; s < 2; s++)
			for (int j = 0; j < w->pairs[k].sites[s].njobs; j++)
				w->pairs[k].sites[s].jobs[j].schedule_id = 100 + j;
	return 0;
}

const char *sim_ir_state_name(sim_ir_state s)
{
	switch (s) {
	case SIM_IR_INITIAL: return "Initial";
	case SIM_IR_STOPPED: return "Stopped";
	case SIM_IR_STARTING: return "Starting";
	case SIM_IR_STARTED: return "Started";
	case SIM_IR_STOPPING: return "Stopping";
	}
	return "Initial";
}

const char *sim_role_name(sim_role r)
{
	return r == SIM_ROLE_PRIMARY ? "Primary" : "Secondary";
}

struct sim_site *sim_site_by_name_locked(struct sim_world *w, const char *name, int *pair, int *site)
{
	for (int k = 0; k < w->npairs; k++)
		for (int s = 0; s < 2; s++)
			if (!strcmp(w->pairs[k].sites[s].name, name)) {
				*pair = k;
				*site = s;
				return &w->pairs[k].sites[s];
			}
	return NULL;
}

/* ARM names and resource groups are case-insensitive. */
struct sim_site *sim_site_by_factory_locked(struct sim_world *w, const char *rg, const char *factory,
					    int *pair, int *site)
{
	for (int k = 0; k < w->npairs; k++)
		for (int s = 0; s < 2; s++) {
			struct sim_site *x = &w->pairs[k].sites[s];
			if (!strcasecmp(x->resource_group, rg) && !strcasecmp(x->factory, factory)) {
				*pair = k;
				*site = s;
				return x;
			}
		}
	return NULL;
}

struct sim_site *sim_site_by_server_locked(struct sim_world *w, const char *rg, const char *server,
					   int *pair, int *site)
{
	for (int k = 0; k < w->npairs; k++)
		for (int s = 0; s < 2; s++) {
			struct sim_site *x = &w->pairs[k].sites[s];
			if (!strcasecmp(x->resource_group, rg) && !strcasecmp(x->server, server)) {
				*pair = k;
				*site = s;
				return x;
			}
		}
	return NULL;
}

struct sim_site *sim_site_by_region_locked(struct sim_world *w, const char *fog, const char *region,
					   int *pair, int *site)
{
	char want[SIM_NAME_MAX];

	lower_nospace(want, region, sizeof(want));
	for (int k = 0; k < w->npairs; k++) {
		if (strcasecmp(w->pairs[k].fog, fog))
			continue;
		for (int s = 0; s < 2; s++)
			if (!strcmp(w->pairs[k].sites[s].region, want)) {
				*pair = k;
				*site = s;
				return &w->pairs[k].sites[s];
			}
	}
	return NULL;
}

static void new_id(char *out, size_t len)
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		memset(b, 0x5a, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, len,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

static struct sim_op *new_op_locked(struct sim_world *w, sim_op_kind kind, int pair, int site,
				    double duration)
{
	struct sim_op *op;

	if (w->nops == w->ops_cap) {
		int cap = w->ops_cap ? w->ops_cap * 2 : 32;
		struct sim_op *ops = realloc(w->ops, (size_t)cap * sizeof(*ops));
		if (!ops)
			return NULL;
		w->ops = ops;
		w->ops_cap = cap;
	}
	op = &w->ops[w->nops++];
	memset(op, 0, sizeof(*op));
	new_id(op->id, sizeof(op->id));
	op->kind = kind;
	op->pair = pair;
	op->site = site;
	op->started = sim_clock_now(&w->clock);
	op->done_at = op->started + duration;
	op->status = SIM_OP_RUNNING;
	return op;
}

struct sim_op *sim_op_find_locked(struct sim_world *w, const char *id)
{
	for (int i = 0; i < w->nops; i++)
		if (!strcasecmp(w->ops[i].id, id))
			return &w->ops[i];
	return NULL;
}

static int fail(char *code, char *msg, int status, const char *c, const char *m)
{
	snprintf(code, SIM_NAME_MAX, "%s", c);
	snprintf(msg, SIM_MSG_MAX, "%s", m);
	return status;
}

int sim_ir_start_locked(struct sim_world *w, int pair, int site, struct sim_op **op, char *code,
			char *msg)
{
	struct sim_ir *ir = &w->pairs[pair].sites[site].ir;
	char m[SIM_MSG_MAX];

	if (ir->state == SIM_IR_STARTING || ir->state == SIM_IR_STOPPING) {
		snprintf(m, sizeof(m),
			 "Integration runtime '%s' is %s; wait for that operation to finish before you start it.",
			 ir->name, sim_ir_state_name(ir->state));
		return fail(code, msg, 409, "Conflict", m);
	}
	if (ir->state == SIM_IR_STARTED) {
		snprintf(m, sizeof(m), "Integration runtime '%s' is already started.", ir->name);
		return fail(code, msg, 400, "BadRequest", m);
	}
	*op = new_op_locked(w, SIM_OP_IR_START, pair, site, ir->start_seconds);
	if (!*op)
		return fail(code, msg, 500, "InternalServerError", "out of memory");
	ir->state = SIM_IR_STARTING;
	ir->transition_end = (*op)->done_at;
	ir->version++;
	snprintf(ir->last_op_type, sizeof(ir->last_op_type), "start");
	snprintf(ir->last_op_result, sizeof(ir->last_op_result), "InProgress");
	ir->last_op_error[0] = '\0';
	ir->last_op_start = (*op)->started;
	return 0;
}

int sim_ir_stop_locked(struct sim_world *w, int pair, int site, struct sim_op **op, char *code,
		       char *msg)
{
	struct sim_ir *ir = &w->pairs[pair].sites[site].ir;
	char m[SIM_MSG_MAX];

	if (ir->state == SIM_IR_STARTING || ir->state == SIM_IR_STOPPING) {
		snprintf(m, sizeof(m),
			 "Integration runtime '%s' is %s; wait for that operation to finish before you stop it.",
			 ir->name, sim_ir_state_name(ir->state));
		return fail(code, msg, 409, "Conflict", m);
	}
	if (ir->state != SIM_IR_STARTED) {
		snprintf(m, sizeof(m), "Integration runtime '%s' is already stopped.", ir->name);
		return fail(code, msg, 400, "BadRequest", m);
	}
	*op = new_op_locked(w, SIM_OP_IR_STOP, pair, site, ir->stop_seconds);
	if (!*op)
		return fail(code, msg, 500, "InternalServerError", "out of memory");
	ir->state = SIM_IR_STOPPING;
	ir->transition_end = (*op)->done_at;
	ir->version++;
	snprintf(ir->last_op_type, sizeof(ir->last_op_type), "stop");
	snprintf(ir->last_op_result, sizeof(ir->last_op_result), "InProgress");
	ir->last_op_error[0] = '\0';
	ir->last_op_start = (*op)->started;
	return 0;
}

int sim_trigger_set_locked(struct sim_world *w, int pair, int site, const char *trigger,
			   bool started, char *code, char *msg)
{
	struct sim_site *s = &w->pairs[pair].sites[site];

	for (int i = 0; i < s->ntriggers; i++) {
		if (strcasecmp(s->triggers[i].name, trigger))
			continue;
		s->triggers[i].started = started;
		return 0;
	}
	char m[SIM_MSG_MAX];
	snprintf(m, sizeof(m), "The Resource 'Microsoft.DataFactory/factories/%s/triggers/%s' under resource group '%s' was not found.",
		 s->factory, trigger, s->resource_group);
	return fail(code, msg, 404, "ResourceNotFound", m);
}

int sim_failover_locked(struct sim_world *w, int pair, int site, sim_op_kind kind,
			struct sim_op **op, char *code, char *msg)
{
	struct sim_pair *p = &w->pairs[pair];
	bool mi = w->kind == SIM_KIND_MI;
	char m[SIM_MSG_MAX];

	if (p->sites[site].role == SIM_ROLE_PRIMARY) {
		snprintf(m, sizeof(m),
			 "The failover group '%s' cannot be failed over from '%s' because it is already the primary; send the request to the secondary.",
			 p->fog, mi ? p->sites[site].region : p->sites[site].server);
		return fail(code, msg, 400,
			    mi ? "InstanceFailoverGroupFailoverRequestOnPrimary"
			       : "FailoverGroupFailoverRequestOnPrimary", m);
	}
	if (p->failover_running) {
		snprintf(m, sizeof(m), "The failover group '%s' is busy with another operation.", p->fog);
		return fail(code, msg, 409, mi ? "InstanceFailoverGroupBusy" : "FailoverGroupBusy", m);
	}
	*op = new_op_locked(w, kind, pair, site, p->failover_seconds);
	if (!*op)
		return fail(code, msg, 500, "InternalServerError", "out of memory");
	p->failover_running = true;
	return 0;
}

static void swap_roles_locked(struct sim_world *w, int pair, const char *kind)
{
	struct sim_pair *p = &w->pairs[pair];
	int to = p->sites[0].role == SIM_ROLE_SECONDARY ? 0 : 1;
	struct sim_failover_record *r = &p->last_failover;
	bool forced = !strcmp(kind, "forced");

	memset(r, 0, sizeof(*r));
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	r->at = sim_clock_now(&w->clock);
	snprintf(r->from, sizeof(r->from), "%s", p->sites[1 - to].name);
	snprintf(r->to, sizeof(r->to), "%s", p->sites[to].name);
	if (forced && p->lag_seconds > 0) {
		r->data_loss_seconds = p->lag_seconds;
		r->lost_transactions = (long)floor(p->lag_seconds / (p->commit_interval > 0 ? p->commit_interval : 1));
	}
	p->has_failover = true;
	p->sites[to].role = SIM_ROLE_PRIMARY;
	p->sites[1 - to].role = SIM_ROLE_SECONDARY;
	p->version++;
	sim_db_sync_links_locked(w, pair);
}

static void finish_failover_locked(struct sim_world *w, struct sim_op *op)
{
	struct sim_pair *p = &w->pairs[op->pair];
	struct sim_site *primary = &p->sites[1 - op->site];
	bool planned = op->kind == SIM_OP_FAILOVER_PLANNED;

	p->failover_running = false;
	if (op->kind == SIM_OP_FAILOVER_TRY_PLANNED)
		planned = !primary->outage;
	if (planned && primary->outage) {
		op->status = SIM_OP_FAILED;
		op->fail_http_status = 500;
		snprintf(op->error_code, sizeof(op->error_code), "OperationTimedOut");
		snprintf(op->error_message, sizeof(op->error_message),
			 "The planned failover of failover group '%s' timed out because the primary '%s' in %s could not be reached; the operation was rolled back. A forced failover (forceFailoverAllowDataLoss) does not need the primary.",
			 p->fog, primary->server, primary->location);
		return;
	}
	swap_roles_locked(w, op->pair, planned ? "planned" : "forced");
	op->status = SIM_OP_SUCCEEDED;
}

static void finish_ir_op_locked(struct sim_world *w, struct sim_op *op)
{
	struct sim_ir *ir = &w->pairs[op->pair].sites[op->site].ir;

	if (op->kind == SIM_OP_IR_START && ir->fail_next_start[0]) {
		ir->state = SIM_IR_STOPPED;
		snprintf(ir->last_op_result, sizeof(ir->last_op_result), "Failed");
		op->status = SIM_OP_FAILED;
		op->fail_http_status = 400;
		memcpy(op->error_code, ir->fail_next_start, sizeof(op->error_code));
		memcpy(ir->last_op_error, op->error_code, sizeof(ir->last_op_error));
		snprintf(op->error_message, sizeof(op->error_message),
			 "Integration runtime '%s' failed to start: the nodes could not be provisioned (%s). Check the VNet, the subnet and the custom setup, then start it again.",
			 ir->name, ir->fail_next_start);
		ir->fail_next_start[0] = '\0';
	} else {
		ir->state = op->kind == SIM_OP_IR_START ? SIM_IR_STARTED : SIM_IR_STOPPED;
		snprintf(ir->last_op_result, sizeof(ir->last_op_result), "Succeeded");
		op->status = SIM_OP_SUCCEEDED;
	}
	ir->version++;
}

static void automatic_failover_locked(struct sim_world *w, int k, double now)
{
	struct sim_pair *p = &w->pairs[k];

	if (strcmp(p->policy, "Automatic") || p->failover_running)
		return;
	for (int s = 0; s < 2; s++) {
		struct sim_site *x = &p->sites[s];
		if (x->role == SIM_ROLE_PRIMARY && x->outage &&
		    now - x->outage_since >= p->grace_minutes * 60.0 && !p->sites[1 - s].outage) {
			swap_roles_locked(w, k, "forced");
			return;
		}
	}
}

void sim_world_tick_locked(struct sim_world *w)
{
	double now = sim_clock_now(&w->clock);

	for (int i = 0; i < w->nops; i++) {
		struct sim_op *op = &w->ops[i];

		if (op->status != SIM_OP_RUNNING || now < op->done_at)
			continue;
		if (op->kind == SIM_OP_IR_START || op->kind == SIM_OP_IR_STOP)
			finish_ir_op_locked(w, op);
		else
			finish_failover_locked(w, op);
	}
	for (int k = 0; k < w->npairs; k++)
		automatic_failover_locked(w, k, now);
}
