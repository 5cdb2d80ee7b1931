/* Entra ID access tokens: client secret, managed identity (IMDS) and the
 * Azure CLI. See core/auth.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* explicit_bzero, pipe2, close_range */
#endif

#include "core/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/arm_parse.h"
#include "core/http.h"
#include "core/secret.h"
#include "core/util.h"

#define CLI_MAX_STDOUT (64 * 1024)
#define CLI_MAX_STDERR 4096
#define CLI_DRAIN_MS 200 /* output still read after az exits */
#define IMDS_TRIES 5
#define SECRET_TRIES 3

struct auth {
	pthread_mutex_t mu;
	enum config_auth method;
	char authority[CONFIG_URL_MAX];
	char tenant[128];
	char client_id[CONFIG_NAME_MAX];
	char scope[CONFIG_URL_MAX + 16];
	char resource[CONFIG_URL_MAX + 16]; /* the scope without "/.default" */
	char secret[SECRET_MAX + 1];
	size_t secret_len;
	long timeout_ms;
	struct arm_token token;   /* valid when have_token */
	bool have_token;
	unsigned long fetches;
	struct http_exchange x;   /* kept, so its connection is reused */
};

/* ---- small helpers -------------------------------------------------- */

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (ms > 0 && nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Printable ASCII on one line, trimmed. */
static void one_line(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t n = 0;
	bool space = false;

	for (size_t i = 0; i < len && n + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < dstlen)
			dst[n++] = ' ';
		space = false;
		dst[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[n] = '\0';
}

/* ---- life cycle ----------------------------------------------------- */

struct auth *auth_new(const struct config_azure *az, long timeout_ms, char *err, size_t errlen)
{
	struct auth *a;
	size_t n;

	if (!az) {
		errf(err, errlen, "internal error: no [azure] settings");
		return NULL;
	}
	if (http_global_init(err, errlen))
		return NULL;
	if (az->auth == CONFIG_AUTH_CLIENT_SECRET &&
	    (!az->tenant_id[0] || !az->client_id[0] || !secret_length(&az->client_secret))) {
		errf(err, errlen, "auth = client-secret needs tenant_id, client_id and client_secret");
		return NULL;
	}
	if (!az->scope[0]) {
		errf(err, errlen, "internal error: no token scope in the [azure] settings");
		return NULL;
	}
	a = calloc(1, sizeof *a);
	if (!a) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	if (pthread_mutex_init(&a->mu, NULL)) {
		free(a);
		errf(err, errlen, "cannot create a mutex");
		return NULL;
	}
	a->method = az->auth;
	str_copy(a->authority, az->authority, sizeof a->authority);
	n = strlen(a->authority);
	while (n && a->authority[n - 1] == '/')
		a->authority[--n] = '\0';
	str_copy(a->tenant, az->tenant_id, sizeof a->tenant);
	str_copy(a->client_id, az->client_id, sizeof a->client_id);
	str_copy(a->scope, az->scope, sizeof a->scope);
	str_copy(a->resource, az->scope, sizeof a->resource);
	n = strlen(a->resource);
	if (n > 9 && !strcmp(a->resource + n - 9, "/.default"))
		a->resource[n - 9] = '\0';
	if (az->auth == CONFIG_AUTH_CLIENT_SECRET) {
		a->secret_len = secret_length(&az->client_secret);
		if (a->secret_len >= sizeof a->secret)
			a->secret_len = sizeof a->secret - 1;
		memcpy(a->secret, secret_value(&az->client_secret), a->secret_len);
		a->secret[a->secret_len] = '\0';
	}
	a->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
	a->x.sensitive = true;
	return a;
}

void auth_free(struct auth *a)
{
	if (!a)
		return;
	http_exchange_free(&a->x);
	arm_token_clear(&a->token);
	explicit_bzero(a->secret, sizeof a->secret);
	pthread_mutex_destroy(&a->mu);
	explicit_bzero(a, sizeof *a);
	free(a);
}

void auth_invalidate(struct auth *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->have_token = false;
	arm_token_clear(&a->token);
	pthread_mutex_unlock(&a->mu);
}

void auth_reject(struct auth *a, const char *token)
{
	if (!a || !token)
		return;
	pthread_mutex_lock(&a->mu);
	if (a->have_token && !strcmp(a->token.access_token, token)) {
		a->have_token = false;
		arm_token_clear(&a->token);
	}
	pthread_mutex_unlock(&a->mu);
}

unsigned long auth_fetch_count(struct auth *a)
{
	unsigned long n;

	pthread_mutex_lock(&a->mu);
	n = a->fetches;
	pthread_mutex_unlock(&a->mu);
	return n;
}

/* ---- HTTP token sources --------------------------------------------- */

/* One HTTP token request. 0 with the token, or -1 and a message; then
 * *retry says whether another try may help (a transient transport error
 * or status, as `retriable` judges it) and *retry_ms is the server's
 * Retry-After or -1. */
static int http_token(struct auth *a, const struct http_request *rq, enum arm_token_source src,
		      bool (*retriable)(long status, CURLcode rc), struct arm_token *out,
		      bool *retry, long *retry_ms, char *err, size_t errlen)
{
	char code[64], msg[400];
	CURLcode rc;
	long status;
	int ret = -1;

	*retry = false;
	*retry_ms = -1;
	if (http_exchange_prepare(&a->x, rq, err, errlen))
		return -1;
	a->fetches++;
	rc = http_exchange_perform(&a->x);
	if (rc != CURLE_OK) {
		http_transport_error(&a->x, rc, code, sizeof code, msg, sizeof msg);
		errf(err, errlen, "token request failed: %s: %s", code, msg);
		*retry = retriable(0, rc);
		goto out;
	}
	status = http_exchange_status(&a->x);
	if (status == 200) {
		char perr[256];

		if (arm_parse_token(src, a->x.body, a->x.body_len, time(NULL), out, perr,
				    sizeof perr)) {
			errf(err, errlen, "token response unreadable: %s", perr);
			goto out;
		}
		ret = 0;
		goto out;
	}
	{
		struct arm_entra_error ee;

		if (!arm_parse_entra_error(a->x.body, a->x.body_len, &ee, NULL, 0)) {
			errf(err, errlen, "token request failed: %s: %s", ee.error,
			     ee.description[0] ? ee.description : "(no description)");
		} else {
			struct arm_error ae;

			arm_error_from_http(status, a->x.body, a->x.body_len, &ae);
			if (ae.code[0])
				errf(err, errlen, "token request failed: HTTP %ld: %s: %s", status,
				     ae.code, ae.message);
			else
				errf(err, errlen, "token request failed: %s", ae.message);
		}
	}
	*retry = retriable(status, CURLE_OK);
	*retry_ms = a->x.resp.retry_after_ms;
out:
	http_exchange_reset(&a->x);
	return ret;
}

/* Entra ID: transient transport errors, 429 and 5xx. */
static bool secret_retriable(long status, CURLcode rc)
{
	return status ? http_status_transient(status) : http_curl_transient(rc);
}

/* IMDS: 404, 410 (being updated), 429 and 5xx, as its guidance says. A
 * connection failure means no IMDS here (not an Azure VM): no retry. */
static bool imds_retriable(long status, CURLcode rc)
{
	return status == 404 || status == 410 || status == 429 || status >= 500;
}

static int fetch_client_secret(struct auth *a, struct arm_token *out, char *err, size_t errlen)
{
	char url[CONFIG_URL_MAX + 200];
	char *e_id = NULL, *e_secret = NULL, *e_scope = NULL, *form = NULL;
	size_t form_len = 0;
	int rc = -1;

	if (!a->x.easy && !(a->x.easy = curl_easy_init()))
		return errf(err, errlen, "out of memory");
	snprintf(url, sizeof url, "%s/%s/oauth2/v2.0/token", a->authority, a->tenant);
	e_id = curl_easy_escape(a->x.easy, a->client_id, 0);
	e_secret = curl_easy_escape(a->x.easy, a->secret, (int)a->secret_len);
	e_scope = curl_easy_escape(a->x.easy, a->scope, 0);
	if (!e_id || !e_secret || !e_scope) {
		errf(err, errlen, "out of memory");
		goto out;
	}
	form_len = strlen(e_id) + strlen(e_secret) + strlen(e_scope) + 100;
	form = malloc(form_len);
	if (!form) {
		errf(err, errlen, "out of memory");
		goto out;
	}
	snprintf(form, form_len, "grant_type=client_credentials&client_id=%s&client_secret=%s&scope=%s",
		 e_id, e_secret, e_scope);
	for (int attempt = 1;; attempt++) {
		struct http_request rq = {
			.method = "POST", .url = url, .body = form, .body_len = strlen(form),
			.content_type = "application/x-www-form-urlencoded",
			.user_agent = "ssisdr", .timeout_ms = a->timeout_ms,
		};
		const char *const hdrs[] = { "Accept: application/json", NULL };
		long retry_ms, wait = 500L * attempt;
		bool retry;

		rq.headers = hdrs;
		rc = http_token(a, &rq, ARM_TOKEN_CLIENT_CREDENTIALS, secret_retriable, out, &retry,
				&retry_ms, err, errlen);
		if (rc == 0 || !retry || attempt == SECRET_TRIES || retry_ms > 5000)
			break;
		sleep_ms(retry_ms > wait ? retry_ms : wait);
	}
out:
	if (e_secret) {
		explicit_bzero(e_secret, strlen(e_secret));
		curl_free(e_secret);
	}
	curl_free(e_id);
	curl_free(e_scope);
	if (form) {
		explicit_bzero(form, form_len);
		free(form);
	}
	return rc;
}

static int fetch_imds(struct auth *a, struct arm_token *out, char *err, size_t errlen)
{
	static const long backoff_ms[IMDS_TRIES] = { 0, 2000, 4000, 8000, 16000 };
	const char *base = getenv("IMDS_ENDPOINT");
	char *e_res = NULL, *e_id = NULL, *url = NULL;
	size_t base_len, url_len;
	int rc = -1;

	if (!base || !*base)
		base = AUTH_IMDS_DEFAULT;
	if (!http_url_is_absolute(base))
		return errf(err, errlen, "IMDS_ENDPOINT must be an http:// or https:// URL");
	base_len = strlen(base);
	while (base_len && base[base_len - 1] == '/')
		base_len--;
	if (!a->x.easy && !(a->x.easy = curl_easy_init()))
		return errf(err, errlen, "out of memory");
	e_res = curl_easy_escape(a->x.easy, a->resource, 0);
	e_id = a->client_id[0] ? curl_easy_escape(a->x.easy, a->client_id, 0) : NULL;
	url_len = base_len + strlen(e_res ? e_res : "") + strlen(e_id ? e_id : "") + 120;
	url = malloc(url_len);
	if (!e_res || (a->client_id[0] && !e_id) || !url) {
		errf(err, errlen, "out of memory");
		goto out;
	}
	snprintf(url, url_len,
		 "%.*s/metadata/identity/oauth2/token?api-version=2018-02-01&resource=%s%s%s",
		 (int)base_len, base, e_res, e_id ? "&client_id=" : "", e_id ? e_id : "");
	for (int attempt = 0; attempt < IMDS_TRIES; attempt++) {
		struct http_request rq = {
			.method = "GET", .url = url, .user_agent = "ssisdr",
			.timeout_ms = a->timeout_ms, .no_proxy = true,
		};
		const char *const hdrs[] = { "Metadata: true", "Accept: application/json", NULL };
		long retry_ms, wait;
		bool retry;

		rq.headers = hdrs;
		rc = http_token(a, &rq, ARM_TOKEN_IMDS, imds_retriable, out, &retry, &retry_ms, err,
				errlen);
		if (rc == 0 || !retry || attempt + 1 == IMDS_TRIES)
			break;
		wait = backoff_ms[attempt + 1];
		if (retry_ms > wait)
			wait = retry_ms > 60000 ? 60000 : retry_ms;
		sleep_ms(wait);
	}
out:
	curl_free(e_res);
	curl_free(e_id);
	free(url);
	return rc;
}

/* ---- Azure CLI -------------------------------------------------------- */

static int find_on_path(const char *name, char *out, size_t outlen)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n > 0 && n + strlen(name) + 2 <= outlen) {
			snprintf(out, outlen, "%.*s/%s", (int)n, path, name);
			if (access(out, X_OK) == 0)
				return 0;
		}
		path += n;
		if (*path == ':')
			path++;
	}
	return -1;
}

