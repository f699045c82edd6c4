/* Error strings of proto/. */
#include <stddef.h>

#include "proto_err.h"

// clang-format off
static const char *const proto_errors[] = {
	[PROTO_ESHORT - 100]     = "message truncated",
	[PROTO_ETRAILING - 100]  = "trailing bytes after message",
	[PROTO_ETOOBIG - 100]    = "field exceeds its maximum size",
	[PROTO_ENONCANON - 100]  = "non-canonical encoding",
	[PROTO_ERANGE - 100]     = "value out of range",
	[PROTO_ESPACE - 100]     = "output buffer too small",
	[PROTO_EMAGIC - 100]     = "bad frame magic",
	[PROTO_EVERSION - 100]   = "unsupported protocol version",
	[PROTO_ETYPE - 100]      = "unknown or unexpected message type",
	[PROTO_EFLAGS - 100]     = "unknown flags",
	[PROTO_ELENGTH - 100]    = "frame length mismatch",
	[PROTO_EINVAL - 100]     = "invalid argument",
	[PROTO_ESENDER - 100]    = "sender not allowed",
	[PROTO_ESESSION - 100]   = "unknown or mismatched session",
	[PROTO_EREPLAY - 100]    = "replayed or out-of-order message",
	[PROTO_EAUTH - 100]      = "channel authentication failed",
	[PROTO_ETIMEOUT - 100]   = "deadline exceeded",
	[PROTO_EUNAVAIL - 100]   = "peer unavailable",
	[PROTO_ETRANSPORT - 100] = "transport failure",
	[PROTO_EBUSY - 100]      = "too many requests in flight",
	[PROTO_EPOINT - 100]     = "invalid group element",
	[PROTO_ESCALAR - 100]    = "invalid scalar",
	[PROTO_EADDRINUSE - 100] = "address already in use",
	[PROTO_EREPLY - 100]     = "reply does not match the request",
};
// clang-format on

const char *
proto_strerror(int code)
{
	size_t i = (size_t) (code - 100);

	if (code < 100 || i >= sizeof(proto_errors) / sizeof(proto_errors[0])
	    || proto_errors[i] == NULL)
		return "unknown error";
	return proto_errors[i];
}
