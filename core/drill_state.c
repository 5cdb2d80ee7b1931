/* The drill's state file: JSON, rewritten atomically (a temporary file,
 * fsync, rename, fsync of the directory) whenever a step starts or ends, so
 * that a console killed mid-drill can resume it. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/drill_impl.h"

int drill_mkdirs(const char *dir, char *err, size_t errlen)
{
	char buf[RB_PATH_MAX];

	str_copy(buf, dir, sizeof(buf));
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return errf(err, errlen, "cannot create %s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return errf(err, errlen, "cannot create %s: %s", buf, strerror(errno));
	return 0;
}

int drill_write_file(const char *path, const char *text, char *err, size_t errlen)
{
	char tmp[RB_PATH_MAX + 8], dir[RB_PATH_MAX], *slash;
	size_t len = strlen(text), done = 0;
	int fd;

	str_copy(dir, path, sizeof(dir));
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		if (dir[0] && drill_mkdirs(dir, err, errlen))
			return -1;
	} else {
		str_copy(dir, ".", sizeof(dir));
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return errf(err, errlen, "%s: %s", tmp, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errf(err, errlen, "%s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		done += (size_t)n;
	}
	if (fsync(fd) || close(fd)) {
		errf(err, errlen, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		errf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

static const char *const status_words[] = { "active", "halted", "finished", "aborted" };
static const char *const state_words[] = { "pending", "running", "passed", "failed", "skipped" };

static void add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v ? v : ""));
}

static void add_num(struct json_object *o, const char *key, double v)
{
	json_object_object_add(o, key, json_object_new_double(v));
}

static struct json_object *state_json(const struct drill *d)
{
	struct json_object *o = json_object_new_object(), *rb = json_object_new_object();
	struct json_object *vars = json_object_new_object(), *phases = json_object_new_object();
	struct json_object *steps = json_object_new_array(), *before = json_object_new_array();
	char hash[24];

	json_object_object_add(o, "version", json_object_new_int(DRILL_STATE_VERSION));
	add_str(o, "status", status_words[d->status]);
	add_str(rb, "name", d->rb->name);
	add_str(rb, "path", d->rb->path);
	snprintf(hash, sizeof(hash), "%016llx", d->rb->hash);
	add_str(rb, "hash", hash);
	json_object_object_add(o, "runbook", rb);
	add_str(o, "pair", d->pair_name);
	add_str(o, "operator", d->operator_name);
	add_num(o, "started", d->started);
	add_num(o, "ended", d->ended);
	json_object_object_add(o, "resumed", json_object_new_int(d->resumed));
	json_object_object_add(o, "current", json_object_new_int(d->current));
	json_object_object_add(o, "skip_optional", json_object_new_boolean(d->skip_optional));
	for (int i = 0; i < d->vars.n; i++)
		add_str(vars, d->vars.names[i], d->vars.values[i]);
	json_object_object_add(o, "placeholders", vars);
	add_num(o, "t0", d->t0);
	add_num(o, "lag_at_failover", d->lag_at_failover);
	add_num(o, "data_loss", d->data_loss);
	add_str(o, "data_loss_basis", d->data_loss_basis);
	for (int p = RB_PHASE_NONE + 1; p < RB_PHASE_COUNT; p++) {
		struct json_object *ph;

		if (d->phase_end[p] <= 0)
			continue;
		ph = json_object_new_object();
		add_num(ph, "ended", d->phase_end[p]);
		json_object_object_add(ph, "step", json_object_new_int(d->phase_step[p]));
		json_object_object_add(phases, rb_phase_name((enum rb_phase)p), ph);
	}
	json_object_object_add(o, "phases", phases);
	add_str(o, "abort_reason", d->abort_reason);
	for (int i = 0; i < d->nbefore; i++) {
		struct json_object *f = json_object_new_object();

		add_str(f, "id", d->before[i].id);
		add_str(f, "severity", severity_name(d->before[i].severity));
		add_str(f, "site", d->before[i].site);
		add_str(f, "message", d->before[i].message);
		json_object_array_add(before, f);
	}
	json_object_object_add(o, "findings_before", before);
	for (int i = 0; i < d->rb->nsteps; i++) {
		const struct drill_step_run *st = &d->steps[i];
		struct json_object *s = json_object_new_object(), *ev = json_object_new_array();

		add_str(s, "id", d->rb->steps[i].id);
		add_str(s, "state", state_words[st->state]);
		add_num(s, "started", st->started);
		add_num(s, "ended", st->ended);
		add_num(s, "deadline", st->deadline);
		json_object_object_add(s, "attempts", json_object_new_int(st->attempts));
		add_str(s, "result", st->result);
		add_str(s, "comment", st->comment);
		add_str(s, "skip_reason", st->skip_reason);
		json_object_object_add(s, "operator_skip", json_object_new_boolean(st->operator_skip));
		for (int k = 0; k < st->nevidence; k++)
			json_object_array_add(ev, json_object_new_string(st->evidence[k]));
		json_object_object_add(s, "evidence", ev);
		json_object_object_add(s, "dropped", json_object_new_int(st->dropped));
		json_object_array_add(steps, s);
	}
	json_object_object_add(o, "steps", steps);
	return o;
}

int drill_state_save(struct drill *d, char *err, size_t errlen)
{
	struct json_object *o;
	int rc;

	drill_lock(d);
	o = state_json(d);
	rc = drill_write_file(d->state_path, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY), err, errlen);
	drill_unlock(d);
	json_object_put(o);
	return rc;
}

/* ---- loading ----------------------------------------------------------------- */

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : "";
}

