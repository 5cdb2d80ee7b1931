/* A main() for the fuzz targets when they are not built with libFuzzer:
 * it replays a seed corpus and then a fixed number of deterministic
 * mutations of it, and speaks TAP for make check.
 *
 *   fuzz-NAME [CORPUS [ITERATIONS [SEED]]]
 *
 * CORPUS is a directory (every regular file in it, in name order, except
 * dot files) or a single file, which is then run once (to replay a saved
 * crash). Without it: TOP/tests/fuzz/corpus/NAME, or TOP/FUZZ_SEED_DIR when
 * the target is compiled with one, where TOP is $SSISDR_TOP_SRCDIR, else
 * FUZZ_TOP_SRCDIR (compiled in); that is how make check runs
 * it. ITERATIONS defaults to $FUZZ_ITERATIONS, else the target's own
 * fuzz_iterations; SEED to $FUZZ_SEED, else 1. The same corpus, count and
 * seed always produce the same inputs.
 *
 * A crash is a crash: the sanitizer (or the signal) ends the process and
 * the TAP driver reports the missing plan lines and the exit status.
 * Before it dies the input that crashed is written to
 * $FUZZ_CRASH_DIR/crash-NAME (default: the current directory), so that
 * "fuzz-NAME crash-NAME" replays it. An input that runs longer than
 * $FUZZ_TIMEOUT seconds (default 10; 0: no limit) counts as a crash too. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif

#ifdef FUZZ_ASAN
void __sanitizer_set_death_callback(void (*callback)(void));
/* With gcc, libubsan is a runtime of its own that does not run libasan's
 * death callback: have it abort() instead, which on_signal() sees.
 * UBSAN_OPTIONS still overrides these. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "abort_on_error=1:print_stacktrace=1";
}
#endif

#ifndef FUZZ_TOP_SRCDIR
#define FUZZ_TOP_SRCDIR "."
#endif
#define DEFAULT_TIMEOUT 10
#define FUZZ_MAX_FILE (1u << 20)  /* corpus files larger than this are cut */
#define FUZZ_MAX_INPUT (1u << 20) /* mutations stop growing an input here */
#define FUZZ_MAX_STACK 6          /* mutations applied to one input, at most */

/* ---- corpus ----------------------------------------------------------- */

struct entry {
	char *name;
	uint8_t *data;
	size_t size;
};

struct corpus {
	struct entry *items;
	size_t n, cap;
};

static uint8_t *read_whole(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(FUZZ_MAX_FILE);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, FUZZ_MAX_FILE, f);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*size = n;
	{
		uint8_t *small = realloc(buf, n ? n : 1);

		return small ? small : buf;
	}
}

static void corpus_add(struct corpus *c, const char *name, uint8_t *data, size_t size)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct entry *items = realloc(c->items, cap * sizeof *items);

		if (!items) {
			perror("realloc");
			exit(99);
		}
		c->items = items;
		c->cap = cap;
	}
	c->items[c->n].name = strdup(name);
	c->items[c->n].data = data;
	c->items[c->n].size = size;
	if (!c->items[c->n].name) {
		perror("strdup");
		exit(99);
	}
	c->n++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* 0, or -1 with a message on stderr. *single is set for a one-file corpus. */
static int corpus_load(struct corpus *c, const char *path, bool *single)
{
	struct stat st;
	struct dirent *d;
	DIR *dir;

	*single = false;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		size_t size;
		uint8_t *data = read_whole(path, &size);

		if (!data) {
			fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
			return -1;
		}
		corpus_add(c, path, data, size);
		*single = true;
		return 0;
	}
	dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((d = readdir(dir)) != NULL) {
		char full[4096];
		size_t size;
		uint8_t *data;

		if (d->d_name[0] == '.')
			continue;
		snprintf(full, sizeof full, "%s/%s", path, d->d_name);
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		data = read_whole(full, &size);
		if (!data) {
			fprintf(stderr, "%s: cannot read: %s\n", full, strerror(errno));
			closedir(dir);
			return -1;
		}
		corpus_add(c, d->d_name, data, size);
	}
	closedir(dir);
	if (c->n == 0) {
		fprintf(stderr, "%s: no corpus files\n", path);
		return -1;
	}
	qsort(c->items, c->n, sizeof c->items[0], by_name);
	return 0;
}

