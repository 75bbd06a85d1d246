/* session.c - the session behind a request's cookie, and the comparison of
 * form tokens.  What a session is, and every rule it keeps (idle and age
 * limits, the bound on live sessions, the admin's password), is the
 * service's (sessions.c); this file only reads the cookie. */
#include <config.h>

#include <string.h>

#include <openssl/crypto.h>

#include "page.h"

bool page_session(struct pages *pg, const struct http_req *req, time_t now,
                  struct session_info *out)
{
    /* A database that does not answer (-1) admits no one: the login page
     * then says so (login.c). */
    if (service_session_find(pg->sv, http_req_cookie(req, SESSION_COOKIE), now, out) == 1)
        return true;
    memset(out, 0, sizeof *out);
    return false;
}

bool session_token_equal(const char *want, const char *got)
{
    if (want == NULL || got == NULL || strlen(want) != SESSION_TOKEN_LEN ||
        strlen(got) != SESSION_TOKEN_LEN)
        return false;
    return CRYPTO_memcmp(want, got, SESSION_TOKEN_LEN) == 0;
}
