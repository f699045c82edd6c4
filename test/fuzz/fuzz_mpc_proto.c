/* libFuzzer target for the mpc/ protocol codecs: every protocol message
 * (envelope, echo block, each round's broadcast and point-to-point
 * sections, complaints) and the stored or exchanged objects (key share,
 * presignature and its public record, partial signature, export part).
 * The first byte picks the decoder and, for messages, the participant
 * count and threshold; the rest is the input. A decoded message must
 * re-encode to exactly its bytes with a field trace that tiles them; a
 * decoded object must re-encode to the bytes it consumed; a failed decode
 * must leave the cursor untouched. */
#include <stdlib.h>
#include <string.h>

#include "../../mpc/src/proto_int.h"
#include "mpc.h"
#include "proto_buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mpc_ctx *ctx;
static uint8_t out[1 << 17];
static struct sm_trace tr;

static void
same(const uint8_t *in, size_t used, struct proto_wbuf *w)
{
	size_t len;

	if (proto_wbuf_finish(w, &len) != 0 || len != used
	    || memcmp(out, in, len) != 0)
		abort();
}

static void
message(uint8_t sel, const uint8_t *in, size_t n)
{
	static const uint8_t kinds[] = { MPC_KIND_DKG, MPC_KIND_AUX,
		MPC_KIND_PRESIGN, MPC_KIND_REFRESH, MPC_KIND_IMPORT };
	uint8_t kind = kinds[sel % 5];
	uint32_t np = 2 + (sel / 5) % 4, t = 1 + (sel / 20) % np, f, at;
	uint8_t *re;
	size_t relen;

	if (kind == MPC_KIND_PRESIGN || kind == MPC_KIND_AUX)
		t = np;
	if (sm_msg_roundtrip(ctx, kind, np, t, in, n, &re, &relen, &tr) != 0)
		return;
	if (relen != n || memcmp(re, in, n) != 0)
		abort();
	for (f = 0, at = 0; f < tr.n; f++) {
		if (tr.off[f] != at)
			abort();
		at += tr.len[f];
	}
	if (at != n)
		abort();
	free(re);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_rbuf r;
	struct proto_wbuf w;
	const uint8_t *in;
	size_t n;
	int rv = -1;

	if (size < 2)
		return 0;
	if (ctx == NULL && mpc_ctx_new(&ctx) != 0)
		abort();
	in = data + 2;
	n = size - 2;
	proto_rbuf_init(&r, in, n);
	proto_wbuf_init(&w, out, sizeof(out));
	switch (data[0] % 6) {
	case 0:
		message(data[1], in, n);
		return 0;
	case 1: {
		struct mpc_keyshare *ks;
		if ((rv = mpc_keyshare_decode(ctx, &r, &ks)) == 0) {
			mpc_keyshare_encode(&w, ks);
			mpc_keyshare_free(ks);
		}
		break;
	}
	case 2: {
		struct mpc_presig *p;
		if ((rv = mpc_presig_decode(ctx, &r, &p)) == 0) {
			mpc_presig_encode(&w, p);
			mpc_presig_free(p);
		}
		break;
	}
	case 3: {
		struct mpc_presig_pub *p;
		if ((rv = mpc_presig_pub_decode(ctx, &r, &p)) == 0) {
			mpc_presig_pub_encode(&w, p);
			mpc_presig_pub_free(p);
		}
		break;
	}
	case 4: {
		struct mpc_partial p;
		if ((rv = mpc_partial_decode(&r, &p)) == 0)
			mpc_partial_encode(&w, &p);
		break;
	}
	default: {
		struct mpc_export_part p;
		if ((rv = mpc_export_part_decode(&r, &p)) == 0)
			mpc_export_part_encode(&w, &p);
		mpc_export_part_clear(&p);
		break;
	}
	}
	if (rv == 0)
		same(in, n - r.len, &w);
	else if (r.len != n)
		abort();
	return 0;
}
