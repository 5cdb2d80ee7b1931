/* Unit tests for core/runbook.c, core/drill_vars.c and core/drill_cond.c:
 * parsing, every validation error with its line, placeholders, and the
 * drill conditions on hand-built snapshots. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* setenv */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/drill.h"
#include "core/drill_impl.h"
#include "core/model.h"
#include "core/runbook.h"
#include "core/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "tests"
#endif

#define NOW 1700000000.0

/* ---- parsing ------------------------------------------------------------------ */

#define HEAD "[runbook]\nname = t\ntitle = T\nkind = sqldb\n\n" /* lines 1-5 */

static const char good[] = HEAD
	"param = factory {secondary_factory} the new factory\n" /* 6 */
	"[step intro]\n"                                          /* 7 */
	"kind = note\n"
	"title = About {pair}\n"
	"explain = first line\n"
	"explain = second line ; a comment\n"
	"\n"
	"[step pre]\n" /* 13 */
	"kind = check\n"
	"title = Healthy\n"
	"require = replication catch_up\n"
	"require = ir {secondary} started|STOPPED\n"
	"require = fog-role {primary} PRIMARY\n"
	"require = no-finding split-brain\n"
	"[step go]\n" /* 20 */
	"kind = action\n"
	"title = Fail over to {secondary}\n"
	"command = failover\n"
	"failover = yes\n"
	"skip_if = fog-role {secondary} primary\n"
	"[step w]\n" /* 26 */
	"kind = wait\n"
	"title = Wait\n"
	"require = roles-swapped\n"
	"phase = ssisdb-role\n"
	"[step ir]\n" /* 31 */
	"kind = action\n"
	"title = Start\n"
	"command = ir start {secondary}\n"
	"phase = ir-start\n"
	"optional = false\n"
	"[step ok]\n" /* 37 */
	"kind = manual\n"
	"title = Say so\n"
	"optional = true\n";

static void test_parse_good(void **state)
{
	char err[1024] = "";
	struct runbook *rb = runbook_load_string(good, "t.runbook", err, sizeof(err));
	const struct rb_step *s;

	(void)state;
	assert_non_null(rb);
	assert_string_equal(err, "");
	assert_string_equal(rb->name, "t");
	assert_int_equal(rb->kind, RB_KIND_SQLDB);
	assert_int_equal(rb->nparams, 1);
	assert_string_equal(rb->params[0].name, "factory");
	assert_string_equal(rb->params[0].def, "{secondary_factory}");
	assert_string_equal(rb->params[0].description, "the new factory");
	assert_int_equal(rb->nsteps, 6);
	s = &rb->steps[0];
	assert_string_equal(s->id, "intro");
	assert_int_equal(s->line, 7);
	assert_string_equal(s->explain, "first line\nsecond line");
	s = &rb->steps[1];
	assert_int_equal(s->kind, RB_CHECK);
	assert_int_equal(s->nrequire, 4);
	assert_int_equal(s->require[0].kind, COND_REPLICATION);
	assert_string_equal(s->require[0].args[0], "CATCH_UP");
	assert_int_equal(s->require[0].line, 16);
	assert_int_equal(s->require[1].kind, COND_IR);
	assert_string_equal(s->require[1].args[1], "Started|Stopped");
	assert_string_equal(s->require[2].args[1], "primary");
	s = &rb->steps[2];
	assert_true(s->failover);
	assert_string_equal(s->command, "failover");
	assert_int_equal(s->command_line, 23);
	assert_int_equal(s->nskip_if, 1);
	s = &rb->steps[3];
	assert_int_equal(s->timeout, RB_DEFAULT_WAIT_TIMEOUT);
	assert_int_equal(s->phase, RB_PHASE_SSISDB_ROLE);
	assert_true(rb->steps[5].optional);
	assert_true(runbook_uses_placeholder(rb, "secondary"));
	assert_false(runbook_uses_placeholder(rb, "ir_site"));
	runbook_free(rb);
}

