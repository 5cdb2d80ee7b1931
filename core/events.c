#include <config.h>

#include "core/events.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct events {
	pthread_mutex_t lock;
	struct event ring[EVENTS_KEEP];
	unsigned long seq;
	events_listener listener;
	void *listener_user;
};

struct events *events_new(void)
{
	struct events *ev = calloc(1, sizeof(*ev));

	if (ev)
		pthread_mutex_init(&ev->lock, NULL);
	return ev;
}

void events_free(struct events *ev)
{
	if (!ev)
		return;
	pthread_mutex_destroy(&ev->lock);
	free(ev);
}

void events_listen(struct events *ev, events_listener fn, void *user)
{
	pthread_mutex_lock(&ev->lock);
	ev->listener = fn;
	ev->listener_user = user;
	pthread_mutex_unlock(&ev->lock);
}

void events_add(struct events *ev, enum severity sev, const char *fmt, ...)
{
	struct timespec ts;
	struct event *e;
	va_list ap;

	if (!ev)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&ev->lock);
	e = &ev->ring[ev->seq % EVENTS_KEEP];
	e->seq = ++ev->seq;
	e->at = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	e->sev = sev;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	if (ev->listener)
		ev->listener(ev->listener_user, e);
	pthread_mutex_unlock(&ev->lock);
}

size_t events_since(struct events *ev, unsigned long after, struct event *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&ev->lock);
	if (ev->seq > EVENTS_KEEP && after < ev->seq - EVENTS_KEEP)
		after = ev->seq - EVENTS_KEEP;
	for (unsigned long s = after + 1; s <= ev->seq && n < max; s++)
		out[n++] = ev->ring[(s - 1) % EVENTS_KEEP];
	pthread_mutex_unlock(&ev->lock);
	return n;
}

size_t events_last(struct events *ev, struct event *out, size_t max)
{
	unsigned long seq = events_seq(ev);

	return events_since(ev, seq > max ? seq - max : 0, out, max);
}

unsigned long events_seq(struct events *ev)
{
	unsigned long s;

	pthread_mutex_lock(&ev->lock);
	s = ev->seq;
	pthread_mutex_unlock(&ev->lock);
	return s;
}
