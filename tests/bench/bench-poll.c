/* Runs poll cycles against whatever a config points at and prints, per
 * cycle, the wall time, the CPU time and the ARM requests made, then the
 * process's peak RSS. A benchmark, not a test: it asserts nothing. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "core/auth.h"
#include "core/config.h"
#include "core/poller.h"

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct ssisdr_config cfg;
	struct auth *auth;
	struct poller *p;
	struct rusage ru;
	char err[1024];
	int cycles = argc > 2 ? atoi(argv[2]) : 5;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-poll CONFIG [CYCLES]\n");
		return 2;
	}
	if (config_load(argv[1], &cfg, err, sizeof(err))) {
		fprintf(stderr, "bench-poll: %s\n", err);
		return 1;
	}
	auth = auth_new(&cfg.azure, cfg.console.request_timeout * 1000, err, sizeof(err));
	p = auth ? poller_new(&cfg, auth, err, sizeof(err)) : NULL;
	if (!p) {
		fprintf(stderr, "bench-poll: %s\n", err);
		return 1;
	}
	printf("cycle\twall_ms\tcpu_ms\tarm_requests\tarm_failures\tsql_failures\n");
	for (int i = 1; i <= cycles; i++) {
		double t0 = mono(), c0 = cpu_seconds();
		struct snapshot *s;

		poller_cycle(p);
		s = poller_snapshot(p);
		printf("%d\t%.1f\t%.1f\t%u\t%u\t%u\n", i, (mono() - t0) * 1000, (cpu_seconds() - c0) * 1000,
		       s ? s->arm_requests : 0, s ? s->arm_failures : 0, s ? s->sql_failures : 0);
		snap_unref(s);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("peak_rss_kib\t%ld\n", ru.ru_maxrss);
	poller_free(p);
	auth_free(auth);
	config_free(&cfg);
	return 0;
}
