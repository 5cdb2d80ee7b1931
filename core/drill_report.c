/* The drill's verdict and its report, in Markdown for people and JSON for
 * tools: <pair>-<runbook>-<UTC stamp>.md and .json in the report
 * directory. */
#include <config.h>

#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/drill_impl.h"

static void reason(struct drill *d, const char *fmt, ...) SSISDR_PRINTF(2, 3);

static void reason(struct drill *d, const char *fmt, ...)
{
	va_list ap;

	if (d->nreasons == DRILL_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(d->reasons[d->nreasons++], sizeof(d->reasons[0]), fmt, ap);
	va_end(ap);
}

/* PASS: not aborted; every required step passed, or was skipped because it
 * was not needed (a check, action or wait skipped by the operator fails
 * the drill: it was not exercised); the RTO and the data-loss window were
 * measured and are within the pair's targets. */
void drill_verdict(struct drill *d)
{
	bool step_failed = false;
	char a[40], b[40];

	drill_lock(d);
	d->nreasons = 0;
	if (d->status == DRILL_ABORTED)
		reason(d, "aborted by the operator: %s", d->abort_reason);
	for (int i = 0; i < d->rb->nsteps; i++) {
		const struct rb_step *rs = &d->rb->steps[i];
		const struct drill_step_run *st = &d->steps[i];

		if (st->state == DRILL_STEP_FAILED && !rs->optional) {
			reason(d, "step %d %s failed: %s", i + 1, rs->id, st->result);
			step_failed = true;
		} else if (st->state == DRILL_STEP_SKIPPED && st->operator_skip && !rs->optional &&
			   (rs->kind == RB_CHECK || rs->kind == RB_ACTION || rs->kind == RB_WAIT) &&
			   d->status != DRILL_ABORTED) {
			reason(d, "step %d %s (%s) was skipped by the operator: %s", i + 1, rs->id,
			       rb_step_kind_name(rs->kind), st->skip_reason);
			step_failed = true;
		}
	}
	if (!step_failed && d->status != DRILL_ABORTED && d->current < d->rb->nsteps)
		reason(d, "the drill stopped at step %d %s; %d step%s not run", d->current + 1,
		       d->rb->steps[d->current].id, d->rb->nsteps - d->current, d->rb->nsteps - d->current == 1 ? "" : "s");
	if (d->failover_step >= 0 && !step_failed && d->status != DRILL_ABORTED) {
		double rto = drill_rto(d);

		drill_fmt_duration(b, sizeof(b), (double)d->rto_target);
		if (rto < 0) {
			reason(d, "no RTO was measured: the failover step did not run");
		} else if (rto > (double)d->rto_target) {
			drill_fmt_duration(a, sizeof(a), rto);
			reason(d, "RTO %s over the %s target", a, b);
		}
		drill_fmt_duration(b, sizeof(b), (double)d->rpo_target);
		if (d->t0 > 0 && d->data_loss < 0) {
			reason(d, "the data-loss window is unknown (%s)", d->data_loss_basis);
		} else if (d->data_loss > (double)d->rpo_target) {
			drill_fmt_duration(a, sizeof(a), d->data_loss);
			reason(d, "data-loss window %s over the %s RPO target", a, b);
		}
	}
	d->passed = d->nreasons == 0;
	drill_unlock(d);
}

/* ---- JSON ------------------------------------------------------------------------- */

static struct json_object *jtime(double t)
{
	char buf[40];

	if (t <= 0)
		return NULL;
	drill_fmt_time(buf, sizeof(buf), t);
	return json_object_new_string(buf);
}

static struct json_object *jsecs(double s)
{
	return s < 0 ? NULL : json_object_new_double(round(s * 1000.0) / 1000.0);
}

static void add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v && *v ? json_object_new_string(v) : NULL);
}

static struct json_object *findings_json(const struct drill_finding *f, int n)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		add_str(o, "id", f[i].id);
		add_str(o, "severity", severity_name(f[i].severity));
		add_str(o, "site", f[i].site);
		add_str(o, "message", f[i].message);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *measure_json(double measured, long target, const char *basis)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "seconds", jsecs(measured));
	json_object_object_add(o, "target_seconds", json_object_new_int64(target));
	json_object_object_add(o, "within_target",
			       measured < 0 ? NULL : json_object_new_boolean(measured <= (double)target));
	if (basis)
		add_str(o, "basis", basis);
	return o;
}

