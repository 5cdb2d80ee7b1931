/* ssisdr status: one poll cycle, printed for a person or as JSON for
 * scripts, with the exit codes of monitoring plugins. The JSON schema is
 * documented in ssisdr(1); its field names do not change. */
#include <config.h>

#include "core/status.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/auth.h"
#include "core/poller.h"

static const char *const status_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

const char *status_name(enum status_code c)
{
	return c <= STATUS_UNKNOWN ? status_names[c] : "UNKNOWN";
}

static bool any_role(const struct model_pair *p)
{
	return p->sites[0].role != ROLE_UNKNOWN || p->sites[1].role != ROLE_UNKNOWN;
}

enum status_code status_of_pair(const struct model_pair *p)
{
	if (p->worst == SEV_CRITICAL)
		return STATUS_CRITICAL;
	if (!any_role(p))
		return STATUS_UNKNOWN;
	return p->worst == SEV_WARNING ? STATUS_WARNING : STATUS_OK;
}

static bool selected(const struct model_pair *p, const char *only)
{
	return !only || !strcmp(p->name, only);
}

enum status_code status_of(const struct snapshot *s, const char *only)
{
	enum status_code worst = STATUS_OK;
	bool any = false;

	for (size_t i = 0; i < s->npairs; i++) {
		enum status_code c;

		if (!selected(&s->pairs[i], only))
			continue;
		any = true;
		c = status_of_pair(&s->pairs[i]);
		/* CRITICAL outranks UNKNOWN, which outranks WARNING */
		if (c == STATUS_CRITICAL || (c == STATUS_UNKNOWN && worst != STATUS_CRITICAL) ||
		    (c == STATUS_WARNING && worst == STATUS_OK))
			worst = c;
	}
	return any ? worst : STATUS_UNKNOWN;
}

static int primary_index(const struct model_pair *p)
{
	if (p->sites[0].role == ROLE_PRIMARY && p->sites[1].role != ROLE_PRIMARY)
		return 0;
	if (p->sites[1].role == ROLE_PRIMARY && p->sites[0].role != ROLE_PRIMARY)
		return 1;
	return -1;
}

/* Replication lag as the primary's SSISDB reports it, else the gap between
 * the two sites' last commits; -1 when unknown. */
double status_lag_seconds(const struct model_pair *p)
{
	const struct model_link *a = &p->sites[0].link, *b = &p->sites[1].link;

	for (int i = 0; i < 2; i++) {
		const struct model_link *l = &p->sites[i].link;
		if (l->d.read_at > 0 && l->present && l->role == ROLE_PRIMARY && l->lag_known)
			return l->lag_seconds;
	}
	if (a->d.read_at > 0 && b->d.read_at > 0 && a->last_commit_epoch > 0 && b->last_commit_epoch > 0)
		return fabs(a->last_commit_epoch - b->last_commit_epoch);
	return -1;
}

static const char *expected_trigger_state(const struct model_site *site, const struct model_trigger *t)
{
	if (!t->managed || site->role == ROLE_UNKNOWN)
		return NULL;
	return site->role == ROLE_PRIMARY ? "Started" : "Stopped";
}

/* ---- JSON ---------------------------------------------------------- */

