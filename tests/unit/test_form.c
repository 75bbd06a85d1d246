/* test_form.c - the form body decoder: urlencoded and multipart/form-data,
 * including what browsers really send and what an attacker might. */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/web/form.h"

static struct form f;

static void teardown(void)
{
    form_free(&f);
}

START_TEST(urlencoded_pairs_in_order)
{
    const char *body = "name=ASA+East&url=https%3A%2F%2Fasa.example.lab%2Fphone&flag&empty=";
    ck_assert_int_eq(form_parse("application/x-www-form-urlencoded", body, strlen(body), &f), 0);
    ck_assert_uint_eq(f.n, 4);
    ck_assert_str_eq(f.fields[0].name, "name");
    ck_assert_str_eq(form_get(&f, "name"), "ASA East");
    ck_assert_str_eq(form_get(&f, "url"), "https://asa.example.lab/phone");
    ck_assert_str_eq(form_get(&f, "flag"), "");
    ck_assert_str_eq(form_get(&f, "empty"), "");
    ck_assert_ptr_null(form_get(&f, "missing"));
    ck_assert_ptr_null(f.fields[0].filename);
}
END_TEST

START_TEST(urlencoded_repeated_names)
{
    const char *body = "ids=3&x=1&ids=1&ids=2&ssh=0&ssh=1";
    ck_assert_int_eq(form_parse_urlencoded(body, strlen(body), &f), 0);
    size_t pos = 0;
    ck_assert_str_eq(form_next(&f, "ids", &pos), "3");
    ck_assert_str_eq(form_next(&f, "ids", &pos), "1");
    ck_assert_str_eq(form_next(&f, "ids", &pos), "2");
    ck_assert_ptr_null(form_next(&f, "ids", &pos));
    ck_assert(form_has_value(&f, "ssh", "1"));
    ck_assert(!form_has_value(&f, "ssh", "2"));
    ck_assert_str_eq(form_get(&f, "ssh"), "0");   /* the first one */
}
END_TEST

START_TEST(urlencoded_utf8_and_bytes)
{
    const char *body = "d=%C3%A9t%C3%A9+%3Cb%3E&a=%7e%41";
    ck_assert_int_eq(form_parse_urlencoded(body, strlen(body), &f), 0);
    ck_assert_str_eq(form_get(&f, "d"), "\xc3\xa9t\xc3\xa9 <b>");
    ck_assert_str_eq(form_get(&f, "a"), "~A");
}
END_TEST

START_TEST(urlencoded_refuses_broken_escapes)
{
    static const char *const bad[] = { "a=%", "a=%4", "a=%zz", "a=%00", "=value", "a=1&%4" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(form_parse_urlencoded(bad[i], strlen(bad[i]), &f) == -1, "%s", bad[i]);
        ck_assert_uint_eq(f.n, 0);
    }
}
END_TEST

START_TEST(urlencoded_field_cap)
{
    size_t n = FORM_MAX_FIELDS + 1;
    char *body = malloc(n * 4 + 1);
    ck_assert_ptr_nonnull(body);
    body[0] = '\0';
    for (size_t i = 0; i < n; i++)
        strcat(body, "a=1&");
    ck_assert_int_eq(form_parse_urlencoded(body, strlen(body), &f), -1);
    free(body);
}
END_TEST

START_TEST(set_replaces_or_adds)
{
    const char *body = "gateways=1,2&name=x";
    ck_assert_int_eq(form_parse_urlencoded(body, strlen(body), &f), 0);
    ck_assert_int_eq(form_set(&f, "gateways", "2,1,3"), 0);
    ck_assert_str_eq(form_get(&f, "gateways"), "2,1,3");
    ck_assert_int_eq(form_set(&f, "new", "v"), 0);
    ck_assert_str_eq(form_get(&f, "new"), "v");
    ck_assert_uint_eq(f.n, 3);
}
END_TEST

