/* The poller across cycles against ssisdr-sim: snapshots are new objects
 * each cycle, a site that dies keeps its last data with the time it was read
 * and the error that kept it from being refreshed, and the other site stays
 * fresh; poll events reach the listener. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/auth.h"
#include "core/config.h"
#include "core/poller.h"
#include "tests/lib/simproc.h"

struct fixture {
	struct simproc sp;
	struct ssisdr_config cfg;
	struct auth *auth;
	struct poller *p;
	int events;
	char last_event[512];
};

static void on_event(void *user, enum severity sev, const char *line)
{
	struct fixture *f = user;

	f->events++;
	snprintf(f->last_event, sizeof(f->last_event), "%s", line);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[512];

	assert_non_null(f);
	assert_int_equal(simproc_start(&f->sp, "demo", 60, NULL), 0);
	assert_int_equal(config_load(f->sp.conf, &f->cfg, err, sizeof(err)), 0);
	f->cfg.console.request_timeout = 3;
	f->auth = auth_new(&f->cfg.azure, 3000, err, sizeof(err));
	assert_non_null(f->auth);
	f->p = poller_new(&f->cfg, f->auth, err, sizeof(err));
	assert_non_null(f->p);
	poller_on_event(f->p, on_event, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	poller_free(f->p);
	auth_free(f->auth);
	config_free(&f->cfg);
	simproc_stop(&f->sp);
	free(f);
	return 0;
}

static struct snapshot *cycle(struct fixture *f)
{
	assert_int_equal(poller_cycle(f->p), 0);
	return poller_snapshot(f->p);
}

static bool has_finding(const struct model_pair *p, const char *id, const char *site)
{
	for (int i = 0; i < p->nfindings; i++)
		if (!strcmp(p->findings[i].id, id) && (!site || !strcmp(p->findings[i].site, site)))
			return true;
	return false;
}

static void test_each_cycle_publishes_a_new_snapshot(void **state)
{
	struct fixture *f = *state;
	struct snapshot *a = cycle(f), *b = cycle(f);

	assert_true(a != b);
	assert_true(b->seq == a->seq + 1);
	assert_true(b->pairs[0].sites[0].ir.d.read_at > a->pairs[0].sites[0].ir.d.read_at);
	/* the older snapshot is unchanged by the newer cycle */
	assert_string_equal(a->pairs[0].sites[0].ir.state, "Started");
	assert_int_equal(f->events, 2);
	assert_non_null(strstr(f->last_event, "poll ok"));
	snap_unref(a);
	snap_unref(b);
}

static void test_dead_site_keeps_old_data_with_its_error(void **state)
{
	struct fixture *f = *state;
	struct snapshot *before = cycle(f), *after;
	const struct model_site *east, *west;

	assert_int_equal(simproc_fault(&f->sp, "{\"kind\":\"outage\",\"site\":\"eastus\"}"), 0);
	poller_set_interval(f->p, 1); /* stale after 3 s instead of 30 */
	sleep(4);
	after = cycle(f);
	east = &after->pairs[0].sites[0];
	west = &after->pairs[0].sites[1];
	/* eastus: the data of the last good read, with its time and the error */
	assert_string_equal(east->ir.state, "Started");
	assert_true(east->ir.d.read_at == before->pairs[0].sites[0].ir.d.read_at);
	assert_true(east->ir.d.tried_at > east->ir.d.read_at);
	assert_non_null(strstr(east->ir.d.error, "ServiceUnavailable"));
	assert_true(east->link.d.error[0] != '\0');
	assert_true(datum_age(&east->ir.d, after->finished_at) >= 3.0);
	/* westus: fresh */
	assert_true(west->ir.d.read_at > before->pairs[0].sites[1].ir.d.read_at);
	assert_string_equal(west->ir.d.error, "");
	assert_string_equal(west->link.d.error, "");
	assert_true(has_finding(&after->pairs[0], "site-unreachable", "eastus"));
	assert_false(has_finding(&after->pairs[0], "stale-data", "westus"));
	assert_non_null(strstr(f->last_event, "failed"));
	snap_unref(before);
	snap_unref(after);
	simproc_clear(&f->sp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_each_cycle_publishes_a_new_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_site_keeps_old_data_with_its_error, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
