/* libFuzzer target for every mpc/ decoder: the first byte picks the
 * decoder, the rest is its input. A successful decode must re-encode to
 * exactly the bytes it consumed (the encodings are canonical), and a
 * failed one must leave the cursor untouched. */
#include <stdlib.h>
#include <string.h>

#include "mpc.h"
#include "proto_buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mpc_ctx *ctx;
static uint8_t out[1 << 17];

static void
check_roundtrip(const uint8_t *in, size_t used, struct proto_wbuf *w)
{
	size_t len;

	if (proto_wbuf_finish(w, &len) != 0 || len != used
	    || memcmp(out, in, len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_rbuf r;
	struct proto_wbuf w;
	const uint8_t *in;
	size_t n, used;
	int rv = -1;

	if (size < 1)
		return 0;
	if (ctx == NULL && mpc_ctx_new(&ctx) != 0)
		abort();
	in = data + 1;
	n = size - 1;
	proto_rbuf_init(&r, in, n);
	proto_wbuf_init(&w, out, sizeof(out));
	switch (data[0] % 12) {
	case 0: {
		struct mpc_zk_sch_proof p;
		if ((rv = mpc_zk_sch_decode(ctx, &r, &p)) == 0)
			mpc_zk_sch_encode(&w, &p);
		break;
	}
	case 1: {
		struct mpc_zk_prm_proof p;
		mpc_zk_prm_proof_init(&p);
		if ((rv = mpc_zk_prm_decode(&r, &p)) == 0)
			mpc_zk_prm_encode(&w, &p);
		mpc_zk_prm_proof_clear(&p);
		break;
	}
	case 2: {
		struct mpc_zk_mod_proof p;
		mpc_zk_mod_proof_init(&p);
		if ((rv = mpc_zk_mod_decode(&r, &p)) == 0)
			mpc_zk_mod_encode(&w, &p);
		mpc_zk_mod_proof_clear(&p);
		break;
	}
	case 3: {
		struct mpc_zk_fac_proof p;
		mpc_zk_fac_proof_init(&p);
		if ((rv = mpc_zk_fac_decode(&r, &p)) == 0)
			mpc_zk_fac_encode(&w, &p);
		mpc_zk_fac_proof_clear(&p);
		break;
	}
	case 4: {
		struct mpc_zk_enc_proof p;
		mpc_zk_enc_proof_init(&p);
		if ((rv = mpc_zk_enc_decode(&r, &p)) == 0)
			mpc_zk_enc_encode(&w, &p);
		mpc_zk_enc_proof_clear(&p);
		break;
	}
	case 5: {
		struct mpc_zk_affg_proof p;
		mpc_zk_affg_proof_init(&p);
		if ((rv = mpc_zk_affg_decode(ctx, &r, &p)) == 0)
			mpc_zk_affg_encode(&w, &p);
		mpc_zk_affg_proof_clear(&p);
		break;
	}
	case 6: {
		struct mpc_zk_logstar_proof p;
		mpc_zk_logstar_proof_init(&p);
		if ((rv = mpc_zk_logstar_decode(ctx, &r, &p)) == 0)
			mpc_zk_logstar_encode(&w, &p);
		mpc_zk_logstar_proof_clear(&p);
		break;
	}
	case 7: {
		struct mpc_zk_mulstar_proof p;
		mpc_zk_mulstar_proof_init(&p);
		if ((rv = mpc_zk_mulstar_decode(ctx, &r, &p)) == 0)
			mpc_zk_mulstar_encode(&w, &p);
		mpc_zk_mulstar_proof_clear(&p);
		break;
	}
	case 8: {
		struct mpc_paillier_pk *pk = NULL;
		if ((rv = mpc_paillier_pk_decode(&r, &pk)) == 0)
			mpc_paillier_pk_encode(&w, pk);
		mpc_paillier_pk_free(pk);
		break;
	}
	case 9: {
		struct mpc_rped *rp = NULL;
		if ((rv = mpc_rped_decode(&r, &rp)) == 0)
			mpc_rped_encode(&w, rp);
		mpc_rped_free(rp);
		break;
	}
	case 10: {
		struct mpc_point p;
		uint8_t b[MPC_POINT_BYTES];
		if (n >= MPC_POINT_BYTES) {
			if ((rv = mpc_point_decode(ctx, &p, in, 1)) == 0) {
				mpc_point_encode(b, &p);
				if (memcmp(b, in, sizeof(b)) != 0)
					abort();
			}
		}
		return 0;
	}
	default: {
		mpz_t x;
		mpz_init(x);
		if ((rv = mpc_bn_get_signed(&r, x, 4096)) == 0)
			mpc_bn_put_signed(&w, x);
		mpz_clear(x);
		break;
	}
	}
	used = n - r.len;
	if (rv != 0) {
		if (used != 0) /* failed getters leave the cursor alone */
			abort();
		return 0;
	}
	check_roundtrip(in, used, &w);
	return 0;
}
