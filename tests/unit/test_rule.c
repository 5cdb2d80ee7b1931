/* Unit tests for core/rule*.c and core/model.c: findings on hand-built pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/model.h"
#include "core/rule.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1700000000.0

static const struct rule_context default_ctx = {
	.now = NOW, .refresh = 10, .rpo_target = 60, .rto_target = 3600,
};

/* ---- building pairs ------------------------------------------------------------- */

static void fresh(struct datum *d)
{
	d->read_at = NOW - 1;
	d->tried_at = NOW - 1;
	d->error[0] = '\0';
}

static void aged(struct datum *d, double age, const char *error)
{
	d->read_at = NOW - age;
	d->tried_at = NOW - 1;
	snprintf(d->error, sizeof(d->error), "%s", error);
}

static void never_read(struct datum *d, const char *error)
{
	d->read_at = 0;
	d->tried_at = error ? NOW - 1 : 0;
	snprintf(d->error, sizeof(d->error), "%s", error ? error : "");
}

static struct model_trigger *add_trigger(struct model_site *s, const char *name, const char *state,
					 bool managed)
{
	struct model_trigger *t = &s->triggers.items[s->triggers.n++];

	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->type, sizeof(t->type), "ScheduleTrigger");
	snprintf(t->state, sizeof(t->state), "%s", state);
	snprintf(t->pipelines[0], sizeof(t->pipelines[0]), "load-dw");
	t->npipelines = 1;
	t->runs_ssis = managed;
	t->managed = managed;
	return t;
}

static void add_pipeline(struct model_site *s, const char *name, bool ssis)
{
	struct model_pipeline *p = &s->pipelines.items[s->pipelines.n++];

	snprintf(p->name, sizeof(p->name), "%s", name);
	p->ssis = ssis;
	snprintf(p->ir, sizeof(p->ir), "%s", ssis ? s->ir.name : "");
}

static void add_job(struct model_site *s, const char *name, const char *schedule, int id, bool enabled)
{
	struct model_job *j = &s->jobs.items[s->jobs.n++];

	snprintf(j->name, sizeof(j->name), "%s", name);
	snprintf(j->schedule, sizeof(j->schedule), "%s", schedule);
	j->schedule_id = id;
	j->job_enabled = true;
	j->schedule_enabled = enabled;
}

static void make_site(struct model_site *s, const char *name, const char *server, bool primary, bool mi)
{
	enum model_role role = primary ? ROLE_PRIMARY : ROLE_SECONDARY;
	const char *trigger_state = primary ? "Started" : "Stopped";

	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->region, sizeof(s->region), "%s", name);
	s->mi = mi;
	s->role = role;
	snprintf(s->role_basis, sizeof(s->role_basis), "failover group on %s: %s; SSISDB agrees", server,
		 model_role_name(role));

	fresh(&s->ir.d);
	snprintf(s->ir.name, sizeof(s->ir.name), "ssis-ir-%s", primary ? "east" : "west");
	snprintf(s->ir.state, sizeof(s->ir.state), "%s", primary ? "Started" : "Stopped");
	s->ir.nodes = primary ? 2 : 0;
	s->ir.nodes_available = primary ? 2 : 0;
	s->ir.nodes_requested = 2;
	s->ir.is_ssis = true;
	snprintf(s->ir.catalog_endpoint, sizeof(s->ir.catalog_endpoint), "%s.database.windows.net", server);
	snprintf(s->ir.pair_name, sizeof(s->ir.pair_name), "prod-pair");

	fresh(&s->triggers.d);
	add_trigger(s, "daily-load", trigger_state, true);
	add_trigger(s, "hourly-sync", trigger_state, true);
	add_trigger(s, "nightly-etl", trigger_state, true);

	fresh(&s->pipelines.d);
	add_pipeline(s, "load-dw", true);
	add_pipeline(s, "sync-ref", true);
	add_pipeline(s, "copy-blobs", false);

	fresh(&s->fog.d);
	snprintf(s->fog.name, sizeof(s->fog.name), "fg-ssis");
	s->fog.role = role;
	snprintf(s->fog.replication_state, sizeof(s->fog.replication_state), "CATCH_UP");
	snprintf(s->fog.policy, sizeof(s->fog.policy), "Manual");
	s->fog.grace_minutes = -1;
	s->fog.partner_role = primary ? ROLE_SECONDARY : ROLE_PRIMARY;

	fresh(&s->link.d);
	s->link.present = true;
	s->link.role = role;
	snprintf(s->link.state_desc, sizeof(s->link.state_desc), "CATCH_UP");
	s->link.lag_known = primary;
	s->link.lag_seconds = 0;
	s->link.last_commit_epoch = NOW - 2;

	fresh(&s->catalog.d);
	snprintf(s->catalog.schema_version, sizeof(s->catalog.schema_version), "8");
	snprintf(s->catalog.schema_build, sizeof(s->catalog.schema_build), "15.0.2000.180");

	if (mi) {
		fresh(&s->jobs.d);
		add_job(s, "load-dw-nightly", "Nightly", 11, primary);
		add_job(s, "sync-ref-hourly", "Hourly", 12, primary);
		s->jobs.switch_job_present = true;
		s->jobs.switch_job_enabled = true;
	}
}

/* east primary (IR Started, triggers Started), west secondary (IR Stopped,
 * triggers Stopped); on the heap, as a model_pair is large. */
static struct model_pair *healthy_pair(bool mi)
{
	struct model_pair *pair = calloc(1, sizeof(*pair));

