/* Tests for core/arm_client.h (and core/http.h) against the real
 * simulator: concurrency, retries, the 401 token refresh, errors, paging
 * and long-running operations. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkdtemp, setenv */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/arm_client.h"
#include "core/arm_parse.h"
#include "core/auth.h"
#include "core/config.h"
#include "core/util.h"
#include "tests/lib/simproc.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "tests"
#endif
#define SCENARIOS TEST_SRCDIR "/../assets/scenarios"

#define ADF_API "2018-06-01"
#define SQL_API "2025-01-01"
#define UA "ssisdr/0.1.0-test"
#define NCALLS 10

/* A simulator with its configuration, token source and client. */
struct world {
	struct simproc sp;
	struct ssisdr_config cfg;
	struct auth *auth;
	struct arm_client *client;
	bool up;
};

static struct world main_w; /* demo at time scale 60 */
static struct world fast_w; /* demo at time scale 600: LROs end in about a second */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static struct arm_client *new_client(struct world *w, long timeout_ms, int attempts, int max_pages)
{
	char err[512] = "";
	struct arm_client_opts o = {
		.arm_endpoint = w->cfg.azure.arm_endpoint,
		.user_agent = UA,
		.request_timeout_ms = timeout_ms,
		.max_attempts = attempts,
		.max_retry_wait_ms = 10000,
		.max_pages = max_pages,
		.auth = w->auth,
	};
	struct arm_client *c = arm_client_new(&o, err, sizeof err);

	if (!c)
		fail_msg("arm_client_new: %s", err);
	return c;
}

static int world_start(struct world *w, const char *scenario, double scale)
{
	char err[512] = "";

	memset(w, 0, sizeof *w);
	if (simproc_start(&w->sp, scenario, scale, NULL)) {
		fprintf(stderr, "# cannot start ssisdr-sim --scenario %s (SSISDR_TOP_BUILDDIR?)\n",
			scenario);
		return -1;
	}
	if (config_load(w->sp.conf, &w->cfg, err, sizeof err)) {
		fprintf(stderr, "# config_load: %s\n", err);
		simproc_stop(&w->sp);
		return -1;
	}
	w->auth = auth_new(&w->cfg.azure, 5000, err, sizeof err);
	if (!w->auth) {
		fprintf(stderr, "# auth_new: %s\n", err);
		config_free(&w->cfg);
		simproc_stop(&w->sp);
		return -1;
	}
	w->client = new_client(w, 5000, 0, 0);
	w->up = true;
	return 0;
}

static void world_stop(struct world *w)
{
	if (!w->up)
		return;
	arm_client_free(w->client);
	auth_free(w->auth);
	config_free(&w->cfg);
	simproc_stop(&w->sp);
	w->up = false;
}

