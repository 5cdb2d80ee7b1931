/* Rules about what starts packages: ADF triggers, the SSIS pipelines they
 * run, and (managed instance) SQL Agent job schedules. They must be on in
 * the primary site and off in the secondary one, and exist in both. */
#include "core/rule_impl.h"

#include <stdio.h>

static const char *trigger_count_words(int n, bool truncated)
{
	if (truncated)
		return "or more managed triggers are";
	return n == 1 ? "managed trigger is" : "managed triggers are";
}

void rule_check_triggers_on_secondary(struct rule_run *run)
{
	const struct model_site *s = rule_site_with_role(run->pair, ROLE_SECONDARY);
	struct rule_names started = { .count = 0 };

	if (!s || !rule_fresh(run, &s->triggers.d))
		return;
	for (int i = 0; i < s->triggers.n; i++) {
		const struct model_trigger *t = &s->triggers.items[i];

		if (t->managed && rule_same_name(t->state, "Started"))
			rule_names_add(&started, t->name);
	}
	if (!started.count)
		return;
	rule_emit(run, RULE_TRIGGERS_ON_SECONDARY, SEV_CRITICAL, s, "triggers sync",
		  "%s: %d %s Started in the secondary site's factory, so packages would run on the "
		  "wrong side or twice: %s.",
		  s->name, started.count, trigger_count_words(started.count, s->triggers.truncated),
		  rule_names_text(&started));
}

void rule_check_triggers_off_on_primary(struct rule_run *run)
{
	const struct model_site *p = rule_site_with_role(run->pair, ROLE_PRIMARY);
	struct rule_names off = { .count = 0 };

	if (!p || !rule_fresh(run, &p->triggers.d))
		return;
	for (int i = 0; i < p->triggers.n; i++) {
		const struct model_trigger *t = &p->triggers.items[i];

		if (t->managed && (rule_same_name(t->state, "Stopped") || rule_same_name(t->state, "Disabled")))
			rule_names_add(&off, t->name);
	}
	if (!off.count)
		return;
	rule_emit(run, RULE_TRIGGERS_OFF_ON_PRIMARY, SEV_WARNING, p, "triggers sync",
		  "%s: %d %s stopped in the primary site's factory, so their SSIS packages do not "
		  "run on schedule: %s.",
		  p->name, off.count, trigger_count_words(off.count, p->triggers.truncated),
		  rule_names_text(&off));
}

static bool has_trigger(const struct model_triggers *list, const char *name)
{
	for (int i = 0; i < list->n; i++)
		if (rule_same_name(list->items[i].name, name))
			return true;
	return false;
}

static void report_missing_triggers(struct rule_run *run, const struct model_site *from,
				    const struct model_site *to)
{
	struct rule_names missing = { .count = 0 };

	for (int i = 0; i < from->triggers.n; i++) {
		const struct model_trigger *t = &from->triggers.items[i];

		if (t->managed && !has_trigger(&to->triggers, t->name))
			rule_names_add(&missing, t->name);
	}
	if (!missing.count)
		return;
	rule_emit(run, RULE_TRIGGER_MISSING, SEV_WARNING, to, "",
		  "%s: the factory lacks %d managed trigger%s that %s has; copy %s to %s with the "
		  "trigger%s stopped: %s.",
		  to->name, missing.count, missing.count == 1 ? "" : "s", from->name,
		  missing.count == 1 ? "it" : "them", to->name, missing.count == 1 ? "" : "s",
		  rule_names_text(&missing));
}

/* A list cut short may hide the very name looked for: no claim then. */
void rule_check_trigger_missing(struct rule_run *run)
{
	const struct model_site *a = &run->pair->sites[0], *b = &run->pair->sites[1];

	if (!rule_fresh(run, &a->triggers.d) || !rule_fresh(run, &b->triggers.d) ||
	    a->triggers.truncated || b->triggers.truncated)
		return;
	report_missing_triggers(run, a, b);
	report_missing_triggers(run, b, a);
}