static struct json_object *report_json(const struct drill *d)
{
	struct json_object *o = json_object_new_object(), *a, *rto, *dl;
	struct drill_phase ph[RB_PHASE_COUNT];
	int nph = drill_phases(d, ph, RB_PHASE_COUNT);

	add_str(o, "runbook", d->rb->name);
	add_str(o, "title", d->rb->title);
	add_str(o, "runbook_path", d->rb->path);
	add_str(o, "pair", d->pair_name);
	add_str(o, "operator", d->operator_name);
	json_object_object_add(o, "started", jtime(d->started));
	json_object_object_add(o, "ended", jtime(d->ended));
	json_object_object_add(o, "duration_seconds", jsecs(d->ended - d->started));
	add_str(o, "result", d->passed ? "PASS" : "FAIL");
	add_str(o, "status", drill_status_name(d->status));
	a = json_object_new_array();
	for (int i = 0; i < d->nreasons; i++)
		json_object_array_add(a, json_object_new_string(d->reasons[i]));
	json_object_object_add(o, "reasons", a);
	add_str(o, "abort_reason", d->abort_reason);
	json_object_object_add(o, "resumed", json_object_new_int(d->resumed));
	a = json_object_new_object();
	for (int i = 0; i < d->vars.n; i++)
		add_str(a, d->vars.names[i], d->vars.values[i]);
	json_object_object_add(o, "placeholders", a);
	rto = measure_json(drill_rto(d), d->rto_target, NULL);
	json_object_object_add(rto, "started", jtime(d->t0));
	json_object_object_add(rto, "ended", d->t0 > 0 && drill_rto(d) >= 0 ? jtime(d->t0 + drill_rto(d)) : NULL);
	json_object_object_add(o, "rto", rto);
	dl = measure_json(d->t0 > 0 ? d->data_loss : -1, d->rpo_target, d->data_loss_basis);
	json_object_object_add(dl, "lag_at_failover_seconds", jsecs(d->lag_at_failover));
	json_object_object_add(o, "data_loss", dl);
	a = json_object_new_array();
	for (int i = 0; i < nph; i++) {
		struct json_object *p = json_object_new_object();

		add_str(p, "phase", rb_phase_name(ph[i].phase));
		add_str(p, "title", rb_phase_title(ph[i].phase));
		add_str(p, "step", d->rb->steps[ph[i].step].id);
		json_object_object_add(p, "ended", jtime(ph[i].ended));
		json_object_object_add(p, "seconds", jsecs(ph[i].seconds));
		json_object_array_add(a, p);
	}
	json_object_object_add(o, "phases", a);
	a = json_object_new_array();
	for (int i = 0; i < d->rb->nsteps; i++) {
		const struct rb_step *rs = &d->rb->steps[i];
		const struct drill_step_run *st = &d->steps[i];
		struct json_object *s = json_object_new_object(), *ev = json_object_new_array();

		add_str(s, "id", rs->id);
		add_str(s, "title", d->steps[i].title);
		add_str(s, "explain", d->steps[i].explain);
		add_str(s, "kind", rb_step_kind_name(rs->kind));
		add_str(s, "state", drill_step_state_name(st->state));
		json_object_object_add(s, "optional", json_object_new_boolean(rs->optional));
		add_str(s, "phase", rb_phase_name(rs->phase));
		add_str(s, "command", st->command);
		json_object_object_add(s, "started", jtime(st->started));
		json_object_object_add(s, "ended", jtime(st->ended));
		json_object_object_add(s, "seconds", st->ended > 0 ? jsecs(st->ended - st->started) : NULL);
		json_object_object_add(s, "attempts", json_object_new_int(st->attempts));
		add_str(s, "result", st->result);
		for (int k = 0; k < st->nevidence; k++)
			json_object_array_add(ev, json_object_new_string(st->evidence[k]));
		json_object_object_add(s, "evidence", ev);
		add_str(s, "comment", st->comment);
		add_str(s, "skip_reason", st->skip_reason);
		add_str(s, "skipped_by", st->state != DRILL_STEP_SKIPPED ? NULL
					 : st->operator_skip	      ? "operator"
								      : "runbook");
		json_object_array_add(a, s);
	}
	json_object_object_add(o, "steps", a);
	json_object_object_add(o, "findings_before", findings_json(d->before, d->nbefore));
	json_object_object_add(o, "findings_after", d->have_after ? findings_json(d->after, d->nafter) : NULL);
	return o;
}

