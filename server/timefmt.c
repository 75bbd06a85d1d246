/* timefmt.c - clock and RFC 3339 text. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

char *time_rfc3339(int64_t secs, char *buf, size_t len)
{
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

char *time_rfc3339_ms(int64_t ms, char *buf, size_t len)
{
    char base[32];
    time_rfc3339(ms / 1000, base, sizeof base);
    snprintf(buf, len, "%.19s.%03dZ", base, (int)(ms % 1000));
    return buf;
}

bool time_parse_ms(const char *text, int64_t *ms)
{
    if (*text == '\0')
        return false;
    bool digits = true;
    for (const char *c = text; *c && digits; c++)
        digits = isdigit((unsigned char)*c) != 0;
    if (digits) {
        if (strlen(text) > 15)   /* keeps secs * 1000 inside int64 */
            return false;
        long long secs = 0;
        sscanf(text, "%lld", &secs);
        *ms = (int64_t)secs * 1000;
        return true;
    }
    struct tm tm = { 0 };
    const char *end = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
    if (end == NULL)
        return false;
    if (*end == '.')
        while (isdigit((unsigned char)*++end))
            ;
    if (strcmp(end, "Z") != 0 && strcmp(end, "+00:00") != 0)
        return false;
    *ms = (int64_t)timegm(&tm) * 1000;
    return true;
}
