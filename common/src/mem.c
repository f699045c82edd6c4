/* Secret memory helpers on top of libsodium. */
#include <sys/prctl.h>
#include <sys/resource.h>

#include <stdlib.h>

#include <sodium.h>

#include "lk_err.h"
#include "lk_mem.h"

void
lk_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		sodium_memzero(p, n);
}

int
lk_ct_eq(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

int
lk_is_zero(const void *p, size_t n)
{
	return sodium_is_zero(p, n);
}

void *
lk_secure_alloc(size_t n)
{
	return sodium_malloc(n);
}

void
lk_secure_free(void *p)
{
	sodium_free(p); /* wipes, unlocks and unmaps */
}

void
lk_free_wipe(void *p, size_t n)
{
	if (p == NULL)
		return;
	sodium_memzero(p, n);
	free(p);
}

int
lk_proc_harden(void)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) != 0)
		return LK_EIO;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return LK_EIO;
	return LK_OK;
}
