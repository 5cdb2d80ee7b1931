/* Shared by the fuzz targets (tests/fuzz/fuzz_*.c) and the standalone
 * driver (tests/fuzz/driver.c).
 *
 * A target is libFuzzer's entry point, LLVMFuzzerTestOneInput(), plus a
 * name and a dictionary of tokens that the standalone driver splices into
 * its mutations (libFuzzer ignores both). Targets keep no state between
 * calls and free everything they allocate, so that LeakSanitizer and
 * libFuzzer's leak detection can hold them to it.
 *
 * A target aborts (fuzz_fail) when a parser breaks its documented contract
 * without crashing: a failure with an empty error message, a string in a
 * result that is not NUL-terminated within its array, and the like. */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

extern const char fuzz_target_name[];      /* "fuzz_NAME": its corpus is corpus/NAME */
extern const char *const fuzz_dict[];      /* NULL-terminated */
extern const unsigned long fuzz_iterations; /* the driver's default for make check */

/* Error buffers: mostly roomy, sometimes tiny, so that the truncating
 * paths of the message formatting run too. Chosen from the input so a
 * reproducer replays the same way. */
static inline size_t fuzz_errlen(const uint8_t *data, size_t size)
{
	static const size_t lens[] = {256, 256, 256, 64, 1, 0}; /* 0: err is NULL */

	return lens[(size + (size ? data[size - 1] : 0u)) % (sizeof lens / sizeof lens[0])];
}

/* Aborts, unless $FUZZ_IGNORE is a part of WHAT (to hunt on past a known,
 * not yet fixed contract violation). */
static inline void fuzz_fail(const char *what, const char *detail)
{
	const char *ignore = getenv("FUZZ_IGNORE");

	if (ignore && *ignore && strstr(what, ignore))
		return;
	fprintf(stderr, "%s: contract violated: %s%s%s\n", fuzz_target_name, what,
		detail ? ": " : "", detail ? detail : "");
	abort();
}

/* An exact-size heap copy, so that a read past SIZE is a heap overflow
 * that AddressSanitizer reports. Never NULL (a 1-byte block for size 0,
 * still with nothing readable promised beyond size). */
static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1);

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	return p;
}

/* The same plus a terminating NUL, for APIs that take C strings. An
 * embedded NUL simply ends the text early. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *p = malloc(size + 1);

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	p[size] = '\0';
	return p;
}

/* A failure must say why (when there is room to say anything). */
static inline void fuzz_check_err(const char *err, size_t errlen)
{
	if (errlen == 0)
		return;
	if (!memchr(err, '\0', errlen))
		fuzz_fail("error message not NUL-terminated", NULL);
	if (errlen > 1 && err[0] == '\0')
		fuzz_fail("failure with an empty error message", NULL);
}

/* A string member of a result: NUL-terminated inside its array. */
#define FUZZ_STR(field)                                                                    \
	do {                                                                               \
		if (!memchr((field), '\0', sizeof(field)))                                 \
			fuzz_fail("string not NUL-terminated", #field);                    \
	} while (0)

/* UTF-8 in structure: every lead byte has its continuation bytes and
 * there is no stray continuation byte. The ARM parsers reject bodies that
 * fail this and cut long strings at a character boundary, so every string
 * they return must pass. With -DFUZZ_STRICT_UTF8 (as the build compiles
 * the targets) it also rejects overlong forms, surrogates and values past
 * U+10FFFF, which core/arm_json.c refuses itself since json-c 0.16's
 * JSON_TOKENER_VALIDATE_UTF8 lets them through. */
static inline bool fuzz_utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p, cp;
		size_t n;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC0 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF7) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
#ifdef FUZZ_STRICT_UTF8
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
#else
		(void)cp;
#endif
		p += n + 1;
	}
	return true;
}

/* ...and, for the ARM results, UTF-8 that was not cut mid-character. */
#define FUZZ_TEXT(field)                                                                   \
	do {                                                                               \
		FUZZ_STR(field);                                                           \
		if (!fuzz_utf8_ok(field))                                                  \
			fuzz_fail("string is not UTF-8 (or cut mid-character)", #field);              \
	} while (0)

#endif
