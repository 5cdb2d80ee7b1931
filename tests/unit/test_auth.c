/* Tests for core/auth.h: the client secret and managed identity against the
 * simulator, the Azure CLI against tests/fixtures/az/az. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkdtemp, setenv */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "core/arm_model.h"
#include "core/auth.h"
#include "core/config.h"
#include "core/secret.h"
#include "tests/lib/simproc.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "tests"
#endif
#define SCENARIOS TEST_SRCDIR "/../assets/scenarios"
#define AZ_DIR TEST_SRCDIR "/fixtures/az"

static struct simproc sim;
static struct ssisdr_config cfg;
static char saved_path[4096];
static char tmpdir[64];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int group_setup(void **state)
{
	char err[512];
	const char *path = getenv("PATH");

	snprintf(saved_path, sizeof saved_path, "%s", path ? path : "/usr/bin:/bin");
	snprintf(tmpdir, sizeof tmpdir, "/tmp/ssisdr-auth-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	if (simproc_start(&sim, "demo", 60, NULL)) {
		fprintf(stderr, "# cannot start ssisdr-sim (SSISDR_TOP_BUILDDIR?)\n");
		return -1;
	}
	if (config_load(sim.conf, &cfg, err, sizeof err)) {
		fprintf(stderr, "# config_load: %s\n", err);
		simproc_stop(&sim);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	config_free(&cfg);
	simproc_stop(&sim);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Each test gets the environment it started with. */
static int reset_env(void **state)
{
	setenv("PATH", saved_path, 1);
	unsetenv("IMDS_ENDPOINT");
	unsetenv("SSISDR_TEST_AZ_MODE");
	unsetenv("SSISDR_TEST_AZ_ARGS");
	unsetenv("SSISDR_TEST_AZ_PID");
	simproc_clear(&sim);
	return 0;
}

/* Requests the simulator logged for METHOD PATH. */
static int count_requests(struct simproc *sp, const char *method, const char *path)
{
	char *out = NULL;
	struct json_object *log;
	int n = 0;

	assert_int_equal(simproc_control(sp, "GET", "/_sim/requests", NULL, &out), 200);
	log = json_tokener_parse(out);
	assert_non_null(log);
	for (size_t i = 0; i < json_object_array_length(log); i++) {
		struct json_object *r = json_object_array_get_idx(log, i), *m, *p;

		json_object_object_get_ex(r, "method", &m);
		json_object_object_get_ex(r, "path", &p);
		if (!strcmp(json_object_get_string(m), method) && !strcmp(json_object_get_string(p), path))
			n++;
	}
	json_object_put(log);
	free(out);
	return n;
}

static int token_requests(struct simproc *sp, const struct ssisdr_config *c)
{
	char path[256];

	snprintf(path, sizeof path, "/%s/oauth2/v2.0/token", c->azure.tenant_id);
	return count_requests(sp, "POST", path);
}

/* The token opens an ARM resource of the simulator. */
static long arm_get_with(const char *token)
{
	const struct config_site *s = &cfg.pairs[0].sites[0];
	char url[1024], auth[ARM_TOKEN_MAX + 32];
	struct curl_slist *h;
	CURL *c = curl_easy_init();
	FILE *devnull = fopen("/dev/null", "w");
	long status = 0;

	snprintf(url, sizeof url, "%s%s/integrationRuntimes/%s?api-version=2018-06-01",
		 cfg.azure.arm_endpoint, s->factory.id, s->integration_runtime);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	h = curl_slist_append(NULL, auth);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	fclose(devnull);
	return status;
}

/* ---- client secret -------------------------------------------------- */

static void test_secret_cached(void **state)
{
	char err[512] = "", tok1[ARM_TOKEN_MAX], tok2[ARM_TOKEN_MAX];
	struct auth *a = auth_new(&cfg.azure, 5000, err, sizeof err);
	int before = token_requests(&sim, &cfg);

	assert_non_null(a);
	if (auth_token(a, tok1, sizeof tok1, err, sizeof err))
		fail_msg("auth_token: %s", err);
	assert_int_equal(auth_token(a, tok2, sizeof tok2, err, sizeof err), 0);
	assert_string_equal(tok1, tok2);
	assert_int_equal(token_requests(&sim, &cfg) - before, 1);
	assert_int_equal(auth_fetch_count(a), 1);
	assert_int_equal(arm_get_with(tok1), 200);

	auth_invalidate(a);
	assert_int_equal(auth_token(a, tok2, sizeof tok2, err, sizeof err), 0);
	assert_string_not_equal(tok1, tok2);
	assert_int_equal(token_requests(&sim, &cfg) - before, 2);

	/* auth_reject of a token no longer cached changes nothing */
	auth_reject(a, tok1);
	assert_int_equal(auth_token(a, tok1, sizeof tok1, err, sizeof err), 0);
	assert_int_equal(auth_fetch_count(a), 2);
	auth_reject(a, tok1);
	assert_int_equal(auth_token(a, tok1, sizeof tok1, err, sizeof err), 0);
	assert_int_equal(auth_fetch_count(a), 3);
	auth_free(a);
}

static void test_secret_wrong(void **state)
{
	static const char wrong[] = "Not-The-Secret~8472";
	struct config_azure *az = malloc(sizeof *az);
	char err[512] = "", tok[ARM_TOKEN_MAX];
	struct auth *a;

	assert_non_null(az);
	memcpy(az, &cfg.azure, sizeof *az);
	assert_int_equal(secret_parse(&az->client_secret, wrong, err, sizeof err), 0);
	a = auth_new(az, 5000, err, sizeof err);
	secret_clear(&az->client_secret);
	free(az);
	assert_non_null(a);
	assert_int_equal(auth_token(a, tok, sizeof tok, err, sizeof err), -1);
	assert_non_null(strstr(err, "token request failed: invalid_client: AADSTS7000215: Invalid client secret provided"));
	assert_null(strstr(err, wrong));
	assert_null(strstr(err, "8472"));
	auth_free(a);
}

/* Several threads want a token at once: one request serves them. */
struct racer {
	struct auth *a;
	int rc;
	char tok[ARM_TOKEN_MAX];
};

static void *race(void *arg)
{
	struct racer *r = arg;
	char err[256];

	r->rc = auth_token(r->a, r->tok, sizeof r->tok, err, sizeof err);
	return NULL;
}

static void test_threads_share_one_fetch(void **state)
{
	char err[512] = "";
	struct auth *a = auth_new(&cfg.azure, 5000, err, sizeof err);
	struct racer *r = calloc(8, sizeof *r);
	pthread_t t[8];

	assert_non_null(a);
	assert_non_null(r);
	simproc_fault(&sim, "{\"kind\":\"latency\",\"ms\":200}");
	for (int i = 0; i < 8; i++) {
		r[i].a = a;
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].rc, 0);
		assert_string_equal(r[i].tok, r[0].tok);
	}
	assert_int_equal(auth_fetch_count(a), 1);
	free(r);
	auth_free(a);
}

