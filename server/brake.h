/* brake.h - the brake on password guessing, shared by the web login and the
 * REST API's HTTP Basic: failures count against the client address and the
 * admin name alike, and past a few free tries each one doubles the wait.
 * user NULL (an API token, which names no admin) counts against the address
 * only.  Callers pass the time in, so the rules are testable without sleeping. */
#ifndef UCPROV_BRAKE_H
#define UCPROV_BRAKE_H

#include <time.h>

struct brake;   /* opaque; safe to share between threads */

struct brake *brake_new(void);
void brake_free(struct brake *b);

/* Seconds before another attempt from this address or for this name is heard;
 * 0 when one may be tried now. */
long brake_wait(struct brake *b, const char *peer, const char *user, time_t now);
/* Count a failed attempt against both the address and the name. */
void brake_failed(struct brake *b, const char *peer, const char *user, time_t now);
/* A correct password clears the name's and the address's record. */
void brake_succeeded(struct brake *b, const char *peer, const char *user, time_t now);

#endif
