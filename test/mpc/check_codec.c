#include <check.h>
Suite *codec_suite(void);
Suite *
codec_suite(void)
{
	return suite_create("codec");
}
