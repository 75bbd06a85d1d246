/* log.c - levelled log lines, to stderr (timestamped, one write() per line so
 * that lines from several threads never interleave) or to syslog. */
#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum log_level min_level = LOG_LEVEL_INFO;
static bool use_syslog;

static const struct {
    const char *name;
    int syslog_priority;
} levels[] = {
    [LOG_LEVEL_DEBUG] = { "debug", LOG_DEBUG },
    [LOG_LEVEL_INFO] = { "info", LOG_INFO },
    [LOG_LEVEL_WARN] = { "warn", LOG_WARNING },
    [LOG_LEVEL_ERROR] = { "error", LOG_ERR },
};

void log_set_level(enum log_level level)
{
    min_level = level;
}

bool log_level_parse(const char *name, enum log_level *level)
{
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(levels[i].name, name) == 0) {
            *level = (enum log_level)i;
            return true;
        }
    return false;
}

void log_to_syslog(const char *ident)
{
    openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
    use_syslog = true;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (level < min_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (use_syslog) {
        vsyslog(levels[level].syslog_priority, fmt, ap);
        va_end(ap);
        return;
    }
    char line[1024];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = (int)strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
    n += snprintf(line + n, sizeof line - (size_t)n, ".%03ldZ %s ", ts.tv_nsec / 1000000,
                  levels[level].name);
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
