/* asa.h - the ASA side of the VPN Phone lab as paste-ready CLI text: pure code
 * over a view the service gathers, no I/O. */
#ifndef UCPROV_ASA_H
#define UCPROV_ASA_H

#include <stdbool.h>
#include <stddef.h>

#define ASA_MAX_GATEWAYS 3
#define ASA_MAX_TRUST    8

/* A certificate the ASA must hold as a trustpoint to accept the phones. */
struct asa_trust {
    const char *trustpoint;   /* ASA trustpoint name, e.g. "Cisco_Root_CA_M2" */
    const char *why;          /* one line: which phones need it */
    const char *pem;          /* PEM body ucprov holds, or NULL when it lacks it */
};

struct asa_params {
    const char *pool_first, *pool_last;   /* address pool range, e.g. 10.10.1.1 .. .254 */
    const char *mask;                     /* 255.255.255.0 */
    const char *outside;                  /* outside interface name */
    const char *trustpoint;               /* the ASA identity certificate's trustpoint */
    bool cipher_advice;                   /* add ssl cipher lines without EC ciphers */
    bool dtls_test;                       /* add "anyconnect ssl dtls none" */
};

struct asa_view {
    const char *group_name;               /* VPN group name, used for object names */
    const char *urls[ASA_MAX_GATEWAYS];   /* gateway URLs in priority order */
    size_t n_urls;
    int client_auth_method;               /* 0 user+password, 1 password only, 2 certificate */
    bool mixed_auth_methods;              /* profiles using the group disagree */
    bool models_tls12_only_capable;       /* every model in use speaks TLS 1.2 */
    bool models_tls10_only_present;       /* some model in use speaks only TLS 1.0 */
    struct asa_trust trust[ASA_MAX_TRUST];
    size_t n_trust;
    /* Added: every model in use speaks only TLS 1.0 (79xx/69xx/89xx/99xx), so the
     * cipher advice may leave out the tlsv1.2 list.  false (the safe default)
     * keeps it: the two flags above cannot tell "no 78xx/88xx at all". */
    bool models_all_tls10_only;
};

/* Parse "A.B.C.D-A.B.C.E" into pool_first/pool_last (pointers into buf). */
bool asa_parse_pool(const char *text, char *buf, size_t buflen, const char **first,
                    const char **last);
/* A netmask: ones then zeros, as a strict dotted quad, not 0.0.0.0. */
bool asa_mask_ok(const char *mask);
/* Why the address pool first..last cannot be used under mask (a sentence),
 * or NULL when it can; *blame (when not NULL) is set to the parameter at
 * fault, "pool" or "mask". */
const char *asa_pool_problem(const char *first, const char *last, const char *mask,
                             const char **blame);
/* Names and interface names the ASA accepts: [A-Za-z0-9_.-], 1..64. */
bool asa_name_ok(const char *name);
/* The configuration text; malloc'd, NUL-terminated; NULL on out-of-memory. */
char *asa_render(const struct asa_view *v, const struct asa_params *p);

#endif
