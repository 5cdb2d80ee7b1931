/* ssisdr --demo: run ssisdr-sim on a free loopback port in a temporary
 * directory, for as long as the console runs. */
#ifndef CORE_DEMO_H
#define CORE_DEMO_H

#include <stddef.h>
#include <sys/types.h>

struct demo {
	pid_t pid;
	char dir[256];
	char config[300];   /* dir/ssisdr.conf, written by the simulator */
	char url[128];
};

/* argv0 helps find ssisdr-sim next to this program (build tree or bindir). */
int demo_start(struct demo *d, const char *scenario, double time_scale, char *err, size_t errlen);
/* Stops the simulator and removes the directory; safe to call twice. */
void demo_stop(struct demo *d);

#endif
