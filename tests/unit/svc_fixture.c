/* svc_fixture.c - see svc_fixture.h. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>
#include <libxml/parser.h>

#include "server/service/service.h"
#include "svc_fixture.h"

static char run_dir[64], dir[128], db[160];

const char *fixture_dir_make(const char *name)
{
    if (run_dir[0] != '\0')
        snprintf(dir, sizeof dir, "%s/%s-XXXXXX", run_dir, name);
    else
        snprintf(dir, sizeof dir, "/tmp/ucprov-test-%s-XXXXXX", name);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/ucprov.db", dir);
    return db;
}

struct service *fixture_service_open(void)
{
    char err[256] = "";
    struct service *sv = service_open(db, err, sizeof err);
    ck_assert_msg(sv != NULL, "service_open: %s", err);
    return sv;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    remove(path);   /* keep walking whatever happens */
    return 0;
}

static void remove_tree(char *path)
{
    if (path[0] != '\0')
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    path[0] = '\0';
}

void fixture_dir_remove(void)
{
    remove_tree(dir);
}

int fixture_run(Suite *s, const char *name)
{
    snprintf(run_dir, sizeof run_dir, "/tmp/ucprov-test-%s-XXXXXX", name);
    if (mkdtemp(run_dir) == NULL) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    xmlInitParser();
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_tree(run_dir);
    xmlCleanupParser();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
