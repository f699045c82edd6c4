/* Key shares: threshold DKG, proactive refresh, import and export, BIP32
 * (docs/MPC.md §11, §14, §15). */
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "harness.h"
#include "mpc_test.h"

Suite *dkg_suite(void);

static void
free_ks(struct mpc_keyshare **ks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		mpc_keyshare_free(ks[i]);
		ks[i] = NULL;
	}
}

/* All shares agree on the public data and any t of them give the key. */
static void
check_shares(
    struct mpc_keyshare **ks, uint32_t n, uint32_t t, uint8_t secret_out[32])
{
	struct mpc_export_part parts[MPC_MAX_PARTIES];
	uint8_t pub0[33], pub[33], id0[32], id[32], cc0[32], cc[32], x[32],
	    x2[32], xs[33];
	struct mpc_scalar s;
	struct mpc_point P;
	uint32_t i, j, bad;

	mpc_keyshare_pubkey(ks[0], pub0);
	mpc_keyshare_key_id(ks[0], id0);
	mpc_keyshare_chaincode(ks[0], cc0);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(mpc_keyshare_index(ks[i]), i);
		ck_assert_uint_eq(mpc_keyshare_n(ks[i]), n);
		ck_assert_uint_eq(mpc_keyshare_t(ks[i]), t);
		mpc_keyshare_pubkey(ks[i], pub);
		mpc_keyshare_key_id(ks[i], id);
		mpc_keyshare_chaincode(ks[i], cc);
		ck_assert_mem_eq(pub, pub0, 33);
		ck_assert_mem_eq(id, id0, 32);
		ck_assert_mem_eq(cc, cc0, 32);
		for (j = 0; j < n; j++) {
			uint8_t a[33], b[33];
			ck_assert_int_eq(
			    mpc_keyshare_public_share(ks[i], j, a), 0);
			ck_assert_int_eq(
			    mpc_keyshare_public_share(ks[0], j, b), 0);
			ck_assert_mem_eq(a, b, 33);
		}
		ck_assert_int_eq(
		    mpc_export_part(tmpc_ctx(), &parts[i], ks[i]), 0);
	}
	/* the first t and the last t parts give the same key */
	ck_assert_int_eq(mpc_export_combine(tmpc_ctx(), x, &bad, parts, t), 0);
	ck_assert_int_eq(
	    mpc_export_combine(tmpc_ctx(), x2, &bad, parts + (n - t), t), 0);
	ck_assert_mem_eq(x, x2, 32);
	ck_assert_int_eq(mpc_scalar_decode(&s, x), 0);
	ck_assert_int_eq(mpc_point_mul_base(tmpc_ctx(), &P, &s), 0);
	mpc_point_encode(xs, &P);
	ck_assert_mem_eq(xs, pub0, 33);
	/* t - 1 parts do not give it: export refuses them, and interpolating
	 * them anyway gives another value */
	if (t > 1) {
		uint32_t set[MPC_MAX_PARTIES];
		struct mpc_scalar acc, l, term;
		ck_assert_int_eq(
		    mpc_export_combine(tmpc_ctx(), x2, &bad, parts, t - 1),
		    MPC_ECOUNT);
		ck_assert(lk_is_zero(x2, 32));
		for (i = 0; i + 1 < t; i++)
			set[i] = i;
		mpc_scalar_set_u64(&acc, 0);
		for (i = 0; i + 1 < t; i++) {
			lagrange0(&l, i, set, t - 1);
			mpc_scalar_mul(&term, &l, &parts[i].share);
			mpc_scalar_add(&acc, &acc, &term);
		}
		ck_assert_int_eq(mpc_scalar_eq(&acc, &s), 0);
	}
	if (secret_out != NULL)
		memcpy(secret_out, x, 32);
	for (i = 0; i < n; i++)
		mpc_export_part_clear(&parts[i]);
}

static const uint32_t cfg[][2] = { { 1, 1 }, { 1, 3 }, { 2, 2 }, { 2, 3 },
	{ 3, 5 }, { 5, 5 }, { 4, 7 }, { 11, 16 } };

