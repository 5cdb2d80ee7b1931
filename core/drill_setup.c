/* Starting, resuming and finishing a drill: the checks made before any
 * step runs (read-only console, kind of pair, roles, params, placeholders,
 * site names), the placeholders fixed from the live roles, the findings
 * before and after, the audit records. */
#include <config.h>

#include <dirent.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/cmd.h"
#include "core/console.h"
#include "core/drill_impl.h"
#include "core/events.h"
#include "core/snapshot.h"

void drill_default_dir(char *out, size_t len)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (state && *state)
		snprintf(out, len, "%s/ssisdr/drills", state);
	else
		snprintf(out, len, "%s/.local/state/ssisdr/drills", home && *home ? home : ".");
}

void drill_state_path_for(const char *dir, const char *pair, const char *runbook, char *out, size_t len)
{
	snprintf(out, len, "%s/%s-%s.state.json", dir, pair, runbook);
}

static void operator_of(char *out, size_t len)
{
	char host[256] = "localhost";
	const char *user = getenv("USER");
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (!user || !*user) {
		if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res)
			user = res->pw_name;
		else
			user = "unknown";
	}
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(out, len, "%s@%s", user, host);
}

static void audit(struct drill *d, const char *event)
{
	struct json_object *rec;
	char err[256];

	if (!d->con->audit)
		return;
	rec = json_object_new_object();
	json_object_object_add(rec, "event", json_object_new_string(event));
	json_object_object_add(rec, "pair", json_object_new_string(d->pair_name));
	json_object_object_add(rec, "runbook", json_object_new_string(d->rb->name));
	json_object_object_add(rec, "operator", json_object_new_string(d->operator_name));
	if (!strcmp(event, "drill-finished")) {
		json_object_object_add(rec, "result", json_object_new_string(d->passed ? "PASS" : "FAIL"));
		json_object_object_add(rec, "report", json_object_new_string(d->report_json));
	}
	if (audit_write(d->con->audit, rec, err, sizeof(err)))
		events_add(d->con->events, SEV_CRITICAL, "audit log: %s", err);
}

/* What the drill will run, before it runs anything. */
static int refuse(struct drill *d, char *err, size_t errlen)
{
	const struct config_pair *cp = &d->con->cfg->pairs[d->pair];
	bool mi = cp->sites[0].kind == CONFIG_KIND_MI;
	char actions[400] = "";
	int n = 0;

	if ((d->rb->kind == RB_KIND_MI && !mi) || (d->rb->kind == RB_KIND_SQLDB && mi))
		return errf(err, errlen, "refused: runbook %s is for %s pairs, and pair %s is on %s", d->rb->name,
			    d->rb->kind == RB_KIND_MI ? "managed-instance" : "SQL Database", cp->name,
			    mi ? "managed instances (try mi-failover)" : "SQL Database (try sqldb-failover)");
	for (int i = 0; i < d->rb->nsteps; i++) {
		char first[64] = "", second[64] = "", two[132];
		const struct cmd_def *def;

		if (d->rb->steps[i].kind != RB_ACTION)
			continue;
		sscanf(d->rb->steps[i].command, "%63s %63s", first, second);
		snprintf(two, sizeof(two), "%s %s", first, second);
		def = cmd_find(two);
		if (!def)
			def = cmd_find(first);
		if (d->con->read_only || (def && !cmd_available(d->con, def))) {
			if (n++ < 6)
				snprintf(actions + strlen(actions), sizeof(actions) - strlen(actions), "%s%s", n > 1 ? ", " : "",
					 def ? def->name : first);
		}
	}
	if (n)
		return errf(err, errlen,
			    "refused: runbook %s has %d action step%s (%s) and this console is read-only (--read-only "
			    "or read_only = true in %s); nothing was run",
			    d->rb->name, n, n == 1 ? "" : "s", actions, d->con->cfg->path);
	return 0;
}

