// The one-shot digests below use OpenSSL's low-level functions (`SHA256_Init` …),
// deprecated in OpenSSL 3 in favour of EVP but still built and exported; without
// this, their declarations carry deprecation attributes.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>

/// The digest implementation for `EVP_md5()`… `EVP_sha512()` (index 0-3), fetched
/// once. OpenSSL 3 looks the implementation of a legacy descriptor up in its
/// providers on every `EVP_DigestInit` (a lock, a property query and a reference
/// count: ~10 000 instructions, more than hashing a 2 KB `.drv` text); a fetched
/// one skips that. Two threads racing here both store a valid descriptor.
static inline const EVP_MD *swix_digest(int which) {
#if OPENSSL_VERSION_MAJOR >= 3
    static EVP_MD *fetched[4];
    static const char *const names[4] = { "MD5", "SHA1", "SHA256", "SHA512" };
    if (which < 0 || which > 3) return NULL;
    EVP_MD *md = __atomic_load_n(&fetched[which], __ATOMIC_ACQUIRE);
    if (md == NULL) {
        md = EVP_MD_fetch(NULL, names[which], NULL);
        EVP_MD *expected = NULL;
        if (md != NULL && !__atomic_compare_exchange_n(&fetched[which], &expected, md, 0,
                                                       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            EVP_MD_free(md);
            md = expected;
        }
    }
    return md;
#else
    switch (which) {
    case 0: return EVP_md5();
    case 1: return EVP_sha1();
    case 2: return EVP_sha256();
    case 3: return EVP_sha512();
    default: return NULL;
    }
#endif
}

/// The digest of `length` bytes at `data` (algorithm 0-3 as in `swix_digest`)
/// written to `out`, through the low-level functions: no context allocated,
/// looked up, cleansed and freed (EVP_Digest spends ~1,500 instructions on that
/// per call, several times the hashing of a short string, and `hashString` runs
/// once per package in package sets). The same block functions EVP uses (SHA-NI
/// where the processor has it). Returns 0 for an unknown algorithm.
static inline int swix_digest_oneshot(int which, const void *data, size_t length, unsigned char *out) {
    switch (which) {
    case 0: { MD5_CTX c; MD5_Init(&c); MD5_Update(&c, data, length); MD5_Final(out, &c); return 1; }
    case 1: { SHA_CTX c; SHA1_Init(&c); SHA1_Update(&c, data, length); SHA1_Final(out, &c); return 1; }
    case 2: { SHA256_CTX c; SHA256_Init(&c); SHA256_Update(&c, data, length); SHA256_Final(out, &c); return 1; }
    case 3: { SHA512_CTX c; SHA512_Init(&c); SHA512_Update(&c, data, length); SHA512_Final(out, &c); return 1; }
    default: return 0;
    }
}