START_TEST(dkg_configs)
{
	struct mpc_keyshare *ks[MPC_MAX_PARTIES] = { 0 };
	uint32_t t = cfg[_i][0], n = cfg[_i][1];
	struct sim s;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), n, 1 + (uint64_t) _i, 0), 0);
	ck_assert_int_eq(sim_dkg(&s, t, "dkg", ks), 0);
	check_shares(ks, n, t, NULL);
	free_ks(ks, n);
	sim_clear(&s);
}
END_TEST

START_TEST(dkg_any_delivery_order)
{
	struct mpc_keyshare *ks[5] = { 0 };
	uint64_t seed;
	struct sim s;

	for (seed = 1; seed <= 20; seed++) {
		uint32_t n = seed % 2 ? 3 : 5, t = seed % 2 ? 2 : 3;
		ck_assert_int_eq(
		    sim_init(&s, tmpc_ctx(), n, seed, seed * 7919), 0);
		ck_assert_int_eq(sim_dkg(&s, t, "dkg-order", ks), 0);
		check_shares(ks, n, t, NULL);
		free_ks(ks, n);
		sim_clear(&s);
	}
}
END_TEST

START_TEST(dkg_distinct_runs)
{
	struct mpc_keyshare *a[3] = { 0 }, *b[3] = { 0 };
	uint8_t pa[33], pb[33], ia[32], ib[32];
	struct sim s;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 4, 0), 0);
	ck_assert_int_eq(sim_dkg(&s, 2, "run-a", a), 0);
	ck_assert_int_eq(sim_dkg(&s, 2, "run-b", b), 0);
	mpc_keyshare_pubkey(a[0], pa);
	mpc_keyshare_pubkey(b[0], pb);
	mpc_keyshare_key_id(a[0], ia);
	mpc_keyshare_key_id(b[0], ib);
	ck_assert_mem_ne(pa, pb, 33);
	ck_assert_mem_ne(ia, ib, 32);
	free_ks(a, 3);
	free_ks(b, 3);
	sim_clear(&s);
}
END_TEST

START_TEST(keyshare_codec)
{
	struct mpc_keyshare *ks[3] = { 0 }, *q;
	uint8_t buf[MPC_KEYSHARE_MAX_BYTES], buf2[MPC_KEYSHARE_MAX_BYTES];
	struct proto_wbuf w;
	struct proto_rbuf r;
	size_t len, len2, i;
	struct sim s;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 5, 0), 0);
	ck_assert_int_eq(sim_dkg(&s, 2, "codec", ks), 0);
	proto_wbuf_init(&w, buf, sizeof(buf));
	mpc_keyshare_encode(&w, ks[1]);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(mpc_keyshare_decode(tmpc_ctx(), &r, &q), 0);
	ck_assert_uint_eq(r.len, 0);
	proto_wbuf_init(&w, buf2, sizeof(buf2));
	mpc_keyshare_encode(&w, q);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len2), 0);
	ck_assert_uint_eq(len2, len);
	ck_assert_mem_eq(buf, buf2, len);
	mpc_keyshare_free(q);
	/* truncations leave the cursor; any changed byte is refused */
	for (i = 0; i < len; i++) {
		proto_rbuf_init(&r, buf, i);
		ck_assert_int_ne(mpc_keyshare_decode(tmpc_ctx(), &r, &q), 0);
		ck_assert_uint_eq(r.len, i);
	}
	for (i = 0; i < len; i++) {
		if (i >= 1 && i < 1 + MPC_ID_BYTES + 8)
			continue; /* key id and epoch are labels */
		if (i >= len - MPC_CHAINCODE_BYTES)
			continue; /* the chain code is public data */
		buf[i] ^= 0x10;
		proto_rbuf_init(&r, buf, len);
		ck_assert_msg(mpc_keyshare_decode(tmpc_ctx(), &r, &q) != 0,
		    "byte %zu", i);
		buf[i] ^= 0x10;
	}
	/* another party's share with these public shares */
	{
		size_t xoff = 1 + MPC_ID_BYTES + 8 + 6;
		uint8_t other[MPC_KEYSHARE_MAX_BYTES];
		size_t olen;
		proto_wbuf_init(&w, other, sizeof(other));
		mpc_keyshare_encode(&w, ks[2]);
		ck_assert_int_eq(proto_wbuf_finish(&w, &olen), 0);
		memcpy(buf + xoff, other + xoff, 32);
		proto_rbuf_init(&r, buf, len);
		ck_assert_int_eq(
		    mpc_keyshare_decode(tmpc_ctx(), &r, &q), MPC_EMISMATCH);
	}
	free_ks(ks, 3);
	sim_clear(&s);
}
END_TEST

