/* locales.c - user locale names, language codes and character sets.
 *
 * Names are those of Cisco's locale installer (the directory names under
 * usr/locale/cm/tftp in a po-locale package); language codes are ISO 639-1
 * with the ISO 3166 country.  CUCM writes iso-8859-1 for English; the other
 * Latin-1 languages get the same, and every language Latin-1 cannot spell
 * gets utf-8, which 78xx/88xx firmware reads (usecallmanager.nz: either
 * value is accepted). */
#include <config.h>

#include <string.h>

#include "locales.h"

#define LATIN1 "iso-8859-1"
#define UTF8   "utf-8"

const struct user_locale user_locales[] = {
    { "English_United_States", "en_US", LATIN1 },
    { "English_United_Kingdom", "en_GB", LATIN1 },
    { "Arabic_Saudi_Arabia", "ar_SA", UTF8 },
    { "Bulgarian_Bulgaria", "bg_BG", UTF8 },
    { "Chinese_China", "zh_CN", UTF8 },
    { "Chinese_Taiwan", "zh_TW", UTF8 },
    { "Croatian_Croatia", "hr_HR", UTF8 },
    { "Czech_Czech_Republic", "cs_CZ", UTF8 },
    { "Danish_Denmark", "da_DK", LATIN1 },
    { "Dutch_Netherlands", "nl_NL", LATIN1 },
    { "Estonian_Estonia", "et_EE", UTF8 },
    { "Finnish_Finland", "fi_FI", LATIN1 },
    { "French_Canada", "fr_CA", LATIN1 },
    { "French_France", "fr_FR", LATIN1 },
    { "German_Germany", "de_DE", LATIN1 },
    { "Greek_Greece", "el_GR", UTF8 },
    { "Hebrew_Israel", "he_IL", UTF8 },
    { "Hungarian_Hungary", "hu_HU", UTF8 },
    { "Italian_Italy", "it_IT", LATIN1 },
    { "Japanese_Japan", "ja_JP", UTF8 },
    { "Korean_Korea_Republic", "ko_KR", UTF8 },
    { "Latvian_Latvia", "lv_LV", UTF8 },
    { "Lithuanian_Lithuania", "lt_LT", UTF8 },
    { "Norwegian_Norway", "no_NO", LATIN1 },
    { "Polish_Poland", "pl_PL", UTF8 },
    { "Portuguese_Brazil", "pt_BR", LATIN1 },
    { "Portuguese_Portugal", "pt_PT", LATIN1 },
    { "Romanian_Romania", "ro_RO", UTF8 },
    { "Russian_Russian_Federation", "ru_RU", UTF8 },
    { "Serbian_Republic_of_Montenegro", "sr_ME", UTF8 },
    { "Serbian_Republic_of_Serbia", "sr_RS", UTF8 },
    { "Slovak_Slovakia", "sk_SK", UTF8 },
    { "Slovenian_Slovenia", "sl_SI", UTF8 },
    { "Spanish_Spain", "es_ES", LATIN1 },
    { "Swedish_Sweden", "sv_SE", LATIN1 },
    { "Thai_Thailand", "th_TH", UTF8 },
    { "Turkish_Turkey", "tr_TR", UTF8 },
    { NULL, NULL, NULL }
};

const struct user_locale *user_locale_find(const char *name)
{
    for (const struct user_locale *l = user_locales; name != NULL && l->name; l++)
        if (strcmp(l->name, name) == 0)
            return l;
    return NULL;
}

bool locale_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 50)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    return true;
}
