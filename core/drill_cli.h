/* ssisdr drill RUNBOOK: a drill without the screen (core/drill.h). */
#ifndef CORE_DRILL_CLI_H
#define CORE_DRILL_CLI_H

#include <stdbool.h>

#include "core/config.h"

/* Exit codes: 0 the drill passed; 1 it failed, was interrupted, or could
 * not run; 2 usage, or the runbook was rejected; 3 refused (read-only
 * console with action steps, no --yes, an unfinished drill without
 * --resume or --discard). The same numbers as ssisdr exec. */
enum drill_exit { DRILL_EXIT_PASSED = 0, DRILL_EXIT_FAILED = 1, DRILL_EXIT_USAGE = 2, DRILL_EXIT_REFUSED = 3 };

/* argv[0] is "drill"; argv[1..] as ssisdr-runbook(5) and ssisdr(1) say:
 * RUNBOOK [--yes] [--report DIR] [--resume | --discard] [--pair NAME]
 * [--no-optional] [NAME=VALUE...], or --list. read_only: --read-only was
 * given (read_only = true in the config counts too). */
int drill_main(const struct ssisdr_config *cfg, int argc, char **argv, bool read_only);

#endif