/* Threshold raise and lower: party 0 sends everyone a round-2 broadcast
 * with t + 1 (or t - 1) Feldman commitments, a polynomial of another
 * degree, consistently signed. Every other party must refuse it and name
 * party 0; nobody may end with a key share. */
struct resize {
	int grow; /* 1: one commitment more, 0: one less */
	uint32_t n, t;
};

static int
resize_hook(void *arg, struct sim *s, uint32_t from, uint32_t to,
    uint8_t **data, size_t *len)
{
	const struct resize *rz = arg;
	struct sm_trace *tr = calloc(1, sizeof(*tr)), lay;
	uint8_t *re, *d, pt[MPC_POINT_BYTES];
	size_t relen, f, k = 0, at = 0, nl, bclen;

	(void) to;
	ck_assert_ptr_nonnull(tr);
	if (from != 0 || *len < SM_HDR_BYTES || (*data)[2] != 2) {
		free(tr);
		return 0;
	}
	ck_assert_int_eq(sm_msg_roundtrip(s->ctx, MPC_KIND_DKG, rz->n, rz->t,
	                     *data, *len, &re, &relen, tr),
	    0);
	free(re);
	/* bc body fields: rid, S_0 .. S_{t-1}, A, cc, u: find S_{t-1} */
	for (f = 0; f < tr->n; f++) {
		if (tr->kind[f] != TR_FIELD || tr->off[f] < tr->bc_off
		    || tr->off[f] >= tr->bc_off + tr->bc_len)
			continue;
		if (k++ == rz->t)
			at = tr->off[f];
	}
	ck_assert_uint_gt(at, 0);
	nl = rz->grow ? *len + MPC_POINT_BYTES : *len - MPC_POINT_BYTES;
	ck_assert_ptr_nonnull(d = malloc(nl));
	memcpy(pt, *data + at, MPC_POINT_BYTES); /* a valid point: S_{t-1} */
	if (rz->grow) {
		memcpy(d, *data, at + MPC_POINT_BYTES);
		memcpy(d + at + MPC_POINT_BYTES, pt, MPC_POINT_BYTES);
		memcpy(d + at + 2 * MPC_POINT_BYTES,
		    *data + at + MPC_POINT_BYTES, *len - at - MPC_POINT_BYTES);
		bclen = tr->bc_len + MPC_POINT_BYTES;
	} else {
		memcpy(d, *data, at);
		memcpy(d + at, *data + at + MPC_POINT_BYTES,
		    *len - at - MPC_POINT_BYTES);
		bclen = tr->bc_len - MPC_POINT_BYTES;
	}
	d[tr->bc_off - 4] = (uint8_t) (bclen >> 24);
	d[tr->bc_off - 3] = (uint8_t) (bclen >> 16);
	d[tr->bc_off - 2] = (uint8_t) (bclen >> 8);
	d[tr->bc_off - 1] = (uint8_t) bclen;
	lay = *tr;
	lay.bc_len = bclen;
	lay.bsig_off = tr->bc_off + bclen;
	ck_assert_int_eq(sm_msg_resign(d, nl, s->self[0].sign_sk, &lay, 1), 0);
	/* a well-formed message of a session with the other t: only the
	 * receiver's own t can refuse it */
	ck_assert_int_eq(
	    sm_msg_roundtrip(s->ctx, MPC_KIND_DKG, rz->n,
	        rz->grow ? rz->t + 1 : rz->t - 1, d, nl, &re, &relen, NULL),
	    0);
	free(re);
	free(*data);
	*data = d;
	*len = nl;
	free(tr);
	return 0;
}

