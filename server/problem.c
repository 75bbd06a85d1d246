/* problem.c - refusals as RFC 9457 problems. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>

#include "problem.h"

static const struct { int status; const char *title; } titles[] = {
    { 400, "Bad Request" },      { 401, "Unauthorized" },
    { 403, "Forbidden" },        { 404, "Not Found" },
    { 405, "Method Not Allowed" }, { 409, "Conflict" },
    { 413, "Content Too Large" }, { 415, "Unsupported Media Type" },
    { 429, "Too Many Requests" }, { 500, "Internal Server Error" },
    { 503, "Service Unavailable" },
};

const char *problem_title(int status)
{
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        if (titles[i].status == status)
            return titles[i].title;
    return "Error";
}

void problem_set(struct problem *p, int status, const char *fmt, ...)
{
    va_list ap;
    p->status = status;
    va_start(ap, fmt);
    vsnprintf(p->detail, sizeof p->detail, fmt, ap);
    va_end(ap);
}

void problem_field(struct problem *p, const char *field, const char *fmt, ...)
{
    if (p->status == 0) {
        p->status = 400;
        snprintf(p->detail, sizeof p->detail, "the request has invalid fields");
    }
    if (p->n_errors == PROBLEM_MAX_ERRORS)
        return;
    struct field_error *e = &p->errors[p->n_errors++];
    snprintf(e->field, sizeof e->field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}