static bool has_ssis_pipeline(const struct model_pipelines *list, const char *name)
{
	for (int i = 0; i < list->n; i++)
		if (list->items[i].ssis && rule_same_name(list->items[i].name, name))
			return true;
	return false;
}

static void report_missing_pipelines(struct rule_run *run, const struct model_site *from,
				     const struct model_site *to)
{
	struct rule_names missing = { .count = 0 };

	for (int i = 0; i < from->pipelines.n; i++) {
		const struct model_pipeline *p = &from->pipelines.items[i];

		if (p->ssis && !has_ssis_pipeline(&to->pipelines, p->name))
			rule_names_add(&missing, p->name);
	}
	if (!missing.count)
		return;
	rule_emit(run, RULE_SSIS_PIPELINE_MISSING, SEV_WARNING, to, "",
		  "%s: the factory lacks %d SSIS pipeline%s that %s has, so %s packages cannot run "
		  "from %s after a failover; copy %s: %s.",
		  to->name, missing.count, missing.count == 1 ? "" : "s", from->name,
		  missing.count == 1 ? "its" : "their", to->name, missing.count == 1 ? "it" : "them",
		  rule_names_text(&missing));
}

/* The pipeline list keeps at most MODEL_MAX_PIPELINES: a full one may be cut short. */
void rule_check_ssis_pipeline_missing(struct rule_run *run)
{
	const struct model_site *a = &run->pair->sites[0], *b = &run->pair->sites[1];

	if (!rule_fresh(run, &a->pipelines.d) || !rule_fresh(run, &b->pipelines.d) ||
	    a->pipelines.n >= MODEL_MAX_PIPELINES || b->pipelines.n >= MODEL_MAX_PIPELINES)
		return;
	report_missing_pipelines(run, a, b);
	report_missing_pipelines(run, b, a);
}

/* Job rows without a schedule (schedule_id 0) have nothing to switch. */
static void collect_schedules(const struct model_jobs *jobs, bool enabled, struct rule_names *out)
{
	for (int i = 0; i < jobs->n; i++) {
		const struct model_job *j = &jobs->items[i];
		char name[RULE_NAME_ROOM];

		if (j->schedule_id <= 0 || j->schedule_enabled != enabled)
			continue;
		if (j->schedule[0])
			snprintf(name, sizeof(name), "%s (%s)", j->name, j->schedule);
		else
			snprintf(name, sizeof(name), "%s (schedule %d)", j->name, j->schedule_id);
		rule_names_add(out, name);
	}
}

static const struct model_site *mi_site_with_jobs(struct rule_run *run, enum model_role role)
{
	const struct model_site *s = rule_site_with_role(run->pair, role);

	if (!s || !rule_site_mi(run->pair, s) || !rule_fresh(run, &s->jobs.d))
		return NULL;
	return s;
}

void rule_check_schedules_on_secondary(struct rule_run *run)
{
	const struct model_site *s = mi_site_with_jobs(run, ROLE_SECONDARY);
	struct rule_names on = { .count = 0 };

	if (!s)
		return;
	collect_schedules(&s->jobs, true, &on);
	if (!on.count)
		return;
	rule_emit(run, RULE_SCHEDULES_ON_SECONDARY, SEV_CRITICAL, s, "schedules sync",
		  "%s: %d SSIS job schedule%s enabled on the secondary instance, so packages would "
		  "run on the wrong side or twice: %s.",
		  s->name, on.count, on.count == 1 ? " is" : "s are", rule_names_text(&on));
}

void rule_check_schedules_off_on_primary(struct rule_run *run)
{
	const struct model_site *p = mi_site_with_jobs(run, ROLE_PRIMARY);
	struct rule_names off = { .count = 0 };

	if (!p)
		return;
	collect_schedules(&p->jobs, false, &off);
	if (!off.count)
		return;
	rule_emit(run, RULE_SCHEDULES_OFF_ON_PRIMARY, SEV_WARNING, p, "schedules sync",
		  "%s: %d SSIS job schedule%s disabled on the primary instance, so those jobs do not "
		  "run on schedule: %s.",
		  p->name, off.count, off.count == 1 ? " is" : "s are", rule_names_text(&off));
}