/* A token with under five minutes left is fetched again. */
static void test_refresh_before_expiry(void **state)
{
	char scn[128], line[1024], err[512] = "", tok[ARM_TOKEN_MAX];
	FILE *in = fopen(SCENARIOS "/demo.scn", "r"), *out;
	struct simproc sp;
	struct ssisdr_config c2;
	struct auth *a;

	snprintf(scn, sizeof scn, "%s/short-tokens.scn", tmpdir);
	assert_non_null(in);
	out = fopen(scn, "w");
	assert_non_null(out);
	while (fgets(line, sizeof line, in)) {
		fputs(line, out);
		if (!strncmp(line, "[scenario]", 10))
			fputs("token_lifetime = 120s\n", out);
	}
	fclose(in);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(simproc_start(&sp, scn, 60, NULL), 0);
	if (config_load(sp.conf, &c2, err, sizeof err)) {
		simproc_stop(&sp);
		fail_msg("config_load: %s", err);
	}
	a = auth_new(&c2.azure, 5000, err, sizeof err);
	assert_non_null(a);
	assert_int_equal(auth_token(a, tok, sizeof tok, err, sizeof err), 0);
	assert_int_equal(auth_token(a, tok, sizeof tok, err, sizeof err), 0);
	assert_int_equal(auth_fetch_count(a), 2);
	assert_int_equal(token_requests(&sp, &c2), 2);
	auth_free(a);
	config_free(&c2);
	simproc_stop(&sp);
}

/* ---- managed identity ----------------------------------------------- */

static struct auth *mi_auth(long timeout_ms)
{
	struct config_azure *az = malloc(sizeof *az);
	char err[512] = "";
	struct auth *a;

