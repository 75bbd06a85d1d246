/* svc_fixture.h - what the service tests share for their databases: a
 * throw-away directory per test, made fresh and removed whole (the database,
 * its -wal/-shm and the key file that service_open makes beside it,
 * secretbox.h), inside one directory per run that goes at the end with
 * whatever a failed test left (Check skips a checked teardown then). */
#ifndef UCPROV_TEST_SVC_FIXTURE_H
#define UCPROV_TEST_SVC_FIXTURE_H

#include <check.h>

struct service;

/* Make this test's directory; returns the database path inside it. */
const char *fixture_dir_make(const char *name);
/* A service over that database; the test fails when it does not open. */
struct service *fixture_service_open(void);
/* Remove the test's directory and everything in it. */
void fixture_dir_remove(void);

/* Run suite s with its directories in /tmp/ucprov-test-NAME-XXXXXX, removed
 * whole afterwards (libxml2, which the service parses with, is set up before
 * and freed after); returns the process's exit status. */
int fixture_run(Suite *s, const char *name);

#endif
