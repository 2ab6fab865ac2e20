#include <openssl/evp.h>
#include <openssl/opensslv.h>

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
