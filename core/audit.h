/* The audit log: one JSON object per line, appended and fsync'd, written
 * when a mutating command is confirmed and again with its outcome. If it
 * cannot be written the command does not run (fail closed). Never holds a
 * secret. */
#ifndef CORE_AUDIT_H
#define CORE_AUDIT_H

#include <json-c/json.h>
#include <stddef.h>

struct audit;

/* Opens (creating the directory and the file, mode 0600) for appending. */
struct audit *audit_open(const char *path, char *err, size_t errlen);
void audit_close(struct audit *a);
const char *audit_path(const struct audit *a);
/* Adds time, user and host to rec, writes it as one line and fsyncs.
 * Takes ownership of rec. 0 or -1 with the reason. */
int audit_write(struct audit *a, struct json_object *rec, char *err, size_t errlen);

#endif