static int group_setup(void **state)
{
	if (world_start(&main_w, "demo", 60))
		return -1;
	if (world_start(&fast_w, "demo", 600)) {
		world_stop(&main_w);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	world_stop(&main_w);
	world_stop(&fast_w);
	return 0;
}

/* Faults never outlive a test. */
static int clear_faults(void **state)
{
	simproc_clear(&main_w.sp);
	simproc_clear(&fast_w.sp);
	return 0;
}

/* ---- calls ---------------------------------------------------------- */

static const struct config_site *site(struct world *w, int i)
{
	return &w->cfg.pairs[0].sites[i];
}

static void set_call(struct arm_call *c, const char *method, const char *api, const char *fmt, ...)
	SSISDR_PRINTF(4, 5);
static void set_call(struct arm_call *c, const char *method, const char *api, const char *fmt, ...)
{
	va_list ap;

	memset(c, 0, sizeof *c);
	c->method = method;
	c->api_version = api;
	va_start(ap, fmt);
	vsnprintf(c->path, sizeof c->path, fmt, ap);
	va_end(ap);
}

static void call_ir_get(struct world *w, struct arm_call *c, int s)
{
	set_call(c, "GET", ADF_API, "%s/integrationRuntimes/%s", site(w, s)->factory.id,
		 site(w, s)->integration_runtime);
}

/* The poller's batch: per site the IR, its status, the triggers, the
 * pipelines and the failover group. */
static void batch(struct world *w, struct arm_call calls[NCALLS])
{
	for (int s = 0; s < 2; s++) {
		const struct config_site *x = site(w, s);
		struct arm_call *c = &calls[s * 5];

		call_ir_get(w, &c[0], s);
		set_call(&c[1], "POST", ADF_API, "%s/integrationRuntimes/%s/getStatus", x->factory.id,
			 x->integration_runtime);
		c[1].flags = ARM_IDEMPOTENT;
		set_call(&c[2], "GET", ADF_API, "%s/triggers", x->factory.id);
		c[2].flags = ARM_FOLLOW_NEXT;
		set_call(&c[3], "GET", ADF_API, "%s/pipelines", x->factory.id);
		c[3].flags = ARM_FOLLOW_NEXT;
		set_call(&c[4], "GET", SQL_API, "%s/failoverGroups/%s", x->sql.id, x->failover_group);
	}
}

static void clear_all(struct arm_call *calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		arm_call_clear(&calls[i]);
}

struct progress_log {
	char lines[16][128];
	int n;
};

static void on_progress(void *user, const struct arm_call *call, const char *what)
{
	struct progress_log *log = user;

	if (log->n < 16)
		snprintf(log->lines[log->n++], sizeof log->lines[0], "%s", what);
}

static bool logged(const struct progress_log *log, const char *needle)
{
	for (int i = 0; i < log->n; i++)
		if (strstr(log->lines[i], needle))
			return true;
	return false;
}

static void fault(struct world *w, const char *json)
{
	if (simproc_fault(&w->sp, json))
		fail_msg("the simulator refused the fault %s", json);
}

/* ---- tests ---------------------------------------------------------- */

static void test_batch_ok(void **state)
{
	struct arm_call calls[NCALLS];
	struct arm_ir ir;
	struct arm_ir_status st;
	struct arm_fog fog;
	char err[256];

	batch(&main_w, calls);
	arm_call_all(main_w.client, calls, NCALLS, NULL, NULL);
	for (int i = 0; i < NCALLS; i++) {
		if (!calls[i].ok)
			fail_msg("call %d (%s) failed: %s: %s", i, calls[i].path, calls[i].error_code,
				 calls[i].error_message);
		assert_int_equal(calls[i].status, 200);
		assert_true(strlen(calls[i].request_id) >= 32);
		assert_int_equal(calls[i].retries, 0);
		assert_non_null(calls[i].body_out);
		assert_true(calls[i].ratelimit_reads[0] || calls[i].ratelimit_writes[0]);
	}
	assert_int_equal(calls[2].npages, 1);
	assert_int_equal(arm_parse_ir(calls[0].body_out, calls[0].body_len, &ir, err, sizeof err), 0);
	assert_string_equal(ir.state, "Started");
	assert_int_equal(arm_parse_ir_status(calls[6].body_out, calls[6].body_len, &st, err, sizeof err), 0);
	assert_string_equal(st.state, "Stopped");
	assert_int_equal(arm_parse_fog(calls[4].body_out, calls[4].body_len, &fog, err, sizeof err), 0);
	assert_string_equal(fog.replication_role, "Primary");
	assert_int_equal(arm_parse_fog(calls[9].body_out, calls[9].body_len, &fog, err, sizeof err), 0);
	assert_string_equal(fog.replication_role, "Secondary");
	clear_all(calls, NCALLS);
}

/* A second batch on the same client opens no new connection. */
static void test_connection_reuse(void **state)
{
	struct arm_call calls[NCALLS];
	struct arm_client *c = new_client(&main_w, 5000, 0, 0);
	int first = 0, second = 0;

	batch(&main_w, calls);
	arm_call_all(c, calls, NCALLS, NULL, NULL);
	for (int i = 0; i < NCALLS; i++) {
		assert_true(calls[i].ok);
		first += calls[i].new_connections;
	}
	arm_call_all(c, calls, NCALLS, NULL, NULL);
	for (int i = 0; i < NCALLS; i++) {
		assert_true(calls[i].ok);
		second += calls[i].new_connections;
	}
	assert_true(first >= 1);
	assert_int_equal(second, 0);
	clear_all(calls, NCALLS);
	arm_client_free(c);
}

/* Every call is in flight at once: ten calls that each take 300 ms. */
static void test_concurrency(void **state)
{
	struct arm_call calls[NCALLS];
	double t0, wall;

	batch(&main_w, calls);
	arm_call_all(main_w.client, calls, NCALLS, NULL, NULL); /* token and connections */
	fault(&main_w, "{\"kind\":\"latency\",\"ms\":300}");
	t0 = now_ms();
	arm_call_all(main_w.client, calls, NCALLS, NULL, NULL);
	wall = now_ms() - t0;
	for (int i = 0; i < NCALLS; i++) {
		assert_true(calls[i].ok);
		assert_true(calls[i].elapsed_ms >= 290);
	}
	if (wall >= 900)
		fail_msg("ten calls of 300 ms took %.0f ms: not concurrent", wall);
	clear_all(calls, NCALLS);
}

static void test_throttle_retried(void **state)
{
	struct arm_call call;
	struct arm_client_stats before, after;
	struct progress_log log = { .n = 0 };

	arm_client_stats(main_w.client, &before);
	fault(&main_w, "{\"kind\":\"throttle\",\"count\":2,\"retry_after\":1}");
	call_ir_get(&main_w, &call, 0);
	arm_call_all(main_w.client, &call, 1, on_progress, &log);
	arm_client_stats(main_w.client, &after);
	if (!call.ok)
		fail_msg("%s: %s", call.error_code, call.error_message);
	assert_int_equal(call.retries, 2);
	assert_int_equal(call.requests, 3);
	assert_true(call.elapsed_ms >= 2000); /* twice at least Retry-After: 1 */
	assert_int_equal(after.throttled - before.throttled, 2);
	assert_int_equal(after.retries - before.retries, 2);
	assert_true(logged(&log, "retrying after 429 in 1 s"));
	arm_call_clear(&call);
}

static void test_5xx_retried(void **state)
{
	struct arm_call call;

	fault(&main_w, "{\"kind\":\"error\",\"status\":503,\"count\":2}");
	call_ir_get(&main_w, &call, 1);
	arm_call_all(main_w.client, &call, 1, NULL, NULL);
	if (!call.ok)
		fail_msg("%s: %s", call.error_code, call.error_message);
	assert_int_equal(call.status, 200);
	assert_int_equal(call.retries, 2);
	assert_int_equal(call.requests, 3);
	arm_call_clear(&call);
}

static void test_5xx_exhausted(void **state)
{
	struct arm_client *c = new_client(&main_w, 5000, 3, 0);
	struct arm_call call;

	fault(&main_w, "{\"kind\":\"error\",\"status\":503,\"count\":10}");
	call_ir_get(&main_w, &call, 0);
	arm_call_all(c, &call, 1, NULL, NULL);
	assert_false(call.ok);
	assert_int_equal(call.status, 503);
	assert_int_equal(call.requests, 3);
	assert_int_equal(call.retries, 2);
	assert_string_equal(call.error_code, "ServiceUnavailable");
	assert_non_null(strstr(call.error_message, "injected 503"));
	assert_non_null(strstr(call.error_message, "gave up after 3 attempts"));
	assert_non_null(call.body_out);
	arm_call_clear(&call);
	arm_client_free(c);
}

/* A hung site fails its own calls with a timeout, and nothing else. */
static void test_hang_one_site(void **state)
{
	struct arm_client *c = new_client(&main_w, 500, 2, 0);
	struct arm_call calls[NCALLS + 1];
	char port[32];
	double t0, wall;

	batch(&main_w, calls);
	arm_call_all(c, calls, NCALLS, NULL, NULL); /* token and connections */
	fault(&main_w, "{\"kind\":\"hang\",\"site\":\"westus\"}");
	/* The same getStatus without ARM_IDEMPOTENT: a POST is not sent twice. */
	calls[NCALLS] = calls[6];
	calls[NCALLS].flags = 0;
	calls[NCALLS].body_out = NULL;
	calls[NCALLS].pages = NULL;
	calls[NCALLS].page_lens = NULL;
	calls[NCALLS].npages = 0;
	t0 = now_ms();
	arm_call_all(c, calls, NCALLS + 1, NULL, NULL);
	wall = now_ms() - t0;
	simproc_clear(&main_w.sp); /* lets the hung requests go */
	snprintf(port, sizeof port, "%s", strrchr(main_w.sp.url, ':'));
	for (int i = 0; i < NCALLS; i++) {
		if (i < 5) {
			if (!calls[i].ok)
				fail_msg("eastus call %d: %s: %s", i, calls[i].error_code,
					 calls[i].error_message);
			continue;
		}
		assert_false(calls[i].ok);
		assert_int_equal(calls[i].status, 0);
		assert_string_equal(calls[i].error_code, "Timeout");
		assert_non_null(strstr(calls[i].error_message, "no answer from 127.0.0.1"));
		assert_non_null(strstr(calls[i].error_message, port));
		assert_non_null(strstr(calls[i].error_message, "within 500 ms"));
		assert_int_equal(calls[i].requests, 2);
	}
	assert_false(calls[NCALLS].ok);
	assert_string_equal(calls[NCALLS].error_code, "Timeout");
	assert_int_equal(calls[NCALLS].requests, 1);
	assert_non_null(strstr(calls[NCALLS].error_message, "may have been carried out"));
	if (wall >= 2000)
		fail_msg("the batch took %.0f ms with one hung site", wall);
	clear_all(calls, NCALLS + 1);
	arm_client_free(c);
}

/* Every token expires: the calls see 401, one new token serves them all. */
static void test_token_expiry(void **state)
{
	struct arm_client *c = new_client(&main_w, 5000, 0, 0);
	struct arm_call calls[NCALLS];
	struct arm_client_stats st;
	unsigned long fetches;

	batch(&main_w, calls);
	arm_call_all(c, calls, NCALLS, NULL, NULL);
	fetches = auth_fetch_count(main_w.auth);
	fault(&main_w, "{\"kind\":\"token-expiry\"}");
	arm_call_all(c, calls, NCALLS, NULL, NULL);
	arm_client_stats(c, &st);
	for (int i = 0; i < NCALLS; i++) {
		if (!calls[i].ok)
			fail_msg("call %d: %s: %s", i, calls[i].error_code, calls[i].error_message);
		assert_int_equal(calls[i].retries, 1);
		assert_int_equal(calls[i].requests, 2);
	}
	assert_int_equal(st.token_refreshes, 1);
	assert_int_equal(auth_fetch_count(main_w.auth) - fetches, 1);
	clear_all(calls, NCALLS);
	arm_client_free(c);
}

/* A token the server keeps refusing: one refresh, then the ARM error. */
static void test_401_twice_fails(void **state)
{
	/* Tokens from the other simulator: this one never issued them. */
	struct arm_client_opts o = {
		.arm_endpoint = main_w.cfg.azure.arm_endpoint, .user_agent = UA,
		.auth = fast_w.auth,
	};
	struct arm_call call;
	char err[256];
	struct arm_client *c = arm_client_new(&o, err, sizeof err);

	assert_non_null(c);
	call_ir_get(&main_w, &call, 0);
	arm_call_all(c, &call, 1, NULL, NULL);
	assert_false(call.ok);
	assert_int_equal(call.status, 401);
	assert_string_equal(call.error_code, "InvalidAuthenticationToken");
	assert_int_equal(call.requests, 2);
	assert_null(strstr(call.error_message, "simtok."));
	arm_call_clear(&call);
	arm_client_free(c);
}

/* A broken body on a 200 is handed over; the caller's parser says so. */
static void test_malformed_body(void **state)
{
	struct arm_call call;
	struct arm_ir ir;
	char err[256] = "";

	fault(&main_w, "{\"kind\":\"malformed\",\"count\":1}");
	call_ir_get(&main_w, &call, 0);
	arm_call_all(main_w.client, &call, 1, NULL, NULL);
	assert_true(call.ok);
	assert_int_equal(call.status, 200);
	assert_non_null(call.body_out);
	assert_int_equal(arm_parse_ir(call.body_out, call.body_len, &ir, err, sizeof err), -1);
	assert_true(err[0] != '\0');
	arm_call_clear(&call);
}

static void test_not_found(void **state)
{
	struct arm_call call;

	set_call(&call, "GET", ADF_API, "%s/integrationRuntimes/no-such-ir", site(&main_w, 0)->factory.id);
	arm_call_all(main_w.client, &call, 1, NULL, NULL);
	assert_false(call.ok);
	assert_int_equal(call.status, 404);
	assert_string_equal(call.error_code, "ResourceNotFound");
	assert_non_null(strstr(call.error_message, "no-such-ir"));
	assert_int_equal(call.requests, 1);
	assert_int_equal(call.retries, 0);
	assert_true(call.request_id[0] != '\0');
	arm_call_clear(&call);
}

/* The token goes to the ARM endpoint only. */
static void test_foreign_host_refused(void **state)
{
	struct arm_call call;

	set_call(&call, "GET", ADF_API, "https://attacker.example/subscriptions/x");
	arm_call_all(main_w.client, &call, 1, NULL, NULL);
	assert_false(call.ok);
	assert_string_equal(call.error_code, "UnexpectedHost");
	assert_int_equal(call.requests, 0);
	arm_call_clear(&call);
}

/* A demo scenario with five triggers per site served two to a page. */
static int write_paging_scenario(char *dir, size_t dirlen, char *path, size_t pathlen)
{
	FILE *in = fopen(SCENARIOS "/demo.scn", "r"), *out;
	char line[1024];

	snprintf(dir, dirlen, "/tmp/ssisdr-scn-XXXXXX");
	if (!in || !mkdtemp(dir)) {
		if (in)
			fclose(in);
		return -1;
	}
	snprintf(path, pathlen, "%s/paging.scn", dir);
	out = fopen(path, "w");
	if (!out) {
		fclose(in);
		return -1;
	}
	while (fgets(line, sizeof line, in)) {
		if (!strncmp(line, "[site westus]", 13))
			fputs("trigger = WeeklyLoad LoadWarehouse Started\n"
			      "trigger = DailyMarts RefreshMarts Started\n\n", out);
		fputs(line, out);
		if (!strncmp(line, "[scenario]", 10))
			fputs("trigger_page_size = 2\n", out);
	}
	fputs("trigger = WeeklyLoad LoadWarehouse Stopped\n"
	      "trigger = DailyMarts RefreshMarts Stopped\n", out);
	fclose(in);
	return fclose(out);
}

static void test_paging(void **state)
{
	char dir[64], path[128], err[256], cmd[128];
	struct world w;
	struct arm_call calls[2];
	struct arm_client *small;
	size_t total[2] = { 0, 0 };

	assert_int_equal(write_paging_scenario(dir, sizeof dir, path, sizeof path), 0);
	assert_int_equal(world_start(&w, path, 60), 0);
	for (int s = 0; s < 2; s++) {
		set_call(&calls[s], "GET", ADF_API, "%s/triggers", site(&w, s)->factory.id);
		calls[s].flags = ARM_FOLLOW_NEXT;
	}
	arm_call_all(w.client, calls, 2, NULL, NULL);
	for (int s = 0; s < 2; s++) {
		if (!calls[s].ok)
			fail_msg("%s: %s", calls[s].error_code, calls[s].error_message);
		assert_int_equal(calls[s].npages, 3);
		assert_int_equal(calls[s].requests, 3);
		for (int p = 0; p < calls[s].npages; p++) {
			struct arm_trigger_list list = { 0 };

			assert_int_equal(arm_parse_trigger_list(calls[s].pages[p], calls[s].page_lens[p],
								&list, err, sizeof err), 0);
			assert_int_equal(list.count, p < 2 ? 2 : 1);
			assert_true((p < 2) == (list.next_link[0] != '\0'));
			total[s] += list.count;
			arm_trigger_list_free(&list);
		}
		assert_int_equal(total[s], 5);
		/* body_out is the last page */
		assert_int_equal(calls[s].body_len, calls[s].page_lens[2]);
		assert_memory_equal(calls[s].body_out, calls[s].pages[2], calls[s].body_len);
	}
	/* A bound on the pages. */
	small = new_client(&w, 5000, 0, 2);
	arm_call_all(small, calls, 1, NULL, NULL);
	assert_false(calls[0].ok);
	assert_string_equal(calls[0].error_code, "TooManyPages");
	assert_int_equal(calls[0].npages, 2);
	arm_client_free(small);
	clear_all(calls, 2);
	world_stop(&w);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void ir_action(struct world *w, struct arm_call *c, int s, const char *action)
{
	set_call(c, "POST", ADF_API, "%s/integrationRuntimes/%s/%s", site(w, s)->factory.id,
		 site(w, s)->integration_runtime, action);
	c->flags = ARM_FOLLOW_LRO;
	c->lro_timeout_ms = 20000;
}

/* Runs before test_ir_start_lro: the failed start leaves the IR Stopped. */
static void test_ir_start_failure(void **state)
{
	struct arm_call call;

	fault(&fast_w, "{\"kind\":\"ir-start-failure\",\"site\":\"westus\"}");
	ir_action(&fast_w, &call, 1, "start");
	arm_call_all(fast_w.client, &call, 1, NULL, NULL);
	assert_false(call.ok);
	assert_int_equal(call.status, 400);
	assert_string_equal(call.error_code, "IntegrationRuntimeStartFailed");
	assert_non_null(strstr(call.error_message, "failed to start"));
	assert_string_equal(call.lro_status, "Failed");
	assert_true(call.requests >= 2);
	arm_call_clear(&call);
}

static void test_ir_start_lro(void **state)
{
	struct arm_call call;
	struct arm_ir_status st;
	struct progress_log log = { .n = 0 };
	char err[256];

	ir_action(&fast_w, &call, 1, "start");
	arm_call_all(fast_w.client, &call, 1, on_progress, &log);
	if (!call.ok)
		fail_msg("%s: %s", call.error_code, call.error_message);
	assert_int_equal(call.status, 200);
	assert_true(call.requests >= 2);
	assert_true(call.elapsed_ms >= 1000); /* waited at least a second between polls */
	assert_string_equal(call.lro_status, "Succeeded");
	assert_non_null(call.body_out);
	assert_int_equal(arm_parse_ir_status(call.body_out, call.body_len, &st, err, sizeof err), 0);
	assert_string_equal(st.state, "Started");
	assert_true(logged(&log, "operation accepted"));
	arm_call_clear(&call);
}

/* SQL Database failover group: 202 with a relative Location. */
static void test_fog_failover_lro(void **state)
{
	struct arm_call call;
	struct arm_fog fog;
	const struct config_site *west = site(&fast_w, 1);
	char err[256];

	set_call(&call, "POST", SQL_API, "%s/failoverGroups/%s/failover", west->sql.id,
		 west->failover_group);
	call.flags = ARM_FOLLOW_LRO;
	call.lro_timeout_ms = 20000;
	arm_call_all(fast_w.client, &call, 1, NULL, NULL);
	if (!call.ok)
		fail_msg("%s: %s", call.error_code, call.error_message);
	assert_int_equal(call.status, 200);
	assert_non_null(call.body_out);
	assert_int_equal(arm_parse_fog(call.body_out, call.body_len, &fog, err, sizeof err), 0);
	assert_string_equal(fog.replication_role, "Primary");
	arm_call_clear(&call);
}

/* Managed instance group: Azure-AsyncOperation, then the Location. */
static void test_mi_failover_lro(void **state)
{
	struct world w;
	struct arm_call call;
	struct arm_mi_fog fog;
	const struct config_site *sec;
	char err[256];

	assert_int_equal(world_start(&w, "mi", 600), 0);
	sec = site(&w, 1);
	set_call(&call, "POST", SQL_API,
		 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Sql/locations/%s/instanceFailoverGroups/%s/failover",
		 sec->sql.sub, sec->sql.rg, sec->region, sec->failover_group);
	call.flags = ARM_FOLLOW_LRO;
	call.lro_timeout_ms = 20000;
	arm_call_all(w.client, &call, 1, NULL, NULL);
	if (!call.ok)
		fail_msg("%s: %s", call.error_code, call.error_message);
	assert_int_equal(call.status, 200);
	assert_string_equal(call.lro_status, "Succeeded");
	assert_true(call.requests >= 3); /* the POST, a status poll, the Location */
	assert_non_null(call.body_out);
	assert_int_equal(arm_parse_mi_fog(call.body_out, call.body_len, &fog, err, sizeof err), 0);
	assert_string_equal(fog.replication_role, "Primary");
	arm_call_clear(&call);
	world_stop(&w);
}

/* lro_timeout_ms bounds the wait (a 300 s start at scale 60 takes 5 s). */
static void test_lro_timeout(void **state)
{
	struct arm_call call;

	ir_action(&main_w, &call, 1, "start");
	call.lro_timeout_ms = 1500;
	arm_call_all(main_w.client, &call, 1, NULL, NULL);
	assert_false(call.ok);
	assert_int_equal(call.status, 202);
	assert_string_equal(call.error_code, "OperationPollTimeout");
	assert_non_null(strstr(call.error_message, "still running"));
	assert_true(call.elapsed_ms < 2500);
	arm_call_clear(&call);
}

/* What the requests carried, as the simulator logged them. */
static void test_request_headers(void **state)
{
	char *out = NULL;
	struct json_object *log, *seen = json_object_new_object();
	int arm = 0;

	assert_int_equal(simproc_control(&main_w.sp, "GET", "/_sim/requests", NULL, &out), 200);
	log = json_tokener_parse(out);
	assert_non_null(log);
	for (size_t i = 0; i < json_object_array_length(log); i++) {
		struct json_object *r = json_object_array_get_idx(log, i), *v;
		const char *path, *ua, *cid;

		json_object_object_get_ex(r, "path", &v);
		path = json_object_get_string(v);
		if (strncmp(path, "/subscriptions/", 15))
			continue;
		arm++;
		json_object_object_get_ex(r, "user_agent", &v);
		ua = json_object_get_string(v);
		json_object_object_get_ex(r, "client_request_id", &v);
		cid = json_object_get_string(v);
		assert_true(!strncmp(ua, "ssisdr/", 7));
		assert_int_equal(strlen(cid), 36);
		assert_int_equal(cid[14], '4'); /* a version 4 GUID */
		if (json_object_object_get_ex(seen, cid, NULL))
			fail_msg("x-ms-client-request-id %s sent twice", cid);
		json_object_object_add(seen, cid, NULL);
	}
	assert_true(arm >= 50);
	json_object_put(log);
	json_object_put(seen);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_batch_ok, clear_faults),
		cmocka_unit_test_teardown(test_connection_reuse, clear_faults),
		cmocka_unit_test_teardown(test_concurrency, clear_faults),
		cmocka_unit_test_teardown(test_throttle_retried, clear_faults),
		cmocka_unit_test_teardown(test_5xx_retried, clear_faults),
		cmocka_unit_test_teardown(test_5xx_exhausted, clear_faults),
		cmocka_unit_test_teardown(test_hang_one_site, clear_faults),
		cmocka_unit_test_teardown(test_token_expiry, clear_faults),
		cmocka_unit_test_teardown(test_401_twice_fails, clear_faults),
		cmocka_unit_test_teardown(test_malformed_body, clear_faults),
		cmocka_unit_test_teardown(test_not_found, clear_faults),
		cmocka_unit_test_teardown(test_foreign_host_refused, clear_faults),
		cmocka_unit_test_teardown(test_paging, clear_faults),
		cmocka_unit_test_teardown(test_ir_start_failure, clear_faults),
		cmocka_unit_test_teardown(test_ir_start_lro, clear_faults),
		cmocka_unit_test_teardown(test_fog_failover_lro, clear_faults),
		cmocka_unit_test_teardown(test_mi_failover_lro, clear_faults),
		cmocka_unit_test_teardown(test_lro_timeout, clear_faults),
		cmocka_unit_test_teardown(test_request_headers, clear_faults),
	};

	return cmocka_run_group_tests_name("arm_client", tests, group_setup, group_teardown);
}
