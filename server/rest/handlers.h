/* handlers.h - what the router (router.c) dispatches to, inside server/rest/
 * only.  Each answers one route in resp; sv is the service, id an object's. */
#ifndef UCPROV_REST_HANDLERS_H
#define UCPROV_REST_HANDLERS_H

#include <stdint.h>

#include "http.h"
#include "model.h"
#include "service/service.h"

/* --- objects.c: the collections of model.h, and the phones' own routes --- */
void rest_get_record(struct service *sv, enum entity_kind kind, int64_t id, int status,
                     struct http_resp *resp);
void rest_list_records(struct service *sv, const struct entity_def *e,
                       const struct http_req *req, struct http_resp *resp);
/* Create (id 0, not a singleton) or update from a JSON body. */
void rest_write_record(struct service *sv, const struct entity_def *e, int64_t id,
                       const struct http_req *req, struct http_resp *resp);
/* Any kind, certificates too. */
void rest_delete_object(struct service *sv, const struct entity_def *e, int64_t id,
                        const struct http_req *req, struct http_resp *resp);
void rest_phone_config(struct service *sv, int64_t id, const struct http_req *req,
                       struct http_resp *resp);
void rest_import_phones(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_export_phones(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_phone_models(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_phone_model_load(struct service *sv, const struct http_req *req,
                           struct http_resp *resp);

/* --- certs.c: the trust stores' certificates and a gateway's rollover --- */
void rest_get_cert(struct service *sv, int64_t id, int status, struct http_resp *resp);
void rest_list_certs(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_create_cert(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_update_cert(struct service *sv, int64_t id, const struct http_req *req,
                      struct http_resp *resp);
void rest_cert_pem(struct service *sv, int64_t id, const struct http_req *req,
                   struct http_resp *resp);
void rest_gateway_rollover(struct service *sv, int64_t id, const struct http_req *req,
                           struct http_resp *resp);

/* --- ops.c: troubleshooting and the logs --- */
void rest_fetch_log(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_audit_log(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_diagnostics(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_phone_log(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_verify_gateways(struct service *sv, int64_t id, const struct http_req *req,
                          struct http_resp *resp);
void rest_asa_config(struct service *sv, int64_t id, const struct http_req *req,
                     struct http_resp *resp);

/* --- trust.c: the trust list, its rotation and readiness; a phone's certificate --- */
void rest_trust_list(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_trust_settings(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_trust_rotate(struct service *sv, const struct http_req *req, struct http_resp *resp);
void rest_trust_readiness(struct service *sv, const struct http_req *req,
                          struct http_resp *resp);
void rest_phone_certificate(struct service *sv, int64_t id, const struct http_req *req,
                            struct http_resp *resp);

#endif
