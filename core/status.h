/* ssisdr status: the pair's state for scripts and monitoring. Exit codes
 * follow the monitoring-plugin convention. */
#ifndef CORE_STATUS_H
#define CORE_STATUS_H

#include <stdbool.h>
#include <stdio.h>

#include "core/config.h"
#include "core/snapshot.h"

enum status_code { STATUS_OK = 0, STATUS_WARNING = 1, STATUS_CRITICAL = 2, STATUS_UNKNOWN = 3 };

const char *status_name(enum status_code c);
enum status_code status_of_pair(const struct model_pair *p);
/* Over every pair, or only the one named (NULL: all). */
enum status_code status_of(const struct snapshot *s, const char *only);
double status_lag_seconds(const struct model_pair *p);
void status_print_json(FILE *out, const struct snapshot *s, const char *only);
void status_print_text(FILE *out, const struct snapshot *s, const char *only);
/* Poll once and print; returns the exit code. */
int status_run(const struct ssisdr_config *cfg, const char *only, bool json, FILE *out, FILE *errout);

#endif
