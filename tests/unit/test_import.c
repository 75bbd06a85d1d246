/* test_import.c - the bulk phone import and export on a fresh database:
 * refusals name the line and column, quoted fields, duplicates in the file
 * and in the database, all or nothing, the cache after an import, and the
 * export -> import -> export round trip; the call control columns (issue 12):
 * a device pool and BAT's "DN n"/"Label n" line columns. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/cache.h"
#include "server/csvio.h"
#include "server/limits.h"
#include "server/log.h"
#include "server/service/service.h"
#include "svc_fixture.h"

#define HEADER IMPORT_HEADER "\n"
#define CPP "Standard Common Phone Profile"

static struct service *sv;
static const struct actor who = { 0, "test" };

static void setup(void)
{
    fixture_dir_make("import");
    sv = fixture_service_open();
}

static void teardown(void)
{
    service_close(sv);
    fixture_dir_remove();
}

static int import(const char *csv, struct import_result *res, struct problem *p)
{
    memset(p, 0, sizeof *p);
    return service_import_phones(sv, &who, csv, strlen(csv), NULL, NULL, res, p);
}

static int64_t phone_count(void)
{
    struct list_query q = { MATCH_ANY, NULL, 1, 0 };
    struct record *items = NULL;
    size_t n = 0;
    int64_t total = -1;
    struct problem p = { 0 };
    ck_assert_int_eq(service_list(sv, ENT_PHONE, &q, &items, &n, &total, &p), 0);
    for (size_t i = 0; i < n; i++)
        record_free(&items[i]);
    free(items);
    return total;
}

static char *export(size_t *len)
{
    char *csv = NULL;
    struct problem p = { 0 };
    ck_assert_int_eq(service_export_phones(sv, &csv, len, &p), 0);
    return csv;
}

/* Asserts that error i is at line/column and its message holds text. */
static void assert_error(const struct problem *p, const struct import_result *res, size_t i,
                         long line, const char *column, const char *text)
{
    ck_assert_uint_gt(p->n_errors, i);
    ck_assert_int_eq(res->where[i].line, line);
    ck_assert_str_eq(res->where[i].column, column);
    ck_assert_msg(strstr(p->errors[i].message, text) != NULL, "error %zu is '%s', not '%s'", i,
                  p->errors[i].message, text);
}

START_TEST(imports_and_normalises_names)
{
    struct import_result res;
    struct problem p;
    ck_assert_int_eq(import(HEADER "sep00562b043615,Cisco 8861,Desk 1," CPP "\n"
                            "SEP00562B043616,Cisco 7841,," CPP "\n", &res, &p), 0);
    ck_assert_uint_eq(res.imported, 2);
    int64_t id;
    ck_assert_int_eq(service_lookup_name(sv, ENT_PHONE, "SEP00562B043615", &id), 0);
    struct record r;
    ck_assert_int_eq(service_get(sv, ENT_PHONE, id, &r, &p), 0);
    ck_assert_str_eq(r.v[entity_field_index(entity_get(ENT_PHONE), "description")].s, "Desk 1");
    record_free(&r);
}
END_TEST

START_TEST(bad_rows_name_line_and_column)
{
    struct import_result res;
    struct problem p;
    const char *csv = HEADER
        "SEP00562B043615,Cisco 8861,ok," CPP "\n"              /* line 2 */
        "SEP00562B04361,Cisco 8861,short name," CPP "\n"       /* line 3 */
        "SEP00562B043617,Cisco 9999,unknown model," CPP "\n"   /* line 4 */
        "SEP00562B043618,Cisco 8861,no profile,Nowhere\n"      /* line 5 */
        "SEP00562B043619,,," CPP "\n"                           /* line 6 */
        "SEP00562B04361A,Cisco 8861,too,many," CPP "\n";       /* line 7 */
    ck_assert_int_eq(import(csv, &res, &p), -1);
    ck_assert_int_eq(p.status, 400);
    ck_assert_uint_eq(p.n_errors, 5);
    assert_error(&p, &res, 0, 3, "name", "SEP followed by the 12 hex digits");
    assert_error(&p, &res, 1, 4, "model", "'Cisco 9999' is not in the model catalogue");
    assert_error(&p, &res, 2, 5, "common_phone_profile", "no common phone profile named "
                 "'Nowhere'");
    assert_error(&p, &res, 3, 6, "model", "is required");
    assert_error(&p, &res, 4, 7, "", "5 fields where the header has 4 columns");
    ck_assert_str_eq(p.errors[1].field, "line 4, column model");
    ck_assert_int_eq(phone_count(), 0);   /* line 2 was good, and is not kept */
}
END_TEST

