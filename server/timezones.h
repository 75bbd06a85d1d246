/* timezones.h - CUCM's names for a Date/Time Group's time zone and date format.
 *
 * dateTimeSetting/timeZone carries a Windows-style name ("Tokyo Standard Time",
 * "Pacific Standard/Daylight Time") whose offsets and daylight rules the phone
 * firmware knows; a name outside this list leaves the phone on the wrong time. */
#ifndef UCPROV_TIMEZONES_H
#define UCPROV_TIMEZONES_H

#include <stdbool.h>
#include <stddef.h>

/* The names, in CUCM's order (west to east), NULL-terminated. */
extern const char *const time_zone_names[];
extern const size_t time_zone_count;

/* True when name is one of time_zone_names, spelled exactly. */
bool time_zone_valid(const char *name);

/* True for a dateTemplate: day, month and year in M/D/Y, D/M/Y or Y/M/D order
 * with one separator ('/', '-' or '.'), "YY" for a 4-digit year, a trailing
 * 'A' for a 12-hour clock ("M/D/Y", "D.M.YYA", "Y-M-D"). */
bool date_template_valid(const char *tmpl);

#endif
