/* The command layer against ssisdr-sim: confirmation by the target's name,
 * one operation at a time per target, completion from the table and the
 * snapshot, and read-only mode hiding and refusing changes. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cmd.h"
#include "core/config.h"
#include "core/console.h"
#include "core/op.h"
#include "tests/lib/simproc.h"

struct fixture {
	struct simproc sp;
	struct ssisdr_config cfg;
	struct console con;
	char out[8192];
};

static void collect(void *user, enum severity sev, const char *text)
{
	struct fixture *f = user;
	size_t n = strlen(f->out);

	snprintf(f->out + n, sizeof(f->out) - n, "%s\n", text);
}

static int open_console(void **state, bool read_only)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[512];
	struct snapshot *s;

	assert_non_null(f);
	assert_int_equal(simproc_start(&f->sp, "demo", 60, NULL), 0);
	assert_int_equal(config_load(f->sp.conf, &f->cfg, err, sizeof(err)), 0);
	assert_int_equal(console_open(&f->con, &f->cfg, read_only, true, err, sizeof(err)), 0);
	s = console_snapshot(&f->con, 10000);
	assert_non_null(s);
	snap_unref(s);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return open_console(state, false);
}

static int setup_read_only(void **state)
{
	return open_console(state, true);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	console_close(&f->con);
	config_free(&f->cfg);
	simproc_stop(&f->sp);
	free(f);
	return 0;
}

static enum cmd_result run(struct fixture *f, const char *line, struct cmd_pending **pd)
{
	struct cmd_out out = { collect, f };

	f->out[0] = '\0';
	return cmd_run_line(&f->con, line, &out, pd);
}

static bool has(char **v, const char *word)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], word))
			return true;
	return false;
}

static void free_words(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static void test_wrong_confirmation_cancels(void **state)
{
	struct fixture *f = *state;
	struct cmd_pending *pd = NULL;
	struct op *op = (struct op *)1;

	assert_int_equal(run(f, "ir start westus", &pd), CMD_NEEDS_CONFIRM);
	assert_non_null(strstr(cmd_pending_prompt(pd), "westus"));
	assert_int_equal(cmd_confirm(pd, "eastus", &op), CMD_REFUSED);
	assert_null(op);
	assert_int_equal(console_running_ops(&f->con), 0);
}

static void test_one_operation_per_target(void **state)
{
	struct fixture *f = *state;
	struct cmd_pending *pd = NULL;
	struct op *op = NULL;

	assert_int_equal(run(f, "ir start westus", &pd), CMD_NEEDS_CONFIRM);
	assert_int_equal(cmd_confirm(pd, "westus", &op), CMD_STARTED);
	assert_non_null(op);
	assert_int_equal(console_running_ops(&f->con), 1);
	/* the same IR again while the start runs: refused before any plan is confirmed */
	assert_int_equal(run(f, "ir stop westus", &pd), CMD_REFUSED);
	assert_null(pd);
	assert_non_null(strstr(f->out, "still running"));
	/* another target is fine */
	assert_int_equal(run(f, "triggers disable eastus --dry-run", &pd), CMD_OK);
	assert_true(op_wait(op, 60000));
	assert_int_equal(op_state(op), OP_SUCCEEDED);
	op_unref(op);
}

static void test_completion(void **state)
{
	struct fixture *f = *state;
	char **v;

	v = cmd_complete(&f->con, "ir st", 5);
	assert_true(has(v, "start") && has(v, "stop"));
	free_words(v);
	v = cmd_complete(&f->con, "ir start ", 9);
	assert_true(has(v, "eastus") && has(v, "westus"));
	free_words(v);
	v = cmd_complete(&f->con, "triggers enable westus Ni", 25);
	assert_true(has(v, "NightlyLoad"));
	assert_false(has(v, "HourlyMarts"));
	free_words(v);
	v = cmd_complete(&f->con, "fail", 4);
	assert_true(has(v, "failover") && has(v, "failover_integration_runtime"));
	free_words(v);
	v = cmd_complete(&f->con, "failover --", 11);
	assert_true(has(v, "--force") && has(v, "--try-planned") && has(v, "--dry-run"));
	free_words(v);
}

static void test_read_only_hides_and_refuses(void **state)
{
	struct fixture *f = *state;
	struct cmd_pending *pd = NULL;
	char **v = cmd_complete(&f->con, "", 0);

	assert_true(has(v, "status"));
	assert_false(has(v, "failover"));
	assert_false(has(v, "schedules"));
	free_words(v);
	assert_int_equal(run(f, "failover", &pd), CMD_REFUSED);
	assert_null(pd);
	assert_non_null(strstr(f->out, "read-only"));
	assert_int_equal(run(f, "help", &pd), CMD_OK);
	assert_null(strstr(f->out, "failover ["));
	assert_false(cmd_available(&f->con, cmd_find("failover")));
	assert_true(cmd_available(&f->con, cmd_find("status")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wrong_confirmation_cancels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_operation_per_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_completion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_hides_and_refuses, setup_read_only, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