	assert_non_null(pair);
	snprintf(pair->name, sizeof(pair->name), "prod");
	pair->mi = mi;
	make_site(&pair->sites[0], "eastus", mi ? "sqlmi-east" : "sql-east", true, mi);
	make_site(&pair->sites[1], "westus", mi ? "sqlmi-west" : "sql-west", false, mi);
	return pair;
}

#define EAST(p) (&(p)->sites[0])
#define WEST(p) (&(p)->sites[1])

static void evaluate(struct model_pair *pair)
{
	rule_evaluate(pair, &default_ctx);
}

/* ---- looking at findings ------------------------------------------------------------ */

static void dump(const struct model_pair *pair)
{
	for (int i = 0; i < pair->nfindings; i++)
		print_error("#   %s [%s] site '%s' fix '%s': %s\n", pair->findings[i].id,
			    severity_name(pair->findings[i].severity), pair->findings[i].site,
			    pair->findings[i].fix, pair->findings[i].message);
}

static const struct finding *find(const struct model_pair *pair, const char *id, const char *site)
{
	for (int i = 0; i < pair->nfindings; i++)
		if (!strcmp(pair->findings[i].id, id) && (!site || !strcmp(pair->findings[i].site, site)))
			return &pair->findings[i];
	return NULL;
}

static int count(const struct model_pair *pair, const char *id)
{
	int n = 0;

	for (int i = 0; i < pair->nfindings; i++)
		n += !strcmp(pair->findings[i].id, id);
	return n;
}

static const struct finding *expect_at(int line, const struct model_pair *pair, const char *id,
				       enum severity sev, const char *site, const char *fix,
				       const char *text)
{
	const struct finding *f = find(pair, id, site);

	if (!f) {
		dump(pair);
		fail_msg("line %d: no %s finding for site '%s'", line, id, site);
		return NULL;
	}
	if (f->severity != sev || strcmp(f->fix, fix) || (text && !strstr(f->message, text))) {
		dump(pair);
		fail_msg("line %d: %s: want %s, fix '%s', text '%s'", line, id, severity_name(sev), fix,
			 text ? text : "");
	}
	return f;
}

#define EXPECT(pair, id, sev, site, fix, text) expect_at(__LINE__, pair, id, sev, site, fix, text)

static void expect_none_at(int line, const struct model_pair *pair, const char *id)
{
	if (count(pair, id)) {
		dump(pair);
		fail_msg("line %d: unexpected %s finding", line, id);
	}
}

#define EXPECT_NONE(pair, id) expect_none_at(__LINE__, pair, id)

static void expect_only_at(int line, const struct model_pair *pair, const char *id)
{
	if (pair->nfindings != 1 || strcmp(pair->findings[0].id, id)) {
		dump(pair);
		fail_msg("line %d: want only %s, got %d findings", line, id, pair->nfindings);
	}
}

#define EXPECT_ONLY(pair, id) expect_only_at(__LINE__, pair, id)

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;

		if (n < 0)
			return false;
		p++;
		for (; n > 0; n--, p++)
			if ((*p & 0xC0) != 0x80)
				return false;
	}
	return true;
}

/* ---- the healthy pairs ------------------------------------------------------------- */

static void test_healthy_sqldb_pair(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	evaluate(pair);
	EXPECT_ONLY(pair, "secondary-ir-stopped");
	EXPECT(pair, "secondary-ir-stopped", SEV_WARNING, "westus", "ir start westus", "about 5 min");
	assert_int_equal(pair->worst, SEV_WARNING);
	free(pair);
}

static void test_healthy_mi_pair(void **state)
{
	struct model_pair *pair = healthy_pair(true);

	(void)state;
	evaluate(pair);
	EXPECT_ONLY(pair, "secondary-ir-stopped");
	free(pair);
}

static void test_warm_standby_has_no_findings(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	snprintf(WEST(pair)->ir.state, sizeof(WEST(pair)->ir.state), "Started");
	pair->nfindings = 5; /* left over from an earlier evaluation */
	evaluate(pair);
	assert_int_equal(pair->nfindings, 0);
	assert_int_equal(pair->worst, SEV_OK);
	free(pair);
}

/* ---- roles ------------------------------------------------------------------------ */

static void test_split_brain_from_failover_group(void **state)
{
	struct model_pair *pair = healthy_pair(false);
	const struct finding *f;

	(void)state;
	WEST(pair)->fog.role = ROLE_PRIMARY;
	evaluate(pair);
	f = EXPECT(pair, "split-brain", SEV_CRITICAL, "", "", "fg-ssis reports Primary on both eastus and westus");
	assert_non_null(strstr(f->message, "A person must decide which side keeps the primary role"));
	assert_int_equal(pair->worst, SEV_CRITICAL);
	free(pair);
}

static void test_split_brain_from_ssisdb(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	WEST(pair)->link.role = ROLE_PRIMARY;
	evaluate(pair);
	EXPECT(pair, "split-brain", SEV_CRITICAL, "", "", "SSISDB on both eastus and westus reports PRIMARY");
	free(pair);
}

static void test_split_brain_needs_fresh_data(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	/* west's group said Primary four minutes ago; it may have failed over since */
	WEST(pair)->fog.role = ROLE_PRIMARY;
	aged(&WEST(pair)->fog.d, 250, "failover group: GatewayTimeout: no answer");
	evaluate(pair);
	EXPECT_NONE(pair, "split-brain");
	EXPECT(pair, "stale-data", SEV_WARNING, "westus", "refresh", "failover group is 4 min 10 s old");
	free(pair);
}

static void test_role_mismatch(void **state)
{
	struct model_pair *pair = healthy_pair(false);
	const struct finding *f;

	(void)state;
	EAST(pair)->link.role = ROLE_SECONDARY;
	evaluate(pair);
	f = EXPECT(pair, "role-mismatch", SEV_CRITICAL, "eastus", "refresh", "fg-ssis says this site is Primary");
	assert_non_null(strstr(f->message, "SSISDB here says SECONDARY"));
	assert_int_equal(count(pair, "role-mismatch"), 1);
	free(pair);
}

