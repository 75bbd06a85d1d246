/* phonelog.h - recognise known VPN failures in an IP phone's console log or
 * problem-report text: pure code over text, no I/O. */
#ifndef UCPROV_PHONELOG_H
#define UCPROV_PHONELOG_H

#include <stddef.h>

enum phonelog_problem {
    PHONELOG_EC_CIPHER,            /* the ASA chose an elliptic-curve cipher */
    PHONELOG_DTLS_FAILURE,         /* illegal parameter, old session cipher, DTLS timer */
    PHONELOG_NO_SHARED_CIPHER,     /* TLS and DTLS cipher lists share nothing */
    PHONELOG_DNS_LOOKUP,           /* DnsLookupErr for the ASA host */
    PHONELOG_AND_VPN_ENABLED,      /* Auto Network Detect: ping timed out, VPN brought up */
    PHONELOG_AND_VPN_SKIPPED,      /* Auto Network Detect: ping answered, VPN stays off */
    PHONELOG_CERT_HASH_MISMATCH,   /* the ASA's certificate hash is not in the config */
    PHONELOG_PROBLEM_COUNT
};

#define PHONELOG_MAX_EVIDENCE 8

struct phonelog_finding {
    enum phonelog_problem problem;
    const char *id;        /* stable machine name: "ec_cipher", ... */
    const char *title;     /* one line for the admin */
    const char *fix;       /* what to do, in a sentence or two */
    size_t lines[PHONELOG_MAX_EVIDENCE];   /* 1-based line numbers that show it */
    size_t n_lines;
};

/* Findings in problem order, at most one per problem; returns how many were found.
 * text need not be NUL-terminated.
 * Added: the return value never exceeds max (out may be NULL when max is 0); a line
 * is examined up to its first PHONELOG_LINE_SCAN bytes. */
#define PHONELOG_LINE_SCAN 4096
size_t phonelog_diagnose(const char *text, size_t len, struct phonelog_finding *out,
                         size_t max);

/* Line n (1-based, numbered as phonelog_diagnose numbers its evidence: only LF ends
 * a line) of text: sets *start to its first byte and returns its length without the
 * LF and without one CR before it.  When text has no line n (n is 0 or past the end)
 * it returns 0 and sets *start to "", so *start is always readable for the length
 * returned.  text need not be NUL-terminated and may be NULL when len is 0. */
size_t phonelog_line(const char *text, size_t len, size_t n, const char **start);

#endif
