/* Microsoft Entra ID access tokens for ARM, from one of three sources
 * (ssisdr.conf(5) [azure] auth):
 *
 *  client-secret     POST {authority}/{tenant}/oauth2/v2.0/token, client
 *                    credentials grant, scope from the configuration.
 *  managed-identity  GET {IMDS}/metadata/identity/oauth2/token (IMDS is
 *                    http://169.254.169.254, or $IMDS_ENDPOINT as in
 *                    azure-identity), header Metadata: true, never through a
 *                    proxy; client_id picks a user-assigned identity.
 *  azure-cli         `az account get-access-token --resource R --output json
 *                    [--tenant T]`, run without a shell, found on PATH.
 *
 * The token is cached and fetched again when it expires within five
 * minutes. One struct auth may be shared by several threads (a mutex
 * serialises fetches, so concurrent callers wait for one fetch). No
 * message ever holds the secret or the token. */
#ifndef CORE_AUTH_H
#define CORE_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arm_model.h" /* ARM_TOKEN_MAX */
#include "core/config.h"

#define AUTH_REFRESH_MARGIN_S 300 /* fetch again when fewer seconds remain */
#define AUTH_IMDS_DEFAULT "http://169.254.169.254"

struct auth;

/* Copies what it needs from az (the secret too: az may be freed after).
 * timeout_ms bounds each token request (and the az process). */
struct auth *auth_new(const struct config_azure *az, long timeout_ms, char *err, size_t errlen);

/* The cached token, or a fresh one. out gets the bare token (no "Bearer ");
 * outlen should be ARM_TOKEN_MAX. 0, or -1 and a message such as
 * "token request failed: invalid_client: AADSTS7000215: Invalid client
 * secret provided...". Thread-safe. */
int auth_token(struct auth *a, char *out, size_t outlen, char *err, size_t errlen);

/* Forget the cached token (after a 401): the next auth_token fetches anew. */
void auth_invalidate(struct auth *a);
/* The same, but only while the cached token is still `token`: when several
 * requests (or clients) see a 401 for one token, it is fetched again once. */
void auth_reject(struct auth *a, const char *token);

/* Token requests made so far (successful or not); for tests and stats. */
unsigned long auth_fetch_count(struct auth *a);

/* Wipes the cached token and the secret. NULL is fine. */
void auth_free(struct auth *a);

#endif
