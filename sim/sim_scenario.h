/* Scenario files: INI text (read with inih) that describes the world the
 * simulator starts from. The format is documented in ssisdr-sim(1). */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stddef.h>

struct sim_world;

/* Find NAME (a scenario name or a file path) and return the file path. */
int sim_scenario_find(const char *name, char *path, size_t pathlen, char *err, size_t errlen);
/* Load the scenario file into an initialised world with one pair. */
int sim_scenario_load(struct sim_world *w, const char *path, char *err, size_t errlen);
/* Parse "90", "90s", "5m", "1h" into seconds. */
int sim_parse_duration(const char *text, double *seconds);

#endif
