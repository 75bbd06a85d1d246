/* handlers.h - what the router (router.c) dispatches to, inside server/rest/
 * only.  Each answers one route in resp; sv is the service, id an object's. */
#ifndef UCPROV_REST_HANDLERS_H
#define UCPROV_REST_HANDLERS_H

#include <stdint.h>

#include "http.h"
#include "model.h"
#include "service/service.h"

/* --- objects.c: the collections of model.h --- */
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

/* The two shapes of route in router.c's tables: a fixed path, and a path
 * below one object (id). */
typedef void rest_fixed_handler(struct service *sv, const struct http_req *req,
                                struct http_resp *resp);
typedef void rest_object_handler(struct service *sv, int64_t id, const struct http_req *req,
                                 struct http_resp *resp);

/* --- objects.c, continued: the phones' own routes --- */
rest_fixed_handler rest_import_phones, rest_export_phones;
rest_fixed_handler rest_phone_models, rest_phone_model_load;
rest_object_handler rest_phone_config;

/* --- certs.c: the trust stores' certificates and a gateway's rollover --- */
void rest_get_cert(struct service *sv, int64_t id, int status, struct http_resp *resp);
rest_fixed_handler rest_list_certs, rest_create_cert;
rest_object_handler rest_update_cert, rest_cert_pem, rest_gateway_rollover;

/* --- ops.c: troubleshooting and the logs --- */
rest_fixed_handler rest_fetch_log, rest_audit_log, rest_diagnostics, rest_phone_log;
rest_object_handler rest_verify_gateways, rest_asa_config;

/* --- trust.c: the trust list, its rotation and readiness; a phone's certificate --- */
rest_fixed_handler rest_trust_list, rest_trust_settings, rest_trust_rotate;
rest_fixed_handler rest_trust_readiness;
rest_object_handler rest_phone_certificate;

#endif
