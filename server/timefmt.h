/* timefmt.h - the one clock and the one way times are written and read:
 * RFC 3339 in UTC on the wire and in the CLI, milliseconds since the epoch in
 * the database. */
#ifndef UCPROV_TIMEFMT_H
#define UCPROV_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wall-clock time in milliseconds since the epoch. */
int64_t time_now_ms(void);
/* A clock that never steps back, in nanoseconds: for intervals and deadlines. */
int64_t time_mono_ns(void);
/* "2026-11-27T10:00:00Z" for seconds since the epoch; returns buf. */
char *time_rfc3339(int64_t secs, char *buf, size_t len);
/* "2026-11-27T10:00:00.123Z" for milliseconds since the epoch; returns buf. */
char *time_rfc3339_ms(int64_t ms, char *buf, size_t len);
/* RFC 3339 UTC ("...Z" or "+00:00", fraction allowed) or seconds since the
 * epoch, as milliseconds; false when it is neither. */
bool time_parse_ms(const char *text, int64_t *ms);

#endif
