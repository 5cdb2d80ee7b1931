#include <config.h>

#include "sim/sim_clock.h"

#include <math.h>
#include <stdio.h>

static double mono_seconds(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

void sim_clock_init(struct sim_clock *c, double scale)
{
	struct timespec wall;

	c->scale = scale > 0 ? scale : 1.0;
	c->advanced = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->start_mono);
	clock_gettime(CLOCK_REALTIME, &wall);
	c->start_epoch = mono_seconds(&wall);
}

double sim_clock_now(const struct sim_clock *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (mono_seconds(&now) - mono_seconds(&c->start_mono)) * c->scale + c->advanced;
}

void sim_clock_advance(struct sim_clock *c, double seconds)
{
	if (seconds > 0)
		c->advanced += seconds;
}

double sim_clock_epoch(const struct sim_clock *c, double t)
{
	return c->start_epoch + t;
}

static void split(const struct sim_clock *c, double t, struct tm *tm, long *frac7)
{
	double e = sim_clock_epoch(c, t);
	time_t secs = (time_t)floor(e);

	*frac7 = (long)((e - (double)secs) * 1e7);
	if (*frac7 > 9999999)
		*frac7 = 9999999;
	gmtime_r(&secs, tm);
}

void sim_clock_iso8601(const struct sim_clock *c, double t, char *buf, size_t len)
{
	struct tm tm;
	long frac;

	split(c, t, &tm, &frac);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%07ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

void sim_clock_dto(const struct sim_clock *c, double t, char *buf, size_t len)
{
	struct tm tm;
	long frac;

	split(c, t, &tm, &frac);
	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d.%07ld +00:00", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}
