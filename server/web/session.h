/* session.h - the web admin's side of its sessions: the cookie that names
 * one (page_session, page.h) and the tokens its forms carry.  The sessions
 * and the login form's tokens themselves are the service's (service.h,
 * sessions.c): kept in the database, so a login on one node holds on every
 * node over it, and a logout on any ends it on all. */
#ifndef UCPROV_SESSION_H
#define UCPROV_SESSION_H

#include <stdbool.h>

#include "service/service.h"

#define SESSION_TOKEN_LEN SERVICE_SESSION_TOKEN_LEN   /* cookie values and form tokens */

/* Compare a token from a form with the expected one in constant time. */
bool session_token_equal(const char *want, const char *got);

#endif
