/* test_callcontrol.c - the call control vocabulary and schema (issue 12):
 * CUCM's time zone names and date templates, user locales, and migration
 * 0005's constraints on a fresh in-memory database built from the embedded
 * migrations, the way the store builds its own. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "server/embedded.h"
#include "server/locales.h"
#include "server/timezones.h"

/* ---- time zones and date templates ------------------------------------------ */

START_TEST(time_zone_list)
{
    ck_assert(time_zone_valid("Tokyo Standard Time"));
    ck_assert(time_zone_valid("Pacific Standard/Daylight Time"));
    ck_assert(time_zone_valid("Greenwich Standard Time"));   /* system_settings' default */
    ck_assert(time_zone_valid("Cen. Australia Standard/Daylight Time"));
    ck_assert(time_zone_valid("New Zealand Standard/Daylight Time"));
    ck_assert(!time_zone_valid("tokyo standard time"));      /* spelled exactly */
    ck_assert(!time_zone_valid("Tokyo Standard Time "));
    ck_assert(!time_zone_valid("Asia/Tokyo"));
    ck_assert(!time_zone_valid(""));
    ck_assert(!time_zone_valid(NULL));
    ck_assert_uint_eq(time_zone_count, 55);
    ck_assert_ptr_null(time_zone_names[time_zone_count]);
    for (size_t i = 0; i < time_zone_count; i++) {
        ck_assert_uint_le(strlen(time_zone_names[i]), 64);   /* date_time_groups.time_zone */
        for (size_t j = i + 1; j < time_zone_count; j++)
            ck_assert_str_ne(time_zone_names[i], time_zone_names[j]);
    }
}
END_TEST

START_TEST(date_templates)
{
    static const char *const good[] = {
        "M/D/Y", "D/M/Y", "Y/M/D", "M/D/YA", "D/M/YY", "D/M/YYA", "YY/M/D", "Y/M/DA",
        "M-D-Y", "D.M.Y", "D.M.YYA", "Y-M-D", "YY.M.DA",
    };
    static const char *const bad[] = {
        "", "M/D", "M/M/Y", "D/M/Y/", "M/D-Y", "D.M-Y", "M D Y", "m/d/y", "D/M/YYY",
        "D/M/YAA", "Y/D/M", "M/D/YB", "MM/DD/YY",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(date_template_valid(good[i]), "%s refused", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!date_template_valid(bad[i]), "%s accepted", bad[i]);
    ck_assert(!date_template_valid(NULL));
}
END_TEST

/* ---- locales ------------------------------------------------------------------ */

START_TEST(user_locale_table)
{
    const struct user_locale *l = user_locale_find("English_United_States");
    ck_assert_ptr_nonnull(l);
    ck_assert_str_eq(l->lang_code, "en_US");
    ck_assert_str_eq(l->win_char_set, "iso-8859-1");
    l = user_locale_find("Japanese_Japan");
    ck_assert_ptr_nonnull(l);
    ck_assert_str_eq(l->lang_code, "ja_JP");
    ck_assert_str_eq(l->win_char_set, "utf-8");
    ck_assert_ptr_null(user_locale_find("english_united_states"));
    ck_assert_ptr_null(user_locale_find(NULL));
    for (l = user_locales; l->name; l++) {
        ck_assert_msg(locale_name_valid(l->name), "%s", l->name);
        ck_assert_uint_eq(strlen(l->lang_code), 5);
        ck_assert_int_eq(l->lang_code[2], '_');
        ck_assert(strcmp(l->win_char_set, "utf-8") == 0 ||
                  strcmp(l->win_char_set, "iso-8859-1") == 0);
    }
    ck_assert(locale_name_valid("United_States"));
    ck_assert(!locale_name_valid("United States"));
    ck_assert(!locale_name_valid("../etc"));
    ck_assert(!locale_name_valid(""));
}
END_TEST

/* ---- schema 0005 -------------------------------------------------------------- */

static sqlite3 *db;

static void db_setup(void)
{
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL), SQLITE_OK);
    /* the embedded files are in migration order, like the store applies them */
    int applied = 0;
    for (const struct embedded_file *f = embedded_files; f->name; f++) {
        if (strstr(f->name, ".sql") == NULL)
            continue;
        char *err = NULL;
        int rc = sqlite3_exec(db, (const char *)f->data, NULL, NULL, &err);
        ck_assert_msg(rc == SQLITE_OK, "%s: %s", f->name, err ? err : "?");
        applied++;
    }
    ck_assert_int_ge(applied, 5);
}

