/* Start ssisdr-sim for a C test: port 0 in a fresh temporary directory,
 * wait for its ready line, and stop it again (never leaving it behind). */
#ifndef TESTS_SIMPROC_H
#define TESTS_SIMPROC_H

#include <stddef.h>
#include <sys/types.h>

struct simproc {
	pid_t pid;
	char url[128];      /* http://127.0.0.1:PORT */
	char dir[256];      /* the sim's --dir; ssisdr.conf is written there */
	char conf[300];     /* dir/ssisdr.conf */
};

/* scenario: a name (demo, mi, ...) or a path; time_scale as for --time-scale;
 * extra: further arguments, NULL-terminated, or NULL. 0 or -1. */
int simproc_start(struct simproc *sp, const char *scenario, double time_scale, const char *const *extra);
void simproc_stop(struct simproc *sp);

/* The control endpoint. body may be NULL. Returns the HTTP status, or -1;
 * the response body is malloc'd into *out when out is not NULL. */
int simproc_control(struct simproc *sp, const char *method, const char *path, const char *body, char **out);
int simproc_fault(struct simproc *sp, const char *json);  /* POST /_sim/fault, 201 expected */
int simproc_clear(struct simproc *sp);                     /* DELETE /_sim/fault */
int simproc_advance(struct simproc *sp, double seconds);   /* POST /_sim/clock */

#endif
