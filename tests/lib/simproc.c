#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "simproc.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *sim_binary(void)
{
	static char path[1024];
	const char *top = getenv("SSISDR_TOP_BUILDDIR");

	snprintf(path, sizeof(path), "%s/sim/ssisdr-sim", top ? top : ".");
	return path;
}

static int read_ready_line(int fd, char *line, size_t len, int timeout_ms)
{
	size_t n = 0;

	while (n + 1 < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		r = read(fd, line + n, 1);
		if (r <= 0)
			return -1;
		if (line[n] == '\n') {
			line[n] = '\0';
			return 0;
		}
		n++;
	}
	return -1;
}

int simproc_start(struct simproc *sp, const char *scenario, double time_scale, const char *const *extra)
{
	char scale[32], line[256];
	const char *argv[32];
	int out[2], argc = 0;
	posix_spawn_file_actions_t fa;

	memset(sp, 0, sizeof(*sp));
	snprintf(sp->dir, sizeof(sp->dir), "/tmp/ssisdr-test-XXXXXX");
	if (!mkdtemp(sp->dir))
		return -1;
	snprintf(sp->conf, sizeof(sp->conf), "%s/ssisdr.conf", sp->dir);
	snprintf(scale, sizeof(scale), "%g", time_scale);
	argv[argc++] = sim_binary();
	argv[argc++] = "--scenario";
	argv[argc++] = scenario;
	argv[argc++] = "--listen";
	argv[argc++] = "127.0.0.1:0";
	argv[argc++] = "--dir";
	argv[argc++] = sp->dir;
	argv[argc++] = "--time-scale";
	argv[argc++] = scale;
	for (int i = 0; extra && extra[i] && argc < 31; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	if (pipe2(out, O_CLOEXEC))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	if (posix_spawn(&sp->pid, argv[0], &fa, NULL, (char *const *)argv, environ)) {
		posix_spawn_file_actions_destroy(&fa);
		close(out[0]);
		close(out[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (read_ready_line(out[0], line, sizeof(line), 10000) ||
	    sscanf(line, "ssisdr-sim ready %127s", sp->url) != 1) {
		close(out[0]);
		simproc_stop(sp);
		return -1;
	}
	close(out[0]);
	return 0;
}

void simproc_stop(struct simproc *sp)
{
	char cmd[300];

	if (sp->pid > 0) {
		int status;

		kill(sp->pid, SIGTERM);
		for (int i = 0; i < 50; i++) {
			if (waitpid(sp->pid, &status, WNOHANG) == sp->pid) {
				sp->pid = 0;
				break;
			}
			usleep(100000);
		}
		if (sp->pid > 0) {
			kill(sp->pid, SIGKILL);
			waitpid(sp->pid, &status, 0);
			sp->pid = 0;
		}
	}
	if (sp->dir[0] && !strncmp(sp->dir, "/tmp/ssisdr-test-", 17)) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sp->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "simproc: could not remove %s\n", sp->dir);
		sp->dir[0] = '\0';
	}
}

struct buf {
	char *p;
	size_t n;
};

static size_t collect(char *data, size_t size, size_t nmemb, void *user)
{
	struct buf *b = user;
	char *p = realloc(b->p, b->n + size * nmemb + 1);

	if (!p)
		return 0;
	memcpy(p + b->n, data, size * nmemb);
	b->n += size * nmemb;
	p[b->n] = '\0';
	b->p = p;
	return size * nmemb;
}

int simproc_control(struct simproc *sp, const char *method, const char *path, const char *body, char **out)
{
	CURL *c = curl_easy_init();
	char url[512];
	struct buf b = { 0 };
	long status = -1;

	if (!c)
		return -1;
	snprintf(url, sizeof(url), "%s%s", sp->url, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (out)
		*out = b.p;
	else
		free(b.p);
	return (int)status;
}

int simproc_fault(struct simproc *sp, const char *json)
{
	return simproc_control(sp, "POST", "/_sim/fault", json, NULL) == 201 ? 0 : -1;
}

int simproc_clear(struct simproc *sp)
{
	return simproc_control(sp, "DELETE", "/_sim/fault", NULL, NULL) == 204 ? 0 : -1;
}

int simproc_advance(struct simproc *sp, double seconds)
{
	char body[64];

	snprintf(body, sizeof(body), "{\"advance\": %g}", seconds);
	return simproc_control(sp, "POST", "/_sim/clock", body, NULL) == 200 ? 0 : -1;
}
