/* Library context and the wiping GMP allocator. */
#include <stdlib.h>
#include <string.h>

#include "mpc_int.h"

static void *
wipe_alloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		abort(); /* GMP cannot report allocation failure */
	return p;
}

static void *
wipe_realloc(void *old, size_t oldn, size_t newn)
{
	void *p = wipe_alloc(newn);

	memcpy(p, old, oldn < newn ? oldn : newn);
	lk_wipe(old, oldn);
	free(old);
	return p;
}

static void
wipe_free(void *p, size_t n)
{
	lk_wipe(p, n);
	free(p);
}

void
mpc_init(void)
{
	void *(*a)(size_t);
	void *(*r)(void *, size_t, size_t);
	void (*f)(void *, size_t);

	mp_get_memory_functions(&a, &r, &f);
	if (a != wipe_alloc)
		mp_set_memory_functions(wipe_alloc, wipe_realloc, wipe_free);
}

int
mpc_ctx_new(struct mpc_ctx **out)
{
	struct mpc_ctx *ctx;
	uint8_t seed[32];
	int ok;

	ARG_CHECK(out != NULL);
	*out = NULL;
	mpc_init();
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return MPC_ENOMEM;
	ctx->secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	if (ctx->secp == NULL) {
		free(ctx);
		return MPC_ENOMEM;
	}
	lk_random(seed, sizeof(seed));
	ok = secp256k1_context_randomize(ctx->secp, seed);
	lk_wipe(seed, sizeof(seed));
	if (!ok) {
		secp256k1_context_destroy(ctx->secp);
		free(ctx);
		return MPC_ECRYPTO;
	}
	*out = ctx;
	return 0;
}

void
mpc_ctx_free(struct mpc_ctx *ctx)
{
	if (ctx == NULL)
		return;
	secp256k1_context_destroy(ctx->secp);
	free(ctx);
}

mp_limb_t *
limbs_alloc(size_t n)
{
	return calloc(n == 0 ? 1 : n, sizeof(mp_limb_t));
}

void
limbs_free(mp_limb_t *p, size_t n)
{
	if (p == NULL)
		return;
	lk_wipe(p, n * sizeof(mp_limb_t));
	free(p);
}