	assert_non_null(az);
	memcpy(az, &cfg.azure, sizeof *az);
	az->auth = CONFIG_AUTH_MANAGED_IDENTITY;
	secret_clear(&az->client_secret);
	az->tenant_id[0] = '\0';
	snprintf(az->client_id, sizeof az->client_id, "11111111-2222-3333-4444-555555555555");
	a = auth_new(az, timeout_ms, err, sizeof err);
	free(az);
	if (!a)
		fail_msg("auth_new: %s", err);
	return a;
}

static void test_managed_identity(void **state)
{
	char err[512] = "", tok[ARM_TOKEN_MAX];
	struct auth *a;
	int before = count_requests(&sim, "GET", "/metadata/identity/oauth2/token");

	setenv("IMDS_ENDPOINT", sim.url, 1);
	a = mi_auth(5000);
	if (auth_token(a, tok, sizeof tok, err, sizeof err))
		fail_msg("auth_token: %s", err);
	assert_int_equal(count_requests(&sim, "GET", "/metadata/identity/oauth2/token") - before, 1);
	assert_int_equal(arm_get_with(tok), 200);
	assert_int_equal(auth_token(a, tok, sizeof tok, err, sizeof err), 0);
	assert_int_equal(auth_fetch_count(a), 1);
	auth_free(a);
}

/* A stand-in IMDS on loopback that answers each connection with the next
 * canned answer and keeps what it was asked (the simulator's IMDS takes
 * no error faults, and logs no query strings). */
struct fake_imds {
	int fd;
	int port;
	const char *answers[4];
	int nanswers;
	char requests[4][2048];
	int nrequests;
	pthread_t thread;
};

static void *fake_imds_run(void *arg)
{
	struct fake_imds *f = arg;

	for (int i = 0; i < f->nanswers; i++) {
		struct pollfd p = { .fd = f->fd, .events = POLLIN };
		char *req = f->requests[i];
		size_t n = 0;
		int c;

		if (poll(&p, 1, 5000) <= 0)
			break;
		c = accept(f->fd, NULL, NULL);
		if (c < 0)
			break;
		while (n + 1 < sizeof f->requests[0] && !strstr(req, "\r\n\r\n")) {
			ssize_t r = read(c, req + n, sizeof f->requests[0] - 1 - n);

			if (r <= 0)
				break;
			n += (size_t)r;
			req[n] = '\0';
		}
		f->nrequests++;
		if (write(c, f->answers[i], strlen(f->answers[i])) < 0)
			perror("fake imds");
		close(c);
	}
	return NULL;
}

static void fake_imds_start(struct fake_imds *f)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sin;

	f->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(f->fd >= 0);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(f->fd, 4), 0);
	assert_int_equal(getsockname(f->fd, (struct sockaddr *)&sin, &len), 0);
	f->port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&f->thread, NULL, fake_imds_run, f), 0);
}

static void fake_imds_stop(struct fake_imds *f)
{
	pthread_join(f->thread, NULL);
	close(f->fd);
}

#define IMDS_500 "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n" \
		 "Content-Length: 61\r\nConnection: close\r\n\r\n" \
		 "{\"error\":\"unknown_error\",\"error_description\":\"IMDS is busy\"}\n"
#define IMDS_TOKEN_BODY "{\"access_token\":\"fake-imds-token\",\"refresh_token\":\"\"," \
			"\"expires_in\":\"3599\",\"expires_on\":\"1999999999\"," \
			"\"not_before\":\"1506480273\",\"resource\":\"https://management.azure.com/\"," \
			"\"token_type\":\"Bearer\"}"

/* IMDS answers 500 once: asked again after about two seconds, with the
 * Metadata header, the api-version, the resource and the client_id. */
static void test_managed_identity_retry(void **state)
{
	char err[512] = "", tok[ARM_TOKEN_MAX], url[64], ok[1024], expect[512];
	struct fake_imds f = { .nanswers = 2 };
	struct auth *a;
	double t0;

	snprintf(ok, sizeof ok,
		 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
		 "Connection: close\r\n\r\n%s", strlen(IMDS_TOKEN_BODY), IMDS_TOKEN_BODY);
	f.answers[0] = IMDS_500;
	f.answers[1] = ok;
	fake_imds_start(&f);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", f.port);
	setenv("IMDS_ENDPOINT", url, 1);
	a = mi_auth(5000);
	t0 = now_ms();
	if (auth_token(a, tok, sizeof tok, err, sizeof err))
		fail_msg("auth_token: %s", err);
	assert_true(now_ms() - t0 >= 2000);
	fake_imds_stop(&f);
	assert_string_equal(tok, "fake-imds-token");
	assert_int_equal(auth_fetch_count(a), 2);
	assert_int_equal(f.nrequests, 2);
	for (int i = 0; i < 2; i++) {
		/* resource = the scope without "/.default", URL-encoded */
		CURL *h = curl_easy_init();
		char *res = curl_easy_escape(h, cfg.azure.arm_endpoint, 0);

		snprintf(expect, sizeof expect,
			 "GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=%s"
			 "&client_id=11111111-2222-3333-4444-555555555555 HTTP/1.1\r\n", res);
		curl_free(res);
		curl_easy_cleanup(h);
		assert_true(!strncmp(f.requests[i], expect, strlen(expect)));
		assert_non_null(strstr(f.requests[i], "\r\nMetadata: true\r\n"));
		assert_null(strstr(f.requests[i], "Authorization"));
	}
	auth_free(a);
}

