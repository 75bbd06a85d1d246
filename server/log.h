/* log.h - one line per event to stderr, with a level; never pass secrets. */
#ifndef UCPROV_LOG_H
#define UCPROV_LOG_H

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

#include <stdbool.h>

void log_set_level(enum log_level level);
/* "debug", "info", "warn", "error"; false when unknown. */
bool log_level_parse(const char *name, enum log_level *level);
/* From now on, lines go to syslog (facility daemon) instead of stderr. */
void log_to_syslog(const char *ident);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
