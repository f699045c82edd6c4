/* Error codes of proto/ (block 100..199; see lk_err.h). Stable: they are sent
 * in ERROR replies. */
#ifndef PROTO_ERR_H
#define PROTO_ERR_H

enum proto_err {
	PROTO_ESHORT = 100, /* input ended inside a field */
	PROTO_ETRAILING = 101, /* bytes left after the last field */
	PROTO_ETOOBIG = 102, /* a length exceeds its maximum */
	PROTO_ENONCANON = 103, /* a non-canonical encoding (leading zeros) */
	PROTO_ERANGE = 104, /* an integer outside its allowed range */
	PROTO_ESPACE = 105, /* output buffer too small */
	PROTO_EMAGIC = 106, /* frame magic is wrong */
	PROTO_EVERSION = 107, /* unsupported protocol version */
	PROTO_ETYPE = 108, /* unknown or unexpected message type */
	PROTO_EFLAGS = 109, /* unknown flag bits set */
	PROTO_ELENGTH = 110, /* frame length disagrees with the data */
	PROTO_EINVAL = 111, /* invalid argument (programmer error) */
	PROTO_ESENDER = 112, /* sender index not allowed here */
	PROTO_ESESSION = 113, /* unknown or mismatched session */
	PROTO_EREPLAY = 114, /* sequence number replayed or out of order */
	PROTO_EAUTH = 115, /* channel authentication failed */
	PROTO_ETIMEOUT = 116, /* request deadline passed */
	PROTO_EUNAVAIL = 117, /* peer not reachable */
	PROTO_ETRANSPORT = 118, /* transport (nng/TLS) failure */
	PROTO_EBUSY = 119, /* too many requests in flight */
	PROTO_EPOINT = 120, /* a group element failed validation */
	PROTO_ESCALAR = 121, /* a scalar failed validation */
	PROTO_EADDRINUSE = 122, /* a listen address is already taken */
	PROTO_EREPLY = 123, /* a reply did not match its request */
};

const char *proto_strerror(int code);

#endif