/* ---- Markdown ------------------------------------------------------------------------ */

struct buf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void put(struct buf *b, const char *fmt, ...) SSISDR_PRINTF(2, 3);

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t cap = (b->cap + (size_t)n) * 2;
			char *s = realloc(b->s, cap);

			if (!s) {
				b->oom = true;
				return;
			}
			b->s = s;
			b->cap = cap;
		}
	}
}

/* Table cells: no newline, no unescaped pipe. */
static const char *cell(char *out, size_t len, const char *in)
{
	size_t o = 0;

	for (; *in && o + 3 < len; in++) {
		if (*in == '|')
			out[o++] = '\\';
		out[o++] = *in == '\n' ? ' ' : *in;
	}
	out[o] = '\0';
	return out;
}

static void md_findings(struct buf *b, const char *title, const struct drill_finding *f, int n, bool have)
{
	char c[400];

	put(b, "\n## %s\n\n", title);
	if (!have) {
		put(b, "Not read (no poll finished).\n");
		return;
	}
	if (!n) {
		put(b, "None.\n");
		return;
	}
	put(b, "| Severity | Finding | Site | Message |\n|---|---|---|---|\n");
	for (int i = 0; i < n; i++)
		put(b, "| %s | %s | %s | %s |\n", severity_name(f[i].severity), f[i].id, f[i].site[0] ? f[i].site : "-",
		    cell(c, sizeof(c), f[i].message));
}

static void md_measures(struct buf *b, const struct drill *d)
{
	struct drill_phase ph[RB_PHASE_COUNT];
	int nph = drill_phases(d, ph, RB_PHASE_COUNT);
	double rto = drill_rto(d);
	char m[40], t[40], c[400];

	put(b, "\n## Recovery time and data loss\n\n");
	if (d->failover_step < 0) {
		put(b, "This runbook has no failover step: nothing was measured.\n");
		return;
	}
	put(b, "| Measure | Measured | Target | Within target |\n|---|---|---|---|\n");
	drill_fmt_duration(m, sizeof(m), rto);
	drill_fmt_duration(t, sizeof(t), (double)d->rto_target);
	put(b, "| RTO (failover start to the last phase's end) | %s | %s | %s |\n",
	    rto < 0 ? "not measured (the drill did not get through every phase)" : m, t,
	    rto < 0 ? "-" : rto <= (double)d->rto_target ? "yes" : "**no**");
	drill_fmt_duration(m, sizeof(m), d->data_loss);
	drill_fmt_duration(t, sizeof(t), (double)d->rpo_target);
	put(b, "| Data-loss window | %s | %s (RPO) | %s |\n", d->t0 <= 0 || d->data_loss < 0 ? "unknown" : m, t,
	    d->t0 <= 0 || d->data_loss < 0 ? "-" : d->data_loss <= (double)d->rpo_target ? "yes" : "**no**");
	if (d->data_loss_basis[0])
		put(b, "\nData-loss basis: %s.\n", cell(c, sizeof(c), d->data_loss_basis));
	if (d->t0 > 0) {
		drill_fmt_time(m, sizeof(m), d->t0);
		put(b, "\nThe RTO clock started at %s, when the failover action (step %d %s) started.\n", m,
		    d->failover_step + 1, d->rb->steps[d->failover_step].id);
	}
	if (!nph)
		return;
	put(b, "\n### Phases\n\n| Phase | Ended by step | Ended at | Duration |\n|---|---|---|---|\n");
	for (int i = 0; i < nph; i++) {
		drill_fmt_time(t, sizeof(t), ph[i].ended);
		put(b, "| %s | %s | %s | %.1f s |\n", rb_phase_title(ph[i].phase), d->rb->steps[ph[i].step].id, t,
		    ph[i].seconds);
	}
	if (rto >= 0)
		put(b, "| **RTO** | | | **%.1f s** |\n", rto);
	else
		put(b, "| **RTO** | | | not measured |\n");
}