START_TEST(dkg_refuses_other_degree)
{
	struct resize rz = { _i, 3, 2 };
	struct mpc_blame b;
	struct sim s;
	uint32_t i;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 61, 0), 0);
	sim_reset(&s);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(mpc_dkg_new(s.ctx, &s.sm[i], &s.cl, &s.self[i],
		                     2, (const uint8_t *) "raise", 5),
		    0);
	s.tamper = resize_hook;
	s.tamper_arg = &rz;
	ck_assert_int_eq(sim_run(&s), 0);
	for (i = 1; i < 3; i++) {
		ck_assert_int_eq(mpc_sm_status(s.sm[i]), MPC_SM_FAILED);
		ck_assert_int_eq(mpc_sm_blame(s.sm[i], &b), 0);
		ck_assert_msg(b.party == 0 && b.reason == MPC_BLAME_DECODE,
		    "party %u blames %u reason %u", i, b.party, b.reason);
	}
	sim_clear(&s);
}
END_TEST

START_TEST(refresh_keeps_key_changes_shares)
{
	struct mpc_keyshare *ks[5] = { 0 }, *nk[5] = { 0 }, *nk2[5] = { 0 };
	struct mpc_export_part old[5], cur[5], mix[3];
	uint8_t x0[32], x1[32], x[32], pa[33], pb[33], ia[32], ib[32];
	uint8_t buf[MPC_KEYSHARE_MAX_BYTES], obuf[MPC_KEYSHARE_MAX_BYTES];
	struct proto_wbuf w;
	struct proto_rbuf r;
	struct mpc_keyshare *q;
	size_t len, olen;
	uint32_t i, bad;
	struct sim s;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 5, 6, 0), 0);
	ck_assert_int_eq(sim_dkg(&s, 3, "dkg", ks), 0);
	check_shares(ks, 5, 3, x0);
	ck_assert_int_eq(sim_refresh(&s, ks, "refresh-1", nk), 0);
	check_shares(nk, 5, 3, x1);
	ck_assert_mem_eq(x0, x1, 32); /* the same key */
	mpc_keyshare_pubkey(ks[0], pa);
	mpc_keyshare_pubkey(nk[0], pb);
	ck_assert_mem_eq(pa, pb, 33);
	mpc_keyshare_key_id(ks[0], ia);
	mpc_keyshare_key_id(nk[0], ib);
	ck_assert_mem_eq(ia, ib, 32);
	ck_assert_uint_eq(mpc_keyshare_epoch(nk[0]), 1);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(
		    mpc_export_part(tmpc_ctx(), &old[i], ks[i]), 0);
		ck_assert_int_eq(
		    mpc_export_part(tmpc_ctx(), &cur[i], nk[i]), 0);
		/* every share changed */
		ck_assert_int_eq(
		    mpc_scalar_eq(&old[i].share, &cur[i].share), 0);
	}
	/* old and new shares do not mix */
	mix[0] = old[0];
	mix[1] = cur[1];
	mix[2] = cur[2];
	ck_assert_int_eq(
	    mpc_export_combine(tmpc_ctx(), x, &bad, mix, 3), MPC_EMISMATCH);
	ck_assert_uint_eq(bad, 1);
	/* even relabelled with the new epoch, an old share is no share */
	mix[0].epoch = 1;
	memcpy(mix[0].public_share, cur[0].public_share, 33);
	ck_assert_int_eq(
	    mpc_export_combine(tmpc_ctx(), x, &bad, mix, 3), MPC_EMISMATCH);
	ck_assert_uint_eq(bad, 0);
	/* and a key share carrying an old x with the new public shares does
	 * not decode */
	proto_wbuf_init(&w, buf, sizeof(buf));
	mpc_keyshare_encode(&w, nk[0]);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	proto_wbuf_init(&w, obuf, sizeof(obuf));
	mpc_keyshare_encode(&w, ks[0]);
	ck_assert_int_eq(proto_wbuf_finish(&w, &olen), 0);
	memcpy(buf + 1 + MPC_ID_BYTES + 8 + 6, obuf + 1 + MPC_ID_BYTES + 8 + 6,
	    32);
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(
	    mpc_keyshare_decode(tmpc_ctx(), &r, &q), MPC_EMISMATCH);
	/* a refresh of the old epoch with the new shares: different inputs,
	 * different sessions, no output */
	{
		struct mpc_keyshare *mixed[5]
		    = { ks[0], nk[1], nk[2], nk[3], nk[4] };
		ck_assert_int_ne(sim_refresh(&s, mixed, "refresh-2", nk2), 0);
	}
	ck_assert_int_eq(sim_refresh(&s, nk, "refresh-2", nk2), 0);
	ck_assert_uint_eq(mpc_keyshare_epoch(nk2[3]), 2);
	check_shares(nk2, 5, 3, x);
	ck_assert_mem_eq(x, x0, 32);
	for (i = 0; i < 5; i++) {
		mpc_export_part_clear(&old[i]);
		mpc_export_part_clear(&cur[i]);
	}
	free_ks(ks, 5);
	free_ks(nk, 5);
	free_ks(nk2, 5);
	sim_clear(&s);
}
END_TEST