static struct json_object *jstr(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static struct json_object *jtime(double t)
{
	char buf[40];
	time_t secs = (time_t)t;
	struct tm tm;

	if (t <= 0)
		return NULL;
	gmtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

static void add_datum(struct json_object *o, const struct datum *d)
{
	json_object_object_add(o, "as_of", jtime(d->read_at));
	json_object_object_add(o, "error", jstr(d->error));
}

static struct json_object *site_json(const struct model_pair *p, const struct model_site *s)
{
	struct json_object *o = json_object_new_object(), *ir = json_object_new_object();
	struct json_object *db = json_object_new_object(), *trig = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(s->name));
	json_object_object_add(o, "region", jstr(s->region));
	json_object_object_add(o, "role", json_object_new_string(model_role_name(s->role)));
	json_object_object_add(o, "role_basis", jstr(s->role_basis));
	json_object_object_add(ir, "name", jstr(s->ir.name));
	json_object_object_add(ir, "state", jstr(s->ir.state));
	json_object_object_add(ir, "nodes", json_object_new_int(s->ir.nodes));
	json_object_object_add(ir, "nodes_available", json_object_new_int(s->ir.nodes_available));
	json_object_object_add(ir, "nodes_requested", json_object_new_int(s->ir.nodes_requested));
	json_object_object_add(ir, "role", json_object_new_string(model_role_name(s->role)));
	json_object_object_add(ir, "vnet", json_object_new_boolean(s->ir.vnet));
	json_object_object_add(ir, "dual_standby_pair_name", jstr(s->ir.pair_name));
	json_object_object_add(ir, "catalog_server_endpoint", jstr(s->ir.catalog_endpoint));
	add_datum(ir, &s->ir.d);
	json_object_object_add(o, "ir", ir);

	json_object_object_add(db, "role", json_object_new_string(
		s->link.d.read_at > 0 && s->link.present ? model_role_name(s->link.role) : "unknown"));
	json_object_object_add(db, "replication_state", jstr(s->link.state_desc));
	json_object_object_add(db, "lag_seconds", s->link.lag_known ? json_object_new_int(s->link.lag_seconds) : NULL);
	json_object_object_add(db, "last_commit", jstr(s->link.last_commit));
	json_object_object_add(db, "schema_version", jstr(s->catalog.schema_version));
	json_object_object_add(db, "running_packages", json_object_new_int(s->catalog.running));
	json_object_object_add(db, "pending_packages", json_object_new_int(s->catalog.pending));
	add_datum(db, &s->link.d);
	json_object_object_add(o, "ssisdb", db);

	for (int i = 0; i < s->triggers.n; i++) {
		const struct model_trigger *t = &s->triggers.items[i];
		struct json_object *jt = json_object_new_object();

		json_object_object_add(jt, "name", json_object_new_string(t->name));
		json_object_object_add(jt, "state", jstr(t->state));
		json_object_object_add(jt, "expected", jstr(expected_trigger_state(s, t)));
		json_object_object_add(jt, "managed", json_object_new_boolean(t->managed));
		json_object_array_add(trig, jt);
	}
	json_object_object_add(o, "triggers", trig);
	json_object_object_add(o, "triggers_as_of", jtime(s->triggers.d.read_at));
	json_object_object_add(o, "triggers_error", jstr(s->triggers.d.error));
	if (p->mi) {
		struct json_object *sch = json_object_new_array();

		for (int i = 0; i < s->jobs.n; i++) {
			const struct model_job *j = &s->jobs.items[i];
			struct json_object *js = json_object_new_object();

			json_object_object_add(js, "job", json_object_new_string(j->name));
			json_object_object_add(js, "job_enabled", json_object_new_boolean(j->job_enabled));
			json_object_object_add(js, "schedule", jstr(j->schedule));
			json_object_object_add(js, "schedule_id", json_object_new_int(j->schedule_id));
			json_object_object_add(js, "enabled", json_object_new_boolean(j->schedule_enabled));
			json_object_object_add(js, "expected", s->role == ROLE_UNKNOWN ? NULL :
					       json_object_new_boolean(s->role == ROLE_PRIMARY));
			json_object_array_add(sch, js);
		}
		json_object_object_add(o, "schedules", sch);
		json_object_object_add(o, "schedules_as_of", jtime(s->jobs.d.read_at));
		json_object_object_add(o, "schedules_error", jstr(s->jobs.d.error));
	}
	return o;
}

static struct json_object *pair_json(const struct model_pair *p)
{
	struct json_object *o = json_object_new_object(), *fog = json_object_new_object();
	struct json_object *sites = json_object_new_array(), *finds = json_object_new_array();
	const struct model_fog *f = p->sites[0].fog.d.read_at >= p->sites[1].fog.d.read_at ? &p->sites[0].fog : &p->sites[1].fog;
	int pri = primary_index(p);
	double lag = status_lag_seconds(p);

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "kind", json_object_new_string(p->mi ? "mi" : "sqldb"));
	json_object_object_add(o, "status", json_object_new_string(status_name(status_of_pair(p))));
	json_object_object_add(o, "primary", pri >= 0 ? json_object_new_string(p->sites[pri].name) : NULL);
	json_object_object_add(fog, "name", jstr(f->name));
	json_object_object_add(fog, "policy", jstr(f->policy));
	json_object_object_add(fog, "replication_state", jstr(f->replication_state));
	json_object_object_add(fog, "lag_seconds", lag >= 0 ? json_object_new_double(lag) : NULL);
	add_datum(fog, &f->d);
	json_object_object_add(o, "failover_group", fog);
	for (int i = 0; i < 2; i++)
		json_object_array_add(sites, site_json(p, &p->sites[i]));
	json_object_object_add(o, "sites", sites);
	for (int i = 0; i < p->nfindings; i++) {
		const struct finding *fd = &p->findings[i];
		struct json_object *jf = json_object_new_object();

		json_object_object_add(jf, "id", json_object_new_string(fd->id));
		json_object_object_add(jf, "severity", json_object_new_string(severity_name(fd->severity)));
		json_object_object_add(jf, "message", json_object_new_string(fd->message));
		json_object_object_add(jf, "site", jstr(fd->site));
		json_object_object_add(jf, "fix", jstr(fd->fix));
		json_object_array_add(finds, jf);
	}
	json_object_object_add(o, "findings", finds);
	return o;
}

