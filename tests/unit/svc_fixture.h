/* svc_fixture.h - a throw-away directory for one test's database, made fresh
 * and removed whole: the database, its -wal/-shm and the key file that
 * service_open makes beside it (secretbox.h). */
#ifndef UCPROV_TEST_SVC_FIXTURE_H
#define UCPROV_TEST_SVC_FIXTURE_H

struct service;

/* Make /tmp/ucprov-test-NAME-XXXXXX; returns the database path inside it. */
const char *fixture_dir_make(const char *name);
/* A service over that database; the test fails when it does not open. */
struct service *fixture_service_open(void);
/* Remove the directory and everything in it. */
void fixture_dir_remove(void);

#endif
