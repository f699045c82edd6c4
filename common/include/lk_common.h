/* common/: the shared base of every library and program. */
#ifndef LK_COMMON_H
#define LK_COMMON_H

#include "lk_config.h"
#include "lk_crypto.h"
#include "lk_enc.h"
#include "lk_err.h"
#include "lk_log.h"
#include "lk_mem.h"
#include "lk_seal.h"
#include "lk_transcript.h"

/* lk_init initializes libsodium. Every program calls it first; libraries
 * assume it has run. Returns 0 or LK_ECRYPTO. */
int lk_init(void);

/* lk_mono_us: CLOCK_MONOTONIC in microseconds, for the daemons' timers and
 * measurements (the pure libraries take time as input instead). */
uint64_t lk_mono_us(void);

#define LK_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