static int
run_import(struct sim *s, struct mpc_msg *blobs, const uint8_t *dpk,
    struct mpc_keyshare **ks)
{
	uint32_t i;
	int rv;

	sim_reset(s);
	for (i = 0; i < s->n; i++)
		if ((rv = mpc_import_new(s->ctx, &s->sm[i], &s->cl, &s->self[i],
		         dpk, blobs[i].data, blobs[i].len,
		         (const uint8_t *) "import", 6))
		    != 0)
			return rv;
	if ((rv = sim_run(s)) != 0)
		return rv;
	for (i = 0; i < s->n; i++)
		if ((rv = mpc_sm_take_keyshare(s->sm[i], &ks[i])) != 0)
			return rv;
	return 0;
}

START_TEST(import_export_roundtrip)
{
	static const uint32_t cf[][2] = { { 2, 3 }, { 3, 5 }, { 1, 1 } };
	struct mpc_keyshare *ks[5] = { 0 };
	struct mpc_msg blobs[5];
	uint8_t dpk[32], dsk[64], secret[32], cc[32], x[32], pub[33], want[33];
	struct mpc_scalar sc;
	struct mpc_point P;
	struct sim s;
	size_t c, i;

	for (c = 0; c < LK_ARRAY_LEN(cf); c++) {
		uint32_t t = cf[c][0], n = cf[c][1];
		crypto_sign_keypair(dpk, dsk);
		mpc_scalar_random_nonzero(&sc);
		mpc_scalar_encode(secret, &sc);
		lk_random(cc, sizeof(cc));
		ck_assert_int_eq(
		    mpc_import_deal(tmpc_ctx(), blobs, n, t, secret, cc, dsk),
		    0);
		ck_assert_int_eq(sim_init(&s, tmpc_ctx(), n, 20 + c, 0), 0);
		ck_assert_int_eq(run_import(&s, blobs, dpk, ks), 0);
		check_shares(ks, n, t, x);
		ck_assert_mem_eq(x, secret, 32); /* import then export */
		ck_assert_int_eq(mpc_point_mul_base(tmpc_ctx(), &P, &sc), 0);
		mpc_point_encode(want, &P);
		mpc_keyshare_pubkey(ks[0], pub);
		ck_assert_mem_eq(pub, want, 33);
		mpc_keyshare_chaincode(ks[0], x);
		ck_assert_mem_eq(x, cc, 32);
		ck_assert_uint_eq(mpc_keyshare_epoch(ks[0]), 0);
		free_ks(ks, n);
		for (i = 0; i < n; i++)
			mpc_msg_clear(&blobs[i]);
		sim_clear(&s);
	}
}
END_TEST