static void test_role_mismatch_needs_a_link(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	EAST(pair)->link.role = ROLE_SECONDARY;
	EAST(pair)->link.present = false; /* no geo link row: nothing to compare */
	WEST(pair)->link.role = ROLE_PRIMARY;
	never_read(&WEST(pair)->link.d, NULL);
	evaluate(pair);
	EXPECT_NONE(pair, "role-mismatch");
	EXPECT_NONE(pair, "split-brain");
	free(pair);
}

static void test_ir_role_unknown(void **state)
{
	struct model_pair *pair = healthy_pair(false);
	const struct finding *f;

	(void)state;
	EAST(pair)->role = ROLE_UNKNOWN;
	snprintf(EAST(pair)->ir.catalog_endpoint, sizeof(EAST(pair)->ir.catalog_endpoint),
		 "sql-old.database.windows.net");
	snprintf(EAST(pair)->role_basis, sizeof(EAST(pair)->role_basis),
		 "IR catalog endpoint sql-old.database.windows.net is neither site's server");
	evaluate(pair);
	f = EXPECT(pair, "ir-role-unknown", SEV_WARNING, "eastus", "", "is neither site's server");
	assert_null(strstr(f->message, "Its SSISDB server endpoint")); /* said once is enough */
	/* without a primary, the primary-side rules stay silent */
	EXPECT_NONE(pair, "primary-ir-not-started");
	EXPECT_NONE(pair, "triggers-off-on-primary");
	free(pair);
}

static void test_ir_role_unknown_silent_without_data(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	EAST(pair)->role = ROLE_UNKNOWN;
	never_read(&EAST(pair)->ir.d, NULL);
	evaluate(pair);
	EXPECT_NONE(pair, "ir-role-unknown");
	free(pair);
}

static void test_pair_name_mismatch(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	snprintf(WEST(pair)->ir.pair_name, sizeof(WEST(pair)->ir.pair_name), "prod-pair-2");
	evaluate(pair);
	EXPECT(pair, "pair-name-mismatch", SEV_WARNING, "", "",
	       "ssis-ir-east (eastus) has pair name \"prod-pair\" and ssis-ir-west (westus) has \"prod-pair-2\"");
	free(pair);
}

static void test_pair_name_empty(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	EAST(pair)->ir.pair_name[0] = '\0';
	WEST(pair)->ir.pair_name[0] = '\0';
	evaluate(pair);
	EXPECT(pair, "pair-name-mismatch", SEV_WARNING, "", "", "has pair name none");
	free(pair);
}

static void test_pair_name_needs_both_irs(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	WEST(pair)->ir.pair_name[0] = '\0';
	never_read(&WEST(pair)->ir.d, "IR: AuthorizationFailed: no access");
	evaluate(pair);
	EXPECT_NONE(pair, "pair-name-mismatch");
	EXPECT(pair, "stale-data", SEV_WARNING, "westus", "refresh", "IR status has never been read");
	free(pair);
}

/* ---- the IRs ---------------------------------------------------------------------- */

static void set_state(struct model_ir *ir, const char *state)
{
	snprintf(ir->state, sizeof(ir->state), "%s", state);
}

static void test_primary_ir_stopped(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_state(&EAST(pair)->ir, "Stopped");
	evaluate(pair);
	EXPECT(pair, "primary-ir-not-started", SEV_CRITICAL, "eastus", "ir start eastus",
	       "IR ssis-ir-east on eastus, the primary site, is stopped: no SSIS package runs");
	free(pair);
}

static void test_primary_ir_initial(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_state(&EAST(pair)->ir, "Initial");
	EAST(pair)->ir.vnet = true;
	evaluate(pair);
	EXPECT(pair, "primary-ir-not-started", SEV_CRITICAL, "eastus", "ir start eastus",
	       "has never been started: no SSIS package runs until it is started, which takes about 25 min");
	free(pair);
}

static void test_primary_ir_starting_is_a_warning(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_state(&EAST(pair)->ir, "Starting");
	evaluate(pair);
	EXPECT(pair, "primary-ir-not-started", SEV_WARNING, "eastus", "", "is starting");
	free(pair);
}

static void test_primary_ir_stopping(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_state(&EAST(pair)->ir, "Stopping");
	evaluate(pair);
	EXPECT(pair, "primary-ir-not-started", SEV_CRITICAL, "eastus", "ir start eastus", "is stopping");
	free(pair);
}

static void test_primary_ir_odd_state(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_state(&EAST(pair)->ir, "Offline");
	evaluate(pair);
	EXPECT(pair, "primary-ir-not-started", SEV_CRITICAL, "eastus", "", "is in state Offline");
	free(pair);
}

static void test_primary_ir_silent_when_stale(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_state(&EAST(pair)->ir, "Stopped");
	aged(&EAST(pair)->ir.d, 31, "IR: TooManyRequests: throttled");
	evaluate(pair);
	EXPECT_NONE(pair, "primary-ir-not-started");
	EXPECT(pair, "stale-data", SEV_WARNING, "eastus", "refresh", "TooManyRequests");
	free(pair);
}

static void test_primary_ir_nodes_partly_available(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	EAST(pair)->ir.nodes_available = 1;
	evaluate(pair);
	EXPECT(pair, "primary-ir-nodes-unavailable", SEV_WARNING, "eastus", "", "only 1 of its 2 nodes");
	free(pair);
}

