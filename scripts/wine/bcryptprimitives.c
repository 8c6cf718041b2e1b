/*
 * A stand-in for Windows' bcryptprimitives.dll, for wine versions that lack
 * it (Debian 12 ships wine 8.0). Rust's standard library gets its random
 * bytes from this DLL's ProcessPrng export; without it every Rust .exe stops
 * at load time with status c0000135. This forwards to BCryptGenRandom, which
 * wine does have. scripts/wine-runner builds it with MinGW and puts it on
 * WINEPATH; real Windows never sees it.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    /* BCryptGenRandom takes a 32-bit length. */
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