START_TEST(description_limits_match_single_create)
{
    char csv[512];
    char long_desc[UCPROV_DESCRIPTION_MAX + 2];
    memset(long_desc, 'x', sizeof long_desc - 1);
    long_desc[sizeof long_desc - 1] = '\0';
    snprintf(csv, sizeof csv, HEADER "SEP00562B043615,Cisco 8861,%s," CPP "\n", long_desc);
    struct import_result res;
    struct problem p, single = { 0 };
    ck_assert_int_eq(import(csv, &res, &p), -1);

    struct record r = { .kind = ENT_PHONE };
    const struct entity_def *e = entity_get(ENT_PHONE);
    value_set_text(&r.v[entity_field_index(e, "name")], "SEP00562B043615");
    value_set_text(&r.v[entity_field_index(e, "model")], "Cisco 8861");
    value_set_text(&r.v[entity_field_index(e, "description")], long_desc);
    value_set_int(&r.v[entity_field_index(e, "common_phone_profile")], 1);
    int64_t id;
    ck_assert_int_eq(service_create(sv, &who, &r, &id, &single), -1);
    record_free(&r);
    /* Same rule, same words, whichever way the phone comes in. */
    ck_assert_uint_eq(p.n_errors, 1);
    ck_assert_uint_eq(single.n_errors, 1);
    ck_assert_str_eq(p.errors[0].message, single.errors[0].message);
    ck_assert_str_eq(res.where[0].column, "description");
}
END_TEST

START_TEST(quoted_fields_commas_newlines_crlf)
{
    struct import_result res;
    struct problem p;
    const char *csv = "model,name,common_phone_profile,description\r\n"
                      "Cisco 8861,SEP00562B043615," CPP ",\"Desk, \"\"north\"\" wing\"\r\n"
                      "Cisco 8861,SEP00562B043616,\"" CPP "\",\"  padded  \"\r\n";
    ck_assert_int_eq(import(csv, &res, &p), 0);
    ck_assert_uint_eq(res.imported, 2);
    size_t len;
    char *out = export(&len);
    ck_assert_str_eq(out, HEADER
                     "SEP00562B043615,Cisco 8861,\"Desk, \"\"north\"\" wing\"," CPP "\n"
                     "SEP00562B043616,Cisco 8861,\"  padded  \"," CPP "\n");
    free(out);
}
END_TEST

START_TEST(a_quoted_newline_keeps_the_line_count)
{
    struct import_result res;
    struct problem p;
    /* Line 2's description spans lines 2-3 (and is refused for its line
     * break, as a single create refuses control characters); the bad
     * model is on line 5, after a blank line 4. */
    const char *csv = HEADER
        "SEP00562B043615,Cisco 8861,\"two\nlines\"," CPP "\n"
        "\n"
        "SEP00562B043616,Cisco 1234,," CPP "\n";
    ck_assert_int_eq(import(csv, &res, &p), -1);
    ck_assert_uint_eq(p.n_errors, 2);
    assert_error(&p, &res, 0, 2, "description", "control characters");
    assert_error(&p, &res, 1, 5, "model", "not in the model catalogue");
}
END_TEST

START_TEST(malformed_csv_is_refused_with_its_line)
{
    struct import_result res;
    struct problem p;
    ck_assert_int_eq(import(HEADER "SEP00562B043615,Cisco 8861,\"open," CPP "\n", &res, &p), -1);
    ck_assert_uint_eq(p.n_errors, 1);
    assert_error(&p, &res, 0, 2, "", "malformed CSV");
    ck_assert_int_eq(import("", &res, &p), -1);
    assert_error(&p, &res, 0, 1, "", "empty");
    ck_assert_int_eq(import("name,model,colour\n", &res, &p), -1);
    assert_error(&p, &res, 0, 1, "", "'colour' is not a column");
    assert_error(&p, &res, 1, 1, "", "no 'common_phone_profile' column");
    ck_assert_int_eq(phone_count(), 0);
}
END_TEST

