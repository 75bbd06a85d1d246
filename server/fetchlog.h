/* fetchlog.h - the fetch log's queue: serving threads append in memory, one
 * writer thread stores batches, so a fetch never waits on a disk write. */
#ifndef UCPROV_FETCHLOG_H
#define UCPROV_FETCHLOG_H

#include <stdint.h>

#include "model.h"
#include "service/service.h"

struct fetchlog;   /* opaque */

struct fetchlog *fetchlog_start(struct service *sv);
/* Queue one record; never blocks on I/O.  Dropped (and counted) when the queue is full. */
void fetchlog_record(struct fetchlog *fl, const struct fetch_record *rec);
/* Flush, stop the writer and free. */
void fetchlog_stop(struct fetchlog *fl);
uint64_t fetchlog_dropped(struct fetchlog *fl);

#endif
