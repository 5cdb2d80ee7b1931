#include <config.h>

#include "core/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct audit {
	int fd;
	char path[4096];
	char user[64];
	char host[256];
	pthread_mutex_t lock;
};

static int make_parents(const char *path)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

struct audit *audit_open(const char *path, char *err, size_t errlen)
{
	struct audit *a = calloc(1, sizeof(*a));
	struct passwd *pw = getpwuid(getuid());

	if (!a) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(a->path, sizeof(a->path), "%s", path);
	if (make_parents(path)) {
		snprintf(err, errlen, "audit log %s: cannot create its directory: %s", path, strerror(errno));
		free(a);
		return NULL;
	}
	a->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (a->fd < 0) {
		snprintf(err, errlen, "audit log %s: %s", path, strerror(errno));
		free(a);
		return NULL;
	}
	snprintf(a->user, sizeof(a->user), "%s", pw ? pw->pw_name : "unknown");
	if (gethostname(a->host, sizeof(a->host)))
		snprintf(a->host, sizeof(a->host), "unknown");
	pthread_mutex_init(&a->lock, NULL);
	return a;
}

void audit_close(struct audit *a)
{
	if (!a)
		return;
	close(a->fd);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

const char *audit_path(const struct audit *a)
{
	return a->path;
}

static void add_time(struct json_object *rec)
{
	struct timespec ts;
	struct tm tm;
	char buf[48];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	json_object_object_add(rec, "time", json_object_new_string(buf));
}

/* One write() per record, so that with O_APPEND two consoles writing the
 * same file never interleave inside a line. */
int audit_write(struct audit *a, struct json_object *rec, char *err, size_t errlen)
{
	const char *text;
	char *line;
	size_t len, done = 0;
	int rc = 0;

	if (!a) {
		json_object_put(rec);
		snprintf(err, errlen, "no audit log is open");
		return -1;
	}
	add_time(rec);
	json_object_object_add(rec, "user", json_object_new_string(a->user));
	json_object_object_add(rec, "host", json_object_new_string(a->host));
	text = json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(text);
	line = malloc(len + 2);
	if (!line) {
		json_object_put(rec);
		snprintf(err, errlen, "audit log %s: out of memory", a->path);
		return -1;
	}
	memcpy(line, text, len);
	line[len++] = '\n';
	pthread_mutex_lock(&a->lock);
	while (done < len) {
		ssize_t n = write(a->fd, line + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		done += (size_t)n;
	}
	if (rc == 0 && fsync(a->fd))
		rc = -1;
	if (rc)
		snprintf(err, errlen, "audit log %s: %s", a->path, errno ? strerror(errno) : "short write");
	pthread_mutex_unlock(&a->lock);
	free(line);
	json_object_put(rec);
	return rc;
}