/* A body as chromium sends it for a file upload, with a binary DER inside. */
START_TEST(multipart_file_and_fields)
{
    static const char der[] = { 0x30, (char)0x82, 0x00, 0x0d, '\r', '\n', '-', '-', 'x' };
    char body[1024];
    size_t len = 0;
    len += (size_t)sprintf(body + len, "------WebKitFormBoundaryAbC\r\n"
                           "Content-Disposition: form-data; name=\"_csrf\"\r\n\r\n"
                           "tok\r\n"
                           "------WebKitFormBoundaryAbC\r\n"
                           "Content-Disposition: form-data; name=\"file\"; filename=\"asa \\\"1\\\".der\"\r\n"
                           "Content-Type: application/octet-stream\r\n\r\n");
    memcpy(body + len, der, sizeof der);
    len += sizeof der;
    len += (size_t)sprintf(body + len, "\r\n------WebKitFormBoundaryAbC\r\n"
                           "Content-Disposition: form-data; name=\"store\"\r\n\r\n"
                           "Phone-VPN-trust\r\n"
                           "------WebKitFormBoundaryAbC--\r\n");
    const char *ct = "multipart/form-data; boundary=----WebKitFormBoundaryAbC";
    ck_assert_int_eq(form_parse(ct, body, len, &f), 0);
    ck_assert_uint_eq(f.n, 3);
    ck_assert_str_eq(form_get(&f, "_csrf"), "tok");
    ck_assert_str_eq(form_get(&f, "store"), "Phone-VPN-trust");
    const struct form_field *file = form_field(&f, "file");
    ck_assert_ptr_nonnull(file);
    ck_assert_str_eq(file->filename, "asa \"1\".der");
    ck_assert_uint_eq(file->len, sizeof der);
    ck_assert_mem_eq(file->value, der, sizeof der);
    ck_assert_ptr_null(form_field(&f, "_csrf")->filename);
}
END_TEST

START_TEST(multipart_quoted_boundary_and_empty_file)
{
    const char *body = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\n"
                       "\r\n--b--";
    ck_assert_int_eq(form_parse("multipart/form-data; charset=utf-8; boundary=\"b\"", body,
                                strlen(body), &f), 0);
    ck_assert_uint_eq(form_field(&f, "file")->len, 0);
    ck_assert_str_eq(form_field(&f, "file")->filename, "");
}
END_TEST

START_TEST(multipart_refuses_malformed)
{
    static const struct { const char *ct, *body; } bad[] = {
        { "multipart/form-data", "--b\r\n\r\nx\r\n--b--" },                     /* no boundary */
        { "multipart/form-data; boundary=b", "--c\r\nContent-Disposition: form-data; "
          "name=\"a\"\r\n\r\nx\r\n--c--" },                                       /* wrong one */
        { "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; "
          "name=\"a\"\r\n\r\nunterminated" },                                     /* cut off */
        { "multipart/form-data; boundary=b", "--b\r\nContent-Type: text/plain\r\n\r\n"
          "x\r\n--b--" },                                                         /* no name */
        { "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; "
          "name=\"a\"\r\nx\r\n--b--" },                                           /* no blank line */
        { "text/plain", "a=b" },                                                  /* other type */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(form_parse(bad[i].ct, bad[i].body, strlen(bad[i].body), &f) == -1,
                      "case %zu", i);
        ck_assert_uint_eq(f.n, 0);
    }
}
END_TEST

static Suite *form_suite(void)
{
    Suite *s = suite_create("form");
    TCase *tc = tcase_create("urlencoded");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, urlencoded_pairs_in_order);
    tcase_add_test(tc, urlencoded_repeated_names);
    tcase_add_test(tc, urlencoded_utf8_and_bytes);
    tcase_add_test(tc, urlencoded_refuses_broken_escapes);
    tcase_add_test(tc, urlencoded_field_cap);
    tcase_add_test(tc, set_replaces_or_adds);
    suite_add_tcase(s, tc);
    tc = tcase_create("multipart");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, multipart_file_and_fields);
    tcase_add_test(tc, multipart_quoted_boundary_and_empty_file);
    tcase_add_test(tc, multipart_refuses_malformed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(form_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