static void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].name);
		free(c->items[i].data);
	}
	free(c->items);
}

/* ---- saving the input that crashed ------------------------------------ */

/* Everything the handlers touch is set up before the input runs. */
static char crash_path[4096];
static const uint8_t *volatile cur_data;
static volatile size_t cur_size;
static volatile unsigned long cur_iter; /* 0: corpus replay */
static const char *volatile cur_origin;

static void say(const char *s)
{
	ssize_t r = write(2, s, strlen(s));

	(void)r;
}

static void say_ulong(unsigned long v)
{
	char buf[24];
	size_t i = sizeof buf - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	say(buf + i);
}

static void save_input(void)
{
	const uint8_t *data = cur_data;
	size_t size = cur_size, off = 0;
	int fd;

	if (!data)
		return;
	cur_data = NULL; /* once */
	fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		say("fuzz driver: cannot save the input that crashed to ");
		say(crash_path);
		say("\n");
		return;
	}
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
	say("fuzz driver: the input that crashed (");
	say_ulong((unsigned long)size);
	say(" bytes, ");
	if (cur_iter) {
		say("mutation ");
		say_ulong(cur_iter);
		say(" of ");
	} else {
		say("corpus file ");
	}
	say(cur_origin ? cur_origin : "?");
	say(") is saved as ");
	say(crash_path);
	say("\n");
}

static void on_signal(int sig)
{
	if (sig == SIGALRM)
		say("fuzz driver: an input ran longer than FUZZ_TIMEOUT seconds\n");
	save_input();
	signal(sig, SIG_DFL);
	raise(sig == SIGALRM ? SIGABRT : sig);
}