static void test_primary_ir_no_node_available(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	EAST(pair)->ir.nodes_available = 0;
	evaluate(pair);
	EXPECT(pair, "primary-ir-nodes-unavailable", SEV_CRITICAL, "eastus", "", "none of its 2 nodes");
	/* getStatus listed no nodes at all: nothing to claim */
	EAST(pair)->ir.nodes = 0;
	evaluate(pair);
	EXPECT_NONE(pair, "primary-ir-nodes-unavailable");
	free(pair);
}

static void test_secondary_ir_stopped_vnet(void **state)
{
	struct model_pair *pair = healthy_pair(false);
	const struct finding *f;

	(void)state;
	WEST(pair)->ir.vnet = true;
	evaluate(pair);
	f = EXPECT(pair, "secondary-ir-stopped", SEV_WARNING, "westus", "ir start westus", "about 25 min");
	assert_null(strstr(f->message, "RTO target"));
	free(pair);
}

static void test_secondary_ir_start_exceeds_rto(void **state)
{
	struct model_pair *pair = healthy_pair(false);
	struct rule_context ctx = default_ctx;

	(void)state;
	ctx.rto_target = 15 * 60;
	rule_evaluate(pair, &ctx);
	/* 5 min fits in 15 min */
	assert_null(strstr(EXPECT(pair, "secondary-ir-stopped", SEV_WARNING, "westus", "ir start westus",
				  "about 5 min")->message, "exceeds"));
	WEST(pair)->ir.vnet = true;
	rule_evaluate(pair, &ctx);
	EXPECT(pair, "secondary-ir-stopped", SEV_WARNING, "westus", "ir start westus",
	       "exceeds the RTO target of 15 min");
	free(pair);
}

static void test_secondary_ir_silent_when_started_or_unread(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_state(&WEST(pair)->ir, "Starting");
	evaluate(pair);
	EXPECT_NONE(pair, "secondary-ir-stopped");
	set_state(&WEST(pair)->ir, "Stopped");
	never_read(&WEST(pair)->ir.d, NULL);
	evaluate(pair);
	EXPECT_NONE(pair, "secondary-ir-stopped");
	free(pair);
}

/* ---- triggers, pipelines, schedules ------------------------------------------------- */

static void set_trigger_state(struct model_trigger *t, const char *state)
{
	snprintf(t->state, sizeof(t->state), "%s", state);
}

static void test_triggers_on_secondary(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	for (int i = 0; i < 3; i++)
		set_trigger_state(&WEST(pair)->triggers.items[i], "Started");
	add_trigger(WEST(pair), "monthly-close", "Started", true);
	add_trigger(EAST(pair), "monthly-close", "Started", true);
	add_trigger(WEST(pair), "adhoc-unmanaged", "Started", false);
	evaluate(pair);
	EXPECT(pair, "triggers-on-secondary", SEV_CRITICAL, "westus", "triggers sync",
	       "4 managed triggers are Started in the secondary site's factory");
	EXPECT(pair, "triggers-on-secondary", SEV_CRITICAL, "westus", "triggers sync",
	       "wrong side or twice: daily-load, hourly-sync, nightly-etl and 1 more.");
	free(pair);
}

static void test_triggers_on_secondary_silent_when_never_read(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_trigger_state(&WEST(pair)->triggers.items[0], "Started");
	never_read(&WEST(pair)->triggers.d, NULL); /* not tried yet: no stale-data either */
	evaluate(pair);
	EXPECT_NONE(pair, "triggers-on-secondary");
	EXPECT_NONE(pair, "trigger-missing");
	EXPECT_ONLY(pair, "secondary-ir-stopped");
	free(pair);
}

static void test_triggers_on_secondary_silent_without_roles(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_trigger_state(&WEST(pair)->triggers.items[0], "Started");
	WEST(pair)->role = ROLE_PRIMARY; /* both primary: no one secondary site */
	evaluate(pair);
	EXPECT_NONE(pair, "triggers-on-secondary");
	free(pair);
}

static void test_triggers_off_on_primary(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_trigger_state(&EAST(pair)->triggers.items[0], "Stopped");
	set_trigger_state(&EAST(pair)->triggers.items[2], "Disabled");
	add_trigger(EAST(pair), "adhoc-unmanaged", "Stopped", false);
	evaluate(pair);
	EXPECT(pair, "triggers-off-on-primary", SEV_WARNING, "eastus", "triggers sync",
	       "eastus: 2 managed triggers are stopped in the primary site's factory");
	EXPECT(pair, "triggers-off-on-primary", SEV_WARNING, "eastus", "triggers sync",
	       "do not run on schedule: daily-load, nightly-etl.");
	free(pair);
}

static void test_unmanaged_triggers_are_ignored(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	add_trigger(WEST(pair), "copy-only", "Started", false);
	add_trigger(EAST(pair), "copy-only-east", "Stopped", false);
	evaluate(pair);
	EXPECT_ONLY(pair, "secondary-ir-stopped");
	free(pair);
}

static void test_trigger_missing(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	add_trigger(EAST(pair), "month-end", "Started", true);
	evaluate(pair);
	EXPECT(pair, "trigger-missing", SEV_WARNING, "westus", "",
	       "westus: the factory lacks 1 managed trigger that eastus has; copy it to westus with the "
	       "trigger stopped: month-end.");
	assert_int_equal(count(pair, "trigger-missing"), 1);
	free(pair);
}

static void test_trigger_missing_compares_names_without_case(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	snprintf(WEST(pair)->triggers.items[0].name, sizeof(WEST(pair)->triggers.items[0].name), "Daily-Load");
	evaluate(pair);
	EXPECT_NONE(pair, "trigger-missing");
	free(pair);
}

