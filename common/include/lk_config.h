/* Configuration files (INI, parsed by Debian's libinih) and strict parsing of
 * numbers and lists from text. */
#ifndef LK_CONFIG_H
#define LK_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* Called for each "key = value" in [section]. Return 0 to accept, or an
 * LK_E* code to stop; write a reason into err (errcap bytes). */
typedef int (*lk_config_fn)(void *user, const char *section, const char *key,
    const char *value, char *err, size_t errcap);

/* Loads path, calling fn for every entry. On failure returns LK_EIO (cannot
 * read) or LK_ECONFIG and writes "path:line: reason" into err. */
int lk_config_load(
    const char *path, lk_config_fn fn, void *user, char *err, size_t errcap);

/* Strict decimal parse of the whole string into [min, max]. Returns 0,
 * LK_EDECODE (not a number, trailing text, sign or empty) or LK_ERANGE. */
int lk_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int lk_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* "true/false/yes/no/on/off/1/0". */
int lk_parse_bool(const char *s, int *out);
/* Copies s into out (cap bytes) or returns LK_ETOOBIG. */
int lk_strlcpy(char *out, size_t cap, const char *s);

/* Filesystem checks used when validating configuration: 0 when the path
 * is a readable regular file / a writable directory, else LK_EIO with the
 * reason in err. */
int lk_check_readable_file(const char *path, char *err, size_t errcap);
int lk_check_writable_dir(const char *path, char *err, size_t errcap);

#endif
