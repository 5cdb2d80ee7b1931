#include <config.h>

#include "core/snapshot.h"

#include "core/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct snapshot *snap_new(size_t npairs)
{
	struct snapshot *s = calloc(1, sizeof(*s) + npairs * sizeof(s->pairs[0]));

	if (!s)
		return NULL;
	s->refs = 1;
	s->npairs = npairs;
	return s;
}

struct snapshot *snap_clone(const struct snapshot *prev, size_t npairs)
{
	struct snapshot *s = snap_new(npairs);

	if (!s || !prev)
		return s;
	memcpy(s->pairs, prev->pairs, (prev->npairs < npairs ? prev->npairs : npairs) * sizeof(s->pairs[0]));
	s->seq = prev->seq;
	return s;
}

struct snapshot *snap_ref(struct snapshot *s)
{
	if (s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

void snap_unref(struct snapshot *s)
{
	if (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(s);
}

void snap_store_init(struct snap_store *st)
{
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->published, NULL);
	st->current = NULL;
}

void snap_store_destroy(struct snap_store *st)
{
	snap_unref(st->current);
	st->current = NULL;
	pthread_cond_destroy(&st->published);
	pthread_mutex_destroy(&st->lock);
}

void snap_store_publish(struct snap_store *st, struct snapshot *s)
{
	struct snapshot *old;

	pthread_mutex_lock(&st->lock);
	old = st->current;
	st->current = s;
	pthread_cond_broadcast(&st->published);
	pthread_mutex_unlock(&st->lock);
	snap_unref(old);
}

struct snapshot *snap_store_get(struct snap_store *st)
{
	struct snapshot *s;

	pthread_mutex_lock(&st->lock);
	s = snap_ref(st->current);
	pthread_mutex_unlock(&st->lock);
	return s;
}

struct snapshot *snap_store_wait(struct snap_store *st, unsigned long seq, long timeout_ms)
{
	struct timespec until = util_deadline_ms(timeout_ms);
	struct snapshot *s;

	pthread_mutex_lock(&st->lock);
	while ((!st->current || st->current->seq <= seq) &&
	       pthread_cond_timedwait(&st->published, &st->lock, &until) != ETIMEDOUT)
		;
	s = snap_ref(st->current);
	pthread_mutex_unlock(&st->lock);
	return s;
}
