/* The poller owns the ARM client and the SQL workers and publishes
 * snapshots. Nothing outside it performs I/O to read the world. */
#ifndef CORE_POLLER_H
#define CORE_POLLER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/snapshot.h"

struct auth;
struct poller;

/* Event lines for the console's log: "poll ok (10 requests, 212 ms)". Called
 * from the poller's thread. */
typedef void (*poller_event_fn)(void *user, enum severity sev, const char *line);

struct poller *poller_new(const struct ssisdr_config *cfg, struct auth *auth, char *err, size_t errlen);
void poller_on_event(struct poller *p, poller_event_fn fn, void *user);
/* One cycle on the calling thread (ssisdr status uses this). */
int poller_cycle(struct poller *p);
/* Cycles on a thread of its own until poller_free(). */
int poller_start(struct poller *p, char *err, size_t errlen);
void poller_wake(struct poller *p);
/* Poll every `seconds` from now on (the configured refresh until then). */
void poller_set_interval(struct poller *p, long seconds);
long poller_interval(struct poller *p);
/* While an operation runs, poll every 2 s; calls nest. */
void poller_set_fast(struct poller *p, bool fast);
/* A reference to the newest snapshot (snap_unref it), NULL before the first. */
struct snapshot *poller_snapshot(struct poller *p);
struct snapshot *poller_wait(struct poller *p, unsigned long seq, long timeout_ms);
void poller_free(struct poller *p);

#endif
