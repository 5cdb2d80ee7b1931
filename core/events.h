/* The event log: every poll's result, every action's progress, every ARM or
 * ODBC error, in order. Thread-safe; the screen reads it by sequence
 * number, `ssisdr exec` prints it as it grows. */
#ifndef CORE_EVENTS_H
#define CORE_EVENTS_H

#include <stddef.h>

#include "core/model.h"
#include "core/util.h"

#define EVENT_TEXT_MAX 400
#define EVENTS_KEEP 1000

struct event {
	unsigned long seq;  /* 1, 2, ... */
	double at;          /* wall clock */
	enum severity sev;
	char text[EVENT_TEXT_MAX];
};

struct events;
typedef void (*events_listener)(void *user, const struct event *e);

struct events *events_new(void);
void events_free(struct events *ev);
/* Called (with the log's lock held: keep it short) for every new event. */
void events_listen(struct events *ev, events_listener fn, void *user);
void events_add(struct events *ev, enum severity sev, const char *fmt, ...) SSISDR_PRINTF(3, 4);
/* Copy up to max events with seq > after, oldest first; returns the count. */
size_t events_since(struct events *ev, unsigned long after, struct event *out, size_t max);
/* The newest max events, oldest first. */
size_t events_last(struct events *ev, struct event *out, size_t max);
unsigned long events_seq(struct events *ev);

#endif
