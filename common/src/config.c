/* Configuration loading through libinih, and strict number parsing. */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "lk_common.h"

struct load_ctx {
	lk_config_fn fn;
	void *user;
	char *err;
	size_t errcap;
	int rv;
};

static int
on_entry(void *p, const char *section, const char *key, const char *value)
{
	struct load_ctx *c = p;
	int rv = c->fn(c->user, section, key, value, c->err, c->errcap);

	if (rv != 0) {
		c->rv = rv;
		return 0; /* inih: stop and report this line */
	}
	return 1;
}

int
lk_config_load(
    const char *path, lk_config_fn fn, void *user, char *err, size_t errcap)
{
	struct load_ctx c = { fn, user, NULL, 0, LK_OK };
	char why[256] = "";
	int line;

	c.err = why;
	c.errcap = sizeof(why);
	line = ini_parse(path, on_entry, &c);
	if (line == -1) {
		snprintf(
		    err, errcap, "%s: cannot open: %s", path, strerror(errno));
		return LK_EIO;
	}
	if (line != 0) {
		snprintf(err, errcap, "%s:%d: %s", path, line,
		    why[0] != '\0' ? why : "syntax error");
		return c.rv != 0 ? c.rv : LK_ECONFIG;
	}
	return LK_OK;
}

int
lk_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p == '\0')
		return LK_EDECODE;
	/* Canonical decimal only: no sign, no spaces, no leading zeros. */
	if (p[0] == '0' && p[1] != '\0')
		return LK_EDECODE;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return LK_EDECODE;
		if (v > (UINT64_MAX - (uint64_t) (*p - '0')) / 10)
			return LK_ERANGE;
		v = v * 10 + (uint64_t) (*p - '0');
	}
	if (v < min || v > max)
		return LK_ERANGE;
	*out = v;
	return LK_OK;
}

int
lk_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int rv = lk_parse_u64(s, min, max, &v);

	if (rv == 0)
		*out = (uint32_t) v;
	return rv;
}

int
lk_parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < LK_ARRAY_LEN(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = 1;
			return LK_OK;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = 0;
			return LK_OK;
		}
	}
	return LK_EDECODE;
}

int
lk_strlcpy(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (cap == 0 || n >= cap)
		return LK_ETOOBIG;
	memcpy(out, s, n + 1);
	return LK_OK;
}

int
lk_check_readable_file(const char *path, char *err, size_t errcap)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return LK_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errcap, "%s: not a regular file", path);
		return LK_EIO;
	}
	if (access(path, R_OK) != 0) {
		snprintf(
		    err, errcap, "%s: not readable: %s", path, strerror(errno));
		return LK_EIO;
	}
	return LK_OK;
}

int
lk_check_writable_dir(const char *path, char *err, size_t errcap)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return LK_EIO;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errcap, "%s: not a directory", path);
		return LK_EIO;
	}
	if (access(path, R_OK | W_OK | X_OK) != 0) {
		snprintf(
		    err, errcap, "%s: not writable: %s", path, strerror(errno));
		return LK_EIO;
	}
	return LK_OK;
}
