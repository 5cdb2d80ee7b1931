/* The rule table, the evaluation loop and the helpers every rule uses. */
#include "core/rule_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct rule_info rule_infos[RULE_COUNT] = {
	[RULE_SPLIT_BRAIN] = { "split-brain", SEV_CRITICAL,
		"Both sites' failover groups report Primary, or both SSISDBs report PRIMARY: "
		"a person must decide which side keeps the primary role." },
	[RULE_ROLE_MISMATCH] = { "role-mismatch", SEV_CRITICAL,
		"On one site the failover group and SSISDB (sys.dm_geo_replication_link_status) "
		"disagree on the role; a failover may be under way." },
	[RULE_IR_ROLE_UNKNOWN] = { "ir-role-unknown", SEV_WARNING,
		"A site's IR and failover group were read but its role could not be derived "
		"(e.g. catalogServerEndpoint names neither site's server); role checks skip that site." },
	[RULE_SITE_UNREACHABLE] = { "site-unreachable", SEV_CRITICAL,
		"A site's IR, failover group and SSISDB all failed on their last try: "
		"neither ARM nor SQL reaches it." },
	[RULE_PRIMARY_IR_NOT_STARTED] = { "primary-ir-not-started", SEV_CRITICAL,
		"The primary site's IR is not Started, so no package runs (a warning while Starting)." },
	[RULE_PRIMARY_IR_NODES] = { "primary-ir-nodes-unavailable", SEV_WARNING,
		"The primary site's IR is Started but fewer nodes are available than requested "
		"(critical when none is)." },
	[RULE_PAIR_NAME_MISMATCH] = { "pair-name-mismatch", SEV_WARNING,
		"The two IRs' dualStandbyPairName differ, or one is empty." },
	[RULE_SECONDARY_IR_STOPPED] = { "secondary-ir-stopped", SEV_WARNING,
		"The secondary IR is stopped: a failover waits about 5 min (25 min with VNet "
		"injection) for it to start." },
	[RULE_TRIGGERS_ON_SECONDARY] = { "triggers-on-secondary", SEV_CRITICAL,
		"Managed triggers are Started in the secondary site's factory: packages would run "
		"on the wrong side or twice." },
	[RULE_TRIGGERS_OFF_ON_PRIMARY] = { "triggers-off-on-primary", SEV_WARNING,
		"Managed triggers are Stopped or Disabled in the primary site's factory." },
	[RULE_TRIGGER_MISSING] = { "trigger-missing", SEV_WARNING,
		"A managed trigger exists in one factory and not in the other." },
	[RULE_SSIS_PIPELINE_MISSING] = { "ssis-pipeline-missing", SEV_WARNING,
		"A pipeline with an Execute SSIS Package activity exists in one factory and not "
		"in the other." },
	[RULE_SCHEDULES_ON_SECONDARY] = { "schedules-on-secondary", SEV_CRITICAL,
		"Managed instance: SSIS job schedules are enabled on the secondary instance." },
	[RULE_SCHEDULES_OFF_ON_PRIMARY] = { "schedules-off-on-primary", SEV_WARNING,
		"Managed instance: SSIS job schedules are disabled on the primary instance." },
	[RULE_REPLICATION_UNHEALTHY] = { "replication-unhealthy", SEV_CRITICAL,
		"Replication is not CATCH_UP: SUSPENDED or an unknown state is critical, SEEDING "
		"or PENDING a warning." },
	[RULE_LAG_OVER_RPO] = { "lag-over-rpo", SEV_WARNING,
		"Replication lag is over the RPO target (critical over twice the target)." },
	[RULE_CATALOG_VERSION_MISMATCH] = { "catalog-version-mismatch", SEV_WARNING,
		"SSISDB SCHEMA_VERSION differs between the sites." },
	[RULE_PACKAGES_RUNNING] = { "packages-running", SEV_INFO,
		"Packages are running or pending in the primary SSISDB: a planned failover would "
		"interrupt them." },
	[RULE_AUTOMATIC_FAILOVER_POLICY] = { "automatic-failover-policy", SEV_INFO,
		"The failover group's policy is Automatic: Azure may move the primary role on its own." },
	[RULE_STALE_DATA] = { "stale-data", SEV_WARNING,
		"Some data of a site is older than three refresh intervals plus the request timeout, or could never be read." },
};