START_TEST(import_signs)
{
	struct mpc_keyshare *ks[3] = { 0 };
	struct mpc_presig *ps[2] = { 0 };
	struct mpc_aux *aux[3];
	struct mpc_msg blobs[3];
	uint32_t set[2] = { 1, 2 };
	uint8_t dpk[32], dsk[64], secret[32] = { 0 }, cc[32] = { 0 }, pub[33],
	                          hash[32] = { 0x42 };
	struct mpc_signature sig;
	struct mpc_blame b;
	struct sim s;
	size_t i;

	secret[0] = 0x11;
	secret[31] = 0x99;
	crypto_sign_keypair(dpk, dsk);
	ck_assert_int_eq(
	    mpc_import_deal(tmpc_ctx(), blobs, 3, 2, secret, cc, dsk), 0);
	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 30, 0), 0);
	ck_assert_int_eq(run_import(&s, blobs, dpk, ks), 0);
	for (i = 0; i < 3; i++)
		aux[i] = tmpc_aux(3, (uint32_t) i);
	ck_assert_int_eq(sim_presign(&s, ks, aux, set, 2, "ps", ps), 0);
	ck_assert_int_eq(sim_sign(&s, ps, ks, set, 2, hash, NULL, &sig, &b), 0);
	mpc_keyshare_pubkey(ks[0], pub);
	tmpc_check_signature(pub, hash, &sig);
	for (i = 0; i < 3; i++) {
		mpc_aux_free(aux[i]);
		mpc_msg_clear(&blobs[i]);
	}
	for (i = 0; i < 2; i++)
		mpc_presig_free(ps[i]);
	free_ks(ks, 3);
	sim_clear(&s);
}
END_TEST

START_TEST(import_dealer_equivocates)
{
	struct mpc_keyshare *ks[3] = { 0 };
	struct mpc_msg a[3], b[3], mixed[3];
	uint8_t dpk[32], dsk[64], secret[32] = { 1 }, cc[32] = { 2 };
	struct mpc_blame bl;
	struct sim s;
	size_t i;

	crypto_sign_keypair(dpk, dsk);
	ck_assert_int_eq(
	    mpc_import_deal(tmpc_ctx(), a, 3, 2, secret, cc, dsk), 0);
	ck_assert_int_eq(
	    mpc_import_deal(tmpc_ctx(), b, 3, 2, secret, cc, dsk), 0);
	mixed[0] = a[0];
	mixed[1] = b[1];
	mixed[2] = b[2];
	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 31, 0), 0);
	ck_assert_int_eq(run_import(&s, mixed, dpk, ks), MPC_ESTATE);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(mpc_sm_status(s.sm[i]), MPC_SM_FAILED);
		ck_assert_int_eq(mpc_sm_blame(s.sm[i], &bl), 0);
		ck_assert_uint_eq(bl.party, MPC_PARTY_DEALER);
		ck_assert_uint_eq(bl.reason, MPC_BLAME_DEALER);
	}
	/* a share the dealer did not sign is refused locally */
	a[1].data[a[1].len - 70] ^= 1;
	sim_reset(&s);
	ck_assert_int_eq(
	    mpc_import_new(tmpc_ctx(), &s.sm[1], &s.cl, &s.self[1], dpk,
	        a[1].data, a[1].len, (const uint8_t *) "import", 6),
	    MPC_EAUTH);
	ck_assert_ptr_null(s.sm[1]);
	/* a blob for another party */
	ck_assert_int_eq(
	    mpc_import_new(tmpc_ctx(), &s.sm[0], &s.cl, &s.self[0], dpk,
	        b[1].data, b[1].len, (const uint8_t *) "import", 6),
	    MPC_EDECODE);
	for (i = 0; i < 3; i++) {
		mpc_msg_clear(&a[i]);
		mpc_msg_clear(&b[i]);
	}
	sim_clear(&s);
}
END_TEST

