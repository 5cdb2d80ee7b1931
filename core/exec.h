/* ssisdr exec 'COMMAND LINE' [--yes]: one command through the same table,
 * without the screen, for scripts and tests. */
#ifndef CORE_EXEC_H
#define CORE_EXEC_H

#include <stdbool.h>

#include "core/config.h"

enum exec_code { EXEC_OK = 0, EXEC_FAILED = 1, EXEC_USAGE = 2, EXEC_REFUSED = 3 };

int exec_run(const struct ssisdr_config *cfg, const char *line, bool yes, bool read_only);

#endif