static void test_trigger_missing_silent_on_a_cut_list(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	add_trigger(EAST(pair), "month-end", "Started", true);
	WEST(pair)->triggers.truncated = true;
	evaluate(pair);
	EXPECT_NONE(pair, "trigger-missing");
	free(pair);
}

static void test_ssis_pipeline_missing(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	/* east lacks west's SSIS pipeline; west's copy of sync-ref lost its SSIS activity */
	add_pipeline(WEST(pair), "archive-ssis", true);
	WEST(pair)->pipelines.items[1].ssis = false;
	evaluate(pair);
	EXPECT(pair, "ssis-pipeline-missing", SEV_WARNING, "eastus", "",
	       "eastus: the factory lacks 1 SSIS pipeline that westus has");
	EXPECT(pair, "ssis-pipeline-missing", SEV_WARNING, "westus", "", "copy it: sync-ref.");
	free(pair);
}

static void test_ssis_pipeline_missing_ignores_other_pipelines(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	add_pipeline(EAST(pair), "copy-only", false);
	add_pipeline(EAST(pair), "east-ssis", true);
	never_read(&WEST(pair)->pipelines.d, NULL);
	evaluate(pair);
	EXPECT_NONE(pair, "ssis-pipeline-missing");
	fresh(&WEST(pair)->pipelines.d);
	evaluate(pair);
	EXPECT(pair, "ssis-pipeline-missing", SEV_WARNING, "westus", "", "east-ssis");
	assert_int_equal(count(pair, "ssis-pipeline-missing"), 1);
	free(pair);
}

static void test_schedules_on_secondary(void **state)
{
	struct model_pair *pair = healthy_pair(true);

	(void)state;
	WEST(pair)->jobs.items[1].schedule_enabled = true;
	evaluate(pair);
	EXPECT(pair, "schedules-on-secondary", SEV_CRITICAL, "westus", "schedules sync",
	       "1 SSIS job schedule is enabled on the secondary instance");
	EXPECT(pair, "schedules-on-secondary", SEV_CRITICAL, "westus", "schedules sync",
	       "sync-ref-hourly (Hourly)");
	free(pair);
}

static void test_schedules_off_on_primary(void **state)
{
	struct model_pair *pair = healthy_pair(true);

	(void)state;
	EAST(pair)->jobs.items[0].schedule_enabled = false;
	EAST(pair)->jobs.items[1].schedule_enabled = false;
	add_job(EAST(pair), "no-schedule", "", 0, false);
	evaluate(pair);
	EXPECT(pair, "schedules-off-on-primary", SEV_WARNING, "eastus", "schedules sync",
	       "2 SSIS job schedules are disabled on the primary instance");
	EXPECT(pair, "schedules-off-on-primary", SEV_WARNING, "eastus", "schedules sync",
	       ": load-dw-nightly (Nightly), sync-ref-hourly (Hourly).");
	free(pair);
}

static void test_schedules_need_mi_and_data(void **state)
{
	struct model_pair *pair = healthy_pair(true);

	(void)state;
	WEST(pair)->jobs.items[0].schedule_enabled = true;
	never_read(&WEST(pair)->jobs.d, NULL);
	evaluate(pair);
	EXPECT_NONE(pair, "schedules-on-secondary");
	free(pair);

	/* an SQL Database pair has no msdb jobs to judge, whatever the struct holds */
	pair = healthy_pair(false);
	fresh(&WEST(pair)->jobs.d);
	add_job(WEST(pair), "stray", "Nightly", 3, true);
	evaluate(pair);
	EXPECT_NONE(pair, "schedules-on-secondary");
	EXPECT_ONLY(pair, "secondary-ir-stopped");
	free(pair);
}

/* ---- replication, catalogs, executions, policy ---------------------------------------- */

static void set_fog_state(struct model_pair *pair, const char *state)
{
	for (int i = 0; i < 2; i++)
		snprintf(pair->sites[i].fog.replication_state, sizeof(pair->sites[i].fog.replication_state),
			 "%s", state);
}

static void test_replication_suspended(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_fog_state(pair, "SUSPENDED");
	evaluate(pair);
	EXPECT(pair, "replication-unhealthy", SEV_CRITICAL, "", "",
	       "Replication of SSISDB is SUSPENDED (failover group fg-ssis as eastus reports it)");
	assert_int_equal(count(pair, "replication-unhealthy"), 1);
	free(pair);
}

static void test_replication_seeding(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_fog_state(pair, "SEEDING");
	evaluate(pair);
	EXPECT(pair, "replication-unhealthy", SEV_WARNING, "", "", "still being copied");
	free(pair);
}

static void test_replication_pending_from_ssisdb(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_fog_state(pair, "");
	snprintf(WEST(pair)->link.state_desc, sizeof(WEST(pair)->link.state_desc), "PENDING");
	evaluate(pair);
	EXPECT(pair, "replication-unhealthy", SEV_WARNING, "", "", "is PENDING (SSISDB on westus)");
	free(pair);
}

static void test_replication_unknown_state_is_critical(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	snprintf(EAST(pair)->link.state_desc, sizeof(EAST(pair)->link.state_desc), "RE_SEEDING");
	set_fog_state(pair, "SEEDING");
	evaluate(pair);
	EXPECT(pair, "replication-unhealthy", SEV_CRITICAL, "", "", "is RE_SEEDING (SSISDB on eastus)");
	free(pair);
}

static void test_replication_silent_when_stale(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	set_fog_state(pair, "SUSPENDED");
	aged(&EAST(pair)->fog.d, 100, "failover group: timeout");
	aged(&WEST(pair)->fog.d, 100, "failover group: timeout");
	evaluate(pair);
	EXPECT_NONE(pair, "replication-unhealthy");
	free(pair);
}