static void md_steps(struct buf *b, const struct drill *d)
{
	put(b, "\n## Steps\n");
	for (int i = 0; i < d->rb->nsteps; i++) {
		const struct rb_step *rs = &d->rb->steps[i];
		const struct drill_step_run *st = &d->steps[i];
		char s[40], e[40], took[40];

		drill_fmt_time(s, sizeof(s), st->started);
		drill_fmt_time(e, sizeof(e), st->ended);
		drill_fmt_duration(took, sizeof(took), st->ended > 0 ? st->ended - st->started : -1);
		put(b, "\n### %d. %s: %s%s\n\n", i + 1, d->steps[i].title,
		    st->state == DRILL_STEP_PENDING ? "not run" : drill_step_state_name(st->state),
		    rs->optional ? " (optional)" : "");
		put(b, "- step `%s`, %s%s%s%s\n", rs->id, rb_step_kind_name(rs->kind), rs->phase ? ", ends phase " : "",
		    rb_phase_name(rs->phase), rs->failover ? ", starts the RTO clock" : "");
		if (st->command[0])
			put(b, "- command: `%s`\n", st->command);
		if (st->started > 0)
			put(b, "- started %s, ended %s, took %s%s\n", s, e[0] ? e : "-", took,
			    st->attempts > 1 ? " (last attempt)" : "");
		if (st->result[0])
			put(b, "- result: %s\n", st->result);
		if (st->comment[0])
			put(b, "- operator comment: %s\n", st->comment);
		if (st->nevidence) {
			put(b, "\nEvidence:\n\n```\n");
			for (int k = 0; k < st->nevidence; k++)
				put(b, "%s\n", st->evidence[k]);
			if (st->dropped)
				put(b, "(%d more lines not kept)\n", st->dropped);
			put(b, "```\n");
		}
	}
}

static char *report_md(const struct drill *d)
{
	struct buf b = { 0 };
	char s[40], e[40], took[40];

	drill_fmt_time(s, sizeof(s), d->started);
	drill_fmt_time(e, sizeof(e), d->ended);
	drill_fmt_duration(took, sizeof(took), d->ended - d->started);
	put(&b, "# DR drill: %s: %s\n\n", d->rb->title, d->passed ? "PASS" : "FAIL");
	put(&b, "| | |\n|---|---|\n| Runbook | %s (`%s`) |\n| Pair | %s |\n| Operator | %s |\n", d->rb->name, d->rb->path,
	    d->pair_name, d->operator_name);
	put(&b, "| Started | %s |\n| Ended | %s |\n| Duration | %s |\n| Result | **%s** |\n", s, e, took,
	    d->passed ? "PASS" : "FAIL");
	if (d->resumed)
		put(&b, "| Resumed | %d time%s after the console stopped |\n", d->resumed, d->resumed == 1 ? "" : "s");
	put(&b, "| Roles at the start | %s primary, %s secondary |\n", rb_vars_get(&d->vars, "primary"),
	    rb_vars_get(&d->vars, "secondary"));
	if (d->nreasons) {
		put(&b, "\nWhy it failed:\n\n");
		for (int i = 0; i < d->nreasons; i++)
			put(&b, "- %s\n", d->reasons[i]);
	}
	md_measures(&b, d);
	md_steps(&b, d);
	md_findings(&b, "Findings before the drill", d->before, d->nbefore, true);
	md_findings(&b, "Findings after the drill", d->after, d->nafter, d->have_after);
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

int drill_report_write(struct drill *d, char *err, size_t errlen)
{
	struct json_object *j;
	char stamp[32], base[RB_PATH_MAX], md[RB_PATH_MAX + 8], js[RB_PATH_MAX + 8], *text;
	int rc;

	drill_lock(d);
	drill_fmt_stamp(stamp, sizeof(stamp), d->started);
	snprintf(base, sizeof(base), "%s/%s-%s-%s", d->report_dir, d->pair_name, d->rb->name, stamp);
	snprintf(md, sizeof(md), "%s.md", base);
	snprintf(js, sizeof(js), "%s.json", base);
	text = report_md(d);
	j = report_json(d);
	drill_unlock(d);
	if (!text) {
		json_object_put(j);
		return errf(err, errlen, "out of memory writing the report");
	}
	rc = drill_write_file(md, text, err, errlen) ||
	     drill_write_file(js, json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY), err, errlen);
	free(text);
	json_object_put(j);
	if (rc)
		return -1;
	drill_lock(d);
	str_copy(d->report_md, md, sizeof(d->report_md));
	str_copy(d->report_json, js, sizeof(d->report_json));
	drill_unlock(d);
	return 0;
}
