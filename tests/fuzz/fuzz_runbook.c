/* Fuzz target: the runbook parser and validator, runbook_load_string()
 * (core/runbook.h), and then what a drill does with a loaded runbook
 * before it runs anything: expanding placeholders in every command and
 * condition, and re-parsing each condition text.
 *
 * The input is the runbook's text (an embedded NUL ends it). The
 * placeholder values are short for most inputs and RB_ARG_MAX - 1 bytes
 * long for some (picked by the input's length) so the "too long once
 * expanded" paths run too. */
#include "tests/fuzz/fuzz.h"

#include "core/runbook.h"

const char fuzz_target_name[] = "fuzz_runbook";
const unsigned long fuzz_iterations = 8000;

const char *const fuzz_dict[] = {
	"[runbook]\n",
	"[step a]\n",
	"[step b]\n",
	"[step ]\n",
	"[step a b]\n",
	"[step",
	"[",
	"]",
	"=",
	" = ",
	"\n",
	"name = ",
	"title = ",
	"kind = ",
	"description = ",
	"param = ",
	"explain = ",
	"command = ",
	"require = ",
	"skip_if = ",
	"timeout = ",
	"phase = ",
	"optional = ",
	"failover = ",
	"check",
	"action",
	"wait",
	"manual",
	"note",
	"sqldb",
	"mi",
	"any",
	"failover-group",
	"ssisdb-role",
	"ir-start",
	"trigger-sync",
	"schedule-sync",
	"{primary}",
	"{secondary}",
	"{new_primary}",
	"{pair}",
	"{ir_site}",
	"{primary_ir_state}",
	"{unknown}",
	"{",
	"}",
	"{}",
	"{{}}",
	"no-finding split-brain",
	"finding x",
	"replication CATCH_UP",
	"lag-within-rpo",
	"no-running-packages",
	"ssis-pipelines-present {secondary}",
	"triggers-present {secondary}",
	"triggers-stopped {primary}",
	"triggers-started {new_primary}",
	"triggers-synced",
	"schedules-synced",
	"ir {primary} Started|Stopped",
	"ir-was {primary} Started",
	"ir-role {primary} primary",
	"fog-role {secondary} secondary",
	"ssisdb-role {primary} primary",
	"roles-swapped",
	"switch-job-present",
	"site-fresh {primary}",
	"rto-estimate {secondary}",
	"failover {secondary}",
	"failover {secondary} --force",
	"ir start {secondary}",
	"triggers sync",
	"||",
	"|",
	"30m",
	"0",
	"-1",
	"99999999999999999999",
	"yes",
	"true",
	"site=",
	NULL,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_cond(const struct rb_cond *c, const struct rb_vars *v,
		       const char *const *params, char *err, size_t errlen)
{
	struct rb_cond *out = calloc(2, sizeof *out);

	if (!out)
		abort();
	if ((int)c->kind < 0 || (int)c->kind >= COND_COUNT)
		fuzz_fail("condition kind out of range", c->text);
	if (c->nargs < 0 || c->nargs > 2)
		fuzz_fail("condition argument count out of range", c->text);
	FUZZ_STR(c->text);
	FUZZ_STR(c->args[0]);
	FUZZ_STR(c->args[1]);
	(void)rb_cond_name(c->kind);
	(void)rb_cond_takes_site(c->kind);
	/* The loader accepted this text, so parsing it again must work. */
	if (runbook_parse_cond(c->text, params, &out[1], err, errlen))
		fuzz_fail("runbook_parse_cond rejects a condition the loader accepted", c->text);
	if (runbook_expand_cond(c, v, &out[0], err, errlen) == 0) {
		FUZZ_STR(out[0].text);
		FUZZ_STR(out[0].args[0]);
		FUZZ_STR(out[0].args[1]);
	} else {
		fuzz_check_err(err, errlen);
	}
	free(out);
}

static void check_runbook(const struct runbook *rb, const uint8_t *data, size_t size, char *err,
			  size_t errlen)
{
	const char *const *builtins = runbook_builtin_placeholders();
	const char *params[RB_MAX_PARAMS + 1];
	struct rb_vars *v = calloc(1, sizeof *v);
	char *value = malloc(RB_ARG_MAX);
	char *out = malloc(RB_CMD_MAX);
	bool long_values = size % 4 == 3;

	if (!v || !value || !out)
		abort();
	(void)data;
	memset(value, 'v', RB_ARG_MAX - 1);
	value[long_values ? RB_ARG_MAX - 1 : 6] = '\0';
	FUZZ_STR(rb->path);
	FUZZ_STR(rb->name);
	FUZZ_STR(rb->title);
	FUZZ_STR(rb->description);
	(void)rb_kind_name(rb->kind);
	if (rb->nparams < 0 || rb->nparams > RB_MAX_PARAMS)
		fuzz_fail("nparams out of range", NULL);
	if (rb->nsteps <= 0 || rb->nsteps > RB_MAX_STEPS)
		fuzz_fail("nsteps out of range", NULL);
	for (int i = 0; builtins[i]; i++)
		rb_vars_set(v, builtins[i], value);
	for (int i = 0; i < rb->nparams; i++) {
		FUZZ_STR(rb->params[i].name);
		FUZZ_STR(rb->params[i].def);
		FUZZ_STR(rb->params[i].description);
		params[i] = rb->params[i].name;
		rb_vars_set(v, rb->params[i].name, value);
		(void)runbook_uses_placeholder(rb, rb->params[i].name);
	}
	params[rb->nparams] = NULL;
	for (int i = 0; builtins[i]; i++)
		(void)runbook_uses_placeholder(rb, builtins[i]);
	for (int i = 0; i < rb->nsteps; i++) {
		const struct rb_step *s = &rb->steps[i];

		FUZZ_STR(s->id);
		FUZZ_STR(s->title);
		FUZZ_STR(s->explain);
		FUZZ_STR(s->command);
		(void)rb_step_kind_name(s->kind);
		(void)rb_phase_name(s->phase);
		(void)rb_phase_title(s->phase);
		if (s->nrequire < 0 || s->nrequire > RB_MAX_REQUIRE || s->nskip_if < 0 ||
		    s->nskip_if > RB_MAX_SKIP_IF)
			fuzz_fail("condition count out of range", s->id);
		if (runbook_check_placeholders(s->command, params, err, errlen))
			fuzz_fail("a loaded command has an unknown placeholder", s->command);
		if (runbook_expand(s->command, v, out, RB_CMD_MAX, err, errlen) == 0) {
			if (!memchr(out, '\0', RB_CMD_MAX))
				fuzz_fail("expanded command not NUL-terminated", s->id);
		} else {
			fuzz_check_err(err, errlen);
		}
		for (int c = 0; c < s->nrequire; c++)
			check_cond(&s->require[c], v, params, err, errlen);
		for (int c = 0; c < s->nskip_if; c++)
			check_cond(&s->skip_if[c], v, params, err, errlen);
	}
	free(out);
	free(value);
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t errlen = fuzz_errlen(data, size);
	char *text = fuzz_cstr(data, size);
	char *err = errlen ? malloc(errlen) : NULL;
	struct runbook *rb;

	if (errlen && !err)
		abort();
	if (err)
		memset(err, 'X', errlen);
	rb = runbook_load_string(text, "fuzz.runbook", err, errlen);
	if (rb) {
		/* Later calls get a roomy buffer: they are not what is fuzzed. */
		char more[512];

		check_runbook(rb, data, size, more, sizeof more);
	} else {
		fuzz_check_err(err, errlen);
	}
	runbook_free(rb);
	free(err);
	free(text);
	return 0;
}