static void test_lag_over_rpo(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	EAST(pair)->link.lag_seconds = 95;
	evaluate(pair);
	EXPECT(pair, "lag-over-rpo", SEV_WARNING, "", "",
	       "Replication lag is 1 min 35 s, over the RPO target of 1 min");
	EXPECT(pair, "lag-over-rpo", SEV_WARNING, "", "", "(replication_lag_sec on eastus)");
	free(pair);
}

static void test_lag_over_twice_rpo_is_critical(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	EAST(pair)->link.lag_seconds = 121;
	evaluate(pair);
	EXPECT(pair, "lag-over-rpo", SEV_CRITICAL, "", "", "more than twice the RPO target of 1 min");
	free(pair);
}

static void test_lag_from_last_commits(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	EAST(pair)->link.lag_known = false; /* e.g. the primary's SSISDB gave NULL */
	EAST(pair)->link.last_commit_epoch = NOW - 5;
	WEST(pair)->link.last_commit_epoch = NOW - 95;
	evaluate(pair);
	EXPECT(pair, "lag-over-rpo", SEV_WARNING, "", "", "gap between the last commits");
	EXPECT(pair, "lag-over-rpo", SEV_WARNING, "", "", "lag is 1 min 30 s");
	free(pair);
}

static void test_lag_silent_without_data_or_target(void **state)
{
	struct model_pair *pair = healthy_pair(false);
	struct rule_context ctx = default_ctx;

	(void)state;
	EAST(pair)->link.lag_seconds = 600;
	ctx.rpo_target = 0;
	rule_evaluate(pair, &ctx);
	EXPECT_NONE(pair, "lag-over-rpo");

	EAST(pair)->link.lag_known = false;
	EAST(pair)->link.last_commit_epoch = NOW - 5;
	WEST(pair)->link.last_commit_epoch = 0; /* the secondary has no last_commit */
	evaluate(pair);
	EXPECT_NONE(pair, "lag-over-rpo");
	free(pair);
}

static void test_catalog_version_mismatch(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	snprintf(WEST(pair)->catalog.schema_version, sizeof(WEST(pair)->catalog.schema_version), "7");
	WEST(pair)->catalog.schema_build[0] = '\0';
	evaluate(pair);
	EXPECT(pair, "catalog-version-mismatch", SEV_WARNING, "", "",
	       "eastus has 8 (build 15.0.2000.180), westus has 7.");
	free(pair);
}

static void test_catalog_version_needs_both(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	snprintf(WEST(pair)->catalog.schema_version, sizeof(WEST(pair)->catalog.schema_version), "7");
	never_read(&WEST(pair)->catalog.d, NULL);
	evaluate(pair);
	EXPECT_NONE(pair, "catalog-version-mismatch");
	free(pair);
}

static void test_packages_running(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	EAST(pair)->catalog.running = 3;
	EAST(pair)->catalog.pending = 1;
	evaluate(pair);
	EXPECT(pair, "packages-running", SEV_INFO, "eastus", "", "3 running, 1 pending");
	EXPECT(pair, "packages-running", SEV_INFO, "eastus", "", "planned failover would interrupt them");
	free(pair);
}

static void test_packages_running_only_on_the_primary(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	WEST(pair)->catalog.running = 2;
	evaluate(pair);
	EXPECT_NONE(pair, "packages-running");
	free(pair);
}

static void test_automatic_failover_policy(void **state)
{
	struct model_pair *pair = healthy_pair(true);

	(void)state;
	snprintf(WEST(pair)->fog.policy, sizeof(WEST(pair)->fog.policy), "Automatic");
	WEST(pair)->fog.grace_minutes = 60;
	evaluate(pair);
	EXPECT(pair, "automatic-failover-policy", SEV_INFO, "", "",
	       "fg-ssis has the Automatic failover policy");
	EXPECT(pair, "automatic-failover-policy", SEV_INFO, "", "", "grace period of 60 min");
	EXPECT(pair, "automatic-failover-policy", SEV_INFO, "", "", "triggers and schedules");
	free(pair);
}

/* ---- the console's own view ----------------------------------------------------------- */

static void test_stale_data_names_the_oldest(void **state)
{
	struct model_pair *pair = healthy_pair(true);
	const struct finding *f;

	(void)state;
	aged(&WEST(pair)->triggers.d, 250, "triggers: TooManyRequests: Rate limit exceeded");
	aged(&WEST(pair)->jobs.d, 40, "msdb westus: login timeout");
	evaluate(pair);
	f = EXPECT(pair, "stale-data", SEV_WARNING, "westus", "refresh",
		   "westus: the trigger list is 4 min 10 s old (stale after 30 s), and 1 more is stale");
	assert_non_null(strstr(f->message, "last error: triggers: TooManyRequests: Rate limit exceeded"));
	assert_int_equal(count(pair, "stale-data"), 1);
	free(pair);
}

static void test_stale_data_boundary(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	aged(&EAST(pair)->catalog.d, 30, ""); /* exactly 3 x refresh: still fresh */
	evaluate(pair);
	EXPECT_NONE(pair, "stale-data");
	aged(&EAST(pair)->catalog.d, 31, "");
	evaluate(pair);
	EXPECT(pair, "stale-data", SEV_WARNING, "eastus", "refresh", "last error: none recorded");
	free(pair);
}

/* A cycle may last up to the request timeout while a region hangs, so the
 * other region's data, read at the end of each such cycle, must not turn
 * stale merely because the cycles got longer. */