static void db_teardown(void)
{
    sqlite3_close(db);
    db = NULL;
}

static bool sql_ok(const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static long long sql_int(const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

#define ck_sql_ok(sql) ck_assert_msg(sql_ok(sql), "refused: %s (%s)", (sql), sqlite3_errmsg(db))
#define ck_sql_refused(sql) ck_assert_msg(!sql_ok(sql), "accepted: %s", (sql))

START_TEST(standard_sip_profile_seeded)
{
    ck_assert_int_eq(sql_int("SELECT count(*) FROM sip_profiles WHERE name = "
                             "'Standard SIP Profile' AND transport = 1 AND "
                             "device_security_mode = 1 AND timer_register_expires = 3600 AND "
                             "timer_t1 = 500 AND timer_t2 = 4000 AND start_media_port = 16384 "
                             "AND stop_media_port = 32766"), 1);
    ck_sql_refused("INSERT INTO sip_profiles (name, transport) VALUES ('tls', 3)");
    ck_sql_ok("INSERT INTO sip_profiles (name, transport, device_security_mode) "
              "VALUES ('tls', 3, 3)");
    ck_sql_refused("INSERT INTO sip_profiles (name, device_security_mode) VALUES ('x', 2)");
    ck_sql_refused("INSERT INTO sip_profiles (name, start_media_port, stop_media_port) "
                   "VALUES ('x', 30000, 20000)");
    ck_sql_refused("INSERT INTO sip_profiles (name, nat_address) VALUES ('x', '203.0.113.7')");
    ck_sql_ok("INSERT INTO sip_profiles (name, nat_enabled, nat_address) "
              "VALUES ('nat', 1, '203.0.113.7')");
    ck_sql_refused("INSERT INTO sip_profiles (name, timer_t1, timer_t2) VALUES ('x', 900, 800)");
}
END_TEST

/* The schema's date template check and date_template_valid() agree on every
 * template of two letters, a third part and two separators, mixed or not. */
START_TEST(date_template_check_agrees)
{
    static const char *const firsts[] = { "M", "D", "Y", "YY" };
    static const char *const seconds[] = { "D", "M", "Y" };
    static const char *const tails[] = { "Y", "YA", "YY", "YYA", "D", "DA", "M", "" };
    static const char seps[] = "/-.";
    char tmpl[16], sql[128];
    int valid = 0;
    for (size_t f = 0; f < sizeof firsts / sizeof firsts[0]; f++)
        for (size_t m = 0; m < sizeof seconds / sizeof seconds[0]; m++)
            for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++)
                for (int a = 0; a < 3; a++)
                    for (int b = 0; b < 3; b++) {
                        snprintf(tmpl, sizeof tmpl, "%s%c%s%c%s", firsts[f], seps[a],
                                 seconds[m], seps[b], tails[t]);
                        snprintf(sql, sizeof sql, "INSERT INTO date_time_groups "
                                 "(name, date_template) VALUES ('g', '%s')", tmpl);
                        bool db_ok = sql_ok(sql);
                        ck_assert(sql_ok("DELETE FROM date_time_groups"));
                        ck_assert_msg(db_ok == date_template_valid(tmpl),
                                      "%s: schema %d, C %d", tmpl, db_ok,
                                      date_template_valid(tmpl));
                        valid += db_ok;
                    }
    ck_assert_int_eq(valid, 12 * 3);   /* twelve templates, each with three separators */
}
END_TEST

START_TEST(every_time_zone_fits)
{
    char sql[256];
    for (size_t i = 0; i < time_zone_count; i++) {
        snprintf(sql, sizeof sql, "INSERT INTO date_time_groups (name, time_zone) "
                                  "VALUES ('g%zu', '%s')", i, time_zone_names[i]);
        ck_sql_ok(sql);
    }
}
END_TEST

/* A device pool with its group and date/time group, a phone in it with two
 * lines, one of them a directory number shared with a second phone. */
static void pool_and_phones(void)
{
    ck_sql_ok("INSERT INTO call_managers (id, name, host) VALUES "
              "(1, 'cm1', 'cm1.example.lab'), (2, 'cm2', '10.0.0.2'), (3, 'cm3', 'fe80::3'), "
              "(4, 'cm4', 'cm4.example.lab')");
    ck_sql_ok("INSERT INTO call_manager_groups (id, name) VALUES (1, 'CMG')");
    ck_sql_ok("INSERT INTO call_manager_group_members (group_id, call_manager_id, position) "
              "VALUES (1, 1, 0), (1, 2, 1), (1, 3, 2)");
    ck_sql_ok("INSERT INTO date_time_groups (id, name, time_zone, date_template) "
              "VALUES (1, 'Tokyo', 'Tokyo Standard Time', 'Y/M/D')");
    ck_sql_ok("INSERT INTO date_time_group_ntp_servers (group_id, position, host) "
              "VALUES (1, 0, 'ntp1.example.lab'), (1, 1, '10.0.0.123')");
    ck_sql_ok("INSERT INTO device_pools (id, name, call_manager_group_id, date_time_group_id, "
              "user_locale, network_locale) VALUES (1, 'Tokyo Phones', 1, 1, 'Japanese_Japan', "
              "'Japan')");
    ck_sql_ok("INSERT INTO phones (id, name, model, common_phone_profile_id, device_pool_id, "
              "sip_profile_id) VALUES (1, 'SEP0011223344CC', 'Cisco 8851', 1, 1, 1), "
              "(2, 'SEP0011223344DD', 'Cisco 8841', 1, 1, 1)");
    ck_sql_ok("INSERT INTO directory_numbers (id, pattern, display_name, auth_name, "
              "auth_password, voicemail_number) VALUES (1, '1001', 'Taro', 'taro', 's1', '8000'), "
              "(2, '2000', 'Reception', 'reception', 's2', '8000')");
    ck_sql_ok("INSERT INTO phone_lines (phone_id, button, directory_number_id, label) VALUES "
              "(1, 1, 1, '1001 Taro'), (1, 2, 2, 'Reception'), (2, 1, 2, 'Reception')");
}

START_TEST(groups_and_pools)
{
    pool_and_phones();
    /* at most three members, each once, in distinct positions */
    ck_sql_refused("INSERT INTO call_manager_group_members VALUES (1, 4, 3)");
    ck_sql_refused("INSERT INTO call_manager_group_members VALUES (1, 1, 2)");
    ck_sql_refused("INSERT INTO call_manager_group_members VALUES (1, 4, 0)");
    ck_sql_refused("INSERT INTO call_managers (name, host) VALUES ('bad', 'a host')");
    ck_sql_refused("INSERT INTO call_managers (name, host) VALUES ('cm1', 'other')");
    ck_sql_refused("INSERT INTO call_managers (name, host) VALUES ('long', "
                   "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')");   /* 51 */
    ck_sql_refused("INSERT INTO call_managers (name, host, sip_port) VALUES ('p', 'h', 0)");
    /* at most four NTP servers, no repeats */
    ck_sql_ok("INSERT INTO date_time_group_ntp_servers VALUES (1, 2, 'ntp3'), (1, 3, 'ntp4')");
    ck_sql_refused("INSERT INTO date_time_group_ntp_servers VALUES (1, 4, 'ntp5')");
    ck_sql_refused("INSERT INTO date_time_group_ntp_servers VALUES (1, 0, 'ntp6')");
    ck_sql_refused("UPDATE date_time_group_ntp_servers SET host = 'ntp4' WHERE position = 2");
    /* what is in use cannot go; a group takes its members and servers along */
    ck_sql_refused("DELETE FROM call_managers WHERE id = 1");
    ck_sql_refused("DELETE FROM call_manager_groups WHERE id = 1");
    ck_sql_refused("DELETE FROM date_time_groups WHERE id = 1");
    ck_sql_refused("DELETE FROM device_pools WHERE id = 1");
    ck_sql_refused("DELETE FROM sip_profiles WHERE id = 1");
    ck_sql_ok("UPDATE phones SET device_pool_id = NULL, sip_profile_id = NULL");
    ck_sql_ok("DELETE FROM device_pools WHERE id = 1");
    ck_sql_ok("DELETE FROM call_manager_groups WHERE id = 1");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM call_manager_group_members"), 0);
    ck_sql_ok("DELETE FROM date_time_groups WHERE id = 1");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM date_time_group_ntp_servers"), 0);
    ck_sql_ok("DELETE FROM call_managers WHERE id = 1");
    ck_sql_refused("INSERT INTO device_pools (name, call_manager_group_id, date_time_group_id) "
                   "VALUES ('dangling', 99, 99)");
    ck_sql_refused("UPDATE phones SET device_pool_id = 99 WHERE id = 1");
}
END_TEST

START_TEST(locale_names_checked)
{
    pool_and_phones();
    ck_sql_refused("UPDATE device_pools SET user_locale = '../etc'");
    ck_sql_refused("UPDATE device_pools SET network_locale = 'United States'");
    ck_sql_refused("UPDATE device_pools SET user_locale = ''");
    ck_sql_ok("UPDATE device_pools SET user_locale = 'English_United_Kingdom', "
              "network_locale = 'United_Kingdom'");
}
END_TEST

START_TEST(lines_and_numbers)
{
    pool_and_phones();
    /* a button holds one line; a number appears once per phone */
    ck_sql_refused("INSERT INTO phone_lines (phone_id, button, directory_number_id) "
                   "VALUES (1, 1, 2)");
    ck_sql_refused("INSERT INTO phone_lines (phone_id, button, directory_number_id) "
                   "VALUES (1, 3, 1)");
    ck_sql_refused("INSERT INTO phone_lines (phone_id, button, directory_number_id) "
                   "VALUES (1, 65, 1)");
    ck_sql_refused("INSERT INTO phone_lines (phone_id, button, directory_number_id, "
                   "max_num_calls, busy_trigger) VALUES (2, 2, 1, 2, 3)");
    ck_sql_refused("INSERT INTO phone_lines (phone_id, button, directory_number_id) "
                   "VALUES (1, 3, 99)");
    /* directory numbers: unique patterns, SIP-safe characters, credentials limits */
    ck_sql_refused("INSERT INTO directory_numbers (pattern) VALUES ('1001')");
    ck_sql_refused("INSERT INTO directory_numbers (pattern) VALUES ('10 01')");
    ck_sql_refused("INSERT INTO directory_numbers (pattern) VALUES ('1001@x')");
    ck_sql_refused("INSERT INTO directory_numbers (pattern, auth_password) VALUES ('3000', 'pw')");
    ck_sql_refused("INSERT INTO directory_numbers (pattern, auth_name, auth_password) VALUES "
                   "('3000', 'u', 'pppppppppppppppppppppppppppppp1')");   /* 31 */
    ck_sql_refused("INSERT INTO directory_numbers (pattern, voicemail_number) "
                   "VALUES ('3000', 'vm')");
    ck_sql_ok("INSERT INTO directory_numbers (pattern, voicemail_number) VALUES ('+813000', '*97')");
    /* the shared line is the number on more than one phone */
    ck_assert_int_eq(sql_int("SELECT count(*) FROM phone_lines WHERE directory_number_id = 2"),
                     2);
    /* a number in use stays; a phone takes its lines along */
    ck_sql_refused("DELETE FROM directory_numbers WHERE id = 2");
    ck_sql_ok("DELETE FROM phones WHERE id = 1");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM phone_lines WHERE phone_id = 1"), 0);
    ck_sql_ok("DELETE FROM directory_numbers WHERE id = 1");
    ck_sql_refused("DELETE FROM directory_numbers WHERE id = 2");
}
END_TEST

static Suite *callcontrol_suite(void)
{
    Suite *s = suite_create("callcontrol");
    TCase *tc = tcase_create("names");
    tcase_add_test(tc, time_zone_list);
    tcase_add_test(tc, date_templates);
    tcase_add_test(tc, user_locale_table);
    suite_add_tcase(s, tc);

    tc = tcase_create("schema");
    tcase_add_checked_fixture(tc, db_setup, db_teardown);
    tcase_add_test(tc, standard_sip_profile_seeded);
    tcase_add_test(tc, date_template_check_agrees);
    tcase_add_test(tc, every_time_zone_fits);
    tcase_add_test(tc, groups_and_pools);
    tcase_add_test(tc, locale_names_checked);
    tcase_add_test(tc, lines_and_numbers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(callcontrol_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
