/* timezones.c - the time zone names phones accept in dateTimeSetting.
 *
 * The list is the one usecallmanager.nz documents for 78xx/88xx firmware
 * (sepmac-cnf-xml.html, timeZone), the same names CUCM writes from a
 * Date/Time Group; "/Daylight" in a name means the zone observes daylight
 * saving time, which the phone applies by itself. */
#include <config.h>

#include <string.h>

#include "timezones.h"

const char *const time_zone_names[] = {
    "Dateline Standard Time",
    "Samoa Standard Time",
    "Hawaiian Standard Time",
    "Alaskan Standard/Daylight Time",
    "Pacific Standard/Daylight Time",
    "Mountain Standard/Daylight Time",
    "US Mountain Standard Time",
    "Central Standard/Daylight Time",
    "Mexico Standard/Daylight Time",
    "Canada Central Standard Time",
    "SA Pacific Standard Time",
    "Eastern Standard/Daylight Time",
    "US Eastern Standard Time",
    "Atlantic Standard/Daylight Time",
    "SA Western Standard Time",
    "Pacific SA Standard Time",
    "Newfoundland Standard/Daylight Time",
    "E. South America Standard/Daylight Time",
    "SA Eastern Standard Time",
    "Pacific SA Daylight Time",
    "Mid-Atlantic Standard/Daylight Time",
    "Azores Standard/Daylight Time",
    "GMT Standard/Daylight Time",
    "Greenwich Standard Time",
    "W. Europe Standard/Daylight Time",
    "GTB Standard/Daylight Time",
    "Egypt Standard/Daylight Time",
    "E. Europe Standard/Daylight Time",
    "Romance Standard/Daylight Time",
    "Central Europe Standard/Daylight Time",
    "South Africa Standard Time",
    "Jerusalem Standard/Daylight Time",
    "Saudi Arabia Standard Time",
    "Russian Standard/Daylight Time",
    "Iran Standard/Daylight Time",
    "Caucasus Standard/Daylight Time",
    "Arabian Standard Time",
    "Afghanistan Standard Time",
    "West Asia Standard Time",
    "Ekaterinburg Standard Time",
    "India Standard Time",
    "Central Asia Standard Time",
    "SE Asia Standard Time",
    "China Standard/Daylight Time",
    "Taipei Standard Time",
    "Tokyo Standard Time",
    "Cen. Australia Standard/Daylight Time",
    "AUS Central Standard Time",
    "E. Australia Standard Time",
    "AUS Eastern Standard/Daylight Time",
    "West Pacific Standard Time",
    "Tasmania Standard/Daylight Time",
    "Central Pacific Standard Time",
    "Fiji Standard Time",
    "New Zealand Standard/Daylight Time",
    NULL
};

const size_t time_zone_count = sizeof time_zone_names / sizeof time_zone_names[0] - 1;

bool time_zone_valid(const char *name)
{
    if (name == NULL)
        return false;
    for (size_t i = 0; i < time_zone_count; i++)
        if (strcmp(time_zone_names[i], name) == 0)
            return true;
    return false;
}

/* The date templates with '/' as the separator; the other separators are
 * the same templates with '/' replaced throughout. */
static const char *const date_orders[] = {
    "M/D/Y", "M/D/YA", "M/D/YY", "M/D/YYA",
    "D/M/Y", "D/M/YA", "D/M/YY", "D/M/YYA",
    "Y/M/D", "Y/M/DA", "YY/M/D", "YY/M/DA",
};

bool date_template_valid(const char *tmpl)
{
    char sep = 0, canon[8];
    size_t n = tmpl ? strlen(tmpl) : 0;
    if (n == 0 || n >= sizeof canon)
        return false;
    for (size_t i = 0; i <= n; i++) {
        char c = tmpl[i];
        if (c == '/' || c == '-' || c == '.') {
            if (sep != 0 && c != sep)
                return false;   /* one separator throughout */
            sep = c;
            c = '/';
        }
        canon[i] = c;
    }
    for (size_t i = 0; i < sizeof date_orders / sizeof date_orders[0]; i++)
        if (strcmp(date_orders[i], canon) == 0)
            return true;
    return false;
}