/* Other 4xx answers from IMDS are final: no retry. */
static void test_managed_identity_400(void **state)
{
	char err[512] = "", tok[ARM_TOKEN_MAX], url[64];
	static const char bad[] =
		"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
		"Content-Length: 82\r\nConnection: close\r\n\r\n"
		"{\"error\":\"invalid_request\",\"error_description\":\"Identity not found for this VM.\"}\n";
	struct fake_imds f = { .nanswers = 1 };
	struct auth *a;

	f.answers[0] = bad;
	fake_imds_start(&f);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", f.port);
	setenv("IMDS_ENDPOINT", url, 1);
	a = mi_auth(5000);
	assert_int_equal(auth_token(a, tok, sizeof tok, err, sizeof err), -1);
	fake_imds_stop(&f);
	assert_non_null(strstr(err, "token request failed: invalid_request: Identity not found"));
	assert_int_equal(auth_fetch_count(a), 1);
	auth_free(a);
}

/* No IMDS at all (not an Azure VM): one quick failure, no retries. */
static void test_managed_identity_unreachable(void **state)
{
	char err[512] = "", tok[ARM_TOKEN_MAX];
	struct auth *a;

	setenv("IMDS_ENDPOINT", "http://127.0.0.1:1", 1);
	a = mi_auth(2000);
	assert_int_equal(auth_token(a, tok, sizeof tok, err, sizeof err), -1);
	assert_non_null(strstr(err, "ConnectionFailed"));
	assert_non_null(strstr(err, "127.0.0.1:1"));
	assert_int_equal(auth_fetch_count(a), 1);
	auth_free(a);
}

/* ---- Azure CLI ------------------------------------------------------ */

static struct auth *cli_auth(long timeout_ms)
{
	struct config_azure *az = malloc(sizeof *az);
	char err[512] = "";
	struct auth *a;

	assert_non_null(az);
	memcpy(az, &cfg.azure, sizeof *az);
	az->auth = CONFIG_AUTH_AZURE_CLI;
	secret_clear(&az->client_secret);
	az->client_id[0] = '\0';
	a = auth_new(az, timeout_ms, err, sizeof err);
	free(az);
	if (!a)
		fail_msg("auth_new: %s", err);
	return a;
}

static void use_fixture_az(void)
{
	char path[sizeof saved_path + 256];

	snprintf(path, sizeof path, "%s:/usr/bin:/bin", AZ_DIR);
	setenv("PATH", path, 1);
}

static void test_cli_ok(void **state)
{
	char err[512] = "", tok[ARM_TOKEN_MAX], args_path[128], args[1024] = "", expect[512];
	struct auth *a;
	FILE *f;
	size_t n;

	use_fixture_az();
	snprintf(args_path, sizeof args_path, "%s/az-args", tmpdir);
	setenv("SSISDR_TEST_AZ_ARGS", args_path, 1);
	a = cli_auth(10000);
	if (auth_token(a, tok, sizeof tok, err, sizeof err))
		fail_msg("auth_token: %s", err);
	assert_true(!strncmp(tok, "fake-az-cli-token.", 18));
	assert_int_equal(auth_token(a, tok, sizeof tok, err, sizeof err), 0); /* cached */
	assert_int_equal(auth_fetch_count(a), 1);
	f = fopen(args_path, "r");
	assert_non_null(f);
	n = fread(args, 1, sizeof args - 1, f);
	args[n] = '\0';
	fclose(f);
	/* The resource is the scope without "/.default"; one argument a line. */
	snprintf(expect, sizeof expect,
		 "account\nget-access-token\n--resource\n%s\n--output\njson\n--tenant\n%s\n",
		 cfg.azure.arm_endpoint, cfg.azure.tenant_id);
	assert_string_equal(args, expect);
	auth_free(a);
}

