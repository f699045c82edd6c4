/* Leveled logging to stderr: "2026-11-28T11:09:19.123Z ks1 INFO message". */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lk_common.h"

static enum lk_log_level log_min = LK_LOG_INFO;
static char log_name[32] = "lk";

void
lk_log_setup(const char *name, enum lk_log_level level)
{
	log_min = level;
	if (name != NULL)
		lk_strlcpy(log_name, sizeof(log_name), name);
}

int
lk_log_level_parse(const char *s, enum lk_log_level *out)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	size_t i;

	for (i = 0; i < LK_ARRAY_LEN(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum lk_log_level) i;
			return LK_OK;
		}
	return LK_ECONFIG;
}

int
lk_log_enabled(enum lk_log_level level)
{
	return level <= log_min;
}

void
lk_log(enum lk_log_level level, const char *fmt, ...)
{
	static const char *const tags[] = { "ERROR", "WARN", "INFO", "DEBUG" };
	char line[1024], ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;
	int n;

	if (!lk_log_enabled(level))
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* One fprintf per line keeps lines whole across threads. */
	fprintf(stderr, "%s.%03ldZ %s %s %s\n", ts, now.tv_nsec / 1000000,
	    log_name, tags[level], line);
}

void
lk_log_hex_public(
    enum lk_log_level level, const char *label, const uint8_t *buf, size_t len)
{
	char hex[LK_HEX_LEN(64)];
	size_t n = len < 64 ? len : 64;

	if (!lk_log_enabled(level))
		return;
	lk_hex_encode(hex, sizeof(hex), buf, n);
	lk_log(level, "%s: %s%s", label, hex, len > n ? "..." : "");
}

uint64_t
lk_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}