static int init(struct drill **out, struct console *con, struct runbook *rb, const struct drill_options *o,
		char *err, size_t errlen)
{
	struct drill *d;
	char dir[RB_PATH_MAX];
	size_t pair = o && o->pair != (size_t)-1 ? o->pair : con->pair;

	*out = NULL;
	if (pair >= con->cfg->npairs) {
		runbook_free(rb);
		return errf(err, errlen, "no pair %zu in %s", pair, con->cfg->path);
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		runbook_free(rb);
		return errf(err, errlen, "out of memory");
	}
	pthread_mutex_init(&d->lock, NULL);
	d->con = con;
	d->rb = rb;
	d->pair = pair;
	str_copy(d->pair_name, con->cfg->pairs[pair].name, sizeof(d->pair_name));
	d->rto_target = con->cfg->pairs[pair].rto_target;
	d->rpo_target = con->cfg->pairs[pair].rpo_target;
	d->skip_optional = o && o->skip_optional;
	d->failover_step = -1;
	d->lag_at_failover = -1;
	d->data_loss = -1;
	for (int i = 0; i < rb->nsteps; i++)
		if (rb->steps[i].failover)
			d->failover_step = i;
	if (o && o->operator_name && *o->operator_name)
		str_copy(d->operator_name, o->operator_name, sizeof(d->operator_name));
	else
		operator_of(d->operator_name, sizeof(d->operator_name));
	drill_default_dir(dir, sizeof(dir));
	str_copy(d->report_dir, o && o->report_dir ? o->report_dir : dir, sizeof(d->report_dir));
	drill_state_path_for(o && o->state_dir ? o->state_dir : dir, d->pair_name, rb->name, d->state_path,
			     sizeof(d->state_path));
	*out = d;
	return refuse(d, err, errlen) ? DRILL_E_REFUSED : DRILL_OK;
}

static const char *param_given(const struct drill_options *o, const char *name)
{
	size_t l = strlen(name);

	for (int i = 0; o && i < o->nparams; i++)
		if (!strncmp(o->params[i], name, l) && o->params[i][l] == '=')
			return o->params[i] + l + 1;
	return NULL;
}

/* The runbook's params: NAME=VALUE given, else the default (placeholders
 * expanded). */
static int fix_params(struct drill *d, const struct drill_options *o, char *err, size_t errlen)
{
	struct rb_vars *v = &d->vars;

	for (int i = 0; o && i < o->nparams; i++) {
		const char *eq = strchr(o->params[i], '=');
		bool known = false;

		for (int k = 0; eq && k < d->rb->nparams && !known; k++)
			known = strlen(d->rb->params[k].name) == (size_t)(eq - o->params[i]) &&
				!strncmp(d->rb->params[k].name, o->params[i], (size_t)(eq - o->params[i]));
		if (!known)
			return errf(err, errlen, "runbook %s has no param %.*s (%s)", d->rb->name,
				    (int)(eq ? eq - o->params[i] : (long)strlen(o->params[i])), o->params[i],
				    d->rb->nparams ? "see its [runbook] param lines" : "it takes none");
	}
	for (int k = 0; k < d->rb->nparams; k++) {
		const struct rb_param *pr = &d->rb->params[k];
		const char *given = param_given(o, pr->name);
		char value[RB_ARG_MAX];

		if (given)
			str_copy(value, given, sizeof(value));
		else if (!pr->def[0] || runbook_expand(pr->def, v, value, sizeof(value), err, errlen))
			return errf(err, errlen, "runbook %s needs %s=VALUE (%s)", d->rb->name, pr->name,
				    pr->description[0] ? pr->description : "no default");
		if (!value[0] || strpbrk(value, " \t'\"{}"))
			return errf(err, errlen, "%s=%s: a value is one word", pr->name, value);
		rb_vars_set(v, pr->name, value);
	}
	return 0;
}