static double get_num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0;
}

static int get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int(v) : 0;
}

static int word_index(const char *w, const char *const *list, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(w, list[i]))
			return i;
	return -1;
}

static int load_steps(struct drill *d, struct json_object *steps, const char *path, char *err, size_t errlen)
{
	if (!json_object_is_type(steps, json_type_array) || (int)json_object_array_length(steps) != d->rb->nsteps)
		return errf(err, errlen, "%s: its steps do not match runbook %s", path, d->rb->name);
	for (int i = 0; i < d->rb->nsteps; i++) {
		struct json_object *s = json_object_array_get_idx(steps, (size_t)i), *ev, *v;
		struct drill_step_run *st = &d->steps[i];
		int state = word_index(get_str(s, "state"), state_words, 5);

		if (strcmp(get_str(s, "id"), d->rb->steps[i].id) || state < 0)
			return errf(err, errlen, "%s: step %d is not %s of runbook %s", path, i + 1, d->rb->steps[i].id,
				    d->rb->name);
		st->state = (enum drill_step_state)state;
		st->started = get_num(s, "started");
		st->ended = get_num(s, "ended");
		st->deadline = get_num(s, "deadline");
		st->attempts = get_int(s, "attempts");
		st->dropped = get_int(s, "dropped");
		str_copy(st->result, get_str(s, "result"), sizeof(st->result));
		str_copy(st->comment, get_str(s, "comment"), sizeof(st->comment));
		str_copy(st->skip_reason, get_str(s, "skip_reason"), sizeof(st->skip_reason));
		st->operator_skip = json_object_object_get_ex(s, "operator_skip", &v) && json_object_get_boolean(v);
		st->nevidence = 0;
		if (json_object_object_get_ex(s, "evidence", &ev) && json_object_is_type(ev, json_type_array))
			for (size_t k = 0; k < json_object_array_length(ev) && st->nevidence < DRILL_EVIDENCE_LINES; k++)
				str_copy(st->evidence[st->nevidence++],
					 json_object_get_string(json_object_array_get_idx(ev, k)), DRILL_EVIDENCE_MAX);
	}
	return 0;
}