static rule_check *const rule_checks[RULE_COUNT] = {
	[RULE_SPLIT_BRAIN] = rule_check_split_brain,
	[RULE_ROLE_MISMATCH] = rule_check_role_mismatch,
	[RULE_IR_ROLE_UNKNOWN] = rule_check_ir_role_unknown,
	[RULE_SITE_UNREACHABLE] = rule_check_site_unreachable,
	[RULE_PRIMARY_IR_NOT_STARTED] = rule_check_primary_ir_not_started,
	[RULE_PRIMARY_IR_NODES] = rule_check_primary_ir_nodes,
	[RULE_PAIR_NAME_MISMATCH] = rule_check_pair_name_mismatch,
	[RULE_SECONDARY_IR_STOPPED] = rule_check_secondary_ir_stopped,
	[RULE_TRIGGERS_ON_SECONDARY] = rule_check_triggers_on_secondary,
	[RULE_TRIGGERS_OFF_ON_PRIMARY] = rule_check_triggers_off_on_primary,
	[RULE_TRIGGER_MISSING] = rule_check_trigger_missing,
	[RULE_SSIS_PIPELINE_MISSING] = rule_check_ssis_pipeline_missing,
	[RULE_SCHEDULES_ON_SECONDARY] = rule_check_schedules_on_secondary,
	[RULE_SCHEDULES_OFF_ON_PRIMARY] = rule_check_schedules_off_on_primary,
	[RULE_REPLICATION_UNHEALTHY] = rule_check_replication_unhealthy,
	[RULE_LAG_OVER_RPO] = rule_check_lag_over_rpo,
	[RULE_CATALOG_VERSION_MISMATCH] = rule_check_catalog_version_mismatch,
	[RULE_PACKAGES_RUNNING] = rule_check_packages_running,
	[RULE_AUTOMATIC_FAILOVER_POLICY] = rule_check_automatic_failover_policy,
	[RULE_STALE_DATA] = rule_check_stale_data,
};

const struct rule_info *rule_table(size_t *n)
{
	if (n)
		*n = RULE_COUNT;
	return rule_infos;
}

/* Stable: equal severities keep the order the rules added them in. */
static void sort_by_severity(struct finding *f, int n)
{
	for (int i = 1; i < n; i++) {
		struct finding moving = f[i];
		int j = i;

		while (j > 0 && f[j - 1].severity < moving.severity) {
			f[j] = f[j - 1];
			j--;
		}
		f[j] = moving;
	}
}

void rule_evaluate(struct model_pair *pair, const struct rule_context *ctx)
{
	struct rule_run run = { .pair = pair, .ctx = ctx };

	if (!pair || !ctx)
		return;
	run.stale_after = model_stale_after(ctx->refresh, ctx->request_timeout);
	pair->nfindings = 0;
	for (int id = 0; id < RULE_COUNT; id++)
		rule_checks[id](&run);
	sort_by_severity(pair->findings, pair->nfindings);
	pair->worst = pair->nfindings ? pair->findings[0].severity : SEV_OK;
}

/* Cut s to at most max bytes without splitting a UTF-8 sequence. */
static void cut_utf8(char *s, size_t max)
{
	size_t i = max;

	if (strlen(s) <= max)
		return;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	s[i] = '\0';
}

static void mark_cut(char *buf, size_t len)
{
	static const char more[] = "...";

	if (len < sizeof(more))
		return;
	cut_utf8(buf, len - sizeof(more));
	strcat(buf, more);
}