static int fix_vars(struct drill *d, const struct model_pair *p, const struct drill_options *o, char *err,
		    size_t errlen)
{
	const struct config_pair *cp = &d->con->cfg->pairs[d->pair];
	struct rb_vars *v = &d->vars;
	const char *factory, *ir;
	int pri;

	pri = p->sites[0].role == ROLE_PRIMARY && p->sites[1].role != ROLE_PRIMARY   ? 0
	      : p->sites[1].role == ROLE_PRIMARY && p->sites[0].role != ROLE_PRIMARY ? 1
										     : -1;
	if (pri < 0)
		return errf(err, errlen, "cannot tell which site of %s is primary (%s: %s; %s: %s): a drill fixes "
					 "{primary} and {secondary} from the live roles; refresh, or fix the findings first",
			    p->name, p->sites[0].name, p->sites[0].role_basis, p->sites[1].name, p->sites[1].role_basis);
	rb_vars_set(v, "primary", p->sites[pri].name);
	rb_vars_set(v, "secondary", p->sites[1 - pri].name);
	rb_vars_set(v, "old_primary", p->sites[pri].name);
	rb_vars_set(v, "new_primary", p->sites[1 - pri].name);
	rb_vars_set(v, "pair", cp->name);
	rb_vars_set(v, "failover_group", cp->sites[pri].failover_group);
	rb_vars_set(v, "primary_factory", cp->sites[pri].factory.name);
	rb_vars_set(v, "secondary_factory", cp->sites[1 - pri].factory.name);
	rb_vars_set(v, "primary_ir", cp->sites[pri].integration_runtime);
	rb_vars_set(v, "secondary_ir", cp->sites[1 - pri].integration_runtime);
	rb_vars_set(v, "primary_ir_state", p->sites[pri].ir.state[0] ? p->sites[pri].ir.state : "unknown");
	rb_vars_set(v, "secondary_ir_state", p->sites[1 - pri].ir.state[0] ? p->sites[1 - pri].ir.state : "unknown");
	if (fix_params(d, o, err, errlen))
		return -2;
	factory = rb_vars_get(v, "factory");
	ir = rb_vars_get(v, "ir");
	rb_vars_set(v, "ir_site", "");
	for (size_t s = 0; factory && ir && s < cp->nsites; s++)
		if (!strcmp(cp->sites[s].factory.name, factory) && !strcmp(cp->sites[s].integration_runtime, ir))
			rb_vars_set(v, "ir_site", cp->sites[s].name);
	if (runbook_uses_placeholder(d->rb, "ir_site") && !rb_vars_get(v, "ir_site")[0]) {
		errf(err, errlen,
		     "factory %s with IR %s is not a site of pair %s in %s: the console can start only a configured "
		     "IR (add the site, or start the IR outside the console in a runbook of your own with a manual "
		     "step)",
		     factory ? factory : "(no factory param)", ir ? ir : "(no ir param)", cp->name, d->con->cfg->path);
		return -2; /* the params' fault */
	}
	return 0;
}

static int expand_list(struct drill *d, const struct rb_step *rs, const struct rb_cond *in, struct rb_cond *out,
		       int n, char *err, size_t errlen)
{
	const struct config_pair *cp = &d->con->cfg->pairs[d->pair];
	char why[512];

	for (int c = 0; c < n; c++) {
		if (runbook_expand_cond(&in[c], &d->vars, &out[c], why, sizeof(why)))
			return errf(err, errlen, "%s:%d: [step %s] %s", d->rb->path, in[c].line, rs->id, why);
		if (rb_cond_takes_site(in[c].kind) && !config_site_by_name(cp, out[c].args[0]))
			return errf(err, errlen, "%s:%d: [step %s] no site named %s in pair %s (sites: %s, %s)", d->rb->path,
				    in[c].line, rs->id, out[c].args[0], cp->name, cp->sites[0].name, cp->sites[1].name);
	}
	return 0;
}

static int expand_steps(struct drill *d, char *err, size_t errlen)
{
	char why[512];

	for (int i = 0; i < d->rb->nsteps; i++) {
		const struct rb_step *rs = &d->rb->steps[i];
		struct drill_step_run *st = &d->steps[i];

		if (runbook_expand(rs->title, &d->vars, st->title, sizeof(st->title), why, sizeof(why)) ||
		    runbook_expand(rs->explain, &d->vars, st->explain, sizeof(st->explain), why, sizeof(why)))
			return errf(err, errlen, "%s:%d: [step %s] %s", d->rb->path, rs->line, rs->id, why);
		if (rs->command[0] &&
		    runbook_expand(rs->command, &d->vars, st->command, sizeof(st->command), why, sizeof(why)))
			return errf(err, errlen, "%s:%d: [step %s] command: %s", d->rb->path, rs->command_line, rs->id, why);
		if (expand_list(d, rs, rs->require, st->require, rs->nrequire, err, errlen) ||
		    expand_list(d, rs, rs->skip_if, st->skip_if, rs->nskip_if, err, errlen))
			return -1;
	}
	return 0;
}