static void test_cli_not_logged_in(void **state)
{
	char err[512] = "", tok[ARM_TOKEN_MAX];
	struct auth *a;

	use_fixture_az();
	setenv("SSISDR_TEST_AZ_MODE", "fail", 1);
	a = cli_auth(10000);
	assert_int_equal(auth_token(a, tok, sizeof tok, err, sizeof err), -1);
	assert_non_null(strstr(err, "exit 1"));
	assert_non_null(strstr(err, "Please run 'az login' to setup account."));
	auth_free(a);
}

/* Processes of group PGID that are not zombies (from /proc). */
static int live_members(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[300], buf[512], state;
		int pgrp;
		const char *rp;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		buf[0] = '\0';
		if (!fgets(buf, sizeof buf, f))
			buf[0] = '\0';
		fclose(f);
		/* pid (comm) state ppid pgrp ...; comm may hold spaces */
		rp = strrchr(buf, ')');
		if (rp && sscanf(rp + 1, " %c %*d %d", &state, &pgrp) == 2 && pgrp == pgid &&
		    state != 'Z')
			n++;
	}
	closedir(d);
	return n;
}

/* A hung az is killed (with whatever it started) and reaped. */
static void test_cli_timeout(void **state)
{
	char err[512] = "", tok[ARM_TOKEN_MAX], pid_path[128];
	struct auth *a;
	double t0;
	FILE *f;
	long pid = 0;

	use_fixture_az();
	setenv("SSISDR_TEST_AZ_MODE", "hang", 1);
	snprintf(pid_path, sizeof pid_path, "%s/az-pid", tmpdir);
	setenv("SSISDR_TEST_AZ_PID", pid_path, 1);
	a = cli_auth(700);
	t0 = now_ms();
	assert_int_equal(auth_token(a, tok, sizeof tok, err, sizeof err), -1);
	assert_true(now_ms() - t0 < 3000);
	assert_non_null(strstr(err, "did not finish within 700 ms"));
	f = fopen(pid_path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	assert_true(pid > 1);
	/* The script was reaped; its sleep, killed with the group, is an
	 * orphan that init reaps when it gets to it: no member still runs. */
	assert_int_equal(kill((pid_t)pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	for (int i = 0; i < 100 && live_members((pid_t)pid) > 0; i++)
		usleep(10000);
	assert_int_equal(live_members((pid_t)pid), 0);
	auth_free(a);
}

/* az answers and exits, but something it started keeps stdout open. */
static void test_cli_lingering_child(void **state)
{
	char err[512] = "", tok[ARM_TOKEN_MAX], pid_path[128];
	struct auth *a;
	double t0;
	FILE *f;
	long pid = 0;
	int rc;

	use_fixture_az();
	setenv("SSISDR_TEST_AZ_MODE", "linger", 1);
	snprintf(pid_path, sizeof pid_path, "%s/az-pid", tmpdir);
	setenv("SSISDR_TEST_AZ_PID", pid_path, 1);
	a = cli_auth(10000);
	t0 = now_ms();
	rc = auth_token(a, tok, sizeof tok, err, sizeof err);
	f = fopen(pid_path, "r");
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	if (pid > 1)
		kill(-(pid_t)pid, SIGKILL); /* the lingering sleep: leave nothing behind */
	if (rc)
		fail_msg("auth_token: %s", err);
	assert_true(now_ms() - t0 < 2000);
	assert_true(!strncmp(tok, "fake-az-cli-token.", 18));
	auth_free(a);
}

static void test_cli_missing(void **state)
{
	char err[512] = "", tok[ARM_TOKEN_MAX];
	struct auth *a;

	setenv("PATH", "/nonexistent-dir", 1);
	a = cli_auth(2000);
	assert_int_equal(auth_token(a, tok, sizeof tok, err, sizeof err), -1);
	assert_non_null(strstr(err, "not found on PATH"));
	auth_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_secret_cached, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_secret_wrong, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_threads_share_one_fetch, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_refresh_before_expiry, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_managed_identity, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_managed_identity_retry, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_managed_identity_400, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_managed_identity_unreachable, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_cli_ok, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_cli_not_logged_in, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_cli_timeout, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_cli_lingering_child, reset_env, reset_env),
		cmocka_unit_test_setup_teardown(test_cli_missing, reset_env, reset_env),
	};

	return cmocka_run_group_tests_name("auth", tests, group_setup, group_teardown);
}