static void test_long_lines_and_crlf(void **state)
{
	char text[4096], err[512];
	char explain[600];
	struct runbook *rb;

	(void)state;
	memset(explain, 'x', sizeof(explain) - 1);
	explain[sizeof(explain) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "[runbook]\r\nname = t\r\ntitle = T\r\n[step a]\r\nkind = note\r\ntitle = A\r\nexplain = %s\r\n", explain);
	rb = runbook_load_string(text, "t.runbook", err, sizeof(err));
	assert_non_null(rb);
	assert_string_equal(rb->steps[0].explain, explain);
	assert_string_equal(rb->steps[0].title, "A");
	runbook_free(rb);
}

struct bad {
	const char *text;
	int line;
	const char *reason;
};

static const struct bad bad[] = {
	{ "name = t\n", 1, "a key before the [runbook] section" },
	{ HEAD "[stage a]\n", 6, "unknown section [stage a]" },
	{ "[step a]\nkind = note\n", 1, "[runbook] must come before the first [step]" },
	{ HEAD "[runbook]\n", 6, "a second [runbook] section (the first is at line 1)" },
	{ HEAD "[step a b]\n", 6, "a step ID is letters" },
	{ HEAD "[step a]\nkind = note\ntitle = A\n[step a]\n", 9, "duplicate step a (first at line 6)" },
	{ HEAD "[step a]\nkind = note\ncolour = red\n", 8, "[step a] colour: unknown key" },
	{ "[runbook]\nname = t\nowner = me\n", 3, "[runbook] owner: unknown key" },
	{ HEAD "[step a]\nkind = note\nkind = check\n", 8, "kind: duplicate key (first set at line 7)" },
	{ HEAD "[step a]\nkind = note\ntitle =\n", 8, "title: no value" },
	{ HEAD "[step a]\nkind = pause\n", 7, "expected check, action, wait, manual or note" },
	{ "[runbook]\nname = t\ntitle = T\nkind = postgres\n", 4, "expected sqldb, mi or any" },
	{ "[runbook]\nname = t/u\n", 2, "expected letters, digits" },
	{ HEAD "[step a]\nkind note\n", 7, "expected \"key = value\"" },
	{ HEAD "[step a]\nkind = note\ntitle = A\noptional = maybe\n", 9, "expected true or false" },
	{ HEAD "[step a]\nkind = wait\ntitle = A\nrequire = roles-swapped\ntimeout = soon\n", 10, "expected a duration" },
	{ HEAD "[step a]\nkind = action\ntitle = A\ncommand = failover\nfailover = true\nphase = done\n", 11,
	  "expected failover-group, ssisdb-role" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = sunny\n", 9, "unknown condition \"sunny\"" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = ir westus\n", 9, "ir takes 2 arguments" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = lag-within-rpo 5\n", 9, "lag-within-rpo takes 0 arguments" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = fog-role westus boss\n", 9,
	  "expected primary or secondary, got \"boss\"" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = ir westus Runing\n", 9, "unknown IR state \"Runing\"" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = no-finding split-brains\n", 9,
	  "unknown finding id \"split-brains\"" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = replication FAST\n", 9, "expected CATCH_UP, SEEDING" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = smk-replicated\n", 9, "make it a manual step" },
	{ HEAD "[step a]\nkind = action\ntitle = A\ncommand = ir start {tertiary}\n", 9, "unknown placeholder {tertiary}" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = ir {seconday} Started\n", 9,
	  "unknown placeholder {seconday}" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = ir {secondary Started\n", 9, "unterminated placeholder" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = ir x{secondary} Started\n", 9, "one whole placeholder" },
	{ HEAD "[step a]\nkind = note\ntitle = To {nowhere}\n", 8, "unknown placeholder {nowhere}" },
	{ HEAD "[step a]\nkind = action\ntitle = A\ncommand = reboot everything\n", 9,
	  "unknown console command \"reboot\"" },
	{ HEAD "[step a]\nkind = action\ntitle = A\ncommand = quit\n", 9, "quit cannot be a drill action" },
	{ HEAD "[step a]\nkind = check\ntitle = A\ncommand = refresh\nrequire = roles-swapped\n", 9,
	  "command: not allowed in a check step" },
	{ HEAD "[step a]\nkind = action\ntitle = A\ncommand = refresh\nrequire = roles-swapped\n", 10,
	  "require: not allowed in an action step" },
	{ HEAD "[step a]\nkind = check\ntitle = A\nrequire = roles-swapped\ntimeout = 5m\n", 10,
	  "timeout: not allowed in a check step" },
	{ HEAD "[step a]\nkind = wait\ntitle = A\nrequire = roles-swapped\nfailover = true\n", 10,
	  "failover: not allowed in a wait step" },
	{ HEAD "[step a]\nkind = note\ntitle = A\nskip_if = roles-swapped\n", 9, "skip_if: not allowed in a note step" },
	{ HEAD "[step a]\nkind = action\ntitle = A\n", 6, "an action step needs command =" },
	{ HEAD "[step a]\nkind = wait\ntitle = A\ntimeout = 1m\n", 6, "a wait step needs at least one require =" },
	{ HEAD "[step a]\ntitle = A\n", 6, "missing kind =" },
	{ HEAD "[step a]\nkind = note\n[step b]\nkind = note\ntitle = B\n", 6, "missing title =" },
	{ HEAD "[step a]\nkind = action\ntitle = A\ncommand = failover\nfailover = true\noptional = true\n", 10,
	  "the failover action cannot be optional" },
	{ HEAD "[step a]\nkind = action\ntitle = A\ncommand = failover\nfailover = true\n"
	       "[step b]\nkind = action\ntitle = B\ncommand = failover\nfailover = true\n",
	  11, "a second failover = true step (the first is a at line 6)" },
	{ HEAD "[step a]\nkind = wait\ntitle = A\nrequire = roles-swapped\nphase = ir-start\n", 6,
	  "a phase step must come after the failover = true action" },
	{ HEAD "[step a]\nkind = action\ntitle = A\ncommand = failover\nfailover = true\nphase = ir-start\n"
	       "[step b]\nkind = wait\ntitle = B\nrequire = roles-swapped\nphase = ssisdb-role\n",
	  12, "phase ssisdb-role after ir-start (step a)" },
	{ "# nothing\n", 1, "no [runbook] section" },
	{ "[runbook]\ntitle = T\n[step a]\nkind = note\ntitle = A\n", 1, "[runbook] needs name =" },
	{ "[runbook]\nname = t\n[step a]\nkind = note\ntitle = A\n", 1, "[runbook] needs title =" },
	{ HEAD "# no steps\n", 6, "no [step ID] sections" },
	{ HEAD "param = new-factory x\n", 6, "expected \"NAME DEFAULT DESCRIPTION\"" },
	{ HEAD "param = factory\n", 6, "param factory needs a default" },
	{ HEAD "param = primary x y\n", 6, "param primary is already a placeholder" },
	{ HEAD "param = factory {nope} y\n", 6, "unknown placeholder {nope}" },
};

static void test_parse_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[1024] = "", at[32];
		struct runbook *rb = runbook_load_string(bad[i].text, "t.runbook", err, sizeof(err));

		snprintf(at, sizeof(at), "t.runbook:%d:", bad[i].line);
		if (rb || strncmp(err, at, strlen(at)) || !strstr(err, bad[i].reason)) {
			print_error("case %zu: want \"%s ... %s\", got \"%s\"%s\n", i, at, bad[i].reason, err,
				    rb ? " (and it loaded)" : "");
			runbook_free(rb);
			fail();
		}
	}
}