START_TEST(duplicate_in_file)
{
    struct import_result res;
    struct problem p;
    ck_assert_int_eq(import(HEADER "SEP00562B043615,Cisco 8861,," CPP "\n"
                            "SEP00562B043616,Cisco 8861,," CPP "\n"
                            "sep00562b043615,Cisco 8841,," CPP "\n", &res, &p), -1);
    ck_assert_uint_eq(p.n_errors, 1);
    assert_error(&p, &res, 0, 4, "name", "already on line 2 of this file");
    ck_assert_int_eq(phone_count(), 0);
}
END_TEST

START_TEST(duplicate_in_database_and_all_or_nothing)
{
    struct import_result res;
    struct problem p;
    ck_assert_int_eq(import(HEADER "SEP00562B043615,Cisco 8861,first," CPP "\n", &res, &p), 0);
    ck_assert_int_eq(import(HEADER "SEP00562B0436AA,Cisco 8861,," CPP "\n"
                            "SEP00562B0436AB,Cisco 8861,," CPP "\n"
                            "SEP00562B043615,Cisco 8861,again," CPP "\n", &res, &p), -1);
    ck_assert_uint_eq(p.n_errors, 1);
    assert_error(&p, &res, 0, 4, "name", "a phone named 'SEP00562B043615' already exists");
    ck_assert_int_eq(phone_count(), 1);   /* the two new names before it are gone too */
    int64_t id;
    ck_assert_int_ne(service_lookup_name(sv, ENT_PHONE, "SEP00562B0436AA", &id), 0);
}
END_TEST

START_TEST(import_evicts_a_cached_unknown_answer)
{
    /* Rendered while the name is unknown: nothing.  After the import the same
     * call must give the new phone's file, not a stale answer. */
    ck_assert_ptr_null(service_render(sv, "SEP00562B043615"));
    struct cache_blob *def = service_render(sv, XMLDEFAULT_NAME);
    ck_assert_ptr_nonnull(def);
    cache_blob_unref(def);
    struct import_result res;
    struct problem p;
    ck_assert_int_eq(import(HEADER "SEP00562B043615,Cisco 8861,,"CPP "\n", &res, &p), 0);
    struct cache_blob *b = service_render(sv, "SEP00562B043615");
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(strstr((const char *)b->data, "<device>"));
    cache_blob_unref(b);
}
END_TEST

START_TEST(round_trip_is_byte_identical)
{
    /* A few hundred phones with every awkward kind of description. */
    static const char *const descs[] = {
        "", "plain", "comma, inside", "\"quoted\"", " lead", "trail ", "a \"mix\", of both",
        "Zürich 3rd floor",
    };
    size_t cap = 64 * 1024, len = 0;
    char *csv = malloc(cap);
    len += (size_t)snprintf(csv + len, cap - len, HEADER);
    for (int i = 0; i < 300; i++) {
        const char *d = descs[i % 8];
        char field[64];
        if (strpbrk(d, ",\"") || d[0] == ' ' || (*d && d[strlen(d) - 1] == ' ')) {
            char esc[48] = "";
            for (const char *c = d; *c; c++)
                strncat(esc, *c == '"' ? "\"\"" : (char[]){ *c, 0 }, sizeof esc - strlen(esc) - 1);
            snprintf(field, sizeof field, "\"%s\"", esc);
        } else {
            snprintf(field, sizeof field, "%s", d);
        }
        len += (size_t)snprintf(csv + len, cap - len, "SEP0000000%05X,Cisco %s,%s," CPP "\n",
                                i, i % 2 ? "8861" : "7821", field);
    }
    struct import_result res;
    struct problem p;
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(service_import_phones(sv, &who, csv, len, NULL, NULL, &res, &p), 0);
    ck_assert_uint_eq(res.imported, 300);
    size_t len1;
    char *first = export(&len1);
    ck_assert_mem_eq(first, csv, len);   /* already in name order and minimal quoting */
    free(csv);

    /* Into an empty database and out again. */
    teardown();
    setup();
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(service_import_phones(sv, &who, first, len1, NULL, NULL, &res, &p), 0);
    size_t len2;
    char *second = export(&len2);
    ck_assert_uint_eq(len1, len2);
    ck_assert_mem_eq(first, second, len1);
    free(first);
    free(second);
}
END_TEST

/* ---- call control columns -------------------------------------------------- */

#define CC_HEADER IMPORT_HEADER ",device_pool,DN 1,Label 1,DN 2,Label 2\n"