static void copy_findings(const struct model_pair *p, struct drill_finding *out, int *n)
{
	*n = 0;
	for (int i = 0; i < p->nfindings && i < MODEL_MAX_FINDINGS; i++) {
		str_copy(out[i].id, p->findings[i].id, sizeof(out[i].id));
		out[i].severity = p->findings[i].severity;
		str_copy(out[i].site, p->findings[i].site, sizeof(out[i].site));
		str_copy(out[i].message, p->findings[i].message, sizeof(out[i].message));
		(*n)++;
	}
}

static bool unfinished_state(const char *path, double *started)
{
	struct json_object *o = json_object_from_file(path), *v;
	bool open = false;

	if (!o)
		return false;
	if (json_object_object_get_ex(o, "status", &v))
		open = !strcmp(json_object_get_string(v), "active") || !strcmp(json_object_get_string(v), "halted");
	if (started && json_object_object_get_ex(o, "started", &v))
		*started = json_object_get_double(v);
	json_object_put(o);
	return open;
}

int drill_new(struct drill **out, struct console *con, struct runbook *rb, const struct drill_options *o,
	      char *err, size_t errlen)
{
	struct snapshot *s;
	struct drill *d;
	double started = 0;
	int rc = init(&d, con, rb, o, err, errlen);

	if (rc || !d)
		goto fail;
	if (unfinished_state(d->state_path, &started)) {
		char when[40];

		drill_fmt_time(when, sizeof(when), started);
		errf(err, errlen, "an unfinished drill of runbook %s on pair %s (started %s) is saved in %s: resume it, "
				  "or remove that file to start over",
		     rb->name, d->pair_name, when, d->state_path);
		rc = DRILL_E_UNFINISHED;
		goto fail;
	}
	s = console_snapshot(con, o && o->first_poll_ms > 0 ? o->first_poll_ms : 60000);
	if (!s) {
		errf(err, errlen, "no poll of pair %s finished in time: a drill needs live state to start", d->pair_name);
		rc = DRILL_E_FAILED;
		goto fail;
	}
	rc = fix_vars(d, &s->pairs[d->pair], o, err, errlen);
	if (rc || expand_steps(d, err, errlen)) {
		snap_unref(s);
		rc = rc == -2 ? DRILL_E_PARAMS : DRILL_E_FAILED;
		goto fail;
	}
	copy_findings(&s->pairs[d->pair], d->before, &d->nbefore);
	snap_unref(s);
	d->started = drill_now();
	d->status = DRILL_ACTIVE;
	if (drill_state_save(d, err, errlen)) {
		rc = DRILL_E_FAILED;
		goto fail;
	}
	audit(d, "drill-started");
	events_add(con->events, SEV_INFO, "[drill %s] started on pair %s by %s: %d steps; %s is primary, %s secondary",
		   rb->name, d->pair_name, d->operator_name, rb->nsteps, rb_vars_get(&d->vars, "primary"),
		   rb_vars_get(&d->vars, "secondary"));
	*out = d;
	return DRILL_OK;
fail:
	if (d)
		drill_free(d);
	*out = NULL;
	return rc ? rc : DRILL_E_FAILED;
}

