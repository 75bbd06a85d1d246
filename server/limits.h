/* limits.h - every default and limit of ucprov, in one place.
 * CUCM's own field limits come from the reference, section 5. */
#ifndef UCPROV_LIMITS_H
#define UCPROV_LIMITS_H

/* --- daemon defaults --- */
#define UCPROV_DEFAULT_DB          "ucprov.db"
#define UCPROV_DEFAULT_HTTP        "0.0.0.0:8080"   /* admin UI and REST */
#define UCPROV_DEFAULT_TFTP        "0.0.0.0:69"
#define UCPROV_DEFAULT_CNF_HTTP    "0.0.0.0:6970"   /* CUCM's unauthenticated config port */
#define UCPROV_HTTP_THREADS        4        /* libmicrohttpd thread pool for the admin port */
#define UCPROV_HTTP_CONN_LIMIT     512      /* concurrent admin connections */
#define UCPROV_HTTP_CONN_TIMEOUT_S 30       /* idle connection timeout, seconds */
#define UCPROV_HTTP_CONN_PER_IP    64       /* connections one address may hold open */
#define UCPROV_CNF_HTTP_TIMEOUT_S  10       /* phones send their GET at once: a connection
                                               idle this long on the config port is dropped */

/* --- request limits --- */
#define UCPROV_MAX_JSON_BODY       (1024 * 1024)       /* REST bodies; larger -> 413 */
#define UCPROV_MAX_CSV_BODY        (64 * 1024 * 1024)  /* bulk phone import */
#define UCPROV_MAX_BODYLESS        4096                /* GET, HEAD, DELETE: no body wanted */
#define UCPROV_MAX_CERT_FILE       (64 * 1024)         /* one certificate, PEM or DER */
#define UCPROV_LIST_DEFAULT_LIMIT  100      /* ?limit= when absent */
#define UCPROV_LIST_MAX_LIMIT      10000    /* ?limit= ceiling */

/* --- CUCM object limits (reference section 5) --- */
#define UCPROV_NAME_MAX            50
#define UCPROV_DESCRIPTION_MAX     128
#define UCPROV_URL_MAX             255
#define UCPROV_GATEWAY_CERTS_MAX   10   /* certificates "in this location" */
#define UCPROV_GROUP_GATEWAYS_MAX  3
#define UCPROV_GROUP_CERTS_MAX     10   /* certHash1..certHash10 */
#define UCPROV_MTU_MIN             256
#define UCPROV_MTU_MAX             1406
#define UCPROV_MTU_DEFAULT         1290
#define UCPROV_FAIL_CONNECT_MAX    600
#define UCPROV_FAIL_CONNECT_DEFAULT 30
#define UCPROV_KEEPALIVE_MAX       120
#define UCPROV_KEEPALIVE_DEFAULT   60
#define UCPROV_PHONE_PASSWORD_MAX  15   /* Local Phone Unlock Password */
#define UCPROV_SSH_PASSWORD_MAX    127
#define UCPROV_DEVICE_NAME_LEN     15   /* "SEP" + 12 hex digits */
#define UCPROV_HOST_MAX            50   /* processNodeName, ntp/name: the phone's limit */

/* --- authentication --- */
#define UCPROV_KDF_ITERATIONS      100000  /* PBKDF2-HMAC-SHA256 for passwords and tokens */
#define UCPROV_KDF_SALT_LEN        16
#define UCPROV_KDF_HASH_LEN        32
#define UCPROV_TOKEN_SECRET_LEN    32      /* random bytes in an API token */
#define UCPROV_AUTH_CACHE_TTL_S    300     /* verified credentials remembered, so a script
                                              does not pay the KDF on every request */
#define UCPROV_ADMIN_PASSWORD_MIN  8
#define UCPROV_TOKEN_DAYS_MAX      3650    /* token create --expires DAYS */

/* --- fetch log --- */
#define UCPROV_FETCH_LOG_QUEUE_MAX   16384   /* pending records; past it new ones are dropped
                                                and counted, so a storm never blocks serving */
#define UCPROV_FETCH_LOG_BATCH       1024    /* records per transaction */
#define UCPROV_FETCH_LOG_FLUSH_MS    250     /* longest a record waits before it is written */
#define UCPROV_FETCH_LOG_KEEP        2000000 /* rows kept; older ones are pruned */
#define UCPROV_FETCH_LOG_PRUNE_EVERY 64      /* batches between prunes */
#define UCPROV_FETCH_LOG_DEFAULT_LIMIT 100
#define UCPROV_FETCH_LOG_MAX_LIMIT   10000

/* --- config file serving (TFTP and HTTP 6970) --- */
#define UCPROV_CNF_HTTP_THREADS      2       /* the config port; serving is from memory.
                                                1 and 2 measured alike with wrk on this
                                                2-core box; 2 lets a real host use a core
                                                more */
