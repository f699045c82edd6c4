/* Leveled logging to stderr for the daemons and tools.
 *
 * Libraries (tpake, mpc, consensus) never log: they return codes. Secrets are
 * held in struct value types, which cannot be passed to %s or %x; public
 * bytes are logged only through lk_log_hex_public. */
#ifndef LK_LOG_H
#define LK_LOG_H

#include <stddef.h>
#include <stdint.h>

enum lk_log_level {
	LK_LOG_ERROR = 0,
	LK_LOG_WARN = 1,
	LK_LOG_INFO = 2,
	LK_LOG_DEBUG = 3
};

/* Sets the process-wide minimum level and a short name printed on each line
 * (e.g. "ks2"). name is copied. */
void lk_log_setup(const char *name, enum lk_log_level level);
/* Parses "error", "warn", "info" or "debug". Returns 0 or LK_ECONFIG. */
int lk_log_level_parse(const char *s, enum lk_log_level *out);
int lk_log_enabled(enum lk_log_level level);

void lk_log(enum lk_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Logs "label: <hex>" of public bytes (at most 64 shown). */
void lk_log_hex_public(
    enum lk_log_level level, const char *label, const uint8_t *buf, size_t len);

#define LK_ERROR(...) lk_log(LK_LOG_ERROR, __VA_ARGS__)
#define LK_WARN(...)  lk_log(LK_LOG_WARN, __VA_ARGS__)
#define LK_INFO(...)  lk_log(LK_LOG_INFO, __VA_ARGS__)
#define LK_DEBUG(...) lk_log(LK_LOG_DEBUG, __VA_ARGS__)

#endif
