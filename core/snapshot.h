/* A snapshot is the console's whole picture at the end of one poll cycle.
 * Once published it is never changed: readers take a reference, the poller
 * builds the next one from a copy. */
#ifndef CORE_SNAPSHOT_H
#define CORE_SNAPSHOT_H

#include <pthread.h>
#include <stddef.h>

#include "core/model.h"

struct snapshot {
	int refs;
	unsigned long seq;        /* 1 for the first cycle */
	double started_at;        /* wall clock */
	double finished_at;
	double cycle_ms;
	unsigned arm_requests;    /* HTTP requests the cycle made (retries and pages included) */
	unsigned arm_failures;    /* calls that failed */
	unsigned sql_failures;
	enum severity worst;
	size_t npairs;
	struct model_pair pairs[];
};

struct snapshot *snap_new(size_t npairs);
/* A new unpublished snapshot whose pairs are copies of prev's (or empty). */
struct snapshot *snap_clone(const struct snapshot *prev, size_t npairs);
struct snapshot *snap_ref(struct snapshot *s);
void snap_unref(struct snapshot *s);

/* The latest published snapshot, shared between the poller and readers. */
struct snap_store {
	pthread_mutex_t lock;
	pthread_cond_t published;
	struct snapshot *current;
};

void snap_store_init(struct snap_store *st);
void snap_store_destroy(struct snap_store *st);
/* Takes over the caller's reference. */
void snap_store_publish(struct snap_store *st, struct snapshot *s);
/* A reference to the current snapshot, or NULL before the first. */
struct snapshot *snap_store_get(struct snap_store *st);
/* Wait until a snapshot newer than seq is published or timeout_ms passes. */
struct snapshot *snap_store_wait(struct snap_store *st, unsigned long seq, long timeout_ms);

#endif
