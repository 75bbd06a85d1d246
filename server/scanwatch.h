/* scanwatch.h - hosts that ask for many config files of phones ucprov does
 * not know: a walk over MAC addresses to harvest the secrets other phones'
 * files carry.  Fed from the fetch log (TFTP and HTTP 6970 alike), shown in
 * diagnostics and /metrics, and, when the setting asks for it, refused.
 * Process-wide, like the metrics; safe from any thread. */
#ifndef UCPROV_SCANWATCH_H
#define UCPROV_SCANWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct scan_host {
    char client[64];
    unsigned unknown;            /* distinct unknown SEP names within the window */
    int64_t first_ms, last_ms;
    bool flagged;                /* at or past UCPROV_SCAN_THRESHOLD */
    uint64_t refused;            /* requests refused since it was flagged */
};

/* One fetch: client asked for device's config (device "" when the file is not
 * a phone's) and it was not found (unknown) or served. */
void scanwatch_note(const char *client, const char *device, bool unknown, int64_t now_ms);
/* Refuse flagged hosts from now on (ucprovd --refuse-mac-scans). */
void scanwatch_set_refusal(bool on);
/* Whether to refuse this client's request now (refusal on, host flagged);
 * counts the refusal. */
bool scanwatch_refuses(const char *client, int64_t now_ms);
/* The flagged hosts, most unknown names first, up to max; how many there are. */
size_t scanwatch_flagged(struct scan_host *out, size_t max, int64_t now_ms);
/* Requests for unknown SEP names seen, in all. */
uint64_t scanwatch_unknown_total(void);
/* Forget everything (tests). */
void scanwatch_reset(void);

#endif
