/* Reading the world for one poll cycle: the ARM calls (all in flight at
 * once) and the per-site SQL workers (each on its own thread, so a hung
 * region never holds the other or the ARM side). */
#ifndef CORE_FETCH_H
#define CORE_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arm_client.h"
#include "core/config.h"
#include "core/model.h"

enum { FETCH_IR, FETCH_IR_STATUS, FETCH_TRIGGERS, FETCH_PIPELINES, FETCH_FOG, FETCH_PER_SITE };

size_t fetch_arm_count(const struct ssisdr_config *cfg);
void fetch_arm_prepare(const struct ssisdr_config *cfg, struct arm_call *calls);
void fetch_arm_apply(const struct ssisdr_config *cfg, const struct arm_call *calls,
		     struct model_pair *pairs, double now);
void fetch_fog_path(const struct config_site *cs, char *out, size_t len);
void fetch_mark_managed(struct model_site *site, const struct config_pair *cp);

/* One worker per site reads SSISDB (and msdb on a managed instance). */
struct sql_worker;
struct sql_worker *sql_worker_start(const struct config_site *cs, const char *label, long timeout_s,
				    char *err, size_t errlen);
/* Ask for a fresh read (cycle number gen). */
void sql_worker_kick(struct sql_worker *w, unsigned long gen);
/* Wait until the worker has finished cycle gen, or until the deadline
 * (CLOCK_MONOTONIC seconds). True when it finished. */
bool sql_worker_wait(struct sql_worker *w, unsigned long gen, double deadline);
/* Copy the worker's latest results into the site; a worker still busy past
 * the deadline marks its datums with that. */
void sql_worker_apply(struct sql_worker *w, struct model_site *site, double now, bool finished,
		      double waited_s);
void sql_worker_stop(struct sql_worker *w);

#endif