#define UCPROV_CNF_HTTP_MAX_BODY     4096    /* phones send no bodies; enough to answer 405 */
#define UCPROV_CNF_HTTP_CONN_PER_IP  128     /* a site behind one NAT address is many phones,
                                                so more than the admin port's 64; a quarter
                                                of the slots, so a slowloris needs four
                                                addresses to take them all */
#define UCPROV_STATIC_NAME_MAX       128     /* longest static file name under --tftp-root */

/* --- MAC scans on the config ports (scanwatch.c) --- */
#define UCPROV_SCAN_THRESHOLD        20      /* distinct unknown SEP names from one host... */
#define UCPROV_SCAN_WINDOW_S         600     /* ...with no pause this long: flagged */
#define UCPROV_SCAN_HOSTS_MAX        1024    /* hosts remembered */

/* --- diagnostics --- */
#define UCPROV_EXPIRY_WARN_DAYS      30      /* certificates expiring sooner are flagged */
#define UCPROV_VERIFY_TIMEOUT_MS     5000    /* connect and TLS handshake of a gateway probe */
#define UCPROV_PHONELOG_EVIDENCE_MAX 512     /* bytes of a log line quoted as evidence */

/* --- ASA configuration text (the lab of the background doc) --- */
#define UCPROV_ASA_DEFAULT_POOL       "10.10.1.1-10.10.1.254"
#define UCPROV_ASA_DEFAULT_MASK       "255.255.255.0"
#define UCPROV_ASA_DEFAULT_OUTSIDE    "outside"
#define UCPROV_ASA_DEFAULT_TRUSTPOINT "asa-identity-cert"

/* --- config templates --- */
#define UCPROV_TEMPLATE_MAX          (1024 * 1024)   /* a site's skeleton file, at most */

/* --- render cache --- */
#define UCPROV_CACHE_INITIAL_BUCKETS 1024
#define UCPROV_CACHE_MAX_BYTES     (40u * 1024 * 1024)   /* rendered files kept, plain and
                                        signed (about 6.4 kB a phone in both forms): ~6,000
                                        phones; past it the least recently fetched go, so
                                        100,000 phones fit in under 100 MB (--cache-mb) */
#define UCPROV_WARM_HEADROOM       (1024u * 1024)   /* the warmer stops this far short of
                                        the budget: warming must never evict what phones
                                        fetched, nor what it warmed itself */
#define UCPROV_WARM_ENTRY_OVERHEAD 256     /* bytes the cache spends on an entry besides
                                        its file: the warmer's estimate of whether the
                                        whole site fits in the budget */
#define UCPROV_WARM_AFTER_EVICTED  64      /* a write evicting this many phones' files
                                        asks the warmer for a pass */
#define UCPROV_WARM_THREADS_MAX    16      /* warm threads: one per core by default
                                        (--warm-threads), signing is the cost */
#define UCPROV_WARM_NICE           10      /* the warmer's nice value: serving comes first,
                                        it only uses time the front ends leave */

/* --- web admin (sessions, login brake, pages) --- */
#define UCPROV_SESSION_IDLE_S        1800    /* a web session ends after 30 idle minutes */
#define UCPROV_SESSION_MAX_AGE_S     43200   /* and after 12 hours in any case */
#define UCPROV_SESSIONS_MAX          256     /* live sessions; the one idle longest gives way */
#define UCPROV_SESSION_TOUCH_S       60      /* a session's last use is written this often at most */
#define UCPROV_LOGIN_FREE_FAILURES   3       /* failed logins before the brake engages */
#define UCPROV_LOGIN_DELAY_BASE_S    5       /* then 5, 10, 20, ... seconds before the next try */
#define UCPROV_LOGIN_DELAY_MAX_S     300     /* the longest lockout */
#define UCPROV_LOGIN_FORGET_S        900     /* quiet time after which failures are forgotten */
#define UCPROV_LOGIN_TRACKED_MAX     1024    /* addresses and names remembered */
#define UCPROV_LOGIN_FORM_TTL_S      3600    /* a login form's token is good for an hour... */
#define UCPROV_LOGIN_SPENT_MAX       4096    /* ...and once: spent tokens remembered */
#define UCPROV_WEB_ROWS_DEFAULT      50      /* rows per Find and List page */
#define UCPROV_WEB_ROWS_MAX          500
#define UCPROV_WEB_FETCHES_SHOWN     20      /* a phone's recent config fetches */
#define UCPROV_WEB_PHONES_CHECKED    1000    /* phones the home page checks for a first fetch */
#define UCPROV_WEB_ROLLOVER_SHOWN    50      /* phones listed as still missing a certificate */
#define UCPROV_WEB_AUDIT_DEFAULT     100     /* audit log entries on one page */
#define UCPROV_CERT_SOON_DAYS        30      /* certificates expiring this soon are flagged */
#define UCPROV_MAX_TLS_FILE          (256 * 1024)  /* --tls-cert chain or --tls-key file */
#define UCPROV_TLS_DAYS_DEFAULT      825     /* `ucprov tls selfsigned`: what browsers accept */

#endif