int drill_resume(struct drill **out, struct console *con, struct runbook *rb, const struct drill_options *o,
		 char *err, size_t errlen)
{
	struct drill *d;
	int rc = init(&d, con, rb, o, err, errlen);

	if (rc || !d)
		goto fail;
	if (!unfinished_state(d->state_path, NULL)) {
		errf(err, errlen, "no unfinished drill of runbook %s on pair %s to resume (no %s)", rb->name, d->pair_name,
		     d->state_path);
		rc = DRILL_E_NO_STATE;
		goto fail;
	}
	if (drill_state_load(d, d->state_path, err, errlen) || expand_steps(d, err, errlen)) {
		rc = DRILL_E_FAILED;
		goto fail;
	}
	for (int i = 0; i < rb->nsteps; i++) {
		struct drill_step_run *st = &d->steps[i];

		/* an interrupted wait resumes with its deadline; anything else runs again */
		if (st->state == DRILL_STEP_RUNNING && !(rb->steps[i].kind == RB_WAIT && st->deadline > 0)) {
			st->state = DRILL_STEP_PENDING;
			drill_evidence_locked(d, i, "interrupted (the console stopped); run again against live state");
		}
	}
	d->resumed++;
	if (drill_state_save(d, err, errlen)) {
		rc = DRILL_E_FAILED;
		goto fail;
	}
	events_add(con->events, SEV_INFO, "[drill %s] resumed on pair %s at step %d/%d (%s); %s was primary at the start",
		   rb->name, d->pair_name, d->current + 1, rb->nsteps,
		   d->current < rb->nsteps ? rb->steps[d->current].id : "done", rb_vars_get(&d->vars, "primary"));
	*out = d;
	return DRILL_OK;
fail:
	if (d)
		drill_free(d);
	*out = NULL;
	return rc ? rc : DRILL_E_FAILED;
}

int drill_unfinished(const char *dir, void (*fn)(void *user, const char *path, const char *pair,
						 const char *runbook, double started),
		     void *user)
{
	char def[RB_PATH_MAX], path[RB_PATH_MAX * 2];
	struct dirent *e;
	DIR *dp;
	int n = 0;

	if (!dir) {
		drill_default_dir(def, sizeof(def));
		dir = def;
	}
	dp = opendir(dir);
	if (!dp)
		return 0;
	while ((e = readdir(dp))) {
		struct json_object *o, *p = NULL, *r = NULL, *st = NULL, *rn = NULL;
		size_t l = strlen(e->d_name);

		if (l < 11 || strcmp(e->d_name + l - 11, ".state.json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!unfinished_state(path, NULL) || !(o = json_object_from_file(path)))
			continue;
		json_object_object_get_ex(o, "pair", &p);
		json_object_object_get_ex(o, "runbook", &r);
		if (r)
			json_object_object_get_ex(r, "name", &rn);
		json_object_object_get_ex(o, "started", &st);
		if (fn)
			fn(user, path, json_object_get_string(p), json_object_get_string(rn), json_object_get_double(st));
		json_object_put(o);
		n++;
	}
	closedir(dp);
	return n;
}

int drill_finish(struct drill *d, char *err, size_t errlen)
{
	struct snapshot *s;

	drill_lock(d);
	if (d->current < d->rb->nsteps && d->steps[d->current].state == DRILL_STEP_RUNNING) {
		drill_unlock(d);
		return errf(err, errlen, "step %s is running: wait for it, skip it or abort the drill first",
			    d->rb->steps[d->current].id);
	}
	drill_unlock(d);
	s = drill_fresh_snapshot(d, 15000);
	drill_lock(d);
	if (s) {
		copy_findings(&s->pairs[d->pair], d->after, &d->nafter);
		d->have_after = true;
	}
	if (d->ended <= 0)
		d->ended = drill_now();
	drill_unlock(d);
	snap_unref(s);
	drill_verdict(d);
	if (drill_report_write(d, err, errlen)) {
		char ignored[256];

		drill_state_save(d, ignored, sizeof(ignored));
		return -1;
	}
	drill_lock(d);
	d->reported = true;
	d->finish_error[0] = '\0';
	drill_unlock(d);
	audit(d, "drill-finished");
	events_add(d->con->events, d->passed ? SEV_OK : SEV_CRITICAL, "[drill %s] %s; report %s", d->rb->name,
		   d->passed ? "PASSED" : "FAILED", d->report_md);
	if (unlink(d->state_path) && access(d->state_path, F_OK) == 0)
		return errf(err, errlen, "the report is written but the state file %s could not be removed", d->state_path);
	return 0;
}

void drill_free(struct drill *d)
{
	if (!d)
		return;
	drill_async_stop(d);
	runbook_free(d->rb);
	pthread_mutex_destroy(&d->lock);
	free(d);
}