static void load_demo(void)
{
    struct problem p = { 0 };
    ck_assert_msg(service_load_demo(sv, &p) == 0, "demo: %s", p.detail);
}

START_TEST(lines_and_pool_import_and_render)
{
    load_demo();
    struct import_result res;
    struct problem p;
    ck_assert_int_eq(import(CC_HEADER
                            "SEP0000000000A1,Cisco 8861,,"CPP ",DP-Lab,1001,Front,2001,Back\n"
                            "SEP0000000000A2,Cisco 8845,,"CPP ",DP-Lab,,,2001,Shared\n"
                            "SEP0000000000A3,Cisco 8845,,"CPP ",,,,,\n", &res, &p), 0);
    ck_assert_uint_eq(res.imported, 3);
    struct cache_blob *b = service_render(sv, "SEP0000000000A1");
    ck_assert_ptr_nonnull(b);
    /* 1001 is the demo's number, with its credentials; 2001 was made bare */
    ck_assert_ptr_nonnull(memmem(b->data, b->len, "<authName>hw1001</authName>", 27));
    ck_assert_ptr_nonnull(memmem(b->data, b->len, "<featureLabel>Back</featureLabel>", 33));
    cache_blob_unref(b);
    int64_t dn;
    ck_assert_int_eq(service_lookup_name(sv, ENT_DIRECTORY_NUMBER, "2001", &dn), 0);

    size_t len;
    char *csv = export(&len);
    ck_assert_ptr_nonnull(strstr(csv, CC_HEADER));
    ck_assert_ptr_nonnull(strstr(csv, "SEP0000000000A1,Cisco 8861,," CPP ",DP-Lab,1001,Front,"
                                      "2001,Back\n"));
    ck_assert_ptr_nonnull(strstr(csv, "SEP0000000000A2,Cisco 8845,," CPP ",DP-Lab,,,2001,"
                                      "Shared\n"));
    ck_assert_ptr_null(strstr(csv, "demo-1001-secret"));   /* no password in an export */
    free(csv);
}
END_TEST

START_TEST(bad_call_control_cells_refuse_the_file)
{
    load_demo();
    struct import_result res;
    struct problem p;
    int64_t before = phone_count();
    ck_assert_int_eq(import(CC_HEADER
                            "SEP0000000000B1,Cisco 8861,,"CPP ",DP-Nowhere,1001,,,\n"
                            "SEP0000000000B2,Cisco 8861,,"CPP ",DP-Lab,12AB,,,\n"
                            "SEP0000000000B3,Cisco 8861,,"CPP ",DP-Lab,3001,,3001,\n"
                            "SEP0000000000B4,Cisco 8861,,"CPP ",DP-Lab,,orphan,,\n"
                            "SEP0000000000B5,Cisco 8861,,"CPP ",DP-Lab,3002,"
                            "0123456789012345678901234567890,,\n", &res, &p), -1);
    assert_error(&p, &res, 0, 2, "device_pool", "no device pool named 'DP-Nowhere'");
    assert_error(&p, &res, 1, 3, "DN 1", "digits");
    assert_error(&p, &res, 2, 4, "DN 2", "another button");
    assert_error(&p, &res, 3, 5, "Label 1", "needs a directory number");
    assert_error(&p, &res, 4, 6, "Label 1", "at most 30");
    ck_assert_int_eq(phone_count(), before);   /* all or nothing */
    int64_t dn;
    ck_assert_int_ne(service_lookup_name(sv, ENT_DIRECTORY_NUMBER, "3001", &dn), 0);

    ck_assert_int_eq(import(IMPORT_HEADER ",Label 1\n", &res, &p), -1);
    ck_assert_ptr_nonnull(strstr(p.errors[0].message, "no 'DN 1'"));
    ck_assert_int_eq(import(IMPORT_HEADER ",DN 1,DN 1\n", &res, &p), -1);
    ck_assert_ptr_nonnull(strstr(p.errors[0].message, "named twice"));
}
END_TEST

/* A single create, so the text is exactly what was given. */
static int64_t make_profile(const char *name)
{
    struct record r = { .kind = ENT_COMMON_PHONE_PROFILE };
    value_set_text(&r.v[entity_field_index(entity_get(ENT_COMMON_PHONE_PROFILE), "name")], name);
    struct problem p = { 0 };
    int64_t id;
    ck_assert_msg(service_create(sv, &who, &r, &id, &p) == 0, "%s: %s", name, p.detail);
    record_free(&r);
    return id;
}

