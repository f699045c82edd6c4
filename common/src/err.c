/* Error strings of common/. */
#include <stddef.h>

#include "lk_err.h"

// clang-format off
static const char *const lk_errors[] = {
	[LK_OK]        = "success",
	[LK_EINVAL]    = "invalid argument",
	[LK_ENOMEM]    = "out of memory",
	[LK_EDECODE]   = "malformed encoding",
	[LK_ETOOBIG]   = "too large",
	[LK_EAUTH]     = "authentication failed",
	[LK_ECONFIG]   = "bad configuration",
	[LK_EIO]       = "I/O error",
	[LK_ECRYPTO]   = "cryptographic failure",
	[LK_ERANGE]    = "value out of range",
	[LK_ENOTFOUND] = "not found",
};
// clang-format on

const char *
lk_strerror(int code)
{
	if (code < 0
	    || (size_t) code >= sizeof(lk_errors) / sizeof(lk_errors[0])
	    || lk_errors[code] == NULL)
		return "unknown error";
	return lk_errors[code];
}
