/* fuzz_json: REST body decoding (JSON -> record) for every collection.
 * Decoded records are encoded back with record_json(), as a GET would, and the
 * encoding must decode again without errors: what GET gives, PUT takes. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "server/model.h"
#include "server/problem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (doc == NULL || !json_is_object(doc)) {
        json_decref(doc);
        return 0;
    }
    for (int k = 0; k < ENT_COUNT; k++) {
        struct record patch = { .kind = (enum entity_kind)k };
        struct problem p = { 0 };
        record_from_json(doc, &patch, &p);
        if (p.status == 0) {
            struct record full;
            record_init_defaults(&full, (enum entity_kind)k);
            record_merge(&full, &patch);
            json_t *back = record_json(&full);
            struct record again = { .kind = (enum entity_kind)k };
            struct problem p2 = { 0 };
            record_from_json(back, &again, &p2);
            if (p2.status != 0)
                abort();
            record_free(&again);
            json_decref(back);
            record_free(&full);
        }
        record_free(&patch);
    }
    json_decref(doc);
    return 0;
}