static void make_phone(const char *name, const char *desc, int64_t profile)
{
    struct record r = { .kind = ENT_PHONE };
    const struct entity_def *e = entity_get(ENT_PHONE);
    value_set_text(&r.v[entity_field_index(e, "name")], name);
    value_set_text(&r.v[entity_field_index(e, "model")], "Cisco 8861");
    value_set_text(&r.v[entity_field_index(e, "description")], desc);
    value_set_int(&r.v[entity_field_index(e, "common_phone_profile")], profile);
    struct problem p = { 0 };
    int64_t id;
    ck_assert_msg(service_create(sv, &who, &r, &id, &p) == 0, "%s: %s", name, p.detail);
    record_free(&r);
}

static const char *description_of(const char *name)
{
    static char text[4 * UCPROV_DESCRIPTION_MAX + 1];
    int64_t id;
    ck_assert_int_eq(service_lookup_name(sv, ENT_PHONE, name, &id), 0);
    struct record r;
    struct problem p = { 0 };
    ck_assert_int_eq(service_get(sv, ENT_PHONE, id, &r, &p), 0);
    snprintf(text, sizeof text, "%s",
             r.v[entity_field_index(entity_get(ENT_PHONE), "description")].s);
    record_free(&r);
    return text;
}

START_TEST(export_neutralises_formulas_and_imports_them_back)
{
    /* Cells a spreadsheet would run as formulas (OWASP's CSV injection) get
     * a single quote in front on export; the import takes it off again. */
    static const char *const descs[] = {
        "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+cmd|x", "-2+3", "'=quoted already",
        "it's -fine", "",
    };
    static const char *const cells[] = {
        "'=cmd|' /C calc'!A0", "'@SUM(1+1)", "'+1+cmd|x", "'-2+3", "''=quoted already",
        "it's -fine", "",
    };
    enum { N = sizeof descs / sizeof descs[0] };
    static const char profile_name[] = "=HYPERLINK(\"x\")";
    int64_t profile = make_profile(profile_name);
    char names[N][16], want[2048];
    int used = snprintf(want, sizeof want, HEADER);
    for (size_t i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "SEP00562B04361%zu", i);
        make_phone(names[i], descs[i], profile);
        used += snprintf(want + used, sizeof want - (size_t)used,
                         "%s,Cisco 8861,%s,\"'=HYPERLINK(\"\"x\"\")\"\n", names[i], cells[i]);
    }
    size_t len1;
    char *first = export(&len1);
    ck_assert_str_eq(first, want);

    /* Into an empty database and out again: the same texts, the same bytes. */
    teardown();
    setup();
    make_profile(profile_name);
    struct import_result res;
    struct problem p = { 0 };
    ck_assert_int_eq(service_import_phones(sv, &who, first, len1, NULL, NULL, &res, &p), 0);
    ck_assert_uint_eq(res.imported, N);
    for (size_t i = 0; i < N; i++)
        ck_assert_str_eq(description_of(names[i]), descs[i]);
    size_t len2;
    char *second = export(&len2);
    ck_assert_str_eq(second, first);
    free(first);
    free(second);
}
END_TEST

static int collect_fields(void *ctx, const struct csv_record *rec)
{
    struct textbuf *w = ctx;   /* the fields again, one per line, to compare */
    for (size_t i = 0; i < rec->n_fields; i++) {
        const char *one[] = { rec->field[i] };
        csv_write_record(w, one, 1);
    }
    return 0;
}

START_TEST(writer_neutralises_tab_and_cr_cells)
{
    /* Text fields refuse control characters, so only the writer itself sees
     * these: a tab or CR in front can hide a formula. */
    static const char *const fields[] = { "\t=1", "\rx", "-", "'", "a=b", "''@x" };
    struct textbuf w = { 0 }, again = { 0 }, want = { 0 };
    csv_write_record(&w, fields, 6);
    ck_assert(!w.failed);
    ck_assert_str_eq(w.buf, "'\t=1,\"'\rx\",'-,',a=b,'''@x\n");
    long line;
    char err[128];
    ck_assert_int_eq(csv_read(w.buf, w.len, collect_fields, &again, &line, err, sizeof err), 0);
    for (size_t i = 0; i < 6; i++)
        csv_write_record(&want, &fields[i], 1);
    ck_assert_str_eq(again.buf, want.buf);
    textbuf_free(&w);
    textbuf_free(&again);
    textbuf_free(&want);
}
END_TEST