START_TEST(export_refuses_bad_parts)
{
	struct mpc_keyshare *ks[3] = { 0 };
	struct mpc_export_part p[3], q;
	uint8_t x[32], buf[MPC_EXPORT_PART_BYTES];
	struct proto_wbuf w;
	struct proto_rbuf r;
	struct mpc_scalar one;
	uint32_t bad, i;
	size_t len;
	struct sim s;

	ck_assert_int_eq(sim_init(&s, tmpc_ctx(), 3, 32, 0), 0);
	ck_assert_int_eq(sim_dkg(&s, 2, "dkg", ks), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(mpc_export_part(tmpc_ctx(), &p[i], ks[i]), 0);
	/* codec */
	proto_wbuf_init(&w, buf, sizeof(buf));
	mpc_export_part_encode(&w, &p[1]);
	ck_assert_int_eq(proto_wbuf_finish(&w, &len), 0);
	ck_assert_uint_eq(len, MPC_EXPORT_PART_BYTES);
	proto_rbuf_init(&r, buf, len);
	ck_assert_int_eq(mpc_export_part_decode(&r, &q), 0);
	ck_assert_mem_eq(&q, &p[1], sizeof(q));
	proto_rbuf_init(&r, buf, len - 1);
	ck_assert_int_ne(mpc_export_part_decode(&r, &q), 0);
	ck_assert_uint_eq(r.len, len - 1);
	/* a wrong share is named */
	mpc_scalar_set_u64(&one, 1);
	q = p[1];
	mpc_scalar_add(&q.share, &q.share, &one);
	{
		struct mpc_export_part two[2] = { p[0], q };
		ck_assert_int_eq(
		    mpc_export_combine(tmpc_ctx(), x, &bad, two, 2),
		    MPC_EMISMATCH);
		ck_assert_uint_eq(bad, 1);
	}
	/* a consistent but foreign part: the key does not come out */
	q = p[1];
	mpc_scalar_add(&q.share, &q.share, &one);
	{
		struct mpc_point P;
		struct mpc_export_part two[2];
		ck_assert_int_eq(
		    mpc_point_mul_base(tmpc_ctx(), &P, &q.share), 0);
		mpc_point_encode(q.public_share, &P);
		two[0] = p[0];
		two[1] = q;
		ck_assert_int_eq(
		    mpc_export_combine(tmpc_ctx(), x, &bad, two, 2),
		    MPC_ERECON);
		ck_assert(lk_is_zero(x, 32));
	}
	/* duplicates, and parts of two keys */
	{
		struct mpc_export_part two[2] = { p[0], p[0] };
		ck_assert_int_eq(
		    mpc_export_combine(tmpc_ctx(), x, &bad, two, 2),
		    MPC_ECOUNT);
		two[1] = p[1];
		two[1].key_id[0] ^= 1;
		ck_assert_int_eq(
		    mpc_export_combine(tmpc_ctx(), x, &bad, two, 2),
		    MPC_EMISMATCH);
	}
	for (i = 0; i < 3; i++)
		mpc_export_part_clear(&p[i]);
	free_ks(ks, 3);
	sim_clear(&s);
}
END_TEST

/* BIP32 test vector 2 (public derivation m -> m/0). */
static const char *v2_m_pub
    = "03cbcaa9c98c877a26977d00825c956a238e8dddfbd322cce4f74b0b5bd6ace4a7";
static const char *v2_m_cc
    = "60499f801b896d83179a4374aeb7822aaeaceaa0db1f85ee3e904c4defbd9689";
static const char *v2_m0_pub
    = "02fc9e5af0ac8d9b3cecfe2a888e2117ba3d089d8585886c9c826b6b22a98d12ea";
static const char *v2_m0_cc
    = "f0909affaa7ee7abe5dd4e100598d4dc53cd709d5a5c2cac40e7412f232f7c9c";

START_TEST(bip32_vectors_and_paths)
{
	uint8_t pub[33], cc[32], want[33], wcc[32];
	uint32_t path[MPC_BIP32_MAX_DEPTH], p1[1] = { 0 }, p2[2] = { 0, 7 };
	struct mpc_derivation d, a, b;
	size_t depth;

	ck_assert_int_eq(lk_hex_decode_exact(pub, 33, v2_m_pub), 0);
	ck_assert_int_eq(lk_hex_decode_exact(cc, 32, v2_m_cc), 0);
	ck_assert_int_eq(lk_hex_decode_exact(want, 33, v2_m0_pub), 0);
	ck_assert_int_eq(lk_hex_decode_exact(wcc, 32, v2_m0_cc), 0);
	ck_assert_int_eq(mpc_bip32_derive(tmpc_ctx(), &d, pub, cc, p1, 1), 0);
	ck_assert_mem_eq(d.pubkey, want, 33);
	ck_assert_mem_eq(d.chaincode, wcc, 32);
	/* derivation composes; depth 0 is the key itself */
	ck_assert_int_eq(mpc_bip32_derive(tmpc_ctx(), &a, pub, cc, p2, 2), 0);
	p1[0] = 7;
	ck_assert_int_eq(
	    mpc_bip32_derive(tmpc_ctx(), &b, d.pubkey, d.chaincode, p1, 1), 0);
	ck_assert_mem_eq(a.pubkey, b.pubkey, 33);
	ck_assert_int_eq(mpc_bip32_derive(tmpc_ctx(), &a, pub, cc, NULL, 0), 0);
	ck_assert_mem_eq(a.pubkey, pub, 33);
	ck_assert_int_eq(mpc_scalar_is_zero(&a.shift), 1);
	/* hardened indices are refused */
	p1[0] = MPC_BIP32_HARDENED;
	ck_assert_int_eq(
	    mpc_bip32_derive(tmpc_ctx(), &a, pub, cc, p1, 1), MPC_EDERIVE);
	/* paths */
	ck_assert_int_eq(mpc_bip32_parse_path(path, &depth, "m"), 0);
	ck_assert_uint_eq(depth, 0);
	ck_assert_int_eq(
	    mpc_bip32_parse_path(path, &depth, "m/0/1/2147483647"), 0);
	ck_assert_uint_eq(depth, 3);
	ck_assert_uint_eq(path[2], 2147483647u);
	ck_assert_int_eq(
	    mpc_bip32_parse_path(path, &depth, "m/0'"), MPC_EDERIVE);
	ck_assert_int_eq(
	    mpc_bip32_parse_path(path, &depth, "m/2147483648"), MPC_EDERIVE);
	ck_assert_int_eq(mpc_bip32_parse_path(path, &depth, "m/"), MPC_EDECODE);
	ck_assert_int_eq(
	    mpc_bip32_parse_path(path, &depth, "m/01"), MPC_EDECODE);
	ck_assert_int_eq(
	    mpc_bip32_parse_path(path, &depth, "x/1"), MPC_EDECODE);
	ck_assert_int_eq(
	    mpc_bip32_parse_path(path, &depth, "m/1/a"), MPC_EDECODE);
	ck_assert_int_eq(
	    mpc_bip32_parse_path(path, &depth, "m/99999999999"), MPC_EDECODE);
}
END_TEST

Suite *
dkg_suite(void)
{
	Suite *s = suite_create("dkg");
	TCase *tc = tcase_create("keys");

	tcase_add_unchecked_fixture(tc, tmpc_parties_setup, NULL);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, dkg_configs, 0, (int) LK_ARRAY_LEN(cfg));
	tcase_add_test(tc, dkg_any_delivery_order);
	tcase_add_test(tc, dkg_distinct_runs);
	tcase_add_loop_test(tc, dkg_refuses_other_degree, 0, 2);
	tcase_add_test(tc, keyshare_codec);
	tcase_add_test(tc, refresh_keeps_key_changes_shares);
	tcase_add_test(tc, import_export_roundtrip);
	tcase_add_test(tc, import_signs);
	tcase_add_test(tc, import_dealer_equivocates);
	tcase_add_test(tc, export_refuses_bad_parts);
	tcase_add_test(tc, bip32_vectors_and_paths);
	suite_add_tcase(s, tc);
	return s;
}