void status_print_json(FILE *out, const struct snapshot *s, const char *only)
{
	struct json_object *root = json_object_new_object(), *pairs = json_object_new_array();

	json_object_object_add(root, "status", json_object_new_string(status_name(status_of(s, only))));
	json_object_object_add(root, "schema_version", json_object_new_int(1));
	json_object_object_add(root, "generated_at", jtime(s->finished_at));
	json_object_object_add(root, "cycle_ms", json_object_new_int((int)lround(s->cycle_ms)));
	json_object_object_add(root, "arm_requests", json_object_new_int((int)s->arm_requests));
	for (size_t i = 0; i < s->npairs; i++)
		if (selected(&s->pairs[i], only))
			json_object_array_add(pairs, pair_json(&s->pairs[i]));
	json_object_object_add(root, "pairs", pairs);
	fprintf(out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

/* ---- text ---------------------------------------------------------- */

static void count_triggers(const struct model_site *s, int *started, int *stopped)
{
	*started = *stopped = 0;
	for (int i = 0; i < s->triggers.n; i++) {
		if (!s->triggers.items[i].managed)
			continue;
		if (!strcasecmp(s->triggers.items[i].state, "Started"))
			(*started)++;
		else
			(*stopped)++;
	}
}

static void print_site(FILE *out, const struct model_site *s)
{
	int started, stopped;

	count_triggers(s, &started, &stopped);
	fprintf(out, "  %-14s %-9s IR %s %s %d/%d", s->name,
		s->role == ROLE_PRIMARY ? "PRIMARY" : model_role_name(s->role),
		s->ir.name[0] ? s->ir.name : "?", s->ir.state[0] ? s->ir.state : "unknown",
		s->ir.nodes_available, s->ir.nodes_requested);
	fprintf(out, " | SSISDB %s",
		s->link.d.read_at > 0 && s->link.present ? model_role_name(s->link.role) : "unknown");
	fprintf(out, " | triggers %d started, %d stopped", started, stopped);
	if (s->mi) {
		int on = 0;
		for (int i = 0; i < s->jobs.n; i++)
			on += s->jobs.items[i].schedule_enabled;
		fprintf(out, " | schedules %d of %d enabled", on, s->jobs.n);
	}
	fputc('\n', out);
}

void status_print_text(FILE *out, const struct snapshot *s, const char *only)
{
	for (size_t i = 0; i < s->npairs; i++) {
		const struct model_pair *p = &s->pairs[i];
		const struct model_fog *f = &p->sites[0].fog;
		int pri = primary_index(p);
		double lag = status_lag_seconds(p);

		if (!selected(p, only))
			continue;
		fprintf(out, "pair %s (%s): %s, primary %s\n", p->name, p->mi ? "managed instance" : "SQL Database",
			status_name(status_of_pair(p)), pri >= 0 ? p->sites[pri].name : "unknown");
		char lagtext[32] = "unknown";

		if (lag >= 0)
			snprintf(lagtext, sizeof(lagtext), "%.0f s", lag);
		fprintf(out, "  failover group %s: %s, %s, lag %s\n", f->name[0] ? f->name : "?",
			f->policy[0] ? f->policy : "?", f->replication_state[0] ? f->replication_state : "?",
			lagtext);
		for (int k = 0; k < 2; k++)
			print_site(out, &p->sites[k]);
		for (int k = 0; k < p->nfindings; k++) {
			const struct finding *fd = &p->findings[k];
			fprintf(out, "  %-8s %s%s%s%s: %s%s%s\n", severity_name(fd->severity), fd->id,
				fd->site[0] ? " [" : "", fd->site, fd->site[0] ? "]" : "", fd->message,
				fd->fix[0] ? " -- fix: " : "", fd->fix);
		}
	}
}

int status_run(const struct ssisdr_config *cfg, const char *only, bool json, FILE *out, FILE *errout)
{
	char err[512];
	struct auth *auth;
	struct poller *p;
	struct snapshot *s;
	enum status_code code;

	if (only && !config_pair_by_name(cfg, only)) {
		fprintf(errout, "ssisdr: no pair named %s in %s\n", only, cfg->path);
		return STATUS_UNKNOWN;
	}
	auth = auth_new(&cfg->azure, cfg->console.request_timeout * 1000, err, sizeof(err));
	if (!auth) {
		fprintf(errout, "ssisdr: %s\n", err);
		return STATUS_UNKNOWN;
	}
	p = poller_new(cfg, auth, err, sizeof(err));
	if (!p) {
		fprintf(errout, "ssisdr: %s\n", err);
		auth_free(auth);
		return STATUS_UNKNOWN;
	}
	poller_cycle(p);
	s = poller_snapshot(p);
	code = s ? status_of(s, only) : STATUS_UNKNOWN;
	if (s && json)
		status_print_json(out, s, only);
	else if (s)
		status_print_text(out, s, only);
	snap_unref(s);
	poller_free(p);
	auth_free(auth);
	return code;
}