START_TEST(a_byte_order_mark_as_excel_writes_is_skipped)
{
    struct import_result res;
    struct problem p;
    ck_assert_int_eq(import("\xEF\xBB\xBF" HEADER "SEP00562B043615,Cisco 8861,Desk," CPP "\r\n",
                            &res, &p), 0);
    ck_assert_uint_eq(res.imported, 1);
    ck_assert_str_eq(description_of("SEP00562B043615"), "Desk");
    /* Only in front: a mark further in is text like any other. */
    ck_assert_int_eq(import(HEADER "\xEF\xBB\xBF" "SEP00562B043616,Cisco 8861,," CPP "\n",
                            &res, &p), -1);
    assert_error(&p, &res, 0, 2, "name", "SEP followed by");
}
END_TEST

START_TEST(bytes_that_are_not_utf8_are_named_not_quoted)
{
    /* Every message goes out as JSON or HTML, which take only UTF-8: a cell
     * that is not is named as such, and a quoted cell is never cut inside a
     * character. */
    char long_model[2 * 100 + 1] = "";
    for (int i = 0; i < 100; i++)
        strcat(long_model, "\xC3\xBC");   /* u-umlaut, two bytes */
    char csv[1024];
    snprintf(csv, sizeof csv, HEADER
             "SEP00562B043615,Cisco \xFF,," CPP "\n"            /* line 2 */
             "SEP00562B043616,Cisco 8861,,Lab \xC3\n"           /* line 3: cut short */
             "SEP00562B043617,Cisco 8861,\xED\xA0\x80," CPP "\n"   /* line 4: a surrogate */
             "SEP00562B043618,%s,," CPP "\n", long_model);     /* line 5 */
    struct import_result res;
    struct problem p;
    ck_assert_int_eq(import(csv, &res, &p), -1);
    ck_assert_uint_eq(p.n_errors, 4);
    assert_error(&p, &res, 0, 2, "model", "Phone Type is not valid UTF-8");
    assert_error(&p, &res, 1, 3, "common_phone_profile", "Common Phone Profile is not valid UTF-8");
    assert_error(&p, &res, 2, 4, "description", "Description is not valid UTF-8");
    assert_error(&p, &res, 3, 5, "model", "is not in the model catalogue");
    for (size_t i = 0; i < p.n_errors; i++)
        ck_assert_msg(service_utf8_valid(p.errors[i].message), "error %zu: %s", i,
                      p.errors[i].message);
    ck_assert_int_eq(import("name,\xFFmodel,description,common_phone_profile\n", &res, &p), -1);
    assert_error(&p, &res, 0, 1, "", "column 2 is not valid UTF-8");
    ck_assert(!service_utf8_valid("\xC3"));
    ck_assert(service_utf8_valid("Z\xC3\xBCrich \xE2\x9C\x93 \xF0\x9F\x93\x9E"));
}
END_TEST

static Suite *import_suite(void)
{
    Suite *s = suite_create("import");
    TCase *tc = tcase_create("csv");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, imports_and_normalises_names);
    tcase_add_test(tc, bad_rows_name_line_and_column);
    tcase_add_test(tc, description_limits_match_single_create);
    tcase_add_test(tc, quoted_fields_commas_newlines_crlf);
    tcase_add_test(tc, a_quoted_newline_keeps_the_line_count);
    tcase_add_test(tc, malformed_csv_is_refused_with_its_line);
    tcase_add_test(tc, duplicate_in_file);
    tcase_add_test(tc, duplicate_in_database_and_all_or_nothing);
    tcase_add_test(tc, import_evicts_a_cached_unknown_answer);
    tcase_add_test(tc, round_trip_is_byte_identical);
    tcase_add_test(tc, lines_and_pool_import_and_render);
    tcase_add_test(tc, bad_call_control_cells_refuse_the_file);
    tcase_add_test(tc, export_neutralises_formulas_and_imports_them_back);
    tcase_add_test(tc, writer_neutralises_tab_and_cr_cells);
    tcase_add_test(tc, a_byte_order_mark_as_excel_writes_is_skipped);
    tcase_add_test(tc, bytes_that_are_not_utf8_are_named_not_quoted);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    log_set_level(LOG_LEVEL_WARN);
    return fixture_run(import_suite(), "import");
}
