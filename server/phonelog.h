/* phonelog.h - read an IP phone's console log as pasted (entries found by their
 * pattern, markdown and lost line breaks tolerated) and recognise the known VPN
 * failures in it: pure code over text, no I/O. */
#ifndef UCPROV_PHONELOG_H
#define UCPROV_PHONELOG_H

#include <stdbool.h>
#include <stddef.h>

enum phonelog_problem {
    PHONELOG_EC_CIPHER,            /* the ASA chose an elliptic-curve cipher */
    PHONELOG_DTLS_FAILURE,         /* illegal parameter, old session cipher, DTLS alert */
    PHONELOG_NO_SHARED_CIPHER,     /* no shared cipher; TLS and DTLS agreed on none */
    PHONELOG_DNS_LOOKUP,           /* DnsLookupErr for the ASA host */
    PHONELOG_AND_VPN_ENABLED,      /* Auto Network Detect: ping timed out, VPN brought up */
    PHONELOG_AND_VPN_SKIPPED,      /* Auto Network Detect ran, no time-out, VPN stays off */
    PHONELOG_CERT_HASH_MISMATCH,   /* the ASA's certificate is not trusted by hash/issuer */
    PHONELOG_HOST_ID_MISMATCH,     /* the gateway host is not the certificate's CN/SAN */
    PHONELOG_PROBLEM_COUNT
};

#define PHONELOG_MAX_EVIDENCE 8

/* One entry a finding rests on. */
struct phonelog_evidence {
    unsigned long long seq;   /* the entry's <seq>, as the phone numbered it */
    size_t line;              /* the line it starts on (1-based, LF ends a line) */
    size_t offset, len;       /* its bytes in the text, markdown trimmed at both ends */
};

struct phonelog_finding {
    enum phonelog_problem problem;
    const char *id;        /* stable machine name: "ec_cipher", ... */
    const char *title;     /* one line for the admin */
    const char *fix;       /* what to do, in a sentence or two */
    size_t lines[PHONELOG_MAX_EVIDENCE];   /* evidence[i].line: kept for old callers */
    size_t n_lines;                        /* entries in lines[] and evidence[] */
    struct phonelog_evidence evidence[PHONELOG_MAX_EVIDENCE];   /* in paste order */
};

/* What a diagnosis read, so that a caller can say "nothing recognised". */
struct phonelog_summary {
    size_t entries;      /* console-log entries found in the text */
    size_t recognised;   /* of those, entries whose meaning the diagnosis knows */
};

/* An entry's message is examined up to its first PHONELOG_LINE_SCAN bytes. */
#define PHONELOG_LINE_SCAN 4096

/* Findings in problem order, at most one per problem, at most max; returns how
 * many.  text need not be NUL-terminated (NULL when len is 0); out may be NULL
 * when max is 0; sum may be NULL. */
size_t phonelog_analyse(const char *text, size_t len, struct phonelog_finding *out,
                        size_t max, struct phonelog_summary *sum);

/* phonelog_analyse without the summary. */
size_t phonelog_diagnose(const char *text, size_t len, struct phonelog_finding *out,
                         size_t max);

/* One sentence for the admin on what was read: "Nothing recognised: ..." when no
 * entry, or no entry with a known meaning, was found; NULL when findings speak. */
const char *phonelog_verdict(const struct phonelog_summary *sum, size_t n_findings);

/* ---- reading entries: "<seq> <LEVEL> [<Mon> <DD>] [<time>] [(<pid>:<tid>)]
 * <MODULE>[ <thread>|<class>]: [-<function>:] <message>" ---- */

#define PHONELOG_NAME_MAX 96

struct phonelog_entry {
    unsigned long long seq;
    char level[4];                       /* "NOT", "ERR", ... */
    size_t line, offset, len;            /* as in struct phonelog_evidence */
    char module[PHONELOG_NAME_MAX];      /* "VPNC", "JAVA-vpnAutoDetect", "dnsmasq[322]" */
    char where[PHONELOG_NAME_MAX];       /* a Java thread|class path, or "" */
    char function[PHONELOG_NAME_MAX];    /* "protocol_handler", or "" */
    char message[PHONELOG_LINE_SCAN + 1];   /* backticks, ** and control bytes removed */
};

struct phonelog_reader {
    const char *text;
    size_t len, pos, line;   /* the next byte to read, and its line */
};

void phonelog_reader_init(struct phonelog_reader *r, const char *text, size_t len);

/* The next entry in the text into *e; false at the end.  Text outside entries
 * is passed over; an entry ends at the line's end, at the next entry's head, or
 * (when a backtick opened it) at the next backtick. */
bool phonelog_read_entry(struct phonelog_reader *r, struct phonelog_entry *e);

/* Line n (1-based, numbered as the evidence numbers it: only LF ends a line) of
 * text: sets *start to its first byte and returns its length without the LF and
 * without one CR before it.  When text has no line n (n is 0 or past the end)
 * it returns 0 and sets *start to "", so *start is always readable for the length
 * returned.  text need not be NUL-terminated and may be NULL when len is 0. */
size_t phonelog_line(const char *text, size_t len, size_t n, const char **start);

#endif