static void load_findings(struct drill *d, struct json_object *list)
{
	static const char *const sev[] = { "ok", "info", "warning", "critical" };

	d->nbefore = 0;
	if (!list || !json_object_is_type(list, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(list) && d->nbefore < MODEL_MAX_FINDINGS; i++) {
		struct json_object *f = json_object_array_get_idx(list, i);
		struct drill_finding *out = &d->before[d->nbefore++];
		int s = word_index(get_str(f, "severity"), sev, 4);

		str_copy(out->id, get_str(f, "id"), sizeof(out->id));
		str_copy(out->site, get_str(f, "site"), sizeof(out->site));
		str_copy(out->message, get_str(f, "message"), sizeof(out->message));
		out->severity = s < 0 ? SEV_INFO : (enum severity)s;
	}
}

int drill_state_load(struct drill *d, const char *path, char *err, size_t errlen)
{
	struct json_object *o = json_object_from_file(path), *rb, *vars, *phases, *steps = NULL, *before = NULL;
	char hash[24];
	int status, rc = -1;

	if (!o)
		return errf(err, errlen, "%s: not a drill state file (%s)", path, json_util_get_last_err());
	snprintf(hash, sizeof(hash), "%016llx", d->rb->hash);
	status = word_index(get_str(o, "status"), status_words, 4);
	if (get_int(o, "version") != DRILL_STATE_VERSION || status < 0 || !json_object_object_get_ex(o, "runbook", &rb)) {
		errf(err, errlen, "%s: not a drill state file of this version", path);
		goto out;
	}
	if (strcmp(get_str(rb, "name"), d->rb->name) || strcmp(get_str(o, "pair"), d->pair_name)) {
		errf(err, errlen, "%s is a drill of runbook %s on pair %s, not %s on %s", path, get_str(rb, "name"),
		     get_str(o, "pair"), d->rb->name, d->pair_name);
		goto out;
	}
	if (strcmp(get_str(rb, "hash"), hash)) {
		errf(err, errlen, "runbook %s changed since the drill started (%s then, %s now): finish it with the "
				  "runbook it started with, or remove %s to start over",
		     d->rb->name, get_str(rb, "path"), d->rb->path, path);
		goto out;
	}
	drill_lock(d);
	d->status = (enum drill_status)status;
	str_copy(d->operator_name, get_str(o, "operator"), sizeof(d->operator_name));
	d->started = get_num(o, "started");
	d->ended = get_num(o, "ended");
	d->resumed = get_int(o, "resumed");
	{
		struct json_object *v;

		if (json_object_object_get_ex(o, "skip_optional", &v) && json_object_get_boolean(v))
			d->skip_optional = true;
	}
	d->current = get_int(o, "current");
	if (d->current < 0 || d->current > d->rb->nsteps)
		d->current = 0;
	d->t0 = get_num(o, "t0");
	d->lag_at_failover = get_num(o, "lag_at_failover");
	d->data_loss = get_num(o, "data_loss");
	str_copy(d->data_loss_basis, get_str(o, "data_loss_basis"), sizeof(d->data_loss_basis));
	str_copy(d->abort_reason, get_str(o, "abort_reason"), sizeof(d->abort_reason));
	d->vars.n = 0;
	if (json_object_object_get_ex(o, "placeholders", &vars) && json_object_is_type(vars, json_type_object)) {
		struct json_object_iterator it = json_object_iter_begin(vars), end = json_object_iter_end(vars);

		for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it))
			rb_vars_set(&d->vars, json_object_iter_peek_name(&it),
				    json_object_get_string(json_object_iter_peek_value(&it)));
	}
	if (json_object_object_get_ex(o, "phases", &phases))
		for (int p = RB_PHASE_NONE + 1; p < RB_PHASE_COUNT; p++) {
			struct json_object *ph;

			if (!json_object_object_get_ex(phases, rb_phase_name((enum rb_phase)p), &ph))
				continue;
			d->phase_end[p] = get_num(ph, "ended");
			d->phase_step[p] = get_int(ph, "step");
		}
	json_object_object_get_ex(o, "findings_before", &before);
	load_findings(d, before);
	json_object_object_get_ex(o, "steps", &steps);
	rc = load_steps(d, steps, path, err, errlen);
	drill_unlock(d);
out:
	json_object_put(o);
	return rc;
}
