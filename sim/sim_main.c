/* ssisdr-sim: plays both regions of an Azure-SSIS dual standby pair on
 * loopback, for tests and for `ssisdr --demo`. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/sim_db.h"
#include "sim/sim_http.h"
#include "sim/sim_scenario.h"
#include "sim/sim_world.h"

struct options {
	const char *scenario;
	const char *dir;
	char host[64];
	int port;
	double scale;
	int pairs;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ssisdr-sim --scenario NAME|FILE --dir DIR [--listen 127.0.0.1:PORT]\n"
		"                  [--time-scale N] [--pairs N]\n"
		"Plays Azure (ARM and the Entra ID token endpoint) for both regions of an\n"
		"Azure-SSIS dual standby pair on loopback; each site's SSISDB (and msdb) is a\n"
		"SQLite file in DIR, read through the SQLite ODBC driver.\n\n"
		"  --scenario NAME|FILE  demo, mi, vnet, split-brain, ... or a scenario file\n"
		"  --dir DIR             where the SQLite files and ssisdr.conf are written\n"
		"  --listen ADDR:PORT    loopback address; port 0 picks a free one (default 127.0.0.1:0)\n"
		"  --time-scale N        virtual seconds per real second (default 1; 60 makes a\n"
		"                        5-minute IR start take 5 s)\n"
		"  --pairs N             serve the scenario's pair N times over (default 1)\n\n"
		"When ready it prints one line: ssisdr-sim ready http://127.0.0.1:PORT\n"
		"Control endpoint: GET /_sim/state, POST|DELETE|GET /_sim/fault, POST /_sim/clock,\n"
		"GET /_sim/requests. See ssisdr-sim(1).\n");
}

static int parse_listen(const char *arg, struct options *o)
{
	const char *colon = strrchr(arg, ':');
	char *end;
	long port;

	if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof(o->host))
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		return -1;
	memcpy(o->host, arg, (size_t)(colon - arg));
	o->host[colon - arg] = '\0';
	o->port = (int)port;
	return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "dir", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "time-scale", required_argument, NULL, 't' },
		{ "pairs", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->scenario = optarg; break;
		case 'd': o->dir = optarg; break;
		case 'l':
			if (parse_listen(optarg, o)) {
				fprintf(stderr, "ssisdr-sim: --listen takes ADDR:PORT, e.g. 127.0.0.1:0\n");
				return 2;
			}
			break;
		case 't':
			o->scale = strtod(optarg, &end);
			if (*end || o->scale <= 0 || o->scale > 100000) {
				fprintf(stderr, "ssisdr-sim: --time-scale takes a number above 0 (up to 100000)\n");
				return 2;
			}
			break;
		case 'p':
			o->pairs = (int)strtol(optarg, &end, 10);
			if (*end || o->pairs < 1 || o->pairs > 200) {
				fprintf(stderr, "ssisdr-sim: --pairs takes a number from 1 to 200\n");
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("ssisdr-sim %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || !o->scenario || !o->dir) {
		fprintf(stderr, "ssisdr-sim: %s\n", optind < argc ? "unexpected argument" : "--scenario and --dir are required");
		usage(stderr);
		return 2;
	}
	return -1;
}

static int prepare_dir(const char *dir, char *out, size_t outlen)
{
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "ssisdr-sim: --dir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (!realpath(dir, out) || strlen(out) >= outlen) {
		fprintf(stderr, "ssisdr-sim: --dir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int load(struct sim_world *w, const struct options *o)
{
	char path[SIM_PATH_MAX], err[1024];
	const char *base;

	if (sim_scenario_find(o->scenario, path, sizeof(path), err, sizeof(err)) ||
	    sim_scenario_load(w, path, err, sizeof(err)) ||
	    sim_world_replicate(w, o->pairs, err, sizeof(err)) ||
	    sim_world_finish(w, err, sizeof(err))) {
		fprintf(stderr, "ssisdr-sim: %s\n", err);
		return -1;
	}
	base = strrchr(path, '/');
	snprintf(w->scenario, sizeof(w->scenario), "%s", base ? base + 1 : path);
	if (strlen(w->scenario) > 4 && !strcmp(w->scenario + strlen(w->scenario) - 4, ".scn"))
		w->scenario[strlen(w->scenario) - 4] = '\0';
	return 0;
}

/* The main thread is the ticker: it advances the state machines and
 * rewrites the replication rows, and waits for SIGINT or SIGTERM. */
static void run(struct sim_world *w, const sigset_t *stop)
{
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 200 * 1000000L };

	for (;;) {
		int sig = sigtimedwait(stop, NULL, &tick);

		if (sig == SIGINT || sig == SIGTERM)
			return;
		pthread_mutex_lock(&w->lock);
		sim_world_tick_locked(w);
		for (int p = 0; p < w->npairs; p++)
			sim_db_sync_links_locked(w, p);
		pthread_mutex_unlock(&w->lock);
	}
}

int main(int argc, char **argv)
{
	struct options o = { .host = "127.0.0.1", .scale = 1, .pairs = 1 };
	struct sim_world w;
	sigset_t stop;
	char err[1024];
	int rc = parse_args(argc, argv, &o), port;

	if (rc >= 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (sim_world_init(&w)) {
		fprintf(stderr, "ssisdr-sim: out of memory\n");
		return 1;
	}
	sim_clock_init(&w.clock, o.scale);
	rc = 1;
	if (prepare_dir(o.dir, w.dir, sizeof(w.dir)) || load(&w, &o))
		goto out;
	if (sim_db_open_all(&w, err, sizeof(err))) {
		fprintf(stderr, "ssisdr-sim: %s\n", err);
		goto out;
	}
	if (sim_http_start(&w, o.host, o.port, &port, err, sizeof(err))) {
		fprintf(stderr, "ssisdr-sim: %s\n", err);
		goto close_db;
	}
	snprintf(w.base_url, sizeof(w.base_url), "http://%s:%d", o.host, port);
	if (sim_conf_write(&w, err, sizeof(err))) {
		fprintf(stderr, "ssisdr-sim: %s\n", err);
		goto stop_http;
	}
	printf("ssisdr-sim ready %s\n", w.base_url);
	fflush(stdout);
	run(&w, &stop);
	rc = 0;
stop_http:
	sim_http_stop(&w);
close_db:
	sim_db_close_all(&w);
out:
	sim_world_free(&w);
	return rc;
}
