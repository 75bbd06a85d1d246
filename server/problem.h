/* problem.h - why a request was refused, in the shape of RFC 9457.
 * The service fills it; each front end renders it (JSON, HTML, CLI text). */
#ifndef UCPROV_PROBLEM_H
#define UCPROV_PROBLEM_H

#include <stddef.h>

#define PROBLEM_MAX_ERRORS 16

struct field_error {
    char field[64];
    char message[256];
};

struct problem {
    int status;                 /* HTTP status; 0 while nothing went wrong */
    char detail[512];
    struct field_error errors[PROBLEM_MAX_ERRORS];
    size_t n_errors;
};

/* Set status and a detail sentence (printf-style). */
void problem_set(struct problem *p, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add a field error; makes the problem a 400 unless it already has a status. */
void problem_field(struct problem *p, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The standard title of an HTTP status ("Bad Request"). */
const char *problem_title(int status);

#endif
