/* Rules about the console's own view: a site it cannot reach, data too old
 * to trust. The other rules stay silent on such data; these speak for it. */
#include "core/rule_impl.h"

#include <stdio.h>

struct named_datum {
	const char *what;
	const struct datum *d;
};

#define SITE_DATUMS 7

static int site_datums(const struct model_pair *pair, const struct model_site *s,
		       struct named_datum out[SITE_DATUMS])
{
	int n = 0;

	out[n++] = (struct named_datum){ "IR status", &s->ir.d };
	out[n++] = (struct named_datum){ "trigger list", &s->triggers.d };
	out[n++] = (struct named_datum){ "pipeline list", &s->pipelines.d };
	out[n++] = (struct named_datum){ "failover group", &s->fog.d };
	out[n++] = (struct named_datum){ "SSISDB replication link", &s->link.d };
	out[n++] = (struct named_datum){ "SSISDB catalog", &s->catalog.d };
	if (rule_site_mi(pair, s))
		out[n++] = (struct named_datum){ "SQL Agent job list (msdb)", &s->jobs.d };
	return n;
}

static bool failed(const struct datum *d)
{
	return d->error[0] != '\0';
}

static double newest_read(const struct named_datum *list, int n)
{
	double newest = 0;

	for (int i = 0; i < n; i++)
		if (list[i].d->read_at > newest)
			newest = list[i].d->read_at;
	return newest;
}

/* The IR (ARM, the factory's region), the failover group (ARM, the SQL
 * side) and SSISDB (ODBC) all failing is a site out of reach, not a glitch. */
void rule_check_site_unreachable(struct rule_run *run)
{
	for (int i = 0; i < 2; i++) {
		const struct model_site *s = &run->pair->sites[i];
		struct named_datum list[SITE_DATUMS];
		char ir[72], fog[72], link[72], last[48];
		double newest;
		int n;

		if (!failed(&s->ir.d) || !failed(&s->fog.d) || !failed(&s->link.d))
			continue;
		n = site_datums(run->pair, s, list);
		newest = newest_read(list, n);
		if (newest > 0) {
			char age[32];

			rule_duration(age, sizeof(age), run->ctx->now - newest);
			snprintf(last, sizeof(last), "last data %s ago", age);
		} else {
			snprintf(last, sizeof(last), "no data yet");
		}
		rule_shorten(ir, sizeof(ir), s->ir.d.error);
		rule_shorten(fog, sizeof(fog), s->fog.d.error);
		rule_shorten(link, sizeof(link), s->link.d.error);
		rule_emit(run, RULE_SITE_UNREACHABLE, SEV_CRITICAL, s, "",
			  "%s cannot be reached: the IR, the failover group and SSISDB all failed on "
			  "their last try (%s). %s; %s; %s",
			  s->name, last, ir, fog, link);
	}
}

/* Never read counts as stale once a try has failed or has taken longer
 * than the data may age; before the first try there is nothing to say. */
static bool is_stale(const struct rule_run *run, const struct datum *d)
{
	if (d->read_at > 0)
		return datum_age(d, run->ctx->now) > run->stale_after;
	if (d->tried_at <= 0)
		return false;
	return failed(d) || run->ctx->now - d->tried_at > run->stale_after;
}

static void report_stale(struct rule_run *run, const struct model_site *s,
			 const struct named_datum *oldest, int nstale)
{
	char age[32], limit[32], others[48] = "", error[160];

	rule_duration(limit, sizeof(limit), run->stale_after);
	if (nstale > 1)
		snprintf(others, sizeof(others), ", and %d more %s stale", nstale - 1,
			 nstale == 2 ? "is" : "are");
	if (oldest->d->error[0])
		rule_shorten(error, sizeof(error), oldest->d->error);
	else
		str_copy(error, "none recorded", sizeof(error));
	if (oldest->d->read_at > 0) {
		rule_duration(age, sizeof(age), datum_age(oldest->d, run->ctx->now));
		rule_emit(run, RULE_STALE_DATA, SEV_WARNING, s, "refresh",
			  "%s: the %s is %s old (stale after %s)%s; last error: %s",
			  s->name, oldest->what, age, limit, others, error);
	} else {
		rule_emit(run, RULE_STALE_DATA, SEV_WARNING, s, "refresh",
			  "%s: the %s has never been read%s; last error: %s",
			  s->name, oldest->what, others, error);
	}
}

void rule_check_stale_data(struct rule_run *run)
{
	for (int i = 0; i < 2; i++) {
		const struct model_site *s = &run->pair->sites[i];
		struct named_datum list[SITE_DATUMS];
		const struct named_datum *oldest = NULL;
		double oldest_age = -1;
		int n, nstale = 0;

		if (rule_fired(run, RULE_SITE_UNREACHABLE, s))
			continue;
		n = site_datums(run->pair, s, list);
		for (int k = 0; k < n; k++) {
			double age = datum_age(list[k].d, run->ctx->now);

			if (!is_stale(run, list[k].d))
				continue;
			nstale++;
			if (age > oldest_age) {
				oldest_age = age;
				oldest = &list[k];
			}
		}
		if (oldest)
			report_stale(run, s, oldest, nstale);
	}
}
