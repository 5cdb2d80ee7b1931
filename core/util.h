/* Small helpers shared by every core module. */
#ifndef CORE_UTIL_H
#define CORE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#ifdef __GNUC__
#define SSISDR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SSISDR_PRINTF(a, b)
#endif

/* Core functions report failure as -1 and fill a caller's buffer with a
 * message a person can act on. errf() does the filling and returns -1. */
int errf(char *err, size_t errlen, const char *fmt, ...) SSISDR_PRINTF(3, 4);
int verrf(char *err, size_t errlen, const char *fmt, va_list ap) SSISDR_PRINTF(3, 0);

/* Wall-clock and monotonic time in seconds. */
double util_wall_now(void);
double util_mono_now(void);
/* The CLOCK_REALTIME instant `ms` from now, for pthread_cond_timedwait. */
struct timespec util_deadline_ms(long ms);

/* Copy with truncation; always NUL-terminates. Returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t dstlen);
/* Trim ASCII white space at both ends, in place. */
char *str_trim(char *s);

#endif
