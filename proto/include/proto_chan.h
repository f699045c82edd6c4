/* The secure channel between a client and one key server, keyed by the
 * OPAQUE session key of that server (DESIGN.md section 4.3).
 *
 *   prk    = HKDF-Extract(salt = "lk-chan-v1", ikm = session key)
 *   k_c2s  = HKDF-Expand(prk, "c2s" || sid || u16 server, 32)
 *   k_s2c  = HKDF-Expand(prk, "s2c" || sid || u16 server, 32)
 *
 * A sealed frame is a normal frame header with the SEALED flag, followed by
 * ChaCha20-Poly1305(k_dir, nonce = 0^4 || seq, ad = the 44 header bytes,
 * body). The header's length field covers ciphertext and tag, so the whole
 * header (version, flags, type, sender, sid, ssid, seq) is authenticated.
 * Each direction numbers its frames 1, 2, 3, ...; the receiver accepts only
 * the next number, so replayed, reordered and dropped-then-later frames are
 * refused, and a frame from another session (other sid or key) or the other
 * direction fails authentication. A refused frame changes no state. */
#ifndef PROTO_CHAN_H
#define PROTO_CHAN_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define PROTO_CHAN_TAGBYTES 16

struct proto_chan {
	uint8_t sid[PROTO_SID_BYTES];
	uint16_t self, peer; /* frame sender indexes: 0 client, i server */
	uint8_t k_send[32], k_recv[32];
	uint64_t send_seq; /* last sent */
	uint64_t recv_seq; /* last accepted */
};

/* Args: session_key (the T-PAKE session key with this server, keylen >= 32
 * bytes), sid, server (1..PROTO_MAX_NODES), is_client (which end this is).
 * Returns 0 or PROTO_EINVAL. */
int proto_chan_init(struct proto_chan *c, const uint8_t *session_key,
    size_t keylen, const uint8_t sid[PROTO_SID_BYTES], uint16_t server,
    int is_client);

/* Seals body into a frame of type (flags: 0 or PROTO_F_RESPONSE) in
 * subsession ssid. Out: frame (*len = PROTO_HDR_BYTES + bodylen + 16).
 * Returns 0, PROTO_ESPACE or PROTO_ETOOBIG. */
int proto_chan_seal(struct proto_chan *c, uint8_t *frame, size_t cap,
    size_t *len, uint16_t type, uint8_t flags, uint64_t ssid,
    const uint8_t *body, size_t bodylen);

/* Opens a sealed frame from the peer. Out: h (its header), body
 * (*bodylen plaintext bytes; cap >= ciphertext length - 16).
 * Returns 0; PROTO_E* from frame parsing; PROTO_ESESSION (not sealed, or
 * another session id); PROTO_ESENDER (not from the peer); PROTO_EREPLAY
 * (not the next sequence number); PROTO_EAUTH (forged, other key or other
 * direction); PROTO_ESPACE. On any error the channel is unchanged (and
 * body is zeroed when authentication fails). */
int proto_chan_open(struct proto_chan *c, struct proto_hdr *h, uint8_t *body,
    size_t cap, size_t *bodylen, const uint8_t *frame, size_t framelen);

/* Wipes the keys. */
void proto_chan_clear(struct proto_chan *c);

#endif