static void test_stale_data_allows_for_the_request_timeout(void **state)
{
	struct model_pair *pair = healthy_pair(false);
	struct rule_context ctx = default_ctx;

	(void)state;
	ctx.request_timeout = 15;
	aged(&EAST(pair)->catalog.d, 44, ""); /* 3 x 10 s + 15 s = 45 s */
	rule_evaluate(pair, &ctx);
	EXPECT_NONE(pair, "stale-data");
	aged(&EAST(pair)->catalog.d, 46, "");
	rule_evaluate(pair, &ctx);
	EXPECT(pair, "stale-data", SEV_WARNING, "eastus", "refresh", "stale after 45 s");
	free(pair);
}

static void test_stale_data_before_the_first_try(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	never_read(&WEST(pair)->catalog.d, NULL);
	evaluate(pair);
	EXPECT_NONE(pair, "stale-data");
	/* a first try that has run longer than the data may age */
	WEST(pair)->catalog.d.tried_at = NOW - 45;
	evaluate(pair);
	EXPECT(pair, "stale-data", SEV_WARNING, "westus", "refresh", "SSISDB catalog has never been read");
	free(pair);
}

static void make_unreachable(struct model_site *s)
{
	aged(&s->ir.d, 130, "IR: RequestTimeout: the ARM request timed out");
	aged(&s->triggers.d, 130, "triggers: RequestTimeout");
	aged(&s->pipelines.d, 130, "pipelines: RequestTimeout");
	aged(&s->fog.d, 130, "failover group: ServiceUnavailable:\nregion westus is not responding");
	aged(&s->link.d, 130, "SSISDB westus: [08001] TCP Provider: Error code 0x2746");
	aged(&s->catalog.d, 130, "SSISDB westus: [08001] TCP Provider: Error code 0x2746");
}

static void test_site_unreachable_hides_stale_data(void **state)
{
	struct model_pair *pair = healthy_pair(false);
	const struct finding *f;

	(void)state;
	make_unreachable(WEST(pair));
	evaluate(pair);
	f = EXPECT(pair, "site-unreachable", SEV_CRITICAL, "westus", "",
		   "westus cannot be reached: the IR, the failover group and SSISDB all failed on their "
		   "last try (last data 2 min 10 s ago)");
	assert_non_null(strstr(f->message, "IR: RequestTimeout"));
	assert_non_null(strstr(f->message, "failover group: ServiceUnavailable: region westus"));
	assert_non_null(strstr(f->message, "SSISDB westus: [08001]"));
	assert_null(strchr(f->message, '\n'));
	EXPECT_NONE(pair, "stale-data");
	/* nothing is claimed about westus from its old data */
	EXPECT_NONE(pair, "secondary-ir-stopped");
	free(pair);
}

static void test_site_unreachable_needs_sql_to_fail_too(void **state)
{
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	make_unreachable(WEST(pair));
	fresh(&WEST(pair)->link.d);
	evaluate(pair);
	EXPECT_NONE(pair, "site-unreachable");
	EXPECT(pair, "stale-data", SEV_WARNING, "westus", "refresh", "IR status is 2 min 10 s old");
	EXPECT(pair, "stale-data", SEV_WARNING, "westus", "refresh", "and 4 more are stale");
	free(pair);
}

/* ---- order, limits, table, model helpers --------------------------------------------- */

static void test_findings_sorted_by_severity(void **state)
{
	struct model_pair *pair = healthy_pair(false);
	static const char *const want[] = {
		"primary-ir-not-started", "triggers-on-secondary", /* critical, in rule order */
		"secondary-ir-stopped", "triggers-off-on-primary", /* warning */
		"packages-running", "automatic-failover-policy",   /* info */
	};

	(void)state;
	snprintf(EAST(pair)->fog.policy, sizeof(EAST(pair)->fog.policy), "Automatic");
	EAST(pair)->catalog.running = 1;
	set_trigger_state(&EAST(pair)->triggers.items[1], "Stopped");
	set_trigger_state(&WEST(pair)->triggers.items[1], "Started");
	set_state(&EAST(pair)->ir, "Stopped");
	evaluate(pair);
	if (pair->nfindings != 6)
		dump(pair);
	assert_int_equal(pair->nfindings, 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(pair->findings[i].id, want[i]);
	assert_int_equal(pair->worst, SEV_CRITICAL);
	free(pair);
}

static void test_long_names_keep_messages_whole_utf8(void **state)
{
	struct model_pair *pair = healthy_pair(false);
	char name[MODEL_NAME_MAX];
	const struct finding *f;

	(void)state;
	for (int i = 0; i < 5; i++) {
		size_t n = 0;

		while (n + 2 < sizeof(name) - 2) {
			memcpy(name + n, "\xc3\xa9", 2); /* é */
			n += 2;
		}
		name[n++] = (char)('0' + i);
		name[n] = '\0';
		add_trigger(WEST(pair), name, "Started", true);
		add_trigger(EAST(pair), name, "Started", true);
	}
	evaluate(pair);
	f = EXPECT(pair, "triggers-on-secondary", SEV_CRITICAL, "westus", "triggers sync", "5 managed triggers");
	assert_true(strlen(f->message) < sizeof(f->message));
	assert_true(valid_utf8(f->message));
	assert_non_null(strstr(f->message, "..."));
	free(pair);
}

static void test_rule_table(void **state)
{
	size_t n = 0;
	const struct rule_info *t = rule_table(&n);
	struct model_pair *pair = healthy_pair(false);

	(void)state;
	assert_int_equal(n, 20);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].id);
		assert_true(strlen(t[i].id) < sizeof(pair->findings[0].id));
		assert_true(t[i].severity >= SEV_INFO && t[i].severity <= SEV_CRITICAL);
		assert_true(strlen(t[i].summary) > 20);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(t[i].id, t[k].id);
	}
	assert_string_equal(t[0].id, "split-brain");
	assert_int_equal(t[0].severity, SEV_CRITICAL);
	assert_string_equal(t[n - 1].id, "stale-data");
	/* every finding names a rule of the table */
	evaluate(pair);
	for (int i = 0; i < pair->nfindings; i++) {
		bool known = false;

		for (size_t k = 0; k < n; k++)
			known = known || !strcmp(pair->findings[i].id, t[k].id);
		assert_true(known);
	}
	free(pair);
}