void rule_emit(struct rule_run *run, enum rule_id id, enum severity sev,
	       const struct model_site *site, const char *fix, const char *fmt, ...)
{
	struct model_pair *pair = run->pair;
	struct finding *f;
	va_list ap;
	int n;

	if (pair->nfindings >= MODEL_MAX_FINDINGS)
		return;
	f = &pair->findings[pair->nfindings++];
	memset(f, 0, sizeof(*f));
	str_copy(f->id, rule_infos[id].id, sizeof(f->id));
	f->severity = sev;
	str_copy(f->site, site ? site->name : "", sizeof(f->site));
	str_copy(f->fix, fix ? fix : "", sizeof(f->fix));
	va_start(ap, fmt);
	n = vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(f->message))
		mark_cut(f->message, sizeof(f->message));
}

bool rule_fired(const struct rule_run *run, enum rule_id id, const struct model_site *site)
{
	const struct model_pair *pair = run->pair;
	const char *where = site ? site->name : "";

	for (int i = 0; i < pair->nfindings; i++)
		if (!strcmp(pair->findings[i].id, rule_infos[id].id) &&
		    !strcmp(pair->findings[i].site, where))
			return true;
	return false;
}

bool rule_fresh(const struct rule_run *run, const struct datum *d)
{
	return d->read_at > 0 && datum_age(d, run->ctx->now) <= run->stale_after;
}

struct model_site *rule_site_with_role(struct model_pair *pair, enum model_role role)
{
	bool first = pair->sites[0].role == role;
	bool second = pair->sites[1].role == role;

	if (first == second)
		return NULL;
	return first ? &pair->sites[0] : &pair->sites[1];
}

struct model_site *rule_other_site(struct model_pair *pair, const struct model_site *site)
{
	return site == &pair->sites[0] ? &pair->sites[1] : &pair->sites[0];
}

bool rule_site_mi(const struct model_pair *pair, const struct model_site *site)
{
	return pair->mi || site->mi;
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

bool rule_same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
			return false;
	return *a == *b;
}

void rule_duration(char *buf, size_t len, double seconds)
{
	long t = seconds < 0 ? 0 : seconds > 1e9 ? 1000000000L : (long)seconds;

	if (t < 60)
		snprintf(buf, len, "%ld s", t);
	else if (t < 3600 && t % 60)
		snprintf(buf, len, "%ld min %ld s", t / 60, t % 60);
	else if (t < 3600)
		snprintf(buf, len, "%ld min", t / 60);
	else if (t < 86400 && t % 3600 / 60)
		snprintf(buf, len, "%ld h %ld min", t / 3600, t % 3600 / 60);
	else if (t < 86400)
		snprintf(buf, len, "%ld h", t / 3600);
	else if (t % 86400 / 3600)
		snprintf(buf, len, "%ld d %ld h", t / 86400, t % 86400 / 3600);
	else
		snprintf(buf, len, "%ld d", t / 86400);
}

void rule_shorten(char *buf, size_t len, const char *text)
{
	if (!len)
		return;
	if (str_copy(buf, text, len) >= len)
		mark_cut(buf, len);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

void rule_fix_site(char *buf, size_t len, const char *command, const struct model_site *site)
{
	snprintf(buf, len, "%s %s", command, site->name);
}

void rule_names_add(struct rule_names *names, const char *name)
{
	size_t used = strlen(names->shown);

	names->count++;
	if (names->count > RULE_NAMES_SHOWN)
		return;
	snprintf(names->shown + used, sizeof(names->shown) - used, "%s%s",
		 names->count > 1 ? ", " : "", name);
}

const char *rule_names_text(struct rule_names *names)
{
	if (names->count > RULE_NAMES_SHOWN)
		snprintf(names->text, sizeof(names->text), "%s and %d more", names->shown,
			 names->count - RULE_NAMES_SHOWN);
	else
		str_copy(names->text, names->shown, sizeof(names->text));
	return names->text;
}
