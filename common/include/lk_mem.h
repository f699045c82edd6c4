/* Secret memory: wiping, constant-time comparison, guarded allocations. */
#ifndef LK_MEM_H
#define LK_MEM_H

#include <stddef.h>

/* lk_wipe zeroes n bytes in a way the compiler cannot elide. Best effort:
 * copies in registers and on other stack frames are out of reach. */
void lk_wipe(void *p, size_t n);

/* lk_ct_eq compares two n-byte buffers in time independent of their
 * contents. Returns 1 if equal, 0 otherwise. */
int lk_ct_eq(const void *a, const void *b, size_t n);

/* lk_is_zero returns 1 when all n bytes are zero, in constant time. */
int lk_is_zero(const void *p, size_t n);

/* lk_secure_alloc returns guarded, mlocked, non-dumpable memory for a
 * long-lived secret (sodium_malloc: costs 3-4 pages; do not use per
 * message). Returns NULL on failure. Free with lk_secure_free, which wipes. */
void *lk_secure_alloc(size_t n);
void lk_secure_free(void *p);

/* lk_free_wipe wipes n bytes at p and frees p (malloc'ed memory). NULL is a
 * no-op. */
void lk_free_wipe(void *p, size_t n);

/* lk_proc_harden disables core dumps and ptrace attach for this process
 * (RLIMIT_CORE = 0, PR_SET_DUMPABLE = 0). Daemons call it at start. Returns
 * 0 or LK_EIO. */
int lk_proc_harden(void);

#endif
