/* svc_fixture.c - see svc_fixture.h. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "server/service/service.h"
#include "svc_fixture.h"

static char dir[96], db[128];

const char *fixture_dir_make(const char *name)
{
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
    return remove(path);
}

void fixture_dir_remove(void)
{
    if (dir[0] != '\0')
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    dir[0] = '\0';
}
