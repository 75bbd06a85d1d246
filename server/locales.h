/* locales.h - CUCM's user locales: the directory a phone fetches its language
 * from (<name>/ under the TFTP root) and what userLocale says about it. */
#ifndef UCPROV_LOCALES_H
#define UCPROV_LOCALES_H

#include <stdbool.h>

struct user_locale {
    const char *name;          /* "English_United_States": userLocale/name */
    const char *lang_code;     /* "en_US": userLocale/langCode */
    const char *win_char_set;  /* "iso-8859-1" or "utf-8": userLocale/winCharSet */
};

/* The locales of Cisco's locale installer, NULL-terminated. */
extern const struct user_locale user_locales[];

/* The locale named name (exact spelling), or NULL. */
const struct user_locale *user_locale_find(const char *name);

/* True for a name a phone can fetch a locale directory by: 1..50 characters
 * of [A-Za-z0-9_] (user and network locales alike; the schema checks the same). */
bool locale_name_valid(const char *name);

#endif
