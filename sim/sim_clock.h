/* The simulator's virtual clock: real time multiplied by a scale, plus
 * whatever the control endpoint has advanced it by. Virtual time 0 is the
 * moment the simulator started; sim_clock_epoch() maps it to wall time. */
#ifndef SIM_CLOCK_H
#define SIM_CLOCK_H

#include <stddef.h>
#include <time.h>

struct sim_clock {
	double scale;
	double advanced;          /* seconds added by sim_clock_advance() */
	struct timespec start_mono;
	double start_epoch;       /* wall time at start, seconds since 1970 */
};

void sim_clock_init(struct sim_clock *c, double scale);
/* Virtual seconds since start. */
double sim_clock_now(const struct sim_clock *c);
void sim_clock_advance(struct sim_clock *c, double seconds);
/* Virtual time `t` as seconds since 1970. */
double sim_clock_epoch(const struct sim_clock *c, double t);
/* Virtual time `t` as ISO 8601 UTC with 7 fractional digits, as ARM writes it. */
void sim_clock_iso8601(const struct sim_clock *c, double t, char *buf, size_t len);
/* Virtual time `t` as a datetimeoffset literal: "2026-11-26 19:45:32.1234567 +00:00". */
void sim_clock_dto(const struct sim_clock *c, double t, char *buf, size_t len);

#endif