struct sink {
	char *buf;
	size_t len, cap;
	int fd;
};

static void sink_read(struct sink *s)
{
	char scratch[4096];
	ssize_t r;

	if (s->len + 1 < s->cap) {
		r = read(s->fd, s->buf + s->len, s->cap - 1 - s->len);
		if (r > 0) {
			s->len += (size_t)r;
			s->buf[s->len] = '\0';
		}
	} else {
		r = read(s->fd, scratch, sizeof scratch); /* over the cap: drop */
		explicit_bzero(scratch, sizeof scratch);
	}
	if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
		close(s->fd);
		s->fd = -1;
	}
}

static void kill_and_reap(pid_t pid)
{
	int status;

	kill(-pid, SIGKILL); /* the whole group: az is a script that starts python */
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/* Run argv[0] (an absolute path) with stdin from /dev/null, collecting
 * stdout and stderr, for at most timeout_ms. Returns the wait status,
 * -2 on timeout, -1 when it could not be started. */
static int run_captured(char *const argv[], long timeout_ms, struct sink *out, struct sink *errs,
			char *err, size_t errlen)
{
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, devnull;
	long deadline = mono_ms() + timeout_ms, exited_at = 0;
	bool exited = false;
	int status = 0;
	pid_t pid;

	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 || pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) {
		errf(err, errlen, "cannot run az: %s", strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		errf(err, errlen, "cannot run az: fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		/* The child: async-signal-safe calls only. */
		setpgid(0, 0);
		if (dup2(devnull, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(126);
#ifdef SYS_close_range
		syscall(SYS_close_range, 3U, ~0U, 0U);
#endif
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(po[1]);
	close(pe[1]);
	close(devnull);
	out->fd = po[0];
	errs->fd = pe[0];
	/* Read both pipes until the child has exited and they are drained. A
	 * process it left behind (az may start one for telemetry) can keep
	 * them open: after the exit, give the output a moment, no more. */
	for (;;) {
		struct pollfd p[2] = { { .fd = out->fd, .events = POLLIN },
				       { .fd = errs->fd, .events = POLLIN } };
		long now = mono_ms();
		int r;

		if (!exited) {
			pid_t w = waitpid(pid, &status, WNOHANG);

			if (w == pid || (w < 0 && errno == ECHILD)) {
				if (w < 0)
					status = 0; /* SIGCHLD ignored elsewhere: take the output */
				exited = true;
				exited_at = now;
			}
		}
		if (exited && ((out->fd < 0 && errs->fd < 0) || now - exited_at > CLI_DRAIN_MS))
			break;
		if (now >= deadline) {
			if (!exited)
				kill_and_reap(pid);
			status = exited ? status : -2;
			break;
		}
		r = poll(p, 2, exited ? 10 : 20);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		if (out->fd >= 0 && p[0].revents)
			sink_read(out);
		if (errs->fd >= 0 && p[1].revents)
			sink_read(errs);
	}
	if (out->fd >= 0)
		close(out->fd);
	if (errs->fd >= 0)
		close(errs->fd);
	out->fd = errs->fd = -1;
	return status;
fail:
	if (devnull >= 0)
		close(devnull);
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	return -1;
}

static int fetch_cli(struct auth *a, struct arm_token *out, char *err, size_t errlen)
{
	char path[4096], text[300];
	char *argv[12];
	int argc = 0, status, rc = -1;
	struct sink so = { .fd = -1, .cap = CLI_MAX_STDOUT }, se = { .fd = -1, .cap = CLI_MAX_STDERR };

	if (find_on_path("az", path, sizeof path))
		return errf(err, errlen,
			    "auth = azure-cli: the az command was not found on PATH; install the Azure CLI or choose another auth");
	argv[argc++] = path;
	argv[argc++] = (char *)"account";
	argv[argc++] = (char *)"get-access-token";
	argv[argc++] = (char *)"--resource";
	argv[argc++] = a->resource;
	argv[argc++] = (char *)"--output";
	argv[argc++] = (char *)"json";
	if (a->tenant[0]) {
		argv[argc++] = (char *)"--tenant";
		argv[argc++] = a->tenant;
	}
	argv[argc] = NULL;
	so.buf = malloc(so.cap);
	se.buf = malloc(se.cap);
	if (!so.buf || !se.buf) {
		errf(err, errlen, "out of memory");
		goto out;
	}
	so.buf[0] = se.buf[0] = '\0';
	a->fetches++;
	status = run_captured(argv, a->timeout_ms, &so, &se, err, errlen);
	if (status == -1)
		goto out;
	if (status == -2) {
		errf(err, errlen,
		     "az account get-access-token did not finish within %ld ms and was stopped",
		     a->timeout_ms);
		goto out;
	}
	if (WIFSIGNALED(status)) {
		errf(err, errlen, "az account get-access-token was killed by signal %d",
		     WTERMSIG(status));
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		one_line(text, sizeof text, se.buf, se.len);
		if (WEXITSTATUS(status) == 127 && !text[0])
			errf(err, errlen, "az could not be started (%s)", path);
		else
			errf(err, errlen, "az account get-access-token failed (exit %d): %s",
			     WEXITSTATUS(status), text[0] ? text : "(nothing on stderr)");
		goto out;
	}
	{
		char perr[256];

		if (arm_parse_token(ARM_TOKEN_AZ_CLI, so.buf, so.len, time(NULL), out, perr,
				    sizeof perr)) {
			errf(err, errlen, "az account get-access-token printed no usable token: %s",
			     perr);
			goto out;
		}
	}
	rc = 0;
out:
	if (so.buf) {
		explicit_bzero(so.buf, so.cap);
		free(so.buf);
	}
	free(se.buf);
	return rc;
}

/* ---- the cache ------------------------------------------------------ */

static int fetch(struct auth *a, struct arm_token *out, char *err, size_t errlen)
{
	switch (a->method) {
	case CONFIG_AUTH_CLIENT_SECRET:
		return fetch_client_secret(a, out, err, errlen);
	case CONFIG_AUTH_MANAGED_IDENTITY:
		return fetch_imds(a, out, err, errlen);
	case CONFIG_AUTH_AZURE_CLI:
		return fetch_cli(a, out, err, errlen);
	}
	return errf(err, errlen, "internal error: unknown auth method %d", (int)a->method);
}

static int copy_out(const struct arm_token *t, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t n = strlen(t->access_token);

	if (!out || n >= outlen)
		return errf(err, errlen, "internal error: the token (%zu bytes) does not fit", n);
	memcpy(out, t->access_token, n + 1);
	return 0;
}

int auth_token(struct auth *a, char *out, size_t outlen, char *err, size_t errlen)
{
	struct arm_token *fresh;
	time_t now;
	int rc;

	if (!a)
		return errf(err, errlen, "internal error: no token source");
	pthread_mutex_lock(&a->mu);
	now = time(NULL);
	if (a->have_token && a->token.expires_at - now > AUTH_REFRESH_MARGIN_S) {
		rc = copy_out(&a->token, out, outlen, err, errlen);
		pthread_mutex_unlock(&a->mu);
		return rc;
	}
	fresh = malloc(sizeof *fresh);
	if (!fresh) {
		pthread_mutex_unlock(&a->mu);
		return errf(err, errlen, "out of memory");
	}
	memset(fresh, 0, sizeof *fresh);
	rc = fetch(a, fresh, err, errlen);
	if (rc == 0) {
		arm_token_clear(&a->token);
		memcpy(&a->token, fresh, sizeof *fresh);
		a->have_token = true;
		rc = copy_out(&a->token, out, outlen, err, errlen);
	} else if (a->have_token && a->token.expires_at - time(NULL) > 30) {
		/* The refresh failed but the old token still works for a while. */
		rc = copy_out(&a->token, out, outlen, err, errlen);
	}
	arm_token_clear(fresh);
	free(fresh);
	pthread_mutex_unlock(&a->mu);
	return rc;
}