static void test_model_helpers(void **state)
{
	struct datum d = { .read_at = 0 };

	(void)state;
	assert_string_equal(model_role_name(ROLE_PRIMARY), "primary");
	assert_string_equal(model_role_name(ROLE_SECONDARY), "secondary");
	assert_string_equal(model_role_name(ROLE_UNKNOWN), "unknown");
	assert_string_equal(severity_name(SEV_OK), "ok");
	assert_string_equal(severity_name(SEV_INFO), "info");
	assert_string_equal(severity_name(SEV_WARNING), "warning");
	assert_string_equal(severity_name(SEV_CRITICAL), "critical");

	assert_true(datum_age(&d, NOW) >= DBL_MAX);
	assert_false(datum_ok(&d));
	d.read_at = NOW - 12.5;
	assert_true(datum_age(&d, NOW) == 12.5);
	assert_true(datum_ok(&d));
	assert_true(datum_age(&d, NOW - 20) == 0); /* a clock that stepped back */
	snprintf(d.error, sizeof(d.error), "IR: timeout");
	assert_false(datum_ok(&d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy_sqldb_pair),
		cmocka_unit_test(test_healthy_mi_pair),
		cmocka_unit_test(test_warm_standby_has_no_findings),
		cmocka_unit_test(test_split_brain_from_failover_group),
		cmocka_unit_test(test_split_brain_from_ssisdb),
		cmocka_unit_test(test_split_brain_needs_fresh_data),
		cmocka_unit_test(test_role_mismatch),
		cmocka_unit_test(test_role_mismatch_needs_a_link),
		cmocka_unit_test(test_ir_role_unknown),
		cmocka_unit_test(test_ir_role_unknown_silent_without_data),
		cmocka_unit_test(test_pair_name_mismatch),
		cmocka_unit_test(test_pair_name_empty),
		cmocka_unit_test(test_pair_name_needs_both_irs),
		cmocka_unit_test(test_primary_ir_stopped),
		cmocka_unit_test(test_primary_ir_initial),
		cmocka_unit_test(test_primary_ir_starting_is_a_warning),
		cmocka_unit_test(test_primary_ir_stopping),
		cmocka_unit_test(test_primary_ir_odd_state),
		cmocka_unit_test(test_primary_ir_silent_when_stale),
		cmocka_unit_test(test_primary_ir_nodes_partly_available),
		cmocka_unit_test(test_primary_ir_no_node_available),
		cmocka_unit_test(test_secondary_ir_stopped_vnet),
		cmocka_unit_test(test_secondary_ir_start_exceeds_rto),
		cmocka_unit_test(test_secondary_ir_silent_when_started_or_unread),
		cmocka_unit_test(test_triggers_on_secondary),
		cmocka_unit_test(test_triggers_on_secondary_silent_when_never_read),
		cmocka_unit_test(test_triggers_on_secondary_silent_without_roles),
		cmocka_unit_test(test_triggers_off_on_primary),
		cmocka_unit_test(test_unmanaged_triggers_are_ignored),
		cmocka_unit_test(test_trigger_missing),
		cmocka_unit_test(test_trigger_missing_compares_names_without_case),
		cmocka_unit_test(test_trigger_missing_silent_on_a_cut_list),
		cmocka_unit_test(test_ssis_pipeline_missing),
		cmocka_unit_test(test_ssis_pipeline_missing_ignores_other_pipelines),
		cmocka_unit_test(test_schedules_on_secondary),
		cmocka_unit_test(test_schedules_off_on_primary),
		cmocka_unit_test(test_schedules_need_mi_and_data),
		cmocka_unit_test(test_replication_suspended),
		cmocka_unit_test(test_replication_seeding),
		cmocka_unit_test(test_replication_pending_from_ssisdb),
		cmocka_unit_test(test_replication_unknown_state_is_critical),
		cmocka_unit_test(test_replication_silent_when_stale),
		cmocka_unit_test(test_lag_over_rpo),
		cmocka_unit_test(test_lag_over_twice_rpo_is_critical),
		cmocka_unit_test(test_lag_from_last_commits),
		cmocka_unit_test(test_lag_silent_without_data_or_target),
		cmocka_unit_test(test_catalog_version_mismatch),
		cmocka_unit_test(test_catalog_version_needs_both),
		cmocka_unit_test(test_packages_running),
		cmocka_unit_test(test_packages_running_only_on_the_primary),
		cmocka_unit_test(test_automatic_failover_policy),
		cmocka_unit_test(test_stale_data_names_the_oldest),
		cmocka_unit_test(test_stale_data_boundary),
		cmocka_unit_test(test_stale_data_allows_for_the_request_timeout),
		cmocka_unit_test(test_stale_data_before_the_first_try),
		cmocka_unit_test(test_site_unreachable_hides_stale_data),
		cmocka_unit_test(test_site_unreachable_needs_sql_to_fail_too),
		cmocka_unit_test(test_findings_sorted_by_severity),
		cmocka_unit_test(test_long_names_keep_messages_whole_utf8),
		cmocka_unit_test(test_rule_table),
		cmocka_unit_test(test_model_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
