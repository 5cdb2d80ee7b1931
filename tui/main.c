/* ssisdr: the console's entry point. It parses the command line, loads the
 * configuration and hands over to the screen or to a batch command. No curl
 * or ODBC here: everything that talks goes through core/. */
#include <config.h>

#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/console.h"
#include "core/demo.h"
#include "core/drill_cli.h"
#include "core/exec.h"
#include "core/status.h"
#include "tui/ui.h"

#define DEMO_TIME_SCALE 30

struct options {
	const char *config;
	bool read_only;
	bool no_color;
	bool ascii;
	bool demo;
	const char *scenario;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ssisdr [OPTIONS]                          the console\n"
		"       ssisdr [OPTIONS] status [--json] [--pair NAME]\n"
		"       ssisdr [OPTIONS] exec 'COMMAND LINE' [--yes]\n"
		"       ssisdr [OPTIONS] drill RUNBOOK [--yes] [--report DIR] [--resume|--discard]\n"
		"                        [--pair NAME] [--no-optional] [NAME=VALUE...]\n"
		"\n"
		"Disaster recovery console for an Azure-SSIS integration runtime dual\n"
		"standby pair and its Azure SQL failover group.\n"
		"\n"
		"Options:\n"
		"  --config FILE      configuration (default: $SSISDR_CONFIG,\n"
		"                     $XDG_CONFIG_HOME/ssisdr/ssisdr.conf, /etc/ssisdr/ssisdr.conf)\n"
		"  --read-only        refuse every command that changes Azure or SQL\n"
		"  --demo [SCENARIO]  run against ssisdr-sim (default scenario: demo)\n"
		"  --no-color         no colour (also when NO_COLOR is set)\n"
		"  --ascii            ASCII line drawing\n"
		"  --help, --version\n"
		"\n"
		"status: poll once and print the pair's state; exit 0 OK, 1 WARNING,\n"
		"        2 CRITICAL, 3 UNKNOWN (as monitoring plugins do)\n"
		"exec:   run one console command; a command that changes something prints\n"
		"        its plan and needs --yes; exit 0 on verified success, 1 failed,\n"
		"        2 usage, 3 refused\n"
		"drill:  walk a runbook (ssisdr-runbook(5)) without the screen; exit 0 only\n"
		"        when the drill passed\n"
		"See ssisdr(1).\n");
}

static int load_config(const struct options *o, struct ssisdr_config *cfg)
{
	char path[CONFIG_PATH_MAX], err[1024];

	if (config_find(o->config, path, sizeof(path), err, sizeof(err)) ||
	    config_load(path, cfg, err, sizeof(err))) {
		fprintf(stderr, "ssisdr: %s\n", err);
		return -1;
	}
	return 0;
}

static int status_main(int argc, char **argv, struct ssisdr_config *cfg)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pair", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *pair = NULL;
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'p': pair = optarg; break;
		default:
			fprintf(stderr, "usage: ssisdr [--config FILE] status [--json] [--pair NAME]\n");
			return STATUS_UNKNOWN;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ssisdr status: unexpected argument %s\n"
				"usage: ssisdr [--config FILE] status [--json] [--pair NAME]\n", argv[optind]);
		return STATUS_UNKNOWN;
	}
	return status_run(cfg, pair, json, stdout, stderr);
}

static int exec_main(int argc, char **argv, struct ssisdr_config *cfg, const struct options *o)
{
	const char *line = NULL;
	bool yes = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--yes"))
			yes = true;
		else if (!line)
			line = argv[i];
		else
			line = NULL, i = argc;
	}
	if (!line) {
		fprintf(stderr, "usage: ssisdr [--config FILE] exec 'COMMAND LINE' [--yes]\n");
		return EXEC_USAGE;
	}
	return exec_run(cfg, line, yes, o->read_only);
}

static int screen_main(struct ssisdr_config *cfg, const struct options *o)
{
	struct ui_options uo = { .no_color = o->no_color, .ascii = o->ascii };
	struct console con;
	char err[1024];
	int rc;

	if (console_open(&con, cfg, o->read_only, true, err, sizeof(err))) {
		fprintf(stderr, "ssisdr: %s\n", err);
		return 1;
	}
	rc = ui_run(&con, &uo);
	console_close(&con);
	return rc;
}

static bool is_command(const char *word)
{
	return !strcmp(word, "status") || !strcmp(word, "exec") || !strcmp(word, "drill");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "demo", no_argument, NULL, 'd' },
		{ "no-color", no_argument, NULL, 'n' },
		{ "ascii", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'r': o->read_only = true; break;
		case 'd': o->demo = true; break;
		case 'n': o->no_color = true; break;
		case 'a': o->ascii = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("ssisdr %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	/* --demo takes an optional scenario: the next word, unless it is a command */
	if (o->demo && optind < argc && !is_command(argv[optind]))
		o->scenario = argv[optind++];
	return -1;
}

int main(int argc, char **argv)
{
	struct options o = { .scenario = "demo" };
	struct ssisdr_config cfg;
	struct demo demo = { 0 };
	const char *command;
	char err[1024];
	int rc;

	/* Before any thread starts: setlocale() is not thread-safe, and the
	 * poller's threads use the locale (json-c on every parse). Only
	 * LC_CTYPE, for wide characters on the screen: LC_NUMERIC would change
	 * how those threads parse numbers. */
	setlocale(LC_CTYPE, "");
	rc = parse_options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	command = optind < argc ? argv[optind] : NULL;
	if (command && !is_command(command)) {
		fprintf(stderr, "ssisdr: unknown command %s (status, exec or drill; none opens the console)\n", command);
		return 2;
	}
	if (o.demo) {
		if (demo_start(&demo, o.scenario, DEMO_TIME_SCALE, err, sizeof(err))) {
			fprintf(stderr, "ssisdr: %s\n", err);
			return 1;
		}
		o.config = demo.config;
	}
	if (load_config(&o, &cfg)) {
		demo_stop(&demo);
		return command && !strcmp(command, "status") ? STATUS_UNKNOWN : 1;
	}
	if (!command)
		rc = screen_main(&cfg, &o);
	else if (!strcmp(command, "status"))
		rc = status_main(argc - optind, argv + optind, &cfg);
	else if (!strcmp(command, "drill"))
		rc = drill_main(&cfg, argc - optind, argv + optind, o.read_only);
	else
		rc = exec_main(argc - optind, argv + optind, &cfg, &o);
	config_free(&cfg);
	demo_stop(&demo);
	return rc;
}