static void test_builtin_runbooks(void **state)
{
	static const struct {
		const char *name;
		enum rb_kind kind;
		const char *failover_cmd;
		int phases;
	} want[] = {
		{ "sqldb-failover", RB_KIND_SQLDB, "failover", 4 },
		{ "mi-failover", RB_KIND_MI, "failover", 5 },
		{ "attach-new-ir", RB_KIND_ANY, "failover_integration_runtime {factory} {ir}", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char path[512], err[1024] = "";
		struct runbook *rb;
		bool seen[RB_PHASE_COUNT] = { false };
		int phases = 0, failover = -1;

		snprintf(path, sizeof(path), "%s/../assets/runbooks/%s.runbook", TEST_SRCDIR, want[i].name);
		rb = runbook_load(path, err, sizeof(err));
		if (!rb)
			print_error("%s\n", err);
		assert_non_null(rb);
		assert_string_equal(rb->name, want[i].name);
		assert_int_equal(rb->kind, want[i].kind);
		for (int s = 0; s < rb->nsteps; s++) {
			if (rb->steps[s].failover)
				failover = s;
			if (rb->steps[s].phase && !seen[rb->steps[s].phase]) {
				seen[rb->steps[s].phase] = true;
				phases++;
			}
		}
		assert_true(failover >= 0);
		assert_string_equal(rb->steps[failover].command, want[i].failover_cmd);
		assert_int_equal(phases, want[i].phases);
		runbook_free(rb);
	}
}

static void test_find(void **state)
{
	char path[4096], err[512];

	(void)state;
	setenv("SSISDR_RUNBOOK_PATH", "/nonexistent:" TEST_SRCDIR "/../assets/runbooks", 1);
	assert_int_equal(runbook_find("mi-failover", path, sizeof(path), err, sizeof(err)), 0);
	assert_non_null(strstr(path, "/assets/runbooks/mi-failover.runbook"));
	assert_int_equal(runbook_find("no-such-runbook", path, sizeof(path), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no runbook named no-such-runbook"));
	assert_int_equal(runbook_find("./missing.runbook", path, sizeof(path), err, sizeof(err)), -1);
	unsetenv("SSISDR_RUNBOOK_PATH");
}

/* ---- placeholders ------------------------------------------------------------------- */

static void test_placeholders(void **state)
{
	struct rb_vars v = { 0 };
	struct rb_cond in, out;
	char buf[64], err[256];

	(void)state;
	rb_vars_set(&v, "primary", "eastus");
	rb_vars_set(&v, "secondary", "westus");
	rb_vars_set(&v, "ir_site", "");
	rb_vars_set(&v, "primary", "eastus2"); /* replaces */
	assert_int_equal(v.n, 3);
	assert_string_equal(rb_vars_get(&v, "primary"), "eastus2");
	assert_null(rb_vars_get(&v, "pair"));
	assert_int_equal(runbook_expand("ir start {secondary} after {primary}", &v, buf, sizeof(buf), err, sizeof(err)), 0);
	assert_string_equal(buf, "ir start westus after eastus2");
	assert_int_equal(runbook_expand("{pair}", &v, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_string_equal(err, "unknown placeholder {pair}");
	assert_int_equal(runbook_expand("ir start {ir_site}", &v, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_string_equal(err, "placeholder {ir_site} has no value");
	assert_int_equal(runbook_expand("x {secondary", &v, buf, sizeof(buf), err, sizeof(err)), -1);
	{
		char small[16];

		assert_int_equal(runbook_expand("{secondary}{secondary}{secondary}", &v, small, sizeof(small), err,
						sizeof(err)),
				 -1);
	}
	assert_non_null(strstr(err, "too long"));
	assert_int_equal(runbook_parse_cond("fog-role {secondary} primary", NULL, &in, err, sizeof(err)), 0);
	assert_int_equal(runbook_expand_cond(&in, &v, &out, err, sizeof(err)), 0);
	assert_string_equal(out.args[0], "westus");
	assert_string_equal(out.text, "fog-role westus primary");
	assert_string_equal(in.args[0], "{secondary}");
	{
		const char *params[] = { "factory", NULL };

		assert_int_equal(runbook_parse_cond("ir {factory} Started", NULL, &in, err, sizeof(err)), -1);
		assert_int_equal(runbook_parse_cond("ir {factory} Started", params, &in, err, sizeof(err)), 0);
	}
	assert_non_null(runbook_builtin_placeholders()[0]);
}

/* ---- conditions on hand-built snapshots ------------------------------------------------ */

static void fresh(struct datum *d)
{
	d->read_at = NOW - 2;
	d->tried_at = NOW - 2;
	d->error[0] = '\0';
}

static void add_trigger(struct model_site *s, const char *name, const char *state)
{
	struct model_trigger *t = &s->triggers.items[s->triggers.n++];

	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->state, sizeof(t->state), "%s", state);
	t->managed = t->runs_ssis = true;
}

static void add_pipeline(struct model_site *s, const char *name, bool ssis)
{
	struct model_pipeline *p = &s->pipelines.items[s->pipelines.n++];

	snprintf(p->name, sizeof(p->name), "%s", name);
	p->ssis = ssis;
}

static void site(struct model_site *s, const char *name, enum model_role role)
{
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->role = role;
	snprintf(s->role_basis, sizeof(s->role_basis), "failover group: %s", model_role_name(role));
	fresh(&s->ir.d);
	snprintf(s->ir.name, sizeof(s->ir.name), "ssis-ir-%s", name);
	snprintf(s->ir.state, sizeof(s->ir.state), "%s", role == ROLE_PRIMARY ? "Started" : "Stopped");
	s->ir.nodes = 2;
	s->ir.nodes_available = role == ROLE_PRIMARY ? 2 : 0;
	fresh(&s->triggers.d);
	add_trigger(s, "NightlyLoad", role == ROLE_PRIMARY ? "Started" : "Stopped");
	add_trigger(s, "HourlyMarts", role == ROLE_PRIMARY ? "Started" : "Stopped");
	fresh(&s->pipelines.d);
	add_pipeline(s, "LoadWarehouse", true);
	add_pipeline(s, "ArchiveRaw", false);
	fresh(&s->fog.d);
	snprintf(s->fog.name, sizeof(s->fog.name), "fg-ssisdb");
	s->fog.role = role;
	snprintf(s->fog.replication_state, sizeof(s->fog.replication_state), "CATCH_UP");
	fresh(&s->link.d);
	s->link.present = true;
	s->link.role = role;
	s->link.lag_known = role == ROLE_PRIMARY;
	s->link.lag_seconds = 3;
	fresh(&s->catalog.d);
	fresh(&s->jobs.d);
}

struct world {
	struct snapshot *snap;
	struct model_pair *p;
	struct rb_vars vars;
	struct drill_env env;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	w->snap = calloc(1, sizeof(*w->snap) + sizeof(struct model_pair)); /* big: on the heap */
	w->snap->npairs = 1;
	w->p = &w->snap->pairs[0];
	snprintf(w->p->name, sizeof(w->p->name), "ssis-pair");
	site(&w->p->sites[0], "eastus", ROLE_PRIMARY);
	site(&w->p->sites[1], "westus", ROLE_SECONDARY);
	rb_vars_set(&w->vars, "primary", "eastus");
	rb_vars_set(&w->vars, "secondary", "westus");
	rb_vars_set(&w->vars, "primary_ir_state", "Started");
	rb_vars_set(&w->vars, "secondary_ir_state", "Stopped");
	w->env = (struct drill_env){ .pair = w->p, .now = NOW, .stale_after = 30, .rpo_target = 60,
				     .rto_target = 1800, .vars = &w->vars };
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	free(w->snap);
	free(w);
	return 0;
}

/* Evaluate text; the evidence must hold want_ev. */
static void expect(struct world *w, const char *text, bool holds, const char *want_ev)
{
	struct rb_cond c;
	char err[256], ev[DRILL_EVIDENCE_MAX];
	bool got;

	if (runbook_parse_cond(text, NULL, &c, err, sizeof(err))) {
		print_error("%s: %s\n", text, err);
		fail();
	}
	got = drill_cond_eval(&c, &w->env, ev, sizeof(ev));
	if (got != holds || !strstr(ev, want_ev)) {
		print_error("%s: want %s with \"%s\", got %s: \"%s\"\n", text, holds ? "pass" : "fail", want_ev,
			    got ? "pass" : "fail", ev);
		fail();
	}
}

static void test_cond_roles(void **state)
{
	struct world *w = *state;

	expect(w, "fog-role westus secondary", true, "westus failover group fg-ssisdb role: secondary (read 2 s ago)");
	expect(w, "fog-role westus primary", false, "role: secondary");
	expect(w, "ssisdb-role eastus primary", true, "eastus SSISDB role_desc: PRIMARY");
	expect(w, "ir-role westus secondary", true, "westus IR role: secondary (failover group: secondary)");
	expect(w, "fog-role centralus primary", false, "no site named centralus in pair ssis-pair");
	expect(w, "roles-swapped", false, "westus (new primary): failover group secondary, SSISDB SECONDARY");
	w->p->sites[1].fog.role = ROLE_PRIMARY;
	w->p->sites[1].link.role = ROLE_PRIMARY;
	w->p->sites[0].link.role = ROLE_SECONDARY;
	expect(w, "roles-swapped", true, "eastus (old primary): SSISDB SECONDARY");
	w->p->sites[0].link.present = false;
	expect(w, "roles-swapped", false, "eastus (old primary): SSISDB no link");
}

static void test_cond_freshness(void **state)
{
	struct world *w = *state;

	w->p->sites[1].fog.d.read_at = NOW - 100;
	snprintf(w->p->sites[1].fog.d.error, sizeof(w->p->sites[1].fog.d.error), "HTTP 503 ServiceUnavailable");
	expect(w, "fog-role westus secondary", false,
	       "no fresh data: westus failover group was last read 1 min 40 s ago: HTTP 503 ServiceUnavailable");
	w->p->sites[1].ir.d.read_at = 0;
	snprintf(w->p->sites[1].ir.d.error, sizeof(w->p->sites[1].ir.d.error), "timeout");
	expect(w, "ir westus Stopped", false, "no fresh data: westus IR status was never read: timeout");
	expect(w, "site-fresh westus", false, "no fresh data: westus IR status");
	expect(w, "site-fresh eastus", true, "eastus: IR, triggers, pipelines, failover group and SSISDB all fresh");
	/* the primary's group cannot be read: the secondary's view of the replication counts */
	w->p->sites[1].fog.d.read_at = NOW - 1;
	w->p->sites[0].fog.d.read_at = 0;
	expect(w, "replication CATCH_UP", true, "failover group fg-ssisdb on westus: replication CATCH_UP");
}

static void test_cond_ir_and_rto(void **state)
{
	struct world *w = *state;

	expect(w, "ir westus Stopped", true, "westus IR ssis-ir-westus: Stopped, 0/2 nodes (read 2 s ago)");
	expect(w, "ir westus Started|Starting", false, "Stopped");
	expect(w, "ir-was westus Stopped", true, "westus IR was Stopped when the drill started");
	expect(w, "ir-was eastus Stopped", false, "eastus IR was Started");
	expect(w, "rto-estimate westus", true, "a failover adds its start, about 5 min, to the RTO (target 30 min)");
	w->p->sites[1].ir.vnet = true;
	w->env.rto_target = 20 * 60;
	expect(w, "rto-estimate westus", false, "about 25 min with VNet injection, to the RTO (target 20 min)");
	expect(w, "rto-estimate eastus", true, "is Started: a failover needs no IR start");
	snprintf(w->p->sites[1].ir.last_op_type, sizeof(w->p->sites[1].ir.last_op_type), "start");
	snprintf(w->p->sites[1].ir.last_op_error, sizeof(w->p->sites[1].ir.last_op_error), "IntegrationRuntimeStartFailed");
	expect(w, "ir westus Started", false, "last start: IntegrationRuntimeStartFailed");
}

static void test_cond_replication_and_packages(void **state)
{
	struct world *w = *state;

	expect(w, "replication CATCH_UP", true, "failover group fg-ssisdb on eastus: replication CATCH_UP (read 2 s ago)");
	expect(w, "replication SEEDING", false, "replication CATCH_UP");
	expect(w, "lag-within-rpo", true, "replication lag 3 s (RPO target 1 min)");
	w->p->sites[0].link.lag_seconds = 400;
	expect(w, "lag-within-rpo", false, "replication lag 6 min 40 s (RPO target 1 min)");
	w->p->sites[0].link.lag_known = false;
	expect(w, "lag-within-rpo", false, "replication lag unknown");
	expect(w, "no-running-packages", true, "eastus: 0 running, 0 pending; westus: 0 running, 0 pending");
	w->p->sites[0].catalog.running = 2;
	expect(w, "no-running-packages", false, "eastus: 2 running, 0 pending; westus: 0 running, 0 pending (a planned");
	w->p->sites[0].role = w->p->sites[1].role = ROLE_PRIMARY;
	expect(w, "no-running-packages", false, "which site is primary is not known");
}

static void test_cond_findings(void **state)
{
	struct world *w = *state;
	struct finding *f = &w->p->findings[w->p->nfindings++];

	snprintf(f->id, sizeof(f->id), "secondary-ir-stopped");
	snprintf(f->site, sizeof(f->site), "westus");
	snprintf(f->message, sizeof(f->message), "IR ssis-ir-westus is stopped");
	expect(w, "no-finding split-brain", true, "no finding split-brain (1 finding in all)");
	expect(w, "no-finding secondary-ir-stopped", false, "finding secondary-ir-stopped on westus: IR ssis-ir-westus");
	expect(w, "finding secondary-ir-stopped", true, "on westus");
	expect(w, "finding split-brain", false, "no finding split-brain");
}

static void test_cond_triggers_and_pipelines(void **state)
{
	struct world *w = *state;
	struct model_site *west = &w->p->sites[1];

	expect(w, "triggers-stopped westus", true, "westus: all 2 managed triggers stopped");
	expect(w, "triggers-started eastus", true, "eastus: all 2 managed triggers Started");
	expect(w, "triggers-present westus", true, "westus's factory has 2 managed triggers, all that eastus has");
	expect(w, "triggers-synced", true, "2 of 2 Started in eastus (primary); 2 of 2 stopped in westus (secondary)");
	expect(w, "ssis-pipelines-present westus", true, "westus's factory has 1 SSIS pipeline (LoadWarehouse)");
	snprintf(west->triggers.items[0].state, sizeof(west->triggers.items[0].state), "Started");
	expect(w, "triggers-stopped westus", false, "1 of 2 managed triggers not stopped: NightlyLoad Started");
	expect(w, "triggers-synced", false, "1 of 2 stopped in westus (secondary), not: NightlyLoad Started");
	west->triggers.n = 1;
	expect(w, "triggers-present westus", false, "westus's factory lacks 1 managed trigger that eastus has: HourlyMarts");
	west->pipelines.n = 0;
	add_pipeline(west, "ArchiveRaw", false);
	expect(w, "ssis-pipelines-present westus", false, "lacks 1 SSIS pipeline that eastus has: LoadWarehouse");
	west->triggers.d.read_at = 0;
	expect(w, "triggers-present westus", false, "no fresh data: westus trigger list was never read");
}

static void test_cond_agent(void **state)
{
	struct world *w = *state;
	struct model_jobs *pj = &w->p->sites[0].jobs, *sj = &w->p->sites[1].jobs;

	expect(w, "schedules-synced", false, "pair ssis-pair is on Azure SQL Database");
	expect(w, "switch-job-present", false, "has no SQL Agent");
	w->p->mi = true;
	pj->n = sj->n = 1;
	pj->items[0].schedule_enabled = true;
	pj->switch_job_present = pj->switch_job_enabled = true;
	sj->switch_job_present = true;
	expect(w, "schedules-synced", true, "1 of 1 enabled on eastus (primary), 0 of 1 enabled on westus (secondary)");
	expect(w, "switch-job-present", false, "westus: schedule-switch job present but DISABLED");
	sj->switch_job_enabled = true;
	expect(w, "switch-job-present", true, "eastus: schedule-switch job present and enabled; westus: schedule-switch");
	sj->items[0].schedule_enabled = true;
	expect(w, "schedules-synced", false, "1 of 1 enabled on westus (secondary)");
	expect(w, "site-fresh westus", true, ", msdb all fresh");
}

/* The RTO clock starts only when the failover does: a declined (or
 * refused) failover step leaves it unstarted, while one that started and
 * then failed keeps its start. */
static void test_rto_clock_only_for_a_started_failover(void **state)
{
	struct drill *d = calloc(1, sizeof(*d));

	(void)state;
	assert_non_null(d);
	pthread_mutex_init(&d->lock, NULL);
	snprintf(d->steps[0].command, sizeof(d->steps[0].command), "failover");
	d->lag_at_failover = 0;
	d->steps[0].ended = 1000;
	drill_failover_done(d, 0, DRILL_STEP_FAILED, "not confirmed: the operator declined the plan");
	assert_true(d->t0 <= 0);
	assert_true(d->data_loss < 0);
	assert_non_null(strstr(d->data_loss_basis, "not started"));

	d->t0 = 990; /* confirmed: the operation started, then failed */
	drill_failover_done(d, 0, DRILL_STEP_FAILED, "OperationTimedOut");
	assert_true(d->t0 == 990);
	assert_non_null(strstr(d->data_loss_basis, "did not complete"));
	pthread_mutex_destroy(&d->lock);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_long_lines_and_crlf),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_builtin_runbooks),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test_setup_teardown(test_cond_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_freshness, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_ir_and_rto, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_replication_and_packages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_triggers_and_pipelines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_agent, setup, teardown),
		cmocka_unit_test(test_rto_clock_only_for_a_started_failover),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