static void install_handlers(void)
{
	struct sigaction sa;
	/* AddressSanitizer reports SEGV, BUS and FPE itself and then calls the
	 * death callback; abort() (a failed contract check) and the timeout
	 * are ours in every build. */
#ifdef FUZZ_ASAN
	static const int sigs[] = {SIGABRT, SIGALRM};

	__sanitizer_set_death_callback(save_input);
#else
	static const int sigs[] = {SIGABRT, SIGALRM, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
#endif
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* ---- deterministic mutations ------------------------------------------ */

static uint64_t rng_state;

static uint64_t rnd(void) /* xorshift64* */
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static size_t below(size_t n) /* 0 .. n-1; 0 when n is 0 */
{
	return n ? (size_t)(rnd() % n) : 0;
}

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void buf_reserve(struct buf *b, size_t len)
{
	if (len <= b->cap)
		return;
	while (b->cap < len)
		b->cap = b->cap ? 2 * b->cap : 4096;
	b->p = realloc(b->p, b->cap);
	if (!b->p) {
		perror("realloc");
		exit(99);
	}
}

static void buf_insert(struct buf *b, size_t at, const void *src, size_t n)
{
	if (n == 0 || b->len + n > FUZZ_MAX_INPUT)
		return;
	buf_reserve(b, b->len + n);
	memmove(b->p + at + n, b->p + at, b->len - at);
	memcpy(b->p + at, src, n);
	b->len += n;
}

static void buf_insert_run(struct buf *b, size_t at, const char *unit, size_t count)
{
	size_t ulen = strlen(unit);

	if (ulen * count == 0 || b->len + ulen * count > FUZZ_MAX_INPUT)
		return;
	buf_reserve(b, b->len + ulen * count);
	memmove(b->p + at + ulen * count, b->p + at, b->len - at);
	for (size_t i = 0; i < count; i++)
		memcpy(b->p + at + i * ulen, unit, ulen);
	b->len += ulen * count;
}

static void buf_erase(struct buf *b, size_t at, size_t n)
{
	if (n == 0)
		return;
	memmove(b->p + at, b->p + at + n, b->len - at - n);
	b->len -= n;
}

/* Tokens for every target; the target adds its own (fuzz_dict). */
static const char *const tokens[] = {
	"{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "1e999", "-1e999", "-0",
	"0", "-1", "1.5", "4294967296", "9223372036854775808", "-9223372036854775809",
	"1e-999", "NaN", "Infinity", "\\u0000", "\\ud800", "\\udfff", "\\\"", "\\", "\"\"", "{}",
	"[]", "{\"\":\"\"}", "\n[", "\n", "\r", "\r\n", "\t", " ", "=", ";", "#", "env:",
	"file:/nonexistent", "[site a/b]\n", "[pair a]\n", "[step x]\n", "[runbook]\n",
	"-- name: x\n", "-- unavailable: y\n", "%s%n%x%%", "\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98",
	"\xed\xa0\x80", "\xc0\x80", "\xef\xbb\xbf", NULL,
};

/* Values that replace whatever follows a ':' or '='. */
static const char *const values[] = {
	"null", "true", "0", "-1", "1e999", "-0", "[]", "{}", "\"\"", "\"x\"", "[null]",
	"[{}]", "{\"a\":[]}", "2147483648", "-2147483649", "9223372036854775807",
	"18446744073709551616", "0.1", "\"\\u0000\"", "\"\\ud800\"", "", " ", "env:",
	"env:FUZZ_SECRET", "file:/nonexistent", "file:", "x", "-", "99999999999999999999",
	"1h", "0s", "60m", "yes", "no", "{primary}", "{", "}", "a/b", "/", NULL,
};

static const char *const multibyte[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\\u00e9",
					"\\ud83d\\ude00", "\x80"};

static const size_t lengths[] = {31, 32, 47, 48, 63, 64, 65, 127, 128, 129, 199, 200, 201,
				 255, 256, 257, 399, 400, 511, 512, 513, 1023, 1024, 1025,
				 2047, 2048, 2049, 4095, 4096, 4097, 16383, 16384, 16385};

static size_t count_tokens(const char *const *t)
{
	size_t n = 0;

	while (t && t[n])
		n++;
	return n;
}

static const char *pick_token(void)
{
	size_t a = count_tokens(tokens), b = count_tokens(fuzz_dict), i = below(a + b);

	return i < a ? tokens[i] : fuzz_dict[i - a];
}

static const char *pick_value(void)
{
	size_t a = count_tokens(values), b = count_tokens(fuzz_dict), i = below(a + b);

	return i < a ? values[i] : fuzz_dict[i - a];
}

static size_t line_start(const struct buf *b, size_t at)
{
	while (at > 0 && b->p[at - 1] != '\n')
		at--;
	return at;
}

static size_t line_end(const struct buf *b, size_t at) /* past the '\n' */
{
	while (at < b->len && b->p[at] != '\n')
		at++;
	return at < b->len ? at + 1 : at;
}

/* A value after ':' or '=' is replaced up to ',', '}', ']' or the line's end. */
static void replace_value(struct buf *b)
{
	size_t at = below(b->len + 1), end;
	const char *v = pick_value();

	while (at < b->len && b->p[at] != ':' && b->p[at] != '=')
		at++;
	if (at >= b->len) {
		buf_insert(b, b->len, v, strlen(v));
		return;
	}
	at++;
	if (b->p[at - 1] == '=' && at < b->len && b->p[at] == ' ')
		at++;
	end = at;
	while (end < b->len && !strchr(",}]\n\r", b->p[end]))
		end++;
	buf_erase(b, at, end - at);
	buf_insert(b, at, v, strlen(v));
}

static void mutate_once(struct buf *b, const struct corpus *c)
{
	static const uint8_t bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xed, 0xf0,
					0xf4, 0xf5, 0xff, '\n', '\r', ' ', '\t', '"', '\\', '{',
					'}', '[', ']', ':', ',', '=', ';', '#', '/', '-', '0', '9'};
	size_t at = below(b->len + 1);

	switch (below(16)) {
	case 0: /* flip a bit */
		if (b->len)
			b->p[below(b->len)] ^= (uint8_t)(1u << below(8));
		break;
	case 1: /* set a byte */
		if (b->len) {
			size_t i = below(b->len);

			b->p[i] = below(2) ? bytes[below(sizeof bytes)] : (uint8_t)rnd();
		}
		break;
	case 2: { /* insert a few bytes */
		uint8_t ins[8];
		size_t n = 1 + below(sizeof ins);

		for (size_t i = 0; i < n; i++)
			ins[i] = below(2) ? bytes[below(sizeof bytes)] : (uint8_t)rnd();
		buf_insert(b, at, ins, n);
		break;
	}
	case 3: /* delete a range */
		if (at < b->len) {
			size_t n = 1 + below(below(2) ? 8 : b->len - at);

			if (n > b->len - at)
				n = b->len - at;
			buf_erase(b, at, n);
		}
		break;
	case 4: /* truncate */
		b->len = at;
		break;
	case 5: { /* splice: this prefix, another entry's suffix */
		const struct entry *o = &c->items[below(c->n)];
		size_t from = below(o->size + 1);

		b->len = at;
		buf_insert(b, at, o->data + from, o->size - from);
		break;
	}
	case 6: { /* repeat a chunk */
		size_t n = 1 + below(64), times = 1 + below(below(4) ? 8 : 200);
		uint8_t chunk[64];

		if (at >= b->len)
			break;
		if (n > b->len - at)
			n = b->len - at;
		memcpy(chunk, b->p + at, n);
		for (size_t i = 0; i < times; i++)
			buf_insert(b, at + n, chunk, n);
		break;
	}
	case 7:
	case 8: { /* insert a token */
		const char *t = pick_token();

		buf_insert(b, at, t, strlen(t));
		break;
	}
	case 9:
	case 10: /* replace a value */
		replace_value(b);
		break;
	case 11: { /* a long string (at a boundary length), maybe right after a quote */
		size_t n = lengths[below(sizeof lengths / sizeof lengths[0])] + below(3) - 1;
		const char *unit = multibyte[below(sizeof multibyte / sizeof multibyte[0])];

		if (below(2)) {
			while (at < b->len && b->p[at] != '"' && b->p[at] != '=')
				at++;
			if (at < b->len)
				at++;
		}
		buf_insert_run(b, at, unit, strlen(unit) > 1 && below(2) ? n / strlen(unit) : n);
		break;
	}
	case 12: { /* deep nesting, sometimes closed again */
		static const char *const open[] = {"[", "{\"a\":", "[{\"value\":"};
		static const char *const close[] = {"]", "}", "}]"};
		size_t k = below(3), depth = 1 + below(below(2) ? 140 : 2000);

		if (below(2))
			buf_insert_run(b, at, close[k], depth);
		buf_insert_run(b, at, open[k], depth);
		break;
	}
	case 13: { /* duplicate a line, up to many times */
		size_t s = line_start(b, at), e = line_end(b, at), times = 1 + below(below(2) ? 3 : 80);
		uint8_t *line;

		if (e <= s)
			break;
		line = malloc(e - s);
		if (!line)
			exit(99);
		memcpy(line, b->p + s, e - s);
		for (size_t i = 0; i < times; i++)
			buf_insert(b, e, line, e - s);
		free(line);
		break;
	}
	case 14: { /* delete a line */
		size_t s = line_start(b, at), e = line_end(b, at);

		buf_erase(b, s, e - s);
		break;
	}
	case 15: { /* a number becomes an interesting one */
		static const char *const nums[] = {"0", "-1", "1", "2147483647", "2147483648",
						   "4294967295", "9223372036854775807",
						   "9223372036854775808", "1e308", "1e309", "-0",
						   "00", "0x10", "1.0", "99999999999999999999"};
		const char *v = nums[below(sizeof nums / sizeof nums[0])];
		size_t s = at, e;

		while (s < b->len && !(b->p[s] >= '0' && b->p[s] <= '9'))
			s++;
		e = s;
		while (e < b->len && ((b->p[e] >= '0' && b->p[e] <= '9') || b->p[e] == '.'))
			e++;
		buf_erase(b, s, e - s);
		buf_insert(b, s, v, strlen(v));
		break;
	}
	}
}

/* ---- running ---------------------------------------------------------- */

static unsigned timeout_s = DEFAULT_TIMEOUT;

static void run_one(const uint8_t *data, size_t size, unsigned long iter, const char *origin)
{
	/* An exact-size copy: the target may read only [0, size). */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		exit(99);
	if (size)
		memcpy(copy, data, size);
	cur_origin = origin;
	cur_iter = iter;
	cur_size = size;
	cur_data = copy;
	if (timeout_s)
		alarm(timeout_s);
	LLVMFuzzerTestOneInput(copy, size);
	if (timeout_s)
		alarm(0);
	cur_data = NULL;
	free(copy);
}

static unsigned long env_ulong(const char *name, unsigned long def)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end) {
		fprintf(stderr, "%s=%s: not a whole number\n", name, v);
		exit(99);
	}
	return n;
}

