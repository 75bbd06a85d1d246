/* session.h - web admin sessions (the brake on guessing is brake.h).
 *
 * Sessions live in memory only: a restart logs everyone out, which is what an
 * admin expects of a daemon restart.  The cookie value is never stored, only
 * its SHA-256, so a memory dump does not hand out live sessions.  Callers pass
 * the time in, so the idle and lockout rules are testable without sleeping. */
#ifndef UCPROV_SESSION_H
#define UCPROV_SESSION_H

#include <stdbool.h>
#include <time.h>

#include "service/service.h"

#define SESSION_TOKEN_LEN 64   /* hex of 32 random bytes: cookie values and CSRF tokens */
#define LOGIN_NONCE_LEN   12
#define LOGIN_MAC_LEN     16
#define LOGIN_TOKEN_RAW   (4 + LOGIN_NONCE_LEN + LOGIN_MAC_LEN)   /* 32: SESSION_TOKEN_LEN hex */

struct sessions;   /* opaque; safe to share between threads */

struct session_info {
    struct actor who;
    char csrf[SESSION_TOKEN_LEN + 1];   /* the token every form of this session carries */
    unsigned char stamp[32];            /* the admin's stamp at login (service_admin_stamp):
                                           a password change or delete ends the session */
};

struct sessions *sessions_new(void);
void sessions_free(struct sessions *s);

/* Open a session for who, bound to the admin's stamp (NULL: zeros); its cookie value goes to id.  When the table is full the
 * session idle longest gives way.  false only when no randomness could be had. */
bool session_start(struct sessions *s, const struct actor *who, const unsigned char *stamp,
                   time_t now, char id[SESSION_TOKEN_LEN + 1]);
/* The live session behind a cookie value, marked as used now; false when there is
 * none or it has been idle too long (it is then forgotten). */
bool session_find(struct sessions *s, const char *id, time_t now, struct session_info *out);
void session_end(struct sessions *s, const char *id);

/* A fresh random token. */
bool session_random_token(char out[SESSION_TOKEN_LEN + 1]);
/* Compare a token from a form with the expected one in constant time. */
bool session_token_equal(const char *want, const char *got);

/* The login form's token, before any session exists: bound to a secret of
 * this process by an HMAC (a token chosen by someone else never passes),
 * valid for UCPROV_LOGIN_FORM_TTL_S, and spent by the one login it opens. */
bool login_token_new(struct sessions *s, time_t now, char out[SESSION_TOKEN_LEN + 1]);
/* Made here, fresh and unspent (to keep showing the form a browser holds). */
bool login_token_valid(struct sessions *s, const char *token, time_t now);
/* As login_token_valid, and spend it; true once per token. */
bool login_token_take(struct sessions *s, const char *token, time_t now);

#endif
