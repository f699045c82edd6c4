/* INI loading and strict number parsing. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "lk_common.h"

Suite *config_suite(void);

struct seen {
	int n;
	char last[64];
};

static int
on_kv(void *user, const char *section, const char *key, const char *value,
    char *err, size_t errcap)
{
	struct seen *s = user;

	if (strcmp(key, "bad") == 0) {
		snprintf(err, errcap, "unknown key '%s'", key);
		return LK_ECONFIG;
	}
	s->n++;
	snprintf(s->last, sizeof(s->last), "%s.%s=%s", section, key, value);
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(load_ok_and_errors)
{
	char path[] = "/tmp/lkcfgXXXXXX";
	char err[256];
	struct seen s = { 0, "" };
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_file(path, "[server]\nid = 2\n; comment\nn = 3\n");
	ck_assert_int_eq(lk_config_load(path, on_kv, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.last, "server.n=3");

	write_file(path, "[server]\nid = 2\nbad = 1\n");
	ck_assert_int_eq(
	    lk_config_load(path, on_kv, &s, err, sizeof(err)), LK_ECONFIG);
	ck_assert_ptr_nonnull(strstr(err, ":3: unknown key 'bad'"));

	write_file(path, "[server\nid = 2\n");
	ck_assert_int_eq(
	    lk_config_load(path, on_kv, &s, err, sizeof(err)), LK_ECONFIG);
	unlink(path);
	ck_assert_int_eq(
	    lk_config_load(path, on_kv, &s, err, sizeof(err)), LK_EIO);
}
END_TEST

START_TEST(parse_numbers)
{
	uint64_t v;
	uint32_t w;
	int b;

	ck_assert_int_eq(lk_parse_u64("0", 0, 10, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(
	    lk_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	ck_assert_int_eq(
	    lk_parse_u64("18446744073709551616", 0, UINT64_MAX, &v), LK_ERANGE);
	ck_assert_int_eq(lk_parse_u64("", 0, 10, &v), LK_EDECODE);
	ck_assert_int_eq(lk_parse_u64("-1", 0, 10, &v), LK_EDECODE);
	ck_assert_int_eq(lk_parse_u64("+1", 0, 10, &v), LK_EDECODE);
	ck_assert_int_eq(lk_parse_u64("07", 0, 10, &v), LK_EDECODE);
	ck_assert_int_eq(lk_parse_u64("5x", 0, 10, &v), LK_EDECODE);
	ck_assert_int_eq(lk_parse_u64(" 5", 0, 10, &v), LK_EDECODE);
	ck_assert_int_eq(lk_parse_u32("11", 0, 10, &w), LK_ERANGE);
	ck_assert_int_eq(lk_parse_u32("10", 0, 10, &w), 0);
	ck_assert_uint_eq(w, 10);
	ck_assert_int_eq(lk_parse_bool("yes", &b), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(lk_parse_bool("off", &b), 0);
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(lk_parse_bool("maybe", &b), LK_EDECODE);
}
END_TEST

Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, load_ok_and_errors);
	tcase_add_test(tc, parse_numbers);
	suite_add_tcase(s, tc);
	return s;
}
