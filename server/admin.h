/* admin.h - the admin listener's router: /api/v1 to the REST API, everything
 * else to the web pages (which check their own session). */
#ifndef UCPROV_ADMIN_H
#define UCPROV_ADMIN_H

#include "http.h"

/* http_handler of the admin port; ctx is the service. */
void admin_handle(void *ctx, const struct http_req *req, struct http_resp *resp);

#endif