static unsigned long arg_ulong(const char *what, const char *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 0);
	if (errno || *end || !*v) {
		fprintf(stderr, "%s %s: not a whole number\n", what, v);
		exit(99);
	}
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct corpus c = {0};
	struct buf b = {0};
	unsigned long iterations, seed;
	const char *dir, *corpus_path;
	static char default_corpus[4096];
	double t0, t1, t2;
	bool single;

	if (argc > 4 || (argc > 1 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: %s [CORPUS_DIR|FILE [ITERATIONS [SEED]]]\n", argv[0]);
		return 99;
	}
	if (argc > 1) {
		corpus_path = argv[1];
	} else {
		const char *top = getenv("SSISDR_TOP_SRCDIR"), *name = fuzz_target_name;

		if (!top || !*top)
			top = FUZZ_TOP_SRCDIR;
		if (strncmp(name, "fuzz_", 5) == 0)
			name += 5;
#ifdef FUZZ_SEED_DIR
		/* a target whose seeds are project files reads them where they are */
		(void)name;
		snprintf(default_corpus, sizeof default_corpus, "%s/%s", top, FUZZ_SEED_DIR);
#else
		snprintf(default_corpus, sizeof default_corpus, "%s/tests/fuzz/corpus/%s", top, name);
#endif
		corpus_path = default_corpus;
	}
	iterations = argc > 2 ? arg_ulong("ITERATIONS", argv[2])
			      : env_ulong("FUZZ_ITERATIONS", fuzz_iterations);
	seed = argc > 3 ? arg_ulong("SEED", argv[3]) : env_ulong("FUZZ_SEED", 1);
	timeout_s = (unsigned)env_ulong("FUZZ_TIMEOUT", DEFAULT_TIMEOUT);
	dir = getenv("FUZZ_CRASH_DIR");
	snprintf(crash_path, sizeof crash_path, "%s/crash-%s", dir && *dir ? dir : ".",
		 fuzz_target_name);
	/* A secret read from "file:/dev/stdin" must not wait for a terminal. */
	if (!freopen("/dev/null", "r", stdin))
		return 99;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (corpus_load(&c, corpus_path, &single)) {
		corpus_free(&c);
		return 99;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	install_handlers();

	printf("1..%d\n", single ? 1 : 2);
	t0 = now_s();
	for (size_t i = 0; i < c.n; i++)
		run_one(c.items[i].data, c.items[i].size, 0, c.items[i].name);
	t1 = now_s();
	if (single) {
		printf("ok 1 - %s: %s ran without a crash\n", fuzz_target_name, corpus_path);
		corpus_free(&c);
		return 0;
	}
	printf("ok 1 - %s: %zu corpus files\n", fuzz_target_name, c.n);

	rng_state = 0x9E3779B97F4A7C15ULL ^ (seed * 0xBF58476D1CE4E5B9ULL);
	if (!rng_state)
		rng_state = 1;
	for (unsigned long it = 1; it <= iterations; it++) {
		const struct entry *e = &c.items[below(c.n)];
		size_t k = 1 + below(1 + below(FUZZ_MAX_STACK));

		b.len = 0;
		buf_insert(&b, 0, e->data, e->size);
		for (size_t m = 0; m < k; m++)
			mutate_once(&b, &c);
		run_one(b.p, b.len, it, e->name);
	}
	t2 = now_s();
	printf("ok 2 - %s: %lu mutations (seed %lu), 0 crashes\n", fuzz_target_name, iterations,
	       seed);
	printf("# %s: corpus %.2fs, mutations %.2fs (%.0f inputs/s)\n", fuzz_target_name, t1 - t0,
	       t2 - t1, iterations / (t2 - t1 > 0 ? t2 - t1 : 1e-9));
	free(b.p);
	corpus_free(&c);
	return 0;
}
