/* Error codes of common/ and the code-space plan for every library.
 *
 * 0 is success everywhere. Each library owns one disjoint block of positive
 * codes, so a code can travel up unchanged and across the wire:
 *
 *   LK_E*     common/      1 ..  99
 *   PROTO_E*  proto/     100 .. 199
 *   MPC_E*    mpc/       200 .. 299
 *   TPAKE_E*  tpake/     300 .. 399
 *   CONS_E*   consensus/ 400 .. 499
 *   SRV_E*    server/    500 .. 599
 *   AGG_E*    aggregator 600 .. 699
 *   LKC_E*    client/    700 .. 799
 *
 * Numbers never change once assigned: they are part of the wire format. */
#ifndef LK_ERR_H
#define LK_ERR_H

#define LK_ERR_BLOCK(code) ((code) / 100)

enum lk_err {
	LK_OK = 0,
	LK_EINVAL = 1, /* invalid argument (a programmer error) */
	LK_ENOMEM = 2, /* allocation failed */
	LK_EDECODE = 3, /* malformed hex/base64/number text */
	LK_ETOOBIG = 4, /* output buffer or length limit exceeded */
	LK_EAUTH = 5, /* AEAD or MAC verification failed */
	LK_ECONFIG = 6, /* bad configuration (see the log for which key) */
	LK_EIO = 7, /* file or system I/O failed */
	LK_ECRYPTO = 8, /* a crypto primitive reported failure */
	LK_ERANGE = 9, /* a number is outside its allowed range */
	LK_ENOTFOUND = 10 /* a named item does not exist */
};

/* lk_strerror returns a static, human-readable string for any LK_E* code,
 * or "unknown error" for codes outside the block. */
const char *lk_strerror(int code);

#endif
